"""Sign in with Google: Cognito's ``Google`` provider type and the lab's Google stand-in.

AWS, API Reference (CreateIdentityProvider, ``ProviderDetails`` "Google"), "Adding social
identity providers to a user pool", "Specifying identity provider attribute mappings for
your user pool". The lab never reaches Google: an autouse guard refuses (and records) any
name lookup of a host other than loopback, so a test that reached for the internet fails.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import jwt
import pytest
import requests
from botocore.exceptions import ClientError

from cognito_lab.idp import GoogleProvider, IdpUser

from .conftest import CALLBACK
from .helpers import back_at_cognito, first_hop, query_of, redeem

GOOGLE = "Google"
DOCUMENTED = {   # API Reference, ProviderDetails, Google's "Describe response"
    "attributes_url": "https://people.googleapis.com/v1/people/me?personFields=",
    "attributes_url_add_attributes": "true",
    "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth",
    "oidc_issuer": "https://accounts.google.com",
    "token_request_method": "POST",
    "token_url": "https://www.googleapis.com/oauth2/v4/token",
}
MAPPING = {"username": "sub", "email": "email", "email_verified": "email_verified",
           "name": "name", "given_name": "given_name", "family_name": "family_name",
           "picture": "picture", "gender": "genders"}


@pytest.fixture(autouse=True)
def no_internet(monkeypatch):
    """Every host anything in this process looks up must be loopback."""
    looked_up: list[str] = []
    real = socket.getaddrinfo

    def loopback_only(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        looked_up.append(name)
        if name not in ("127.0.0.1", "localhost", "::1"):
            raise OSError(f"this test may not reach {name}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)
    yield looked_up
    assert all(name in ("127.0.0.1", "localhost", "::1") for name in looked_up), looked_up


@dataclass
class GoogleFederation:
    lab: object
    google: GoogleProvider
    pool_id: str
    client_id: str
    ada: IdpUser


def google_pool(lab, client_id: str, client_secret: str, *,
                scopes: str = "email profile openid",
                mapping: dict | None = None) -> tuple[str, str]:
    """A pool with plain usernames, a Google provider and an app client that offers it."""
    cognito = lab.client("cognito-idp")
    pool_id = cognito.create_user_pool(PoolName="with-google")["UserPool"]["Id"]
    cognito.create_identity_provider(
        UserPoolId=pool_id, ProviderName=GOOGLE, ProviderType="Google",
        ProviderDetails={"client_id": client_id, "client_secret": client_secret,
                         "authorize_scopes": scopes},
        AttributeMapping=mapping if mapping is not None else MAPPING)
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", CallbackURLs=[CALLBACK],
        AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "email", "profile"],
        AllowedOAuthFlowsUserPoolClient=True,
        SupportedIdentityProviders=["COGNITO", GOOGLE])["UserPoolClient"]["ClientId"]
    return pool_id, client_id


@pytest.fixture(scope="module")
def fed(lab):
    ada = GoogleProvider.account("ada@gmail.com", "Analytical-Engine-1", "Ada Lovelace",
                                 gender="female")
    with lab.play_google(GoogleProvider.start(users=[ada])) as google:
        pool_id, client_id = google_pool(lab, google.client_id, google.client_secret)
        yield GoogleFederation(lab, google, pool_id, client_id, ada)


def sign_in_at_google(hop, account: IdpUser) -> str:
    """Choose the account on the stand-in's page; return where it sends the browser."""
    answer = hop.browser.post(hop.at_idp, data={"username": account.username,
                                                "password": account.password},
                              allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def signed_in_tokens(fed) -> dict:
    hop = first_hop(fed, identity_provider=GOOGLE)
    answer = back_at_cognito(hop, sign_in_at_google(hop, fed.ada))
    assert answer.status_code == 302, answer.headers
    back = query_of(answer.headers["Location"])
    assert "code" in back, back
    tokens = redeem(fed, back["code"], hop.verifier)
    assert tokens.status_code == 200, tokens.text
    return tokens.json()


def test_google_provider_is_stored_with_the_endpoints_aws_documents(fed):
    """AWS, CreateIdentityProvider (ProviderDetails, Google): a request names client_id,
    client_secret and authorize_scopes; Describe adds Google's endpoints, verbatim. Creating
    it calls nothing (no discovery)."""
    before = len(fed.google.received)
    pool_id, _ = google_pool(fed.lab, fed.google.client_id, fed.google.client_secret)
    described = fed.lab.client("cognito-idp").describe_identity_provider(
        UserPoolId=pool_id, ProviderName=GOOGLE)["IdentityProvider"]
    assert described["ProviderType"] == "Google"
    assert described["ProviderDetails"] == {
        "client_id": fed.google.client_id, "client_secret": fed.google.client_secret,
        "authorize_scopes": "email profile openid", **DOCUMENTED}
    assert len(fed.google.received) == before


@pytest.mark.parametrize("missing", ["client_id", "client_secret", "authorize_scopes"])
def test_google_provider_without_a_required_detail_is_refused(fed, missing):
    """AWS, CreateIdentityProvider (ProviderDetails, Google: client_id, client_secret,
    authorize_scopes)."""
    details = {"client_id": "1-abc.apps.googleusercontent.com", "client_secret": "GOCSPX-x",
               "authorize_scopes": "email profile openid"}
    del details[missing]
    cognito = fed.lab.client("cognito-idp")
    pool_id = cognito.create_user_pool(PoolName="no-secret")["UserPool"]["Id"]
    with pytest.raises(ClientError) as refused:
        cognito.create_identity_provider(UserPoolId=pool_id, ProviderName=GOOGLE,
                                         ProviderType="Google", ProviderDetails=details)
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"
    assert missing in refused.value.response["Error"]["Message"]   # says what to add
    assert cognito.list_identity_providers(UserPoolId=pool_id)["Providers"] == []


def test_a_google_provider_must_be_named_google(fed):
    """AWS, CreateIdentityProvider: a Google provider named otherwise is refused
    (InvalidParameterException "Provider <name> cannot be of type Google.", as observed)."""
    cognito = fed.lab.client("cognito-idp")
    pool_id = cognito.create_user_pool(PoolName="misnamed")["UserPool"]["Id"]
    with pytest.raises(ClientError) as refused:
        cognito.create_identity_provider(
            UserPoolId=pool_id, ProviderName="MyGoogle", ProviderType="Google",
            ProviderDetails={"client_id": "1-abc.apps.googleusercontent.com",
                             "client_secret": "GOCSPX-x", "authorize_scopes": "openid"})
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"


def test_first_hop_goes_to_googles_authorize_url_played_on_loopback(fed):
    """AWS, Authorize endpoint (identity_provider=Google): the browser goes to Google's
    authorize_url; the lab's stand-in plays it on 127.0.0.1 (docs/fidelity.md)."""
    hop = first_hop(fed, identity_provider=GOOGLE)
    assert hop.at_idp.startswith(f"{fed.google.local_url}/o/oauth2/v2/auth?")
    sent = query_of(hop.at_idp)
    assert sent["client_id"] == fed.google.client_id
    assert sent["redirect_uri"] == f"{fed.lab.domain_url}/oauth2/idpresponse"
    assert sent["scope"] == "email profile openid"
    assert sent["response_type"] == "code"
    assert sent["state"] != "app-state-1" and sent["nonce"]
    page = hop.browser.get(hop.at_idp, timeout=10).text
    assert "Choose an account" in page and "not Google" in page


def test_the_whole_flow_signs_in_a_google_user(fed):
    """AWS, "Adding social identity providers to a user pool"; "Specifying identity provider
    attribute mappings" (Google's sub is the username source): ``Google_<sub>``, the
    ``identities`` claim, the group ``<pool id>_Google``, mapped attributes."""
    tokens = signed_in_tokens(fed)
    claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    sub = fed.ada.sub
    assert sub.isdigit()
    assert claims["cognito:username"] == f"Google_{sub}"
    [identity] = claims["identities"]
    assert identity["userId"] == sub
    assert identity["providerName"] == "Google" and identity["providerType"] == "Google"
    assert claims["cognito:groups"] == [f"{fed.pool_id}_Google"]
    assert claims["email"] == "ada@gmail.com"
    assert claims["name"] == "Ada Lovelace"
    assert claims["given_name"] == "Ada" and claims["family_name"] == "Lovelace"
    assert claims["picture"] == fed.ada.claims["picture"]


def test_cognitos_calls_go_to_the_stand_in_only(fed):
    """AWS, "Adding social identity providers to a user pool" (Cognito exchanges the code
    and reads the user's attributes): in the lab every call lands on the stand-in."""
    before = len(fed.google.received)
    signed_in_tokens(fed)
    received = fed.google.received[before:]
    paths = [path for _, path in received]
    assert ("POST", "/oauth2/v4/token") in received                # token_url
    assert ("GET", "/oauth2/v3/certs") in received                 # Google's keys
    assert "/.well-known/openid-configuration" in paths             # which name the keys
    # attributes_url_add_attributes: the mapped name the ID token lacks is asked for
    assert ("GET", "/v1/people/me?personFields=genders") in received


def test_people_api_fills_what_the_id_token_lacks(fed):
    """AWS, "Specifying identity provider attribute mappings" (Google attributes): the
    gender Google's ID token doesn't carry comes from attributes_url (the People API)."""
    tokens = signed_in_tokens(fed)
    id_token = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    user = fed.lab.client("cognito-idp").admin_get_user(
        UserPoolId=fed.pool_id, Username=id_token["cognito:username"])
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert "female" in attributes["gender"]


def test_the_stand_in_signs_as_google(fed):
    """Google's ID tokens: ``iss`` https://accounts.google.com, a numeric ``sub``, the
    client id as ``aud``; keys and discovery at Google's paths."""
    google = fed.google
    document = requests.get(f"{google.local_url}/.well-known/openid-configuration",
                            timeout=10).json()
    assert document["issuer"] == "https://accounts.google.com"
    assert document["jwks_uri"] == "https://www.googleapis.com/oauth2/v3/certs"
    assert urlsplit(document["authorization_endpoint"]).path == "/o/oauth2/v2/auth"
    keys = requests.get(f"{google.local_url}/oauth2/v3/certs", timeout=10).json()
    assert keys == google.jwks


def test_without_a_stand_in_google_sign_in_is_a_clear_error(fresh_lab, no_internet):
    """Lab vs AWS (docs/fidelity.md): the lab never reaches Google; with no stand-in the
    first hop is an error page saying what to start, and nothing leaves loopback."""
    _, client_id = google_pool(fresh_lab, "1-abc.apps.googleusercontent.com", "GOCSPX-x")
    answer = requests.get(f"{fresh_lab.domain_url}/oauth2/authorize", params={
        "response_type": "code", "client_id": client_id, "redirect_uri": CALLBACK,
        "scope": "openid", "identity_provider": GOOGLE}, allow_redirects=False, timeout=10)
    assert answer.status_code == 400
    assert "Location" not in answer.headers
    assert "play_google" in answer.headers["x-cognito-lab-reason"]
    assert "accounts.google.com" not in no_internet


def test_a_stopped_stand_in_fails_back_at_the_app(fresh_lab):
    """AWS, "Managed login and federation error responses": a failed second hop goes back
    to the app (error=invalid_request, error_description); here the stand-in stopped."""
    ada = GoogleProvider.account("ada@gmail.com", "Analytical-Engine-1", "Ada Lovelace")
    google = fresh_lab.play_google(GoogleProvider.start(users=[ada]))
    try:
        pool_id, client_id = google_pool(fresh_lab, google.client_id, google.client_secret)
        fed = GoogleFederation(fresh_lab, google, pool_id, client_id, ada)
        hop = first_hop(fed, identity_provider=GOOGLE)
        at_cognito = sign_in_at_google(hop, ada)
    finally:
        google.stop()
    answer = back_at_cognito(hop, at_cognito)
    assert answer.status_code == 302
    back = query_of(answer.headers["Location"])
    assert answer.headers["Location"].startswith(CALLBACK)
    assert back["error"] == "invalid_request" and "code" not in back
    assert "stopped" in back["error_description"]
    assert back["state"] == "app-state-1"


def test_without_openid_the_provider_is_kept_but_the_lab_says_why_it_cannot_sign_in(fed):
    """AWS, CreateIdentityProvider: a Google provider's authorize_scopes need no openid
    (AWS accepts it). Lab vs AWS: the lab signs in with Google through OpenID Connect only,
    and its first hop says so."""
    pool_id, client_id = google_pool(fed.lab, fed.google.client_id, fed.google.client_secret,
                                     scopes="email profile",
                                     mapping={"email": "email"})
    other = GoogleFederation(fed.lab, fed.google, pool_id, client_id, fed.ada)
    details = fed.lab.client("cognito-idp").describe_identity_provider(
        UserPoolId=pool_id, ProviderName=GOOGLE)["IdentityProvider"]["ProviderDetails"]
    assert details["authorize_scopes"] == "email profile"
    answer = requests.get(f"{fed.lab.domain_url}/oauth2/authorize", params={
        "response_type": "code", "client_id": other.client_id, "redirect_uri": CALLBACK,
        "scope": "openid", "identity_provider": GOOGLE}, allow_redirects=False, timeout=10)
    assert answer.status_code == 400
    assert "openid" in answer.headers["x-cognito-lab-reason"]

