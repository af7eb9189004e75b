"""The user pool's SAML signing certificate and signed AuthnRequests (AWS, "SAML signing
and encryption" (Signing SAML requests), GetSigningCertificate (API reference),
CreateIdentityProvider (RequestSigningAlgorithm); SAML bindings 2.0 §3.4.4.1)."""

from __future__ import annotations

import base64
import datetime as dt
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .saml_helpers import (
    SAML_PROVIDER,
    first_hop,
    post_to_cognito,
    query_of,
    saml_federation_on,
    sign_in_at_idp,
)

RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"


def signing_certificate(lab, pool_id: str) -> str:
    return lab.client("cognito-idp").get_signing_certificate(UserPoolId=pool_id)["Certificate"]


@pytest.fixture(scope="module")
def signing_federation(lab):
    """A provider with RequestSigningAlgorithm rsa-sha256, and an IdP given the pool's
    signing certificate (so it wants, and checks, signed AuthnRequests)."""
    with saml_federation_on(lab, provider_details={"RequestSigningAlgorithm": "rsa-sha256"}
                            ) as fed:
        fed.idp.trust_service_provider(certificate_pem=signing_certificate(lab, fed.pool_id))
        yield fed


def test_get_signing_certificate_returns_the_pools_own_certificate(lab):
    """AWS, GetSigningCertificate and "SAML signing and encryption": each user pool has a
    signing certificate Cognito generates, valid for 10 years; the same one is returned
    again; an unknown pool is ResourceNotFoundException."""
    cognito = lab.client("cognito-idp")
    pools = [cognito.create_user_pool(PoolName=f"signing-{n}")["UserPool"]["Id"]
             for n in range(2)]
    try:
        first = signing_certificate(lab, pools[0])
        assert signing_certificate(lab, pools[0]) == first
        assert signing_certificate(lab, pools[1]) != first
        certificate = x509.load_der_x509_certificate(base64.b64decode(first))
        lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
        assert dt.timedelta(days=3650) <= lifetime <= dt.timedelta(days=3660)
        assert certificate.not_valid_before_utc <= dt.datetime.now(dt.UTC)
        with pytest.raises(ClientError) as missing:
            cognito.get_signing_certificate(UserPoolId="us-east-1_Nothing")
        assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
    finally:
        for pool_id in pools:
            cognito.delete_user_pool(UserPoolId=pool_id)


def test_rsa_sha256_signs_the_authn_request_and_the_idp_verifies_it(signing_federation):
    """AWS, "SAML signing and encryption" (Signing SAML requests) and CreateIdentityProvider
    (RequestSigningAlgorithm rsa-sha256); SAML bindings §3.4.4.1: SigAlg and a Signature
    over SAMLRequest=…&RelayState=…&SigAlg=… made with the key of the pool's signing
    certificate; an IdP that wants signed requests accepts it and the sign-in completes."""
    fed = signing_federation
    assert 'WantAuthnRequestsSigned="true"' in fed.idp.metadata_xml
    hop = first_hop(fed)
    sent = query_of(hop.at_idp)
    assert sent["SigAlg"] == RSA_SHA256
    raw_query = urlsplit(hop.at_idp).query
    signed_part = raw_query[:raw_query.index("&Signature=")]
    assert [p.split("=")[0] for p in signed_part.split("&")] == ["SAMLRequest", "RelayState",
                                                                 "SigAlg"]
    certificate = x509.load_der_x509_certificate(
        base64.b64decode(signing_certificate(fed.lab, fed.pool_id)))
    certificate.public_key().verify(base64.b64decode(sent["Signature"]),
                                    signed_part.encode(), padding.PKCS1v15(), hashes.SHA256())
    answer = post_to_cognito(hop.browser, sign_in_at_idp(fed, hop.browser, hop.at_idp))
    assert answer.status_code == 302 and "code" in query_of(answer.headers["Location"])


@pytest.mark.parametrize("tampering", ["relay state", "request", "no signature",
                                       "another pool's key"])
def test_a_tampered_signed_request_is_refused_by_the_idp(signing_federation, tampering):
    """SAML bindings §3.4.4.1 (AWS, "SAML signing and encryption": the IdP verifies that it
    receives unmodified SAML requests): any change to the signed query, a missing
    signature, or one made with another key, and the IdP refuses the request (no sign-in
    form); the untouched request is accepted."""
    fed = signing_federation
    url = first_hop(fed).at_idp
    assert requests.get(url, timeout=10).status_code == 200
    if tampering == "relay state":
        url = url.replace("&RelayState=", "&RelayState=x", 1)
    elif tampering == "request":
        url = url.replace("SAMLRequest=", "SAMLRequest=fV", 1)
    elif tampering == "no signature":
        url = url[:url.index("&SigAlg=")]
    else:
        signed_part = url[:url.index("&Signature=")]
        another = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        signature = another.sign(urlsplit(signed_part).query.encode(), padding.PKCS1v15(),
                                 hashes.SHA256())
        url = f"{signed_part}&{urlencode({'Signature': base64.b64encode(signature)})}"
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 400
    assert 'name="password"' not in answer.text


def test_without_request_signing_algorithm_requests_go_unsigned(saml_federation, lab):
    """AWS, CreateIdentityProvider (RequestSigningAlgorithm: without it, Cognito doesn't
    sign): no SigAlg or Signature; an IdP that wants signed requests refuses that one."""
    fed = saml_federation
    hop = first_hop(fed)
    assert "SigAlg" not in query_of(hop.at_idp) and "Signature" not in query_of(hop.at_idp)
    assert requests.get(hop.at_idp, timeout=10).status_code == 200    # this IdP doesn't ask
    with saml_federation_on(lab) as strict:
        strict.idp.trust_service_provider(
            certificate_pem=signing_certificate(lab, strict.pool_id))
        unsigned = first_hop(strict).at_idp
        assert requests.get(unsigned, timeout=10).status_code == 400


def test_an_app_client_cant_add_cognito_beside_an_idp_initiated_saml_provider(
        saml_federation):
    """AWS, "Using IdP-initiated SAML sign-in": you can't add non-SAML IdPs, including the
    user pool itself, to any app client that uses a SAML provider with IdP-initiated
    sign-in (CreateUserPoolClient and UpdateUserPoolClient refuse it)."""
    fed = saml_federation
    cognito = fed.lab.client("cognito-idp")
    with pytest.raises(ClientError) as created:
        cognito.create_user_pool_client(
            UserPoolId=fed.pool_id, ClientName="mixed",
            SupportedIdentityProviders=["COGNITO", SAML_PROVIDER])
    assert created.value.response["Error"]["Code"] == "InvalidParameterException"
    with pytest.raises(ClientError) as updated:
        cognito.update_user_pool_client(
            UserPoolId=fed.pool_id, ClientId=fed.portal_client_id,
            SupportedIdentityProviders=[SAML_PROVIDER, "COGNITO"])
    assert updated.value.response["Error"]["Code"] == "InvalidParameterException"
    portal = cognito.describe_user_pool_client(UserPoolId=fed.pool_id,
                                               ClientId=fed.portal_client_id)
    assert portal["UserPoolClient"]["SupportedIdentityProviders"] == [SAML_PROVIDER]
    alone = cognito.create_user_pool_client(UserPoolId=fed.pool_id, ClientName="saml-only",
                                            SupportedIdentityProviders=[SAML_PROVIDER])
    cognito.delete_user_pool_client(UserPoolId=fed.pool_id,
                                    ClientId=alone["UserPoolClient"]["ClientId"])
