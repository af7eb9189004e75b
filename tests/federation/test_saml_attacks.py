"""What /saml2/idpresponse refuses (AWS, "The IdP SAML assertion endpoint", "Things to
know about SAML IdPs", "SAML session initiation in Amazon Cognito user pools"; SAML core
2.0 and the Web Browser SSO profile; XML signature wrapping as in Somorovsky et al., "On
Breaking SAML: Be Whoever You Want to Be", 2012).

A refused Response with a known sign-in goes back to the app as error=invalid_request
(AWS, "Managed login and federation error responses") with no code; one that answers no
sign-in Cognito knows (a tampered or used RelayState) gets an error page."""

from __future__ import annotations

import copy
import time

import pytest
import requests
from lxml import etree

from .conftest import CALLBACK
from .saml_helpers import (
    DS,
    SAML,
    SAMLP,
    PostedForm,
    first_hop,
    idp_initiated_form,
    post_to_cognito,
    q,
    query_of,
    saml_federation_on,
    sign_in_at_idp,
)


@pytest.fixture(autouse=True)
def behaving_idp(saml_federation):
    saml_federation.idp.reset()
    yield
    saml_federation.idp.reset()


def sp_initiated_form(fed) -> tuple[requests.Session, PostedForm]:
    hop = first_hop(fed)
    return hop.browser, sign_in_at_idp(fed, hop.browser, hop.at_idp)


def refused(answer: requests.Response, reason_word: str, *, state: str | None = "app-state-1"):
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK)
    back = query_of(location)
    assert back["error"] == "invalid_request"
    assert back.get("state") == state
    assert "code" not in back
    reason = answer.headers["x-cognito-lab-reason"]
    assert reason_word.lower() in reason.lower(), reason


def refused_sp_initiated(fed, reason_word: str) -> None:
    browser, form = sp_initiated_form(fed)
    refused(post_to_cognito(browser, form), reason_word)


# -- signatures ---------------------------------------------------------------------------
def test_unsigned_assertion(saml_federation):
    """AWS, "Things to know about SAML IdPs": assertions are verified with the metadata's
    signing certificates; an unsigned one proves nothing."""
    saml_federation.idp.override_signing(sign="nothing")
    refused_sp_initiated(saml_federation, "signed")


def test_assertion_signed_with_another_key(saml_federation):
    """AWS, "Things to know about SAML IdPs" (signing certificates): a key the metadata
    does not publish, its own certificate in KeyInfo, is not trusted."""
    saml_federation.idp.override_signing(foreign_key=True)
    refused_sp_initiated(saml_federation, "does not verify")


def test_tampered_assertion(saml_federation):
    """AWS, "Things to know about SAML IdPs": a signed assertion changed after signing."""
    browser, form = sp_initiated_form(saml_federation)
    root = etree.fromstring(form.saml_response_xml)
    root.find(f"{q(SAML, 'Assertion')}/{q(SAML, 'Subject')}/{q(SAML, 'NameID')}").text = "boss"
    refused(post_to_cognito(browser, form.with_response(root)), "does not verify")


def _evil_twin(original) -> etree._Element:
    """A copy of the signed assertion naming someone else, with an ID of its own."""
    evil = copy.deepcopy(original)
    evil.set("ID", "_evil-assertion")
    evil.find(f"{q(SAML, 'Subject')}/{q(SAML, 'NameID')}").text = "ceo"
    return evil


def test_xml_signature_wrapping_evil_assertion_before_the_signed_one(saml_federation):
    """AWS, "Things to know about SAML IdPs"; XSW (evil assertion placed before the signed
    one, which stays where it was and still verifies): refused."""
    browser, form = sp_initiated_form(saml_federation)
    root = etree.fromstring(form.saml_response_xml)
    original = root.find(q(SAML, "Assertion"))
    evil = _evil_twin(original)
    evil.remove(evil.find(q(DS, "Signature")))
    original.addprevious(evil)
    refused(post_to_cognito(browser, form.with_response(root)), "Assertion")


def test_xml_signature_wrapping_signed_assertion_moved_into_extensions(saml_federation):
    """AWS, "Things to know about SAML IdPs"; XSW: the signed assertion (its signature
    taken off) hidden in samlp:Extensions, an evil one where it was, carrying the
    signature, which still verifies."""
    browser, form = sp_initiated_form(saml_federation)
    root = etree.fromstring(form.saml_response_xml)
    original = root.find(q(SAML, "Assertion"))
    evil = _evil_twin(original)
    original.addprevious(evil)
    original.remove(original.find(q(DS, "Signature")))
    extensions = etree.Element(q(SAMLP, "Extensions"))
    root.find(q(SAML, "Issuer")).addnext(extensions)
    extensions.append(original)              # moves it: the Response holds only the evil one
    refused(post_to_cognito(browser, form.with_response(root)), "wrapping")


def test_xml_signature_wrapping_signed_assertion_moved_into_the_signature_object(
        saml_federation):
    """AWS, "Things to know about SAML IdPs"; XSW: the signed assertion (its signature
    taken off) inside the evil assertion's ds:Signature/ds:Object, which still verifies."""
    browser, form = sp_initiated_form(saml_federation)
    root = etree.fromstring(form.saml_response_xml)
    original = root.find(q(SAML, "Assertion"))
    evil = _evil_twin(original)
    original.addprevious(evil)
    original.remove(original.find(q(DS, "Signature")))
    signature_object = etree.SubElement(evil.find(q(DS, "Signature")), q(DS, "Object"))
    signature_object.append(original)
    refused(post_to_cognito(browser, form.with_response(root)), "wrapping")


# -- what the assertion says --------------------------------------------------------------
def test_wrong_audience(saml_federation):
    """AWS, "Things to know about SAML IdPs" (user pool ID is SP entity ID; Audience)."""
    saml_federation.idp.override_response(audience="urn:amazon:cognito:sp:us-east-1_Other")
    refused_sp_initiated(saml_federation, "audience")


def test_wrong_recipient(saml_federation):
    """AWS, "Things to know about SAML IdPs" (SubjectConfirmationData Recipient)."""
    saml_federation.idp.override_response(recipient="https://sp.example/saml2/idpresponse")
    refused_sp_initiated(saml_federation, "Recipient")


def test_another_issuer(saml_federation):
    """AWS, "Things to know about SAML IdPs"; SAML core 2.3.3: the Issuer is the entityID
    of the provider's metadata."""
    saml_federation.idp.override_response(issuer="https://evil.example/idp")
    refused_sp_initiated(saml_federation, "Issuer")


def test_failed_status(saml_federation):
    """AWS, "The IdP SAML assertion endpoint"; SAML core 3.2.2.2: only Success signs in."""
    saml_federation.idp.override_response(
        status="urn:oasis:names:tc:SAML:2.0:status:Responder")
    refused_sp_initiated(saml_federation, "status")


def test_expired_assertion_by_the_lab_clock(fresh_lab):
    """AWS, "Things to know about SAML IdPs"; SAML profiles 4.1.4.2 (NotOnOrAfter): judged
    by the lab's clock, moved past the assertion's lifetime (not past the sign-in's)."""
    with saml_federation_on(fresh_lab, assertion_seconds=60) as fed:
        browser, form = sp_initiated_form(fed)
        fresh_lab.clock.advance(seconds=120)
        refused(post_to_cognito(browser, form), "expired")


def test_in_response_to_of_another_request(saml_federation):
    """AWS, "Things to know about SAML IdPs" (InResponseTo is the original request's ID):
    the answer to one sign-in can't complete another."""
    fed = saml_federation
    first = first_hop(fed)
    second = first_hop(fed)
    answer_to_second = sign_in_at_idp(fed, second.browser, second.at_idp)
    swapped = answer_to_second.with_fields(RelayState=query_of(first.at_idp)["RelayState"])
    refused(post_to_cognito(first.browser, swapped), "InResponseTo")


# -- replays and RelayState ---------------------------------------------------------------
def test_replayed_sp_initiated_response(saml_federation):
    """AWS, "SAML session initiation" (Cognito's state for the request) and "Things to
    know about SAML IdPs" (no replayed assertions): the second post finds no sign-in."""
    browser, form = sp_initiated_form(saml_federation)
    assert post_to_cognito(browser, form).status_code == 302
    again = post_to_cognito(requests.Session(), form)
    assert again.status_code == 400 and "Location" not in again.headers


def test_replayed_idp_initiated_assertion(saml_federation):
    """AWS, "Things to know about SAML IdPs" (No replayed assertions): an assertion ID is
    accepted once, even where nothing else ties it to a request."""
    browser = requests.Session()
    form = idp_initiated_form(saml_federation, browser)
    first = post_to_cognito(browser, form)
    assert first.status_code == 302 and "code" in query_of(first.headers["Location"])
    refused(post_to_cognito(requests.Session(), form), "already used", state=None)


def test_idp_initiated_assertion_older_than_six_minutes(saml_federation):
    """AWS, "Implement IdP-initiated SAML sign-in": issued within the previous 6 minutes."""
    saml_federation.idp.override_response(issue_instant=time.time() - 7 * 60)
    browser = requests.Session()
    form = idp_initiated_form(saml_federation, browser)
    refused(post_to_cognito(browser, form), "6 minutes", state=None)


def test_sp_initiated_response_posted_as_idp_initiated(saml_federation):
    """AWS, "Things to know about SAML IdPs": IdP-initiated assertions must not carry an
    InResponseTo (an answer to someone else's request, replayed unsolicited)."""
    browser, form = sp_initiated_form(saml_federation)
    portal = idp_initiated_form(saml_federation, requests.Session())
    refused(post_to_cognito(browser, form.with_fields(RelayState=portal.fields["RelayState"])),
            "InResponseTo", state=None)


def test_tampered_relay_state_gets_an_error_page(saml_federation):
    """AWS, "SAML session initiation" (Cognito sets state parameters that validate a SAML
    response against the original request): a RelayState Cognito never issued."""
    browser, form = sp_initiated_form(saml_federation)
    relay_state = form.fields["RelayState"]
    answer = post_to_cognito(browser, form.with_fields(RelayState=relay_state[:-2] + "xx"))
    assert answer.status_code == 400
    assert "Location" not in answer.headers
    assert "RelayState" in answer.headers["x-cognito-lab-reason"]
    # the genuine RelayState is still waiting: the tampering consumed nothing
    assert post_to_cognito(browser, form).status_code == 302


def test_a_saml_relay_state_at_the_oidc_endpoint_goes_back_to_the_app(saml_federation):
    """AWS, "IdP response endpoint" and "The IdP SAML assertion endpoint": a SAML sign-in's
    state brought to /oauth2/idpresponse finishes nothing (no code, no traceback)."""
    hop = first_hop(saml_federation)
    answer = hop.browser.get(f"{saml_federation.lab.domain_url}/oauth2/idpresponse",
                             params={"state": query_of(hop.at_idp)["RelayState"],
                                     "code": "a-code"}, allow_redirects=False, timeout=10)
    refused(answer, "SAML")


def test_a_response_with_a_dtd_is_refused(saml_federation):
    """AWS, "The IdP SAML assertion endpoint": the SAMLResponse is parsed with entities,
    DTDs and the network off (XXE, billion laughs)."""
    browser, form = sp_initiated_form(saml_federation)
    xml = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "lol">]>'
           + form.saml_response_xml)
    refused(post_to_cognito(browser, form.with_response(xml)), "DTD")
