"""The attack suite: every known way to abuse the hosted UI, each refused as it must be.

Sources: RFC 6749 §10 (security considerations), RFC 7636 §4.4-4.6, RFC 9700 ("OAuth 2.0
Security Best Current Practice") §2.1, §4.1, §4.2, §4.5, §4.8, §4.11, and AWS's pages for
each endpoint ("Authorize endpoint", "Token endpoint", "Logout endpoint", "Revoke
endpoint"). Two rules run through all of it:

- an untrusted redirect target gets an error page and NO redirect (no Location header);
- every refusal is the right RFC 6749 error, for the right reason (the lab's
  ``x-cognito-lab-reason`` header names the rule that fired).
"""

from __future__ import annotations

import re

import pytest
import requests

from cognito_lab.client import pkce
from cognito_lab.client.oauth import AuthorizationRequest, Browser, StateMismatchError

from .helpers import (
    REASON,
    authorize_url,
    get,
    login_form,
    query_of,
    redeem,
    sign_in_for_code,
    token,
)

CALLBACK = "http://localhost:3000/callback"


def assert_no_redirect(response: requests.Response, reason_contains: str) -> None:
    assert response.status_code in (400, 403), response.status_code
    assert "Location" not in response.headers
    assert reason_contains in response.headers[REASON]


def assert_error_redirect(response: requests.Response, error: str, state: str | None) -> None:
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(CALLBACK + "?")
    expected = {"error": error} | ({"state": state} if state is not None else {})
    assert query_of(location) == expected


def assert_refused(response: requests.Response, error: str, reason_contains: str,
                   status: int = 400) -> None:
    assert response.status_code == status
    assert response.json() == {"error": error}
    assert reason_contains in response.headers[REASON], response.headers[REASON]


# -- 1. open redirects: an unregistered target is never redirected to ---------------------
@pytest.mark.parametrize("redirect_uri", [
    "https://evil.example/callback",                       # another site
    "http://localhost:3000/callback.evil.example",         # prefix match would let it in
    "http://localhost:3000/callback/../../evil",           # path traversal
    "http://localhost:3000/callback/",                     # trailing slash
    "http://LOCALHOST:3000/callback",                      # case: compared exactly
    "http://localhost:3000/callback?next=https://evil.example",   # extra query
    "http://localhost:3000@evil.example/callback",         # userinfo trick
    "http://localhost:3000/callback#fragment",             # fragment
    "http://localhost:8000/auth/callback",                 # another client's callback
    "",                                                    # empty
], ids=["other-site", "suffix", "traversal", "trailing-slash", "case", "extra-query",
        "userinfo", "fragment", "other-clients-callback", "empty"])
def test_unregistered_redirect_uri_gets_an_error_page_not_a_redirect(lab, redirect_uri):
    assert_no_redirect(get(authorize_url(lab, redirect_uri=redirect_uri)), "redirect_uri")


def test_missing_redirect_uri_is_not_redirected(lab):
    assert_no_redirect(get(authorize_url(lab, redirect_uri=None)), "redirect_uri")


def test_repeated_redirect_uri_is_not_redirected(lab):
    """Parameter pollution: a second redirect_uri must not win (RFC 6749 §3.1)."""
    url = authorize_url(lab) + "&redirect_uri=https%3A%2F%2Fevil.example%2Fcb"
    assert_no_redirect(get(url), "repeated")


def test_unknown_client_is_not_redirected(lab):
    assert_no_redirect(get(authorize_url(lab, client_id="not-a-client")), "client_id")


def test_unregistered_logout_uri_is_not_redirected(lab):
    web = lab.app_clients["web"]
    for logout_uri in ("https://evil.example/", "http://localhost:8000/"):   # evil, other client's
        response = get(f"{lab.domain_url}/logout", client_id=web.client_id,
                       logout_uri=logout_uri)
        assert_no_redirect(response, "logout_uri")


def test_login_page_refuses_an_unregistered_redirect_uri_too(lab):
    """/login is reachable directly: it must check what /oauth2/authorize checks."""
    url = authorize_url(lab, redirect_uri="https://evil.example/cb").replace(
        "/oauth2/authorize", "/login")
    assert_no_redirect(get(url), "redirect_uri")


# -- 2. authorization requests with a trusted redirect: errors go back with the state -------
@pytest.mark.parametrize(("overrides", "error", "reason"), [
    ({"code_challenge": "x" * 43, "code_challenge_method": "plain"}, "invalid_request", "S256"),
    ({"code_challenge": "x" * 43}, "invalid_request", "without code_challenge_method"),
    ({"code_challenge_method": "S256"}, "invalid_request", "without code_challenge"),
    ({"code_challenge": "short", "code_challenge_method": "S256"}, "invalid_request", "43"),
    ({"response_type": None}, "invalid_request", "response_type"),
    ({"response_type": "id_token"}, "unsupported_response_type", "response_type"),
    ({"scope": "openid orders/write"}, "invalid_scope", "orders/write"),
    ({"scope": "openid aws.cognito.signin.user.admin"}, "invalid_scope", "not allowed"),
    ({"scope": "email"}, "invalid_scope", "only with 'openid'"),
    ({"identity_provider": "Google"}, "invalid_request", "identity_provider"),
], ids=["pkce-plain-downgrade", "challenge-without-method", "method-without-challenge",
        "malformed-challenge", "no-response-type", "unknown-response-type",
        "scope-escalation", "admin-scope-not-allowed", "email-without-openid",
        "unknown-identity-provider"])
def test_bad_authorization_request_returns_the_error_and_state(lab, overrides, error, reason):
    response = get(authorize_url(lab, state="st-9", **overrides))
    assert_error_redirect(response, error, "st-9")
    assert reason in response.headers[REASON]


def test_a_custom_scope_no_resource_server_defines_is_never_granted(fresh_lab):
    """AWS refuses such a client at creation (ScopeDoesNotExistException). Should a client
    list one anyway (moto accepts it), the hosted UI still refuses to grant it."""
    idp = fresh_lab.client("cognito-idp")
    try:
        created = idp.create_user_pool_client(
            UserPoolId=fresh_lab.user_pool_id, ClientName="ghost", AllowedOAuthFlows=["code"],
            AllowedOAuthScopes=["openid", "ghost/read"], AllowedOAuthFlowsUserPoolClient=True,
            CallbackURLs=[CALLBACK], SupportedIdentityProviders=["COGNITO"])
    except idp.exceptions.ClientError as refused:
        assert "scope" in str(refused).lower()                 # refused at creation: safe
        return
    client_id = created["UserPoolClient"]["ClientId"]
    response = get(authorize_url(fresh_lab, client_id=client_id, scope="openid ghost/read",
                                 state="s"))
    assert_error_redirect(response, "invalid_scope", "s")
    assert "not defined" in response.headers[REASON]


# -- 3. stolen, replayed and misdirected codes ------------------------------------------
def test_intercepted_code_without_the_verifier_is_useless_and_spent(lab):
    """RFC 7636 §1: the attacker has the code, not the verifier. The failed attempt also
    spends the code (the real client then learns something is wrong)."""
    issued = sign_in_for_code(lab)
    attacker = redeem(lab, issued, code_verifier=None)
    assert_refused(attacker, "invalid_grant", "code_verifier is required")
    assert_refused(redeem(lab, issued), "invalid_grant", "does not exist or was used")


def test_wrong_verifier_is_refused(lab):
    issued = sign_in_for_code(lab)
    assert_refused(redeem(lab, issued, code_verifier=pkce.new_verifier()), "invalid_grant",
                   "does not match")


@pytest.mark.parametrize("verifier", ["a" * 42, "a" * 129, "a" * 42 + "+", "a" * 42 + "/",
                                      "a" * 42 + "=", "a" * 42 + " ", "a" * 42 + "é"],
                         ids=["42-chars", "129-chars", "plus", "slash", "equals", "space",
                              "non-ascii"])
def test_malformed_verifier_is_refused(lab, verifier):
    issued = sign_in_for_code(lab)
    assert_refused(redeem(lab, issued, code_verifier=verifier), "invalid_grant", "43 to 128")


def test_verifier_for_a_code_issued_without_challenge_is_refused(lab):
    """RFC 9700 §2.1.1 (PKCE downgrade): a code_verifier for a code that had no challenge."""
    issued = sign_in_for_code(lab, use_pkce=False)
    assert_refused(redeem(lab, issued, code_verifier=pkce.new_verifier()), "invalid_grant",
                   "without a code_challenge")


def test_code_replay_is_refused(lab):
    issued = sign_in_for_code(lab)
    assert redeem(lab, issued).status_code == 200
    assert_refused(redeem(lab, issued), "invalid_grant", "does not exist or was used")


def test_code_of_one_client_cannot_be_redeemed_by_another(lab):
    """RFC 6749 §4.1.3: the code is bound to the client it was issued to."""
    issued = sign_in_for_code(lab)                       # issued to the web client
    assert_refused(redeem(lab, issued, client="server"), "invalid_grant", "another app client")


def test_redirect_uri_swapped_at_the_token_endpoint_is_refused(lab):
    issued = sign_in_for_code(lab)
    assert_refused(redeem(lab, issued, redirect_uri="http://localhost:3000/other"),
                   "invalid_grant", "redirect_uri differs")


def test_redeeming_without_redirect_uri_is_an_invalid_request(lab):
    issued = sign_in_for_code(lab)
    assert_refused(redeem(lab, issued, redirect_uri=None), "invalid_request", "redirect_uri")


def test_code_expires_after_five_minutes(fresh_lab):
    issued = sign_in_for_code(fresh_lab)
    fresh_lab.clock.advance(minutes=5, seconds=1)
    assert_refused(redeem(fresh_lab, issued), "invalid_grant", "expired")


def test_code_for_a_user_disabled_since_is_refused(fresh_lab):
    issued = sign_in_for_code(fresh_lab, user="bob")
    fresh_lab.client("cognito-idp").admin_disable_user(
        UserPoolId=fresh_lab.user_pool_id, Username=fresh_lab.users["bob"].username)
    assert_refused(redeem(fresh_lab, issued), "invalid_grant", "disabled")


def test_repeated_token_parameters_are_refused(lab):
    issued = sign_in_for_code(lab)
    data = [("grant_type", "authorization_code"), ("code", issued.code), ("code", "other"),
            ("redirect_uri", issued.redirect_uri), ("client_id", issued.client_id),
            ("code_verifier", issued.verifier)]
    assert_refused(requests.post(f"{lab.domain_url}/oauth2/token", data=data, timeout=10),
                   "invalid_request", "repeated")


# -- 4. client authentication at the token endpoint ---------------------------------------
def test_wrong_client_secret_is_invalid_client(lab):
    m2m = lab.app_clients["m2m"]
    assert_refused(token(lab, {"grant_type": "client_credentials"},
                         auth=(m2m.client_id, "not-the-secret")), "invalid_client", "secret")


def test_confidential_client_without_its_secret_is_invalid_client(lab):
    m2m = lab.app_clients["m2m"]
    assert_refused(token(lab, {"grant_type": "client_credentials", "client_id": m2m.client_id}),
                   "invalid_client", "secret is missing")


def test_public_client_sending_a_secret_is_invalid_client(lab):
    web = lab.app_clients["web"]
    assert_refused(token(lab, {"grant_type": "authorization_code", "code": "x"},
                         auth=(web.client_id, "made-up")), "invalid_client", "no secret")


def test_two_authentication_methods_at_once_are_refused(lab):
    m2m = lab.app_clients["m2m"]
    assert_refused(token(lab, {"grant_type": "client_credentials",
                               "client_secret": m2m.client_secret},
                         auth=(m2m.client_id, m2m.client_secret)),
                   "invalid_request", "authenticated twice")


def test_body_client_id_must_match_the_basic_header(lab):
    m2m, server = lab.app_clients["m2m"], lab.app_clients["server"]
    assert_refused(token(lab, {"grant_type": "client_credentials", "client_id": server.client_id},
                         auth=(m2m.client_id, m2m.client_secret)), "invalid_client", "differs")


def test_public_client_cannot_use_client_credentials(lab):
    web = lab.app_clients["web"]
    assert_refused(token(lab, {"grant_type": "client_credentials", "client_id": web.client_id}),
                   "unauthorized_client", "client_credentials")


def test_code_flow_client_cannot_use_client_credentials(lab):
    server = lab.app_clients["server"]
    assert_refused(token(lab, {"grant_type": "client_credentials"},
                         auth=(server.client_id, server.client_secret)),
                   "unauthorized_client", "client_credentials")


def test_m2m_client_cannot_redeem_codes(lab):
    m2m = lab.app_clients["m2m"]
    assert_refused(token(lab, {"grant_type": "authorization_code", "code": "x",
                               "redirect_uri": CALLBACK},
                         auth=(m2m.client_id, m2m.client_secret)),
                   "unauthorized_client", "code flow")


@pytest.mark.parametrize(("scope", "reason"), [
    ("orders/write", "not allowed"),           # escalation: the client has orders/read only
    ("openid", "custom scopes only"),
    ("orders/read orders/delete", "not allowed"),
])
def test_client_credentials_scope_escalation_is_invalid_scope(lab, scope, reason):
    m2m = lab.app_clients["m2m"]
    assert_refused(token(lab, {"grant_type": "client_credentials", "scope": scope},
                         auth=(m2m.client_id, m2m.client_secret)), "invalid_scope", reason)


# -- 5. refresh tokens ----------------------------------------------------------------------
def test_refresh_token_of_another_client_is_refused(lab):
    issued = sign_in_for_code(lab)                          # web's refresh token
    refresh_token = redeem(lab, issued).json()["refresh_token"]
    server = lab.app_clients["server"]
    assert_refused(token(lab, {"grant_type": "refresh_token", "refresh_token": refresh_token},
                         auth=(server.client_id, server.client_secret)),
                   "invalid_grant", "another app client")


def test_revoked_refresh_token_is_refused(lab):
    web = lab.app_clients["web"]
    refresh_token = redeem(lab, sign_in_for_code(lab)).json()["refresh_token"]
    requests.post(f"{lab.domain_url}/oauth2/revoke", timeout=10,
                  data={"token": refresh_token, "client_id": web.client_id})
    assert_refused(token(lab, {"grant_type": "refresh_token", "refresh_token": refresh_token,
                               "client_id": web.client_id}), "invalid_grant", "revoked")


def test_another_client_cannot_revoke_your_refresh_token(lab):
    web, server = lab.app_clients["web"], lab.app_clients["server"]
    refresh_token = redeem(lab, sign_in_for_code(lab)).json()["refresh_token"]
    answer = requests.post(f"{lab.domain_url}/oauth2/revoke", timeout=10,
                           data={"token": refresh_token},
                           auth=(server.client_id, server.client_secret))
    assert answer.status_code == 200                       # RFC 7009 §2.2: says nothing...
    still = token(lab, {"grant_type": "refresh_token", "refresh_token": refresh_token,
                        "client_id": web.client_id})
    assert still.status_code == 200                        # ...and revokes nothing


# -- 6. CSRF on the sign-in form ------------------------------------------------------------
def _post_login(lab, fields: dict, cookies: dict | None = None) -> requests.Response:
    session = requests.Session()
    action, csrf = login_form(lab, authorize_url(lab), session)
    if cookies is not None:
        session.cookies.clear()
        for name, value in cookies.items():
            session.cookies.set(name, value)
    alice = lab.users["alice"]
    data = {"username": alice.username, "password": alice.password}
    data.update({k: (csrf if v is ... else v) for k, v in fields.items()})
    data = {k: v for k, v in data.items() if v is not None}
    return session.post(action, data=data, allow_redirects=False, timeout=10)


def test_login_post_without_csrf_token_is_refused(lab):
    assert_no_redirect(_post_login(lab, {"_csrf": None}), "CSRF")


def test_login_post_without_the_csrf_cookie_is_refused(lab):
    """A cross-site form post: the attacker can copy a token but not set our cookie."""
    assert_no_redirect(_post_login(lab, {"_csrf": ...}, cookies={}), "CSRF")


def test_login_post_with_a_token_that_differs_from_the_cookie_is_refused(lab):
    assert_no_redirect(_post_login(lab, {"_csrf": "forged.0000"}), "CSRF")


def test_login_post_with_an_unsigned_double_submit_pair_is_refused(lab):
    """An attacker who can plant a cookie (a sibling subdomain) sends a pair they made up."""
    made_up = "attacker-nonce.not-a-signature"
    assert_no_redirect(_post_login(lab, {"_csrf": made_up},
                                   cookies={"XSRF-TOKEN": made_up}), "CSRF")


def test_login_post_with_a_valid_token_signs_in(lab):
    """The control case: the same request with the form's own token is accepted."""
    response = _post_login(lab, {"_csrf": ...})
    assert response.status_code == 302 and "code=" in response.headers["Location"]


# -- 7. state ---------------------------------------------------------------------------------
def test_state_round_trips_exactly(lab):
    state = "a b&c=d/é?#"
    alice = lab.users["alice"]
    result = Browser().sign_in(authorize_url(lab, state=state), alice.username, alice.password)
    assert query_of(result.callback_url)["state"] == state


def test_a_forged_callback_state_is_refused_by_the_client(lab):
    """RFC 6749 §10.12: the client binds the callback to its own request with state."""
    request = AuthorizationRequest(url="", redirect_uri=CALLBACK, state="mine")
    with pytest.raises(StateMismatchError):
        request.check_callback(f"{CALLBACK}?code=attackers-code&state=theirs")
    with pytest.raises(StateMismatchError):
        request.check_callback(f"{CALLBACK}?code=attackers-code")


def test_login_form_never_leaks_the_password_into_a_url(lab):
    session = requests.Session()
    action, csrf = login_form(lab, authorize_url(lab), session)
    page = session.get(action, timeout=10)
    form = re.search(r'<form method="post"', page.text)
    assert form is not None                                   # POST, never GET
    alice = lab.users["alice"]
    response = session.post(action, data={"_csrf": csrf, "username": alice.username,
                                          "password": alice.password},
                            allow_redirects=False, timeout=10)
    assert alice.password not in response.headers["Location"]
