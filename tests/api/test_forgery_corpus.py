"""The forgery gallery: malformed and forged tokens, each refused by its SPECIFIC check.

The categories follow awslabs' aws-jwt-verify and the attacks of RFC 8725 (JWT Best
Current Practices): algorithm confusion and ``none``, keys smuggled in the header,
unknown or hostile kids, tampered parts, wrong issuer / audience / token use, time
claims of the wrong type, and JWKS entries that must not be trusted.

Every case starts from a valid access token for POOL_ID/CLIENT_ID (accepted by the same
verifier; see ``test_the_unforged_token_is_accepted``) and changes one thing.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding

from cognito_lab.api import (
    MAX_TOKEN_LENGTH,
    CognitoJwtVerifier,
    JwkInvalidError,
    JwksCache,
    JwksUnavailableError,
    JwtAlgorithmError,
    JwtCustomCheckError,
    JwtExpiredError,
    JwtInvalidAudienceError,
    JwtInvalidClaimError,
    JwtInvalidClientIdError,
    JwtInvalidGroupError,
    JwtInvalidIssuedAtError,
    JwtInvalidIssuerError,
    JwtInvalidKidError,
    JwtInvalidScopeError,
    JwtInvalidSignatureError,
    JwtInvalidTokenUseError,
    JwtNotBeforeError,
    JwtParseError,
    JwtUnsupportedHeaderError,
    JwtVerificationError,
    KidNotFoundError,
)
from tests.api.conftest import (
    CLIENT_ID,
    ISSUER,
    JWKS_URL,
    MAIN_KID,
    MULTI_REGION_ISSUER,
    NOW,
    OTHER_CLIENT_ID,
    OTHER_ISSUER,
    POOL_ID,
    Keys,
    access_claims,
    b64url,
    compact_json,
    forge,
    hs256_token,
    id_claims,
    jwks_body,
    sign,
    sign_any,
    without,
)

HEADER = {"alg": "RS256", "kid": MAIN_KID, "typ": "JWT"}


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[Keys], Any]
    error: type[JwtVerificationError]
    verifier: dict[str, Any] = field(default_factory=dict)
    jwks: Callable[[Keys], bytes | BaseException] | None = None


def good(k: Keys) -> str:
    return sign(access_claims(), k.main)


def parts(k: Keys) -> list[str]:
    return good(k).split(".")


def with_header(**changes: Any) -> Callable[[Keys], str]:
    """Header changed, then properly RS256-signed by the pool's key (so only the header
    check can refuse it)."""
    def build(k: Keys) -> str:
        header = {k_: v for k_, v in {**HEADER, **changes}.items() if v is not _DROP}
        return forge(header, access_claims(), key=k.main)
    return build


def with_claims(claims: Callable[[], dict[str, Any]]) -> Callable[[Keys], str]:
    """Claims changed, then properly signed: only the claim checks can refuse it."""
    return lambda k: sign_any(claims(), k.main)


_DROP = object()


def unsigned(alg: str, keep_signature: bool = False) -> Callable[[Keys], str]:
    def build(k: Keys) -> str:
        head = b64url(compact_json({"alg": alg, "kid": MAIN_KID, "typ": "JWT"}))
        _, body, sig = parts(k)
        return f"{head}.{body}." + (sig if keep_signature else "")
    return build


def rsa_with(alg: str) -> Callable[[Keys], str]:
    """Really signed with the pool's RSA key, but under another algorithm."""
    return lambda k: jwt.encode(access_claims(), k.main.private, algorithm=alg,
                                headers={"kid": MAIN_KID})


def es256(k: Keys) -> str:
    return jwt.encode(access_claims(), k.ec, algorithm="ES256", headers={"kid": MAIN_KID})


def hs256_with_public_pem(k: Keys) -> str:
    # The classic confusion: a verifier that lets the token pick the algorithm would use
    # the (public!) key material as an HMAC secret.
    return hs256_token({"alg": "HS256", "kid": MAIN_KID, "typ": "JWT"}, access_claims(),
                       k.main.public_pem)


def embedded_jwk(k: Keys) -> str:
    return forge({**HEADER, "jwk": k.attacker.jwk()}, access_claims(), key=k.attacker)


def attacker_signed(k: Keys) -> str:
    return sign(access_claims(), k.attacker)  # same kid as ours, different key


def replace_part(index: int, new: Callable[[Keys, str], str]) -> Callable[[Keys], str]:
    def build(k: Keys) -> str:
        pieces = parts(k)
        pieces[index] = new(k, pieces[index])
        return ".".join(pieces)
    return build


def tampered_payload(k: Keys, _: str) -> str:
    return b64url(compact_json(access_claims(**{"cognito:groups": ["admins", "root"]})))


def tampered_header(k: Keys, _: str) -> str:
    return b64url(compact_json({**HEADER, "typ": "at+jwt"}))


def flipped_signature(k: Keys, sig: str) -> str:
    raw = bytearray(base64.urlsafe_b64decode(sig + "=="))
    raw[100] ^= 0x01
    return b64url(bytes(raw))


def truncated_signature(k: Keys, sig: str) -> str:
    return b64url(base64.urlsafe_b64decode(sig + "==")[:128])


def signature_of_another_token(k: Keys, _: str) -> str:
    return sign(access_claims(username="bob"), k.main).split(".")[2]


def huge(k: Keys) -> str:
    return sign(access_claims(padding="x" * MAX_TOKEN_LENGTH), k.main)


def other_pool_token(k: Keys) -> str:
    return sign(access_claims(iss=OTHER_ISSUER, client_id=OTHER_CLIENT_ID), k.other_pool)


def pss256(k: Keys) -> str:
    head = b64url(compact_json({"alg": "PS256", "kid": MAIN_KID}))
    body = b64url(compact_json(access_claims()))
    sig = k.main.private.sign(f"{head}.{body}".encode(), padding.PSS(
        mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
    return f"{head}.{body}.{b64url(sig)}"


def raw_payload(payload: bytes) -> Callable[[Keys], str]:
    return lambda k: forge(HEADER, payload, key=k.main)


def raw_header(header: bytes) -> Callable[[Keys], str]:
    return lambda k: forge(header, access_claims(), key=k.main)


def char_in_signature(char: str) -> Callable[[Keys], str]:
    def build(k: Keys) -> str:
        token = good(k)
        return token[:-10] + char + token[-9:]
    return build


def jwk_override(**changes: Any) -> Callable[[Keys], bytes]:
    return lambda k: jwks_body(k.main.jwk(**changes))


CASES = [
    # --- structure --------------------------------------------------------------------
    Case("two-parts", lambda k: ".".join(parts(k)[:2]), JwtParseError),
    Case("four-parts", lambda k: good(k) + ".AAAA", JwtParseError),
    Case("one-part", lambda k: parts(k)[1], JwtParseError),
    Case("empty-string", lambda k: "", JwtParseError),
    Case("not-a-string", lambda k: None, JwtParseError),
    Case("bytes-of-another-kind", lambda k: bytearray(good(k).encode()), JwtParseError),
    Case("padding-equals", lambda k: good(k) + "==", JwtParseError),
    Case("padding-in-payload", replace_part(1, lambda k, p: p + "=" * (-len(p) % 4 or 4)),
         JwtParseError),
    Case("plus-char", char_in_signature("+"), JwtParseError),
    Case("slash-char", char_in_signature("/"), JwtParseError),
    Case("space-char", char_in_signature(" "), JwtParseError),
    Case("unicode-char", char_in_signature("é"), JwtParseError),
    Case("trailing-newline", lambda k: good(k) + "\n", JwtParseError),
    Case("non-canonical-base64", replace_part(2, lambda k, s: s[:-1] + chr(ord(s[-1]) + 1)),
         JwtParseError),
    Case("impossible-length", replace_part(2, lambda k, s: s + "AAA"), JwtParseError),
    Case("empty-header", replace_part(0, lambda k, h: ""), JwtParseError),
    Case("header-not-json", raw_header(b"alg=RS256"), JwtParseError),
    Case("header-json-array", raw_header(b'["RS256", "main-key-1"]'), JwtParseError),
    Case("header-not-utf8", raw_header(b'{"alg":"RS256","kid":"\xff"}'), JwtParseError),
    Case("payload-json-string", raw_payload(b'"admin"'), JwtParseError),
    Case("payload-json-null", raw_payload(b"null"), JwtParseError),
    Case("payload-with-nan", raw_payload(b'{"exp": NaN}'), JwtParseError),
    Case("payload-deeply-nested", raw_payload(b"[" * 3000 + b"]" * 3000), JwtParseError),
    Case("huge-token", huge, JwtParseError),
    # --- header: algorithm --------------------------------------------------------------
    Case("alg-none", unsigned("none"), JwtAlgorithmError),
    Case("alg-None", unsigned("None"), JwtAlgorithmError),
    Case("alg-NONE", unsigned("NONE"), JwtAlgorithmError),
    Case("alg-nOnE", unsigned("nOnE"), JwtAlgorithmError),
    Case("alg-none-signature-kept", unsigned("none", keep_signature=True), JwtAlgorithmError),
    Case("alg-HS256-public-key-as-secret", hs256_with_public_pem, JwtAlgorithmError),
    Case("alg-RS512", rsa_with("RS512"), JwtAlgorithmError),
    Case("alg-RS384", rsa_with("RS384"), JwtAlgorithmError),
    Case("alg-PS256", pss256, JwtAlgorithmError),
    Case("alg-ES256", es256, JwtAlgorithmError),
    Case("alg-missing", with_header(alg=_DROP), JwtAlgorithmError),
    Case("alg-lowercase", with_header(alg="rs256"), JwtAlgorithmError),
    Case("alg-with-space", with_header(alg="RS256 "), JwtAlgorithmError),
    Case("alg-as-list", with_header(alg=["RS256"]), JwtAlgorithmError),
    Case("alg-empty", with_header(alg=""), JwtAlgorithmError),
    # --- header: smuggled keys and extensions -------------------------------------------
    Case("embedded-jwk", embedded_jwk, JwtUnsupportedHeaderError),
    Case("jku-header", with_header(jku="https://evil.example/jwks.json"),
         JwtUnsupportedHeaderError),
    Case("x5u-header", with_header(x5u="https://evil.example/cert.pem"),
         JwtUnsupportedHeaderError),
    Case("x5c-header", with_header(x5c=["MIIBIjANBgkq"]), JwtUnsupportedHeaderError),
    Case("crit-header", with_header(crit=["exp"]), JwtUnsupportedHeaderError),
    Case("crit-empty", with_header(crit=[]), JwtUnsupportedHeaderError),
    Case("b64-false", with_header(b64=False, crit=["b64"]), JwtUnsupportedHeaderError),
    # --- header: kid --------------------------------------------------------------------
    Case("kid-missing", with_header(kid=_DROP), JwtInvalidKidError),
    Case("kid-empty", with_header(kid=""), JwtInvalidKidError),
    Case("kid-number", with_header(kid=1), JwtInvalidKidError),
    Case("kid-null", with_header(kid=None), JwtInvalidKidError),
    Case("kid-list", with_header(kid=[MAIN_KID]), JwtInvalidKidError),
    Case("kid-unknown", with_header(kid="no-such-key"), KidNotFoundError),
    Case("kid-path-traversal", with_header(kid="../../etc/passwd"), KidNotFoundError),
    Case("kid-sql-ish", with_header(kid="x' OR '1'='1"), KidNotFoundError),
    Case("kid-differs-in-case", with_header(kid=MAIN_KID.upper()), KidNotFoundError),
    # --- keys ---------------------------------------------------------------------------
    Case("token-of-another-pool", other_pool_token, KidNotFoundError),
    Case("jwks-key-use-enc", good, JwkInvalidError, jwks=jwk_override(use="enc")),
    Case("jwks-key-alg-RS512", good, JwkInvalidError, jwks=jwk_override(alg="RS512")),
    Case("jwks-key-kty-EC", good, JwkInvalidError, jwks=jwk_override(kty="EC")),
    Case("jwks-key-1024-bits", good, JwkInvalidError,
         jwks=lambda k: jwks_body(k.short.jwk(kid=MAIN_KID))),
    Case("jwks-unreachable", good, JwksUnavailableError,
         jwks=lambda k: OSError("connection refused")),
    Case("jwks-not-json", good, JwksUnavailableError, jwks=lambda k: b"<html>"),
    # --- signature ----------------------------------------------------------------------
    Case("signature-of-another-key", attacker_signed, JwtInvalidSignatureError),
    Case("signature-truncated", replace_part(2, truncated_signature), JwtInvalidSignatureError),
    Case("signature-empty", replace_part(2, lambda k, s: ""), JwtInvalidSignatureError),
    Case("signature-bit-flipped", replace_part(2, flipped_signature), JwtInvalidSignatureError),
    Case("signature-of-another-token", replace_part(2, signature_of_another_token),
         JwtInvalidSignatureError),
    Case("payload-modified-after-signing", replace_part(1, tampered_payload),
         JwtInvalidSignatureError),
    Case("header-modified-after-signing", replace_part(0, tampered_header),
         JwtInvalidSignatureError),
    Case("another-pool-key-under-our-kid",
         lambda k: forge(HEADER, access_claims(), key=k.other_pool), JwtInvalidSignatureError),
    # --- issuer -------------------------------------------------------------------------
    Case("iss-wrong", with_claims(lambda: access_claims(iss="https://evil.example")),
         JwtInvalidIssuerError),
    Case("iss-trailing-slash", with_claims(lambda: access_claims(iss=ISSUER + "/")),
         JwtInvalidIssuerError),
    Case("iss-http", with_claims(lambda: access_claims(iss=ISSUER.replace("https", "http"))),
         JwtInvalidIssuerError),
    Case("iss-other-region", with_claims(
        lambda: access_claims(iss=ISSUER.replace("us-east-1.", "eu-west-1."))),
        JwtInvalidIssuerError),
    Case("iss-other-pool", with_claims(lambda: access_claims(iss=OTHER_ISSUER)),
         JwtInvalidIssuerError),
    Case("iss-missing", with_claims(lambda: without(access_claims(), "iss")),
         JwtInvalidIssuerError),
    Case("iss-list", with_claims(lambda: access_claims(iss=[ISSUER])), JwtInvalidIssuerError),
    Case("iss-multi-region-of-another-pool", with_claims(
        lambda: access_claims(iss=OTHER_ISSUER.replace("//", "//issuer-"))),
        JwtInvalidIssuerError),
    Case("iss-multi-region-other-region", with_claims(
        lambda: access_claims(iss=MULTI_REGION_ISSUER.replace("us-east-1.", "eu-west-1."))),
        JwtInvalidIssuerError),
    Case("iss-multi-region-dotted", with_claims(
        lambda: access_claims(iss=MULTI_REGION_ISSUER.replace("issuer-", "issuer."))),
        JwtInvalidIssuerError),
    # --- token use ----------------------------------------------------------------------
    Case("id-token-as-access-token", with_claims(id_claims), JwtInvalidTokenUseError),
    Case("access-token-as-id-token", with_claims(access_claims), JwtInvalidTokenUseError,
         verifier={"token_use": "id"}),
    Case("token-use-missing", with_claims(lambda: without(access_claims(), "token_use")),
         JwtInvalidTokenUseError),
    Case("token-use-refresh", with_claims(lambda: access_claims(token_use="refresh")),
         JwtInvalidTokenUseError, verifier={"token_use": None}),
    Case("token-use-list", with_claims(lambda: access_claims(token_use=["access"])),
         JwtInvalidTokenUseError),
    # --- client and audience ------------------------------------------------------------
    Case("client-id-wrong", with_claims(lambda: access_claims(client_id=OTHER_CLIENT_ID)),
         JwtInvalidClientIdError),
    Case("client-id-missing", with_claims(lambda: without(access_claims(), "client_id")),
         JwtInvalidClientIdError),
    Case("client-id-list", with_claims(lambda: access_claims(client_id=[CLIENT_ID])),
         JwtInvalidClientIdError),
    Case("client-id-in-aud-only", with_claims(
        lambda: without(access_claims(aud=CLIENT_ID), "client_id")), JwtInvalidClientIdError),
    Case("aud-wrong-for-id-token", with_claims(lambda: id_claims(aud=OTHER_CLIENT_ID)),
         JwtInvalidAudienceError, verifier={"token_use": "id"}),
    Case("aud-list-not-containing", with_claims(lambda: id_claims(aud=[OTHER_CLIENT_ID, "x"])),
         JwtInvalidAudienceError, verifier={"token_use": "id"}),
    Case("aud-missing", with_claims(lambda: without(id_claims(), "aud")),
         JwtInvalidAudienceError, verifier={"token_use": "id"}),
    Case("aud-list-with-non-string", with_claims(lambda: id_claims(aud=[CLIENT_ID, 7])),
         JwtInvalidAudienceError, verifier={"token_use": "id"}),
    Case("aud-list-on-id-token", with_claims(lambda: id_claims(aud=[CLIENT_ID])),
         JwtInvalidAudienceError, verifier={"token_use": "id"}),
    Case("aud-number-on-access-token", with_claims(lambda: access_claims(aud=7)),
         JwtInvalidAudienceError),
    Case("aud-number-client-unchecked", with_claims(lambda: id_claims(aud=7)),
         JwtInvalidAudienceError, verifier={"token_use": "id", "client_id": None}),
    Case("client-id-number-unchecked", with_claims(lambda: access_claims(client_id=7)),
         JwtInvalidClientIdError, verifier={"client_id": None}),
    # --- time ---------------------------------------------------------------------------
    Case("exp-missing", with_claims(lambda: without(access_claims(), "exp")), JwtExpiredError),
    Case("exp-string", with_claims(lambda: access_claims(exp=str(NOW + 3600))),
         JwtExpiredError),
    Case("exp-bool", with_claims(lambda: access_claims(exp=True)), JwtExpiredError),
    Case("exp-null", with_claims(lambda: access_claims(exp=None)), JwtExpiredError),
    Case("exp-list", with_claims(lambda: access_claims(exp=[NOW + 3600])), JwtExpiredError),
    Case("expired", with_claims(lambda: access_claims(exp=NOW - 1)), JwtExpiredError),
    Case("expires-right-now", with_claims(lambda: access_claims(exp=NOW + 10)),
         JwtExpiredError),
    Case("nbf-in-the-future", with_claims(lambda: access_claims(nbf=NOW + 60)),
         JwtNotBeforeError),
    Case("nbf-string", with_claims(lambda: access_claims(nbf="0")), JwtNotBeforeError),
    Case("iat-string", with_claims(lambda: access_claims(iat=str(NOW))),
         JwtInvalidIssuedAtError),
    Case("iat-bool", with_claims(lambda: access_claims(iat=False)), JwtInvalidIssuedAtError),
    Case("iat-in-the-future", with_claims(lambda: access_claims(iat=NOW + 3000)),
         JwtInvalidIssuedAtError),
    # integer literals of 401 digits: exact ints to Python, Infinity to JavaScript
    Case("exp-10e400-integer", with_claims(lambda: access_claims(exp=10**400)),
         JwtExpiredError),
    Case("nbf-minus-10e400-integer", with_claims(lambda: access_claims(nbf=-(10**400))),
         JwtNotBeforeError),
    Case("iat-minus-10e400-integer", with_claims(lambda: access_claims(iat=-(10**400))),
         JwtInvalidIssuedAtError),
    Case("exp-1e300", with_claims(lambda: access_claims(exp=1e300)), JwtExpiredError),
    # --- other registered claims -------------------------------------------------------------
    Case("sub-number", with_claims(lambda: access_claims(sub=12345)), JwtInvalidClaimError),
    Case("jti-object", with_claims(lambda: access_claims(jti={"id": 1})), JwtInvalidClaimError),
    # --- scope and groups -------------------------------------------------------------
    Case("scope-list-no-scope-required",
         with_claims(lambda: access_claims(scope=["orders/read"])), JwtInvalidScopeError),
    Case("scope-number-no-scope-required", with_claims(lambda: access_claims(scope=7)),
         JwtInvalidScopeError),
    Case("scope-missing", with_claims(lambda: without(access_claims(), "scope")),
         JwtInvalidScopeError, verifier={"scope": "orders/read"}),
    Case("scope-wrong", with_claims(lambda: access_claims(scope="orders/write")),
         JwtInvalidScopeError, verifier={"scope": "orders/read"}),
    Case("scope-as-list", with_claims(lambda: access_claims(scope=["orders/read"])),
         JwtInvalidScopeError, verifier={"scope": "orders/read"}),
    Case("scope-prefix-only", with_claims(lambda: access_claims(scope="orders/readwrite")),
         JwtInvalidScopeError, verifier={"scope": "orders/read"}),
    Case("scope-comma-separated", with_claims(lambda: access_claims(scope="a,orders/read")),
         JwtInvalidScopeError, verifier={"scope": "orders/read"}),
    Case("groups-missing", with_claims(lambda: without(access_claims(), "cognito:groups")),
         JwtInvalidGroupError, verifier={"groups": "admins"}),
    Case("groups-string-not-list",
         with_claims(lambda: access_claims(**{"cognito:groups": "admins"})),
         JwtInvalidGroupError, verifier={"groups": "admins"}),
    Case("groups-wrong", with_claims(lambda: access_claims(**{"cognito:groups": ["readers"]})),
         JwtInvalidGroupError, verifier={"groups": "admins"}),
    Case("groups-list-of-lists",
         with_claims(lambda: access_claims(**{"cognito:groups": [["admins"]]})),
         JwtInvalidGroupError, verifier={"groups": "admins"}),
    # --- custom check -------------------------------------------------------------------
    Case("custom-check-false", good, JwtCustomCheckError,
         verifier={"custom_check": lambda payload: payload["username"] == "carol"}),
    Case("custom-check-raises", good, JwtCustomCheckError,
         verifier={"custom_check": lambda payload: payload["custom:tenant"]}),
]


def make(case: Case, fetcher: Any, clock: Any) -> CognitoJwtVerifier:
    options: dict[str, Any] = {"user_pool_id": POOL_ID, "token_use": "access",
                               "client_id": CLIENT_ID, "clock": clock,
                               "jwks_cache": JwksCache(fetcher=fetcher, clock=clock)}
    options.update(case.verifier)
    return CognitoJwtVerifier(**options)


def test_the_corpus_is_large_and_ids_are_unique():
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)


def test_the_unforged_token_is_accepted(keys, fetcher, clock):
    for case in CASES:
        relaxed = Case(case.id, good, case.error,
                       {k: v for k, v in case.verifier.items() if k != "custom_check"})
        if "scope" in relaxed.verifier:
            relaxed.verifier["scope"] = "aws.cognito.signin.user.admin"
        if case.verifier.get("token_use") == "id":
            assert make(relaxed, fetcher, clock).verify(sign(id_claims(), keys.main))
        else:
            assert make(relaxed, fetcher, clock).verify(good(keys)) == access_claims()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_forgery_is_refused_by_its_specific_check(case, keys, fetcher, clock):
    if case.jwks is not None:
        fetcher.documents[JWKS_URL] = case.jwks(keys)
    verifier = make(case, fetcher, clock)
    token = case.build(keys)
    with pytest.raises(JwtVerificationError) as info:
        verifier.verify(token)
    error = info.value
    assert type(error) is case.error, f"{type(error).__name__}: {error}"
    message = str(error)
    assert "expected" in message and "got" in message, message
    if isinstance(token, str):
        assert error.token == token
        for part in token.split("."):
            if len(part) > 24:
                assert part[:24] not in message, "the message echoes the token"


def test_ecdsa_key_really_signs(keys):
    # Guard for the ES256 case: the token is a genuine ES256 token, refused for its alg.
    token = es256(keys)
    assert jwt.decode(token, keys.ec.public_key(), algorithms=["ES256"],
                      options={"verify_exp": False})["username"] == "alice"
    assert isinstance(keys.ec, ec.EllipticCurvePrivateKey)


def test_hs256_confusion_token_is_a_valid_hmac(keys):
    # Guard for the HS256 case: a verifier that followed "alg" would accept this token.
    token = hs256_with_public_pem(keys)
    header, body, sig = token.split(".")
    import hashlib
    import hmac

    mac = hmac.new(keys.main.public_pem, f"{header}.{body}".encode(), hashlib.sha256).digest()
    assert b64url(mac) == sig
