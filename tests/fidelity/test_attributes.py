"""User attributes against the pool's schema (the template's custom:tenant_id is
immutable, 1 to 36 characters)."""

from __future__ import annotations

import pytest

from cognito_lab.lab import new_password

from .conftest import Accepted, Refused, Target, attempt, expect

IMMUTABLE = Refused("InvalidParameterException",
                    "user.custom:tenant_id: Attribute cannot be updated. (changing an "
                    "immutable attribute)")


def create_user(target: Target, **attributes: str):
    email = f"attr-{new_password()[:8].lower()}@example.com"
    return attempt(target.idp.admin_create_user, UserPoolId=target.pool_id, Username=email,
                   MessageAction="SUPPRESS", TemporaryPassword=new_password(),
                   UserAttributes=[{"Name": "email", "Value": email}]
                   + [{"Name": k, "Value": v} for k, v in attributes.items()])


def test_admin_cannot_change_an_immutable_attribute(target):
    """AdminUpdateUserAttributes can't change an attribute declared Mutable: false.

    AWS: "Working with user attributes" ("you can't change the value of an immutable
    attribute after the user is created") (/cognito/latest/developerguide/
    user-pool-settings-attributes.html).
    """
    user = target.new_user(tenant="acme")
    out = attempt(target.idp.admin_update_user_attributes, UserPoolId=target.pool_id,
                  Username=user.username,
                  UserAttributes=[{"Name": "custom:tenant_id", "Value": "globex"}])
    expect(target, out, aws=IMMUTABLE, moto=Accepted())


def test_user_cannot_change_an_immutable_attribute(target):
    """UpdateUserAttributes (with the user's own access token) can't either.

    AWS: "Working with user attributes" (/cognito/latest/developerguide/
    user-pool-settings-attributes.html) and UpdateUserAttributes.
    """
    user = target.new_user(tenant="acme")
    # a client that may write the tenant (the template's may not): only immutability stops it
    client = target.new_client(ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH",
                                                  "ALLOW_REFRESH_TOKEN_AUTH"],
                               WriteAttributes=["email", "custom:tenant_id"])
    tokens = target.password_sign_in(user, client_id=client["ClientId"])
    out = attempt(target.idp.update_user_attributes,
                  AccessToken=tokens["AuthenticationResult"]["AccessToken"],
                  UserAttributes=[{"Name": "custom:tenant_id", "Value": "globex"}])
    expect(target, out, aws=IMMUTABLE, moto=Accepted())
    if target.is_lab:
        got = target.idp.admin_get_user(UserPoolId=target.pool_id, Username=user.username)
        assert {"Name": "custom:tenant_id", "Value": "acme"} in got["UserAttributes"]


@pytest.mark.parametrize("value, problem", [("x" * 37, "no longer than 36"),
                                            ("", "at least 1")])
def test_string_constraints_are_enforced(target, value, problem):
    """StringAttributeConstraints MaxLength / MinLength of a custom attribute.

    AWS: "Working with user attributes", custom attributes ("StringAttributeConstraints")
    (/cognito/latest/developerguide/user-pool-settings-attributes.html).
    """
    out = create_user(target, **{"custom:tenant_id": value})
    expect(target, out, aws=Refused("InvalidParameterException", contains=problem),
           moto=Accepted())


def test_undeclared_attributes_are_refused(target):
    """An attribute the schema doesn't declare.

    AWS: "Working with user attributes" (/cognito/latest/developerguide/
    user-pool-settings-attributes.html).
    """
    out = create_user(target, **{"custom:role": "admin"})
    expect(target, out,
           aws=Refused("InvalidParameterException",
                       "user.custom:role: Attribute does not exist in the schema."),
           moto=Accepted())
