"""USER_SRP_AUTH: a real SRP-6a check of the password (pycognito and the kit's client)."""

from __future__ import annotations

from pycognito.aws_srp import AWSSRP

from cognito_lab.client import secret_hash, srp
from cognito_lab.lab import new_password

from .conftest import Accepted, Fails, Refused, attempt, expect

INCORRECT = Refused("NotAuthorizedException", "Incorrect username or password.")
TOKENS = Accepted(lambda r: "AccessToken" in r["AuthenticationResult"])


def test_pycognito_srp_with_the_right_password_gets_tokens(target):
    """pycognito's AWSSRP signs in with the right password.

    AWS: "Authentication flows", USER_SRP_AUTH / PASSWORD_VERIFIER
    (/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow.html).
    """
    user = target.new_user()
    helper = AWSSRP(user.username, user.password, target.pool_id, target.app("web").client_id,
                    client=target.idp)
    expect(target, attempt(helper.authenticate_user), aws=TOKENS, moto=TOKENS)


def test_pycognito_srp_with_a_wrong_password_is_refused(target):
    """pycognito's AWSSRP with a wrong password: NotAuthorizedException.

    AWS: "Authentication flows" (/cognito/latest/developerguide/
    amazon-cognito-user-pools-authentication-flow.html).
    """
    user = target.new_user()
    helper = AWSSRP(user.username, new_password(), target.pool_id,
                    target.app("web").client_id, client=target.idp)
    expect(target, attempt(helper.authenticate_user), aws=INCORRECT, moto=TOKENS)


def test_the_kits_srp_client_signs_in_with_a_secret_hash(target):
    """``cognito_lab.client.srp`` through a confidential client (SECRET_HASH on both steps).

    AWS: "Authentication flows" and "Computing secret hash values"
    (/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow.html).
    """
    user = target.new_user()
    server = target.app("server")
    out = attempt(srp.sign_in, target.idp, pool_id=target.pool_id, client_id=server.client_id,
                  username=user.username, password=user.password,
                  client_secret=server.client_secret)
    expect(target, out, aws=TOKENS, moto=TOKENS)
    wrong = attempt(srp.sign_in, target.idp, pool_id=target.pool_id,
                    client_id=server.client_id, username=user.username,
                    password=new_password(), client_secret=server.client_secret)
    expect(target, wrong, aws=INCORRECT, moto=TOKENS)


def test_a_tampered_secret_block_is_refused(target):
    """PASSWORD_CLAIM_SECRET_BLOCK must be the one Cognito issued.

    AWS: RespondToAuthChallenge, PASSWORD_VERIFIER (/cognito-user-identity-pools/latest/
    APIReference/API_RespondToAuthChallenge.html).
    """
    user = target.new_user()
    web = target.app("web").client_id
    client = srp.SrpClient(target.pool_id, web)
    started = target.idp.initiate_auth(ClientId=web, AuthFlow="USER_SRP_AUTH",
                                       AuthParameters=client.start(user.username))
    answer = client.answer(started["ChallengeParameters"], user.password)
    answer["PASSWORD_CLAIM_SECRET_BLOCK"] = "AAAA" + answer["PASSWORD_CLAIM_SECRET_BLOCK"][4:]
    out = attempt(target.idp.respond_to_auth_challenge, ClientId=web,
                  ChallengeName="PASSWORD_VERIFIER", Session=started["Session"],
                  ChallengeResponses=answer)
    expect(target, out, aws=INCORRECT, moto=Fails("NotAuthorizedException"))


def test_srp_continues_to_new_password_required(target):
    """SRP with a temporary password leads to NEW_PASSWORD_REQUIRED, then tokens.

    AWS: "Authentication flows" and RespondToAuthChallenge (/cognito-user-identity-pools/
    latest/APIReference/API_RespondToAuthChallenge.html).
    """
    email = f"srp-{new_password()[:6].lower()}@example.com"
    temporary = new_password()
    target.idp.admin_create_user(UserPoolId=target.pool_id, Username=email,
                                 TemporaryPassword=temporary, MessageAction="SUPPRESS",
                                 UserAttributes=[{"Name": "email", "Value": email}])
    server = target.app("server")
    out = attempt(srp.sign_in, target.idp, pool_id=target.pool_id, client_id=server.client_id,
                  username=email, password=temporary, client_secret=server.client_secret)
    expect(target, out, aws=Accepted(lambda r: r["ChallengeName"] == "NEW_PASSWORD_REQUIRED"),
           moto=Accepted(lambda r: r["ChallengeName"] == "NEW_PASSWORD_REQUIRED"))
    done = target.idp.respond_to_auth_challenge(
        ClientId=server.client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=out.value["Session"],
        ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": new_password(),
                            "SECRET_HASH": secret_hash(email, server.client_id,
                                                       server.client_secret)})
    assert "AccessToken" in done["AuthenticationResult"]


def test_srp_for_a_password_the_lab_never_saw_explains_itself(target):
    """A password set straight into moto (bypassing the lab) has no SRP verifier: SRP
    can't work for it, and the error says why; a password sign-in teaches the lab one.

    Lab-specific (AWS computes the verifier whenever a password is set): "Authentication
    flows" (/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow.html).
    """
    if not target.is_lab:
        return      # bare moto has no verifiers at all: any SRP proof passes (tests above)
    user = target.new_user()
    moto = target.lab.emulator.moto
    password = new_password()
    moto.idp("AdminSetUserPassword", UserPoolId=target.pool_id, Username=user.username,
             Password=password, Permanent=True)
    target.lab.emulator.passwords.forget(target.pool_id, target.idp.admin_get_user(
        UserPoolId=target.pool_id, Username=user.username)["Username"])
    web = target.app("web").client_id
    out = attempt(srp.sign_in, target.idp, pool_id=target.pool_id, client_id=web,
                  username=user.username, password=password)
    Refused("NotAuthorizedException", contains="SRP verifier").check(out)
    server = target.app("server")
    target.idp.initiate_auth(ClientId=server.client_id, AuthFlow="USER_PASSWORD_AUTH",
                             AuthParameters={"USERNAME": user.username, "PASSWORD": password,
                                             "SECRET_HASH": secret_hash(
                                                 user.username, server.client_id,
                                                 server.client_secret)})
    assert "AccessToken" in srp.sign_in(target.idp, pool_id=target.pool_id, client_id=web,
                                        username=user.username,
                                        password=password)["AuthenticationResult"]
