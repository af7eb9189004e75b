"""Passkeys in managed login, without a browser: the kit's software authenticator posts what
the page's script would post (RegistrationResponseJSON, AuthenticationResponseJSON).

AWS, "Passkey sign-in" (Authentication flows) and "User-interactive managed login
endpoints" (/passkeys/add): in a pool with WEB_AUTHN as a first factor, managed login lets a
user who signed in another way register a passkey, and offers "Sign in with passkey"; the
sign-in then ends as any other, with a code at the app's redirect URI. The lab offers both
only where the browser could use the pool's relying party id (docs/fidelity.md): here the
pool's WebAuthnRelyingPartyID is ``localhost`` and the pages are opened at
http://localhost:<port>.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from urllib.parse import urljoin

import pytest
import requests

from cognito_lab import b64url
from cognito_lab.client import pkce
from cognito_lab.client.passkey import SoftwareAuthenticator

from .helpers import Issued, authorize_url, get, login_form, query_of, redeem

FORM = re.compile(r'<form method="post" action="([^"]+)" id="passkey-form" '
                  r'data-mode="(create|get)"\s+data-options="([^"]*)"')


@dataclass
class CeremonyPage:
    action: str
    mode: str
    options: dict
    fields: dict[str, str]
    response: requests.Response


def local(lab) -> str:
    return lab.domain_url.replace("127.0.0.1", "localhost")


def ceremony_page(response: requests.Response) -> CeremonyPage:
    assert response.status_code == 200, response.text[:500]
    found = FORM.search(response.text)
    assert found, response.text[:2000]
    form = response.text[found.start():response.text.index("</form>", found.start())]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    return CeremonyPage(urljoin(response.url, html.unescape(found.group(1))), found.group(2),
                        json.loads(html.unescape(found.group(3))), fields, response)


@pytest.fixture(scope="module")
def passkey_lab(lab):
    """The module's lab with a pool whose passkeys belong to ``localhost``."""
    lab.client("cognito-idp").set_user_pool_mfa_config(
        UserPoolId=lab.user_pool_id,
        WebAuthnConfiguration={"RelyingPartyId": "localhost", "UserVerification": "required"})
    return lab


def password_sign_in(lab, user, session: requests.Session | None = None, **extra):
    session = session or requests.Session()
    url = authorize_url(lab, **extra).replace(lab.domain_url, local(lab))
    action, csrf = login_form(lab, url, session)
    posted = session.post(action, data={"_csrf": csrf, "username": user.username,
                                        "password": user.password},
                          allow_redirects=False, timeout=10)
    return session, posted


def enrol(lab, user) -> tuple[SoftwareAuthenticator, requests.Response]:
    session, posted = password_sign_in(lab, user)
    page = ceremony_page(posted)
    assert page.mode == "create" and page.fields["_action"] == "passkey_add"
    device = SoftwareAuthenticator()
    credential = device.create(page.options, origin=local(lab))
    done = session.post(page.action, data={**page.fields, "credential": json.dumps(credential)},
                        allow_redirects=False, timeout=10)
    return device, done


def passkey_page(lab, user, **extra) -> tuple[requests.Session, CeremonyPage]:
    session = requests.Session()
    url = authorize_url(lab, **extra).replace(lab.domain_url, local(lab))
    action, csrf = login_form(lab, url, session)
    posted = session.post(action, data={"_csrf": csrf, "username": user.username,
                                        "_action": "passkey_sign_in"},
                          allow_redirects=False, timeout=10)
    return session, ceremony_page(posted)


def test_the_sign_in_page_offers_a_passkey_only_where_the_browser_can_use_one(passkey_lab):
    """AWS: Passkey sign-in (the RP id is the managed login domain unless
    WebAuthnRelyingPartyID says otherwise)."""
    lab = passkey_lab
    pages = {}
    for base in (lab.domain_url, local(lab)):
        url = authorize_url(lab).replace(lab.domain_url, base)
        pages[base] = requests.get(urljoin(url, get(url).headers["Location"]), timeout=10)
    at_ip, at_localhost = pages[lab.domain_url], pages[local(lab)]
    assert "Sign in with passkey" in at_localhost.text
    # http://127.0.0.1 can't use the RP id "localhost": a browser would refuse, so no button
    assert "Sign in with passkey" not in at_ip.text and "Sign in" in at_ip.text


def test_enrolment_after_a_password_sign_in_then_sign_in_with_the_passkey(passkey_lab):
    """AWS: Passkey sign-in (Authentication flows); managed login endpoints
    (`/passkeys/add`, managed login only)."""
    lab = passkey_lab
    alice = lab.users["alice"]
    device, done = enrol(lab, alice)
    assert done.status_code == 302, done.text[:500]
    code = query_of(done.headers["Location"])["code"]
    assert code and done.headers["Set-Cookie"].startswith("cognito=")

    verifier = pkce.new_verifier()
    session, page = passkey_page(lab, alice, code_challenge=pkce.s256_challenge(verifier),
                                 code_challenge_method="S256")
    assert page.mode == "get" and page.options["rpId"] == "localhost"
    assert page.options["allowCredentials"][0]["id"] == device.credentials[0].id
    assertion = device.get(page.options, origin=local(lab))
    signed_in = session.post(page.action, data={**page.fields,
                                                "credential": json.dumps(assertion)},
                             allow_redirects=False, timeout=10)
    assert signed_in.status_code == 302, signed_in.text[:500]
    callback = query_of(signed_in.headers["Location"])
    assert callback["state"] == "state-123"
    app = lab.app_clients["web"]
    issued = Issued(callback["code"], verifier, app.callback_urls[0], app.client_id,
                    signed_in.headers["Location"])
    tokens = redeem(lab, issued)
    assert tokens.status_code == 200, tokens.text
    assert {"id_token", "access_token", "refresh_token"} <= set(tokens.json())


def test_a_tampered_assertion_is_refused_and_nothing_is_issued(passkey_lab):
    """AWS, Passkey sign-in; W3C WebAuthn §7.2."""
    lab = passkey_lab
    bob = lab.users["bob"]
    device, done = enrol(lab, bob)
    assert done.status_code == 302
    session, page = passkey_page(lab, bob)
    assertion = device.get(page.options, origin=local(lab))
    signature = bytearray(b64url.decode(assertion["response"]["signature"]))
    signature[-1] ^= 0x01
    assertion["response"]["signature"] = b64url.encode(bytes(signature))
    refused = session.post(page.action, data={**page.fields,
                                              "credential": json.dumps(assertion)},
                           allow_redirects=False, timeout=10)
    assert refused.status_code == 200 and "Location" not in refused.headers
    assert "Your passkey could not be verified" in refused.text
    assert "cognito=" not in refused.headers.get("Set-Cookie", "")
    # the challenge was spent: a genuine answer to the same page is refused too
    again = session.post(page.action, data={**page.fields, "credential": json.dumps(
        device.get(page.options, origin=local(lab)))}, allow_redirects=False, timeout=10)
    assert again.status_code == 200 and "Your sign-in session has expired" in again.text


def test_an_assertion_made_for_another_origin_is_refused(passkey_lab):
    lab = passkey_lab
    carol = lab.users["carol"]
    device, done = enrol(lab, carol)
    assert done.status_code == 302
    session, page = passkey_page(lab, carol)
    phished = device.get(page.options, origin="https://evil.localhost.example",
                         browser_checks=False)
    refused = session.post(page.action, data={**page.fields, "credential": json.dumps(phished)},
                           allow_redirects=False, timeout=10)
    assert refused.status_code == 200 and "Your passkey could not be verified" in refused.text


def test_not_now_continues_the_sign_in_without_a_passkey(fresh_lab):
    """AWS, Passkey sign-in."""
    lab = fresh_lab
    lab.client("cognito-idp").set_user_pool_mfa_config(
        UserPoolId=lab.user_pool_id, WebAuthnConfiguration={"RelyingPartyId": "localhost"})
    alice = lab.users["alice"]
    session, posted = password_sign_in(lab, alice)
    page = ceremony_page(posted)
    skipped = session.post(page.action, data={"_csrf": page.fields["_csrf"],
                                              "_action": "passkey_skip",
                                              "enrolment_id": page.fields["enrolment_id"]},
                           allow_redirects=False, timeout=10)
    assert skipped.status_code == 302 and "code" in query_of(skipped.headers["Location"])
    # the enrolment is spent; passkey sign-in has nothing to offer alice (same answer as an
    # unknown user: the page doesn't tell who exists)
    reused = session.post(page.action, data={**page.fields, "credential": "{}"},
                          allow_redirects=False, timeout=10)
    assert "Your sign-in session has expired" in reused.text
    for username in (alice.username, "nobody@example.com"):
        fresh = requests.Session()
        url = authorize_url(lab).replace(lab.domain_url, local(lab))
        action, csrf = login_form(lab, url, fresh)
        answer = fresh.post(action, data={"_csrf": csrf, "username": username,
                                          "_action": "passkey_sign_in"}, timeout=10)
        assert answer.status_code == 200
        assert "You can&#39;t sign in with a passkey as this user" in answer.text


def test_a_refused_registration_asks_again_with_a_new_challenge(fresh_lab):
    """AWS, CompleteWebAuthnRegistration."""
    lab = fresh_lab
    lab.client("cognito-idp").set_user_pool_mfa_config(
        UserPoolId=lab.user_pool_id, WebAuthnConfiguration={"RelyingPartyId": "localhost"})
    session, posted = password_sign_in(lab, lab.users["bob"])
    page = ceremony_page(posted)
    wrong = SoftwareAuthenticator().create(page.options, origin="https://evil.example",
                                           browser_checks=False)
    again = session.post(page.action, data={**page.fields, "credential": json.dumps(wrong)},
                         allow_redirects=False, timeout=10)
    retry = ceremony_page(again)
    assert "The passkey was not added" in again.text
    assert retry.options["challenge"] != page.options["challenge"]
    assert retry.fields["enrolment_id"] != page.fields["enrolment_id"]
    good = SoftwareAuthenticator().create(retry.options, origin=local(lab))
    done = session.post(retry.action, data={**retry.fields, "credential": json.dumps(good)},
                        allow_redirects=False, timeout=10)
    assert done.status_code == 302


def test_the_passkey_page_runs_one_nonce_script_and_needs_the_csrf_token(passkey_lab):
    """Lab vs AWS: the page's script and CSRF rule are the lab's own (AWS documents
    managed login's passkey pages, not their markup)."""
    lab = passkey_lab
    session, page = passkey_page(lab, lab.users["alice"])
    csp = page.response.headers["Content-Security-Policy"]
    nonce = re.search(r"script-src 'nonce-([^']+)'", csp).group(1)
    assert page.response.text.count("<script") == 1
    assert f'<script nonce="{nonce}">' in page.response.text
    assert "frame-ancestors 'none'" in csp and "connect-src" not in csp
    forged = session.post(page.action, data={**page.fields, "_csrf": "x.y", "credential": "{}"},
                          allow_redirects=False, timeout=10)
    assert forged.status_code == 403


def test_no_enrolment_is_offered_at_127_0_0_1(fresh_lab):
    """The default lab (RP id: the pool's domain) signs in as before: straight to the app."""
    lab = fresh_lab
    session = requests.Session()
    action, csrf = login_form(lab, authorize_url(lab), session)
    alice = lab.users["alice"]
    posted = session.post(action, data={"_csrf": csrf, "username": alice.username,
                                        "password": alice.password},
                          allow_redirects=False, timeout=10)
    assert posted.status_code == 302


MALFORMED = ["", "null", "[]", "{}", '{"id": 5}', '{"id": "AAAA", "response": 5}',
             '{"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": '
             '{"clientDataJSON": "%%%", "signature": 7, "authenticatorData": null}}',
             "x" * 70_000, '{"id": "\\u0000"}']


@pytest.mark.parametrize("credential", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_answers_get_the_page_back_never_a_server_error(passkey_lab, credential):
    lab = passkey_lab
    session, page = passkey_page(lab, lab.users["alice"])
    answer = session.post(page.action, data={**page.fields, "credential": credential},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 200 and "Your passkey could not be verified" in answer.text


def test_malformed_registrations_ask_again_never_a_server_error(fresh_lab):
    lab = fresh_lab
    lab.client("cognito-idp").set_user_pool_mfa_config(
        UserPoolId=lab.user_pool_id, WebAuthnConfiguration={"RelyingPartyId": "localhost"})
    session, posted = password_sign_in(lab, lab.users["carol"])
    page = ceremony_page(posted)
    for credential in MALFORMED:
        answer = session.post(page.action, data={**page.fields, "credential": credential},
                              allow_redirects=False, timeout=10)
        assert "The passkey was not added" in answer.text, credential[:50]
        page = ceremony_page(answer)
