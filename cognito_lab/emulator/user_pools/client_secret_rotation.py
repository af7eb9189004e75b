"""Client-secret rotation: AddUserPoolClientSecret, ListUserPoolClientSecrets,
DeleteUserPoolClientSecret.

AWS, API reference for the three operations: a confidential app client has up to 2 active
secrets at a time ("for zero-downtime credential rotation"); each is named
``<client-id>--<epoch-create-time>``; Cognito returns a secret's value only when it
generated it, and only in AddUserPoolClientSecret's answer (ListUserPoolClientSecrets
"never reveals the actual secret value"); the last remaining secret can't be deleted.
Every active secret is good for SECRET_HASH, the token and revocation endpoints and
GetTokensFromRefreshToken (``ClientSettings.secret_matches``); a deleted one is refused.

moto (5.2.x) has none of the three operations. The secrets live in the directory's
``ClientSecrets`` (``client_secrets``); each handler forgets the pool's cached clients.

Where AWS is silent the lab chooses: ``<epoch-create-time>`` in milliseconds; a public
client (no secret) can't be given one (InvalidParameterException); deleting the last
secret or an unknown id is InvalidParameterException / ResourceNotFoundException; the
``ClientSecret`` DescribeUserPoolClient shows is the oldest secret still active.
"""

from __future__ import annotations

from ..errors import InvalidParameterException, LimitExceededException, ResourceNotFoundException
from ..operations import Call
from .client_secrets import MAX_SECRETS, SecretEntry


def _moto_client(call: Call) -> dict:
    """The app client as moto has it (its own secret: the key of the lab's stand-in)."""
    return call.emulator.moto.idp("DescribeUserPoolClient", UserPoolId=call.param("UserPoolId"),
                                  ClientId=call.param("ClientId"))["UserPoolClient"]


def _descriptor(entry: SecretEntry, *, with_value: bool) -> dict:
    described: dict = {"ClientSecretId": entry.secret_id,
                       "ClientSecretCreateDate": entry.created}
    if with_value and entry.generated:
        described["ClientSecretValue"] = entry.value
    return described


def _confidential(call: Call) -> dict:
    client = _moto_client(call)
    if not client.get("ClientSecret"):
        raise InvalidParameterException(
            f"App client {call.param('ClientId')} has no client secret: only a confidential "
            "app client (GenerateSecret) has secrets to rotate.")
    return client


def add_user_pool_client_secret(call: Call) -> dict:
    client = _confidential(call)
    secrets = call.emulator.directory.client_secrets
    if len(secrets.entries(client)) >= MAX_SECRETS:
        raise LimitExceededException(
            f"App client {client['ClientId']} already has {MAX_SECRETS} client secrets; "
            "delete one before adding another.")
    entry = secrets.add(client, call.emulator.clock.now(), call.param("ClientSecret"))
    call.emulator.directory.forget_clients(call.param("UserPoolId"))
    return {"ClientSecretDescriptor": _descriptor(entry, with_value=True)}


def list_user_pool_client_secrets(call: Call) -> dict:
    client = _moto_client(call)
    entries = call.emulator.directory.client_secrets.entries(client)
    return {"ClientSecrets": [_descriptor(e, with_value=False) for e in entries]}


def delete_user_pool_client_secret(call: Call) -> dict:
    client = _confidential(call)
    secrets = call.emulator.directory.client_secrets
    entries = secrets.entries(client)
    wanted = call.param("ClientSecretId")
    if wanted not in {e.secret_id for e in entries}:
        raise ResourceNotFoundException(f"Client secret {wanted} does not exist.")
    if len(entries) == 1:
        raise InvalidParameterException(
            "The last remaining client secret of an app client can't be deleted.")
    secrets.delete(client, wanted)
    call.emulator.directory.forget_clients(call.param("UserPoolId"))
    return {}
