"""``at_hash`` in ID tokens from the token endpoint, checked by hand and by Authlib's
OpenID Connect client validation (``authlib.oidc.core.CodeIDToken``).

OpenID Connect Core 3.1.3.6 / 3.3.2.11: at_hash is the base64url encoding of the left half
of the SHA-256 (the ID token is RS256) of the access token's ASCII. Real Cognito hosted-UI
ID tokens carry it, first among their claims; API sign-ins (InitiateAuth) carry none.
"""

from __future__ import annotations

import base64
import hashlib

import jwt
import pytest
from authlib.oidc.core import CodeIDToken, ImplicitIDToken
from joserfc.errors import InvalidClaimError

from cognito_lab.client import srp
from cognito_lab.client.oauth import Browser, CognitoOAuth

from .helpers import authorize_url, query_of


def left_half_sha256(value: str) -> str:
    digest = hashlib.sha256(value.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode("ascii")


@pytest.fixture(scope="module")
def signed_in(lab):
    web = lab.app_clients["web"]
    oauth = CognitoOAuth(lab.domain_url, web.client_id, redirect_uri=web.callback_urls[0])
    request = oauth.begin("openid email")
    alice = lab.users["alice"]
    callback = Browser().sign_in(request.url, alice.username, alice.password).callback_url
    tokens = oauth.exchange_code(request.check_callback(callback),
                                 code_verifier=request.code_verifier)
    return oauth, request, tokens


def verified(lab, id_token: str, client_id: str) -> tuple[dict, dict]:
    """The ID token's claims and header, its signature checked with the lab's JWKS."""
    key = jwt.PyJWKClient(lab.jwks_url).get_signing_key_from_jwt(id_token)
    claims = jwt.decode(id_token, key.key, algorithms=["RS256"], audience=client_id,
                        issuer=lab.issuer)
    return claims, jwt.get_unverified_header(id_token)


def authlib_check(lab, id_token: str, client_id: str, nonce: str | None, access_token: str,
                  claims_cls=CodeIDToken) -> None:
    claims, header = verified(lab, id_token, client_id)
    options = {"iss": {"essential": True, "value": lab.issuer},
               "aud": {"essential": True, "value": client_id}}
    params = {"access_token": access_token, "client_id": client_id}
    if nonce is not None:
        options["nonce"] = {"essential": True, "value": nonce}
        params["nonce"] = nonce
    claims_cls(claims, header, options=options, params=params).validate(
        now=int(lab.clock.now()))


def test_code_grant_id_token_has_the_access_tokens_hash_and_the_nonce(lab, signed_in):
    oauth, request, tokens = signed_in
    claims, _ = verified(lab, tokens.id_token, oauth.client_id)
    assert claims["at_hash"] == left_half_sha256(tokens.access_token)
    assert next(iter(claims)) == "at_hash"           # where Cognito puts it
    assert claims["nonce"] == request.nonce


def test_authlib_code_id_token_validation_passes(lab, signed_in):
    oauth, request, tokens = signed_in
    authlib_check(lab, tokens.id_token, oauth.client_id, request.nonce, tokens.access_token)


def test_authlib_refuses_the_id_token_with_another_access_token(lab, signed_in):
    """The at_hash binds the ID token to its access token: a swapped one is caught."""
    oauth, request, tokens = signed_in
    other = oauth.refresh(tokens.refresh_token).access_token
    with pytest.raises(InvalidClaimError, match="at_hash"):
        authlib_check(lab, tokens.id_token, oauth.client_id, request.nonce, other)


def test_refresh_grant_id_token_has_the_new_access_tokens_hash(lab, signed_in):
    oauth, _request, tokens = signed_in
    refreshed = oauth.refresh(tokens.refresh_token)
    claims, _ = verified(lab, refreshed.id_token, oauth.client_id)
    assert claims["at_hash"] == left_half_sha256(refreshed.access_token)
    authlib_check(lab, refreshed.id_token, oauth.client_id, None, refreshed.access_token)


def test_implicit_grant_id_token_has_it_too(fresh_lab):
    """OIDC Core 3.2.2.10: with an access token from the authorization endpoint at_hash
    is REQUIRED; Authlib's ImplicitIDToken insists on it."""
    idp = fresh_lab.client("cognito-idp")
    web = fresh_lab.app_clients["web"]
    raw = idp.describe_user_pool_client(UserPoolId=fresh_lab.user_pool_id,
                                        ClientId=web.client_id)["UserPoolClient"]
    accepted = idp.meta.service_model.operation_model("UpdateUserPoolClient").input_shape.members
    settings = {k: v for k, v in raw.items() if k in accepted}
    idp.update_user_pool_client(**{**settings, "AllowedOAuthFlows": ["code", "implicit"]})
    alice = fresh_lab.users["alice"]
    url = authorize_url(fresh_lab, response_type="token", scope="openid email", nonce="n-7")
    result = Browser().sign_in(url, alice.username, alice.password)
    fragment = query_of("?" + result.callback_url.split("#", 1)[1])
    authlib_check(fresh_lab, fragment["id_token"], web.client_id, "n-7",
                  fragment["access_token"], claims_cls=ImplicitIDToken)


def test_api_sign_in_id_tokens_have_no_at_hash(lab):
    alice = lab.users["alice"]
    answer = srp.sign_in(lab.client("cognito-idp"), pool_id=lab.user_pool_id,
                         client_id=lab.app_clients["web"].client_id,
                         username=alice.username, password=alice.password)
    claims = jwt.decode(answer["AuthenticationResult"]["IdToken"],
                        options={"verify_signature": False})
    assert "at_hash" not in claims
