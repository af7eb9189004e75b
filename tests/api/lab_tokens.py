"""Tokens from the lab for the middleware, sample API and token cache tests.

Every token here is one the lab issued through a real flow: USER_PASSWORD_AUTH (scope
``aws.cognito.signin.user.admin`` only, as on AWS), the hosted UI's authorization code
flow (any scopes the app client allows), or client credentials (machine to machine).
"""

from __future__ import annotations

from cognito_lab.api.verifier import CognitoJwtVerifier
from cognito_lab.client import secret_hash
from cognito_lab.client.oauth import Browser, CognitoOAuth

ADMIN_SCOPE = "aws.cognito.signin.user.admin"
ALL_SCOPES = f"openid {ADMIN_SCOPE} orders/read orders/write"


def password_tokens(lab, user: str = "alice", client: str = "server") -> dict:
    """InitiateAuth USER_PASSWORD_AUTH: the AuthenticationResult."""
    app_client, demo = lab.app_clients[client], lab.users[user]
    parameters = {"USERNAME": demo.username, "PASSWORD": demo.password}
    if app_client.client_secret:
        parameters["SECRET_HASH"] = secret_hash(demo.username, app_client.client_id,
                                                app_client.client_secret)
    return lab.client("cognito-idp").initiate_auth(
        ClientId=app_client.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters=parameters)["AuthenticationResult"]


def access_token(lab, user: str = "alice", client: str = "server") -> str:
    return password_tokens(lab, user, client)["AccessToken"]


def hosted_ui_token(lab, user: str = "alice", scope: str = ALL_SCOPES,
                    client: str = "server") -> str:
    """An access token from the hosted UI's code flow, with ``scope``."""
    app_client, demo = lab.app_clients[client], lab.users[user]
    oauth = CognitoOAuth(lab.domain_url, app_client.client_id, app_client.client_secret,
                         redirect_uri=app_client.callback_urls[0])
    request = oauth.begin(scope=scope)
    signed_in = Browser().sign_in(request.url, demo.username, demo.password)
    code = request.check_callback(signed_in.callback_url)
    return oauth.exchange_code(code, code_verifier=request.code_verifier).access_token


def m2m_token(lab, scope: str = "orders/read") -> str:
    """A client-credentials access token of the m2m app client."""
    m2m = lab.app_clients["m2m"]
    return CognitoOAuth(lab.domain_url, m2m.client_id,
                        m2m.client_secret).client_credentials(scope).access_token


def verifier_for(lab, client: str = "server", **options) -> CognitoJwtVerifier:
    """The verifier of an API that accepts access tokens issued to ``client``."""
    verifier = CognitoJwtVerifier(user_pool_id=lab.user_pool_id, token_use="access",
                                  client_id=lab.app_clients[client].client_id,
                                  region=lab.region, jwks_url=lab.jwks_url, clock=lab.clock,
                                  **options)
    verifier.hydrate()
    return verifier


def other_client_token(lab, user: str = "alice") -> tuple[str, str]:
    """(client_id, access token) of a new app client of the same pool, so the token is
    valid for Cognito (GetUser accepts it) but not meant for the API under test."""
    idp = lab.client("cognito-idp")
    created = idp.create_user_pool_client(
        UserPoolId=lab.user_pool_id, ClientName=f"other-app-{user}",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    demo = lab.users[user]
    result = idp.initiate_auth(ClientId=created["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": demo.username,
                                               "PASSWORD": demo.password})
    return created["ClientId"], result["AuthenticationResult"]["AccessToken"]
