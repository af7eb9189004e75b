"""SECRET_HASH: how an app client with a secret proves, on every user-pool API call, that
it knows the secret without sending it.

AWS, "Computing secret hash values" (Amazon Cognito Developer Guide,
/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash):
the value is ``Base64(HMAC_SHA256(key=client secret, message=username + client id))``.
Send it as ``SECRET_HASH`` (in AuthParameters / ChallengeResponses) or ``SecretHash`` (in
SignUp, ConfirmSignUp, ForgotPassword, ...). ``username`` is the name the call is about: the
USERNAME you sign in with (for a pool that signs in with email, the email address).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

__all__ = ["secret_hash"]


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """The SECRET_HASH Cognito expects from a confidential app client for ``username``.

    >>> secret_hash("alice@example.com", "client-id", "client-secret")
    'sdWYXbCR79nQTSGLjdIIScXPRoMoiaj0trWzF8kEGXg='
    """
    for name, value in (("username", username), ("client_id", client_id),
                        ("client_secret", client_secret)):
        if not isinstance(value, str) or not value:
            raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    digest = hmac.new(client_secret.encode("utf-8"), (username + client_id).encode("utf-8"),
                      hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")
