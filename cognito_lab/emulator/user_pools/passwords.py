"""Passwords: the pool's password policy, and the SRP verifiers Cognito keeps instead of
passwords.

Policy — AWS, "Adding user pool password requirements" and CreateUserPool's
``Policies.PasswordPolicy``: MinimumLength (default 8) and RequireUppercase, -Lowercase,
-Numbers, -Symbols (each true by default). A password that falls short is refused with
InvalidPasswordException on every operation that sets one: SignUp, AdminCreateUser's
TemporaryPassword, AdminSetUserPassword, ChangePassword, ConfirmForgotPassword and the
NEW_PASSWORD_REQUIRED answer.

Verifiers — every time a password is set, the lab computes the user's SRP salt and
verifier (see ``srp.py``) and keeps those, never the password. They are what USER_SRP_AUTH
is checked against, and what a plain password is checked against too.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ...clock import Clock
from ..errors import CognitoError, InvalidParameterException, InvalidPasswordException
from . import srp

# AWS's list of special characters for RequireSymbols (the space counts when it is not
# the first or last character).
SYMBOLS = set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-")
DEFAULT_POLICY = {"MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
                  "RequireNumbers": True, "RequireSymbols": True,
                  "TemporaryPasswordValidityDays": 7}


def invalid_password(reason: str) -> CognitoError:
    return InvalidPasswordException(
        f"Password did not conform with policy: {reason}")


@dataclass(frozen=True)
class PasswordPolicy:
    minimum_length: int = 8
    require_uppercase: bool = True
    require_lowercase: bool = True
    require_numbers: bool = True
    require_symbols: bool = True
    temporary_password_validity_days: int = 7

    @classmethod
    def of_pool(cls, pool: dict) -> PasswordPolicy:
        """The policy in a DescribeUserPool answer (AWS's defaults where it says nothing)."""
        raw = {**DEFAULT_POLICY, **((pool.get("Policies") or {}).get("PasswordPolicy") or {})}
        return cls(int(raw["MinimumLength"]), bool(raw["RequireUppercase"]),
                   bool(raw["RequireLowercase"]), bool(raw["RequireNumbers"]),
                   bool(raw["RequireSymbols"]), int(raw["TemporaryPasswordValidityDays"]))

    def problems(self, password: str) -> list[str]:
        """Every rule ``password`` breaks, in AWS's words (empty if it is acceptable)."""
        found = []
        if len(password) < self.minimum_length:
            found.append("Password not long enough")
        if self.require_lowercase and not any(c.islower() for c in password):
            found.append("Password must have lowercase characters")
        if self.require_uppercase and not any(c.isupper() for c in password):
            found.append("Password must have uppercase characters")
        if self.require_numbers and not any(c.isdigit() for c in password):
            found.append("Password must have numeric characters")
        if self.require_symbols and not (any(c in SYMBOLS for c in password)
                                         or " " in password[1:-1]):
            found.append("Password must have symbol characters")
        return found

    def check(self, password: object) -> str:
        """Return ``password`` if it meets the policy; else InvalidPasswordException."""
        if not isinstance(password, str) or not password:
            raise InvalidParameterException("A password is required.")
        if len(password) > 256 or password != password.strip():
            raise InvalidParameterException(
                "1 validation error detected: Value at 'password' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern: [\\S]+.*[\\S]+ "
                "and have length less than or equal to 256")
        problems = self.problems(password)
        if problems:
            raise invalid_password(problems[0])
        return password


@dataclass(frozen=True)
class Credential:
    """What the lab remembers about a user's password: never the password itself."""

    salt_hex: str
    verifier: int
    set_at: float
    temporary: bool


class PasswordVault:
    """Salt + SRP verifier per (pool, internal username), thread-safe."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._credentials: dict[tuple[str, str], Credential] = {}

    def set(self, pool_id: str, username: str, password: str, *,
            temporary: bool = False) -> Credential:
        salt_hex, verifier = srp.make_verifier(pool_id, username, password)
        credential = Credential(salt_hex, verifier, self._clock.now(), temporary)
        with self._lock:
            self._credentials[(pool_id, username)] = credential
        return credential

    def get(self, pool_id: str, username: str) -> Credential | None:
        with self._lock:
            return self._credentials.get((pool_id, username))

    def verify(self, pool_id: str, username: str, password: str) -> bool | None:
        """True/False, or None when the lab never saw this user's password being set."""
        credential = self.get(pool_id, username)
        if credential is None:
            return None
        return srp.verifier_matches(pool_id, username, password, credential.salt_hex,
                                    credential.verifier)

    def forget(self, pool_id: str, username: str) -> None:
        with self._lock:
            self._credentials.pop((pool_id, username), None)
