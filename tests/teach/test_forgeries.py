"""The gallery of forged and broken tokens (teach/forgeries.py) and its self-check.

Every gallery token must be refused by the kit's verifier with the error class the gallery
names (the table notebook 06 shows), every valid token accepted; a verifier that only
decodes must fail ``check_verifier``; the notebook's solution must pass it.

AWS, "Verifying a JSON Web Token" (/cognito/latest/developerguide/
amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html): check the signature with the
key whose kid is in the pool's JWKS, then exp, aud/client_id, iss and token_use.
"""

from __future__ import annotations

import base64
import json
import runpy
import threading
from pathlib import Path

import jwt
import pytest

import cognito_lab.api as api
from cognito_lab.api import CognitoJwtVerifier, JwtVerificationError
from cognito_lab.teach.forgeries import (
    OTHER_APP_NAME,
    check_verifier,
    forgery_gallery,
)

SOLUTION = Path(__file__).resolve().parents[2] / "notebooks/solutions/06_decode_and_verify_jwts.py"


@pytest.fixture(scope="module")
def gallery(lab):
    return forgery_gallery(lab)


@pytest.fixture(scope="module")
def kit_verifier(lab):
    return CognitoJwtVerifier(user_pool_id=lab.user_pool_id, token_use="access",
                              client_id=lab.app_clients["server"].client_id,
                              jwks_url=lab.jwks_url, clock=lab.clock)


def claims_of(token: str) -> tuple[dict, dict]:
    header, payload = token.split(".")[:2]
    decode = lambda s: json.loads(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))  # noqa: E731
    return decode(header), decode(payload)


def naive_verify(token: str) -> dict:
    """Decodes, verifies nothing: the bug the notebook's exercise starts from."""
    return jwt.decode(token, options={"verify_signature": False})


# --- the gallery itself --------------------------------------------------------------------


def test_gallery_covers_the_attacks_the_lesson_names(gallery):
    names = [forgery.name for forgery in gallery]
    assert len(names) == len(set(names))
    for expected in ("alg none", "alg None", "alg NONE", "HS256 with the public key",
                     "signature stripped", "payload edited", "unknown kid",
                     "key embedded in the header (jwk)", "key URL in the header (jku)",
                     "expired", "not yet valid (nbf)", "wrong issuer",
                     "token of another user pool", "ID token as access token",
                     "access token of another app client", "no exp", "exp as a string"):
        assert expected in names
    for forgery in gallery:
        assert forgery.attack and forgery.check and forgery.made_by
        assert issubclass(getattr(api, forgery.error), JwtVerificationError), forgery.error


def test_every_forgery_is_refused_by_the_kit_with_the_named_error(gallery, kit_verifier):
    wrong = {}
    for forgery in gallery:
        try:
            kit_verifier.verify(forgery.token)
        except JwtVerificationError as error:
            if type(error).__name__ != forgery.error:
                wrong[forgery.name] = f"{type(error).__name__}: {error}"
        else:
            wrong[forgery.name] = "accepted"
    assert wrong == {}


def test_every_valid_token_is_accepted_by_the_kit(gallery, kit_verifier, lab):
    assert len(gallery.valid) == 3
    for valid in gallery.valid:
        claims = kit_verifier.verify(valid.token)
        assert claims["client_id"] == lab.app_clients["server"].client_id


def test_forgeries_are_what_their_names_say(gallery, lab):
    _, payload = claims_of(gallery["payload edited"].token)
    assert "admins" in payload["cognito:groups"] and "members" in payload["cognito:groups"]
    assert claims_of(gallery["alg nOnE"].token)[0]["alg"] == "nOnE"
    assert gallery["signature stripped"].token.endswith(".")
    assert claims_of(gallery["HS256 with the public key"].token)[0]["alg"] == "HS256"
    assert "jwk" in claims_of(gallery["key embedded in the header (jwk)"].token)[0]
    assert claims_of(gallery["ID token as access token"].token)[1]["token_use"] == "id"
    _, other = claims_of(gallery["token of another user pool"].token)
    assert other["iss"] != lab.issuer and other["token_use"] == "access"
    assert claims_of(gallery["wrong issuer"].token)[1]["iss"] == other["iss"]
    assert "exp" not in claims_of(gallery["no exp"].token)[1]
    assert claims_of(gallery["exp as a string"].token)[1]["exp"] == "9999999999"
    assert claims_of(gallery["expired"].token)[1]["exp"] < lab.clock.now()
    app = claims_of(gallery["access token of another app client"].token)[1]["client_id"]
    assert app != lab.app_clients["server"].client_id
    names = {c["ClientId"]: c["ClientName"] for c in lab.client("cognito-idp")
             .list_user_pool_clients(UserPoolId=lab.user_pool_id, MaxResults=60)
             ["UserPoolClients"]}
    assert names[app] == OTHER_APP_NAME


def test_pyjwt_well_configured_refuses_all_but_a_string_exp(gallery, lab):
    """PyJWT as a second opinion. It runs int() on exp, so "9999999999" passes: the
    notebook says so, and its solution checks the type itself."""
    keys = jwt.PyJWKClient(lab.jwks_url)
    accepted = []
    for forgery in gallery:
        try:
            jwt.decode(forgery.token, keys.get_signing_key_from_jwt(forgery.token).key,
                       algorithms=["RS256"], issuer=lab.issuer,
                       options={"require": ["exp", "iat", "iss", "token_use", "client_id"]})
        except jwt.PyJWTError:
            continue
        accepted.append(forgery.name)
    # Signature and iss are fine for these two; token_use and client_id are not PyJWT's job.
    assert accepted == ["access token of another app client", "exp as a string"]


def test_gallery_is_kept_per_lab_and_never_moves_the_clock(lab, gallery):
    assert forgery_gallery(lab) is gallery
    assert lab.clock.offset == 0


def test_gallery_stops_its_second_lab_and_is_remade_when_keys_are_retired(fresh_lab):
    before = set(threading.enumerate())
    first = forgery_gallery(fresh_lab)
    assert [t for t in threading.enumerate() if t not in before and t.is_alive()] == []
    fresh_lab.rotate_signing_keys(retire_old=True)
    second = forgery_gallery(fresh_lab)
    assert second is not first
    verifier = CognitoJwtVerifier(user_pool_id=fresh_lab.user_pool_id, token_use="access",
                                  client_id=fresh_lab.app_clients["server"].client_id,
                                  jwks_url=fresh_lab.jwks_url, clock=fresh_lab.clock)
    assert verifier.verify(second.valid[0].token)


# --- the self-check --------------------------------------------------------------------------


def test_naive_verifier_fails_and_every_forgery_is_listed(lab, capsys):
    assert not check_verifier(naive_verify, lab)
    out = capsys.readouterr().out
    assert out.count("LET THROUGH") == len(forgery_gallery(lab))
    assert "❌ Your verify() let 19 of 19 forged or broken tokens through." in out
    assert "token_use must be \"access\" (missed: ID token as access token)" in out


def test_kit_verifier_passes(lab, kit_verifier, capsys):
    assert check_verifier(kit_verifier.verify, lab)
    out = capsys.readouterr().out
    assert "✅ Your verify() rejected all 19" in out
    assert "LET THROUGH" not in out


def test_notebook_solution_passes(lab, capsys):
    namespace = runpy.run_path(str(SOLUTION), init_globals={"lab": lab})
    assert check_verifier(namespace["verify"], lab)
    assert "❌" not in capsys.readouterr().out


def test_signature_only_verifier_lets_cognito_specific_forgeries_through(lab, capsys):
    keys = jwt.PyJWKClient(lab.jwks_url)

    def typical(token: str) -> dict:
        return jwt.decode(token, keys.get_signing_key_from_jwt(token).key,
                          algorithms=["RS256"], options={"verify_aud": False})

    report = forgery_gallery(lab).run(typical)
    assert {o.name for o in report.let_through} == {
        "ID token as access token", "access token of another app client", "wrong issuer",
        "no exp", "exp as a string"}
    assert not check_verifier(typical, lab)


def test_refusing_everything_is_not_a_pass(lab, capsys):
    def paranoid(token: str) -> dict:
        raise ValueError("no")

    assert not check_verifier(paranoid, lab)
    assert "wrongly refused 3 of 3 valid tokens" in capsys.readouterr().out


def test_returning_something_else_than_the_claims_is_not_a_pass(lab, kit_verifier, capsys):
    assert not check_verifier(lambda token: kit_verifier.verify(token) and True, lab)
    assert "not the token's claims" in capsys.readouterr().out


def test_untouched_skeleton_and_wrong_arguments_get_a_friendly_verdict(lab, capsys):
    def skeleton(token: str) -> dict:
        raise NotImplementedError

    assert not check_verifier(skeleton, lab)
    assert "Not done yet" in capsys.readouterr().out
    assert not check_verifier("verify", lab)  # type: ignore[arg-type]
    assert "Pass your function itself" in capsys.readouterr().out


def test_returning_none_for_bad_tokens_counts_as_rejecting(lab, kit_verifier, capsys):
    def polite(token: str) -> dict | None:
        try:
            return kit_verifier.verify(token)
        except JwtVerificationError:
            return None

    assert check_verifier(polite, lab)
    assert "rejected (returned None)" in capsys.readouterr().out


def test_a_stopped_lab_gets_a_verdict_not_a_traceback(capsys):
    from cognito_lab import Lab

    stopped = Lab.start(users=())
    stopped.stop()
    assert not check_verifier(naive_verify, stopped)
    assert "not running" in capsys.readouterr().out
