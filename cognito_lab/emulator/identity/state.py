"""What a lab's identity pools remember: identities, pool roles, and the credentials issued.

moto keeps the identity pools themselves (name, providers, AllowUnauthenticatedIdentities);
everything moto does not keep, or keeps wrongly (it returns a new identity per GetId and
has no role settings), lives here, per lab.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...clock import Clock
    from .query import QueryGateway

SESSION_NAME = "CognitoIdentityCredentials"   # the role session name of the enhanced flow


@dataclass
class Identity:
    """One identity of an identity pool: its id and the logins linked to it."""

    identity_id: str
    pool_id: str
    logins: dict[str, str] = field(default_factory=dict)   # provider name -> user's sub
    created: float = 0.0
    modified: float = 0.0

    @property
    def authenticated(self) -> bool:
        return bool(self.logins)


@dataclass(frozen=True)
class Grant:
    """Temporary credentials the identity pool issued: for whom, which role, until when."""

    access_key_id: str
    identity_id: str
    pool_id: str
    role_arn: str
    role_id: str
    expires_at: float
    secret_key: str = field(default="", repr=False)      # to sign IAM probes (iam_gate.py)
    session_token: str = field(default="", repr=False)

    @property
    def role_name(self) -> str:
        return self.role_arn.rsplit("/", 1)[-1]

    def policy_variables(self) -> dict[str, str]:
        """Values of the policy variables AWS sets for these credentials."""
        return {"cognito-identity.amazonaws.com:sub": self.identity_id,
                "cognito-identity.amazonaws.com:aud": self.pool_id,
                "aws:userid": f"{self.role_id}:{SESSION_NAME}"}


class IdentityState:
    """Per-lab identity pool state. Thread-safe: the lab server is threaded."""

    def __init__(self, query: QueryGateway, region: str, clock: Clock) -> None:
        self.region = region
        self.clock = clock            # identities' creation and modification dates
        self._lock = threading.Lock()
        self._identities: dict[str, Identity] = {}
        self._by_login: dict[tuple[str, str, str], str] = {}   # (pool, provider, sub) -> id
        self._roles: dict[str, dict] = {}                     # pool -> {Roles, RoleMappings}
        self._grants: dict[str, Grant] = {}
        self.query = query            # STS and IAM of this lab's moto account

    # -- identities ------------------------------------------------------------------------
    def identity_for_login(self, pool_id: str, provider: str, sub: str) -> Identity:
        """The identity of this user in this pool: the same one every time."""
        now = self.clock.now()
        with self._lock:
            identity_id = self._by_login.get((pool_id, provider, sub))
            if identity_id is not None:
                return self._identities[identity_id]
            identity = self._new(pool_id, now)
            self._link(identity, provider, sub, now)
            return identity

    def new_unauthenticated(self, pool_id: str) -> Identity:
        now = self.clock.now()
        with self._lock:
            return self._new(pool_id, now)

    def owner_of_login(self, pool_id: str, provider: str, sub: str) -> str | None:
        with self._lock:
            return self._by_login.get((pool_id, provider, sub))

    def link(self, identity: Identity, provider: str, sub: str) -> None:
        now = self.clock.now()
        with self._lock:
            self._link(identity, provider, sub, now)

    def identity(self, identity_id: str) -> Identity | None:
        with self._lock:
            return self._identities.get(identity_id)

    def identities(self, pool_id: str) -> list[Identity]:
        with self._lock:
            return [i for i in self._identities.values() if i.pool_id == pool_id]

    def forget_pool(self, pool_id: str) -> None:
        """DeleteIdentityPool: its identities, roles and logins go with it."""
        with self._lock:
            gone = {i for i, identity in self._identities.items() if identity.pool_id == pool_id}
            self._identities = {i: x for i, x in self._identities.items() if i not in gone}
            self._by_login = {k: v for k, v in self._by_login.items() if v not in gone}
            self._roles.pop(pool_id, None)

    def _new(self, pool_id: str, now: float) -> Identity:
        identity = Identity(f"{self.region}:{uuid.uuid4()}", pool_id, created=now, modified=now)
        self._identities[identity.identity_id] = identity
        return identity

    def _link(self, identity: Identity, provider: str, sub: str, now: float) -> None:
        identity.logins[provider] = sub
        identity.modified = now
        self._by_login[(identity.pool_id, provider, sub)] = identity.identity_id

    # -- roles -----------------------------------------------------------------------------
    def set_roles(self, pool_id: str, roles: dict, role_mappings: dict) -> None:
        with self._lock:
            self._roles[pool_id] = {"Roles": dict(roles), "RoleMappings": dict(role_mappings)}

    def roles(self, pool_id: str) -> dict:
        with self._lock:
            saved = self._roles.get(pool_id, {"Roles": {}, "RoleMappings": {}})
            return {"Roles": dict(saved["Roles"]), "RoleMappings": dict(saved["RoleMappings"])}

    # -- credentials issued ----------------------------------------------------------------
    def add_grant(self, grant: Grant) -> None:
        with self._lock:
            self._grants[grant.access_key_id] = grant

    def grant(self, access_key_id: str) -> Grant | None:
        with self._lock:
            return self._grants.get(access_key_id)
