"""The self-checks of notebooks 00 and 08 against plausible wrong answers."""

from __future__ import annotations

import pytest

from cognito_lab.teach.identity import check_per_user_policy
from cognito_lab.teach.start import check_aws_jwks_url

# -- 00: where would AWS publish the keys? ----------------------------------------------------


def test_jwks_url_right_answer(lab, capsys):
    assert check_aws_jwks_url(lab, f"{lab.issuer}/.well-known/jwks.json")
    assert capsys.readouterr().out.startswith("✅ Right")


@pytest.mark.parametrize(("answer", "feedback"), [
    (None, "Not done yet"),
    ("LAB_JWKS_URL", "That is where the *lab* serves the keys"),
    ("ISSUER", "The JWKS lives under the issuer URL, at /.well-known/jwks.json."),
    ("ISSUER/jwks.json", "The JWKS lives under the issuer URL"),
    ("ISSUER/.well-known/openid-configuration", "The JWKS lives under the issuer URL"),
])
def test_jwks_url_wrong_answers(lab, capsys, answer, feedback):
    if answer:
        answer = answer.replace("LAB_JWKS_URL", lab.jwks_url).replace("ISSUER", lab.issuer)
    assert not check_aws_jwks_url(lab, answer)
    out = capsys.readouterr().out
    assert out.startswith("❌") and feedback in out


# -- 08: a folder of one's own -----------------------------------------------------------------
OWN = "${cognito-identity.amazonaws.com:sub}"


def policy(resource, actions=("s3:GetObject", "s3:PutObject")):
    return lambda bucket: {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": list(actions),
        "Resource": resource.replace("BUCKET", bucket)}]}


def test_per_user_policy_right_answer(lab, capsys):
    assert check_per_user_policy(lab, policy(f"arn:aws:s3:::BUCKET/private/{OWN}/*"))
    assert capsys.readouterr().out.startswith("✅ Every user has their own folder")


@pytest.mark.parametrize(("answer", "feedback"), [
    (policy("arn:aws:s3:::BUCKET/*"), "Too broad: use ${cognito-identity.amazonaws.com:sub}"),
    (policy("arn:aws:s3:::BUCKET/private/*"), "✗ bob reads carol's file: allowed"),
    (policy("*", actions=("s3:*",)), "Too broad"),
    (policy(f"arn:aws:s3:::BUCKET/private/{OWN}/*", actions=("s3:GetObject",)),
     "Too narrow: allow s3:GetObject and s3:PutObject"),
    (policy(f"arn:aws:s3:::BUCKET/{OWN}/*"), "Too narrow"),
], ids=["whole-bucket", "all-private", "s3-star", "read-only", "outside-private"])
def test_per_user_policy_wrong_answers(lab, capsys, answer, feedback):
    assert not check_per_user_policy(lab, answer)
    out = capsys.readouterr().out
    assert out.startswith("❌ Not yet right") and feedback in out


def test_per_user_policy_skeleton_and_junk(lab, capsys):
    def skeleton(bucket):
        raise NotImplementedError
    assert not check_per_user_policy(lab, skeleton)
    assert "Not done yet" in capsys.readouterr().out
    assert not check_per_user_policy(lab, lambda bucket: ["not", "a", "policy"])
    assert "Return an IAM policy document" in capsys.readouterr().out
