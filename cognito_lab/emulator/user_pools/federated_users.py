"""The user an external IdP signs in: created, updated, linked and grouped as Cognito does.

AWS, "Adding user pool sign-in through a third party", "Specifying identity provider
attribute mappings for your user pool", "Linking federated users to an existing user
profile" and "Pre sign-up Lambda trigger". Every protocol (OIDC, SAML, social) ends here
with the provider as DescribeIdentityProvider returns it and the claims (or SAML
attributes) the IdP stated:

- an identity linked with AdminLinkProviderForUser (``provider_links``) signs in as the
  linked user: their username and ``sub``, the mapped attributes written to them;
- otherwise the username is ``<ProviderName>_<subject>``, also in a pool whose users sign
  in with an email or phone number (UsernameAttributes), whatever the AttributeMapping
  maps to ``username`` (Cognito "derives the username attribute ... from specific
  claims"); in a case-insensitive pool the subject is lowercased
  (``MySAML_testuser@example.com``); its ``identities`` attribute records the provider and
  that subject; UserStatus is EXTERNAL_PROVIDER (AdminGetUser, ListUsers: "User signed in
  with a third-party IdP");
- the mapped values are checked before anything is written (``attribute_mapping.py``): one
  too long for its attribute refuses the sign-in, and so does a first sign-in that maps
  nothing to a required attribute;
- at the first sign-in the pre sign-up trigger runs (``PreSignUp_ExternalProvider``, the
  mapped attributes in ``userAttributes``): if it fails, so does the sign-in; if it linked
  the identity (the pattern AWS shows for consolidating users), the user signs in as the
  linked user and no ``<ProviderName>_<subject>`` profile is made;
- the provider's AttributeMapping is applied on every sign-in, and "Amazon Cognito must be
  able to update your mapped user pool attributes": a mapped attribute that is immutable
  (after the first sign-in) or that the app client can't write (its WriteAttributes) refuses
  the sign-in, "Invalid user attributes: ...", back to the app;
- the user joins the group ``<user pool id>_<ProviderName>``.

Lab vs AWS, where AWS's pages are silent: a client *without* a WriteAttributes list writes
every mapped attribute, the ``*_verified`` flags included (AWS recommends mapping
``email_verified``); the pre sign-up response flags are ignored for a federated user; a
linked user does not join the provider's group; a *native* user who holds the name
``<ProviderName>_<subject>`` is never signed in by the IdP (refused instead). The inbound
federation trigger (2025) is not run: a pool that sets one refuses federated sign-in with
a clear description rather than skip it (the lab could not read AWS's response semantics
for it).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import CognitoError
from ..operations import Call
from .attribute_mapping import mapped_attributes, too_long, unmapped_required
from .attributes import schema_of, writable_by_client
from .pool_settings import change_pool
from .provider_links import SUBJECT, ProviderLink, identity_entry, relink_by_subject

if TYPE_CHECKING:
    from .. import Emulator
    from .directory import User

EXTERNAL_PROVIDER = "EXTERNAL_PROVIDER"


class FederatedSignInRefused(Exception):
    """Cognito refuses this federated sign-in; the description goes back to the app
    (``error=invalid_request&error_description=...``, AWS "Managed login and federation
    error responses")."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def federated_user(emulator: Emulator, pool_id: str, provider: dict, claims: dict, *,
                   client_id: str | None = None, issuer: str | None = None) -> str:
    """Create, update or find the user that ``provider``'s ``claims`` sign in as, for the
    app client ``client_id``; return their username. ``claims["sub"]`` is the IdP's subject
    (an OIDC ``sub``, a SAML NameID); ``issuer``, the SAML IdP's entityID, goes into the
    ``identities`` entry (null for OIDC and social providers, as in AWS's examples)."""
    name = provider["ProviderName"]
    sub = claims["sub"]
    pool = emulator.directory.pool(pool_id)
    if (pool.get("LambdaConfig") or {}).get("InboundFederation"):
        raise FederatedSignInRefused(
            "The lab does not run inbound federation Lambda triggers (LambdaConfig "
            "InboundFederation); on AWS it would transform the IdP's attributes here. "
            "Remove it from the pool to sign in.")
    attributes = mapped_attributes(provider.get("AttributeMapping") or {}, claims)
    refusal = too_long(pool, attributes)
    if refusal:
        raise FederatedSignInRefused(refusal)
    writes = _client_writes(emulator, pool_id, client_id)
    linked = _link_of(emulator, pool_id, name, sub, attributes)
    if linked is not None:
        return _signed_in_as_linked(emulator, pool, pool_id, linked, sub, attributes, writes)
    user_id = username_source(emulator, pool_id, sub)
    username = f"{name}_{user_id}"
    existing = emulator.directory.find_user(pool_id, username)
    if existing is not None:
        if not is_external(existing.username, existing.attributes):
            # a native user who took the name (SignUp "Corp_<sub>"): never hand it to the IdP
            raise FederatedSignInRefused(f"User {username} already exists and is not a "
                                         f"{name} user.")
        username = _signed_in_again(emulator, pool, pool_id, existing, attributes, writes)
    else:
        refusal = unmapped_required(pool, attributes)
        if refusal:
            raise FederatedSignInRefused(refusal)
        check_mapped_writable(pool, writes, attributes, first_sign_in=True)
        try:
            emulator.triggers.pre_sign_up(pool_id, "PreSignUp_ExternalProvider", username,
                                          client_id, attributes, None, None, pool=pool)
        except CognitoError as error:
            raise FederatedSignInRefused(error.message) from error
        linked = _link_of(emulator, pool_id, name, sub, attributes)   # by the trigger?
        if linked is not None:
            return _signed_in_as_linked(emulator, pool, pool_id, linked, sub, attributes,
                                        writes)
        identities = [identity_entry(emulator, provider, user_id, primary=True,
                                     issuer=issuer)]
        create_in_moto(emulator, pool, pool_id, username,
                       {**attributes, "identities": json.dumps(identities)})
    _join_provider_group(emulator, pool_id, name, username)
    return username


def username_source(emulator: Emulator, pool_id: str, subject: str) -> str:
    """The part of ``<ProviderName>_<...>`` the IdP's subject gives (an OIDC or Google
    ``sub``, a SAML NameID): lowercased in a case-insensitive pool (AWS's example:
    ``MySAML_testuser@example.com``), the provider's name kept as it is."""
    return subject.lower() if emulator.directory.case_insensitive(pool_id) else subject


# -- who may write what ------------------------------------------------------------------------
@dataclass(frozen=True)
class _Writes:
    """The app client's WriteAttributes (None: the client's default), or no client at all."""

    known: bool
    listed: list[str] | None


def _client_writes(emulator: Emulator, pool_id: str, client_id: str | None) -> _Writes:
    if not client_id:
        return _Writes(False, None)
    return _Writes(True, emulator.directory.client(pool_id, client_id).write_attributes)


def _refused(attribute: str, why: str) -> FederatedSignInRefused:
    return FederatedSignInRefused(
        f"Invalid user attributes: user.{attribute}: Attribute cannot be updated. ({why})")


def check_mapped_writable(pool: dict, writes: _Writes, attributes: dict[str, str], *,
                          first_sign_in: bool) -> None:
    """AWS, "Specifying identity provider attribute mappings": mapped attributes "must be
    mutable" and "must be writable" by the app client; else Cognito "reports an error".
    The first sign-in writes them as a sign-up does (required attributes always writable,
    immutable ones set once)."""
    schema = schema_of(pool)
    if not first_sign_in:
        for attribute in attributes:
            if not schema.get(attribute, {}).get("Mutable", True):
                raise _refused(attribute, "changing an immutable attribute: a mapped "
                               "attribute must be mutable")
    if writes.known and writes.listed is not None:
        allowed = writable_by_client(pool, writes.listed, signing_up=first_sign_in)
        for attribute in attributes:
            if attribute not in allowed:
                raise _refused(attribute, "the app client can't write it: a mapped "
                               "attribute must be in the client's WriteAttributes")


# -- signing in ---------------------------------------------------------------------------------
def _link_of(emulator: Emulator, pool_id: str, provider: str, sub: str,
             attributes: dict[str, str]) -> tuple[ProviderLink, User] | None:
    """The AdminLinkProviderForUser link this identity hits, and the user it signs in as."""
    links = emulator.provider_links
    link = links.match(pool_id, provider, {SUBJECT: sub, **attributes})
    if link is None:
        return None
    user = emulator.directory.find_user(pool_id, link.destination)
    if user is None:              # the linked user was deleted, and the link with them
        links.remove(pool_id, link)
        return None
    return link, user


def _signed_in_as_linked(emulator: Emulator, pool: dict, pool_id: str,
                         linked: tuple[ProviderLink, User], sub: str,
                         attributes: dict[str, str], writes: _Writes) -> str:
    link, user = linked
    username = _signed_in_again(emulator, pool, pool_id, user, attributes, writes)
    relink_by_subject(emulator, pool_id, link, sub)
    return username


def _signed_in_again(emulator: Emulator, pool: dict, pool_id: str, user: User,
                     attributes: dict[str, str], writes: _Writes) -> str:
    if not user.enabled:
        raise FederatedSignInRefused("User is disabled.")
    check_mapped_writable(pool, writes, attributes, first_sign_in=False)
    # Cognito rewrites every mapped attribute; rewriting an equal value changes nothing
    changed = {k: v for k, v in attributes.items() if user.attributes.get(k) != v}
    if changed:
        with username_attributes_lifted(emulator, pool, pool_id):
            emulator.moto.idp("AdminUpdateUserAttributes", UserPoolId=pool_id,
                              Username=user.username,
                              UserAttributes=[{"Name": k, "Value": v}
                                              for k, v in changed.items()])
    return user.username


@contextmanager
def username_attributes_lifted(emulator: Emulator, pool: dict, pool_id: str) -> Iterator[None]:
    """moto refuses a username that isn't an email or phone number in a pool with
    UsernameAttributes, and an email another profile holds (AWS doesn't, for a federated
    ``<ProviderName>_<sub>`` and its mapped email): for the instant of the write the lab
    lifts the pool's UsernameAttributes in moto, one write at a time."""
    kinds = pool.get("UsernameAttributes") or []
    if not kinds:
        yield
        return
    with emulator.provider_links.username_attributes_lock:
        change_pool(emulator, pool_id, UsernameAttributes=[])
        try:
            yield
        finally:
            change_pool(emulator, pool_id, UsernameAttributes=kinds)


def create_in_moto(emulator: Emulator, pool: dict, pool_id: str, username: str,
                   attributes: dict[str, str]) -> None:
    """AdminCreateUser in moto; the user has a password nobody knows: they sign in through
    the IdP only."""
    with username_attributes_lifted(emulator, pool, pool_id):
        emulator.moto.idp("AdminCreateUser", UserPoolId=pool_id, Username=username,
                          MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()])
    emulator.moto.idp("AdminSetUserPassword", UserPoolId=pool_id, Username=username,
                      Password=secrets.token_urlsafe(24) + "aA1!", Permanent=True)


def _join_provider_group(emulator: Emulator, pool_id: str, provider: str,
                         username: str) -> None:
    moto = emulator.moto
    group = f"{pool_id}_{provider}"
    try:
        moto.idp("GetGroup", UserPoolId=pool_id, GroupName=group)
    except CognitoError:
        moto.idp("CreateGroup", UserPoolId=pool_id, GroupName=group,
                 Description=f"Autogenerated group for users who sign in using {provider}")
    moto.idp("AdminAddUserToGroup", UserPoolId=pool_id, Username=username, GroupName=group)


# -- UserStatus EXTERNAL_PROVIDER ---------------------------------------------------------------
def is_external(username: str, attributes: dict[str, str]) -> bool:
    """A profile an IdP sign-in created: ``<ProviderName>_<userId>`` of its primary
    identity (a linked native user's identities are not primary)."""
    try:
        identities = json.loads(attributes.get("identities") or "[]")
    except ValueError:
        return False
    return isinstance(identities, list) and any(
        isinstance(entry, dict) and entry.get("primary") == "true"
        and username == f"{entry.get('providerName')}_{entry.get('userId')}"
        for entry in identities)


def with_external_status(user: dict, attributes_key: str = "Attributes") -> dict:
    """A UserType (or AdminGetUser answer) with the status Cognito shows a federated user
    (moto, which holds them with a password nobody knows, says CONFIRMED)."""
    values = {a["Name"]: a.get("Value", "") for a in user.get(attributes_key) or []}
    if is_external(user.get("Username", ""), values):
        return {**user, "UserStatus": EXTERNAL_PROVIDER}
    return user


STATUS_FILTER = re.compile(r'^\s*cognito:user_status\s*(\^?=)\s*"([^"]*)"\s*$')
LAB_TOKEN = "cognito-lab-status-filter:"


def list_users(call: Call) -> dict:
    """ListUsers with each federated user's status EXTERNAL_PROVIDER, also in a
    ``cognito:user_status`` Filter (which the lab then applies itself)."""
    params = dict(call.params)
    wanted = params.get("AttributesToGet")
    if wanted:
        params["AttributesToGet"] = [*wanted, "identities"]

    def shown(users: list[dict]) -> list[dict]:
        users = [with_external_status(user) for user in users]
        if wanted and "identities" not in wanted:
            users = [{**user, "Attributes": [a for a in user.get("Attributes") or []
                                             if a["Name"] != "identities"]} for user in users]
        return users

    status = STATUS_FILTER.match(params.get("Filter") or "")
    if status is None:
        forwarded = call.forward(params)
        return {**forwarded, "Users": shown(forwarded.get("Users", []))}
    operator, value = status.groups()
    everyone: list[dict] = []
    page: dict = {}
    while True:
        token = page.get("PaginationToken")
        page = call.forward({k: v for k, v in params.items()
                             if k not in ("Filter", "Limit", "PaginationToken")}
                            | ({"PaginationToken": token} if token else {}))
        everyone += page.get("Users", [])
        if not page.get("PaginationToken"):
            break
    matching = [user for user in shown(everyone)
                if (user.get("UserStatus", "") == value if operator == "="
                    else user.get("UserStatus", "").startswith(value))]
    given = str(params.get("PaginationToken") or "")
    start = int(given[len(LAB_TOKEN):]) if given.startswith(LAB_TOKEN) \
        and given[len(LAB_TOKEN):].isdigit() else 0
    end = start + int(params.get("Limit") or 60)
    answer: dict = {"Users": matching[start:end]}
    if end < len(matching):
        answer["PaginationToken"] = f"{LAB_TOKEN}{end}"
    return answer
