"""The identity pools API operations the emulator answers itself: the table of contents.

Any other cognito-identity operation goes to moto unchanged (after validation)."""

from __future__ import annotations

from ..operations import Handler
from . import credentials, identities, roles

SERVICE = "cognito-identity"

OPERATIONS: dict[str, Handler] = {
    "GetCredentialsForIdentity": credentials.get_credentials_for_identity,
    "GetOpenIdToken": credentials.get_open_id_token,
    "DeleteIdentityPool": identities.delete_identity_pool,
    "DescribeIdentity": identities.describe_identity,
    "GetId": identities.get_id,
    "ListIdentities": identities.list_identities,
    "GetIdentityPoolRoles": roles.get_identity_pool_roles,
    "SetIdentityPoolRoles": roles.set_identity_pool_roles,
}
