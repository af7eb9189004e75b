"""The self-checks of notebooks 01–03: truthy on a right answer, falsy on typical wrong ones.

A check never raises on a wrong answer; it prints a verdict. These tests give each check
the answers learners really write (including the usual mistakes) and assert the outcome.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

import pyotp
import pytest

from cognito_lab.client import secret_hash
from cognito_lab.teach.app_clients import check_secret_hash, check_spa_client
from cognito_lab.teach.sign_in import (
    check_mfa_sign_in,
    check_refresh_before_expiry,
    token_claims,
)
from cognito_lab.teach.user_pools import SCENARIOS, check_tenant_user, check_which_pool

# -- 01: which pool? --------------------------------------------------------------------


def test_which_pool_right_answers_pass(capsys):
    assert check_which_pool(dict(SCENARIOS))
    assert "✅" in capsys.readouterr().out


def test_which_pool_accepts_spelling_variants():
    answers = {key: value.upper().replace(" ", "_") for key, value in SCENARIOS.items()}
    assert check_which_pool(answers)


def test_which_pool_untouched_skeleton_is_not_done(capsys):
    assert not check_which_pool({key: None for key in SCENARIOS})
    assert "Not done yet" in capsys.readouterr().out


def test_which_pool_everything_user_pool_fails(capsys):
    assert not check_which_pool({key: "user pool" for key in SCENARIOS})
    assert "identity pool brokers temporary AWS credentials" in capsys.readouterr().out


def test_which_pool_rejects_other_words_and_edited_keys():
    answers = dict(SCENARIOS)
    answers[next(iter(SCENARIOS))] = "IAM"
    assert not check_which_pool(answers)
    assert not check_which_pool({**SCENARIOS, "something else": "user pool"})
    assert not check_which_pool(None)


# -- 01: sign up and confirm --------------------------------------------------------------


def _sign_up(lab, email):
    """As the notebook does: the web client may not write custom:tenant_id."""
    idp = lab.client("cognito-idp")
    idp.sign_up(ClientId=lab.app_clients["web"].client_id, Username=email,
                Password="CorrectHorse42battery",
                UserAttributes=[{"Name": "email", "Value": email}])


def test_signed_up_and_confirmed_passes_after_confirm_sign_up(fresh_lab):
    from cognito_lab.teach.user_pools import check_signed_up_and_confirmed

    _sign_up(fresh_lab, "erin@example.com")
    assert not check_signed_up_and_confirmed(fresh_lab, "erin@example.com")   # unconfirmed
    code = fresh_lab.mailbox.latest_code("erin@example.com")
    fresh_lab.client("cognito-idp").confirm_sign_up(
        ClientId=fresh_lab.app_clients["web"].client_id, Username="erin@example.com",
        ConfirmationCode=code)
    assert check_signed_up_and_confirmed(fresh_lab, "erin@example.com")


def test_signed_up_and_confirmed_refuses_the_usual_shortcuts(lab, capsys):
    from cognito_lab.teach.user_pools import check_signed_up_and_confirmed

    assert not check_signed_up_and_confirmed(lab, None)
    assert not check_signed_up_and_confirmed(lab, "alice@example.com")       # a demo user
    assert not check_signed_up_and_confirmed(lab, "nobody@example.com")      # no such user
    lab.client("cognito-idp").admin_create_user(                              # admin-created
        UserPoolId=lab.user_pool_id, Username="frank@example.com", MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "frank@example.com"}])
    capsys.readouterr()
    assert not check_signed_up_and_confirmed(lab, "frank@example.com")
    assert "administrator" in capsys.readouterr().out


# -- 02: SECRET_HASH ----------------------------------------------------------------------


def _hmac(key: str, message: str):
    return hmac.new(key.encode(), message.encode(), hashlib.sha256)


WRONG_HASHES = {
    "id first": lambda u, c, s: base64.b64encode(_hmac(s, c + u).digest()).decode(),
    "key and message swapped": lambda u, c, s: base64.b64encode(_hmac(u + c, s).digest()).decode(),
    "hex digest": lambda u, c, s: _hmac(s, u + c).hexdigest(),
    "bytes": lambda u, c, s: base64.b64encode(_hmac(s, u + c).digest()),
}


def test_secret_hash_right_answer_signs_in(lab, capsys):
    assert check_secret_hash(lab, secret_hash)
    assert "signed alice in" in capsys.readouterr().out


@pytest.mark.parametrize("mistake", sorted(WRONG_HASHES))
def test_secret_hash_usual_mistakes_fail(lab, mistake):
    assert not check_secret_hash(lab, WRONG_HASHES[mistake])


def test_secret_hash_diagnoses_url_safe_base64():
    """A digest with '/' in it (fixed inputs): URL-safe Base64 differs and is named."""
    from cognito_lab.teach.app_clients import _diagnose

    url_safe = base64.urlsafe_b64encode(
        _hmac("secret0", "alice@example.com" + "clientid").digest()).decode()
    assert "URL-safe" in _diagnose(url_safe, "alice@example.com", "clientid", "secret0")


def test_secret_hash_skeleton_and_crash_fail(lab, capsys):
    def skeleton(username, client_id, client_secret):
        raise NotImplementedError

    assert not check_secret_hash(lab, skeleton)
    assert "Not done yet" in capsys.readouterr().out
    assert not check_secret_hash(lab, lambda u, c, s: 1 / 0)


# -- 02: a well-configured SPA client -----------------------------------------------------

GOOD_SPA = {
    "GenerateSecret": False,
    "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    "PreventUserExistenceErrors": "ENABLED",
    "EnableTokenRevocation": True,
    "SupportedIdentityProviders": ["COGNITO"],
    "AllowedOAuthFlowsUserPoolClient": True,
    "AllowedOAuthFlows": ["code"],
    "AllowedOAuthScopes": ["openid", "email", "profile"],
    "CallbackURLs": ["https://app.example.com/callback", "http://localhost:3000/callback"],
    "LogoutURLs": ["https://app.example.com/"],
    "WriteAttributes": ["name"],
    "AccessTokenValidity": 60, "IdTokenValidity": 60, "RefreshTokenValidity": 30,
    "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes",
                           "RefreshToken": "days"},
}
BAD_SPAS = {
    "with a secret": {"GenerateSecret": True},
    "password flow": {"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH",
                                            "ALLOW_REFRESH_TOKEN_AUTH"]},
    "legacy errors": {"PreventUserExistenceErrors": "LEGACY"},
    "no revocation": {"EnableTokenRevocation": False},
    "implicit grant": {"AllowedOAuthFlows": ["code", "implicit"]},
    "admin scope (audit)": {"AllowedOAuthScopes": ["openid", "aws.cognito.signin.user.admin"]},
    "ten-year refresh token (audit)": {"RefreshTokenValidity": 3650},
    "day-long access token": {"AccessTokenValidity": 24, "TokenValidityUnits": {
        "AccessToken": "hours", "IdToken": "minutes", "RefreshToken": "days"}},
}


def _client(lab, name, **settings):
    idp = lab.client("cognito-idp")
    return idp.create_user_pool_client(UserPoolId=lab.user_pool_id, ClientName=name,
                                       **settings)["UserPoolClient"]["ClientId"]


def test_spa_client_good_configuration_passes(lab, capsys):
    assert check_spa_client(lab, _client(lab, "spa-good", **GOOD_SPA))
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize("flaw", sorted(BAD_SPAS))
def test_spa_client_each_flaw_fails(lab, flaw):
    name = "spa-" + "".join(ch for ch in flaw if ch.isalnum() or ch in " -")
    client_id = _client(lab, name, **{**GOOD_SPA, **BAD_SPAS[flaw]})
    assert not check_spa_client(lab, client_id)


@pytest.mark.parametrize(("change", "feedback"), [
    ({"WriteAttributes": None}, "a user signing up through it could choose their own "
                                "custom:tenant_id"),
    ({"WriteAttributes": ["name", "custom:tenant_id"]}, "users could choose their own tenant"),
    ({"CallbackURLs": ["https://app.example.com/", "http://localhost:3000/callback"]},
     "the SPA's callback https://app.example.com/callback is not registered"),
    ({"AllowedOAuthScopes": ["openid", "email"]}, "AllowedOAuthScopes lacks profile"),
    ({"CallbackURLs": ["https://app.example.com/callback", "myapp://callback"]},
     "callback URLs ['myapp://callback'] are neither https nor http://localhost"),
], ids=["no-write-list", "tenant-writable", "wrong-callback", "no-profile", "kept-myapp"])
def test_spa_client_names_what_the_spa_needs(lab, capsys, change, feedback):
    """Exercise 2's decisions: each plausible wrong answer gets its own feedback."""
    settings = {**GOOD_SPA, **change}
    settings = {k: v for k, v in settings.items() if v is not None}
    assert not check_spa_client(lab, _client(lab, "spa-decision", **settings))
    assert feedback in capsys.readouterr().out


def test_spa_client_fixing_everything_allowed_in_place_fails(lab, capsys):
    """The copy-the-fixes answer: update the old client. Its secret can't be removed."""
    client_id = _client(lab, "everything-allowed", **{**GOOD_SPA, "GenerateSecret": True})
    assert not check_spa_client(lab, client_id)
    assert "it has a client secret" in capsys.readouterr().out


def test_spa_client_not_done_or_unknown_fails(lab):
    assert not check_spa_client(lab, None)
    assert not check_spa_client(lab, "nosuchclient")
    assert not check_spa_client(lab, lab.app_clients["server"].client_id)


# -- 03: TOTP MFA -------------------------------------------------------------------------


def _server_sign_in(lab, user):
    server = lab.app_clients["server"]
    return lab.client("cognito-idp").initiate_auth(
        ClientId=server.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password,
                        "SECRET_HASH": secret_hash(user.username, server.client_id,
                                                   server.client_secret)})


def _enrol_totp(lab, user) -> str:
    idp = lab.client("cognito-idp")
    access = _server_sign_in(lab, user)["AuthenticationResult"]["AccessToken"]
    secret = idp.associate_software_token(AccessToken=access)["SecretCode"]
    idp.verify_software_token(AccessToken=access,
                              UserCode=pyotp.TOTP(secret).at(lab.clock.now()))
    idp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={
        "Enabled": True, "PreferredMfa": True})
    return secret


def _mfa_sign_in(lab, secret):
    def sign_in(username, password):
        server = lab.app_clients["server"]
        idp = lab.client("cognito-idp")
        hashed = secret_hash(username, server.client_id, server.client_secret)
        started = idp.initiate_auth(
            ClientId=server.client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password, "SECRET_HASH": hashed})
        answered = idp.respond_to_auth_challenge(
            ClientId=server.client_id, ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=started["Session"],
            ChallengeResponses={"USERNAME": username,
                                "SOFTWARE_TOKEN_MFA_CODE": pyotp.TOTP(secret).at(
                                    lab.clock.now()),
                                "SECRET_HASH": hashed})
        return answered["AuthenticationResult"]
    return sign_in


def test_mfa_sign_in_passes_when_enrolled_and_answered(fresh_lab, capsys):
    bob = fresh_lab.users["bob"]
    secret = _enrol_totp(fresh_lab, bob)
    assert check_mfa_sign_in(fresh_lab, bob.username, bob.password, _mfa_sign_in(fresh_lab, secret))
    assert "✅" in capsys.readouterr().out


def test_mfa_sign_in_fails_when_not_enrolled_or_not_answered(fresh_lab, capsys):
    bob = fresh_lab.users["bob"]
    password_only = lambda username, password: _server_sign_in(fresh_lab, bob)  # noqa: E731
    assert not check_mfa_sign_in(fresh_lab, bob.username, bob.password, password_only)
    assert "no TOTP MFA preferred" in capsys.readouterr().out

    _enrol_totp(fresh_lab, bob)

    def skeleton(username, password):
        raise NotImplementedError

    assert not check_mfa_sign_in(fresh_lab, bob.username, bob.password, skeleton)
    capsys.readouterr()
    assert not check_mfa_sign_in(fresh_lab, bob.username, bob.password, password_only)
    assert "SOFTWARE_TOKEN_MFA" in capsys.readouterr().out
    wrong_secret = _mfa_sign_in(fresh_lab, pyotp.random_base32())
    assert not check_mfa_sign_in(fresh_lab, bob.username, bob.password, wrong_secret)


# -- 03: refresh before expiry -------------------------------------------------------------


def _refresher(lab, margin):
    """A valid_access_token that refreshes when fewer than ``margin`` seconds remain."""
    def valid_access_token(tokens):
        left = token_claims(tokens["AccessToken"])["exp"] - lab.clock.now()
        if left < margin:
            result = lab.client("cognito-idp").initiate_auth(
                ClientId=lab.app_clients["web"].client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})["AuthenticationResult"]
            tokens.update(result)
        return tokens["AccessToken"]
    return valid_access_token


def test_refresh_before_expiry_right_answer_passes(fresh_lab, capsys):
    assert check_refresh_before_expiry(fresh_lab, _refresher(fresh_lab, margin=300))
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize("margin", [0, 3600 * 2], ids=["after-expiry", "every-call"])
def test_refresh_too_late_or_too_often_fails(fresh_lab, margin):
    assert not check_refresh_before_expiry(fresh_lab, _refresher(fresh_lab, margin=margin))


def test_refresh_only_after_expiry_is_named_as_such(fresh_lab, capsys):
    """The usual wrong answer: refresh once the token has expired. The verdict names that
    mistake, not a negative "min left" of a refreshed token that never existed."""
    assert not check_refresh_before_expiry(fresh_lab, _refresher(fresh_lab, margin=0))
    out = capsys.readouterr().out
    assert "refreshes only once the access token has expired" in out
    assert "2 min left: still the old token" in out
    assert "5 min later: refreshed only now, 3 min after the old token expired" in out
    assert "min left" not in out.split("5 min later:")[1]
    assert not re.search(r"-\d", out)                # no "-4 min left"


def test_refresh_never_or_skeleton_fails(fresh_lab, capsys):
    assert not check_refresh_before_expiry(fresh_lab, lambda tokens: tokens["AccessToken"])

    def skeleton(tokens):
        raise NotImplementedError

    assert not check_refresh_before_expiry(fresh_lab, skeleton)
    assert "Not done yet" in capsys.readouterr().out


# -- 01, exercise 2: Frank's account in the globex tenant -------------------------------------
def _create(lab, email, tenant=None, with_email=True):
    idp = lab.client("cognito-idp")
    attributes = [{"Name": "email", "Value": email}] if with_email else []
    if tenant:
        attributes.append({"Name": "custom:tenant_id", "Value": tenant})
    idp.admin_create_user(UserPoolId=lab.user_pool_id, Username=email,
                          MessageAction="SUPPRESS", UserAttributes=attributes)


def test_tenant_user_created_by_an_administrator_passes(lab, capsys):
    _create(lab, "frank1@globex.example", "globex")
    assert check_tenant_user(lab, "frank1@globex.example")
    out = capsys.readouterr().out
    assert out.startswith("✅ frank1@globex.example is in tenant globex")


def test_tenant_user_who_signed_himself_up_fails(lab, capsys):
    """The copy of the sign-up cells above: no tenant, and now there never will be."""
    idp = lab.client("cognito-idp")
    web = lab.app_clients["web"]
    idp.sign_up(ClientId=web.client_id, Username="frank2@globex.example",
                Password="Tangerine-Kite-2024",
                UserAttributes=[{"Name": "email", "Value": "frank2@globex.example"}])
    assert not check_tenant_user(lab, "frank2@globex.example")
    out = capsys.readouterr().out
    assert "signed himself up, so he has no tenant" in out
    assert "Delete the user" in out


@pytest.mark.parametrize(("email", "tenant", "with_email", "feedback"), [
    ("frank3@globex.example", None, True, "exists but has no tenant"),
    ("frank4@globex.example", "acme", True, "is in tenant 'acme', not 'globex'"),
    ("frank5@globex.example", "Globex", True, "is in tenant 'Globex', not 'globex'"),
], ids=["no-tenant", "wrong-tenant", "wrong-case"])
def test_tenant_user_wrong_answers(lab, capsys, email, tenant, with_email, feedback):
    _create(lab, email, tenant, with_email)
    assert not check_tenant_user(lab, email)
    assert feedback in capsys.readouterr().out


def test_tenant_user_not_done_demo_or_missing(lab, capsys):
    assert not check_tenant_user(lab, None)
    assert "Not done yet" in capsys.readouterr().out
    assert not check_tenant_user(lab, lab.users["alice"].email)
    assert "demo user" in capsys.readouterr().out
    assert not check_tenant_user(lab, "nobody@globex.example")
    assert "No user nobody@globex.example" in capsys.readouterr().out
