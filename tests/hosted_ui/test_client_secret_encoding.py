"""Client secrets with reserved characters at the token endpoint.

RFC 6749 §2.3.1: client_secret_basic credentials are form-urlencoded, then base64 — so a
'+' travels as %2B (openid-client does this). AWS's "Token endpoint" page writes
Base64Encode(client_id:client_secret), no encoding (Authlib and the kit's own client send
it so). The lab's secrets are AWS-shaped (51 characters of [\\w+]) and often contain '+';
both forms must authenticate, in the header, and in the body (client_secret_post).
A '-' (moto's UUID secrets had them) needs no encoding either way.
"""

from __future__ import annotations

import base64
from urllib.parse import quote, quote_plus

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session

from cognito_lab.emulator.user_pools import client_secrets

SECRETS = {
    "plus": "abc+def+" + "g" * 43,
    "dash": "0b7c2f6e-52d4-4a51-9a8e-6f2f0d2b1c3a",
    "both": "+x-y+" + "z" * 46,
}


@pytest.fixture(scope="module", params=sorted(SECRETS))
def machine(request, lab):
    """A client_credentials client whose secret the test chose."""
    chosen = SECRETS[request.param]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(client_secrets, "new_secret", lambda: chosen)
        client = lab.client("cognito-idp").create_user_pool_client(
            UserPoolId=lab.user_pool_id, ClientName=f"m2m-{request.param}", GenerateSecret=True,
            AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["client_credentials"],
            AllowedOAuthScopes=["orders/read"])["UserPoolClient"]
    assert client["ClientSecret"] == chosen
    return client["ClientId"], chosen


def post(lab, headers=None, **form) -> requests.Response:
    return requests.post(f"{lab.domain_url}/oauth2/token", headers=headers, timeout=10,
                         data={"grant_type": "client_credentials", "scope": "orders/read",
                               **form})


def basic(user: str, password: str) -> dict[str, str]:
    pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {pair}"}


@pytest.mark.parametrize("encode", [quote_plus, quote], ids=["quote_plus", "quote"])
def test_basic_form_urlencoded_as_rfc_6749(lab, machine, encode):
    client_id, secret = machine
    response = post(lab, basic(encode(client_id), encode(secret)))
    assert response.status_code == 200, response.text


def test_basic_raw_as_aws_writes_it(lab, machine):
    client_id, secret = machine
    response = post(lab, basic(client_id, secret))
    assert response.status_code == 200, response.text


def test_client_secret_post(lab, machine):
    client_id, secret = machine
    response = post(lab, client_id=client_id, client_secret=secret)
    assert response.status_code == 200, response.text


def test_a_raw_plus_in_the_body_is_a_space_and_fails(lab, machine):
    """The body is a form: an unencoded '+' in it means a space (x-www-form-urlencoded)."""
    client_id, secret = machine
    body = f"grant_type=client_credentials&client_id={client_id}&client_secret={secret}"
    response = requests.post(f"{lab.domain_url}/oauth2/token", data=body, timeout=10,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    expected = (400, "invalid_client") if "+" in secret else (200, None)
    assert (response.status_code, response.json().get("error")) == expected


@pytest.mark.parametrize("wrong", [
    lambda s: quote_plus(quote_plus(s)),          # encoded twice
    lambda s: s.replace("+", " ").replace("-", " "),
    lambda s: s[:-1],
], ids=["encoded-twice", "spaces", "truncated"])
def test_wrong_forms_of_the_secret_are_invalid_client(lab, machine, wrong):
    client_id, secret = machine
    response = post(lab, basic(client_id, wrong(secret)))
    if wrong(secret) == secret:     # '-' is unreserved: encoding it twice changes nothing
        assert response.status_code == 200
    else:
        assert (response.status_code, response.json()["error"]) == (400, "invalid_client")


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_authlib_with_such_a_secret(lab, machine, method):
    client_id, secret = machine
    session = OAuth2Session(client_id, secret, scope="orders/read",
                            token_endpoint_auth_method=method)
    token = session.fetch_token(f"{lab.domain_url}/oauth2/token",
                                grant_type="client_credentials")
    assert token["token_type"] == "Bearer"
