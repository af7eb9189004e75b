"""Read-only views of moto's directory: pools, app clients, users, groups.

The token service and the enforcement rules need to know a client's settings and a
user's attributes and groups. They ask moto through its public API (AdminGetUser,
DescribeUserPoolClient, ...) and get back small, typed records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from ..errors import CognitoError, UserNotFoundException
from ..moto_gateway import MotoGateway
from .client_secrets import ClientSecrets

# Token validity as AWS documents it for CreateUserPoolClient: defaults and units.
DEFAULT_UNITS = {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"}
DEFAULT_VALIDITY = {"AccessToken": 1, "IdToken": 1, "RefreshToken": 30}
UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
VALIDITY_FIELD = {"AccessToken": "AccessTokenValidity", "IdToken": "IdTokenValidity",
                  "RefreshToken": "RefreshTokenValidity"}


@dataclass(frozen=True)
class ClientSettings:
    """The emulator's record of one app client: its settings as DescribeUserPoolClient
    returns them (moto is the directory of record), read through typed properties.

    The one view of an app client inside the emulator: the API's fidelity layer reads its
    lifetimes, auth flows and attribute rules, the hosted UI its OAuth settings (callback
    URLs, OAuth flows and scopes, identity providers). A learner sees ``lab.AppClient``
    instead: a plain value made from the same DescribeUserPoolClient answer over boto3.
    """

    raw: dict
    # every active secret (AddUserPoolClientSecret may add a second); raw's ClientSecret
    # is the first of them
    secrets: tuple[str, ...] = ()

    @property
    def client_id(self) -> str:
        return self.raw["ClientId"]

    @property
    def pool_id(self) -> str:
        return self.raw["UserPoolId"]

    @property
    def name(self) -> str:
        return self.raw.get("ClientName", "")

    @property
    def secret(self) -> str | None:
        return self.raw.get("ClientSecret")

    @property
    def is_public(self) -> bool:
        """A public client (browser, mobile app) has no secret."""
        return not self.secret

    def secret_matches(self, given: object) -> bool:
        """Whether ``given`` is one of the client's active secrets (constant time each)."""
        import hmac

        if not isinstance(given, str) or not given:
            return False
        return any(hmac.compare_digest(given.encode(), s.encode())
                   for s in (self.secrets or ((self.secret,) if self.secret else ())))

    @property
    def refresh_token_rotation(self) -> bool:
        """RefreshTokenRotation.Feature is ENABLED (AWS, RefreshTokenRotationType)."""
        return (self.raw.get("RefreshTokenRotation") or {}).get("Feature") == "ENABLED"

    @property
    def rotation_grace_seconds(self) -> int:
        """RetryGracePeriodSeconds: how long a rotated-out refresh token still works."""
        return int((self.raw.get("RefreshTokenRotation") or {}).get(
            "RetryGracePeriodSeconds") or 0)

    # -- OAuth settings (the hosted UI's rules) ----------------------------------------------
    def _tuple(self, key: str) -> tuple[str, ...]:
        return tuple(self.raw.get(key) or ())

    @property
    def callback_urls(self) -> tuple[str, ...]:
        return self._tuple("CallbackURLs")

    @property
    def logout_urls(self) -> tuple[str, ...]:
        return self._tuple("LogoutURLs")

    @property
    def oauth_enabled(self) -> bool:
        """AllowedOAuthFlowsUserPoolClient: without it the client may use no OAuth flow."""
        return bool(self.raw.get("AllowedOAuthFlowsUserPoolClient"))

    @property
    def oauth_flows(self) -> tuple[str, ...]:
        """Some of "code", "implicit", "client_credentials"."""
        return self._tuple("AllowedOAuthFlows")

    @property
    def oauth_scopes(self) -> tuple[str, ...]:
        return self._tuple("AllowedOAuthScopes")

    @property
    def identity_providers(self) -> tuple[str, ...]:
        return self._tuple("SupportedIdentityProviders")

    # -- the API's rules ----------------------------------------------------------------------

    def lifetime(self, token: str) -> int:
        """Seconds an "AccessToken", "IdToken" or "RefreshToken" of this client lives."""
        units = {**DEFAULT_UNITS, **(self.raw.get("TokenValidityUnits") or {})}
        value = self.raw.get(VALIDITY_FIELD[token]) or DEFAULT_VALIDITY[token]
        return int(value) * UNIT_SECONDS[units[token]]

    @property
    def read_attributes(self) -> list[str] | None:
        """Attributes this client may read; None means all of them (AWS's default)."""
        return self.raw.get("ReadAttributes") or None

    @property
    def auth_flows(self) -> list[str]:
        return list(self.raw.get("ExplicitAuthFlows") or [])

    @property
    def token_revocation(self) -> bool:
        # AWS turns revocation on by default for clients created after 2021.
        return bool(self.raw.get("EnableTokenRevocation", True))

    @property
    def prevent_user_existence_errors(self) -> bool:
        return self.raw.get("PreventUserExistenceErrors") == "ENABLED"

    @property
    def auth_session_seconds(self) -> int:
        """How long a sign-in may wait for a challenge answer (AuthSessionValidity, minutes)."""
        return 60 * int(self.raw.get("AuthSessionValidity") or 3)

    @property
    def write_attributes(self) -> list[str] | None:
        """Attributes this client may write; None means all of them (AWS's default)."""
        return self.raw.get("WriteAttributes") or None


@dataclass(frozen=True)
class User:
    """A user as AdminGetUser sees them, with their groups in precedence order.

    The groups are read from moto when first asked for: most calls that look a user up
    (GetUser on every API request, say) never need them."""

    username: str
    attributes: dict[str, str]
    enabled: bool
    status: str
    load_groups: Callable[[], list[dict]] = field(default=list, repr=False, compare=False)

    @cached_property
    def groups(self) -> list[dict]:
        return self.load_groups()

    @property
    def sub(self) -> str:
        return self.attributes.get("sub", self.username)

    @property
    def group_names(self) -> list[str]:
        return [group["GroupName"] for group in self.groups]


def by_precedence(groups: list[dict]) -> list[dict]:
    """Groups ordered as Cognito ranks them: lowest Precedence first, unset last."""
    return sorted(groups, key=lambda g: (g.get("Precedence") is None, g.get("Precedence", 0),
                                         g["GroupName"]))


class Directory:
    """Typed reads from moto for one lab."""

    def __init__(self, moto: MotoGateway) -> None:
        self.moto = moto
        self._case_insensitive: dict[str, bool] = {}   # fixed when a pool is created
        # App clients change only through the operations that forget them here (see
        # ``forget_clients``); every API request reads its client, so keep them.
        self._clients: dict[tuple[str, str], ClientSettings] = {}
        self.client_secrets = ClientSecrets()   # AWS-shaped stand-ins for moto's secrets
        # Pools seen to exist: a pool goes only through DeleteUserPool (``forget_pool``) or
        # a reset of moto (``forget_pools``); API Gateway's JWT check asks on every request.
        self._existing_pools: set[str] = set()

    def pool(self, pool_id: str) -> dict:
        return self.moto.idp("DescribeUserPool", UserPoolId=pool_id)["UserPool"]

    def pool_exists(self, pool_id: str) -> bool:
        if pool_id in self._existing_pools:
            return True
        try:
            self.pool(pool_id)
        except CognitoError:
            return False
        self._existing_pools.add(pool_id)
        return True

    def forget_pool(self, pool_id: str) -> None:
        """After DeleteUserPool: the pool, its clients."""
        self._existing_pools.discard(pool_id)
        self.forget_clients(pool_id)

    def forget_pools(self) -> None:
        """After anything that may have reset moto behind the user pools API."""
        self._existing_pools.clear()

    def client(self, pool_id: str, client_id: str) -> ClientSettings:
        cached = self._clients.get((pool_id, client_id))
        if cached is None:
            raw = self.moto.idp("DescribeUserPoolClient", UserPoolId=pool_id,
                                ClientId=client_id)
            moto_client = raw["UserPoolClient"]
            cached = ClientSettings(
                self.client_secrets.as_aws(moto_client),
                tuple(e.value for e in self.client_secrets.entries(moto_client)))
            self._clients[(pool_id, client_id)] = cached
        return cached

    def forget_clients(self, pool_id: str) -> None:
        """After a pool's clients changed (updated, deleted, or the pool deleted)."""
        for key in [key for key in self._clients if key[0] == pool_id]:
            self._clients.pop(key, None)

    def pool_of_client(self, client_id: str) -> str | None:
        """Which of this lab's pools owns a client id (InitiateAuth names only the client)."""
        for pool in self.moto.idp("ListUserPools", MaxResults=60).get("UserPools", []):
            clients = self.moto.idp("ListUserPoolClients", UserPoolId=pool["Id"], MaxResults=60)
            if any(c["ClientId"] == client_id for c in clients.get("UserPoolClients", [])):
                return pool["Id"]
        return None

    def find_user(self, pool_id: str, username: object) -> User | None:
        """The user a sign-in names (username or email/phone alias), or None."""
        if not isinstance(username, str) or not username:
            return None
        try:
            return self.user(pool_id, username)
        except CognitoError as error:
            if isinstance(error, UserNotFoundException):
                return None
            raise

    def mfa_configuration(self, pool_id: str) -> tuple[str, bool]:
        """The pool's MfaConfiguration ("OFF", "ON", "OPTIONAL") and whether TOTP is on."""
        raw = self.moto.idp("GetUserPoolMfaConfig", UserPoolId=pool_id)
        totp = bool((raw.get("SoftwareTokenMfaConfiguration") or {}).get("Enabled"))
        return raw.get("MfaConfiguration") or "OFF", totp

    # -- usernames ------------------------------------------------------------------------
    def case_insensitive(self, pool_id: str) -> bool:
        """Whether the pool's UsernameConfiguration says CaseSensitive: false.

        AWS, UsernameConfigurationType: case sensitivity (the default) means the exact
        capitalisation; false makes "username", "USERNAME" and "UserName" the same user,
        and the preferred_username and email aliases too. It can't change after creation.
        """
        if pool_id not in self._case_insensitive:
            config = self.pool(pool_id).get("UsernameConfiguration") or {}
            self._case_insensitive[pool_id] = config.get("CaseSensitive") is False
        return self._case_insensitive[pool_id]

    def stored_username(self, pool_id: str, username: str) -> str | None:
        """In a case-insensitive pool, the username moto stores for the user that
        ``username`` names in any capitalisation: their username, or their email or
        preferred_username where the pool signs in with them. None if nobody (or if the
        pool is case sensitive: then only moto's exact match counts)."""
        if not isinstance(username, str) or not username or not self.case_insensitive(pool_id):
            return None
        pool = self.pool(pool_id)
        aliases = [name for name in ("email", "preferred_username")
                   if name in (pool.get("UsernameAttributes") or [])
                   + (pool.get("AliasAttributes") or [])]
        wanted = username.lower()
        token = None
        while True:
            page = self.moto.idp("ListUsers", UserPoolId=pool_id, Limit=60,
                                 **({"PaginationToken": token} if token else {}))
            for raw in page.get("Users", []):
                values = {a["Name"]: a["Value"] for a in raw.get("Attributes", [])}
                if raw["Username"].lower() == wanted or any(
                        values.get(name, "").lower() == wanted for name in aliases):
                    return raw["Username"]
            token = page.get("PaginationToken")
            if not token:
                return None

    def _raw_user(self, pool_id: str, username: str) -> dict:
        """AdminGetUser, by the name as given, else (case-insensitive pools) as stored."""
        from ..errors import CognitoError, UserNotFoundException

        try:
            return self.moto.idp("AdminGetUser", UserPoolId=pool_id, Username=username)
        except CognitoError as error:
            if not isinstance(error, UserNotFoundException):
                raise
            stored = self.stored_username(pool_id, username)
            if stored is None or stored == username:
                raise
            return self.moto.idp("AdminGetUser", UserPoolId=pool_id, Username=stored)

    def canonical_username(self, pool_id: str, username: object) -> object:
        """The name to give moto for the user a call names: unchanged, unless only a
        case-insensitive match finds them (then their stored username)."""
        if not isinstance(username, str) or not username or not isinstance(pool_id, str):
            return username
        from ..errors import CognitoError, UserNotFoundException

        try:
            if not self.case_insensitive(pool_id):      # cached: no moto call per operation
                return username
            self.moto.idp("AdminGetUser", UserPoolId=pool_id, Username=username)
            return username
        except CognitoError as error:
            if not isinstance(error, UserNotFoundException):
                return username
        return self.stored_username(pool_id, username) or username

    def user(self, pool_id: str, username: str) -> User:
        raw = self._raw_user(pool_id, username)

        def load_groups() -> list[dict]:
            return by_precedence(self.moto.idp("AdminListGroupsForUser", UserPoolId=pool_id,
                                               Username=raw["Username"]).get("Groups", []))

        return User(
            username=raw["Username"],
            attributes={a["Name"]: a["Value"] for a in raw.get("UserAttributes", [])},
            enabled=bool(raw.get("Enabled", True)),
            status=raw.get("UserStatus", ""),
            load_groups=load_groups,
        )
