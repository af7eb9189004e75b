"""SECRET_HASH on the user pools API: a confidential app client proves it knows its secret.

AWS, "Computing secret hash values": ``Base64(HMAC_SHA256(secret, username + client id))``,
sent as ``SECRET_HASH`` (AuthParameters, ChallengeResponses) or ``SecretHash`` (SignUp,
ConfirmSignUp, ForgotPassword, ConfirmForgotPassword, ResendConfirmationCode). A client
with a secret must send it on every one of those calls; moto checks it on almost none.

The hash may be computed over any name of the user the call is about (the name the
caller typed, or the user's internal username): SDKs differ, and Cognito accepts both.
The same few lines live in ``cognito_lab.client.secret_hash`` (the app's side); the
emulator keeps its own copy because it never imports the client package.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..errors import InvalidParameterException, NotAuthorizedException

if TYPE_CHECKING:
    from ..operations import Call
    from .directory import ClientSettings


def expected_secret_hash(username: str, client_id: str, client_secret: str) -> str:
    digest = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode("ascii")


def check_secret_hash(call: Call, client: ClientSettings, given: str | None,
                      names: Iterable[str | None]) -> None:
    """Refuse the call as Cognito does unless ``given`` is the right hash for one of ``names``.

    In-process calls (the managed login pages) authenticate the client their own way, as
    on AWS, so they are not asked for a SECRET_HASH.
    """
    if call.internal:
        return
    if client.secret is None:
        if given:
            raise InvalidParameterException(
                f"App client {client.client_id} is not configured for secret "
                "but secret hash was received")
        return
    if not given:
        raise NotAuthorizedException(f"Client {client.client_id} is configured with secret but "
                                     "SECRET_HASH was not received")
    secrets = client.secrets or (client.secret,)    # every active secret (rotation)
    for name in {n for n in names if n}:
        for secret in secrets:
            if hmac.compare_digest(str(given), expected_secret_hash(name, client.client_id,
                                                                    secret)):
                return
    raise NotAuthorizedException(f"Unable to verify secret hash for client {client.client_id}")
