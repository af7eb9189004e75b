"""Notebook 08's self-check really checks: wrong policies fail, the solution passes, and
the role's policy is put back either way."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest

from cognito_lab.teach.identity import check_per_user_policy

SOLUTION = Path(__file__).resolve().parents[2] / "notebooks/solutions/08_per_user_policy.py"


def _skeleton(bucket: str) -> dict:
    raise NotImplementedError


def _everything(bucket: str) -> dict:
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}]}


def _whole_private_folder(bucket: str) -> dict:
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
        "Resource": f"arn:aws:s3:::{bucket}/private/*"}]}


def _read_only(bucket: str) -> dict:
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/private/${{cognito-identity.amazonaws.com:sub}}/*"}]}


@pytest.mark.parametrize("policy", [_skeleton, _everything, _whole_private_folder, _read_only,
                                    lambda bucket: "not a policy"])
def test_wrong_answers_fail_and_the_policy_is_put_back(lab, capsys, policy):
    """AWS: "Amazon S3: Allows Amazon Cognito users to access objects in their bucket"
    (IAM/latest/UserGuide/reference_policies_examples_s3_cognito-bucket.html)."""
    iam = lab.client("iam")
    role = lab.resources["AuthenticatedRole"]
    before = iam.get_role_policy(RoleName=role, PolicyName="user-files")["PolicyDocument"]
    assert not check_per_user_policy(lab, policy)
    assert "❌" in capsys.readouterr().out
    assert iam.list_role_policies(RoleName=role)["PolicyNames"] == ["user-files"]
    after = iam.get_role_policy(RoleName=role, PolicyName="user-files")["PolicyDocument"]
    assert json.dumps(after, sort_keys=True) == json.dumps(before, sort_keys=True)


def test_the_solution_passes(lab, capsys):
    """AWS: "IAM policy elements: Variables and tags"
    (IAM/latest/UserGuide/reference_policies_variables.html)."""
    solution = runpy.run_path(str(SOLUTION))["per_user_policy"]
    assert check_per_user_policy(lab, solution)
    out = capsys.readouterr().out
    assert out.startswith("✅") and "bob reads carol's file: refused" in out
