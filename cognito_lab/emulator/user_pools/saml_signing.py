"""Each user pool's SAML signing certificate, and GetSigningCertificate that shows it.

AWS, "SAML signing and encryption" (Signing SAML requests) and GetSigningCertificate (API
reference): Amazon Cognito generates the keys itself (no external key can be configured);
a user pool's certificate is valid for 10 years; it signs SAML sign-in requests (when the
provider's ``RequestSigningAlgorithm`` is ``rsa-sha256``) and sign-out requests, and the
IdP verifies them with the certificate GetSigningCertificate returns.

The lab makes one RSA-2048 key and self-signed certificate per pool, the first time the
pool needs one. AWS adds a new certificate every year; a lab lives for an afternoon, so
it keeps the first (docs/fidelity.md). The certificate's wire format is not documented:
the lab returns the base64 DER certificate (the body of a PEM file, what SAML metadata's
``X509Certificate`` holds).
"""

from __future__ import annotations

import threading

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from ...certificates import KeyAndCertificate
from ..operations import Call

CERTIFICATE_YEARS = 10
# SAML bindings 2.0 §3.4.4.1: the SigAlg of an RSA-SHA256 redirect-binding signature
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"


class SamlSigningKey(KeyAndCertificate):
    """A pool's private key and the certificate GetSigningCertificate publishes (its
    ``certificate_base64``)."""

    @classmethod
    def new(cls, pool_id: str) -> SamlSigningKey:
        return cls.generate(pool_id, days=365 * CERTIFICATE_YEARS)

    def sign(self, octets: bytes) -> bytes:
        """RSA-SHA256 (RSASSA-PKCS1-v1_5), as ``SigAlg`` rsa-sha256 names it."""
        return self.private_key.sign(octets, padding.PKCS1v15(), hashes.SHA256())


class SamlSigningKeys:
    """One signing key per user pool, made when the pool first needs one. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, SamlSigningKey] = {}

    def of(self, pool_id: str) -> SamlSigningKey:
        with self._lock:
            if pool_id not in self._keys:
                self._keys[pool_id] = SamlSigningKey.new(pool_id)
            return self._keys[pool_id]


def get_signing_certificate(call: Call) -> dict:
    """GetSigningCertificate: the pool's certificate (ResourceNotFoundException for a pool
    that does not exist, as moto's DescribeUserPool says)."""
    pool_id = call.param("UserPoolId")
    call.emulator.directory.pool(pool_id)
    return {"Certificate": call.emulator.saml_signing.of(pool_id).certificate_base64}
