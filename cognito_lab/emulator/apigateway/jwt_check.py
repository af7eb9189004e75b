"""How API Gateway reads and checks a JWT (its own checks, not your API's verifier).

AWS, "Control access to HTTP APIs with JWT authorizers in API Gateway"
(/apigateway/latest/developerguide/http-api-jwt-authorizer.html), the workflow:

1. take the token from the identity source: the token alone, or ``Bearer <token>``;
2. decode it;
3. check its algorithm and signature with the public key from the issuer's ``jwks_uri``
   (RSA algorithms only; keys cached up to two hours);
4. check the claims: ``kid`` names a key of the JWKS; ``iss`` matches the authorizer's
   issuer; ``aud`` — or ``client_id`` only if there is no ``aud`` — matches an audience
   entry; ``exp`` after now; ``nbf`` and ``iat`` before now (UTC); ``scope``/``scp``
   contains one of the route's scopes (checked by the caller, ``authorizers.py``).

Keys: for an issuer that is a user pool of this lab (``https://cognito-idp.<region>.
amazonaws.com/<pool>``), the pool's published keys come from the emulator's key store
(what its ``jwks_uri`` serves); any other issuer's keys are fetched over HTTP from its
OpenID configuration's ``jwks_uri``, as AWS does, and cached for two hours of lab time.

The emulator never imports the kit's verifier (``cognito_lab.api`` plays *your* API);
this is API Gateway's own reading, with ``cryptography`` directly.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ... import b64url, cognito_ids

if TYPE_CHECKING:
    from .. import Emulator

JWKS_CACHE_SECONDS = 2 * 3600           # "API Gateway can cache the public keys for two hours"
_HASHES: dict[str, type[hashes.SHA256 | hashes.SHA384 | hashes.SHA512]] = {
    "RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}


class TokenRejected(Exception):
    """The token fails a check; ``description`` is the www-authenticate error_description."""

    def __init__(self, description: str, *, expired: bool = False) -> None:
        super().__init__(description)
        self.description = description
        self.expired = expired


@dataclass(frozen=True)
class ReadToken:
    header: dict
    claims: dict


def bearer_token(value: str | None) -> str | None:
    """The token in an identity source value: the token itself or ``Bearer <token>``."""
    if value is None:
        return None
    value = value.strip()
    if value[:7].lower() == "bearer ":
        value = value[7:].strip()
    return value or None


class KeySource:
    """The JWKS of an issuer: the lab's own pools from the key store, others over HTTP."""

    def __init__(self, emulator: Emulator,
                 fetch: Callable[[str], dict] | None = None) -> None:
        self._emulator = emulator
        self._fetch = fetch or _fetch_json
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, dict]] = {}

    def lab_pool(self, issuer: str) -> str | None:
        """The user pool of this lab whose issuer ``issuer`` is, or None."""
        prefix = cognito_ids.issuer(self._emulator.region, "")
        if not issuer.startswith(prefix):
            return None
        pool_id = issuer[len(prefix):]
        if cognito_ids.user_pool_region(pool_id) != self._emulator.region:
            return None
        return pool_id if self._emulator.directory.pool_exists(pool_id) else None

    def jwks(self, issuer: str) -> dict:
        pool_id = self.lab_pool(issuer)
        if pool_id is not None:
            return self._emulator.keys.ring(pool_id).jwks()
        now = self._emulator.clock.now()
        with self._lock:
            cached = self._cache.get(issuer)
        if cached and cached[0] > now:
            return cached[1]
        try:
            config = self._fetch(issuer.rstrip("/") + "/.well-known/openid-configuration")
            keys = self._fetch(str(config["jwks_uri"]))
        except Exception as exc:   # unreachable issuer: no keys, no access
            raise TokenRejected("unable to fetch the issuer's signing keys") from exc
        with self._lock:
            self._cache[issuer] = (now + JWKS_CACHE_SECONDS, keys)
        return keys


def _fetch_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:   # noqa: S310 - issuer URL
        return json.loads(response.read())


def _public_key(jwk: dict) -> rsa.RSAPublicKey:
    numbers = rsa.RSAPublicNumbers(b64url.decode_uint(jwk["e"]), b64url.decode_uint(jwk["n"]))
    return numbers.public_key()


def read_and_verify(token: str, *, jwks_of: Callable[[str], dict],
                    allowed_issuers: Callable[[str], bool], now: float) -> ReadToken:
    """Decode ``token``, check its header, key and signature against its issuer's JWKS,
    then ``exp``, ``nbf`` and ``iat``. ``allowed_issuers(iss)`` says whether the authorizer
    trusts the token's (unverified) issuer at all: keys are fetched only for those."""
    try:
        header, claims, signing_input, signature = b64url.decode_jws(token)
    except (ValueError, UnicodeDecodeError):
        raise TokenRejected("the token is malformed") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise TokenRejected("the token is malformed")
    alg = header.get("alg")
    if alg not in _HASHES:
        raise TokenRejected(f"signing method {alg} is invalid")
    issuer = claims.get("iss")
    if not isinstance(issuer, str) or not allowed_issuers(issuer):
        raise TokenRejected("the token does not have a valid issuer")
    kid = header.get("kid")
    jwk = next((k for k in jwks_of(issuer).get("keys", [])
                if isinstance(k, dict) and k.get("kid") == kid and k.get("kty") == "RSA"), None)
    if jwk is None:
        raise TokenRejected("the token's kid does not match a key of the issuer")
    try:
        _public_key(jwk).verify(signature, signing_input, padding.PKCS1v15(), _HASHES[alg]())
    except (InvalidSignature, ValueError, KeyError):
        raise TokenRejected("the token's signature is invalid") from None
    exp = claims.get("exp")
    if not isinstance(exp, (int, float)) or isinstance(exp, bool) or exp <= now:
        raise TokenRejected("the token has expired", expired=True)
    nbf = claims.get("nbf")
    if isinstance(nbf, (int, float)) and nbf > now:
        raise TokenRejected("the token is not valid yet")
    iat = claims.get("iat")
    if isinstance(iat, (int, float)) and iat > now:
        raise TokenRejected("the token was issued in the future")
    return ReadToken(header=header, claims=claims)


def token_scopes(claims: dict) -> list[str]:
    """The scopes a token carries: ``scope`` (a space-separated string) or ``scp``."""
    for name in ("scope", "scp"):
        value = claims.get(name)
        if isinstance(value, str):
            return value.split()
        if isinstance(value, list):
            return [str(item) for item in value]
    return []


def stringified(value: Any) -> str:
    """A claim as API Gateway hands it to an integration: every value a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(stringified(item) for item in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
