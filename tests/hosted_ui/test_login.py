"""GET/POST /login: the sign-in page.

AWS, "Login endpoint" (/cognito/latest/developerguide/login-endpoint.html) and "Managed
login": the page signs users in with the user pool's own rules (through the user pools
API), handles a required new password and MFA, protects its form with a CSRF token, and
keeps a one-hour ``cognito`` session cookie.
"""

from __future__ import annotations

import re

import pyotp
import pytest
import requests

from cognito_lab.client import secret_hash
from cognito_lab.client.oauth import Browser, SignInError
from cognito_lab.lab import new_password

from .helpers import REASON, authorize_url, get, login_form, query_of


def test_sign_in_page_is_self_contained_accessible_and_unframeable(lab):
    session = requests.Session()
    first = get(authorize_url(lab), session)
    page = session.get(f"{lab.domain_url}/{first.headers['Location'][3:]}", timeout=10)
    html = page.text
    assert page.status_code == 200
    assert '<html lang="en">' in html
    assert '<label for="username">Email address</label>' in html
    assert '<label for="password">Password</label>' in html
    assert 'autocomplete="current-password"' in html
    assert "<script" not in html and "http://" not in html.split("<body>")[1].split("</main>")[0]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"
    assert "XSRF-TOKEN" in page.headers["Set-Cookie"]
    assert "HttpOnly" in page.headers["Set-Cookie"]


def test_reflected_parameters_are_escaped(lab):
    state = '"><script>alert(1)</script>'
    session = requests.Session()
    first = get(authorize_url(lab, state=state), session)
    page = session.get(f"{lab.domain_url}/{first.headers['Location'][3:]}", timeout=10)
    assert "<script>alert(1)</script>" not in page.text


def test_session_cookie_is_httponly_lax_and_one_hour(fresh_lab):
    session = requests.Session()
    action, csrf = login_form(fresh_lab, authorize_url(fresh_lab), session)
    alice = fresh_lab.users["alice"]
    response = session.post(action, data={"_csrf": csrf, "username": alice.username,
                                          "password": alice.password},
                            allow_redirects=False, timeout=10)
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("cognito=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=3600" in cookie
    assert "Path=" not in cookie      # default path: works at / and under a proxy prefix


def test_wrong_password_shows_the_user_pools_error_and_no_redirect(lab):
    bob = lab.users["bob"]
    with pytest.raises(SignInError) as failed:
        Browser().sign_in(authorize_url(lab), bob.username, "Not-the-password-1")
    last = failed.value.steps[-1]
    assert last.status == 200 and last.location is None
    assert "Incorrect username or password." in str(failed.value)


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(lab):
    """AWS, "Managing user existence error responses": with PreventUserExistenceErrors
    ENABLED (the web client), an unknown user and a wrong password look the same."""
    with pytest.raises(SignInError) as failed:
        Browser().sign_in(authorize_url(lab), "nobody@example.com", "Whatever-pass-1")
    assert "Incorrect username or password." in str(failed.value)


def test_unknown_user_is_named_when_the_client_does_not_prevent_it(fresh_lab):
    """The same page, a client with PreventUserExistenceErrors LEGACY: the API says
    "User does not exist." and so does the page (it never decides that itself)."""
    idp = fresh_lab.client("cognito-idp")
    web = fresh_lab.app_clients["web"]
    idp.update_user_pool_client(
        UserPoolId=fresh_lab.user_pool_id, ClientId=web.client_id,
        ExplicitAuthFlows=list(web.auth_flows), PreventUserExistenceErrors="LEGACY",
        CallbackURLs=list(web.callback_urls), AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=list(web.oauth_scopes), AllowedOAuthFlowsUserPoolClient=True,
        SupportedIdentityProviders=["COGNITO"])
    with pytest.raises(SignInError, match=r"User does not exist\."):
        Browser().sign_in(authorize_url(fresh_lab), "nobody@example.com", "Whatever-pass-1")


def test_disabled_user_cannot_sign_in(fresh_lab):
    carol = fresh_lab.users["carol"]
    fresh_lab.client("cognito-idp").admin_disable_user(UserPoolId=fresh_lab.user_pool_id,
                                                       Username=carol.username)
    with pytest.raises(SignInError, match="disabled"):
        Browser().sign_in(authorize_url(fresh_lab), carol.username, carol.password)


def test_new_password_required_is_asked_then_the_sign_in_completes(fresh_lab):
    idp = fresh_lab.client("cognito-idp")
    temporary = new_password()
    idp.admin_create_user(UserPoolId=fresh_lab.user_pool_id, Username="dave@example.com",
                          TemporaryPassword=temporary, MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": "dave@example.com"}])
    chosen = new_password()
    result = Browser().sign_in(authorize_url(fresh_lab), "dave@example.com", temporary,
                               new_password=chosen)
    assert [s.what for s in result.steps][-1] == "Choose a new password"
    assert "code" in query_of(result.callback_url)
    user = idp.admin_get_user(UserPoolId=fresh_lab.user_pool_id, Username="dave@example.com")
    assert user["UserStatus"] == "CONFIRMED"
    # and the new password is the one that works now
    again = Browser().sign_in(authorize_url(fresh_lab), "dave@example.com", chosen)
    assert "code" in query_of(again.callback_url)


def test_new_password_page_refuses_mismatched_confirmation(fresh_lab):
    idp = fresh_lab.client("cognito-idp")
    temporary = new_password()
    idp.admin_create_user(UserPoolId=fresh_lab.user_pool_id, Username="erin@example.com",
                          TemporaryPassword=temporary, MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": "erin@example.com"}])
    session = requests.Session()
    action, csrf = login_form(fresh_lab, authorize_url(fresh_lab), session)
    page = session.post(action, data={"_csrf": csrf, "username": "erin@example.com",
                                      "password": temporary}, timeout=10)
    challenge_id = re.search(r'name="challenge_id" value="([^"]+)"', page.text).group(1)
    mismatch = session.post(action, data={"_csrf": csrf, "challenge_id": challenge_id,
                                          "new_password": new_password(),
                                          "confirm_password": new_password()},
                            allow_redirects=False, timeout=10)
    assert mismatch.status_code == 200 and "do not match" in mismatch.text


def _enable_totp(lab, user) -> str:
    """Register a software token for ``user`` and make it their MFA (as notebook 03 does)."""
    idp = lab.client("cognito-idp")
    server = lab.app_clients["server"]
    signed_in = idp.initiate_auth(
        ClientId=server.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password,
                        "SECRET_HASH": secret_hash(user.username, server.client_id,
                                                   server.client_secret)})
    access = signed_in["AuthenticationResult"]["AccessToken"]
    secret = idp.associate_software_token(AccessToken=access)["SecretCode"]
    idp.verify_software_token(AccessToken=access, UserCode=pyotp.TOTP(secret).now())
    idp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={
        "Enabled": True, "PreferredMfa": True})
    lab.clock.advance(seconds=30)     # the next sign-in needs a code of a later time step
    return secret


def _code_now(lab, secret: str) -> str:
    """The TOTP code at the lab's time (a code is accepted once per 30-second step)."""
    return pyotp.TOTP(secret).at(lab.clock.now())


def test_totp_mfa_is_asked_after_the_password(fresh_lab):
    alice = fresh_lab.users["alice"]
    secret = _enable_totp(fresh_lab, alice)
    result = Browser().sign_in(authorize_url(fresh_lab), alice.username, alice.password,
                               mfa_code=lambda: _code_now(fresh_lab, secret))
    assert [s.what for s in result.steps][-1] == "Enter the MFA code"
    assert "code" in query_of(result.callback_url)


def test_a_wrong_totp_code_is_refused_and_may_be_retried(fresh_lab):
    alice = fresh_lab.users["alice"]
    secret = _enable_totp(fresh_lab, alice)
    right = _code_now(fresh_lab, secret)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    session = requests.Session()
    action, csrf = login_form(fresh_lab, authorize_url(fresh_lab), session)
    page = session.post(action, data={"_csrf": csrf, "username": alice.username,
                                      "password": alice.password}, timeout=10)
    challenge_id = re.search(r'name="challenge_id" value="([^"]+)"', page.text).group(1)
    refused = session.post(action, data={"_csrf": csrf, "challenge_id": challenge_id,
                                         "code": wrong}, allow_redirects=False, timeout=10)
    assert refused.status_code == 200 and "Location" not in refused.headers
    assert "Invalid code" in refused.text
    accepted = session.post(action, data={"_csrf": csrf, "challenge_id": challenge_id,
                                          "code": right},
                            allow_redirects=False, timeout=10)
    assert accepted.status_code == 302 and "code=" in accepted.headers["Location"]


def test_continue_as_the_signed_in_user(fresh_lab):
    browser = Browser()
    alice = fresh_lab.users["alice"]
    browser.sign_in(authorize_url(fresh_lab), alice.username, alice.password)
    login_url = f"{fresh_lab.domain_url}/login?" + authorize_url(fresh_lab).split("?", 1)[1]
    page = browser.http.get(login_url, timeout=10)
    assert f"Continue as {alice.email}" in page.text
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    answer = browser.http.post(login_url, data={"_csrf": csrf, "_action": "continue"},
                               allow_redirects=False, timeout=10)
    assert answer.status_code == 302 and "code=" in answer.headers["Location"]


def test_login_page_checks_the_request_like_authorize(lab):
    response = get(f"{lab.domain_url}/login", client_id=lab.app_clients["web"].client_id,
                   redirect_uri="https://evil.example/cb", response_type="code")
    assert response.status_code == 400 and "Location" not in response.headers
    assert "redirect_uri" in response.headers[REASON]


def test_a_challenge_cannot_be_answered_from_another_client(fresh_lab):
    """A pending challenge belongs to the client whose sign-in started it."""
    idp = fresh_lab.client("cognito-idp")
    temporary = new_password()
    idp.admin_create_user(UserPoolId=fresh_lab.user_pool_id, Username="fay@example.com",
                          TemporaryPassword=temporary, MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": "fay@example.com"}])
    session = requests.Session()
    action, csrf = login_form(fresh_lab, authorize_url(fresh_lab), session)
    page = session.post(action, data={"_csrf": csrf, "username": "fay@example.com",
                                      "password": temporary}, timeout=10)
    challenge_id = re.search(r'name="challenge_id" value="([^"]+)"', page.text).group(1)
    other_action, _ = login_form(fresh_lab, authorize_url(fresh_lab, "server"), session)
    chosen = new_password()
    answer = session.post(other_action, data={"_csrf": csrf, "challenge_id": challenge_id,
                                              "new_password": chosen,
                                              "confirm_password": chosen},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 200 and "expired" in answer.text


def test_mfa_required_pool_sets_up_totp_on_the_sign_in_page(fresh_lab):
    """AWS, "TOTP software token MFA": in a pool where MFA is required, a user without an
    authenticator gets MFA_SETUP; managed login shows the secret, takes the first code
    (VerifySoftwareToken) and completes the sign-in. The next sign-in asks for a code."""
    idp = fresh_lab.client("cognito-idp")
    idp.set_user_pool_mfa_config(UserPoolId=fresh_lab.user_pool_id, MfaConfiguration="ON",
                                 SoftwareTokenMfaConfiguration={"Enabled": True})
    bob = fresh_lab.users["bob"]
    secrets: list[str] = []

    def first_code(secret: str) -> str:
        secrets.append(secret)
        return _code_now(fresh_lab, secret)

    result = Browser().sign_in(authorize_url(fresh_lab), bob.username, bob.password,
                               totp_setup=first_code)
    assert [s.what for s in result.steps][-1] == "Set up the authenticator app"
    assert "code" in query_of(result.callback_url) and len(secrets) == 1
    user = idp.admin_get_user(UserPoolId=fresh_lab.user_pool_id, Username=bob.username)
    assert user["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    fresh_lab.clock.advance(seconds=30)
    again = Browser().sign_in(authorize_url(fresh_lab), bob.username, bob.password,
                              mfa_code=lambda: _code_now(fresh_lab, secrets[0]))
    assert [s.what for s in again.steps][-1] == "Enter the MFA code"


def test_mfa_setup_page_refuses_a_wrong_first_code(fresh_lab):
    idp = fresh_lab.client("cognito-idp")
    idp.set_user_pool_mfa_config(UserPoolId=fresh_lab.user_pool_id, MfaConfiguration="ON",
                                 SoftwareTokenMfaConfiguration={"Enabled": True})
    carol = fresh_lab.users["carol"]

    def wrong_code(secret: str) -> str:
        right = _code_now(fresh_lab, secret)
        return f"{(int(right) + 1) % 1_000_000:06d}"

    with pytest.raises(SignInError, match="Code mismatch"):
        Browser().sign_in(authorize_url(fresh_lab), carol.username, carol.password,
                          totp_setup=wrong_code)
