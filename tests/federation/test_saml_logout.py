"""SAML single logout over HTTP (AWS, "SAML sign-out flow" (Signing out SAML users with
single sign-out), "Logout endpoint", CreateIdentityProvider (IDPSignout); SAML core 2.0
§3.7 and the Single Logout profile, SAML profiles 2.0 §4.4)."""

from __future__ import annotations

import base64
import zlib
from urllib.parse import urlencode

import pytest
import requests
from lxml import etree

from .saml_helpers import (
    SAML,
    SAML_PROVIDER,
    SAMLP,
    SIGNED_OUT,
    PostedForm,
    first_hop,
    form_of,
    post_to_cognito,
    q,
    query_of,
    saml_federation_on,
    sign_in_at_idp,
)

RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"


@pytest.fixture(scope="module")
def slo_federation(lab):
    """A provider with IDPSignout "true" (and signed requests); an IdP that remembers its
    sign-ins and was given the pool's signing certificate and its /saml2/logout (AWS's
    console steps: "configure your SAML provider to support SAML single logout and request
    signing, and upload the user pool signing certificate")."""
    with saml_federation_on(lab, provider_details={"IDPSignout": "true",
                                                   "RequestSigningAlgorithm": "rsa-sha256"},
                            remember_sign_in=True) as fed:
        certificate = lab.client("cognito-idp").get_signing_certificate(
            UserPoolId=fed.pool_id)["Certificate"]
        fed.idp.trust_service_provider(certificate_pem=certificate,
                                       logout_url=f"{lab.domain_url}/saml2/logout")
        yield fed


@pytest.fixture(autouse=True)
def behaving_idp(request):
    yield
    for name in ("slo_federation", "saml_federation"):
        if name in request.fixturenames:
            request.getfixturevalue(name).idp.reset()


def signed_in_browser(fed) -> requests.Session:
    hop = first_hop(fed)
    answer = post_to_cognito(hop.browser, sign_in_at_idp(fed, hop.browser, hop.at_idp))
    assert answer.status_code == 302 and "code" in query_of(answer.headers["Location"])
    return hop.browser


def logout(fed, browser: requests.Session) -> requests.Response:
    return browser.get(f"{fed.lab.domain_url}/logout?"
                       + urlencode({"client_id": fed.client_id, "logout_uri": SIGNED_OUT}),
                       allow_redirects=False, timeout=10)


def logout_request(url: str) -> etree._Element:
    encoded = query_of(url)["SAMLRequest"]
    return etree.fromstring(zlib.decompress(base64.b64decode(encoded), -15))


def sessions_of(fed) -> list:
    return [s for s in fed.idp.sessions if s.username == fed.carol.username]


def logout_response_form(fed, **misbehave) -> tuple[requests.Session, PostedForm]:
    """Sign in, go to /logout, let the IdP sign the user out: the form it posts back
    (``misbehave``: override_response or override_signing arguments for that answer)."""
    browser = signed_in_browser(fed)
    at_idp = logout(fed, browser).headers["Location"]
    if "in_response_to" in misbehave:
        fed.idp.override_response(**misbehave)
    elif misbehave:
        fed.idp.override_signing(**misbehave)
    page = browser.get(at_idp, timeout=10)
    assert page.status_code == 200, page.text
    return browser, form_of(page)


def test_single_logout_round_trip(slo_federation):
    """AWS, "SAML sign-out flow" and "Logout endpoint": /logout sends a user a SAML
    provider with IDPSignout signed in to the SingleLogoutService with a LogoutRequest
    signed by the user pool (SigAlg rsa-sha256) naming the assertion's NameID and
    SessionIndex; the IdP ends its session and POSTs a LogoutResponse to /saml2/logout;
    Cognito then redirects to the logout_uri. Neither session signs the browser in again."""
    fed = slo_federation
    browser = signed_in_browser(fed)
    [session] = sessions_of(fed)
    again = first_hop(fed)
    again.browser.cookies.update(browser.cookies)
    assert 'name="SAMLResponse"' in again.browser.get(again.at_idp, timeout=10).text   # silent
    for extra in sessions_of(fed)[1:]:
        assert extra.session_index != session.session_index

    answer = logout(fed, browser)
    assert answer.status_code == 302
    at_idp = answer.headers["Location"]
    assert at_idp.startswith(f"{fed.idp.slo_url}?")
    sent = query_of(at_idp)
    assert sent["SigAlg"] == RSA_SHA256 and sent["Signature"] and sent["RelayState"]
    request = logout_request(at_idp)
    assert request.tag == q(SAMLP, "LogoutRequest")
    assert request.get("Destination") == fed.idp.slo_url
    assert request.findtext(q(SAML, "Issuer")) == fed.audience
    assert request.findtext(q(SAML, "NameID")) == fed.carol.sub
    assert request.findtext(q(SAMLP, "SessionIndex")) == session.session_index

    page = browser.get(at_idp, timeout=10)
    assert page.status_code == 200, page.text
    assert sessions_of(fed) == []                                  # the IdP signed out
    form = form_of(page)
    assert form.action == f"{fed.lab.domain_url}/saml2/logout"
    assert form.fields["RelayState"] == sent["RelayState"]
    back = browser.post(form.action, data=form.fields, allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["Location"] == SIGNED_OUT

    hop = first_hop(fed)
    hop.browser.cookies.update(browser.cookies)
    assert 'name="password"' in hop.browser.get(hop.at_idp, timeout=10).text  # asks again
    silent = browser.get(f"{fed.lab.domain_url}/oauth2/authorize?" + urlencode(
        {"response_type": "code", "client_id": fed.client_id,
         "redirect_uri": "http://localhost:8000/callback", "scope": "openid"}),
        allow_redirects=False, timeout=10)
    assert "code=" not in silent.headers.get("Location", "")       # no Cognito session


@pytest.mark.parametrize("tampering", ["changed after signing", "signed by another key",
                                       "unsigned"])
def test_a_logout_response_that_does_not_verify_is_refused(slo_federation, tampering):
    """AWS, "SAML sign-out flow" (the IdP answers with a LogoutResponse); SAML profiles
    §4.4.4.2 (a LogoutResponse by HTTP-POST is signed): one changed after signing, signed
    with a key the metadata doesn't publish, or unsigned, is an error page, no redirect."""
    fed = slo_federation
    browser, form = logout_response_form(fed, **{
        "changed after signing": {}, "signed by another key": {"foreign_key": True},
        "unsigned": {"sign": "nothing"}}[tampering])
    if tampering == "changed after signing":
        xml = form.saml_response_xml.replace(b"LogoutResponse ", b"LogoutResponse Reason=\"x\" ",
                                             1)
        form = form.with_response(xml)
    answer = browser.post(form.action, data=form.fields, allow_redirects=False, timeout=10)
    refused(answer, "signed" if tampering == "unsigned" else "signature")


def refused(answer: requests.Response, reason_word: str) -> None:
    assert answer.status_code == 400 and "Location" not in answer.headers
    assert reason_word.lower() in answer.headers["x-cognito-lab-reason"].lower()


def test_a_logout_response_to_another_request_or_replayed_is_refused(slo_federation):
    """AWS, "SAML sign-out flow"; SAML core §3.2.2 (InResponseTo): a LogoutResponse that
    answers another LogoutRequest is refused; so is one whose RelayState was used."""
    fed = slo_federation
    browser, form = logout_response_form(fed, in_response_to="_another-request")
    refused(browser.post(form.action, data=form.fields, allow_redirects=False, timeout=10),
            "InResponseTo")
    fed.idp.reset()
    browser, form = logout_response_form(fed)
    assert browser.post(form.action, data=form.fields, allow_redirects=False,
                        timeout=10).headers["Location"] == SIGNED_OUT
    refused(browser.post(form.action, data=form.fields, allow_redirects=False, timeout=10),
            "RelayState")


def test_the_idp_refuses_a_tampered_logout_request(slo_federation):
    """SAML bindings §3.4.4.1 and profiles §4.4.4.1 (AWS, "SAML sign-out flow": Cognito
    signs the sign-out request with the user pool signing certificate): a LogoutRequest
    whose signed query was changed ends no session at the IdP."""
    fed = slo_federation
    browser = signed_in_browser(fed)
    at_idp = logout(fed, browser).headers["Location"]
    before = sessions_of(fed)
    tampered = at_idp.replace("&RelayState=", "&RelayState=x", 1)
    assert browser.get(tampered, timeout=10).status_code == 400
    assert sessions_of(fed) == before != []
    assert browser.get(at_idp, timeout=10).status_code == 200       # the genuine one works


def test_without_idpsignout_logout_is_unchanged(slo_federation):
    """AWS, "Logout endpoint" and CreateIdentityProvider (IDPSignout): with IDPSignout
    "false", /logout redirects straight to the logout_uri; the IdP is not asked and keeps
    its session."""
    fed = slo_federation
    cognito = fed.lab.client("cognito-idp")
    details = cognito.describe_identity_provider(
        UserPoolId=fed.pool_id, ProviderName=SAML_PROVIDER)["IdentityProvider"][
        "ProviderDetails"]
    cognito.update_identity_provider(UserPoolId=fed.pool_id, ProviderName=SAML_PROVIDER,
                                     ProviderDetails={**details, "IDPSignout": "false"})
    try:
        browser = signed_in_browser(fed)
        held = sessions_of(fed)
        answer = logout(fed, browser)
        assert answer.status_code == 302 and answer.headers["Location"] == SIGNED_OUT
        assert sessions_of(fed) == held != []
    finally:
        cognito.update_identity_provider(UserPoolId=fed.pool_id, ProviderName=SAML_PROVIDER,
                                         ProviderDetails=details)
        fed.idp.end_sessions()        # leave the module's IdP without sessions


def test_idpsignout_without_a_single_logout_service_says_so(slo_federation):
    """AWS, "SAML sign-out flow" (Cognito finds the IdP's SingleLogoutService in its
    metadata; AWS doesn't say what happens without one). The lab's choice: the Cognito
    session ends, and an error page says the IdP's session could not be ended."""
    fed = slo_federation
    cognito = fed.lab.client("cognito-idp")
    details = cognito.describe_identity_provider(
        UserPoolId=fed.pool_id, ProviderName=SAML_PROVIDER)["IdentityProvider"][
        "ProviderDetails"]
    root = etree.fromstring(fed.idp.metadata_xml.encode())
    for service in root.iter("{urn:oasis:names:tc:SAML:2.0:metadata}SingleLogoutService"):
        service.getparent().remove(service)
    cognito.update_identity_provider(
        UserPoolId=fed.pool_id, ProviderName=SAML_PROVIDER,
        ProviderDetails={"MetadataFile": etree.tostring(root).decode(), "IDPSignout": "true",
                         "RequestSigningAlgorithm": "rsa-sha256"})
    try:
        browser = signed_in_browser(fed)
        refused(logout(fed, browser), "SingleLogoutService")
        assert "cognito" not in browser.cookies
    finally:
        cognito.update_identity_provider(UserPoolId=fed.pool_id, ProviderName=SAML_PROVIDER,
                                         ProviderDetails=details)
        fed.idp.end_sessions()


def test_a_native_sign_in_signs_out_as_before(slo_federation):
    """AWS, "Logout endpoint": single logout is for a user with a SAML session; no
    session at all, /logout redirects to the logout_uri."""
    fed = slo_federation
    answer = logout(fed, requests.Session())
    assert answer.status_code == 302 and answer.headers["Location"] == SIGNED_OUT


def test_an_unknown_relay_state_at_saml2_logout_is_an_error_page(lab):
    """AWS, "SAML sign-out flow": /saml2/logout answers a sign-out Cognito started; any
    other POST is an error page with no redirect."""
    refused(requests.post(f"{lab.domain_url}/saml2/logout",
                          data={"SAMLResponse": "PHg+", "RelayState": "made-up"},
                          allow_redirects=False, timeout=10), "RelayState")
