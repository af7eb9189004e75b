"""Audit an app client: which of its settings weaken security, why, and what to change.

    >>> from cognito_lab.teach.audit import audit_app_client
    >>> audit_app_client(lab, lab.user_pool_id, lab.app_clients["web"].client_id)  # doctest: +SKIP

Works with a Lab or any boto3 ``cognito-idp`` client (so also against AWS): it reads the
client with DescribeUserPoolClient and judges each setting against AWS's guidance
("Application-specific settings with app clients", "Managing user existence error
responses", "Revoking tokens", "Using PKCE in authorization code grants", "OAuth 2.0
Security Best Current Practice").
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

SEVERITIES = ("high", "medium", "low", "info")
_COLOURS = {"high": "#b00020", "medium": "#c25e00", "low": "#6b6b00", "info": "#2c5aa0"}
ADMIN_SCOPE = "aws.cognito.signin.user.admin"
UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
DEFAULT_UNITS = {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"}
DEFAULT_VALIDITY = {"AccessToken": 1, "IdToken": 1, "RefreshToken": 30}
FIELD = {"AccessToken": "AccessTokenValidity", "IdToken": "IdTokenValidity",
         "RefreshToken": "RefreshTokenValidity"}
LOOPBACK = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class Finding:
    """One thing to change: how bad, which setting, what's wrong, why it matters, the fix."""

    severity: str
    setting: str
    problem: str
    why: str
    fix: str

    def __str__(self) -> str:
        return (f"[{self.severity.upper()}] {self.setting}: {self.problem}\n"
                f"    why: {self.why}\n    fix: {self.fix}")


class AuditReport:
    """The findings for one app client, worst first; displays as a table in a notebook."""

    def __init__(self, client: dict, findings: list[Finding]) -> None:
        self.client = client
        self.findings = sorted(findings, key=lambda f: SEVERITIES.index(f.severity))

    @property
    def client_name(self) -> str:
        return str(self.client.get("ClientName") or self.client.get("ClientId"))

    @property
    def is_public(self) -> bool:
        return not self.client.get("ClientSecret")

    def by_severity(self, severity: str) -> list[Finding]:
        return [f for f in self.findings if f.severity == severity]

    def settings(self) -> set[str]:
        """The settings with at least one finding (handy in checks and tests)."""
        return {f.setting for f in self.findings}

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __str__(self) -> str:
        kind = "public" if self.is_public else "confidential"
        head = f"App client {self.client_name!r} ({kind}): {len(self)} finding(s)"
        return "\n".join([head, *(str(f) for f in self.findings)])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        kind = "public (no secret)" if self.is_public else "confidential (has a secret)"
        if not self.findings:
            body = "<tr><td colspan=5>No findings: nothing to change.</td></tr>"
        else:
            body = "".join(
                f"<tr><td><b style='color:{_COLOURS[f.severity]}'>{f.severity}</b></td>"
                f"<td><code>{html.escape(f.setting)}</code></td>"
                f"<td style='text-align:left'>{html.escape(f.problem)}</td>"
                f"<td style='text-align:left'>{html.escape(f.why)}</td>"
                f"<td style='text-align:left'>{html.escape(f.fix)}</td></tr>"
                for f in self.findings)
        return (f"<table><caption>Audit of app client <b>{html.escape(self.client_name)}</b> "
                f"— {kind}, {len(self)} finding(s)</caption>"
                "<tr><th>severity</th><th>setting</th><th>what's wrong</th><th>why</th>"
                f"<th>fix</th></tr>{body}</table>")


def _idp(lab_or_idp: Any) -> Any:
    return lab_or_idp.client("cognito-idp") if hasattr(lab_or_idp, "user_pool_id") \
        else lab_or_idp


def _seconds(client: dict, token: str) -> int:
    units = {**DEFAULT_UNITS, **(client.get("TokenValidityUnits") or {})}
    value = client.get(FIELD[token]) or DEFAULT_VALIDITY[token]
    return int(value) * UNIT_SECONDS.get(units[token], 1)


def _human(seconds: int) -> str:
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} seconds"


def audit_app_client(lab_or_idp_client: Any, user_pool_id: str, client_id: str) -> AuditReport:
    """Describe the app client and list what weakens it, each finding explained."""
    idp = _idp(lab_or_idp_client)
    client = idp.describe_user_pool_client(UserPoolId=user_pool_id,
                                           ClientId=client_id)["UserPoolClient"]
    return AuditReport(client, findings_for(client))


def findings_for(client: dict) -> list[Finding]:
    """The audit rules, on a DescribeUserPoolClient ``UserPoolClient`` dict."""
    found: list[Finding] = []
    add = lambda *args: found.append(Finding(*args))  # noqa: E731
    public = not client.get("ClientSecret")
    flows = set(client.get("AllowedOAuthFlows") or [])
    auth_flows = set(client.get("ExplicitAuthFlows") or [])
    scopes = list(client.get("AllowedOAuthScopes") or [])
    urls = list(client.get("CallbackURLs") or []) + list(client.get("LogoutURLs") or [])
    app_scheme = any(urlsplit(u).scheme not in ("http", "https") for u in urls)

    if not public and ("implicit" in flows or app_scheme):
        add("high", "GenerateSecret",
            "The client has a secret but is set up for a browser or mobile app (implicit "
            "flow or an app-scheme callback URL).",
            "Code running on a user's device can't keep a secret: anyone can read it from the "
            "app, so it proves nothing about who is calling.",
            "Use a public client (no secret) with the authorization code flow and PKCE; keep "
            "secrets for server-side apps only.")
    if "implicit" in flows:
        add("high", "AllowedOAuthFlows",
            "The implicit grant is allowed.",
            "Tokens come back in the URL fragment: they end up in browser history, can leak "
            "through Referer headers and scripts, and can't be bound to the client. OAuth 2.0 "
            "Security BCP deprecates the implicit grant.",
            "Allow only 'code' and have the app use PKCE (S256).")
    if "code" in flows:
        add("medium" if public else "info", "AllowedOAuthFlows",
            "The code flow is allowed, and Cognito will redeem a code without PKCE for this "
            "client." if public else
            "The code flow is allowed; Cognito does not require PKCE for it.",
            "Without PKCE, a stolen authorization code (from a malicious app on the device, "
            "or a leaked redirect) can be exchanged for tokens. A public client has no "
            "secret to stop that." if public else
            "The client secret protects the code exchange, but PKCE also stops code "
            "injection and is recommended for every client.",
            "Always send code_challenge (method S256) from the app and the code_verifier at "
            "/oauth2/token.")
    if public and (auth_flows & {"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"}):
        add("medium", "ExplicitAuthFlows",
            "ALLOW_USER_PASSWORD_AUTH is enabled on a public client.",
            "The app sends the user's password itself to Cognito: the password passes through "
            "app code (and any proxy) in clear form, and the flow makes credential stuffing "
            "from scripts easy.",
            "Use ALLOW_USER_SRP_AUTH (the password never leaves the device) or the hosted UI.")
    if public and (auth_flows & {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"}):
        add("low", "ExplicitAuthFlows",
            "ALLOW_ADMIN_USER_PASSWORD_AUTH is enabled on a public client.",
            "Admin flows need AWS credentials: a browser or mobile app must never hold them, "
            "so the setting only widens what this client allows.",
            "Remove it; use admin sign-in only from a server-side client.")
    if flows == {"client_credentials"} and auth_flows - {"ALLOW_REFRESH_TOKEN_AUTH"}:
        add("low", "ExplicitAuthFlows",
            "A machine-to-machine client also allows user sign-in flows.",
            "Every extra flow is another way in; a client-credentials client has no users.",
            "Leave only ALLOW_REFRESH_TOKEN_AUTH (or nothing) on machine clients.")
    if client.get("PreventUserExistenceErrors") != "ENABLED":
        add("medium", "PreventUserExistenceErrors",
            "User existence errors are not prevented (LEGACY).",
            "Sign-in, sign-up confirmation and password recovery answer UserNotFoundException "
            "for unknown names, so anyone can test which emails have accounts.",
            "Set PreventUserExistenceErrors to ENABLED.")
    if client.get("EnableTokenRevocation") is False:
        add("medium", "EnableTokenRevocation",
            "Token revocation is off.",
            "You can't end a session early: a stolen refresh token keeps minting tokens until "
            "it expires, and sign-out can't revoke it.",
            "Set EnableTokenRevocation to true and call RevokeToken on sign-out.")
    for token, limit in (("AccessToken", 3600), ("IdToken", 3600)):
        seconds = _seconds(client, token)
        if seconds > limit:
            add("medium" if seconds > 4 * 3600 else "low", FIELD[token],
                f"{token} lifetime is {_human(seconds)}.",
                "Access and ID tokens are bearer tokens that Cognito can't take back from APIs "
                "that verify them locally: the longer they live, the longer a leaked one works.",
                "Keep them at 1 hour or less (5-60 minutes) and refresh before they expire.")
    refresh = _seconds(client, "RefreshToken")
    if refresh > 30 * 86400:
        add("medium" if public else "low", FIELD["RefreshToken"],
            f"Refresh tokens live {_human(refresh)}.",
            "A refresh token is a long-lived credential; on a device it is the most valuable "
            "thing to steal.",
            "Keep refresh tokens to 30 days or less (shorter for public clients) and revoke "
            "them at sign-out.")
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme == "http" and (parts.hostname or "") not in LOOPBACK:
            add("high", "CallbackURLs / LogoutURLs",
                f"{url} uses plain HTTP.",
                "Codes and tokens sent to it can be read or changed on the network.",
                "Use HTTPS; http is acceptable only for localhost during development.")
        elif "*" in url:
            add("high", "CallbackURLs / LogoutURLs", f"{url} contains a wildcard.",
                "Redirect URIs must match exactly, or an attacker's page can receive codes.",
                "List each exact callback URL.")
        elif (parts.hostname or "") in LOOPBACK:
            add("info", "CallbackURLs / LogoutURLs", f"{url} points at this machine.",
                "Fine for development; in production it is a callback no one should use.",
                "Remove localhost URLs from production app clients.")
    if len(scopes) > 8:
        add("low", "AllowedOAuthScopes", f"{len(scopes)} scopes are allowed.",
            "The broader a client's scopes, the more a leaked token can do (least privilege).",
            "Allow only the scopes this app requests.")
    if public and ADMIN_SCOPE in scopes:
        add("medium", "AllowedOAuthScopes",
            f"{ADMIN_SCOPE} is granted to a public client.",
            "That scope lets a token call the user pools API as the user (change attributes, "
            "change password, delete the user): a token stolen from the browser can do all "
            "of it.",
            "Remove it unless the app really calls those APIs; use custom scopes for your API.")
    if public and client.get("WriteAttributes") is None:
        add("low", "WriteAttributes",
            "The client may write every attribute (no WriteAttributes list).",
            "Users can change any mutable attribute of their own account through "
            "UpdateUserAttributes, including custom ones your backend may trust.",
            "List only the attributes users may edit; make authorization attributes "
            "immutable or admin-only.")
    return found
