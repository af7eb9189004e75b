"""USER_PASSWORD_AUTH from the app's side: the password itself travels to Cognito.

The simplest sign-in: InitiateAuth with AuthFlow USER_PASSWORD_AUTH and the username and
password in AuthParameters (plus SECRET_HASH when the app client has a secret). The app
client must allow ALLOW_USER_PASSWORD_AUTH. Cognito sees the password (over TLS), which is
why a browser app should prefer USER_SRP_AUTH (``cognito_lab.client.srp``); servers, tests
and benchmarks use this flow because it is one call.

    >>> from cognito_lab.client import password
    >>> tokens = password.sign_in(idp, client_id=server.client_id,  # doctest: +SKIP
    ...                           client_secret=server.client_secret,
    ...                           username=alice.username, password=alice.password)
"""

from __future__ import annotations

from typing import Any

from .secret_hash import secret_hash


def sign_in(idp: Any, *, client_id: str, username: str, password: str,
            client_secret: str | None = None) -> dict:
    """InitiateAuth USER_PASSWORD_AUTH with a boto3 ``cognito-idp`` client, SECRET_HASH
    included when ``client_secret`` is given; return the AuthenticationResult (tokens)."""
    parameters = {"USERNAME": username, "PASSWORD": password}
    if client_secret:
        parameters["SECRET_HASH"] = secret_hash(username, client_id, client_secret)
    return idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                             AuthParameters=parameters)["AuthenticationResult"]


__all__ = ["sign_in"]
