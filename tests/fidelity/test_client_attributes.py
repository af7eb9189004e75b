"""What an app client may write and read: its WriteAttributes and ReadAttributes.

AWS, "User pool attributes" (/cognito/latest/developerguide/user-pool-settings-attributes.html),
section "Attribute permissions and scopes": "If an app tries to update an attribute that
is not writable, the app gets a NotAuthorizedException"; GetUser and the ID token carry
only the attributes the client may read; "Required attributes in a user pool are always
writable". UserPoolClientType ``WriteAttributes`` / ``ReadAttributes`` (API Reference) give
the defaults when a client lists none. The admin operations are authorized by IAM, not by
an app client. moto enforces none of it.
"""

from __future__ import annotations

import uuid

from cognito_lab.api import decode_unverified
from cognito_lab.lab import new_password

from .conftest import Accepted, Refused, Target, attempt, expect

UNAUTHORIZED = Refused("NotAuthorizedException",
                       "A client attempted to write unauthorized attribute")
PASSWORD_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def sign_up(target: Target, client_id: str, **attributes: str):
    email = f"perm-{uuid.uuid4().hex[:10]}@example.com"
    return attempt(target.idp.sign_up, ClientId=client_id, Username=email,
                   Password=new_password(),
                   UserAttributes=[{"Name": "email", "Value": email}]
                   + [{"Name": k, "Value": v} for k, v in attributes.items()])


def test_sign_up_refuses_an_attribute_the_client_may_not_write(target):
    """SignUp through a client whose WriteAttributes is ["email"] can't set custom:tenant_id.

    AWS: "User pool attributes", attribute permissions and scopes (NotAuthorizedException);
    UserPoolClientType WriteAttributes.
    """
    client = target.new_client(WriteAttributes=["email"])
    out = sign_up(target, client["ClientId"], **{"custom:tenant_id": "acme"})
    expect(target, out, aws=UNAUTHORIZED, moto=Accepted())


def test_the_templates_public_client_cannot_write_the_tenant(target):
    """The course's web client lists no custom:tenant_id: nobody picks their own tenant.

    AWS: "User pool attributes", attribute permissions and scopes; UserPoolClientType
    WriteAttributes (the template sets it on the web and server clients).
    """
    out = sign_up(target, target.app("web").client_id, **{"custom:tenant_id": "acme"})
    expect(target, out, aws=UNAUTHORIZED, moto=Accepted())
    plain = sign_up(target, target.app("web").client_id)
    expect(target, plain, aws=Accepted(), moto=Accepted())


def test_required_attributes_are_always_writable(target):
    """email is Required in the course pool: a client whose list omits it still signs up
    (the lab applies this at sign-up; UpdateUserAttributes follows the list).

    AWS: "User pool attributes" ("Required attributes in a user pool are always writable").
    """
    client = target.new_client(WriteAttributes=["name"])
    out = sign_up(target, client["ClientId"], name="Dave")
    expect(target, out, aws=Accepted(), moto=Accepted())


def test_a_client_without_a_list_may_not_write_verified_flags(target):
    """No WriteAttributes: the pool's attributes, not email_verified (a user can't vouch
    for their own address).

    AWS: UserPoolClientType WriteAttributes ("When you don't specify the WriteAttributes for
    your app client, your app can write the values of the Standard attributes"); ReadAttributes
    names email_verified and phone_number_verified separately.
    """
    client = target.new_client()
    out = sign_up(target, client["ClientId"], email_verified="true")
    expect(target, out, aws=UNAUTHORIZED, moto=Accepted())
    custom = sign_up(target, client["ClientId"], **{"custom:tenant_id": "acme"})
    expect(target, custom, aws=Accepted(), moto=Accepted())


def test_update_user_attributes_follows_write_attributes(target):
    """A mutable attribute outside the client's list can't be changed with its token.

    AWS: "User pool attributes", attribute permissions and scopes; UpdateUserAttributes.
    """
    client = target.new_client(WriteAttributes=["email"], ExplicitAuthFlows=PASSWORD_FLOWS)
    user = target.new_user()
    token = target.password_sign_in(user, client_id=client["ClientId"])
    out = attempt(target.idp.update_user_attributes,
                  AccessToken=token["AuthenticationResult"]["AccessToken"],
                  UserAttributes=[{"Name": "name", "Value": "Mallory"}])
    expect(target, out, aws=UNAUTHORIZED, moto=Accepted())


def test_admin_operations_are_not_limited_by_app_clients(target):
    """AdminCreateUser sets custom:tenant_id whatever any client may write (IAM decides).

    AWS: "User pool attributes" (an administrator or a background process updates what
    apps may only read); AdminCreateUser.
    """
    email = f"admin-{uuid.uuid4().hex[:10]}@example.com"
    out = attempt(target.idp.admin_create_user, UserPoolId=target.pool_id, Username=email,
                  MessageAction="SUPPRESS", TemporaryPassword=new_password(),
                  UserAttributes=[{"Name": "email", "Value": email},
                                  {"Name": "custom:tenant_id", "Value": "acme"}])
    expect(target, out, aws=Accepted(), moto=Accepted())


def test_get_user_and_the_id_token_follow_read_attributes(target):
    """A client that may read only email gets no custom:tenant_id, in GetUser or its ID token.

    AWS: "User pool attributes" ("An app calling GetUser only receives the attributes that
    are readable for that app. The ID token ... only contains claims corresponding to the
    readable attributes"); UserPoolClientType ReadAttributes.
    """
    client = target.new_client(ReadAttributes=["email"], ExplicitAuthFlows=PASSWORD_FLOWS)
    user = target.new_user(tenant="acme")
    result = target.password_sign_in(user, client_id=client["ClientId"])["AuthenticationResult"]
    claims = decode_unverified(result["IdToken"]).payload
    got = target.idp.get_user(AccessToken=result["AccessToken"])
    names = {a["Name"] for a in got["UserAttributes"]}
    hidden = "custom:tenant_id" not in claims and "custom:tenant_id" not in names
    if target.is_lab:
        assert hidden and claims["email"] == user.email and "email" in names
    else:
        assert not hidden, "moto now honours ReadAttributes: update docs/fidelity.md"
