"""Notebook 12's checks: the right answer passes; each usual wrong answer fails with
feedback that names its mistake. And the lesson's SAML forgeries do what it says."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from lxml import etree
from signxml import InvalidSignature, XMLVerifier

from cognito_lab.client.browser import Browser
from cognito_lab.idp import IdpUser, SamlProvider
from cognito_lab.teach.federation import check_attribute_mapping, check_link_trigger
from cognito_lab.teach.saml_forgeries import SAML, SAMLP, tampered, wrapped

SOLUTIONS = Path(__file__).resolve().parents[2] / "notebooks" / "solutions"
ACS = "http://127.0.0.1:9/saml2/idpresponse"       # never contacted: the form is read

RIGHT = {"email": "email", "email_verified": "email_verified", "name": "name",
         "custom:department": "department"}


def test_the_right_mapping_passes(lab, capsys):
    assert check_attribute_mapping(lab, dict(RIGHT))
    out = capsys.readouterr().out
    assert out.startswith("✅") and "email_verified = true" in out


@pytest.mark.parametrize(("mapping", "feedback"), [
    ({}, "Not done yet"),
    (None, "Not done yet"),
    # written claim -> attribute
    ({"email": "email", "email_verified": "email_verified", "name": "name",
      "department": "custom:department"}, "backwards"),
    # email_verified left out: the email stays unverified
    ({"email": "email", "name": "name", "custom:department": "department"},
     "stays unverified"),
    # an attribute the app client may not write (and an IdP should not decide)
    ({**RIGHT, "custom:role": "role"}, "can't write custom:role"),
    # the custom attribute without its prefix
    ({"email": "email", "email_verified": "email_verified", "name": "name",
      "dept": "department"}, "no attribute dept"),
    # the department forgotten
    ({"email": "email", "email_verified": "email_verified", "name": "name"},
     "custom:department: (not set)"),
], ids=["empty", "none", "backwards", "unverified", "unwritable", "no-prefix", "incomplete"])
def test_a_wrong_mapping_fails_and_says_why(lab, capsys, mapping, feedback):
    assert not check_attribute_mapping(lab, mapping)
    out = capsys.readouterr().out
    assert out.startswith("❌") and feedback in out, out


# -- exercise 2: the linking trigger -------------------------------------------------------
def _linker(lab, *, idp_verified: bool, native_verified: bool, crash_when_alone=False):
    """A PreSignUp_ExternalProvider trigger that links on email, checking what it's told."""
    cognito = lab.client("cognito-idp")

    def trigger(event, context):
        claimed = event["request"]["userAttributes"]
        if idp_verified and claimed.get("email_verified") != "true":
            return event
        users = cognito.list_users(UserPoolId=event["userPoolId"],
                                   Filter=f'email = "{claimed["email"]}"')["Users"]
        if crash_when_alone:
            users[0]                                    # IndexError when nobody matches
        natives = [u for u in users if u["UserStatus"] != "EXTERNAL_PROVIDER" and (
            not native_verified or {a["Name"]: a["Value"] for a in u["Attributes"]}
            .get("email_verified") == "true")]
        if natives:
            provider, _, subject = event["userName"].partition("_")
            cognito.admin_link_provider_for_user(
                UserPoolId=event["userPoolId"],
                DestinationUser={"ProviderName": "Cognito",
                                 "ProviderAttributeValue": natives[0]["Username"]},
                SourceUser={"ProviderName": provider, "ProviderAttributeName":
                            "Cognito_Subject", "ProviderAttributeValue": subject})
        return event
    return trigger


def test_the_solution_trigger_passes(lab, capsys):
    from cognito_lab.teach.solutions import show_solution

    solution = show_solution("12_link_verified_email", folder=SOLUTIONS,
                             namespace={"idp": lab.client("cognito-idp")}, display=False)
    assert check_link_trigger(lab, solution.link_verified_email)
    out = capsys.readouterr().out
    assert out.startswith("✅") and "erin (Corp: erin@corp.example" in out


def test_a_careful_trigger_written_otherwise_passes(lab, capsys):
    assert check_link_trigger(lab, _linker(lab, idp_verified=True, native_verified=True))
    assert capsys.readouterr().out.startswith("✅")


def _skeleton(event, context):
    if event["triggerSource"] == "PreSignUp_ExternalProvider":
        raise NotImplementedError
    return event


def _never_links(event, context):
    return event


@pytest.mark.parametrize(("make", "feedback"), [
    (lambda lab: _skeleton, "Not done yet"),
    (lambda lab: None, "Not done yet"),
    (lambda lab: _linker(lab, idp_verified=False, native_verified=False), "Account takeover"),
    (lambda lab: _linker(lab, idp_verified=False, native_verified=True), "email_verified false"),
    (lambda lab: _linker(lab, idp_verified=True, native_verified=False), "not verified"),
    (lambda lab: _never_links, "no link was made"),
    (lambda lab: _linker(lab, idp_verified=True, native_verified=True, crash_when_alone=True),
     "raised IndexError"),
], ids=["skeleton", "none", "any-email-match", "ignores-idp-email-verified",
        "ignores-native-verification", "never-links", "crashes-without-a-match"])
def test_a_wrong_trigger_fails_and_says_why(lab, capsys, make, feedback):
    assert not check_link_trigger(lab, make(lab))
    out = capsys.readouterr().out
    assert out.startswith("❌") and feedback in out, out


# -- notebook 12's SAML forgeries: what the lesson says of them is true --------------------
def _signed_response(idp: SamlProvider, user: IdpUser) -> str:
    """A SAMLResponse the IdP signed for ``user`` (IdP-initiated, no service provider)."""
    browser = Browser()
    page = browser.get(idp.idp_initiated_url(sp_entity_id="urn:amazon:cognito:sp:test",
                                             acs_url=ACS))
    action, fields = browser.form(page)
    fields.update(username=user.username, password=user.password)
    posted = browser.post_form(action, fields)
    _, form = browser.form(posted, containing="SAMLResponse")
    return form["SAMLResponse"]


def _name_id_read(response: str) -> str | None:
    """The NameID a service provider reads: the Response's own Assertion's."""
    root = etree.fromstring(base64.b64decode(response))
    return root.findtext("{*}Assertion/{*}Subject/{*}NameID")


def test_a_wrapped_response_still_carries_a_valid_signature_over_the_original():
    mallory = IdpUser("mallory", "Mallory-Passw0rd!", {"email": "mallory@corp.example"})
    with SamlProvider.start(users=[mallory], acs_urls=[ACS]) as idp:
        signed = _signed_response(idp, mallory)
    forged = wrapped(signed, name_id="carol-subject", email="carol@corp.example")
    assert _name_id_read(forged) == "carol-subject"                 # what a naive SP reads
    checked = XMLVerifier().verify(base64.b64decode(forged), x509_cert=idp.certificate_pem)
    assert checked.signed_xml.findtext(".//{*}NameID") == mallory.sub   # what is signed
    root = etree.fromstring(base64.b64decode(forged))
    emails = [v.text for v in root.iter("{*}AttributeValue")]
    assert "carol@corp.example" in emails and "mallory@corp.example" in emails


def test_a_tampered_response_no_longer_verifies():
    mallory = IdpUser("mallory", "Mallory-Passw0rd!", {"email": "mallory@corp.example"})
    with SamlProvider.start(users=[mallory], acs_urls=[ACS]) as idp:
        signed = _signed_response(idp, mallory)
    XMLVerifier().verify(base64.b64decode(signed), x509_cert=idp.certificate_pem)
    forged = tampered(signed, name_id="carol-subject")
    assert _name_id_read(forged) == "carol-subject"
    with pytest.raises(InvalidSignature):
        XMLVerifier().verify(base64.b64decode(forged), x509_cert=idp.certificate_pem)


def test_a_response_without_a_signed_assertion_cannot_be_wrapped():
    unsigned = base64.b64encode(
        f'<samlp:Response xmlns:samlp="{SAMLP}"><saml:Assertion xmlns:saml="{SAML}"/>'
        "</samlp:Response>".encode()).decode()
    with pytest.raises(ValueError, match="no signed saml:Assertion"):
        wrapped(unsigned, name_id="x")
