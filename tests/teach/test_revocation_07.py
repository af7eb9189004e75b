"""Notebook 07's revocation probe and its exercise check."""

from __future__ import annotations

import math

import pytest

from cognito_lab.api.verifier import CognitoJwtVerifier
from cognito_lab.bench import sign_in
from cognito_lab.teach.revocation import (
    REQUIREMENTS,
    RevocationProbe,
    check_access_token_validity,
    reference_validity,
)


def test_probe_records_the_documented_trade_off(fresh_lab, capsys):
    """GlobalSignOut (Amazon Cognito API Reference, API_GlobalSignOut): Cognito's own
    operations refuse the token at once; a local verifier accepts it until exp."""
    lab = fresh_lab
    verifier = CognitoJwtVerifier(user_pool_id=lab.user_pool_id, token_use="access",
                                  client_id=lab.app_clients["server"].client_id,
                                  jwks_url=lab.jwks_url, clock=lab.clock)
    probe = RevocationProbe(lab, sign_in(lab)["AccessToken"], verifier)
    probe.check("before")
    lab.clock.advance(minutes=10)
    probe.global_sign_out()
    probe.check("after")
    lab.clock.advance(minutes=51)
    probe.check("past exp")
    before, after, past = probe.observations
    assert before.getuser_ok and before.local_ok
    assert not after.getuser_ok and after.local_ok
    assert "revoked" in after.getuser_says
    assert not past.getuser_ok and not past.local_ok and past.local_says == "JwtExpiredError"
    assert probe.exposure_minutes == pytest.approx(50, abs=0.2)
    printed = capsys.readouterr().out
    assert "GlobalSignOut" in printed and "local verify ✅ accepts" in printed


def test_reference_answers_match_the_requirements():
    for requirement in REQUIREMENTS:
        assert reference_validity(requirement.max_exposure_minutes,
                                  requirement.grace_seconds) == requirement.answer


def test_check_accepts_the_right_answer(capsys):
    assert check_access_token_validity(reference_validity)
    assert "✅" in capsys.readouterr().out


def test_check_on_the_skeleton_says_not_done(capsys):
    def skeleton(max_exposure_minutes, grace_seconds=0):
        raise NotImplementedError

    assert not check_access_token_validity(skeleton)
    assert "Not done yet" in capsys.readouterr().out


@pytest.mark.parametrize(("answer", "hint"), [
    (lambda m, g: math.floor(m), "subtract the grace"),
    (lambda m, g: math.floor(m - g / 60), "5-minute minimum"),
    (lambda m, g: max(5, math.floor(m - g / 60)), "return None"),
    (lambda m, g: 60 * math.floor(m - g / 60), "minutes, not seconds"),
])
def test_check_names_the_usual_mistakes(answer, hint, capsys):
    assert not check_access_token_validity(answer)
    assert hint in capsys.readouterr().out


def test_check_lists_every_wrong_answer_it_counts(capsys):
    """Ignoring the grace (capped at a day): 4 of the 8 requirements go wrong, and the
    verdict lists all 4 — the count and the list agree."""
    def ignores_grace(max_exposure_minutes, grace_seconds=0):
        return min(math.floor(max_exposure_minutes), 1440)

    assert not check_access_token_validity(ignores_grace)
    lines = capsys.readouterr().out.splitlines()
    wrong = [requirement for requirement in REQUIREMENTS
             if ignores_grace(requirement.max_exposure_minutes,
                              requirement.grace_seconds) != requirement.answer]
    assert len(wrong) == 4
    assert lines[0] == f"❌ 4 of {len(REQUIREMENTS)} requirements answered wrongly:"
    listed = [line for line in lines[1:] if line.lstrip().startswith("• window")]
    assert len(listed) == len(lines) - 1 == 4
    for requirement, line in zip(wrong, listed, strict=True):
        assert f"window {requirement.max_exposure_minutes} min" in line


def test_check_never_raises_on_a_broken_answer(capsys):
    assert not check_access_token_validity(lambda m, g: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
