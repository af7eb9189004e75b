"""App-client secrets shaped as Cognito shapes them.

AWS, UserPoolClientType (API reference), ``ClientSecret``: 24 to 64 characters matching
``[\\w+]+``; the secrets Cognito generates are 51 characters long. moto's are UUIDs
(36 characters, with ``-``, which that pattern does not allow). The emulator never
touches moto's objects, so it cannot change moto's secret; it gives each one an
AWS-shaped stand-in instead, made with :mod:`secrets` the first time the emulator sees
that moto secret, and shows only the stand-in: in the CreateUserPoolClient,
DescribeUserPoolClient and UpdateUserPoolClient answers (``client_rules``) and to every
check of a secret (SECRET_HASH, the token and revocation endpoints), which all read a
client through ``Directory.client``. moto's own secret never leaves the emulator.

The alphabet is lowercase letters, digits and ``+`` (``[\\w+]`` allows it): about three
secrets in four contain a ``+``, so a client that forgets to form-urlencode a secret
before HTTP Basic (RFC 6749 §2.3.1) meets the problem in the lab, not in production.
"""

from __future__ import annotations

import secrets
import string
import threading

SECRET_LENGTH = 51
SECRET_ALPHABET = string.ascii_lowercase + string.digits + "+"


def new_secret() -> str:
    """A fresh secret: 51 characters of ``[a-z0-9+]``, from the OS's CSPRNG."""
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))


class ClientSecrets:
    """The AWS-shaped secret standing in for each of moto's (one lab's clients)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._for_moto: dict[str, str] = {}

    def secret_for(self, moto_secret: str) -> str:
        with self._lock:
            secret = self._for_moto.get(moto_secret)
            if secret is None:
                secret = self._for_moto[moto_secret] = new_secret()
            return secret

    def as_aws(self, client: dict) -> dict:
        """A ``UserPoolClient`` from moto, as Cognito shows it: its secret swapped for
        the stand-in, and an emptied ``ReadAttributes`` (see ``client_rules``) left out."""
        shown = dict(client)
        if shown.get("ClientSecret"):
            shown["ClientSecret"] = self.secret_for(shown["ClientSecret"])
        if shown.get("ReadAttributes") == []:
            del shown["ReadAttributes"]
        return shown
