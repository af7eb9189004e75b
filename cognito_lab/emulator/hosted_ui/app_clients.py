"""The app client a hosted-UI request names, looked up by client id in any of the lab's pools.

The hosted UI reads the emulator's one record of an app client,
:class:`~cognito_lab.emulator.user_pools.directory.ClientSettings` (DescribeUserPoolClient:
callback and sign-out URLs, allowed OAuth flows and scopes, the secret, identity
providers); the OAuth endpoints don't say which pool a client belongs to, so this finds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import CognitoError
from ..user_pools.directory import ClientSettings

if TYPE_CHECKING:
    from .. import Emulator


def find_app(emulator: Emulator, client_id: str | None) -> ClientSettings | None:
    """The app client with this id in any of the lab's pools, or None if there is none."""
    if not client_id:
        return None
    try:
        pool_id = emulator.pool_of_client(client_id)
        return emulator.directory.client(pool_id, client_id)
    except CognitoError:
        return None
