"""SECRET_HASH: a client with a secret must prove it on every call that takes one."""

from __future__ import annotations

import re

import pytest

from cognito_lab.client import secret_hash
from cognito_lab.lab import new_password

from .conftest import Accepted, Fails, Refused, Target, attempt, expect


def missing(target: Target) -> Refused:
    return Refused("NotAuthorizedException",
                   f"Client {target.app('server').client_id} is configured with secret but "
                   "SECRET_HASH was not received")


def wrong(target: Target) -> Refused:
    return Refused("NotAuthorizedException",
                   f"Unable to verify secret hash for client {target.app('server').client_id}")


def sign_in(target: Target, user, **extra):
    return attempt(target.idp.initiate_auth, ClientId=target.app("server").client_id,
                   AuthFlow="USER_PASSWORD_AUTH",
                   AuthParameters={"USERNAME": user.username, "PASSWORD": user.password,
                                   **extra})


def test_password_sign_in_without_secret_hash_is_refused(target):
    """USER_PASSWORD_AUTH on a confidential client without SECRET_HASH.

    AWS: "Computing secret hash values" (/cognito/latest/developerguide/
    signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash).
    """
    expect(target, sign_in(target, target.new_user()), aws=missing(target), moto=Accepted())


def test_password_sign_in_with_a_wrong_secret_hash_is_refused(target):
    """A SECRET_HASH computed with the wrong secret.

    AWS: "Computing secret hash values" (/cognito/latest/developerguide/
    signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash).
    """
    user = target.new_user()
    bad = secret_hash(user.username, target.app("server").client_id, "not-the-secret")
    expect(target, sign_in(target, user, SECRET_HASH=bad), aws=wrong(target), moto=Accepted())


def test_the_right_secret_hash_is_accepted(target):
    """``cognito_lab.client.secret_hash`` computes what Cognito expects.

    AWS: "Computing secret hash values" (/cognito/latest/developerguide/
    signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash).
    """
    user = target.new_user()
    server = target.app("server")
    good = secret_hash(user.username, server.client_id, server.client_secret)
    ok = Accepted(lambda r: "AccessToken" in r["AuthenticationResult"])
    expect(target, sign_in(target, user, SECRET_HASH=good), aws=ok, moto=ok)


def test_admin_password_sign_in_checks_the_secret_hash(target):
    """ADMIN_USER_PASSWORD_AUTH on a confidential client needs SECRET_HASH too.

    AWS: AdminInitiateAuth, AuthParameters ("Add a SECRET_HASH parameter if your app
    client has a client secret") (/cognito-user-identity-pools/latest/APIReference/
    API_AdminInitiateAuth.html).
    """
    client = target.new_client(GenerateSecret=True,
                               ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"])
    user = target.new_user()
    out = attempt(target.idp.admin_initiate_auth, UserPoolId=target.pool_id,
                  ClientId=client["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                  AuthParameters={"USERNAME": user.username, "PASSWORD": user.password,
                                  "SECRET_HASH": "d3JvbmcgaGFzaA=="})
    expect(target, out, aws=Refused("NotAuthorizedException",
                                    f"Unable to verify secret hash for client "
                                    f"{client['ClientId']}"),
           moto=Accepted())


def test_sign_up_without_secret_hash_is_refused(target):
    """SignUp through a confidential client needs SecretHash.

    AWS: SignUp, SecretHash (/cognito-user-identity-pools/latest/APIReference/API_SignUp.html)
    and "Computing secret hash values".
    """
    email = f"hash-{new_password()[:6].lower()}@example.com"
    out = attempt(target.idp.sign_up, ClientId=target.app("server").client_id, Username=email,
                  Password=new_password(), UserAttributes=[{"Name": "email", "Value": email}])
    expect(target, out, aws=missing(target), moto=Accepted())


@pytest.mark.parametrize("operation", ["ConfirmSignUp", "ForgotPassword",
                                       "ConfirmForgotPassword", "ResendConfirmationCode"])
def test_every_operation_that_takes_a_secret_hash_checks_it(target, operation):
    """ConfirmSignUp, ForgotPassword, ConfirmForgotPassword and ResendConfirmationCode on a
    confidential client, without SecretHash.

    AWS: each operation's SecretHash parameter in the API reference
    (/cognito-user-identity-pools/latest/APIReference/API_ForgotPassword.html: "If your app
    client has a client secret and you don't provide a SECRET_HASH parameter, this API
    returns NotAuthorizedException").
    """
    user = target.new_user()
    params = {"ClientId": target.app("server").client_id, "Username": user.username}
    extra = {"ConfirmSignUp": {"ConfirmationCode": "123456"},
             "ConfirmForgotPassword": {"ConfirmationCode": "123456",
                                       "Password": new_password()}}.get(operation, {})
    method = getattr(target.idp, {"ConfirmSignUp": "confirm_sign_up",
                                  "ForgotPassword": "forgot_password",
                                  "ConfirmForgotPassword": "confirm_forgot_password",
                                  "ResendConfirmationCode": "resend_confirmation_code"}[operation])
    out = attempt(method, **params, **extra)
    moto = Fails("NotAuthorizedException") if operation == "ResendConfirmationCode" \
        else Accepted()
    expect(target, out, aws=missing(target), moto=moto)


def test_challenge_answers_check_the_secret_hash(target):
    """A NEW_PASSWORD_REQUIRED answer from a confidential client needs SECRET_HASH.

    AWS: RespondToAuthChallenge, ChallengeResponses ("You must provide a SECRET_HASH
    parameter in all challenge responses to an app client that has a client secret")
    (/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html).
    """
    server = target.app("server")
    email = f"temp-{new_password()[:6].lower()}@example.com"
    temporary = new_password()
    target.idp.admin_create_user(UserPoolId=target.pool_id, Username=email,
                                 TemporaryPassword=temporary, MessageAction="SUPPRESS",
                                 UserAttributes=[{"Name": "email", "Value": email}])
    started = target.idp.initiate_auth(
        ClientId=server.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": temporary,
                        "SECRET_HASH": secret_hash(email, server.client_id,
                                                   server.client_secret)})
    assert started["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    out = attempt(target.idp.respond_to_auth_challenge, ClientId=server.client_id,
                  ChallengeName="NEW_PASSWORD_REQUIRED", Session=started["Session"],
                  ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": new_password()})
    expect(target, out, aws=missing(target), moto=Accepted())


SECRET_PATTERN = re.compile(r"[\w+]+")


def a_client_with_a_plus_in_its_secret(target: Target) -> dict:
    """A confidential client for USER_PASSWORD_AUTH; in the lab, one whose secret has a
    ``+`` (about three lab secrets in four do; moto's never do)."""
    for _ in range(40):
        client = target.new_client(GenerateSecret=True,
                                   ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])
        if not target.is_lab or "+" in client["ClientSecret"]:
            return client
    raise AssertionError("40 lab secrets without a '+'")


def test_generated_client_secrets_are_shaped_like_cognitos(target):
    """A generated secret is 51 characters of ``[\\w+]+``, the same in every answer.

    AWS: CreateUserPoolClient / UserPoolClientType, ClientSecret ("Length Constraints:
    Minimum length of 24. Maximum length of 64. Pattern: [\\w+]+")
    (/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html);
    Cognito's generated secrets are 51 characters long.
    """
    client = target.new_client(GenerateSecret=True)
    secret = client["ClientSecret"]
    described = target.idp.describe_user_pool_client(
        UserPoolId=target.pool_id, ClientId=client["ClientId"])["UserPoolClient"]
    updated = target.idp.update_user_pool_client(
        UserPoolId=target.pool_id, ClientId=client["ClientId"],
        ClientName=client["ClientName"])["UserPoolClient"]
    assert described["ClientSecret"] == updated["ClientSecret"] == secret
    if target.is_lab:
        assert len(secret) == 51 and SECRET_PATTERN.fullmatch(secret)
    else:       # moto's secrets are UUIDs: the '-' is outside AWS's pattern
        assert not SECRET_PATTERN.fullmatch(secret)


def test_secret_hash_works_with_a_plus_in_the_secret(target):
    """SECRET_HASH is an HMAC keyed with the secret's characters, ``+`` included: the
    kit's ``secret_hash()`` signs in, a hash made with a space for the ``+`` does not.

    AWS: "Computing secret hash values" (/cognito/latest/developerguide/
    signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash).
    """
    client = a_client_with_a_plus_in_its_secret(target)
    client_id, secret = client["ClientId"], client["ClientSecret"]
    user = target.new_user()
    right = attempt(target.password_sign_in, user, client_id=client_id, client_secret=secret)
    expect(target, right, aws=Accepted(lambda r: "AuthenticationResult" in r),
           moto=Accepted(lambda r: "AuthenticationResult" in r))
    garbled = secret.replace("+", " ") if "+" in secret else secret[::-1]
    wrong_hash = attempt(target.password_sign_in, user, client_id=client_id,
                         client_secret=garbled)
    expect(target, wrong_hash, aws=Refused("NotAuthorizedException",
                                           f"Unable to verify secret hash for client {client_id}"),
           moto=Accepted())
