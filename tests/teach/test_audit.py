"""cognito_lab.teach.audit: each weak app-client setting is found and explained."""

from __future__ import annotations

from cognito_lab.teach.audit import audit_app_client, findings_for


def test_the_course_clients(lab):
    web = audit_app_client(lab, lab.user_pool_id, lab.app_clients["web"].client_id)
    assert web.is_public and not web.by_severity("high")
    assert "AllowedOAuthFlows" in web.settings()          # PKCE is the app's job
    m2m = audit_app_client(lab.client("cognito-idp"), lab.user_pool_id,
                           lab.app_clients["m2m"].client_id)
    assert not m2m.is_public and len(m2m) == 0
    assert "No findings" in m2m._repr_html_()


def test_everything_wrong_is_found():
    report = findings_for({
        "ClientName": "everything", "ClientSecret": "s",
        "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"], "PreventUserExistenceErrors": "LEGACY",
        "EnableTokenRevocation": False, "AllowedOAuthFlows": ["code", "implicit"],
        "AllowedOAuthScopes": ["openid", "aws.cognito.signin.user.admin"],
        "CallbackURLs": ["http://app.example.com/cb", "myapp://cb"],
        "AccessTokenValidity": 1, "TokenValidityUnits": {"AccessToken": "days"},
        "RefreshTokenValidity": 3650})
    settings = {f.setting for f in report}
    assert {"GenerateSecret", "AllowedOAuthFlows", "PreventUserExistenceErrors",
            "EnableTokenRevocation", "AccessTokenValidity", "RefreshTokenValidity",
            "CallbackURLs / LogoutURLs"} <= settings
    assert all(f.why and f.fix for f in report)


def test_public_client_specific_findings():
    report = findings_for({"ClientName": "spa", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"],
                           "PreventUserExistenceErrors": "ENABLED",
                           "AllowedOAuthFlows": ["code"],
                           "AllowedOAuthScopes": ["openid", "aws.cognito.signin.user.admin"]})
    problems = " ".join(f.problem for f in report)
    assert "ALLOW_USER_PASSWORD_AUTH" in problems and "aws.cognito.signin.user.admin" in problems
    assert "without PKCE" in problems
