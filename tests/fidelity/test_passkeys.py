"""Passkeys (WebAuthn): registering one, signing in with it, and the attacks Cognito refuses.

The user's device is the kit's software authenticator (cognito_lab.client.passkey), which
answers exactly as a browser's navigator.credentials would; ``browser_checks=False`` plays
a client that cheats.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from cognito_lab import b64url
from cognito_lab.client.passkey import SoftwareAuthenticator
from cognito_lab.lab import DemoUser

from .conftest import Accepted, Fails, Refused, Target, attempt, expect

FLOWS = ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def default_rp_id(target: Target) -> str:
    """AWS, WebAuthnConfigurationType: without a RelyingPartyId, the pool's domain."""
    domain = target.idp.describe_user_pool(UserPoolId=target.pool_id)["UserPool"]["Domain"]
    return f"{domain}.auth.us-east-1.amazoncognito.com"


@dataclass
class Enrolled:
    user: DemoUser
    access_token: str
    client_id: str
    device: SoftwareAuthenticator
    origin: str


def start_registration(target: Target, user: DemoUser | None = None):
    user = user or target.new_user()
    access = target.tokens(user)["AccessToken"]
    out = attempt(target.idp.start_web_authn_registration, AccessToken=access)
    expect(target, out, aws=Accepted(), moto=Fails())          # moto: not implemented (500)
    return user, access, out


def enrol(target: Target, user: DemoUser | None = None) -> Enrolled | None:
    """A user with one registered passkey (None on bare moto, after asserting it can't)."""
    user, access, out = start_registration(target, user)
    if not target.is_lab:
        return None
    origin = "https://" + default_rp_id(target)
    device = SoftwareAuthenticator()
    response = device.create(out.value["CredentialCreationOptions"], origin=origin)
    target.idp.complete_web_authn_registration(AccessToken=access, Credential=response)
    client_id = target.new_client(ExplicitAuthFlows=FLOWS)["ClientId"]
    return Enrolled(user, access, client_id, device, origin)


def challenge(target: Target, enrolled: Enrolled) -> dict:
    return target.idp.initiate_auth(
        ClientId=enrolled.client_id, AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": enrolled.user.username, "PREFERRED_CHALLENGE": "WEB_AUTHN"})


def respond(target: Target, enrolled: Enrolled, started: dict, credential: dict,
            username: str | None = None):
    return attempt(target.idp.respond_to_auth_challenge, ClientId=enrolled.client_id,
                   ChallengeName="WEB_AUTHN", Session=started["Session"],
                   ChallengeResponses={"USERNAME": username or enrolled.user.username,
                                       "CREDENTIAL": json.dumps(credential)})


def options_of(started: dict) -> dict:
    return json.loads(started["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])


def signed_in(out) -> bool:
    return "AccessToken" in (out.value or {}).get("AuthenticationResult", {})


# -- settings and registration --------------------------------------------------------------
def test_set_user_pool_mfa_config_keeps_the_passkey_settings(fresh_target: Target):
    """AWS, SetUserPoolMfaConfig / GetUserPoolMfaConfig (WebAuthnConfiguration:
    RelyingPartyId, UserVerification)."""
    target = fresh_target
    setting = {"RelyingPartyId": "shop.example.com", "UserVerification": "required"}
    target.idp.set_user_pool_mfa_config(UserPoolId=target.pool_id, MfaConfiguration="OPTIONAL",
                                        SoftwareTokenMfaConfiguration={"Enabled": True},
                                        WebAuthnConfiguration=setting)
    out = attempt(target.idp.get_user_pool_mfa_config, UserPoolId=target.pool_id)
    expect(target, out, aws=Accepted(lambda v: v["WebAuthnConfiguration"] == setting
                                     and v["MfaConfiguration"] == "OPTIONAL"),
           moto=Accepted(lambda v: "WebAuthnConfiguration" not in v))   # forgotten


def test_start_registration_gives_creation_options(target: Target):
    """AWS, StartWebAuthnRegistration (CredentialCreationOptions) and "Passkey sign-in": the
    relying party is the pool's domain unless WebAuthnConfiguration names one."""
    _, _, out = start_registration(target)
    if target.is_lab:
        options = out.value["CredentialCreationOptions"]
        assert options["rp"]["id"] == default_rp_id(target)
        assert options["challenge"] and options["user"]["id"]
        assert {"type": "public-key", "alg": -7} in options["pubKeyCredParams"]


def test_a_registered_passkey_signs_the_user_in(target: Target):
    """AWS, CompleteWebAuthnRegistration, ListWebAuthnCredentials and "Passkey sign-in"
    (USER_AUTH with the WEB_AUTHN challenge, answered with CREDENTIAL)."""
    enrolled = enrol(target)
    if enrolled is None:
        return
    listed = target.idp.list_web_authn_credentials(AccessToken=enrolled.access_token)
    assert [c["CredentialId"] for c in listed["Credentials"]] == [enrolled.device.credentials[0].id]
    assert listed["Credentials"][0]["RelyingPartyId"] == default_rp_id(target)
    started = challenge(target, enrolled)
    assert started["ChallengeName"] == "WEB_AUTHN"
    out = respond(target, enrolled, started,
                  enrolled.device.get(options_of(started), origin=enrolled.origin))
    assert signed_in(out), out


def test_delete_web_authn_credential(target: Target):
    """AWS, DeleteWebAuthnCredential (ResourceNotFoundException for an unknown credential)."""
    enrolled = enrol(target)
    if enrolled is None:
        return
    credential_id = enrolled.device.credentials[0].id
    target.idp.delete_web_authn_credential(AccessToken=enrolled.access_token,
                                           CredentialId=credential_id)
    assert target.idp.list_web_authn_credentials(
        AccessToken=enrolled.access_token)["Credentials"] == []
    again = attempt(target.idp.delete_web_authn_credential, AccessToken=enrolled.access_token,
                    CredentialId=credential_id)
    assert again.code == "ResourceNotFoundException"


def test_registration_from_another_origin_is_refused(target: Target):
    """AWS, CompleteWebAuthnRegistration (WebAuthnOriginNotAllowedException)."""
    _, access, out = start_registration(target)
    if not target.is_lab:
        return
    response = SoftwareAuthenticator().create(out.value["CredentialCreationOptions"],
                                              origin="https://evil.example",
                                              browser_checks=False)
    done = attempt(target.idp.complete_web_authn_registration, AccessToken=access,
                   Credential=response)
    assert done.code == "WebAuthnOriginNotAllowedException", done


def test_registration_for_another_relying_party_is_refused(target: Target):
    """AWS, CompleteWebAuthnRegistration (WebAuthnRelyingPartyMismatchException)."""
    _, access, out = start_registration(target)
    if not target.is_lab:
        return
    options = out.value["CredentialCreationOptions"]
    options = {**options, "rp": {**options["rp"], "id": "auth.us-east-1.amazoncognito.com"}}
    response = SoftwareAuthenticator().create(options, origin="https://" + default_rp_id(target))
    done = attempt(target.idp.complete_web_authn_registration, AccessToken=access,
                   Credential=response)
    assert done.code == "WebAuthnRelyingPartyMismatchException", done


def test_completing_without_starting_is_refused(target: Target):
    """AWS, CompleteWebAuthnRegistration (WebAuthnChallengeNotFoundException)."""
    user = target.new_user()
    access = target.tokens(user)["AccessToken"]
    out = attempt(target.idp.complete_web_authn_registration, AccessToken=access,
                  Credential={"id": "x"})
    expect(target, out, aws=Refused("WebAuthnChallengeNotFoundException"), moto=Fails())


def test_passkeys_need_the_web_authn_first_factor(fresh_target: Target):
    """AWS, StartWebAuthnRegistration (WebAuthnNotEnabledException) and SignInPolicyType."""
    target = fresh_target
    pool = target.idp.describe_user_pool(UserPoolId=target.pool_id)["UserPool"]
    target.idp.update_user_pool(
        UserPoolId=target.pool_id, AutoVerifiedAttributes=["email"],
        AdminCreateUserConfig=pool["AdminCreateUserConfig"],
        Policies={**pool["Policies"], "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD"]}})
    user = target.new_user()
    out = attempt(target.idp.start_web_authn_registration,
                  AccessToken=target.tokens(user)["AccessToken"])
    expect(target, out, aws=Refused("WebAuthnNotEnabledException"), moto=Fails())


def test_required_user_verification_refuses_a_device_without_it(fresh_target: Target):
    """AWS, WebAuthnConfigurationType UserVerification ("When required, users can only
    register ... passkeys that are capable of user verification")."""
    target = fresh_target
    target.idp.set_user_pool_mfa_config(UserPoolId=target.pool_id, MfaConfiguration="OPTIONAL",
                                        SoftwareTokenMfaConfiguration={"Enabled": True},
                                        WebAuthnConfiguration={"UserVerification": "required"})
    _, access, out = start_registration(target)
    if not target.is_lab:
        return
    device = SoftwareAuthenticator(user_verification=False)
    response = device.create(out.value["CredentialCreationOptions"],
                             origin="https://" + default_rp_id(target))
    done = attempt(target.idp.complete_web_authn_registration, AccessToken=access,
                   Credential=response)
    assert not done.accepted, done


# -- attacks on the sign-in -----------------------------------------------------------------
def test_a_replayed_assertion_is_refused(target: Target):
    """AWS, "Passkey sign-in" (each WEB_AUTHN challenge is new; W3C WebAuthn §7.2 step 12:
    the challenge must be the one issued)."""
    enrolled = enrol(target)
    if enrolled is None:
        return
    first = challenge(target, enrolled)
    assertion = enrolled.device.get(options_of(first), origin=enrolled.origin)
    assert signed_in(respond(target, enrolled, first, assertion))
    same_session = respond(target, enrolled, first, assertion)
    assert same_session.code == "NotAuthorizedException", same_session
    new_session = respond(target, enrolled, challenge(target, enrolled), assertion)
    assert new_session.code == "NotAuthorizedException", new_session


def test_an_assertion_for_another_origin_is_refused(target: Target):
    """AWS, "Passkey sign-in" (the origin must belong to the relying party; W3C WebAuthn §7.2
    step 13). A phishing page's origin is written into clientDataJSON by the browser."""
    enrolled = enrol(target)
    if enrolled is None:
        return
    started = challenge(target, enrolled)
    phished = enrolled.device.get(options_of(started), origin="https://evil.example",
                                  browser_checks=False)
    out = respond(target, enrolled, started, phished)
    assert out.code == "NotAuthorizedException", out


def test_an_assertion_for_another_rp_id_is_refused(target: Target):
    """AWS, "Passkey sign-in" (W3C WebAuthn §7.2 step 15: rpIdHash is SHA-256 of the RP id)."""
    enrolled = enrol(target)
    if enrolled is None:
        return
    started = challenge(target, enrolled)
    forged = enrolled.device.get(options_of(started), origin=enrolled.origin,
                                 browser_checks=False, rp_id="evil.example")
    out = respond(target, enrolled, started, forged)
    assert out.code == "NotAuthorizedException", out


def test_another_users_passkey_is_refused(target: Target):
    """AWS, "Passkey sign-in" (W3C WebAuthn §7.2 step 6: the credential must belong to the
    user being signed in)."""
    alice = enrol(target)
    bob = enrol(target)
    if alice is None or bob is None:
        return
    started = challenge(target, alice)
    options = {**options_of(started), "allowCredentials": []}
    out = respond(target, alice, started, bob.device.get(options, origin=bob.origin))
    assert out.code == "NotAuthorizedException", out


def test_a_tampered_signature_is_refused(target: Target):
    """AWS, "Passkey sign-in" (W3C WebAuthn §7.2 step 21: the signature must verify with the
    registered public key)."""
    enrolled = enrol(target)
    if enrolled is None:
        return
    started = challenge(target, enrolled)
    assertion = enrolled.device.get(options_of(started), origin=enrolled.origin)
    signature = bytearray(b64url.decode(assertion["response"]["signature"]))
    signature[-1] ^= 0x01
    assertion["response"]["signature"] = b64url.encode(bytes(signature))
    out = respond(target, enrolled, started, assertion)
    assert out.code == "NotAuthorizedException", out


def test_a_sign_count_rollback_is_refused(target: Target):
    """AWS, "Passkey sign-in" (W3C WebAuthn §7.2 step 22: a signature counter that doesn't
    move forward signals a cloned authenticator)."""
    enrolled = enrol(target)
    if enrolled is None:
        return
    first = challenge(target, enrolled)
    assert signed_in(respond(target, enrolled, first,
                             enrolled.device.get(options_of(first), origin=enrolled.origin)))
    enrolled.device.credentials[0].sign_count = 0        # a clone made before that sign-in
    second = challenge(target, enrolled)
    out = respond(target, enrolled, second,
                  enrolled.device.get(options_of(second), origin=enrolled.origin))
    assert out.code == "NotAuthorizedException", out
