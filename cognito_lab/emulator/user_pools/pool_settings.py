"""UpdateUserPool as AWS runs it, and a way for the lab to change one setting safely.

AWS, UpdateUserPool: "If you don't provide a value for an attribute, Amazon Cognito sets
it to its default value" — but settings UpdateUserPool can't change (UsernameAttributes,
AliasAttributes, UsernameConfiguration, the schema) stay as they were. moto replaces the
whole configuration and so loses them (a pool that signed in with email no longer
would), and it ignores MfaConfiguration. The handler below keeps the immutable settings
and applies MfaConfiguration; ``change_pool`` lets the lab itself (``lab.triggers``)
change one setting and keep all others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..operations import Call

if TYPE_CHECKING:
    from .. import Emulator

IMMUTABLE = ("UsernameAttributes", "AliasAttributes", "UsernameConfiguration")
DESCRIPTION_ONLY = ("Id", "Arn", "Name", "Status", "CreationDate", "LastModifiedDate",
                    "MfaConfiguration", "EstimatedNumberOfUsers", "SchemaAttributes",
                    "Domain", "CustomDomain", "UserPoolId")


def current_settings(pool: dict) -> dict:
    """Everything UpdateUserPool would need to leave a pool as DescribeUserPool shows it."""
    return {key: value for key, value in pool.items() if key not in DESCRIPTION_ONLY}


def change_pool(emulator: Emulator, pool_id: str, **changes: object) -> dict:
    """Change some settings of a pool, keeping every other one (including its MFA)."""
    pool = emulator.directory.pool(pool_id)
    emulator.moto.idp("UpdateUserPool", UserPoolId=pool_id,
                      **{**current_settings(pool), **changes})
    return emulator.directory.pool(pool_id)


def update_user_pool(call: Call) -> dict:
    pool_id = call.param("UserPoolId")
    pool = call.emulator.directory.pool(pool_id)
    kept = {key: pool[key] for key in IMMUTABLE if key in pool}
    answer = call.forward({**call.params, **kept})
    mfa = call.emulator.moto.idp("GetUserPoolMfaConfig", UserPoolId=pool_id)
    wanted = call.param("MfaConfiguration", "OFF")
    if mfa.get("MfaConfiguration") != wanted:
        settings = {k: mfa[k] for k in ("SoftwareTokenMfaConfiguration", "SmsMfaConfiguration")
                    if mfa.get(k)}
        call.emulator.moto.idp("SetUserPoolMfaConfig", UserPoolId=pool_id,
                               MfaConfiguration=wanted, **settings)
    return answer
