"""Read-only views of moto's directory: pools, app clients, users, groups.

The token service and the enforcement rules need to know a client's settings and a
user's attributes and groups. They ask moto through its public API (AdminGetUser,
DescribeUserPoolClient, ...) and get back small, typed records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    """An app client's settings as DescribeUserPoolClient returns them."""

    raw: dict

    @property
    def client_id(self) -> str:
        return self.raw["ClientId"]

    @property
    def secret(self) -> str | None:
        return self.raw.get("ClientSecret")

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
    """A user as AdminGetUser sees them, with their groups in precedence order."""

    username: str
    attributes: dict[str, str]
    enabled: bool
    status: str
    groups: list[dict] = field(default_factory=list)

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
        self.client_secrets = ClientSecrets()   # AWS-shaped stand-ins for moto's secrets

    def pool(self, pool_id: str) -> dict:
        return self.moto.idp("DescribeUserPool", UserPoolId=pool_id)["UserPool"]

    def client(self, pool_id: str, client_id: str) -> ClientSettings:
        raw = self.moto.idp("DescribeUserPoolClient", UserPoolId=pool_id, ClientId=client_id)
        return ClientSettings(self.client_secrets.as_aws(raw["UserPoolClient"]))

    def pool_of_client(self, client_id: str) -> str | None:
        """Which of this lab's pools owns a client id (InitiateAuth names only the client)."""
        for pool in self.moto.idp("ListUserPools", MaxResults=60).get("UserPools", []):
            clients = self.moto.idp("ListUserPoolClients", UserPoolId=pool["Id"], MaxResults=60)
            if any(c["ClientId"] == client_id for c in clients.get("UserPoolClients", [])):
                return pool["Id"]
        return None

    def find_user(self, pool_id: str, username: object) -> User | None:
        """The user a sign-in names (username or email/phone alias), or None."""
        from ..errors import CognitoError

        if not isinstance(username, str) or not username:
            return None
        try:
            return self.user(pool_id, username)
        except CognitoError as error:
            if error.code == "UserNotFoundException":
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
        from ..errors import CognitoError

        try:
            return self.moto.idp("AdminGetUser", UserPoolId=pool_id, Username=username)
        except CognitoError as error:
            if error.code != "UserNotFoundException":
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
        from ..errors import CognitoError

        try:
            self.moto.idp("AdminGetUser", UserPoolId=pool_id, Username=username)
            return username
        except CognitoError as error:
            if error.code != "UserNotFoundException":
                return username
        return self.stored_username(pool_id, username) or username

    def user(self, pool_id: str, username: str) -> User:
        raw = self._raw_user(pool_id, username)
        groups = self.moto.idp("AdminListGroupsForUser", UserPoolId=pool_id,
                               Username=raw["Username"]).get("Groups", [])
        return User(
            username=raw["Username"],
            attributes={a["Name"]: a["Value"] for a in raw.get("UserAttributes", [])},
            enabled=bool(raw.get("Enabled", True)),
            status=raw.get("UserStatus", ""),
            groups=by_precedence(groups),
        )
