"""LocalJwtAuth and GetUserAuth: who gets in, and what a refused client is told.

The answers follow RFC 6750 ("The OAuth 2.0 Authorization Framework: Bearer Token
Usage", §3 and §3.1): no credentials → 401 with a bare ``Bearer`` challenge; a malformed
request → 400 ``invalid_request``; a bad token → 401 ``invalid_token``; a good token
without the needed scope → 403 ``insufficient_scope``.
"""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from werkzeug.test import Client

from cognito_lab.api.middleware import (
    AUTH_KEY,
    CLAIMS_KEY,
    PUBLIC,
    USER_KEY,
    GetUserAuth,
    LocalJwtAuth,
    Refusal,
    Rules,
    require,
)
from cognito_lab.api.verifier import CognitoJwtVerifier
from tests.api.lab_tokens import (
    access_token,
    hosted_ui_token,
    m2m_token,
    other_client_token,
    password_tokens,
    verifier_for,
)

RULES = {"/public": PUBLIC, "GET /orders": require(scope="orders/read"),
         "/admin": require(group="admins")}


def echo(environ, start_response):
    """The protected app: shows what the middleware handed it."""
    body = json.dumps({"claims": environ.get(CLAIMS_KEY), "auth": environ.get(AUTH_KEY),
                       "user": environ.get(USER_KEY)}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def challenge(response) -> str:
    return response.headers.get("WWW-Authenticate", "")


@pytest.fixture(scope="module")
def tokens(lab):
    return {"alice": access_token(lab, "alice"), "bob": access_token(lab, "bob"),
            "scoped": hosted_ui_token(lab, "alice"), "id": password_tokens(lab)["IdToken"]}


@pytest.fixture(scope="module")
def local(lab):
    return Client(LocalJwtAuth(echo, verifier_for(lab), rules=RULES))


@pytest.fixture(scope="module")
def getuser(lab):
    return Client(GetUserAuth(echo, lab.client("cognito-idp"), rules=RULES,
                              user_pool_id=lab.user_pool_id,
                              client_id=lab.app_clients["server"].client_id))


@pytest.fixture(scope="module", params=["local", "getuser"])
def client(request, local, getuser):
    """Each behaviour both variants share runs against both."""
    return {"local": local, "getuser": getuser}[request.param]


# -- a valid token -------------------------------------------------------------------------

def test_valid_token_gets_in_with_its_claims(client, tokens, lab):
    response = client.get("/me", headers=bearer(tokens["alice"]))
    assert response.status_code == 200
    claims = response.json["claims"]
    assert claims["token_use"] == "access"
    assert claims["client_id"] == lab.app_clients["server"].client_id
    assert claims["cognito:groups"] == ["admins"]


def test_each_variant_says_it_was_the_one_that_checked(local, getuser, tokens):
    assert local.get("/me", headers=bearer(tokens["alice"])).json["auth"] == "local"
    assert getuser.get("/me", headers=bearer(tokens["alice"])).json["auth"] == "getuser"


def test_getuser_variant_also_hands_over_the_users_attributes(getuser, tokens):
    user = getuser.get("/me", headers=bearer(tokens["alice"])).json["user"]
    assert user["attributes"]["email"] == "alice@example.com"
    assert user["attributes"]["custom:tenant_id"] == "acme"


def test_scheme_is_case_insensitive(client, tokens):
    assert client.get("/me", headers={"Authorization": f"bearer {tokens['alice']}"}
                      ).status_code == 200


# -- no token, a malformed header, a malformed token ----------------------------------------

def test_missing_token_is_a_bare_challenge(client):
    response = client.get("/me")
    assert response.status_code == 401
    assert challenge(response) == "Bearer"          # RFC 6750 §3.1: no error code
    assert "Authorization: Bearer" in response.json["message"]


def test_another_scheme_is_treated_as_no_token(client):
    response = client.get("/me", headers={"Authorization": "Basic YWxpY2U6c2VjcmV0"})
    assert response.status_code == 401
    assert challenge(response) == "Bearer"


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Bearer a b", "Bearer tok\"en"])
def test_malformed_authorization_header_is_invalid_request(client, header):
    response = client.get("/me", headers={"Authorization": header})
    assert response.status_code == 400
    assert challenge(response).startswith('Bearer error="invalid_request", error_description="')
    assert response.json["error"] == "invalid_request"


@pytest.mark.parametrize("token", ["abc", "abc.def.ghi", "eyJhbGciOiJub25lIn0.e30."])
def test_malformed_token_is_invalid_token(client, token):
    response = client.get("/me", headers=bearer(token))
    assert response.status_code == 401
    assert challenge(response).startswith('Bearer error="invalid_token", error_description="')


def test_tampered_signature_is_invalid_token(local, tokens):
    head, payload, signature = tokens["alice"].split(".")
    tampered = f"{head}.{payload}.{signature[:-6]}AAAAAA"
    response = local.get("/me", headers=bearer(tampered))
    assert response.status_code == 401
    assert 'error_description="The token signature is invalid"' in challenge(response)


def test_id_token_is_refused_where_an_access_token_is_needed(local, tokens):
    response = local.get("/me", headers=bearer(tokens["id"]))
    assert response.status_code == 401
    assert "needs an access token" in response.json["error_description"]


# -- wrong pool, wrong client -------------------------------------------------------------

def test_wrong_client_is_refused_by_both(fresh_lab):
    """GetUser accepts a token of any app client of the pool: the API must check."""
    other_id, token = other_client_token(fresh_lab)
    fresh_lab.client("cognito-idp").get_user(AccessToken=token)    # Cognito is fine with it
    server_id = fresh_lab.app_clients["server"].client_id
    local = Client(LocalJwtAuth(echo, verifier_for(fresh_lab)))
    getuser = Client(GetUserAuth(echo, fresh_lab.client("cognito-idp"),
                                 user_pool_id=fresh_lab.user_pool_id, client_id=server_id))
    for app in (local, getuser):
        response = app.get("/me", headers=bearer(token))
        assert response.status_code == 401
        assert 'error_description="The token was issued to another app client"' in (
            challenge(response))
    assert other_id != server_id


def test_getuser_variant_checks_the_user_pool(lab, tokens):
    app = Client(GetUserAuth(echo, lab.client("cognito-idp"), user_pool_id="us-east-1_Other1"))
    response = app.get("/me", headers=bearer(tokens["alice"]))
    assert response.status_code == 401
    assert "another user pool" in response.json["error_description"]


def test_m2m_token_of_another_client_is_refused_locally(lab, local):
    response = local.get("/me", headers=bearer(m2m_token(lab)))
    assert response.status_code == 401
    assert "another app client" in response.json["error_description"]


# -- scopes and groups ----------------------------------------------------------------------

def test_missing_scope_is_insufficient_scope_naming_it(client, tokens):
    response = client.get("/orders", headers=bearer(tokens["alice"]))   # admin scope only
    assert response.status_code == 403
    assert challenge(response) == ('Bearer error="insufficient_scope", error_description='
                                   '"This route needs the scope orders/read", '
                                   'scope="orders/read"')


def test_token_with_the_scope_gets_in(client, tokens):
    assert client.get("/orders", headers=bearer(tokens["scoped"])).status_code == 200


def test_missing_group_is_insufficient_scope(client, tokens):
    response = client.get("/admin", headers=bearer(tokens["bob"]))      # bob: members
    assert response.status_code == 403
    assert challenge(response).startswith('Bearer error="insufficient_scope"')
    assert "group admins" in response.json["error_description"]
    assert client.get("/admin", headers=bearer(tokens["alice"])).status_code == 200


def test_verifier_level_scope_failure_is_also_403(lab, tokens):
    verifier = verifier_for(lab, scope="orders/write")
    response = Client(LocalJwtAuth(echo, verifier)).get("/me", headers=bearer(tokens["alice"]))
    assert response.status_code == 403
    assert 'scope="orders/write"' in challenge(response)


def test_public_route_needs_no_token_and_ignores_a_bad_one(client):
    assert client.get("/public").status_code == 200
    assert client.get("/public", headers=bearer("garbage")).status_code == 200


# -- time and revocation ----------------------------------------------------------------------

def test_expired_token_is_refused_by_both(fresh_lab):
    token = access_token(fresh_lab)
    local = Client(LocalJwtAuth(echo, verifier_for(fresh_lab)))
    getuser = Client(GetUserAuth(echo, fresh_lab.client("cognito-idp")))
    assert local.get("/me", headers=bearer(token)).status_code == 200
    fresh_lab.clock.advance(hours=1, seconds=1)          # the server client: 60-minute tokens
    for app in (local, getuser):
        response = app.get("/me", headers=bearer(token))
        assert response.status_code == 401
        assert 'error_description="The token expired"' in challenge(response)


def test_after_global_sign_out_getuser_refuses_but_local_accepts_until_exp(fresh_lab):
    """The documented trade-off. GlobalSignOut (Amazon Cognito API Reference,
    /cognito-user-identity-pools/latest/APIReference/API_GlobalSignOut.html): Cognito stops
    accepting the access token in its own APIs ("Access Token has been revoked"), but
    "other requests might be valid until your user's token expires" — a local verifier
    cannot know about the sign-out and accepts the token until ``exp``."""
    token = access_token(fresh_lab)
    local = Client(LocalJwtAuth(echo, verifier_for(fresh_lab)))
    getuser = Client(GetUserAuth(echo, fresh_lab.client("cognito-idp")))
    fresh_lab.client("cognito-idp").global_sign_out(AccessToken=token)

    refused = getuser.get("/me", headers=bearer(token))
    assert refused.status_code == 401
    assert 'error_description="The token has been revoked"' in challenge(refused)
    assert local.get("/me", headers=bearer(token)).status_code == 200     # accepted...
    fresh_lab.clock.advance(minutes=59)
    assert local.get("/me", headers=bearer(token)).status_code == 200     # ...all along...
    fresh_lab.clock.advance(minutes=1, seconds=1)
    assert local.get("/me", headers=bearer(token)).status_code == 401     # ...until exp


# -- Cognito or its keys unavailable -----------------------------------------------------------

def test_unreachable_jwks_is_503_not_401(lab, tokens):
    verifier = CognitoJwtVerifier(user_pool_id=lab.user_pool_id, token_use="access",
                                  jwks_url="http://127.0.0.1:9/jwks.json")
    response = Client(LocalJwtAuth(echo, verifier)).get("/me", headers=bearer(tokens["alice"]))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    assert "WWW-Authenticate" not in response.headers


def test_unreachable_cognito_is_503(lab, tokens):
    idp = boto3.session.Session(**lab.credentials).client(
        "cognito-idp", endpoint_url="http://127.0.0.1:9",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=1))
    response = Client(GetUserAuth(echo, idp)).get("/me", headers=bearer(tokens["alice"]))
    assert response.status_code == 503
    assert "could not be reached" in response.json["message"]


class ThrottledIdp:
    """A cognito-idp client whose GetUser is over the UserRead quota."""

    def get_user(self, **_):
        raise ClientError({"Error": {"Code": "TooManyRequestsException",
                                     "Message": "Too many requests"}}, "GetUser")


def test_throttled_getuser_is_503_with_retry_after(tokens):
    """GetUser's documented TooManyRequestsException (UserRead quota) is the API's problem
    to report, not the caller's token: 503 and Retry-After, no challenge."""
    response = Client(GetUserAuth(echo, ThrottledIdp())).get(
        "/me", headers=bearer(tokens["alice"]))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert "UserRead quota" in response.json["message"]


# -- declaring the rules ------------------------------------------------------------------------

def test_rules_pick_method_then_path_then_prefix_then_default():
    rules = Rules({"GET /orders": require(scope="orders/read"),
                   "/orders": require(scope="orders/write"),
                   "/static/*": PUBLIC, "/static/private/*": require(group="admins")})
    assert rules.for_request("GET", "/orders").scopes == {"orders/read"}
    assert rules.for_request("HEAD", "/orders").scopes == {"orders/read"}
    assert rules.for_request("DELETE", "/orders").scopes == {"orders/write"}
    assert rules.for_request("GET", "/static/app.js").public
    assert rules.for_request("GET", "/static/private/x").groups == {"admins"}
    default = rules.for_request("GET", "/anything")
    assert not default.public and not default.scopes and not default.groups


def test_several_scopes_mean_any_of_them(local, tokens, lab):
    app = Client(LocalJwtAuth(echo, verifier_for(lab),
                              rules={"/x": require(scope=["orders/write", "orders/read"])}))
    assert app.get("/x", headers=bearer(tokens["scoped"])).status_code == 200


@pytest.mark.parametrize("key", ["orders", "GET orders", "GET /a /b", "1 /x"])
def test_a_bad_rule_key_is_a_clear_error(key):
    with pytest.raises(ValueError, match="METHOD /path"):
        Rules({key: PUBLIC})


def test_a_rule_must_be_a_requirement():
    with pytest.raises(TypeError, match="require"):
        Rules({"/x": "orders/read"})


@pytest.mark.parametrize("scope", ["", "two words", 'quo"te', []])
def test_a_bad_scope_name_is_a_clear_error(scope):
    with pytest.raises(ValueError, match="scope"):
        require(scope=scope)


def test_middleware_refuses_a_verifier_without_verify():
    with pytest.raises(TypeError, match="verify"):
        LocalJwtAuth(echo, object())
    with pytest.raises(TypeError, match="cognito-idp"):
        GetUserAuth(echo, object())
    with pytest.raises(ValueError, match="user_pool_id"):
        GetUserAuth(echo, ThrottledIdp(), user_pool_id="not-a-pool")


def test_header_values_never_carry_quotes_or_backslashes():
    refusal = Refusal(401, 'bad "token" \\ here', "invalid_token")
    header = dict(refusal.headers(realm='my "realm"'))["WWW-Authenticate"]
    assert header == ('Bearer realm="my ?realm?", error="invalid_token", '
                      'error_description="bad ?token? ? here"')
