"""GetClientToken: machine-to-machine access tokens through the user pools API.

AWS, GetClientToken (API reference): "GetClientToken provides the same functionality as the
OAuth2 client-credentials grant". The app client must have a client secret and the
``ALLOW_CLIENT_TOKEN_AUTH`` authentication flow, which "is mutually exclusive with user
authentication flows. It must be the only authentication flow that you configure for the
app client" (``flows.validate_explicit_auth_flows``). ``Secret`` is "an active secret for
the app client" (any of them, see ``client_secret_rotation``). ``Scopes`` are custom scopes
of the pool's resource servers; none means the scopes configured for the app client. A
V3_0 pre token generation trigger is invoked (TokenGeneration_ClientCredentials) with the
request's ClientMetadata. The answer is ``ClientAuthenticationResult`` {AccessToken,
ExpiresIn, TokenType}: no ID or refresh token.

botocore's model lists GetClientToken but its ExplicitAuthFlowsType enum lacks
``ALLOW_CLIENT_TOKEN_AUTH``; the lab accepts the value AWS's page names
(``validation.DOCUMENTED_BEYOND_THE_MODEL``). moto (5.2.x) has no GetClientToken.

Where AWS is silent the lab chooses: a client without ALLOW_CLIENT_TOKEN_AUTH is refused
with InvalidParameterException (as InitiateAuth refuses a flow a client doesn't allow); a
wrong secret or a client without one with NotAuthorizedException; a scope the client may
not have with InvalidParameterException.
"""

from __future__ import annotations

from ..errors import InvalidParameterException, NotAuthorizedException
from ..hosted_ui import scopes as oauth_scopes
from ..operations import Call

FLOW = "ALLOW_CLIENT_TOKEN_AUTH"


def get_client_token(call: Call) -> dict:
    emulator = call.emulator
    client_id = call.param("ClientId")
    pool_id = emulator.pool_of_client(client_id)
    client = emulator.directory.client(pool_id, client_id)
    if FLOW not in client.auth_flows:
        raise InvalidParameterException(f"{FLOW} flow not enabled for this client")
    if client.is_public:
        raise NotAuthorizedException(f"Client {client_id} has no client secret")
    if not client.secret_matches(call.param("Secret")):
        raise NotAuthorizedException(f"Unable to verify secret for client {client_id}")
    try:
        granted = oauth_scopes.for_client_credentials(
            emulator, client, " ".join(call.param("Scopes") or []))
    except oauth_scopes.ScopeError as exc:
        raise InvalidParameterException(f"Invalid scope requested: {exc}") from None
    tokens = emulator.tokens.start_session(
        pool_id=pool_id, client=client, user=None, scopes=granted, with_refresh=False,
        with_id=False, client_metadata=dict(call.param("ClientMetadata") or {}))
    return {"ClientAuthenticationResult": {"AccessToken": tokens.access_token,
                                           "ExpiresIn": tokens.expires_in,
                                           "TokenType": "Bearer"}}
