"""Case-insensitive usernames (UsernameConfiguration CaseSensitive: false).

AWS, CreateUserPool ``UsernameConfiguration`` (UsernameConfigurationType): with
``CaseSensitive: false`` users sign in as "username", "USERNAME" or "UserName" alike, and
the ``preferred_username`` and ``email`` aliases are case insensitive too — for sign-in,
for the admin operations that name a user, and for uniqueness (a second SignUp of
ALICE@example.com is UsernameExistsException). AWS recommends it; the console sets it.
moto compares names exactly. The lab looks the stored user up case-insensitively
(``Directory.stored_username``) and gives moto that user's real name.

Operations the lab otherwise leaves to moto, but that name a user, pass through here so
their ``Username`` is put right first.
"""

from __future__ import annotations

from ..operations import Call


def canonical_params(call: Call) -> dict:
    """The call's parameters, with ``Username`` naming the stored user (if one matches)."""
    username = call.param("Username")
    canonical = call.emulator.directory.canonical_username(call.param("UserPoolId"), username)
    return call.params if canonical == username else {**call.params, "Username": canonical}


def user_named_by_an_administrator(call: Call) -> dict:
    return call.forward(canonical_params(call))
