"""Each SAML provider's encryption key, and the certificate Describe shows for it.

AWS, "SAML signing and encryption" (Accepting encrypted SAML responses from your IdP):
Amazon Cognito assigns a public-private RSA key pair and a certificate to each external
SAML provider of a user pool; no external key can be configured. With the provider's
``EncryptedResponses`` "true", DescribeIdentityProvider shows the certificate as
``ActiveEncryptionCertificate`` in ProviderDetails, the administrator uploads it to the
IdP, and the IdP encrypts its assertions with that public key; Cognito decrypts them with
the private key (``hosted_ui/saml_decryption.py``). Certificates are valid for 10 years.

The lab makes one RSA-2048 key and self-signed certificate per provider when the provider
is created (a provider created again under the same name gets a new one) and keeps it
through Updates. AWS adds a new certificate every year with the same public key; a lab
lives for an afternoon, so it keeps the first (docs/fidelity.md). As for the signing
certificate (saml_signing.py), the wire format is the base64 DER certificate.
"""

from __future__ import annotations

import threading

from ...certificates import KeyAndCertificate

CERTIFICATE_YEARS = 10
CERTIFICATE_KEY = "ActiveEncryptionCertificate"


class SamlEncryptionKey(KeyAndCertificate):
    """A provider's private key and the certificate the IdP encrypts assertions to
    (its ``certificate_base64`` is ProviderDetails' ``ActiveEncryptionCertificate``)."""

    @classmethod
    def new(cls, common_name: str) -> SamlEncryptionKey:
        return cls.generate(common_name, days=365 * CERTIFICATE_YEARS)


class SamlEncryptionKeys:
    """One encryption key per (user pool, SAML provider). Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[tuple[str, str], SamlEncryptionKey] = {}

    def of(self, pool_id: str, provider_name: str) -> SamlEncryptionKey:
        """The provider's key, made the first time it is needed."""
        with self._lock:
            if (pool_id, provider_name) not in self._keys:
                self._keys[pool_id, provider_name] = SamlEncryptionKey.new(
                    f"{pool_id} {provider_name}"[:64])     # X.509: a CN of 64 at most
            return self._keys[pool_id, provider_name]

    def fresh(self, pool_id: str, provider_name: str) -> SamlEncryptionKey:
        """A new key for a provider being created (a deleted namesake's key is dropped)."""
        with self._lock:
            self._keys.pop((pool_id, provider_name), None)
        return self.of(pool_id, provider_name)


def with_encryption_certificate(keys: SamlEncryptionKeys, pool_id: str, provider_name: str,
                                details: dict, *, created: bool) -> dict:
    """SAML ProviderDetails as Describe shows them: with the provider's
    ``ActiveEncryptionCertificate`` when ``EncryptedResponses`` is "true"."""
    key = keys.fresh(pool_id, provider_name) if created else keys.of(pool_id, provider_name)
    if details.get("EncryptedResponses") != "true":
        return details
    return {**details, CERTIFICATE_KEY: key.certificate_base64}
