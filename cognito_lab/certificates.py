"""Self-signed X.509 certificates: how a SAML party publishes its public key.

Both sides of SAML in the lab need them (the user pool's signing and encryption
certificates, the lab's SAML IdP's): an RSA-2048 key and a certificate naming
``common_name``, valid from five minutes ago (a little clock skew) for ``days`` days.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from typing import Self

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def self_signed(common_name: str, *, days: int) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(minutes=5))
                   .not_valid_after(now + dt.timedelta(days=days))
                   .sign(key, hashes.SHA256()))
    return key, certificate


@dataclass(frozen=True)
class KeyAndCertificate:
    """A private key and the self-signed certificate that publishes its public key."""

    private_key: rsa.RSAPrivateKey = field(repr=False)
    certificate: x509.Certificate

    @classmethod
    def generate(cls, common_name: str, *, days: int) -> Self:
        return cls(*self_signed(common_name, days=days))

    @property
    def certificate_base64(self) -> str:
        """The DER certificate in base64, as Cognito's API shows certificates."""
        return base64.b64encode(
            self.certificate.public_bytes(serialization.Encoding.DER)).decode()

    @property
    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def private_pem(self) -> bytes:
        return self.private_key.private_bytes(serialization.Encoding.PEM,
                                              serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption())
