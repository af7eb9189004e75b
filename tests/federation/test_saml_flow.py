"""SAML federation end to end over HTTP, SP- and IdP-initiated (AWS, "SAML session
initiation in Amazon Cognito user pools", "The IdP SAML assertion endpoint", "Adding SAML
identity providers to a user pool", CreateIdentityProvider)."""

from __future__ import annotations

import base64
import datetime as dt
import json

import jwt
import pytest
import requests
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree

from .conftest import CALLBACK
from .saml_helpers import (
    SAML,
    SAML_PROVIDER,
    SAMLP,
    authn_request,
    first_hop,
    idp_initiated_form,
    post_to_cognito,
    q,
    query_of,
    redeem,
    sign_in_at_idp,
)


def describe(fed) -> dict:
    return fed.lab.client("cognito-idp").describe_identity_provider(
        UserPoolId=fed.pool_id, ProviderName=SAML_PROVIDER)["IdentityProvider"]


def signed_in_claims(fed, answer, verifier=None, client_id=None) -> dict:
    assert answer.status_code == 302, answer.headers
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK), location
    back = query_of(location)
    assert "error" not in back, back
    tokens = redeem(fed, back["code"], verifier, client_id=client_id)
    assert tokens.status_code == 200, tokens.text
    return jwt.decode(tokens.json()["id_token"], options={"verify_signature": False})


def refused_to_app(answer, reason_word: str) -> None:
    assert answer.status_code == 302
    back = query_of(answer.headers["Location"])
    assert answer.headers["Location"].startswith(CALLBACK)
    assert back["error"] == "invalid_request" and "code" not in back
    assert reason_word in answer.headers["x-cognito-lab-reason"]


# -- CreateIdentityProvider ---------------------------------------------------------------
def test_metadata_is_read_when_the_provider_is_created(saml_federation):
    """AWS, CreateIdentityProvider (SAML): Describe adds the SSORedirectBindingURI and
    SLORedirectBindingURI read from the metadata and keeps what was given."""
    details = describe(saml_federation)["ProviderDetails"]
    assert details["MetadataURL"] == saml_federation.idp.metadata_url
    assert details["IDPInit"] == "true"
    assert details["SSORedirectBindingURI"] == saml_federation.idp.sso_url
    assert details["SLORedirectBindingURI"] == saml_federation.idp.slo_url


def test_a_metadata_file_is_read_too(saml_federation):
    """AWS, CreateIdentityProvider (SAML): MetadataFile instead of MetadataURL; no
    SLORedirectBindingURI when the metadata has no SingleLogoutService."""
    cognito = saml_federation.lab.client("cognito-idp")
    metadata = _without(saml_federation.idp.metadata_xml, q(MD, "SingleLogoutService"))
    cognito.create_identity_provider(
        UserPoolId=saml_federation.pool_id, ProviderName="FromFile", ProviderType="SAML",
        ProviderDetails={"MetadataFile": metadata})
    try:
        details = cognito.describe_identity_provider(
            UserPoolId=saml_federation.pool_id,
            ProviderName="FromFile")["IdentityProvider"]["ProviderDetails"]
        assert details["SSORedirectBindingURI"] == saml_federation.idp.sso_url
        assert details["MetadataFile"] == metadata
        assert "SLORedirectBindingURI" not in details
    finally:
        cognito.delete_identity_provider(UserPoolId=saml_federation.pool_id,
                                         ProviderName="FromFile")


def _expired_certificate_base64() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "old-idp")])
    then = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(1)
                   .not_valid_before(then).not_valid_after(then + dt.timedelta(days=1))
                   .sign(key, hashes.SHA256()))
    return base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()


def _without(xml: str, tag: str) -> str:
    root = etree.fromstring(xml.encode())
    for element in root.iter(tag):
        element.getparent().remove(element)
    return etree.tostring(root).decode()


MD = "urn:oasis:names:tc:SAML:2.0:metadata"


@pytest.mark.parametrize("case", ["both", "neither", "no signing certificate", "no SSO URL",
                                  "expired certificate", "not XML", "port", "flag",
                                  "algorithm"])
def test_unusable_saml_details_are_refused(saml_federation, case):
    """AWS, CreateIdentityProvider and "Things to know about SAML IdPs": one of MetadataURL
    or MetadataFile; a valid (unexpired) signing certificate; metadata URLs on the standard
    ports (the lab: any port on loopback)."""
    idp = saml_federation.idp
    metadata = idp.metadata_xml
    details = {
        "both": {"MetadataURL": idp.metadata_url, "MetadataFile": metadata},
        "neither": {"IDPInit": "true"},
        "no signing certificate": {"MetadataFile": _without(metadata, q(MD, "KeyDescriptor"))},
        "no SSO URL": {"MetadataFile": _without(metadata, q(MD, "SingleSignOnService"))},
        "expired certificate": {"MetadataFile": metadata.replace(
            idp._key.certificate_base64, _expired_certificate_base64())},
        "not XML": {"MetadataFile": "this is not metadata"},
        "port": {"MetadataURL": "https://idp.example.com:8443/metadata"},
        "flag": {"MetadataFile": metadata, "IDPInit": "yes"},
        "algorithm": {"MetadataFile": metadata, "RequestSigningAlgorithm": "rsa-sha1"},
    }[case]
    with pytest.raises(ClientError) as refused:
        saml_federation.lab.client("cognito-idp").create_identity_provider(
            UserPoolId=saml_federation.pool_id, ProviderName="Refused", ProviderType="SAML",
            ProviderDetails=details)
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"


def test_a_metadata_document_with_a_dtd_is_refused(saml_federation):
    """AWS, CreateIdentityProvider: InvalidParameterException for metadata Cognito can't
    use (the lab parses metadata with entities, DTDs and the network off)."""
    laughs = ('<?xml version="1.0"?><!DOCTYPE md [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;">]>'
              + saml_federation.idp.metadata_xml.split("?>", 1)[1].replace(
                  "</md:EntityDescriptor>", "<md:Extensions>&b;</md:Extensions>"
                  "</md:EntityDescriptor>"))
    with pytest.raises(ClientError) as refused:
        saml_federation.lab.client("cognito-idp").create_identity_provider(
            UserPoolId=saml_federation.pool_id, ProviderName="Laughs", ProviderType="SAML",
            ProviderDetails={"MetadataFile": laughs})
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"


# -- the first hop ------------------------------------------------------------------------
def test_first_hop_sends_an_authn_request_by_http_redirect(saml_federation):
    """AWS, "Things to know about SAML IdPs" (SP-initiated sign-in requests; user pool ID
    is SP entity ID): the AuthnRequest goes in a URL parameter to SSORedirectBindingURI."""
    fed = saml_federation
    hop = first_hop(fed)
    assert hop.at_idp.startswith(f"{fed.idp.sso_url}?")
    sent = query_of(hop.at_idp)
    assert sent["RelayState"] != "app-state-1" and len(sent["RelayState"]) >= 32
    assert "code_challenge" not in sent and "state" not in sent
    request = authn_request(hop)
    assert request.tag == q(SAMLP, "AuthnRequest")
    assert request.get("ID", "")[:1] == "_" and len(request.get("ID")) > 30
    assert request.get("Version") == "2.0" and request.get("IssueInstant")
    assert request.get("Destination") == fed.idp.sso_url
    assert request.get("AssertionConsumerServiceURL") == fed.acs_url
    assert request.get("ProtocolBinding") == "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
    assert request.findtext(q(SAML, "Issuer")) == f"urn:amazon:cognito:sp:{fed.pool_id}"


def test_idp_identifier_picks_the_saml_provider(saml_federation):
    """AWS, "SAML identity provider names and identifiers": idp_identifier."""
    hop = first_hop(saml_federation, identity_provider=None,
                    idp_identifier="corp-saml.example")
    assert hop.at_idp.startswith(f"{saml_federation.idp.sso_url}?")


# -- the whole flow -----------------------------------------------------------------------
def test_the_whole_flow_signs_in_a_federated_user(saml_federation):
    """AWS, "SAML session initiation" (SP-initiated) and "Mapping IdP attributes to
    profiles and tokens": NameID is the subject, attributes are mapped, the user joins
    <pool id>_<provider>. (A multi-valued attribute's format is the lab's choice.)"""
    fed = saml_federation
    hop = first_hop(fed)
    form = sign_in_at_idp(fed, hop.browser, hop.at_idp)
    assert form.action == fed.acs_url
    assert form.fields["RelayState"] == query_of(hop.at_idp)["RelayState"]
    answer = post_to_cognito(hop.browser, form)
    assert query_of(answer.headers["Location"])["state"] == "app-state-1"
    claims = signed_in_claims(fed, answer, hop.verifier)
    sub = fed.carol.sub
    assert claims["cognito:username"] == f"{SAML_PROVIDER}_{sub}"
    assert claims["cognito:groups"] == [f"{fed.pool_id}_{SAML_PROVIDER}"]
    assert claims["email"] == "carol@corp.example"
    assert claims["name"] == "Carol Corp"
    assert claims["custom:department"] == "engineering"
    assert json.loads(claims["custom:groups"]) == ["staff", "admins"]   # several values
    [identity] = claims["identities"]
    assert identity["userId"] == sub and identity["providerName"] == SAML_PROVIDER
    assert identity["providerType"] == "SAML"
    assert identity["issuer"] == fed.idp.entity_id    # the SAML IdP's entityID
    user = fed.lab.client("cognito-idp").admin_get_user(
        UserPoolId=fed.pool_id, Username=f"{SAML_PROVIDER}_{sub}")
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert json.loads(attributes["identities"])[0]["userId"] == sub


def test_a_response_signed_as_a_whole_is_accepted(saml_federation):
    """AWS, "The IdP SAML assertion endpoint": a signed Response (not only a signed
    assertion) is accepted; SAML core 5.2."""
    fed = saml_federation
    fed.idp.override_signing(sign="response")
    try:
        hop = first_hop(fed)
        answer = post_to_cognito(hop.browser, sign_in_at_idp(fed, hop.browser, hop.at_idp))
        assert signed_in_claims(fed, answer, hop.verifier)["email"] == "carol@corp.example"
    finally:
        fed.idp.reset()


# -- IdP-initiated sign-in ----------------------------------------------------------------
def test_idp_initiated_sign_in_with_idpinit(saml_federation):
    """AWS, "Implement IdP-initiated SAML sign-in": with IDPInit "true", RelayState carries
    the authorize parameters and the app gets a code."""
    fed = saml_federation
    browser = requests.Session()
    form = idp_initiated_form(fed, browser)
    assert "InResponseTo" not in form.saml_response_xml.decode()
    claims = signed_in_claims(fed, post_to_cognito(browser, form),
                              client_id=fed.portal_client_id)
    assert claims["cognito:username"] == f"{SAML_PROVIDER}_{fed.carol.sub}"
    assert claims["aud"] == fed.portal_client_id


def test_idp_initiated_sign_in_is_refused_without_idpinit(saml_federation):
    """AWS, "Implement IdP-initiated SAML sign-in" and UpdateIdentityProvider: a provider
    without IDPInit accepts no unsolicited response (Update keeps the provider usable)."""
    fed = saml_federation
    cognito = fed.lab.client("cognito-idp")
    described = describe(fed)["ProviderDetails"]
    cognito.update_identity_provider(UserPoolId=fed.pool_id, ProviderName=SAML_PROVIDER,
                                     ProviderDetails={**described, "IDPInit": "false"})
    try:
        updated = describe(fed)["ProviderDetails"]
        assert updated["IDPInit"] == "false"
        assert updated["SSORedirectBindingURI"] == fed.idp.sso_url
        browser = requests.Session()
        refused_to_app(post_to_cognito(browser, idp_initiated_form(fed, browser)), "IDPInit")
    finally:
        cognito.update_identity_provider(UserPoolId=fed.pool_id, ProviderName=SAML_PROVIDER,
                                         ProviderDetails={**described, "IDPInit": "true"})


def test_idp_initiated_sign_in_is_refused_for_a_client_with_cognito(saml_federation):
    """AWS, "Things to know about SAML IdPs" (App clients with IdP-initiated SAML can only
    sign in with SAML)."""
    fed = saml_federation
    browser = requests.Session()
    form = idp_initiated_form(fed, browser, client_id=fed.client_id)
    refused_to_app(post_to_cognito(browser, form), "SAML providers")


def test_idp_initiated_relay_state_is_checked_as_authorize_parameters(saml_federation):
    """AWS, "The IdP SAML assertion endpoint": RelayState holds the parameters of the
    Authorize endpoint; an unregistered redirect_uri is an error page, no redirect."""
    fed = saml_federation
    browser = requests.Session()
    form = idp_initiated_form(fed, browser, redirect_uri="https://evil.example/cb")
    answer = post_to_cognito(browser, form)
    assert answer.status_code == 400 and "Location" not in answer.headers



def test_saml2_paths_the_lab_does_not_play_are_404_not_moto(lab):
    """AWS, "SAML session initiation in Amazon Cognito user pools" and "SAML sign-out
    flow": /saml2/... belongs to the user pool domain. The lab plays /saml2/idpresponse
    and /saml2/logout (POST only: the IdP "must send the LogoutResponse in an HTTP POST
    request"); any other /saml2 path is a plain 404 from the domain, never handed to moto's
    API."""
    for method in ("GET", "POST"):
        answer = requests.request(method, f"{lab.domain_url}/saml2/elsewhere",
                                  data={"SAMLRequest": "x"}, timeout=10)
        assert answer.status_code == 404, (method, answer.status_code)
    answer = requests.get(f"{lab.domain_url}/saml2/logout", timeout=10)
    assert answer.status_code == 405 and "POST" in answer.headers["Allow"]
