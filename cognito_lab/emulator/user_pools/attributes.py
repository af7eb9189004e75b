"""User attributes against the pool's schema, as Cognito checks them.

AWS, "Working with user attributes": custom attributes are declared in the pool's Schema
("custom:" + name), with StringAttributeConstraints (MinLength/MaxLength) or
NumberAttributeConstraints, and "you can't change the value of an immutable attribute
after the user is created" (Mutable false). An attribute the schema doesn't declare is
refused, and so are required attributes left out at sign-up. moto checks none of this
(and its DescribeUserPool lists only the attributes the template names, so the standard
ones are added back here).

Who may write an attribute is another matter: the app client's WriteAttributes ("User
pool attributes", attribute permissions and scopes: "If an app tries to update an
attribute that is not writable, the app gets a NotAuthorizedException"; "Required
attributes in a user pool are always writable" — the lab reads that as: at sign-up, where
the user must give them). It applies to what users write through a
client — SignUp, UpdateUserAttributes, DeleteUserAttributes — never to the admin
operations, which IAM authorizes. A client without a WriteAttributes list writes the
pool's attributes but not the ``*_verified`` flags (UserPoolClientType WriteAttributes:
"your app can write the values of the Standard attributes"; ``dev:`` attributes are
read-only to every client). Reads follow ReadAttributes (GetUser, the ID token, userInfo).
"""

from __future__ import annotations

from ..errors import InvalidParameterException, NotAuthorizedException

STANDARD = ("address", "birthdate", "email", "email_verified", "family_name", "gender",
            "given_name", "locale", "middle_name", "name", "nickname", "phone_number",
            "phone_number_verified", "picture", "preferred_username", "profile", "sub",
            "updated_at", "website", "zoneinfo")
_STRING_MAX = {"sub": 2048}


def schema_of(pool: dict) -> dict[str, dict]:
    """Every attribute of a pool: the standard ones plus what SchemaAttributes declares."""
    schema: dict[str, dict] = {
        name: {"Name": name, "AttributeDataType": "Boolean" if name.endswith("_verified")
               else "String", "Mutable": name != "sub", "Required": False,
               "StringAttributeConstraints": {"MinLength": "0",
                                              "MaxLength": str(_STRING_MAX.get(name, 2048))}}
        for name in STANDARD}
    for attribute in pool.get("SchemaAttributes") or []:
        schema[attribute["Name"]] = {**schema.get(attribute["Name"], {}), **attribute}
    return schema


def as_dict(attributes: list[dict] | None) -> dict[str, str]:
    if attributes is None:
        return {}
    if not isinstance(attributes, list) or not all(
            isinstance(a, dict) and "Name" in a for a in attributes):
        raise InvalidParameterException("User attributes must be a list of {Name, Value} objects")
    return {str(a["Name"]): str(a.get("Value", "")) for a in attributes}


def _problem(name: str, value: str, spec: dict) -> str | None:
    if spec.get("AttributeDataType") == "Number":
        try:
            number = float(value)
        except ValueError:
            return "Number attribute value is not a number"
        limits = spec.get("NumberAttributeConstraints") or {}
        if limits.get("MinValue") not in (None, "") and number < float(limits["MinValue"]):
            return f"Number must be at least {limits['MinValue']}"
        if limits.get("MaxValue") not in (None, "") and number > float(limits["MaxValue"]):
            return f"Number must be at most {limits['MaxValue']}"
        return None
    if spec.get("AttributeDataType") == "Boolean":
        return None if value in ("true", "false") else "Boolean attribute must be true or false"
    limits = spec.get("StringAttributeConstraints") or {}
    if limits.get("MaxLength") not in (None, "") and len(value) > int(limits["MaxLength"]):
        return f"String must be no longer than {limits['MaxLength']} characters"
    if limits.get("MinLength") not in (None, "") and len(value) < int(limits["MinLength"]):
        return f"String must be at least {limits['MinLength']} characters long"
    return None


def check_attributes(pool: dict, attributes: dict[str, str], *, creating: bool) -> None:
    """Refuse undeclared attributes, bad values, and (after creation) immutable changes."""
    schema = schema_of(pool)
    for name, value in attributes.items():
        spec = schema.get(name)
        if spec is None or name.startswith("dev:"):
            raise InvalidParameterException(f"user.{name}: Attribute does not exist in the schema.")
        if not creating and (name == "sub" or not spec.get("Mutable", True)):
            raise InvalidParameterException(
                f"user.{name}: Attribute cannot be updated. (changing an immutable attribute)")
        if creating and name == "sub":
            raise InvalidParameterException("user.sub: Attribute cannot be updated. "
                                            "(changing an immutable attribute)")
        problem = _problem(name, value, spec)
        if problem:
            raise InvalidParameterException(f"user.{name}: {problem}")


VERIFIED_FLAGS = ("email_verified", "phone_number_verified")
UNAUTHORIZED_WRITE = "A client attempted to write unauthorized attribute"


def writable_by_client(pool: dict, listed: list[str] | None, *,
                       signing_up: bool = False) -> set[str]:
    """The attributes an app client may write: its WriteAttributes (None: AWS's default,
    every attribute but ``sub``, the verified flags and ``dev:`` ones), plus, at sign-up,
    the pool's required attributes (a new user must be able to give them)."""
    schema = schema_of(pool)
    if listed is None:
        allowed = {name for name in schema if name != "sub" and name not in VERIFIED_FLAGS
                   and not name.startswith("dev:")}
    else:
        allowed = set(listed)
    if signing_up:
        allowed |= {name for name, spec in schema.items()
                    if spec.get("Required") and name != "sub"}
    return allowed


def check_writable(pool: dict, listed: list[str] | None, names, *,
                   signing_up: bool = False) -> None:
    """NotAuthorizedException if the client may not write one of ``names`` (checked before
    the schema: an attribute the client can't write is refused whatever its value)."""
    allowed = writable_by_client(pool, listed, signing_up=signing_up)
    if any(name not in allowed for name in names):
        raise NotAuthorizedException(UNAUTHORIZED_WRITE)


def missing_required(pool: dict, attributes: dict[str, str]) -> list[str]:
    """Required attributes (Schema Required: true) with no value."""
    return [name for name, spec in schema_of(pool).items()
            if spec.get("Required") and name != "sub" and not attributes.get(name)]


def check_required(pool: dict, attributes: dict[str, str]) -> None:
    missing = missing_required(pool, attributes)
    if missing:
        raise InvalidParameterException("Attributes did not conform to the schema: " + "".join(
            f"{name}: The attribute is required\n" for name in missing).rstrip("\n"))


def with_username_attribute(pool: dict, username: str, attributes: dict[str, str]) -> dict:
    """In a pool that signs in with email (or phone), the username *is* that attribute."""
    result = dict(attributes)
    for kind in pool.get("UsernameAttributes") or []:
        if (kind == "email" and "@" in username) or (kind == "phone_number"
                                                     and username.startswith("+")):
            result.setdefault(kind, username)
            break
    return result
