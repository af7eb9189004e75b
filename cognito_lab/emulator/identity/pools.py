"""The identity pools themselves live in moto; this reads one as AWS would answer."""

from __future__ import annotations

from ..errors import CognitoError, InvalidParameterException, ResourceNotFoundException
from ..operations import Call


def describe_pool(call: Call, pool_id: object) -> dict:
    """DescribeIdentityPool through moto, with AWS's not-found message."""
    if not isinstance(pool_id, str) or not pool_id:
        raise InvalidParameterException("IdentityPoolId is required")
    try:
        return call.emulator.moto.identity("DescribeIdentityPool", IdentityPoolId=pool_id)
    except CognitoError as error:
        if isinstance(error, ResourceNotFoundException):
            raise ResourceNotFoundException(f"IdentityPool '{pool_id}' not found.") from error
        raise
