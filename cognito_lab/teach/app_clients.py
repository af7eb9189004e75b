"""Checks for notebook 02 (app clients)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from urllib.parse import urlsplit

from botocore.exceptions import ClientError

from . import Verdict, verdict

PASSWORD_FLOWS = {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                  "USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"}
SPA_MAX_ACCESS_SECONDS = 3600      # the AWS default; a browser token should not outlive it
SPA_CALLBACK = "https://app.example.com/callback"   # exercise 2's single-page app
SPA_SCOPES = ("openid", "email", "profile")
TENANT = "custom:tenant_id"


def _reference(username: str, client_id: str, client_secret: str) -> str:
    digest = hmac.new(client_secret.encode(), (username + client_id).encode(),
                      hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _diagnose(answer: object, username: str, client_id: str, secret: str) -> str:
    """Name the usual mistake behind a wrong SECRET_HASH."""
    if isinstance(answer, bytes):
        return "It returned bytes: AWS expects a str (`.decode()` the Base64)."
    if not isinstance(answer, str):
        return f"It returned {type(answer).__name__}; AWS expects a Base64 str."
    mac = lambda key, msg: hmac.new(key.encode(), msg.encode(), hashlib.sha256)  # noqa: E731
    if answer == base64.b64encode(mac(secret, client_id + username).digest()).decode():
        return "The message is username + client_id, in that order (you put the id first)."
    if answer == base64.b64encode(mac(username + client_id, secret).digest()).decode():
        return "Key and message are swapped: the client secret is the HMAC key."
    if answer == mac(secret, username + client_id).hexdigest():
        return "That is the hex digest: AWS wants the raw digest, Base64-encoded."
    if answer == base64.urlsafe_b64encode(mac(secret, username + client_id).digest()).decode():
        return "Use standard Base64 (`base64.b64encode`), not the URL-safe alphabet."
    return "Compute Base64(HMAC-SHA256(key=client secret, message=username + client id))."


def check_secret_hash(lab, compute: Callable[[str, str, str], str]) -> Verdict:
    """Does ``compute(username, client_id, client_secret)`` sign a user in?"""
    server = lab.app_clients["server"]
    user = lab.users["alice"]
    try:
        answer = compute(user.username, server.client_id, server.client_secret)
    except NotImplementedError:
        return verdict(False, "", "Not done yet: fill in the body of `my_secret_hash`.")
    except Exception as exc:
        return verdict(False, "", f"`my_secret_hash` raised {type(exc).__name__}: {exc}")
    expected = _reference(user.username, server.client_id, server.client_secret)
    if answer != expected:
        return verdict(False, "", "Not the SECRET_HASH Cognito expects.", details=[
            _diagnose(answer, user.username, server.client_id, server.client_secret)])
    idp = lab.client("cognito-idp")
    try:
        result = idp.initiate_auth(
            ClientId=server.client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": user.username, "PASSWORD": user.password,
                            "SECRET_HASH": answer})
    except ClientError as exc:
        error = exc.response["Error"]
        return verdict(False, "", "The hash looks right but the sign-in failed.",
                       details=[f"{error['Code']}: {error['Message']}"])
    signed_in = "AuthenticationResult" in result
    return verdict(signed_in, "Right: Cognito accepted your SECRET_HASH and signed alice in "
                   "through the confidential `server` client.",
                   "Cognito answered with a challenge instead of tokens.")


def _https_or_localhost(url: str) -> bool:
    parts = urlsplit(url)
    if parts.fragment:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and parts.hostname in ("localhost",)


def _lifetime_seconds(raw: dict, token: str, default: int, default_unit: str) -> int:
    units = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
    unit = (raw.get("TokenValidityUnits") or {}).get(token, default_unit)
    value = raw.get(f"{token}Validity") or default
    return int(value) * units[unit]


def spa_client_problems(raw: dict) -> list[tuple[str, str]]:
    """What stops a DescribeUserPoolClient result from being a well-configured SPA client,
    as (setting, explanation) pairs."""
    problems = []
    add = lambda setting, text: problems.append((setting, text))  # noqa: E731
    if raw.get("ClientSecret"):
        add("GenerateSecret", "it has a client secret: a browser app cannot keep one (anyone "
            "can read it in the page's code) — create it with GenerateSecret=False")
    flows = set(raw.get("ExplicitAuthFlows") or [])
    if flows & PASSWORD_FLOWS:
        add("ExplicitAuthFlows", f"it allows {sorted(flows & PASSWORD_FLOWS)}: the password "
            "would travel to Cognito — allow ALLOW_USER_SRP_AUTH instead")
    if "ALLOW_REFRESH_TOKEN_AUTH" not in flows:
        add("ExplicitAuthFlows", "ExplicitAuthFlows lacks ALLOW_REFRESH_TOKEN_AUTH: the app "
            "could not refresh tokens")
    if raw.get("PreventUserExistenceErrors") != "ENABLED":
        add("PreventUserExistenceErrors", "PreventUserExistenceErrors is not ENABLED: sign-in "
            "errors would tell attackers which emails have accounts")
    if not raw.get("EnableTokenRevocation", False):
        add("EnableTokenRevocation", "EnableTokenRevocation is off: sign-out could not revoke "
            "its refresh token")
    oauth_flows = set(raw.get("AllowedOAuthFlows") or [])
    if not raw.get("AllowedOAuthFlowsUserPoolClient") or oauth_flows != {"code"}:
        add("AllowedOAuthFlows", f"AllowedOAuthFlows is {sorted(oauth_flows)}: an SPA should "
            "use the authorization code grant (with PKCE) only — set ['code'] and "
            "AllowedOAuthFlowsUserPoolClient=True")
    callbacks = raw.get("CallbackURLs") or []
    if not callbacks:
        add("CallbackURLs / LogoutURLs", "no CallbackURLs: the hosted UI would have nowhere "
            "to send the user")
    bad = [url for url in callbacks if not _https_or_localhost(url)]
    if bad:
        add("CallbackURLs / LogoutURLs", f"callback URLs {bad} are neither https nor "
            "http://localhost")
    if "openid" not in (raw.get("AllowedOAuthScopes") or []):
        add("AllowedOAuthScopes", "AllowedOAuthScopes lacks openid: no ID token would be "
            "issued")
    # What notebook 02's SPA needs (exercise 2): its own callback, its scopes, and users
    # who may give their name at sign-up but never choose their tenant.
    if callbacks and SPA_CALLBACK not in callbacks:
        add("CallbackURLs / LogoutURLs", f"the SPA's callback {SPA_CALLBACK} is not "
            "registered: the hosted UI could not send users back to it")
    lacking = [s for s in SPA_SCOPES if s not in (raw.get("AllowedOAuthScopes") or [])]
    if lacking and "openid" not in lacking:
        add("AllowedOAuthScopes", f"AllowedOAuthScopes lacks {' and '.join(lacking)}: the "
            "SPA shows the user's email and name")
    writable = raw.get("WriteAttributes")
    if writable is None:
        add("WriteAttributes", "no WriteAttributes list: the client may write every "
            "attribute, so a user signing up through it could choose their own "
            "custom:tenant_id — list only what users may give (their name)")
    elif TENANT in writable:
        add("WriteAttributes", f"WriteAttributes includes {TENANT}: users could choose "
            "their own tenant at sign-up (immutable only means they keep it for good)")
    elif "name" not in writable:
        add("WriteAttributes", "WriteAttributes lacks name: users signing up could not "
            "give their name")
    for token in ("AccessToken", "IdToken"):
        seconds = _lifetime_seconds(raw, token, 1, "hours")
        if seconds > SPA_MAX_ACCESS_SECONDS:
            add(f"{token}Validity", f"{token} lives {seconds // 60} minutes: in a browser "
                "keep it at the 1-hour default or shorter, and refresh")
    return problems


def _is_pkce_reminder(finding, raw: dict) -> bool:
    """The audit's code-flow finding asks the *app* to send PKCE: no setting can fix it."""
    return finding.setting == "AllowedOAuthFlows" and set(raw.get("AllowedOAuthFlows") or
                                                          []) == {"code"}


def check_spa_client(lab, client_id: str | None) -> Verdict:
    """Is ``client_id`` an app client of the lab's pool configured as a safe SPA client?

    It must meet the SPA rules above and leave no high or medium finding in
    ``audit_app_client`` except the reminder that the app itself must send PKCE.
    """
    from .audit import audit_app_client

    if not client_id:
        return verdict(False, "", "Not done yet: set `spa_client_id` to the ClientId that "
                       "`create_user_pool_client` returned.")
    try:
        report = audit_app_client(lab, lab.user_pool_id, client_id)
    except ClientError as exc:
        return verdict(False, "", f"No app client {client_id!r} in the lab's pool.",
                       details=[exc.response["Error"]["Message"]])
    raw = report.client
    problems = spa_client_problems(raw)
    covered = {setting for setting, _ in problems}
    problems += [(f.setting, f"audit, {f.severity}: {f.problem} {f.fix}") for f in report
                 if f.severity in ("high", "medium") and f.setting not in covered
                 and not _is_pkce_reminder(f, raw)]
    if problems:
        return verdict(False, "", f"{len(problems)} thing(s) to fix in "
                       f"{raw.get('ClientName', client_id)!r}:",
                       details=[text for _, text in problems])
    reminders = [f"{f.setting}: {f.problem}" for f in report
                 if f.severity in ("medium", "low") or _is_pkce_reminder(f, raw)]
    return verdict(True, "A well-configured public SPA client: no secret, SRP and refresh only, "
                   "code flow, the SPA's own https callbacks, user-existence errors hidden, "
                   "revocation on, and users can't choose their tenant.",
                   "", details=[f"audit reminder — {r}" for r in dict.fromkeys(reminders)]
                   or None)
