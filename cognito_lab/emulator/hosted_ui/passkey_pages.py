"""Passkeys in managed login: "Add a passkey" after a sign-in, and "Sign in with passkey".

AWS, "Passkey sign-in" (Authentication flows, /cognito/latest/developerguide/
amazon-cognito-user-pools-authentication-flow-methods.html) and "User-interactive managed
login endpoints" (/passkeys/add, managed login only): in a pool that allows WEB_AUTHN as a
first factor, managed login offers users who signed in another way to register a passkey,
and offers "Sign in with passkey" on the sign-in page. Both are steps of /login here, like
the MFA challenges, and both drive the user pools API in-process, never judging a
credential themselves:

- enrolment: after a sign-in ends with tokens, the page keeps the access token server-side
  (behind an opaque ``enrolment_id``) and calls StartWebAuthnRegistration with it; the
  page's script hands the options to ``navigator.credentials.create`` and posts back the
  RegistrationResponseJSON, which CompleteWebAuthnRegistration verifies. Success or "Not
  now", the sign-in then continues exactly as it would have (session cookie, code).
- sign-in: the username, then InitiateAuth (USER_AUTH, PREFERRED_CHALLENGE WEB_AUTHN); the
  script hands CREDENTIAL_REQUEST_OPTIONS to ``navigator.credentials.get`` and posts the
  AuthenticationResponseJSON; RespondToAuthChallenge (CREDENTIAL) verifies it.

Lab's choices where AWS is silent or differs (docs/fidelity.md): the passkey options appear
only when the page's own origin may use the pool's relying party id (a browser would refuse
otherwise — on AWS managed login is served on the RP's domain; the lab on 127.0.0.1 needs a
pool whose WebAuthnRelyingPartyID is ``localhost``, opened at http://localhost:<port>);
enrolment is offered only to a user with no passkey yet; a username that cannot sign in with
a passkey (unknown, or without one) gets one and the same answer.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from werkzeug.wrappers import Response

from ...clock import Clock
from ..errors import CognitoError
from ..user_pools import passkeys
from ..user_pools.feature_plans import first_factors
from . import sign_in

if TYPE_CHECKING:
    from .login import LoginPage

STATIC = Path(__file__).resolve().parent.parent / "static"
SCRIPT = "passkeys.js"
ENROLMENT_MINUTES = 3          # as a challenge: the app client's AuthSessionValidity default
NO_PASSKEY = ("You can't sign in with a passkey as this user. Sign in with your password, "
              "then add a passkey.")
CEREMONY_FAILED = "Your passkey could not be verified. Try again, or sign in with your password."


@lru_cache(maxsize=1)
def script() -> str:
    return (STATIC / SCRIPT).read_text(encoding="utf-8")


def page_origin(page: LoginPage) -> str:
    """The origin the browser sees this page at (what it writes into clientDataJSON)."""
    return f"{page.request.scheme}://{page.request.host}"


def available(page: LoginPage) -> bool:
    """Passkeys are a first factor of the pool, and a browser on this page could use the
    pool's relying party id (WebAuthn §5.1.3)."""
    from ..user_pools import webauthn_rp  # py_webauthn loads on first use, not at start-up
    pool = page.emulator.directory.pool(page.checked.app.pool_id)
    if "WEB_AUTHN" not in first_factors(pool):
        return False
    try:
        rp_id = passkeys.relying_party_id(page.emulator, pool)
    except CognitoError:
        return False
    return webauthn_rp.origin_belongs_to(page_origin(page), rp_id)


def ceremony_page(page: LoginPage, *, mode: str, options: dict, hidden: dict[str, str],
                  heading: str, prompt: str, error: str | None = None) -> Response:
    """The page whose script runs navigator.credentials.create/get and posts the result.

    The one script is inline, allowed by a per-response nonce; the options travel in a
    data attribute (HTML-escaped, read back by ``dataset``), never as script source."""
    nonce = secrets.token_urlsafe(18)
    response = page._page("hosted_ui_passkey.html", mode=mode, options=json.dumps(options),
                          hidden=hidden, heading=heading, prompt=prompt, error=error,
                          nonce=nonce, script=script())
    csp = response.headers["Content-Security-Policy"]
    response.headers["Content-Security-Policy"] = csp.replace(
        "default-src 'none';", f"default-src 'none'; script-src 'nonce-{nonce}';")
    return response


# -- enrolment after a sign-in --------------------------------------------------------------
@dataclass
class PendingEnrolment:
    enrolment_id: str
    pool_id: str
    client_id: str
    username: str
    access_token: str = field(repr=False)
    options: dict = field(repr=False)
    expires_at: float


class PasskeyEnrolments:
    """Sign-ins that ended with tokens and wait for the user to add a passkey (or not)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._pending: dict[str, PendingEnrolment] = {}

    def add(self, enrolment: PendingEnrolment) -> None:
        with self._lock:
            self._pending[enrolment.enrolment_id] = enrolment

    def take(self, enrolment_id: str | None, client_id: str) -> PendingEnrolment | None:
        with self._lock:
            enrolment = self._pending.get(enrolment_id or "")
            if enrolment is None or enrolment.client_id != client_id:
                return None
            del self._pending[enrolment.enrolment_id]
        return enrolment if enrolment.expires_at > self.clock.now() else None


def offer_enrolment(page: LoginPage, result: dict) -> Response | None:
    """After a sign-in that ended with tokens: the "Add a passkey" page, or None when the
    pool, the page's origin or the user makes it pointless (then sign in as before)."""
    if not available(page):
        return None
    emulator = page.emulator
    try:
        _claims, api_session = emulator.tokens.read(result["AccessToken"], "access")
        if emulator.passkeys.of_user(api_session.pool_id, api_session.username or ""):
            return None
        started = emulator.call("cognito-idp", "StartWebAuthnRegistration",
                                {"AccessToken": result["AccessToken"]})
    except CognitoError:
        return None
    options = started["CredentialCreationOptions"]
    enrolment = PendingEnrolment(
        enrolment_id=secrets.token_urlsafe(24), pool_id=page.checked.app.pool_id,
        client_id=page.checked.app.client_id, username=api_session.username or "",
        access_token=result["AccessToken"], options=options,
        expires_at=emulator.clock.now() + 60 * ENROLMENT_MINUTES)
    page.state.enrolments.add(enrolment)
    return enrolment_page(page, enrolment)


def enrolment_page(page: LoginPage, enrolment: PendingEnrolment,
                   error: str | None = None) -> Response:
    return ceremony_page(
        page, mode="create", options=enrolment.options,
        hidden={"_action": "passkey_add", "enrolment_id": enrolment.enrolment_id},
        heading="Add a passkey",
        prompt="Sign in faster next time: a passkey on this device replaces your password. "
               "Your device will ask you to confirm it's you.",
        error=error)


def finish_enrolment(page: LoginPage) -> Response:
    """POST ``_action=passkey_add`` (with ``credential``) or ``passkey_skip``."""
    form = page.request.form
    enrolment = page.state.enrolments.take(form.get("enrolment_id"), page.checked.app.client_id)
    if enrolment is None:
        return page.form(error="Your sign-in session has expired. Sign in again.")
    if form.get("_action") == "passkey_add":
        try:
            credential = json.loads(form.get("credential") or "")
            if not isinstance(credential, dict):
                raise ValueError("not an object")
            page.emulator.call("cognito-idp", "CompleteWebAuthnRegistration",
                               {"AccessToken": enrolment.access_token,
                                "Credential": credential})
        except (ValueError, CognitoError) as failed:
            reason = failed.message if isinstance(failed, CognitoError) else \
                "The browser's answer was not a passkey registration."
            return retry_enrolment(page, enrolment, reason)
    return page.finish_sign_in({"AccessToken": enrolment.access_token})


def retry_enrolment(page: LoginPage, enrolment: PendingEnrolment, reason: str) -> Response:
    """A refused registration: new creation options (the old challenge is spent)."""
    try:
        started = page.emulator.call("cognito-idp", "StartWebAuthnRegistration",
                                     {"AccessToken": enrolment.access_token})
    except CognitoError:
        return page.finish_sign_in({"AccessToken": enrolment.access_token})
    renewed = PendingEnrolment(
        enrolment_id=secrets.token_urlsafe(24), pool_id=enrolment.pool_id,
        client_id=enrolment.client_id, username=enrolment.username,
        access_token=enrolment.access_token, options=started["CredentialCreationOptions"],
        expires_at=enrolment.expires_at)
    page.state.enrolments.add(renewed)
    return enrolment_page(page, renewed, error=f"The passkey was not added: {reason}")


# -- sign-in with a passkey -----------------------------------------------------------------
def start_sign_in(page: LoginPage) -> Response:
    """POST ``_action=passkey_sign_in``: InitiateAuth USER_AUTH, preferring WEB_AUTHN."""
    username = page.request.form.get("username", "").strip()
    if not username:
        return page.form(error="Enter your username, then choose Sign in with passkey.")
    if not available(page):
        return page.form(error="Passkey sign-in is not available here.", username=username)
    app = page.checked.app
    try:
        answer = page.emulator.call("cognito-idp", "InitiateAuth", {
            "ClientId": app.client_id, "AuthFlow": "USER_AUTH",
            "AuthParameters": {"USERNAME": username, "PREFERRED_CHALLENGE": "WEB_AUTHN"}})
    except CognitoError:
        return page.form(error=NO_PASSKEY, username=username)
    if answer.get("ChallengeName") != "WEB_AUTHN":   # SELECT_CHALLENGE: the user has none
        return page.form(error=NO_PASSKEY, username=username)
    pending = page.state.pending.add(app=app, username=username, response=answer)
    return assertion_page(page, pending)


def assertion_page(page: LoginPage, pending: sign_in.PendingChallenge,
                   error: str | None = None) -> Response:
    options = json.loads(pending.parameters["CREDENTIAL_REQUEST_OPTIONS"])
    return ceremony_page(
        page, mode="get", options=options,
        hidden={"_action": "passkey_answer", "challenge_id": pending.challenge_id},
        heading="Sign in with passkey",
        prompt=f"Use your passkey to sign in as {pending.typed_username}.", error=error)


def answer_sign_in(page: LoginPage) -> Response:
    """POST ``_action=passkey_answer``: RespondToAuthChallenge WEB_AUTHN with CREDENTIAL."""
    form = page.request.form
    app = page.checked.app
    pending = page.state.pending.find(form.get("challenge_id"), app.client_id)
    if pending is None or pending.challenge_name != "WEB_AUTHN":
        return page.form(error="Your sign-in session has expired. Sign in again.")
    page.state.pending.drop(pending)          # a WEB_AUTHN session answers once
    credential = form.get("credential") or ""
    try:
        if not isinstance(json.loads(credential), dict):
            raise ValueError("not an object")
        answer = page.emulator.call("cognito-idp", "RespondToAuthChallenge", {
            "ClientId": app.client_id, "ChallengeName": "WEB_AUTHN",
            "Session": pending.session,
            "ChallengeResponses": {"USERNAME": pending.typed_username,
                                   "CREDENTIAL": credential}})
    except (ValueError, CognitoError):
        return page.form(error=CEREMONY_FAILED, username=pending.typed_username)
    return page.after_api(answer, pending.typed_username)
