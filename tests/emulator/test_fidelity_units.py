"""Unit checks of the fidelity layer's rule tables (the end-to-end behaviour is in
tests/fidelity)."""

from __future__ import annotations

import pytest

from cognito_lab.emulator.errors import CognitoError
from cognito_lab.emulator.user_pools import flows, passwords
from cognito_lab.emulator.user_pools.client_rules import url_problem
from cognito_lab.emulator.user_pools.delivery import mask
from cognito_lab.emulator.user_pools.triggers import claims_override


def test_legacy_flows_mean_their_allow_values():
    allowed = flows.allowed_flows(["ADMIN_NO_SRP_AUTH"])
    assert {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH"} <= allowed
    assert "ALLOW_USER_SRP_AUTH" not in flows.allowed_flows(["CUSTOM_AUTH_FLOW_ONLY"])


def test_admin_flows_are_refused_on_initiate_auth():
    with pytest.raises(CognitoError, match="Initiate Auth method not supported"):
        flows.require_flow("ADMIN_USER_PASSWORD_AUTH", ["ALLOW_ADMIN_USER_PASSWORD_AUTH"],
                           admin=False)
    with pytest.raises(CognitoError, match="failed to satisfy constraint"):
        flows.require_flow("PASSWORD", [], admin=False)


@pytest.mark.parametrize("password, reason", [
    ("Aa1", "Password not long enough"), ("AAAAAAAA1!", "lowercase"),
    ("aaaaaaaa1!", "uppercase"), ("Aaaaaaaaa!", "numeric"), ("Aaaaaaaa1", "symbol")])
def test_default_policy_names_the_broken_rule(password, reason):
    with pytest.raises(CognitoError, match=reason):
        passwords.PasswordPolicy().check(password)


def test_a_space_inside_counts_as_a_symbol():
    assert passwords.PasswordPolicy().check("Aaaa aaaa1") == "Aaaa aaaa1"


@pytest.mark.parametrize("url, ok", [
    ("https://a.example/cb", True), ("http://localhost/cb", True),
    ("http://[::1]:8/cb", False), ("http://127.0.0.1:8/cb", False),
    ("myapp://cb", True), ("http://a.example/cb", False), ("https://a.example/cb#x", False),
    ("cb", False), ("javascript:alert(1)", False)])
def test_callback_url_rules(url, ok):
    assert (url_problem(url) is None) is ok


def test_destinations_are_masked_as_cognito_does():
    assert mask("alice@example.com") == "a***@e***"
    assert mask("+12065550100") == "+*******0100"


def test_claims_override_keeps_reserved_claims_and_suppression_wins():
    override = claims_override({"claimsOverrideDetails": {
        "claimsToAddOrOverride": {"iss": "evil", "plan": "gold", "email": "x@y"},
        "claimsToSuppress": ["email"]}})
    claims = override.apply_to_id({"iss": "real", "email": "a@b", "cognito:groups": ["g"]})
    assert claims == {"iss": "real", "plan": "gold", "cognito:groups": ["g"]}


def test_an_empty_group_override_suppresses_groups():
    override = claims_override({"claimsOverrideDetails": {
        "groupOverrideDetails": None}})
    assert override.apply_to_access({"cognito:groups": ["admins"]}) == {}


def test_v1_claims_must_be_strings():
    with pytest.raises(CognitoError, match="Unrecognizable lambda output"):
        claims_override({"claimsOverrideDetails": {
            "claimsToAddOrOverride": {"level": 3}}})
