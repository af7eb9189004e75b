"""The course template deploys to real AWS: cfn-lint finds no errors in it.

cfn-lint checks resource types, properties, their types and allowed values against AWS's
CloudFormation resource specification for each region, plus intrinsic functions and
references. Warnings are allowed only when listed below with the reason they are fine.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cfnlint.api import ManualArgs, lint_file

from cognito_lab.template import default_template_path

TEMPLATE = Path(default_template_path())
# The regions the guide suggests deploying to (the lab plays us-east-1).
REGIONS = ["us-east-1", "eu-west-1"]
# rule id -> why a warning of that rule is acceptable in this template (none so far).
JUSTIFIED_WARNINGS: dict[str, str] = {}


@pytest.fixture(scope="module")
def matches():
    return lint_file(TEMPLATE, config=ManualArgs(regions=REGIONS))


def _describe(found) -> list[str]:
    return [f"{m.rule.id} line {m.linenumber}: {m.message}" for m in found]


def test_cfn_lint_finds_no_errors(matches):
    errors = [m for m in matches if m.rule.severity == "error"]
    assert not errors, "\n".join(_describe(errors))


def test_every_warning_is_justified(matches):
    warnings = [m for m in matches if m.rule.severity == "warning"
                and m.rule.id not in JUSTIFIED_WARNINGS]
    assert not warnings, "\n".join(_describe(warnings))


def test_cfn_lint_really_checks_this_template(tmp_path):
    """A broken copy (a misspelt property, an unknown reference) is caught."""
    broken = tmp_path / "broken.yaml"
    text = TEMPLATE.read_text()
    assert "UserPoolId: !Ref UserPool" in text
    broken.write_text(text.replace("UserPoolId: !Ref UserPool", "UserPoolId: !Ref NoSuchPool", 1)
                      .replace("GenerateSecret: false", "GenerateSecrets: false", 1))
    found = lint_file(broken, config=ManualArgs(regions=REGIONS))
    rules = {m.rule.id for m in found if m.rule.severity == "error"}
    assert "E3002" in rules, _describe(found)   # the misspelt property
    assert "E1020" in rules, _describe(found)   # the unknown reference


def test_the_guides_deploy_command_fits_the_template_and_aws_rules():
    """The instructor guide's `aws cloudformation deploy` passes a DomainPrefix AWS accepts.

    AWS "CreateUserPoolDomain" (cognito-user-identity-pools/latest/APIReference/
    API_CreateUserPoolDomain.html): a prefix matches ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$;
    and Cognito refuses prefixes containing the reserved words aws, amazon or cognito.
    """
    import re

    import yaml

    guide = (Path(__file__).parents[2] / "docs" / "instructor-guide.md").read_text()
    command = re.search(r"aws cloudformation deploy(?:[^\n]*\\\n)*[^\n]*", guide).group(0)
    assert f"--template-file {TEMPLATE.relative_to(Path(__file__).parents[2])}" in command
    assert "--capabilities CAPABILITY_IAM" in command
    prefix = re.search(r"DomainPrefix=(\S+)", command).group(1)
    assert re.fullmatch(r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?", prefix)
    assert not re.search(r"aws|amazon|cognito", prefix)
    loader = type("Loader", (yaml.SafeLoader,), {})
    loader.add_multi_constructor("!", lambda *_: None)
    parameters = yaml.load(TEMPLATE.read_text(), Loader=loader)["Parameters"]
    assert "DomainPrefix" in parameters
