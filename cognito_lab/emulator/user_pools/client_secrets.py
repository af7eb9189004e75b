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
import time
from dataclasses import dataclass
from typing import Any

SECRET_LENGTH = 51
SECRET_ALPHABET = string.ascii_lowercase + string.digits + "+"


def new_secret() -> str:
    """A fresh secret: 51 characters of ``[a-z0-9+]``, from the OS's CSPRNG."""
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))


MAX_SECRETS = 2     # AWS, AddUserPoolClientSecret: "up to 2 active secrets per app client"


@dataclass(frozen=True)
class SecretEntry:
    """One active secret of an app client (ClientSecretDescriptorType)."""

    secret_id: str          # AWS: "<client-id>--<epoch-create-time>"
    value: str
    created: float          # epoch seconds
    generated: bool = True  # made by Cognito (False: the caller chose the value)


class ClientSecrets:
    """The AWS-shaped secret standing in for each of moto's (one lab's clients), and the
    secrets added and deleted since (AddUserPoolClientSecret, DeleteUserPoolClientSecret:
    ``client_secret_rotation``). A client's first secret is the stand-in for moto's; the
    ``ClientSecret`` every answer shows is the oldest secret still active."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._for_moto: dict[str, str] = {}
        self._entries: dict[str, list[SecretEntry]] = {}    # client id -> active secrets

    def secret_for(self, moto_secret: str) -> str:
        with self._lock:
            secret = self._for_moto.get(moto_secret)
            if secret is None:
                secret = self._for_moto[moto_secret] = new_secret()
            return secret

    def entries(self, client: dict) -> list[SecretEntry]:
        """The active secrets of a ``UserPoolClient`` from moto (none for a public client)."""
        if not client.get("ClientSecret"):
            return []
        client_id = client["ClientId"]
        with self._lock:
            found = self._entries.get(client_id)
        if found is None:
            reported: Any = client.get("CreationDate")   # moto may not say: then, first seen
            created = reported.timestamp() if hasattr(reported, "timestamp") else float(
                reported or time.time())
            first = SecretEntry(f"{client_id}--{int(created * 1000)}",
                                self.secret_for(client["ClientSecret"]), created)
            with self._lock:
                found = self._entries.setdefault(client_id, [first])
        return list(found)

    def add(self, client: dict, now: float, value: str | None = None) -> SecretEntry:
        """A new active secret (generated unless ``value`` is given); the caller checks
        the limit first."""
        current = self.entries(client)
        client_id = client["ClientId"]
        stamp = int(now * 1000)
        taken = {e.secret_id for e in current}
        while f"{client_id}--{stamp}" in taken:     # the lab's clock may stand still
            stamp += 1
        entry = SecretEntry(f"{client_id}--{stamp}", value or new_secret(), now,
                            generated=value is None)
        with self._lock:
            self._entries[client_id] = [*current, entry]
        return entry

    def delete(self, client: dict, secret_id: str) -> None:
        current = self.entries(client)
        with self._lock:
            self._entries[client["ClientId"]] = [e for e in current
                                                 if e.secret_id != secret_id]

    def as_aws(self, client: dict) -> dict:
        """A ``UserPoolClient`` from moto, as Cognito shows it: its secret swapped for
        the oldest active secret (at first the stand-in for moto's), and an emptied
        ``ReadAttributes`` (see ``client_rules``) left out."""
        shown = dict(client)
        if shown.get("ClientSecret"):
            shown["ClientSecret"] = self.entries(client)[0].value
        if shown.get("ReadAttributes") == []:
            del shown["ReadAttributes"]
        return shown
