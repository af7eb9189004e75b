"""The self-check of notebook 10: a passkey sign-in passes; the usual wrong answers don't."""

from __future__ import annotations

import json

from cognito_lab.client.passkey import SoftwareAuthenticator
from cognito_lab.teach.passwordless import APP_ORIGIN, RP_ID, check_passkey_sign_in


def _setup(lab):
    idp = lab.client("cognito-idp")
    idp.set_user_pool_mfa_config(UserPoolId=lab.user_pool_id, MfaConfiguration="OPTIONAL",
                                 SoftwareTokenMfaConfiguration={"Enabled": True},
                                 WebAuthnConfiguration={"RelyingPartyId": RP_ID})
    app = idp.create_user_pool_client(UserPoolId=lab.user_pool_id, ClientName="passwordless",
                                      ExplicitAuthFlows=["ALLOW_USER_AUTH"])["UserPoolClient"]
    return idp, app["ClientId"]


def _register(idp, app, user, device):
    access = idp.initiate_auth(
        ClientId=app, AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": user.username, "PREFERRED_CHALLENGE": "PASSWORD",
                        "PASSWORD": user.password})["AuthenticationResult"]["AccessToken"]
    options = idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    idp.complete_web_authn_registration(AccessToken=access,
                                        Credential=device.create(options, origin=APP_ORIGIN))


def _passkey_sign_in(idp, app, device, origin=APP_ORIGIN, **kwargs):
    def sign_in(username):
        started = idp.initiate_auth(ClientId=app, AuthFlow="USER_AUTH",
                                    AuthParameters={"USERNAME": username,
                                                    "PREFERRED_CHALLENGE": "WEB_AUTHN"})
        assertion = device.get(started["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"],
                               origin=origin, **kwargs)
        return idp.respond_to_auth_challenge(
            ClientId=app, ChallengeName="WEB_AUTHN", Session=started["Session"],
            ChallengeResponses={"USERNAME": username, "CREDENTIAL": json.dumps(assertion)})
    return sign_in


def test_passkey_sign_in_passes(fresh_lab, capsys):
    idp, app = _setup(fresh_lab)
    bob, device = fresh_lab.users["bob"], SoftwareAuthenticator()
    _register(idp, app, bob, device)
    assert check_passkey_sign_in(fresh_lab, bob.username, device,
                                 _passkey_sign_in(idp, app, device))
    assert "✅" in capsys.readouterr().out


def test_passkey_sign_in_refuses_the_usual_wrong_answers(fresh_lab, capsys):
    idp, app = _setup(fresh_lab)
    bob, device = fresh_lab.users["bob"], SoftwareAuthenticator()

    def skeleton(username):
        raise NotImplementedError

    assert not check_passkey_sign_in(fresh_lab, bob.username, device, skeleton)
    assert "Not done yet" in capsys.readouterr().out

    unregistered = SoftwareAuthenticator()
    options = {"rp": {"id": RP_ID}, "user": {"id": "Ym9i", "name": "bob"},
               "challenge": "AAAA", "pubKeyCredParams": [{"type": "public-key", "alg": -7}]}
    unregistered.create(options, origin=APP_ORIGIN)
    assert not check_passkey_sign_in(fresh_lab, bob.username, unregistered, skeleton)
    assert "never registered" in capsys.readouterr().out

    _register(idp, app, bob, device)

    def email_code(username):              # signs in, but with a phishable code
        started = idp.initiate_auth(ClientId=app, AuthFlow="USER_AUTH",
                                    AuthParameters={"USERNAME": username,
                                                    "PREFERRED_CHALLENGE": "EMAIL_OTP"})
        return idp.respond_to_auth_challenge(
            ClientId=app, ChallengeName="EMAIL_OTP", Session=started["Session"],
            ChallengeResponses={"USERNAME": username, "EMAIL_OTP_CODE":
                                fresh_lab.mailbox.latest_code(bob.email, kind="sign_in_code")})

    assert not check_passkey_sign_in(fresh_lab, bob.username, device, email_code)
    assert "not from the passkey" in capsys.readouterr().out

    wrong_origin = _passkey_sign_in(idp, app, device, origin="http://localhost:3000")
    assert not check_passkey_sign_in(fresh_lab, bob.username, device, wrong_origin)
    assert "device refused" in capsys.readouterr().out

    relayed = _passkey_sign_in(idp, app, device, origin="https://evil.example",
                               browser_checks=False)
    assert not check_passkey_sign_in(fresh_lab, bob.username, device, relayed)
    out = capsys.readouterr().out
    assert "NotAuthorizedException" in out and APP_ORIGIN in out
