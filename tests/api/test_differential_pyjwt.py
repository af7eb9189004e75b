"""Differential fuzzing against PyJWT: the kit never accepts what PyJWT refuses.

Hypothesis mutates a valid Cognito token (header and payload fields changed or removed,
algorithms swapped, times shifted around "now", signatures by the wrong key or none,
characters flipped, inserted or cut) and both verifiers judge the result:

- the oracle is a correctly configured PyJWT: ``jwt.decode(token, key,
  algorithms=["RS256"], issuer=ISSUER, options={"require": ["exp", "iss"]})`` with the key
  looked up by kid in the same JWKS, ``audience=CLIENT_ID`` for ID tokens, plus explicit
  ``token_use`` and (access tokens) ``client_id`` checks;
- whenever the kit accepts, PyJWT must accept too and return the same claims;
- and the kit never raises anything but a ``JwtVerificationError``.

Both read the same frozen "now" (PyJWT's ``datetime`` is patched), so boundaries such as
``exp == now`` are tested exactly, never by luck of timing. The kit is allowed to be
stricter (padding, non-canonical base64, NaN, ``crit``, string times...).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

import jwt
import jwt.api_jwt
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cognito_lab.api import CognitoJwtVerifier, JwksCache, JwtVerificationError
from tests.api.conftest import (
    CLIENT_ID,
    ISSUER,
    JWKS_URL,
    MAIN_KID,
    NOW,
    OTHER_CLIENT_ID,
    OTHER_ISSUER,
    OTHER_KID,
    ROTATED_KID,
    Fetcher,
    ManualClock,
    access_claims,
    b64url,
    forge,
    id_claims,
    jwks_body,
    rs256_signature,
    session_keys,
    sign,
    without,
)

FROZEN_NOW = NOW + 0.5  # fractional on purpose: exercises PyJWT's int() truncation
KEYS = session_keys()
MAIN_PUBLIC = KEYS.main.public
FUZZ_SETTINGS = settings(max_examples=5000, deadline=None, database=None,
                         suppress_health_check=[HealthCheck.too_slow,
                                                HealthCheck.data_too_large])


class _FrozenDatetime(datetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        return datetime.fromtimestamp(FROZEN_NOW, tz)


@pytest.fixture(scope="module", autouse=True)
def frozen_pyjwt_time():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jwt.api_jwt, "datetime", _FrozenDatetime)
        yield


def _verifiers() -> dict[str, CognitoJwtVerifier]:
    clock = ManualClock(FROZEN_NOW)
    cache = JwksCache(fetcher=Fetcher({JWKS_URL: jwks_body(KEYS.main.jwk())}), clock=clock)
    return {use: CognitoJwtVerifier(user_pool_id=ISSUER.rsplit("/", 1)[1], token_use=use,
                                    client_id=CLIENT_ID, clock=clock, jwks_cache=cache)
            for use in ("access", "id")}


VERIFIERS = _verifiers()


def pyjwt_verdict(token: str, token_use: str) -> dict[str, Any] | None:
    """The oracle: the claims if a correctly configured PyJWT accepts the token."""
    try:
        header = jwt.get_unverified_header(token)
        if header.get("kid") != MAIN_KID:  # the JWKS has this one key only
            return None
        payload = jwt.decode(
            token, MAIN_PUBLIC, algorithms=["RS256"], issuer=ISSUER,
            audience=CLIENT_ID if token_use == "id" else None,
            options={"require": ["exp", "iss"], "verify_aud": token_use == "id"})
    except Exception:  # any PyJWT refusal (or crash) means "not accepted"
        return None
    if payload.get("token_use") != token_use:
        return None
    if token_use == "access" and payload.get("client_id") != CLIENT_ID:
        return None
    return payload


def kit_verdict(token: str, token_use: str) -> tuple[dict[str, Any] | None, str]:
    try:
        return VERIFIERS[token_use].verify(token), "accept"
    except JwtVerificationError as exc:  # anything else is a bug: let it fail the test
        return None, type(exc).__name__


# --- strategies -----------------------------------------------------------------------

json_leaf = (st.none() | st.booleans() | st.integers(-(2**70), 2**70)
             | st.floats() | st.text(max_size=8))
json_value = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.text(max_size=4), inner, max_size=3),
                          max_leaves=6)
offsets = st.sampled_from([-86400, -3601, -3600, -61, -60, -2, -1, 0, 1, 2, 59, 60, 3600,
                           10**10])
time_value = st.one_of(
    st.integers(-3, 3).map(lambda d: NOW + d),  # whole seconds around the fractional now
    offsets.map(lambda d: NOW + d),
    st.floats(-1.5, 1.5).map(lambda d: FROZEN_NOW + d),
    st.integers(-3, 3).map(lambda d: str(NOW + d)),
    st.sampled_from([True, False, None, 0, -1, 2**64, 10**400, float("inf")]),
    json_value,
)
CLAIM_VALUES = {
    "iss": st.sampled_from([ISSUER, ISSUER + "/", OTHER_ISSUER, ISSUER.upper(), "",
                            ISSUER.replace("https", "http"), [ISSUER]]) | json_value,
    "token_use": st.sampled_from(["access", "id", "refresh", "Access", "", ["access"]])
    | json_value,
    "client_id": st.sampled_from([CLIENT_ID, OTHER_CLIENT_ID, CLIENT_ID.upper(), [CLIENT_ID],
                                  CLIENT_ID + " "]) | json_value,
    "aud": st.sampled_from([CLIENT_ID, OTHER_CLIENT_ID, [CLIENT_ID], [OTHER_CLIENT_ID],
                            [OTHER_CLIENT_ID, CLIENT_ID], [], "", [CLIENT_ID, 1]])
    | json_value,
    "exp": time_value,
    "nbf": time_value,
    "iat": time_value,
    "auth_time": time_value,
    "sub": st.text(max_size=10) | json_value,
    "jti": st.text(max_size=10) | json_value,
    "scope": st.sampled_from(["aws.cognito.signin.user.admin", "", "a b"]) | json_value,
    "cognito:groups": json_value,
    "username": json_value,
}
CLAIM_NAMES = sorted(CLAIM_VALUES)
HEADER_VALUES = {
    "alg": st.sampled_from(["RS256", "none", "None", "HS256", "RS384", "RS512", "PS256",
                            "ES256", "rs256", "RS256 ", ""]) | json_value,
    "kid": st.sampled_from([MAIN_KID, ROTATED_KID, OTHER_KID, "", "../../etc/passwd"])
    | json_value,
    "typ": st.sampled_from(["JWT", "at+jwt"]) | json_value,
}
for name in ("jku", "x5u", "jwk", "x5c", "crit", "b64", "cty", "zip", "x5t", "extra"):
    HEADER_VALUES[name] = json_value
HEADER_NAMES = sorted(HEADER_VALUES)
SIGNERS = ["main"] * 6 + ["attacker", "other-pool", "hs256-public-pem", "none", "garbage"]
BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
MUTATION_CHARS = [*"AQgwB0_-.=+/ \n", "é", "\x00"]
_signature_cache: dict[tuple[str, bytes], bytes] = {}


def _signature(signer: str, signing_input: bytes, garbage: bytes) -> bytes:
    if signer == "none":
        return b""
    if signer == "garbage":
        return garbage
    if signer == "hs256-public-pem":
        return hmac.new(KEYS.main.public_pem, signing_input, hashlib.sha256).digest()
    cache_key = (signer, signing_input)
    if cache_key not in _signature_cache:
        key = {"main": KEYS.main, "attacker": KEYS.attacker,
               "other-pool": KEYS.other_pool}[signer]
        _signature_cache[cache_key] = rs256_signature(signing_input, key)
    return _signature_cache[cache_key]


def _dumps(value: Any, compact: bool) -> str:
    return json.dumps(value, separators=(",", ":")) if compact else json.dumps(value)


@st.composite
def mutated_tokens(draw: st.DrawFn) -> tuple[str, str]:
    """(token, token_use the verifier expects): a Cognito token with a few things changed."""
    expected_use = draw(st.sampled_from(["access", "id"]))
    kind = draw(st.sampled_from(["access", "id"]))  # sometimes the other kind of token
    payload: dict[str, Any] = access_claims() if kind == "access" else id_claims()
    header: dict[str, Any] = {"alg": "RS256", "kid": MAIN_KID, "typ": "JWT"}

    for _ in range(draw(st.integers(0, 4))):
        name = draw(st.sampled_from(CLAIM_NAMES))
        if draw(st.integers(0, 3)) == 0:
            payload = without(payload, name)
        else:
            payload[name] = draw(CLAIM_VALUES[name])
    if draw(st.booleans()):  # a time shift in quarter seconds around the (fractional) now
        payload[draw(st.sampled_from(["exp", "nbf", "iat"]))] = NOW + draw(st.integers(-8, 8)) / 4
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        name = draw(st.sampled_from(HEADER_NAMES))
        if draw(st.integers(0, 3)) == 0:
            header.pop(name, None)
        else:
            header[name] = draw(HEADER_VALUES[name])

    compact = draw(st.sampled_from([True, True, True, False]))
    signing_input = f"{b64url(_dumps(header, compact))}.{b64url(_dumps(payload, compact))}"
    signer = draw(st.sampled_from(SIGNERS))
    garbage = draw(st.binary(max_size=300)) if signer == "garbage" else b""
    token = signing_input + "." + b64url(
        _signature(signer, signing_input.encode(), garbage))

    if draw(st.integers(0, 9)) >= 7:  # in 30% of cases, damage the characters too
        for _ in range(draw(st.integers(1, 3))):
            op = draw(st.sampled_from(["flip", "insert", "delete", "cut", "append", "last"]))
            pos = draw(st.integers(0, max(len(token) - 1, 0)))
            char = draw(st.sampled_from(MUTATION_CHARS))
            if op == "flip":
                token = token[:pos] + char + token[pos + 1:]
            elif op == "insert":
                token = token[:pos] + char + token[pos:]
            elif op == "delete":
                token = token[:pos] + token[pos + 1:]
            elif op == "cut":
                token = token[:pos]
            elif op == "last":  # same bytes, other spelling? (non-canonical base64url)
                token = token[:-1] + draw(st.sampled_from(BASE64URL))
            else:
                token = token + draw(st.sampled_from(["=", "==", ".", ".AAAA", " "]))
    return token, expected_use


@FUZZ_SETTINGS
@given(mutated_tokens())
def test_kit_never_accepts_what_pyjwt_refuses(case: tuple[str, str]) -> None:
    token, token_use = case
    kit_claims, kit_outcome = kit_verdict(token, token_use)
    oracle_claims = pyjwt_verdict(token, token_use)
    event(f"kit: {kit_outcome}")
    if kit_claims is not None:
        assert oracle_claims is not None, f"the kit accepted a token PyJWT refuses: {token}"
        assert kit_claims == oracle_claims
    elif oracle_claims is not None:
        event(f"stricter than PyJWT: {kit_outcome}")


# --- the converse: valid tokens are accepted by both ------------------------------------

extra_claim_names = st.text(min_size=1, max_size=12).filter(
    lambda name: name not in CLAIM_VALUES and name not in ("aud", "client_id"))
finite_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)


@st.composite
def valid_tokens(draw: st.DrawFn) -> tuple[str, str, dict[str, Any]]:
    token_use = draw(st.sampled_from(["access", "id"]))
    payload = access_claims() if token_use == "access" else id_claims()
    payload["exp"] = NOW + draw(st.integers(1, 10**9))
    payload["iat"] = NOW - draw(st.integers(0, 10**6))
    if draw(st.booleans()):
        payload["nbf"] = NOW - draw(st.integers(0, 10**6))
    payload.update(draw(st.dictionaries(extra_claim_names, finite_json, max_size=5)))
    header = {"alg": "RS256", "kid": MAIN_KID, "typ": "JWT"}
    header.update(draw(st.dictionaries(st.sampled_from(["typ", "cty", "x5t", "custom"]),
                                       st.text(max_size=8), max_size=2)))
    compact = draw(st.booleans())
    signing_input = f"{b64url(_dumps(header, compact))}.{b64url(_dumps(payload, compact))}"
    token = signing_input + "." + b64url(_signature("main", signing_input.encode(), b""))
    return token, token_use, payload


@settings(max_examples=400, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(valid_tokens())
def test_valid_tokens_are_accepted_by_both(case: tuple[str, str, dict[str, Any]]) -> None:
    token, token_use, payload = case
    kit_claims, outcome = kit_verdict(token, token_use)
    assert outcome == "accept"
    assert kit_claims == payload
    assert pyjwt_verdict(token, token_use) == payload


def test_the_oracle_is_not_vacuous():
    # The oracle accepts a good token and refuses the obvious forgeries.
    good = sign(access_claims(), KEYS.main)
    assert pyjwt_verdict(good, "access") == access_claims()
    assert pyjwt_verdict(good, "id") is None
    assert pyjwt_verdict(sign(access_claims(exp=NOW), KEYS.main), "access") is None
    assert pyjwt_verdict(sign(access_claims(iss=OTHER_ISSUER), KEYS.main), "access") is None
    assert pyjwt_verdict(sign(access_claims(), KEYS.attacker), "access") is None
    assert pyjwt_verdict(forge({"alg": "none", "kid": MAIN_KID}, access_claims()),
                         "access") is None
    assert kit_verdict(good, "access") == (access_claims(), "accept")
