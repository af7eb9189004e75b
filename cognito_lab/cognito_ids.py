"""How Amazon Cognito names a user pool: its id, its issuer URLs, where its keys are.

A neutral leaf module (like ``clock``): facts about AWS that your app, your API, the
emulator and the notebooks all need the same way, so every party may import it.

- A user pool id is ``<region>_<letters and digits>``; the cognito-idp API model
  (botocore's ``UserPoolIdType``) allows ``[\\w-]+_[0-9a-zA-Z]+``, 1 to 55 characters.
- Its tokens' ``iss`` is ``https://cognito-idp.<region>.amazonaws.com/<pool id>``, or, for a
  pool with the updated (multi-Region) issuer,
  ``https://issuer-cognito-idp.<region>.amazonaws.com/<pool id>`` (``region`` is always the
  pool's primary Region, the one in its id).
- Each issuer publishes its keys at ``<issuer>/.well-known/jwks.json``.
- Identity pools name the pool as a provider: the issuer without ``https://``.
"""

from __future__ import annotations

import re

USER_POOL_ID_PATTERN = r"[\w-]+_[0-9a-zA-Z]+"
"""The cognito-idp API model's ``UserPoolIdType`` pattern (botocore service-2.json)."""
USER_POOL_ID_MAX_LENGTH = 55
_USER_POOL_ID = re.compile(USER_POOL_ID_PATTERN, re.ASCII)   # the API's \w is [A-Za-z0-9_]

JWKS_PATH = "/.well-known/jwks.json"


def user_pool_region(user_pool_id: object) -> str | None:
    """The Region of a well-formed user pool id (``us-east-1`` for ``us-east-1_AbC123``),
    or None if ``user_pool_id`` is not one."""
    if not isinstance(user_pool_id, str) or len(user_pool_id) > USER_POOL_ID_MAX_LENGTH:
        return None
    if _USER_POOL_ID.fullmatch(user_pool_id) is None:
        return None
    return user_pool_id.rpartition("_")[0]     # the part after the last "_" has no "_"


def provider_name(region: str, user_pool_id: str) -> str:
    """The pool as identity pools name it (the key of a ``Logins`` map)."""
    return f"cognito-idp.{region}.amazonaws.com/{user_pool_id}"


def issuer(region: str, user_pool_id: str) -> str:
    """The pool's ``iss``: ``https://cognito-idp.<region>.amazonaws.com/<pool id>``."""
    return f"https://{provider_name(region, user_pool_id)}"


def multi_region_issuer(region: str, user_pool_id: str) -> str:
    """The updated issuer (IssuerConfigurationType UPDATED, for multi-Region replication)."""
    return f"https://issuer-cognito-idp.{region}.amazonaws.com/{user_pool_id}"


def jwks_url(issuer_url: str) -> str:
    """Where an issuer publishes its keys."""
    return issuer_url + JWKS_PATH


__all__ = ["JWKS_PATH", "USER_POOL_ID_MAX_LENGTH", "USER_POOL_ID_PATTERN", "issuer",
           "jwks_url", "multi_region_issuer", "provider_name", "user_pool_region"]
