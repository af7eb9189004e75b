"""GetId and the identities it creates: one identity per user, or a new guest each time.

moto's GetId accepts any token (or none) and returns a new id on every call. AWS checks the
login (see ``logins.py``) and returns the *same* IdentityId for the same user of the same
provider, every time; without a login it creates a new unauthenticated (guest) identity,
and only if the pool allows guests.
"""

from __future__ import annotations

from ..errors import (
    InvalidParameterException,
    NotAuthorizedException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from ..operations import Call
from .logins import Login, check_logins
from .pools import describe_pool
from .state import Identity, IdentityState

NO_GUESTS = "Unauthenticated access is not supported for this identity pool."
LOGINS_MISMATCH = ("Logins don't match. Please include at least one valid login for this "
                   "identity or identity pool.")


def _identity_of_logins(state: IdentityState, pool_id: str, logins: list[Login]) -> Identity:
    first = logins[0]
    identity = state.identity_for_login(pool_id, first.provider, first.sub)
    for login in logins[1:]:                      # several logins: an implicit link
        link(state, identity, login)
    return identity


def link(state: IdentityState, identity: Identity, login: Login) -> None:
    """Attach a login to an identity, unless it belongs to another one."""
    owner = state.owner_of_login(identity.pool_id, login.provider, login.sub)
    if owner == identity.identity_id:
        return
    if owner is not None:
        raise ResourceConflictException(
            f"Login {login.provider} is already linked to another identity.")
    if identity.logins.get(login.provider) not in (None, login.sub):
        raise NotAuthorizedException(LOGINS_MISMATCH)
    state.link(identity, login.provider, login.sub)


def get_id(call: Call) -> dict:
    pool = describe_pool(call, call.param("IdentityPoolId"))
    pool_id = pool["IdentityPoolId"]
    state = call.emulator.identity
    logins = check_logins(call.emulator, pool, call.param("Logins"))
    if logins:
        identity = _identity_of_logins(state, pool_id, logins)
    elif pool.get("AllowUnauthenticatedIdentities"):
        identity = state.new_unauthenticated(pool_id)
    else:
        raise NotAuthorizedException(NO_GUESTS)
    return {"IdentityId": identity.identity_id}


def known_identity(call: Call) -> Identity:
    identity_id = call.param("IdentityId")
    identity = call.emulator.identity.identity(str(identity_id))
    if identity is None:
        raise ResourceNotFoundException(f"Identity '{identity_id}' not found.")
    return identity


def describe(identity: Identity) -> dict:
    return {"IdentityId": identity.identity_id, "Logins": sorted(identity.logins),
            "CreationDate": identity.created, "LastModifiedDate": identity.modified}


def describe_identity(call: Call) -> dict:
    return describe(known_identity(call))


def list_identities(call: Call) -> dict:
    pool = describe_pool(call, call.param("IdentityPoolId"))
    limit = call.param("MaxResults")
    if not isinstance(limit, int) or not 1 <= limit <= 60:
        raise InvalidParameterException("MaxResults must be between 1 and 60")
    identities = sorted(call.emulator.identity.identities(pool["IdentityPoolId"]),
                        key=lambda i: (i.created, i.identity_id))
    token = str(call.param("NextToken") or "0")
    if not token.isdigit():
        raise InvalidParameterException("NextToken is not valid")
    start = int(token)
    page = identities[start:start + limit]
    answer = {"IdentityPoolId": pool["IdentityPoolId"], "Identities": [describe(i) for i in page]}
    if start + limit < len(identities):
        answer["NextToken"] = str(start + limit)
    return answer


def delete_identity_pool(call: Call) -> dict:
    pool = describe_pool(call, call.param("IdentityPoolId"))
    answer = call.forward()
    call.emulator.identity.forget_pool(pool["IdentityPoolId"])
    return answer
