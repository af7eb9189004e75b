"""AttributeMapping: the user pool attributes a federated sign-in writes, checked as Cognito
checks them before it writes any.

AWS, "Specifying identity provider attribute mappings for your user pool" (now "Mapping IdP
attributes to profiles and tokens"), "Things to know about mappings":

- the mapping is *user pool attribute -> the IdP's name for it*: an OIDC claim (ID token or
  userInfo), a SAML attribute, or the IdP's own ``access_token`` / ``id_token``
  (``hosted_ui/idp_response.py`` offers them); ``username`` is not mapped this way (the
  username comes from the IdP's subject, ``federated_users.py``);
- "a mapping must be present for each user pool attribute that your user pool requires":
  a first sign-in that would make a profile without a required attribute is refused;
- "the maximum value length of 2,048 characters must be large enough for the value that
  Amazon Cognito obtains from the IdP. Otherwise, Amazon Cognito reports an error when
  users sign in", and Cognito "doesn't support mapping IdP tokens to custom attributes when
  the tokens are more than 2,048 characters long": a value longer than its attribute's
  MaxLength (2,048 at most) refuses the sign-in.

Lab vs AWS: AWS documents neither error's wording (its error descriptions "are not fixed
strings"); the lab's say which attribute and why, in the ``Invalid user attributes: ...``
form AWS uses for mapped attributes. AWS doesn't say what "doesn't support" does with a
longer token: the lab refuses the sign-in, as for any value too long for its attribute.
"""

from __future__ import annotations

import json

from .attributes import missing_required, schema_of

MAX_VALUE_CHARS = 2048


def mapped_attributes(mapping: dict, claims: dict) -> dict[str, str]:
    """AttributeMapping: user pool attribute -> IdP claim (``username`` names the sub)."""
    values: dict[str, str] = {}
    for attribute, claim in mapping.items():
        if attribute == "username" or claim not in claims:
            continue
        value = claims[claim]
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif not isinstance(value, str):
            value = json.dumps(value)
        values[attribute] = value
    return values


def unmapped_required(pool: dict, attributes: dict[str, str]) -> str | None:
    """Why a new profile with these mapped attributes lacks a required one, or None."""
    missing = missing_required(pool, attributes)
    if not missing:
        return None
    return "Invalid user attributes: " + "; ".join(
        f"user.{name}: The attribute is required" for name in missing) + (
        ". (the identity provider sent no value the provider's AttributeMapping maps to "
        "it: a mapping must be present for each attribute the user pool requires)")


def too_long(pool: dict, attributes: dict[str, str]) -> str | None:
    """Why a mapped value doesn't fit its attribute (StringAttributeConstraints MaxLength,
    2,048 characters at most), or None."""
    schema = schema_of(pool)
    for name, value in attributes.items():
        limits = (schema.get(name) or {}).get("StringAttributeConstraints") or {}
        try:
            limit = min(int(limits.get("MaxLength") or MAX_VALUE_CHARS), MAX_VALUE_CHARS)
        except (TypeError, ValueError):
            limit = MAX_VALUE_CHARS
        if len(value) > limit:
            return (f"Invalid user attributes: user.{name}: String must be no longer than "
                    f"{limit} characters. (the identity provider's value has {len(value)}: "
                    "a mapped attribute's maximum length must be large enough for it)")
    return None
