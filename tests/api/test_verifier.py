"""CognitoJwtVerifier: configuration, the happy paths, clocks, errors, multi-pool, HTTP."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import cognito_lab.api as api
from cognito_lab.api import (
    CognitoJwtMultiVerifier,
    CognitoJwtVerifier,
    JwksCache,
    JwtCustomCheckError,
    JwtExpiredError,
    JwtInvalidAudienceError,
    JwtInvalidClaimError,
    JwtInvalidClientIdError,
    JwtInvalidGroupError,
    JwtInvalidIssuedAtError,
    JwtInvalidIssuerError,
    JwtInvalidScopeError,
    JwtInvalidSignatureError,
    JwtInvalidTokenUseError,
    JwtNotBeforeError,
    JwtParseError,
    JwtVerificationError,
    KidNotFoundError,
)
from cognito_lab.clock import Clock
from tests.api.conftest import (
    CLIENT_ID,
    ISSUER,
    JWKS_URL,
    MULTI_REGION_ISSUER,
    MULTI_REGION_JWKS_URL,
    NOW,
    OTHER_CLIENT_ID,
    OTHER_ISSUER,
    OTHER_POOL_ID,
    POOL_ID,
    Fetcher,
    ManualClock,
    access_claims,
    compact_json,
    forge,
    id_claims,
    jwks_body,
    sign,
    sign_any,
    without,
)

# --- configuration ---------------------------------------------------------------------


def test_issuer_and_default_jwks_url():
    verifier = CognitoJwtVerifier(user_pool_id=POOL_ID, token_use="access", client_id=CLIENT_ID)
    assert verifier.issuer == ISSUER
    assert verifier.jwks_url == JWKS_URL
    assert verifier.client_ids == frozenset({CLIENT_ID})


def test_jwks_url_overrides_where_keys_come_from_not_the_issuer():
    local = f"http://127.0.0.1:5000/{POOL_ID}/.well-known/jwks.json"
    verifier = CognitoJwtVerifier(user_pool_id=POOL_ID, jwks_url=local)
    assert verifier.jwks_url == local
    assert verifier.issuer == ISSUER


def test_other_regions():
    verifier = CognitoJwtVerifier(user_pool_id="eu-west-1_AbC123", region="eu-west-1")
    assert verifier.issuer == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"


@pytest.mark.parametrize(("options", "message"), [
    ({"user_pool_id": "not-a-pool"}, "user_pool_id must look like"),
    ({"user_pool_id": "us-east-1_abc/../x"}, "user_pool_id must look like"),
    ({"user_pool_id": None}, "user_pool_id must look like"),
    ({"user_pool_id": "eu-west-1_AbC123"}, "lives in eu-west-1.*region='eu-west-1'"),
    ({"token_use": "refresh"}, "token_use must be"),
    ({"client_id": []}, "client_id must be"),
    ({"client_id": ""}, "client_id must be"),
    ({"client_id": [CLIENT_ID, 7]}, "client_id must be"),
    ({"scope": []}, "scope must be"),
    ({"groups": [""]}, "groups must be"),
    ({"grace_seconds": -1}, "grace_seconds"),
    ({"grace_seconds": True}, "grace_seconds"),
    ({"grace_seconds": float("nan")}, "grace_seconds"),
    ({"custom_check": "yes"}, "custom_check must be a callable"),
    ({"token_use": "id", "scope": "read"}, "ID tokens carry no scope"),
])
def test_bad_configuration_fails_at_construction(options, message):
    settings = {"user_pool_id": POOL_ID, **options}
    with pytest.raises(ValueError, match=message):
        CognitoJwtVerifier(**settings)


def test_a_bad_clock_fails_at_construction():
    with pytest.raises(TypeError, match="clock must be"):
        CognitoJwtVerifier(user_pool_id=POOL_ID, clock="noon")


def test_repr_names_the_pool_and_clients():
    text = repr(CognitoJwtVerifier(user_pool_id=POOL_ID, client_id=[CLIENT_ID]))
    assert POOL_ID in text and CLIENT_ID in text


# --- happy paths -------------------------------------------------------------------------


def test_valid_access_token_returns_its_claims(keys, make_verifier):
    claims = access_claims()
    assert make_verifier().verify(sign(claims, keys.main)) == claims


def test_valid_id_token_returns_its_claims(keys, make_verifier):
    claims = id_claims()
    assert make_verifier(token_use="id").verify(sign(claims, keys.main)) == claims


def test_an_id_token_aud_must_be_one_string_when_the_client_is_checked(keys, make_verifier):
    # Cognito writes one client id; aws-jwt-verify refuses a list here, so the kit does too.
    for aud in (["someone-else", CLIENT_ID], [CLIENT_ID]):
        with pytest.raises(JwtInvalidAudienceError, match="a string"):
            make_verifier(token_use="id").verify(sign(id_claims(aud=aud), keys.main))
    # Without a client check a list of strings is well-formed (as in aws-jwt-verify).
    claims = id_claims(aud=["someone-else", CLIENT_ID])
    assert make_verifier(token_use="id", client_id=None).verify(sign(claims, keys.main)) \
        == claims


@pytest.mark.parametrize("aud", [7, 1.5, True, None, {"x": CLIENT_ID}, [CLIENT_ID, 7], [[]]])
@pytest.mark.parametrize("token_use", ["access", "id"])
def test_aud_of_the_wrong_type_is_refused_always(keys, make_verifier, aud, token_use):
    # aws-jwt-verify refuses any aud that is not a string or a list of strings, whatever
    # the token use and whether or not the client is checked.
    make_claims = access_claims if token_use == "access" else id_claims
    for client_id in (CLIENT_ID, None):
        verifier = make_verifier(token_use=token_use, client_id=client_id)
        with pytest.raises(JwtInvalidAudienceError) as info:
            verifier.verify(sign_any(make_claims(aud=aud), keys.main))
        assert info.value.claim == "aud" and info.value.actual == aud


@pytest.mark.parametrize("client_id", [7, None, ["x"], {"id": CLIENT_ID}, False])
def test_client_id_that_is_not_a_string_is_refused_even_unchecked(keys, make_verifier,
                                                                   client_id):
    for token_use, make_claims in (("access", access_claims), ("id", id_claims)):
        verifier = make_verifier(token_use=token_use, client_id=None)
        with pytest.raises(JwtInvalidClientIdError, match="expected a string"):
            verifier.verify(sign_any(make_claims(client_id=client_id), keys.main))


@pytest.mark.parametrize("scope", [["orders/read"], [], 7, None, {"orders/read": True}])
def test_scope_that_is_not_a_string_is_refused_even_when_no_scope_is_required(
        keys, make_verifier, scope):
    # aws-jwt-verify refuses a non-string scope while parsing, before any scope option.
    for token_use, make_claims in (("access", access_claims), ("id", id_claims)):
        with pytest.raises(JwtInvalidScopeError, match="space-separated string") as info:
            make_verifier(token_use=token_use).verify(
                sign_any(make_claims(scope=scope), keys.main))
        assert info.value.http_status == 401  # a malformed token, not a missing scope
    with pytest.raises(JwtInvalidScopeError) as info:
        make_verifier(scope="orders/read").verify(sign(access_claims(), keys.main))
    assert info.value.http_status == 403  # a well-formed token without the scope


def test_token_use_none_accepts_both_kinds_but_still_checks_the_client(keys, make_verifier):
    verifier = make_verifier(token_use=None)
    verifier.verify(sign(access_claims(), keys.main))
    verifier.verify(sign(id_claims(), keys.main))
    with pytest.raises(JwtInvalidClientIdError):
        verifier.verify(sign(access_claims(client_id=OTHER_CLIENT_ID), keys.main))
    with pytest.raises(JwtInvalidAudienceError):
        verifier.verify(sign(id_claims(aud=OTHER_CLIENT_ID), keys.main))
    with pytest.raises(JwtInvalidTokenUseError, match="expected 'access or id', got 'refresh'"):
        verifier.verify(sign(access_claims(token_use="refresh"), keys.main))


def test_several_client_ids(keys, make_verifier):
    verifier = make_verifier(client_id=[CLIENT_ID, OTHER_CLIENT_ID])
    verifier.verify(sign(access_claims(client_id=OTHER_CLIENT_ID), keys.main))
    with pytest.raises(JwtInvalidClientIdError) as info:
        verifier.verify(sign(access_claims(client_id="third"), keys.main))
    assert info.value.expected == sorted([CLIENT_ID, OTHER_CLIENT_ID])


def test_client_id_none_skips_the_client_check(keys, make_verifier):
    verifier = make_verifier(client_id=None)
    verifier.verify(sign(access_claims(client_id="any-client"), keys.main))


def test_scope_is_any_of(keys, make_verifier):
    verifier = make_verifier(scope=["orders/write", "orders/read"])
    verifier.verify(sign(access_claims(scope="openid orders/read"), keys.main))
    with pytest.raises(JwtInvalidScopeError) as info:
        verifier.verify(sign(access_claims(scope="orders/readonly openid"), keys.main))
    assert info.value.http_status == 403
    assert info.value.claim == "scope"


def test_groups_are_any_of(keys, make_verifier):
    verifier = make_verifier(groups=["admins", "auditors"])
    verifier.verify(sign(access_claims(**{"cognito:groups": ["auditors"]}), keys.main))
    with pytest.raises(JwtInvalidGroupError):
        verifier.verify(sign(access_claims(**{"cognito:groups": ["readers"]}), keys.main))
    with pytest.raises(JwtInvalidGroupError):
        verifier.verify(sign(access_claims(**{"cognito:groups": []}), keys.main))


def test_custom_check_sees_the_payload(keys, make_verifier):
    seen = []

    def tenant_is_acme(payload):
        seen.append(payload["username"])
        return payload.get("custom:tenant") == "acme"

    verifier = make_verifier(custom_check=tenant_is_acme)
    verifier.verify(sign(access_claims(**{"custom:tenant": "acme"}), keys.main))
    with pytest.raises(JwtCustomCheckError, match=r"tenant_is_acme.*got False"):
        verifier.verify(sign(access_claims(**{"custom:tenant": "evil"}), keys.main))
    assert seen == ["alice", "alice"]


def test_custom_check_returning_none_passes_and_raising_fails(keys, make_verifier):
    make_verifier(custom_check=lambda payload: None).verify(sign(access_claims(), keys.main))

    def no_bob(payload):
        if payload["username"] == "bob":
            raise PermissionError("bob is suspended")

    verifier = make_verifier(custom_check=no_bob)
    with pytest.raises(JwtCustomCheckError, match="PermissionError: bob is suspended") as info:
        verifier.verify(sign(access_claims(username="bob"), keys.main))
    assert isinstance(info.value.__cause__, PermissionError)


def test_custom_check_may_raise_its_own_verification_error(keys, make_verifier):
    def picky(payload):
        raise JwtInvalidClaimError("username: expected carol", claim="username")

    with pytest.raises(JwtInvalidClaimError, match="expected carol") as info:
        make_verifier(custom_check=picky).verify(sign(access_claims(), keys.main))
    assert type(info.value) is JwtInvalidClaimError
    assert info.value.payload["username"] == "alice"


# --- time -------------------------------------------------------------------------------


def test_exp_boundary_on_a_manual_clock(keys, make_verifier, clock):
    token = sign(access_claims(exp=NOW + 100), keys.main)
    verifier = make_verifier()
    clock.t = NOW + 99.999
    verifier.verify(token)
    clock.t = NOW + 100
    with pytest.raises(JwtExpiredError):
        verifier.verify(token)


def test_a_lab_clock_advanced_past_exp_expires_the_token(keys, fetcher):
    lab_clock = Clock()
    now = int(lab_clock.now())
    token = sign(access_claims(now=now), keys.main)  # valid for an hour
    verifier = CognitoJwtVerifier(user_pool_id=POOL_ID, token_use="access",
                                  client_id=CLIENT_ID, clock=lab_clock,
                                  jwks_cache=JwksCache(fetcher=fetcher))
    verifier.verify(token)
    lab_clock.advance(hours=1, seconds=1)
    with pytest.raises(JwtExpiredError, match="exp: expected a time after now") as info:
        verifier.verify(token)
    assert info.value.actual == now + 3600


def test_clock_may_be_a_plain_callable(keys, fetcher):
    token = sign(access_claims(), keys.main)
    verifier = CognitoJwtVerifier(user_pool_id=POOL_ID, clock=lambda: NOW + 7200,
                                  jwks_cache=JwksCache(fetcher=fetcher))
    with pytest.raises(JwtExpiredError):
        verifier.verify(token)


def test_real_time_by_default(keys, fetcher):
    verifier = CognitoJwtVerifier(user_pool_id=POOL_ID, jwks_cache=JwksCache(fetcher=fetcher))
    with pytest.raises(JwtExpiredError, match="s ago"):  # NOW is in 2023
        verifier.verify(sign(access_claims(), keys.main))
    import time

    verifier.verify(sign(access_claims(now=time.time()), keys.main))


def test_grace_seconds_on_exp_nbf_and_iat(keys, make_verifier, clock):
    clock.t = NOW
    strict, lenient = make_verifier(), make_verifier(grace_seconds=30)
    for claims, error in [
        (access_claims(exp=NOW - 20), JwtExpiredError),
        (access_claims(nbf=NOW + 20), JwtNotBeforeError),
        (access_claims(iat=NOW + 20), JwtInvalidIssuedAtError),
    ]:
        token = sign(claims, keys.main)
        with pytest.raises(error):
            strict.verify(token)
        assert lenient.verify(token) == claims
    with pytest.raises(JwtExpiredError):
        lenient.verify(sign(access_claims(exp=NOW - 30), keys.main))


def test_fractional_exp_counts_whole_seconds(keys, make_verifier, clock):
    # As PyJWT does: exp 100.9 means "valid before second 100", never a bit longer.
    clock.t = NOW + 100.5
    with pytest.raises(JwtExpiredError):
        make_verifier().verify(sign(access_claims(exp=NOW + 100.9), keys.main))
    clock.t = NOW + 99.5
    make_verifier().verify(sign(access_claims(exp=NOW + 100.9), keys.main))


@pytest.mark.parametrize(("claim", "value", "error"), [
    ("exp", 10**400, JwtExpiredError),          # JSON.parse reads it as Infinity
    ("exp", -(10**400), JwtExpiredError),
    ("exp", 1e300, JwtExpiredError),            # finite, but no count of seconds
    ("exp", 2**53, JwtExpiredError),
    ("nbf", -(10**400), JwtNotBeforeError),
    ("nbf", 10**400, JwtNotBeforeError),
    ("nbf", -1e300, JwtNotBeforeError),
    ("iat", -(10**400), JwtInvalidIssuedAtError),
    ("iat", 10**400, JwtInvalidIssuedAtError),
], ids=["exp-10e400", "exp-minus-10e400", "exp-1e300", "exp-2e53", "nbf-minus-10e400",
        "nbf-10e400", "nbf-minus-1e300", "iat-minus-10e400", "iat-10e400"])
def test_numeric_dates_out_of_the_safe_range_are_refused(keys, make_verifier, claim, value,
                                                         error):
    # 10**400 written as an integer literal is an exact int to Python's json, but Infinity
    # to JavaScript's JSON.parse, which aws-jwt-verify refuses ("not a number").
    payload = compact_json(access_claims(**{claim: value}))
    assert str(value) in payload  # an integer literal, 401 digits for 10**400
    token = forge({"alg": "RS256", "kid": keys.main.kid}, payload, key=keys.main)
    with pytest.raises(error, match=r"within \+/-\(2\*\*53 - 1\)") as info:
        make_verifier(grace_seconds=1.5).verify(token)
    assert info.value.claim == claim and info.value.actual == value


def test_numeric_dates_at_the_edge_of_the_safe_range(keys, make_verifier):
    claims = access_claims(exp=2**53 - 1, nbf=-(2**53 - 1))
    assert make_verifier().verify(sign(claims, keys.main)) == claims


# --- errors ----------------------------------------------------------------------------


def test_every_error_is_a_verification_error_and_exported():
    exported = [getattr(api, name) for name in api.__all__]
    errors = [e for e in exported if isinstance(e, type) and issubclass(e, Exception)]
    assert len(errors) >= 20
    assert all(issubclass(e, JwtVerificationError) for e in errors)


def test_errors_carry_fields_but_str_never_holds_the_token(keys, make_verifier):
    token = sign(access_claims(iss=ISSUER + "/"), keys.main)
    with pytest.raises(JwtInvalidIssuerError) as info:
        make_verifier().verify(token)
    error = info.value
    assert error.token == token
    assert error.expected == [ISSUER, MULTI_REGION_ISSUER] and error.actual == ISSUER + "/"
    assert error.claim == "iss"
    assert error.header["kid"] == keys.main.kid
    assert error.payload["iss"] == ISSUER + "/"
    for text in (str(error), repr(error)):
        assert token not in text
        assert token.split(".")[1][:20] not in text
    assert str(error) == (f"iss: expected {ISSUER!r} or {MULTI_REGION_ISSUER!r}, "
                          f"got {ISSUER + '/'!r}")


def test_long_attacker_values_are_shortened_in_messages(keys, make_verifier):
    token = sign(access_claims(client_id="x" * 5000), keys.main)
    with pytest.raises(JwtInvalidClientIdError) as info:
        make_verifier().verify(token)
    assert len(str(info.value)) < 200
    assert info.value.actual == "x" * 5000


def test_parse_errors_remember_the_token_too():
    with pytest.raises(JwtParseError) as info:
        CognitoJwtVerifier(user_pool_id=POOL_ID).verify("a.b")
    assert info.value.token == "a.b"


def test_http_status_hints():
    assert JwtExpiredError("x", claim="exp").http_status == 401
    assert JwtInvalidGroupError("x", claim="cognito:groups").http_status == 403
    assert api.JwksUnavailableError("x").http_status == 503


def test_wrong_typed_claims_are_never_type_errors(keys, make_verifier):
    verifier = make_verifier(scope="read", groups="admins")
    weird = [None, True, 1.5, [], {}, ["x"], {"a": 1}, "s", float(2**60)]
    for claim in ("iss", "token_use", "client_id", "exp", "nbf", "iat", "sub", "jti",
                  "scope", "cognito:groups"):
        for value in weird:
            token = sign_any(access_claims(**{claim: value}), keys.main)
            try:
                verifier.verify(token)
            except JwtVerificationError:
                pass


# --- hydrate, multi-pool -------------------------------------------------------------------


def test_hydrate_fetches_before_the_first_request(keys, fetcher, make_verifier):
    verifier = make_verifier()
    verifier.hydrate()
    assert fetcher.count == 1
    verifier.verify(sign(access_claims(), keys.main))
    assert fetcher.count == 1


def test_each_verifier_has_its_own_cache_unless_shared(fetcher, clock):
    first = CognitoJwtVerifier(user_pool_id=POOL_ID, clock=clock)
    second = CognitoJwtVerifier(user_pool_id=POOL_ID, clock=clock)
    assert first.jwks_cache is not second.jwks_cache
    assert first.jwks_cache.clock is clock
    shared = JwksCache(fetcher=fetcher)
    third = CognitoJwtVerifier(user_pool_id=POOL_ID, jwks_cache=shared)
    assert third.jwks_cache is shared


def test_multi_pool(keys, fetcher, clock):
    verifier = CognitoJwtVerifier.multi(
        [{"user_pool_id": POOL_ID, "token_use": "access", "client_id": CLIENT_ID},
         {"user_pool_id": OTHER_POOL_ID, "token_use": "id", "client_id": OTHER_CLIENT_ID}],
        jwks_cache=JwksCache(fetcher=fetcher, clock=clock), clock=clock)
    assert isinstance(verifier, CognitoJwtMultiVerifier)
    verifier.hydrate()
    assert fetcher.count == 2
    mine = access_claims()
    theirs = id_claims(iss=OTHER_ISSUER, aud=OTHER_CLIENT_ID)
    assert verifier.verify(sign(mine, keys.main)) == mine
    assert verifier.verify(sign(theirs, keys.other_pool)) == theirs
    # each pool keeps its own rules...
    with pytest.raises(JwtInvalidTokenUseError):
        verifier.verify(sign(id_claims(iss=OTHER_ISSUER, token_use="access",
                                       client_id=OTHER_CLIENT_ID), keys.other_pool))
    # ...and its own keys: a token claiming the other pool but signed with ours fails.
    with pytest.raises(KidNotFoundError):
        verifier.verify(sign(theirs, keys.main))
    with pytest.raises(JwtInvalidIssuerError, match="expected one of") as info:
        verifier.verify(sign(access_claims(iss="https://evil.example"), keys.main))
    assert info.value.expected == sorted([ISSUER, OTHER_ISSUER, MULTI_REGION_ISSUER,
                                          OTHER_ISSUER.replace("//", "//issuer-")])
    assert fetcher.count == 3   # the unknown kid cost one refetch, then the penalty box


def test_multi_checks_the_header_before_routing(keys, fetcher):
    from tests.api.conftest import forge

    verifier = CognitoJwtVerifier.multi([{"user_pool_id": POOL_ID}],
                                        jwks_cache=JwksCache(fetcher=fetcher))
    with pytest.raises(api.JwtAlgorithmError):
        verifier.verify(forge({"alg": "none"}, access_claims(iss="https://evil.example")))


def test_multi_accepts_ready_verifiers_and_refuses_duplicate_issuers(clock):
    one = CognitoJwtVerifier(user_pool_id=POOL_ID)
    assert CognitoJwtVerifier.multi([one]).verifiers == [one]
    with pytest.raises(ValueError, match="two configurations"):
        CognitoJwtVerifier.multi([one, {"user_pool_id": POOL_ID}])
    with pytest.raises(ValueError, match="at least one"):
        CognitoJwtVerifier.multi([])


# --- the multi-Region ("updated") issuer ----------------------------------------------------
# AWS: IssuerConfigurationType, "Updated issuers have the format of
# https://issuer-cognito-idp.[region].amazonaws.com/[userPoolId], where region is the
# primary AWS Region of your user pool" (recommended for multi-Region replication).
# aws-jwt-verify 5.2 accepts both forms for one pool, each with the JWKS under it.


def test_both_issuer_forms_of_the_pool_are_accepted(keys, fetcher, make_verifier):
    verifier = make_verifier()
    assert verifier.issuers == (ISSUER, MULTI_REGION_ISSUER)
    assert verifier.multi_region_jwks_url == MULTI_REGION_JWKS_URL
    for issuer in (ISSUER, MULTI_REGION_ISSUER):
        claims = access_claims(iss=issuer)
        assert verifier.verify(sign(claims, keys.main)) == claims
        id_verifier = make_verifier(token_use="id")
        assert id_verifier.verify(sign(id_claims(iss=issuer), keys.main))["iss"] == issuer
    # each form's keys come from the JWKS under that issuer
    assert [url for url, _ in fetcher.calls if "issuer-cognito-idp" in url] \
        and {url for url, _ in fetcher.calls} == {JWKS_URL, MULTI_REGION_JWKS_URL}


def test_each_issuer_form_uses_its_own_jwks(keys, fetcher, make_verifier):
    # Serve different keys under the two URLs: a token is checked against the keys of the
    # issuer it names, not the other form's.
    fetcher.documents[MULTI_REGION_JWKS_URL] = jwks_body(keys.rotated.jwk())
    verifier = make_verifier()
    claims = access_claims(iss=MULTI_REGION_ISSUER)
    assert verifier.verify(sign(claims, keys.rotated)) == claims
    with pytest.raises(KidNotFoundError):
        verifier.verify(sign(access_claims(), keys.rotated))
    with pytest.raises(KidNotFoundError):
        verifier.verify(sign(claims, keys.main))


@pytest.mark.parametrize("issuer", [
    OTHER_ISSUER.replace("//", "//issuer-"),                       # another pool's
    MULTI_REGION_ISSUER.replace("us-east-1.", "eu-west-1."),       # another Region
    MULTI_REGION_ISSUER.replace("https:", "http:"),
    MULTI_REGION_ISSUER + "/",
    MULTI_REGION_ISSUER.replace("issuer-cognito-idp", "issuer.cognito-idp"),
    MULTI_REGION_ISSUER.replace("issuer-cognito-idp", "Issuer-Cognito-Idp"),
    MULTI_REGION_ISSUER.replace("https://issuer-", "https://evil.example/issuer-"),
])
def test_other_issuers_in_the_multi_region_shape_are_refused(keys, make_verifier, issuer):
    with pytest.raises(JwtInvalidIssuerError) as info:
        make_verifier().verify(sign(access_claims(iss=issuer), keys.main))
    assert info.value.expected == [ISSUER, MULTI_REGION_ISSUER]


def test_jwks_url_override_serves_both_issuer_forms(keys):
    local = f"http://127.0.0.1:5000/{POOL_ID}/.well-known/jwks.json"
    fetcher = Fetcher({local: jwks_body(keys.main.jwk())})
    verifier = CognitoJwtVerifier(user_pool_id=POOL_ID, jwks_url=local,
                                  clock=ManualClock(NOW), jwks_cache=JwksCache(fetcher=fetcher))
    assert verifier.jwks_url == verifier.multi_region_jwks_url == local
    for issuer in (ISSUER, MULTI_REGION_ISSUER):
        verifier.verify(sign(access_claims(iss=issuer), keys.main))
    assert fetcher.count == 1


def test_multi_routes_both_issuer_forms_of_each_pool(keys, fetcher, clock):
    verifier = CognitoJwtVerifier.multi(
        [{"user_pool_id": POOL_ID, "token_use": "access", "client_id": CLIENT_ID},
         {"user_pool_id": OTHER_POOL_ID, "token_use": "id", "client_id": OTHER_CLIENT_ID}],
        jwks_cache=JwksCache(fetcher=fetcher, clock=clock), clock=clock)
    mine = access_claims(iss=MULTI_REGION_ISSUER)
    assert verifier.verify(sign(mine, keys.main)) == mine
    theirs_url = OTHER_ISSUER.replace("//", "//issuer-") + "/.well-known/jwks.json"
    fetcher.documents[theirs_url] = jwks_body(keys.other_pool.jwk())
    theirs = id_claims(iss=OTHER_ISSUER.replace("//", "//issuer-"), aud=OTHER_CLIENT_ID)
    assert verifier.verify(sign(theirs, keys.other_pool)) == theirs
    with pytest.raises(ValueError, match="two configurations"):
        CognitoJwtVerifier.multi([{"user_pool_id": POOL_ID}, {"user_pool_id": POOL_ID}])


# --- over real HTTP, as against the lab --------------------------------------------------


def test_verify_against_a_local_jwks_endpoint(keys, jwks_server):
    path = f"/{POOL_ID}/.well-known/jwks.json"
    jwks_server.routes[path] = (200, jwks_body(keys.main.jwk()), 0.0)
    verifier = CognitoJwtVerifier(user_pool_id=POOL_ID, token_use="access",
                                  client_id=CLIENT_ID, jwks_url=jwks_server.url(path),
                                  clock=ManualClock(NOW))
    claims = access_claims()
    assert verifier.verify(sign(claims, keys.main)) == claims
    with pytest.raises(JwtInvalidSignatureError):
        verifier.verify(sign(claims, keys.attacker))
    assert jwks_server.requests == [path]


# --- layering -----------------------------------------------------------------------------


def test_api_never_imports_the_emulator_or_heavy_packages():
    code = ("import sys, cognito_lab.api; "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('moto', 'boto3', 'botocore', 'requests', 'flask', 'werkzeug') "
            "or m.startswith('cognito_lab.emulator')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_api_sources_never_import_the_emulator():
    package = Path(api.__file__).parent
    verifier_files = {"__init__.py", "errors.py", "jwt_parse.py", "jwk.py", "verifier.py"}
    for source in package.glob("*.py"):
        for line in source.read_text().splitlines():
            if line.lstrip().startswith(("import ", "from ")):
                assert "emulator" not in line, f"{source.name}: {line}"
                if source.name in verifier_files:  # the verifier itself stays light
                    assert "moto" not in line and "boto" not in line, f"{source.name}: {line}"


def test_missing_exp_is_required_even_without_other_options(keys, fetcher, clock):
    verifier = CognitoJwtVerifier(user_pool_id=POOL_ID, clock=clock,
                                  jwks_cache=JwksCache(fetcher=fetcher))
    with pytest.raises(JwtExpiredError, match="required"):
        verifier.verify(sign(without(access_claims(), "exp"), keys.main))
