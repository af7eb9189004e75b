"""Keys, tokens, JWKS fetchers and clocks for the verifier tests.

Everything here is made locally (RSA keys from ``cryptography``, tokens signed with PyJWT
or, for forgeries, assembled by hand) so these tests never depend on the lab. Test modules
import the helpers with ``from tests.api.conftest import ...``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from cognito_lab.api import CognitoJwtVerifier, JwksCache

REGION = "us-east-1"
POOL_ID = "us-east-1_LabPool01"
OTHER_POOL_ID = "us-east-1_OtherPool9"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL_ID}"
OTHER_ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{OTHER_POOL_ID}"
JWKS_URL = ISSUER + "/.well-known/jwks.json"
# The "updated" issuer of the same pool (user pools with multi-Region replication)
MULTI_REGION_ISSUER = f"https://issuer-cognito-idp.{REGION}.amazonaws.com/{POOL_ID}"
MULTI_REGION_JWKS_URL = MULTI_REGION_ISSUER + "/.well-known/jwks.json"
OTHER_JWKS_URL = OTHER_ISSUER + "/.well-known/jwks.json"
CLIENT_ID = "3n4b5urk1ft4fl3mg5e62d9ado"
OTHER_CLIENT_ID = "7abcdefghijklmnopqrstuvwx1"
NOW = 1_700_000_000  # a fixed "now" for ManualClock-driven tests
MAIN_KID = "main-key-1"
ROTATED_KID = "main-key-2"
OTHER_KID = "other-pool-key"


# --- encoding helpers -----------------------------------------------------------------


def b64url(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


# --- keys -------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPair:
    """An RSA key with its kid and public JWK."""

    kid: str
    private: rsa.RSAPrivateKey = field(repr=False)

    @property
    def public(self) -> rsa.RSAPublicKey:
        return self.private.public_key()

    def jwk(self, **extra: Any) -> dict[str, Any]:
        """The public JWK (``use``/``alg`` as Cognito publishes them), with overrides."""
        numbers = self.public.public_numbers()
        jwk = {"kid": self.kid, "kty": "RSA", "alg": "RS256", "use": "sig",
               "n": b64url(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
               "e": b64url(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big"))}
        jwk.update(extra)
        return {k: v for k, v in jwk.items() if v is not None}

    @property
    def public_pem(self) -> bytes:
        return self.public.public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)


@dataclass(frozen=True)
class Keys:
    main: KeyPair
    rotated: KeyPair
    other_pool: KeyPair
    attacker: KeyPair
    short: KeyPair  # 1024 bits: too weak to be accepted from a JWKS
    ec: ec.EllipticCurvePrivateKey = field(repr=False)


def _rsa(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


_KEYS: Keys | None = None


def session_keys() -> Keys:
    """The session's keys (made once per process; RSA key generation is slow)."""
    global _KEYS
    if _KEYS is None:
        _KEYS = Keys(main=KeyPair(MAIN_KID, _rsa()), rotated=KeyPair(ROTATED_KID, _rsa()),
                     other_pool=KeyPair(OTHER_KID, _rsa()),
                     attacker=KeyPair(MAIN_KID, _rsa()),
                     short=KeyPair("short-key", _rsa(1024)),
                     ec=ec.generate_private_key(ec.SECP256R1()))
    return _KEYS


@pytest.fixture(scope="session")
def keys() -> Keys:
    return session_keys()


def jwks_body(*jwks: dict[str, Any]) -> bytes:
    return json.dumps({"keys": list(jwks)}).encode()


# --- tokens -----------------------------------------------------------------------------


def access_claims(now: float = NOW, **overrides: Any) -> dict[str, Any]:
    """Claims shaped like a Cognito access token; :func:`without` deletes claims."""
    claims = {
        "sub": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "iss": ISSUER, "client_id": CLIENT_ID,
        "origin_jti": "11111111-2222-4333-8444-555555555555",
        "event_id": "66666666-7777-4888-9999-000000000000", "token_use": "access",
        "scope": "aws.cognito.signin.user.admin", "auth_time": int(now),
        "exp": int(now) + 3600, "iat": int(now), "jti": "99999999-8888-4777-a666-555555555555",
        "username": "alice", "cognito:groups": ["admins", "readers"],
    }
    claims.update(overrides)
    return claims


def id_claims(now: float = NOW, **overrides: Any) -> dict[str, Any]:
    """Claims shaped like a Cognito ID token."""
    claims = {
        "sub": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "email_verified": True, "iss": ISSUER,
        "cognito:username": "alice", "origin_jti": "11111111-2222-4333-8444-555555555555",
        "aud": CLIENT_ID, "event_id": "66666666-7777-4888-9999-000000000000",
        "token_use": "id", "auth_time": int(now), "exp": int(now) + 3600, "iat": int(now),
        "jti": "99999999-8888-4777-a666-555555555555", "email": "alice@example.com",
        "cognito:groups": ["admins"],
    }
    claims.update(overrides)
    return claims


def without(claims: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in claims.items() if k not in names}


def sign(claims: dict[str, Any], key: KeyPair, headers: dict[str, Any] | None = None) -> str:
    """A well-formed RS256 token signed with PyJWT (kid = the key's kid unless overridden)."""
    return jwt.encode(claims, key.private, algorithm="RS256",
                      headers={"kid": key.kid, **(headers or {})})


def sign_any(claims: dict[str, Any], key: KeyPair, **header: Any) -> str:
    """Like :func:`sign` but for payloads PyJWT refuses to encode (e.g. a non-string iss)."""
    return forge({"alg": "RS256", "kid": key.kid, "typ": "JWT", **header}, claims, key=key)


def rs256_signature(signing_input: bytes, key: KeyPair) -> bytes:
    return key.private.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())


def forge(header: dict[str, Any] | str | bytes, payload: dict[str, Any] | str | bytes, *,
          key: KeyPair | None = None, signature: bytes | None = None) -> str:
    """Assemble a token by hand: any header, any payload; RS256-signed with ``key`` (over
    exactly these bytes) or carrying ``signature`` as given (default: none)."""
    parts = []
    for part in (header, payload):
        if isinstance(part, dict):
            part = compact_json(part)
        parts.append(b64url(part))
    signing_input = ".".join(parts).encode("ascii")
    if key is not None:
        signature = rs256_signature(signing_input, key)
    return ".".join(parts) + "." + b64url(signature or b"")


def hs256_token(header: dict[str, Any], payload: dict[str, Any], secret: bytes) -> str:
    """An HS256 token (the RFC 8725 §2.1 confusion attack uses the public key as secret)."""
    signing_input = f"{b64url(compact_json(header))}.{b64url(compact_json(payload))}"
    mac = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + b64url(mac)


# --- clocks and fetchers ----------------------------------------------------------------


class ManualClock:
    """A clock that moves only when told (no sleeping in tests)."""

    def __init__(self, now: float = NOW) -> None:
        self.t = float(now)

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> float:
        self.t += seconds
        return self.t


class Fetcher:
    """An injectable JWKS fetcher: serves documents per URL, records calls, can fail."""

    def __init__(self, documents: dict[str, bytes] | None = None) -> None:
        self.documents: dict[str, bytes | BaseException] = dict(documents or {})
        self.calls: list[tuple[str, float]] = []
        self.failures: list[BaseException] = []  # raised first, one per call
        self.delay = 0.0
        self._lock = threading.Lock()

    def __call__(self, url: str, timeout: float) -> bytes:
        with self._lock:
            self.calls.append((url, timeout))
            failure = self.failures.pop(0) if self.failures else None
        if self.delay:
            time.sleep(self.delay)
        if failure is not None:
            raise failure
        document = self.documents.get(url)
        if document is None:
            raise OSError(f"404 for {url}")
        if isinstance(document, BaseException):
            raise document
        return document

    @property
    def count(self) -> int:
        return len(self.calls)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW + 10)


@pytest.fixture
def fetcher(keys: Keys) -> Fetcher:
    return Fetcher({JWKS_URL: jwks_body(keys.main.jwk()),
                    MULTI_REGION_JWKS_URL: jwks_body(keys.main.jwk()),
                    OTHER_JWKS_URL: jwks_body(keys.other_pool.jwk())})


@pytest.fixture
def make_verifier(fetcher: Fetcher, clock: ManualClock
                  ) -> Callable[..., CognitoJwtVerifier]:
    """``make_verifier(**overrides)``: an access-token verifier for POOL_ID/CLIENT_ID on the
    manual clock and the injected fetcher."""

    def make(**overrides: Any) -> CognitoJwtVerifier:
        options: dict[str, Any] = {
            "user_pool_id": POOL_ID, "token_use": "access", "client_id": CLIENT_ID,
            "clock": clock, "jwks_cache": JwksCache(fetcher=fetcher, clock=clock)}
        options.update(overrides)
        return CognitoJwtVerifier(**options)

    return make


# --- a real JWKS endpoint on 127.0.0.1 ---------------------------------------------------


class JwksServer:
    """A tiny HTTP server for JWKS documents: ``routes[path] = (status, body, delay)``."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes, float]] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                status, body, delay = server.routes.get(self.path, (404, b"not found", 0.0))
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = False  # server_close() joins the request threads
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="jwks-server",
                                       kwargs={"poll_interval": 0.05})

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def __enter__(self) -> JwksServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def jwks_server() -> Iterator[JwksServer]:
    """A JWKS server on 127.0.0.1 (port 0), shut down and joined after the test."""
    before = set(threading.enumerate())
    with JwksServer() as server:
        yield server
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not leaked, f"threads left running: {leaked}"
