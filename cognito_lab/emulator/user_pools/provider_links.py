"""AdminLinkProviderForUser / AdminDisableProviderForUser: an IdP identity that signs in
as a user the pool already has.

AWS, "Linking federated users to an existing user profile" and the API Reference pages of
both operations. ``AdminLinkProviderForUser`` names a DestinationUser (``Cognito`` and a
username, or an IdP of the pool and that IdP's user id: "You can link federated users to
either an existing federated user profile, or to a native user") and a SourceUser that
"doesn't exist yet in the user pool" (an IdP of the pool, ``ProviderAttributeName``
``Cognito_Subject`` or, for OIDC and SAML, a user pool attribute the provider maps, and
its value). From then on a sign-in through that IdP whose subject (or mapped attribute)
has that value signs in *as the destination user*: same ``sub``, same username, their
groups; the destination's ``identities`` attribute (and ID-token claim) lists the link.
At most five links per user. ``AdminDisableProviderForUser`` removes a link ("When the
external user signs in again ... the user must create a new user account") or, for a
federated user who signed up, prevents their sign-in through that IdP.

Errors as AWS names them: a native user as SourceUser (InvalidParameterException), a
SourceUser who already signed in ("Merging is not currently supported",
InvalidParameterException), a destination that doesn't exist (UserNotFoundException), a
sixth link (LimitExceededException). Where AWS names no code the lab chooses: a source
already linked is AliasExistsException (its description: the identity is "already linked
to another user profile"); a provider the pool doesn't have is InvalidParameterException.

Why it matters (for a security engineer): a link hands the destination account to whoever
controls the source identity at the IdP. Linking on an email address the IdP has not
*verified* (or one any tenant of a multi-tenant IdP can set) lets an attacker register
``victim@example.com`` there and sign in as the victim: account takeover. The safe pattern
the lab makes possible, as on AWS: a ``PreSignUp_ExternalProvider`` trigger that links only
when the IdP says ``email_verified`` and the pool holds exactly one native user with that
email *verified* (``ListUsers`` filter, then ``email_verified == "true"``), and refuses
otherwise; or links made by an administrator who checked the person.

The links live in :class:`ProviderLinks`, which the Emulator owns (moto has no such
operation); the destination's ``identities`` attribute is kept in moto beside the user.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import (
    AliasExistsException,
    CognitoError,
    InvalidParameterException,
    LimitExceededException,
    UnsupportedOperationException,
    UserNotFoundException,
)
from ..operations import Call

if TYPE_CHECKING:
    from .. import Emulator
    from .directory import User

SUBJECT = "Cognito_Subject"
NATIVE = "Cognito"
MAX_LINKS = 5
SOCIAL = ("Google", "Facebook", "LoginWithAmazon", "SignInWithApple")


@dataclass(frozen=True)
class ProviderLink:
    """One linked IdP identity: ``provider``'s user whose ``attribute`` (``Cognito_Subject``
    or a mapped user pool attribute) is ``value`` signs in as ``destination``."""

    provider: str
    attribute: str
    value: str
    destination: str


class ProviderLinks:
    """The links of one lab's user pools (AdminLinkProviderForUser's state)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._links: dict[tuple[str, str, str, str], ProviderLink] = {}
        # one moto write at a time with a pool's UsernameAttributes lifted (federated_users)
        self.username_attributes_lock = threading.Lock()

    def add(self, pool_id: str, link: ProviderLink) -> None:
        with self._lock:
            self._links[(pool_id, link.provider, link.attribute, link.value)] = link

    def get(self, pool_id: str, provider: str, attribute: str,
            value: str) -> ProviderLink | None:
        with self._lock:
            return self._links.get((pool_id, provider, attribute, value))

    def match(self, pool_id: str, provider: str, keys: dict[str, str]) -> ProviderLink | None:
        """The link a sign-in through ``provider`` hits: by subject first, then by any
        mapped attribute (``keys``: attribute -> value, ``Cognito_Subject`` included)."""
        ordered = sorted(keys.items(), key=lambda item: item[0] != SUBJECT)
        for attribute, value in ordered:
            found = self.get(pool_id, provider, attribute, value)
            if found is not None:
                return found
        return None

    def to_user(self, pool_id: str, username: str) -> list[ProviderLink]:
        with self._lock:
            return [link for (pool, *_), link in self._links.items()
                    if pool == pool_id and link.destination == username]

    def remove(self, pool_id: str, link: ProviderLink) -> None:
        with self._lock:
            self._links.pop((pool_id, link.provider, link.attribute, link.value), None)


# -- the ``identities`` attribute -------------------------------------------------------------
def identities_of(user: User) -> list[dict]:
    try:
        found = json.loads(user.attributes.get("identities") or "[]")
    except ValueError:
        return []
    return found if isinstance(found, list) else []


def identity_entry(emulator: Emulator, provider: dict, user_id: str, *,
                   primary: bool, issuer: str | None = None) -> dict:
    """One entry of ``identities``, as Cognito writes it (AWS's linking page; the ID token
    carries strings for ``primary`` and ``dateCreated``; ``issuer`` is a SAML IdP's
    entityID, null otherwise)."""
    return {"userId": user_id, "providerName": provider["ProviderName"],
            "providerType": provider.get("ProviderType", "OIDC"), "issuer": issuer,
            "primary": "true" if primary else "false",
            "dateCreated": str(int(emulator.clock.now() * 1000))}


def write_identities(emulator: Emulator, pool_id: str, username: str,
                     identities: list[dict]) -> None:
    if identities:
        emulator.moto.idp("AdminUpdateUserAttributes", UserPoolId=pool_id, Username=username,
                          UserAttributes=[{"Name": "identities",
                                           "Value": json.dumps(identities)}])
    else:
        emulator.moto.idp("AdminDeleteUserAttributes", UserPoolId=pool_id, Username=username,
                          UserAttributeNames=["identities"])


def relink_by_subject(emulator: Emulator, pool_id: str, link: ProviderLink,
                      subject: str) -> ProviderLink:
    """After a linked sign-in matched by an attribute, the link is the IdP subject's
    (AWS, AdminDisableProviderForUser: once the user "has already signed in", the link is
    named by ``Cognito_Subject`` and the subject)."""
    if link.attribute == SUBJECT:
        return link
    links = emulator.provider_links
    moved = ProviderLink(link.provider, SUBJECT, subject, link.destination)
    links.remove(pool_id, link)
    links.add(pool_id, moved)
    user = emulator.directory.user(pool_id, link.destination)
    identities = [{**entry, "userId": subject}
                  if entry.get("providerName") == link.provider
                  and entry.get("userId") == link.value else entry
                  for entry in identities_of(user)]
    write_identities(emulator, pool_id, user.username, identities)
    return moved


# -- the pool's identity providers ------------------------------------------------------------
def identity_provider(emulator: Emulator, pool_id: str, name: object) -> dict | None:
    """The pool's IdP called ``name`` (DescribeIdentityProvider), or None."""
    if not isinstance(name, str) or not name:
        return None
    try:
        return emulator.moto.idp("DescribeIdentityProvider", UserPoolId=pool_id,
                                 ProviderName=name)["IdentityProvider"]
    except CognitoError:
        return None


def _no_such_provider(name: object, pool_id: str) -> InvalidParameterException:
    return InvalidParameterException(f"The provider {name} does not exist for User Pool "
                                     f"{pool_id}.")


def _identifier(call: Call, member: str) -> tuple[str, str, str]:
    given = call.param(member)
    if not isinstance(given, dict) or not given.get("ProviderName") \
            or not given.get("ProviderAttributeValue"):
        raise InvalidParameterException(
            f"{member} needs ProviderName and ProviderAttributeValue")
    return (given["ProviderName"], given.get("ProviderAttributeName") or "",
            given["ProviderAttributeValue"])


def _destination(call: Call, pool_id: str) -> User:
    """DestinationUser: ``Cognito`` + a username, or a pool IdP + that IdP's user id
    ("The ProviderAttributeName of the DestinationUser is ignored")."""
    provider, _, value = _identifier(call, "DestinationUser")
    if provider == NATIVE:
        username = value
    elif identity_provider(call.emulator, pool_id, provider) is not None:
        username = f"{provider}_{value}"
    else:
        raise _no_such_provider(provider, pool_id)
    user = call.emulator.directory.find_user(pool_id, username)
    if user is None:
        raise UserNotFoundException("User does not exist.")
    return user


def admin_link_provider_for_user(call: Call) -> dict:
    emulator = call.emulator
    pool_id = call.param("UserPoolId")
    emulator.directory.pool(pool_id)                  # ResourceNotFoundException first
    name, attribute, value = _identifier(call, "SourceUser")
    if name == NATIVE:
        raise InvalidParameterException(
            "Invalid SourceUser: Cognito users with a username/password may not be passed "
            "in as a SourceUser, only as a DestinationUser")
    provider = identity_provider(emulator, pool_id, name)
    if provider is None:
        raise _no_such_provider(name, pool_id)
    if attribute != SUBJECT:
        if provider.get("ProviderType") in SOCIAL:
            raise InvalidParameterException(
                f"SourceUser of {name}: ProviderAttributeName must be {SUBJECT} for a "
                "social identity provider")
        if attribute not in (provider.get("AttributeMapping") or {}):
            raise InvalidParameterException(
                f"SourceUser of {name}: ProviderAttributeName must be {SUBJECT} or a user "
                f"pool attribute the provider's AttributeMapping maps; {attribute!r} is not")
    destination = _destination(call, pool_id)
    links = emulator.provider_links
    if attribute == SUBJECT and emulator.directory.find_user(pool_id, f"{name}_{value}"):
        raise InvalidParameterException(
            "Merging is not currently supported, provide a SourceUser that has not been "
            "signed up in order to link")
    if links.get(pool_id, name, attribute, value) is not None:
        raise AliasExistsException(
            f"This {name} identity is already linked to another user profile.")
    if len(links.to_user(pool_id, destination.username)) >= MAX_LINKS:
        raise LimitExceededException(
            f"A user can have at most {MAX_LINKS} linked identities.")
    identities = [*identities_of(destination),
                  identity_entry(emulator, provider, value, primary=False)]
    write_identities(emulator, pool_id, destination.username, identities)
    links.add(pool_id, ProviderLink(name, attribute, value, destination.username))
    return {}


def admin_disable_provider_for_user(call: Call) -> dict:
    emulator = call.emulator
    pool_id = call.param("UserPoolId")
    emulator.directory.pool(pool_id)
    name, attribute, value = _identifier(call, "User")
    if name == NATIVE:
        raise UnsupportedOperationException(
            "The lab does not implement AdminDisableProviderForUser for a native user "
            "(ProviderName Cognito: AWS then refuses that user's password sign-in); "
            "AdminDisableUser disables the user altogether.")
    if identity_provider(emulator, pool_id, name) is None:
        raise _no_such_provider(name, pool_id)
    link = emulator.provider_links.get(pool_id, name, attribute or SUBJECT, value)
    if link is not None:
        emulator.provider_links.remove(pool_id, link)
        user = emulator.directory.find_user(pool_id, link.destination)
        if user is not None:
            kept = [entry for entry in identities_of(user)
                    if not (entry.get("providerName") == name
                            and entry.get("userId") == value)]
            write_identities(emulator, pool_id, user.username, kept)
        return {}
    federated = emulator.directory.find_user(pool_id, f"{name}_{value}") \
        if attribute in ("", SUBJECT) else None
    if federated is None:
        raise UserNotFoundException("User does not exist.")
    # A federated user who signed up: the lab disables the profile, so that IdP identity
    # can no longer sign in (AWS: "Prevents the user from signing in with the specified
    # external ... IdP"); AdminEnableUser lets it back in.
    emulator.moto.idp("AdminDisableUser", UserPoolId=pool_id, Username=federated.username)
    return {}
