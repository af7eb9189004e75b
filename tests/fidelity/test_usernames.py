"""Case-insensitive usernames: a pool created with UsernameConfiguration CaseSensitive false.

AWS: CreateUserPool ``UsernameConfiguration`` and UsernameConfigurationType (API Reference):
"When this option is set to False, users can sign in using username, USERNAME, or
UserName. This option also enables both preferred_username and email alias to be case
insensitive"; the default (True) is the exact capitalisation. AWS recommends False, and
the console sets it. moto compares names exactly.
"""

from __future__ import annotations

import uuid

from cognito_lab.lab import new_password

from .conftest import Accepted, Fails, Refused, Target, attempt, expect

FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH",
         "ALLOW_REFRESH_TOKEN_AUTH"]


def insensitive_pool(target: Target, **settings) -> tuple[str, str]:
    """A new case-insensitive pool (email as username unless told) and a password client."""
    settings.setdefault("UsernameAttributes", ["email"])
    settings.setdefault("Policies", {"PasswordPolicy": {"MinimumLength": 12,
                                                        "RequireSymbols": False}})
    pool = target.idp.create_user_pool(
        PoolName=f"ci-{uuid.uuid4().hex[:10]}", UsernameConfiguration={"CaseSensitive": False},
        **settings)["UserPool"]
    client = target.idp.create_user_pool_client(UserPoolId=pool["Id"], ClientName="app",
                                                ExplicitAuthFlows=FLOWS)["UserPoolClient"]
    return pool["Id"], client["ClientId"]


def make_user(target: Target, pool_id: str, username: str, **attributes: str) -> str:
    password = new_password()
    target.idp.admin_create_user(UserPoolId=pool_id, Username=username,
                                 MessageAction="SUPPRESS", TemporaryPassword=new_password(),
                                 UserAttributes=[{"Name": k, "Value": v}
                                                 for k, v in attributes.items()])
    target.idp.admin_set_user_password(UserPoolId=pool_id, Username=username,
                                       Password=password, Permanent=True)
    return password


def sign_in(target: Target, client_id: str, username: str, password: str):
    return attempt(target.idp.initiate_auth, ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                   AuthParameters={"USERNAME": username, "PASSWORD": password})


def test_any_capitalisation_signs_in(target):
    """alice@example.com signs in as Alice@Example.COM in a case-insensitive pool.

    AWS: UsernameConfigurationType CaseSensitive ("users can sign in using username,
    USERNAME, or UserName"; the email alias too).
    """
    pool_id, client_id = insensitive_pool(target)
    password = make_user(target, pool_id, "alice@example.com")
    out = sign_in(target, client_id, "Alice@Example.COM", password)
    expect(target, out, aws=Accepted(lambda v: "AuthenticationResult" in v), moto=Fails())


def test_admin_operations_find_the_user_in_any_capitalisation(target):
    """AdminGetUser, AdminAddUserToGroup, AdminListGroupsForUser with another capitalisation.

    AWS: UsernameConfigurationType ("case insensitivity for all username input").
    """
    pool_id, _ = insensitive_pool(target)
    make_user(target, pool_id, "Carol@Example.com")
    target.idp.create_group(UserPoolId=pool_id, GroupName="members")
    out = attempt(target.idp.admin_get_user, UserPoolId=pool_id, Username="carol@example.com")
    expect(target, out, aws=Accepted(lambda v: {"Name": "email", "Value": "Carol@Example.com"}
                                     in v["UserAttributes"]), moto=Fails())
    if target.is_lab:
        target.idp.admin_add_user_to_group(UserPoolId=pool_id, Username="CAROL@EXAMPLE.COM",
                                           GroupName="members")
        groups = target.idp.admin_list_groups_for_user(UserPoolId=pool_id,
                                                       Username="carol@example.COM")["Groups"]
        assert [g["GroupName"] for g in groups] == ["members"]


def test_sign_up_uniqueness_ignores_case(target):
    """A second SignUp of ALICE@example.com is the same user: UsernameExistsException.

    AWS: UsernameConfigurationType; SignUp errors (UsernameExistsException).
    """
    pool_id, client_id = insensitive_pool(target)
    make_user(target, pool_id, "alice@example.com")
    out = attempt(target.idp.sign_up, ClientId=client_id, Username="ALICE@example.com",
                  Password=new_password())
    expect(target, out, aws=Refused("UsernameExistsException"), moto=Accepted())


def test_preferred_username_alias_ignores_case(target):
    """Username and preferred_username alias both match in any capitalisation.

    AWS: UsernameConfigurationType ("enables both preferred_username and email alias to be
    case insensitive, in addition to the username attribute").
    """
    pool_id, client_id = insensitive_pool(target, UsernameAttributes=[],
                                          AliasAttributes=["preferred_username"])
    password = make_user(target, pool_id, "dave", preferred_username="DaveTheBrave")
    by_alias = sign_in(target, client_id, "davethebrave", password)
    by_name = sign_in(target, client_id, "DAVE", password)
    expect(target, by_alias, aws=Accepted(), moto=Fails())
    expect(target, by_name, aws=Accepted(), moto=Fails())


def test_the_default_stays_case_sensitive(target):
    """The course pool sets no UsernameConfiguration: the default, exact capitalisation.

    AWS: UsernameConfigurationType ("True ... This is the default value").
    """
    user = target.users["alice"]
    app = target.app("server")
    from cognito_lab.client import secret_hash
    shouted = user.username.upper()
    out = attempt(target.idp.initiate_auth, ClientId=app.client_id,
                  AuthFlow="USER_PASSWORD_AUTH",
                  AuthParameters={"USERNAME": shouted, "PASSWORD": user.password,
                                  "SECRET_HASH": secret_hash(shouted, app.client_id,
                                                             app.client_secret)})
    expect(target, out, aws=Refused("NotAuthorizedException", "Incorrect username or password."),
           moto=Fails())
