"""An app client as the hosted UI sees it: its OAuth settings, looked up by client id.

The settings come from DescribeUserPoolClient (moto is the directory of record): callback
and sign-out URLs, allowed OAuth flows and scopes, the secret, identity providers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import CognitoError
from ..user_pools.directory import ClientSettings

if TYPE_CHECKING:
    from .. import Emulator


@dataclass(frozen=True)
class OAuthApp:
    """One app client and the pool it belongs to."""

    pool_id: str
    settings: ClientSettings

    @property
    def client_id(self) -> str:
        return self.settings.client_id

    @property
    def secret(self) -> str | None:
        return self.settings.secret

    @property
    def is_public(self) -> bool:
        return not self.secret

    @property
    def name(self) -> str:
        return self.settings.raw.get("ClientName", "")

    def _list(self, key: str) -> tuple[str, ...]:
        return tuple(self.settings.raw.get(key) or ())

    @property
    def callback_urls(self) -> tuple[str, ...]:
        return self._list("CallbackURLs")

    @property
    def logout_urls(self) -> tuple[str, ...]:
        return self._list("LogoutURLs")

    @property
    def oauth_flows(self) -> tuple[str, ...]:
        """Some of "code", "implicit", "client_credentials"."""
        return self._list("AllowedOAuthFlows")

    @property
    def oauth_scopes(self) -> tuple[str, ...]:
        return self._list("AllowedOAuthScopes")

    @property
    def oauth_enabled(self) -> bool:
        """AllowedOAuthFlowsUserPoolClient: without it the client may use no OAuth flow."""
        return bool(self.settings.raw.get("AllowedOAuthFlowsUserPoolClient"))

    @property
    def identity_providers(self) -> tuple[str, ...]:
        return self._list("SupportedIdentityProviders")

    @property
    def auth_flows(self) -> tuple[str, ...]:
        return self._list("ExplicitAuthFlows")


def find_app(emulator: Emulator, client_id: str | None) -> OAuthApp | None:
    """The app client with this id in any of the lab's pools, or None if there is none."""
    if not client_id:
        return None
    try:
        pool_id = emulator.pool_of_client(client_id)
        return OAuthApp(pool_id, emulator.directory.client(pool_id, client_id))
    except CognitoError:
        return None
