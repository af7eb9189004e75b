"""GET/POST /login: the sign-in page (AWS "Login endpoint", managed login).

GET shows the form for a valid authorization request (the same parameters and checks as
/oauth2/authorize). POST signs the user in through the user pools API (``sign_in.py``):
the page itself never judges a password. A sign-in may pass through challenges
(NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP, and MFA_SETUP in a pool
that requires MFA), each a page of its own; at the end the browser gets the ``cognito``
session cookie and goes back to the app's redirect URI with a code. Every POST must carry
the CSRF token of the form it came from. In a pool with passkeys, "Sign in with passkey" and
the "Add a passkey" step after a sign-in are steps of this page too (``passkey_pages``).
The app client's external IdPs are links to /oauth2/authorize, or one "corporate email"
field for SAML providers with identifiers (``idp_buttons``); an app client without COGNITO
gets no password form, and the page refuses a password, passkey or challenge posted to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from werkzeug.wrappers import Request, Response

from ..errors import CognitoError, NotAuthorizedException
from . import authorize, idp_buttons, passkey_pages, sign_in
from .authorize import AuthorizationRequest
from .browser_sessions import COOKIE_NAME as SESSION_COOKIE
from .browser_sessions import SESSION_SECONDS, BrowserSession
from .csrf import COOKIE_NAME as CSRF_COOKIE
from .csrf import FIELD_NAME as CSRF_FIELD
from .errors import ErrorPage, RedirectError, redirect
from .pages import render
from .sign_in import CHALLENGE_ANSWERS, PendingChallenge

if TYPE_CHECKING:
    from .. import Emulator

CHALLENGE_PAGES = {
    "NEW_PASSWORD_REQUIRED": ("Change your password", ""),
    "SOFTWARE_TOKEN_MFA": ("Multi-factor authentication",
                           "Enter the 6-digit code from your authenticator app."),
    "SMS_MFA": ("Multi-factor authentication", "Enter the code we sent you by text message."),
    "EMAIL_OTP": ("Multi-factor authentication", "Enter the code we sent to your email."),
    "MFA_SETUP": ("Set up multi-factor authentication",
                  "Add this account to your authenticator app with the secret key below, "
                  "then enter the 6-digit code the app shows."),
}
TOTP_ISSUER = "cognito-lab"


class LoginPage:
    """One request to /login, with what every page of the sign-in needs."""

    def __init__(self, emulator: Emulator, request: Request, checked: AuthorizationRequest):
        self.emulator = emulator
        self.request = request
        self.checked = checked
        self.state = emulator.hosted_ui
        cookie = request.cookies.get(CSRF_COOKIE)
        self.csrf = (cookie if cookie is not None and self.state.csrf.signed(cookie)
                     else self.state.csrf.new_token())

    def _page(self, template: str, **context: Any) -> Response:
        response = render(template, action=f"login?{self.checked.query}", csrf=self.csrf,
                          app_name=self.checked.app.name, **context)
        response.set_cookie(CSRF_COOKIE, self.csrf, httponly=True, samesite="Lax",
                            secure=self.request.is_secure, path=None)
        return response

    def form(self, *, error: str | None = None, username: str = "",
             corporate_email: str = "") -> Response:
        session = authorize.live_session(self.emulator, self.request, self.checked.app)
        pool = self.emulator.directory.pool(self.checked.app.pool_id)
        label = "Email address" if "email" in (pool.get("UsernameAttributes") or []) else "Username"
        options = idp_buttons.sign_in_options(self.emulator, self.checked.app,
                                              self.request.args)
        return self._page("hosted_ui_login.html", error=error, username=username,
                          username_label=label, cognito=options.cognito,
                          passkeys=options.cognito and passkey_pages.available(self),
                          providers=options.links, email_lookup=options.email_lookup,
                          corporate_email=corporate_email,
                          signed_in_as=self._display_name(session) if session else None)

    def challenge(self, pending: PendingChallenge, *, error: str | None = None) -> Response:
        heading, prompt = CHALLENGE_PAGES[pending.challenge_name]
        secret = pending.totp_secret
        otpauth = None
        if secret:
            label = quote(f"{TOTP_ISSUER}:{pending.typed_username}")
            otpauth = f"otpauth://totp/{label}?" + urlencode(
                {"secret": secret, "issuer": TOTP_ISSUER})
        return self._page("hosted_ui_challenge.html", heading=heading, prompt=prompt,
                          challenge=pending.challenge_name, secret=secret, otpauth=otpauth,
                          challenge_id=pending.challenge_id, error=error)

    def _display_name(self, session: BrowserSession) -> str:
        user = self.emulator.directory.user(session.pool_id, session.username)
        return user.attributes.get("email") or user.username

    # -- the answers to a POST ------------------------------------------------------------
    def signed_in(self, session: BrowserSession) -> Response:
        """The sign-in is complete: set the session cookie and answer the app."""
        response = authorize.complete(self.emulator, self.checked, session)
        response.set_cookie(SESSION_COOKIE, session.session_id, max_age=SESSION_SECONDS,
                            httponly=True, samesite="Lax", secure=self.request.is_secure,
                            path=None)
        return response

    def after_api(self, answer: dict, username: str) -> Response:
        """Go on from an AdminInitiateAuth / AdminRespondToAuthChallenge answer."""
        if "AuthenticationResult" in answer:
            result = answer["AuthenticationResult"]
            return passkey_pages.offer_enrolment(self, result) or self.finish_sign_in(result)
        name = answer.get("ChallengeName", "")
        if name not in CHALLENGE_ANSWERS:
            return ErrorPage("unsupported_challenge",
                             f"The lab's sign-in page cannot answer the {name or 'unnamed'} "
                             "challenge. Complete this sign-in through the user pools API "
                             "(see notebook 03).").response()
        secret = None
        if name == "MFA_SETUP":
            try:
                setup = sign_in.set_up_totp(self.emulator, answer)
            except CognitoError as error:
                return self.form(error=error.message, username=username)
            answer = {**answer, "Session": setup["Session"]}
            secret = setup["SecretCode"]
        pending = self.state.pending.add(app=self.checked.app, username=username,
                                         response=answer, totp_secret=secret)
        return self.challenge(pending)

    def finish_sign_in(self, result: dict) -> Response:
        """The API answered with tokens: start the browser session and answer the app."""
        try:
            who = sign_in.signed_in(self.emulator, result)
        except CognitoError:
            return self.form(error="Your sign-in session has expired. Sign in again.")
        session = self.state.browser_sessions.start(
            pool_id=self.checked.app.pool_id, username=who.username)
        return self.signed_in(session)

    def password(self) -> Response:
        username = self.request.form.get("username", "").strip()
        password = self.request.form.get("password", "")
        if not username or not password:
            return self.form(error="Enter your username and password.", username=username)
        try:
            answer = sign_in.start(self.emulator, self.checked.app, username, password)
        except CognitoError as error:
            return self.form(error=error.message, username=username)
        return self.after_api(answer, username)

    def answer_challenge(self) -> Response:
        form = self.request.form
        pending = self.state.pending.find(form.get("challenge_id"), self.checked.app.client_id)
        if pending is None:
            return self.form(error="Your sign-in session has expired. Sign in again.")
        if pending.challenge_name == "NEW_PASSWORD_REQUIRED":
            value = form.get("new_password", "")
            if value != form.get("confirm_password", ""):
                return self.challenge(pending, error="The passwords do not match.")
        else:
            value = form.get("code", "").strip()
        try:
            answer = sign_in.answer(self.emulator, self.checked.app, pending, value)
        except CognitoError as error:
            if isinstance(error, NotAuthorizedException) and "session" in error.message.lower():
                self.state.pending.drop(pending)
                return self.form(error=error.message)
            return self.challenge(pending, error=error.message)
        self.state.pending.drop(pending)
        return self.after_api(answer, pending.typed_username)

    def by_corporate_email(self) -> Response:
        """The "corporate email" field: on to /oauth2/authorize with the IdP identifier its
        domain names (as managed login does with email-domain IdP identifiers)."""
        email = self.request.form.get("email", "").strip()
        identifier = idp_buttons.identifier_for_email(self.emulator, self.checked.app, email)
        if identifier is None:
            return self.form(corporate_email=email, error=(
                "Enter your corporate email address: its domain names your organization's "
                "identity provider." if "@" not in email else
                "No identity provider of this app matches the domain of that email address."))
        return redirect(idp_buttons.authorize_href(self.request.args,
                                                   idp_identifier=identifier))

    def continue_session(self) -> Response:
        session = authorize.live_session(self.emulator, self.request, self.checked.app)
        if session is None:
            return self.form(error="Your session has expired. Sign in again.")
        self.state.browser_sessions.extend(session)
        return self.signed_in(session)


def login(emulator: Emulator, request: Request) -> Response:
    try:
        checked = authorize.parse(emulator, request.args)
    except (ErrorPage, RedirectError) as refused:
        return refused.response()
    page = LoginPage(emulator, request, checked)
    if request.method == "GET":
        return page.form()
    if not page.state.csrf.valid(request.cookies.get(CSRF_COOKIE), request.form.get(CSRF_FIELD)):
        return ErrorPage("invalid_request", "The sign-in form's CSRF token is missing or does "
                         "not match its cookie. Reload the sign-in page and try again.",
                         status=403).response()
    action = request.form.get("_action")
    if action == "continue":
        return page.continue_session()
    if action == "idp_email":
        return page.by_corporate_email()
    if idp_buttons.COGNITO not in checked.app.identity_providers:
        return ErrorPage("invalid_request", "This app client does not sign users in with the "
                         "user pool's own sign-in: COGNITO is not one of its "
                         "SupportedIdentityProviders. Choose one of the identity providers on "
                         "the sign-in page.").response()
    if action in ("passkey_add", "passkey_skip"):
        return passkey_pages.finish_enrolment(page)
    if action == "passkey_sign_in":
        return passkey_pages.start_sign_in(page)
    if action == "passkey_answer":
        return passkey_pages.answer_sign_in(page)
    if "challenge_id" in request.form:
        return page.answer_challenge()
    return page.password()
