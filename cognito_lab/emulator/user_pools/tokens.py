"""The token service: every token the lab hands out is minted here, as Cognito mints it.

Claims follow AWS's "Understanding user pool JSON web tokens" pages (the access token
and the ID token). Lifetimes come from the app client's AccessTokenValidity,
IdTokenValidity, RefreshTokenValidity and TokenValidityUnits; time comes from the lab's
clock, so a lesson can expire a token by moving the clock.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ... import b64url, cognito_ids
from ...clock import Clock
from ..errors import NotAuthorizedException
from .directory import ClientSettings, User
from .keys import KeyStore
from .sessions import Session, SessionStore

ADMIN_SCOPE = "aws.cognito.signin.user.admin"
# Standard attributes that are never copied into an ID token.
_NOT_IN_ID_TOKEN = {"sub"}
_REVOCATION_CLAIMS = ("origin_jti", "jti")
_BOOLEAN_ATTRIBUTES = {"email_verified", "phone_number_verified"}


def access_token_hash(access_token: str) -> str:
    """``at_hash`` (OIDC Core 3.1.3.6, 3.3.2.11): base64url of the left half of the
    SHA-256 of the access token's ASCII (SHA-256 because the tokens are RS256)."""
    return b64url.encode(hashlib.sha256(access_token.encode("ascii")).digest()[:16])


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    id_token: str | None
    refresh_token: str | None
    expires_in: int
    session: Session

    def authentication_result(self) -> dict:
        """The ``AuthenticationResult`` of InitiateAuth / RespondToAuthChallenge."""
        result = {"AccessToken": self.access_token, "ExpiresIn": self.expires_in,
                  "TokenType": "Bearer"}
        if self.id_token:
            result["IdToken"] = self.id_token
        if self.refresh_token:
            result["RefreshToken"] = self.refresh_token
        return result


# Claims a pre token generation trigger can't add, change or suppress (AWS, "Pre token
# generation Lambda trigger"); the lab keeps Cognito's value.
RESERVED_CLAIMS = frozenset({
    "acr", "amr", "aud", "at_hash", "auth_time", "azp", "cognito:username", "exp", "iat",
    "identities", "iss", "jti", "nbf", "nonce", "origin_jti", "sub", "token_use"})


class TokenOverride(Protocol):
    """What a PreTokenGeneration trigger's reply becomes (V1_0: ``ClaimsOverride``;
    V2_0/V3_0: ``pre_token_v2.ClaimsAndScopeOverride``): applied to the claims here."""

    def apply_to_access(self, claims: dict) -> dict: ...

    def apply_to_id(self, claims: dict) -> dict: ...


@dataclass(frozen=True)
class ClaimsOverride:
    """What a PreTokenGeneration (V1_0) trigger asked for, applied to the claims here (the
    trigger's reply is read by ``triggers.claims_override``).

    ``add_or_override`` and ``suppress`` change the ID token (suppression wins). When the
    response carries ``groupOverrideDetails`` (``replace_groups``), its groups replace
    ``cognito:groups`` in both tokens and its roles replace ``cognito:roles`` /
    ``cognito:preferred_role``; an empty or null object suppresses them.
    """

    add_or_override: dict
    suppress: tuple[str, ...] = ()
    replace_groups: bool = False
    groups: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    preferred_role: str | None = None

    def apply_to_access(self, claims: dict) -> dict:
        if self.replace_groups:
            claims.pop("cognito:groups", None)
            if self.groups:
                claims["cognito:groups"] = list(self.groups)
        return claims

    def apply_to_id(self, claims: dict) -> dict:
        self.apply_to_access(claims)
        return override_id_claims(claims, replace_groups=self.replace_groups,
                                  roles=self.roles, preferred_role=self.preferred_role,
                                  add=self.add_or_override, suppress=self.suppress)


def override_id_claims(claims: dict, *, replace_groups: bool, roles: tuple[str, ...],
                       preferred_role: str | None, add: dict,
                       suppress: tuple[str, ...]) -> dict:
    """What every PreTokenGeneration version does to an ID token: replaced roles (with a
    group override), then added or overridden claims, then suppressed ones (suppression
    wins); claims AWS reserves are never touched."""
    if replace_groups:
        claims.pop("cognito:roles", None)
        claims.pop("cognito:preferred_role", None)
        if roles:
            claims["cognito:roles"] = list(roles)
        if preferred_role:
            claims["cognito:preferred_role"] = preferred_role
    for name, value in add.items():
        if name not in RESERVED_CLAIMS:
            claims[name] = value
    for name in suppress:
        if name not in RESERVED_CLAIMS:
            claims.pop(name, None)
    return claims


def _json_or_text(value: str) -> object:
    import json

    try:
        return json.loads(value)
    except ValueError:
        return value


class TokenService:
    """Mints, and later recognises, the tokens of one lab.

    ``pre_token_generation``, when set (the emulator sets it to its triggers), is called
    before every set of user tokens is minted — at sign-in, in the hosted UI, at refresh —
    and may return a :class:`ClaimsOverride`.
    """

    def __init__(self, region: str, keys: KeyStore, clock: Clock, sessions: SessionStore) -> None:
        self.region = region
        self.keys = keys
        self.clock = clock
        self.sessions = sessions
        self.pre_token_generation: Callable[..., TokenOverride | None] | None = None
        # the same for machine (client-credentials) tokens: PreTokenGeneration V3_0 only
        self.machine_token_generation: Callable[..., Any] | None = None
        self._untagged_lock = threading.Lock()
        self._session_of_untagged: dict[str, str] = {}   # signature -> origin_jti

    # -- minting ---------------------------------------------------------------------
    def sign(self, pool_id: str, purpose: str, claims: dict) -> str:
        key = self.keys.ring(pool_id).current(purpose)
        header = {"kid": key.kid, "alg": "RS256"}
        signing_input = f"{b64url.encode_json(header)}.{b64url.encode_json(claims)}"
        signature = key.sign(signing_input.encode("ascii"))
        return f"{signing_input}.{b64url.encode(signature)}"

    def start_session(self, *, pool_id: str, client: ClientSettings, user: User | None,
                      scopes: list[str], nonce: str | None = None,
                      moto_access_token: str | None = None, with_refresh: bool = True,
                      with_id: bool = True, extra_claims: dict | None = None,
                      groups_override: list[str] | None = None,
                      auth_time: int | None = None, trigger_source: str | None = None,
                      client_metadata: dict | None = None,
                      pre_token_generation: bool = True, at_hash: bool = False) -> TokenSet:
        """Sign-in: a new session (origin_jti) and its first tokens.

        ``auth_time`` is when the user authenticated, if earlier than now (the hosted UI
        mints tokens when a code is redeemed, up to an hour after the sign-in it proves).
        ``trigger_source`` names the PreTokenGeneration event ("TokenGeneration_HostedAuth"
        unless the caller says otherwise, e.g. "TokenGeneration_Authentication");
        ``pre_token_generation=False`` mints without running that trigger at all.
        ``at_hash=True`` puts the access token's hash in the ID token (the token endpoint).
        """
        now = int(self.clock.now())
        session = Session(origin_jti=str(uuid.uuid4()), pool_id=pool_id,
                          client_id=client.client_id,
                          username=user.username if user else None, scopes=list(scopes),
                          auth_time=now if auth_time is None else int(auth_time),
                          moto_access_token=moto_access_token, nonce=nonce)
        self.sessions.add(session)
        refresh = None
        if with_refresh and user is not None:
            refresh = self.sessions.new_refresh_token(
                session, now + client.lifetime("RefreshToken"))
        override = self._claims_override(
            session, client, user, groups_override, trigger_source or "TokenGeneration_HostedAuth",
            client_metadata) if pre_token_generation else None
        return self._tokens(session, client, user, with_id=with_id and user is not None,
                            refresh=refresh, extra_claims=extra_claims,
                            groups_override=groups_override, override=override,
                            at_hash=at_hash)

    def refresh(self, session: Session, client: ClientSettings, user: User,
                extra_claims: dict | None = None,
                groups_override: list[str] | None = None,
                client_metadata: dict | None = None, at_hash: bool = False) -> TokenSet:
        """REFRESH_TOKEN_AUTH: new access and ID tokens in the same session, no new refresh."""
        override = self._claims_override(session, client, user, groups_override,
                                         "TokenGeneration_RefreshTokens", client_metadata)
        return self._tokens(session, client, user, with_id=True, refresh=None,
                            extra_claims=extra_claims, groups_override=groups_override,
                            override=override, at_hash=at_hash)

    def _claims_override(self, session: Session, client: ClientSettings, user: User | None,
                         groups_override: list[str] | None, trigger_source: str,
                         client_metadata: dict | None) -> TokenOverride | None:
        """Ask the PreTokenGeneration trigger (if any) how to change this user's tokens."""
        if user is None:     # client-credentials tokens: a V3_0 event only
            if self.machine_token_generation is None:
                return None
            return self.machine_token_generation(
                pool_id=session.pool_id, client_id=client.client_id,
                scopes=list(session.scopes), client_metadata=client_metadata)
        if self.pre_token_generation is None:
            return None
        groups = groups_override if groups_override is not None else user.group_names
        roles = [g["RoleArn"] for g in user.groups
                 if g.get("RoleArn") and g["GroupName"] in groups]
        return self.pre_token_generation(
            pool_id=session.pool_id, client_id=client.client_id, user=user,
            trigger_source=trigger_source, groups=list(groups), roles=roles,
            preferred_role=roles[0] if roles else None, client_metadata=client_metadata,
            scopes=list(session.scopes))

    def _tokens(self, session: Session, client: ClientSettings, user: User | None, *,
                with_id: bool, refresh: str | None, extra_claims: dict | None,
                groups_override: list[str] | None,
                override: TokenOverride | None = None, at_hash: bool = False) -> TokenSet:
        now = int(self.clock.now())
        access_life = client.lifetime("AccessToken")
        event_id = str(uuid.uuid4()) if user else None
        access_claims = self.access_claims(session, user, now, access_life, event_id,
                                           groups_override)
        if override is not None:
            override.apply_to_access(access_claims)
        access = self._sign_for(session, client, "access", access_claims)
        id_token = None
        if with_id and user is not None:
            claims = self.id_claims(session, client, user, now, event_id, groups_override)
            claims.update(extra_claims or {})
            if override is not None:
                override.apply_to_id(claims)
            if at_hash:     # first, where Cognito's hosted UI puts it
                claims = {"at_hash": access_token_hash(access), **claims}
            id_token = self._sign_for(session, client, "id", claims)
        return TokenSet(access, id_token, refresh, access_life, session)

    def _sign_for(self, session: Session, client: ClientSettings, purpose: str,
                  claims: dict) -> str:
        """Sign; without token revocation the token carries no ``jti``/``origin_jti``.

        AWS ("Revoking tokens"): "When you turn on token revocation settings, the origin_jti
        and jti claims are added to the access and ID tokens." Such a token is still tied
        to its session here, by its signature.
        """
        if client.token_revocation or client.refresh_token_rotation:
            # AWS "Refresh tokens": with rotation on, origin_jti and jti are added too
            return self.sign(session.pool_id, purpose, claims)
        for name in _REVOCATION_CLAIMS:
            claims.pop(name, None)
        token = self.sign(session.pool_id, purpose, claims)
        with self._untagged_lock:
            self._session_of_untagged[token.rsplit(".", 1)[1]] = session.origin_jti
        return token

    def _origin_of(self, token: str, claims: dict) -> str:
        if "origin_jti" in claims:
            return str(claims["origin_jti"])
        with self._untagged_lock:
            return self._session_of_untagged.get(token.rsplit(".", 1)[-1], "")

    def access_claims(self, session: Session, user: User | None, now: int, lifetime: int,
                      event_id: str | None, groups_override: list[str] | None) -> dict:
        claims: dict = {"sub": user.sub if user else session.client_id}
        groups = groups_override if groups_override is not None else (
            user.group_names if user else [])
        if groups:
            claims["cognito:groups"] = groups
        claims["iss"] = cognito_ids.issuer(self.region, session.pool_id)
        claims["version"] = 2
        claims["client_id"] = session.client_id
        claims["origin_jti"] = session.origin_jti
        if event_id:
            claims["event_id"] = event_id
        claims["token_use"] = "access"
        claims["scope"] = " ".join(session.scopes)
        claims["auth_time"] = session.auth_time
        claims["exp"] = now + lifetime
        claims["iat"] = now
        claims["jti"] = str(uuid.uuid4())
        if user:
            claims["username"] = user.username
        return claims

    def id_claims(self, session: Session, client: ClientSettings, user: User, now: int,
                  event_id: str | None, groups_override: list[str] | None) -> dict:
        claims: dict = {"sub": user.sub}
        groups = groups_override if groups_override is not None else user.group_names
        if groups:
            claims["cognito:groups"] = groups
        readable = client.read_attributes
        for name, value in user.attributes.items():
            if name in _NOT_IN_ID_TOKEN or (readable is not None and name not in readable):
                continue
            claims[name] = (value == "true") if name in _BOOLEAN_ATTRIBUTES else value
            if name == "identities":    # a JSON attribute; an array in the ID token
                claims[name] = _json_or_text(value)
        claims["iss"] = cognito_ids.issuer(self.region, session.pool_id)
        claims["cognito:username"] = user.username
        if session.nonce:
            claims["nonce"] = session.nonce
        roles = [g["RoleArn"] for g in user.groups
                 if g.get("RoleArn") and (groups_override is None or g["GroupName"] in groups)]
        if roles:
            claims["cognito:preferred_role"] = roles[0]
            claims["cognito:roles"] = roles
        claims["origin_jti"] = session.origin_jti
        claims["aud"] = session.client_id
        if event_id:
            claims["event_id"] = event_id
        claims["token_use"] = "id"
        claims["auth_time"] = session.auth_time
        claims["exp"] = now + client.lifetime("IdToken")
        claims["iat"] = now
        claims["jti"] = str(uuid.uuid4())
        return claims

    # -- recognising -------------------------------------------------------------------
    def read(self, token: str, token_use: str = "access") -> tuple[dict, Session]:  # noqa: S107
        """Check a token the way Cognito's own APIs do; return its claims and session.

        Raises NotAuthorizedException with AWS's messages for a token that is malformed,
        not signed by this lab, expired, revoked, or issued before a GlobalSignOut.
        """
        what = "Access Token" if token_use == "access" else "Id Token"
        claims = self._verified_claims(token, what)
        if claims.get("token_use") != token_use:
            raise NotAuthorizedException(f"Invalid {what}")
        if claims.get("exp", 0) <= self.clock.now():
            raise NotAuthorizedException(f"{what} has expired")
        session = self.sessions.by_origin(self._origin_of(token, claims))
        if session is None:
            raise NotAuthorizedException(f"Invalid {what}")
        if session.revoked:
            raise NotAuthorizedException(f"{what} has been revoked")
        return claims, session

    def _verified_claims(self, token: str, what: str) -> dict:
        try:
            header, claims, signing_input, signature = b64url.decode_jws(token)
            if not isinstance(claims, dict):
                raise ValueError("the payload is not a JSON object")
            pool_id = self.keys.signer_of(header, signing_input, signature)
            if pool_id is None:
                raise ValueError("not signed (RS256) by a key of this lab")
            if claims.get("iss") != cognito_ids.issuer(self.region, pool_id):
                raise ValueError("issuer does not match the key's pool")
        except (ValueError, TypeError, AttributeError) as exc:
            raise NotAuthorizedException(f"Invalid {what}") from exc
        return claims
