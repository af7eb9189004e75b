"""The identity pools themselves live in moto; this reads one as AWS would answer."""

from __future__ import annotations

from ..errors import CognitoError, resource_not_found
from ..operations import Call


def describe_pool(call: Call, pool_id: object) -> dict:
    """DescribeIdentityPool through moto, with AWS's not-found message."""
    if not isinstance(pool_id, str) or not pool_id:
        raise CognitoError("InvalidParameterException", "IdentityPoolId is required")
    try:
        return call.emulator.moto.identity("DescribeIdentityPool", IdentityPoolId=pool_id)
    except CognitoError as error:
        if error.code == "ResourceNotFoundException":
            raise resource_not_found(f"IdentityPool '{pool_id}' not found.") from error
        raise
