"""For notebook 09 (securing an API end to end): the configuration checklist.

``checklist(lab)`` reads the live configuration with boto3 — the user pool, every app
client, the identity pool's roles and their IAM policies — and judges it item by item:

- user pool: password policy, MFA, an immutable ``custom:tenant_id``, screened sign-up
  (the PreSignUp trigger is *tried*: a stranger and a wrong tenant refused, a partner let in),
  the tenant in access tokens (users of different tenants are *signed in*: each access token
  must carry the user's own ``tenant_id``, which only a V2_0 PreTokenGeneration trigger can
  put there);
- app clients (each rule over every client, judged by ``audit.findings_for``): sign-in
  flows, token lifetimes, user existence errors, token revocation, callback URLs,
  OAuth flows and secrets;
- identity pool: no wildcard actions (``s3:*``, ``dynamodb:*``, ``*``) in any role a user
  can get.

``check_configuration(lab)`` prints it as a ✅/❌ table; ``check_configuration(lab, fix)``
is the exercise's self-check: it runs the learner's ``fix(idp, user_pool_id, client_id)``
on the SPA's app client first, then the checklist, then checks that the SPA's other
settings are as they were (UpdateUserPoolClient resets every setting a call leaves out,
as on AWS: the naive fix that sends only the four changes loses the callback URLs, the
OAuth flow and the scopes) and signs a user in through the SPA.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from botocore.exceptions import ClientError

from ..api import decode_unverified
from . import Verdict, verdict
from .audit import Finding, _seconds, findings_for

TENANT_ATTRIBUTE = "custom:tenant_id"
TENANT_CLAIM = "tenant_id"          # the access-token claim the orders API reads
MIN_PASSWORD_LENGTH = 12
MAX_TOKEN_SECONDS = 3600
WILDCARD_SERVICES = ("s3", "dynamodb", "iam", "cognito-idp", "cognito-identity", "sts")
SPA_CLIENT = "web"
SMOKE_USER = "carol"
SMOKE_SCOPE = "openid email orders/read"
# What the exercise changes on the SPA's client; every other setting must stay as it was.
EXERCISE_SETTINGS = ("ExplicitAuthFlows", "AccessTokenValidity", "IdTokenValidity",
                     "TokenValidityUnits", "PreventUserExistenceErrors",
                     "EnableTokenRevocation")
NOT_SETTINGS = ("UserPoolId", "ClientId", "ClientSecret", "CreationDate", "LastModifiedDate")


@dataclass(frozen=True)
class Item:
    """One line of the checklist: where, what is required, whether it holds, and what was
    found (for a failed item: what is wrong and how to fix it)."""

    area: str
    rule: str
    ok: bool
    found: str

    def line(self) -> str:
        return f"{'✅' if self.ok else '❌'} {self.area:<14} {self.rule:<35} {self.found}"


class Checklist:
    """The items, in order; prints as text and displays as a table."""

    def __init__(self, items: Iterable[Item]) -> None:
        self.items = list(items)

    @property
    def passed(self) -> bool:
        return all(item.ok for item in self.items)

    @property
    def failed(self) -> list[Item]:
        return [item for item in self.items if not item.ok]

    def __iter__(self) -> Iterator[Item]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __str__(self) -> str:
        return "\n".join(item.line() for item in self.items)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{'✅' if i.ok else '❌'}</td><td style='text-align:left'>"
            f"{html.escape(i.area)}</td><td style='text-align:left'>{html.escape(i.rule)}</td>"
            f"<td style='text-align:left'>{html.escape(i.found)}</td></tr>" for i in self.items)
        return (f"<table><caption>Configuration checklist: {len(self) - len(self.failed)} of "
                f"{len(self)} pass</caption><tr><th></th><th>area</th><th>rule</th>"
                f"<th>found</th></tr>{rows}</table>")


# -- user pool -------------------------------------------------------------------------------
def password_item(pool: dict) -> Item:
    policy = (pool.get("Policies") or {}).get("PasswordPolicy") or {}
    length = int(policy.get("MinimumLength") or 8)
    classes = [name for name, key in (("upper", "RequireUppercase"),
                                      ("lower", "RequireLowercase"),
                                      ("numbers", "RequireNumbers"),
                                      ("symbols", "RequireSymbols")) if policy.get(key)]
    missing = [c for c in ("upper", "lower", "numbers") if c not in classes]
    found = f"{length}+ characters; {', '.join(classes) or 'no character classes'}"
    ok = length >= MIN_PASSWORD_LENGTH and not missing
    if not ok:
        found += (f" → set Policies.PasswordPolicy: MinimumLength {MIN_PASSWORD_LENGTH}+ and "
                  "require upper, lower and numbers (UpdateUserPool)")
    return Item("user pool", "password policy", ok, found)


def mfa_item(mfa: dict) -> Item:
    """``mfa``: GetUserPoolMfaConfig's answer."""
    setting = mfa.get("MfaConfiguration") or "OFF"
    factors = []
    if (mfa.get("SoftwareTokenMfaConfiguration") or {}).get("Enabled"):
        factors.append("TOTP")
    if mfa.get("SmsMfaConfiguration"):
        factors.append("SMS")
    if mfa.get("EmailMfaConfiguration"):
        factors.append("email")
    ok = setting in ("ON", "OPTIONAL") and bool(factors)
    found = setting + (f", {' and '.join(factors)}" if factors else ", no factor enabled")
    if not ok:
        found += (" → SetUserPoolMfaConfig(MfaConfiguration='OPTIONAL' or 'ON', "
                  "SoftwareTokenMfaConfiguration={'Enabled': True})")
    return Item("user pool", "MFA available", ok, found)


def tenant_item(pool: dict) -> Item:
    rule = f"{TENANT_ATTRIBUTE} immutable"
    attribute = next((a for a in pool.get("SchemaAttributes") or []
                      if a.get("Name") == TENANT_ATTRIBUTE), None)
    if attribute is None:
        return Item("user pool", rule, False, f"no {TENANT_ATTRIBUTE} attribute → declare it "
                    "with Mutable: false (custom attributes can't be changed later)")
    if attribute.get("Mutable", True):
        return Item("user pool", rule, False, "it is mutable: users could move themselves "
                    "into another tenant → a new pool (or a new attribute) with Mutable: false")
    return Item("user pool", rule, True, "Mutable: false (set once, at sign-up)")


# Who tries to sign up when the checklist probes the PreSignUp trigger, and whether the
# trigger must let them in: the partners' domains of notebook 09 (acme.example → acme,
# globex.example → globex); anyone else is refused, and so is a tenant that is not the
# domain's. Attaching a trigger is not screening: what it *does* is checked.
SIGN_UP_PROBES = (
    ("stranger@anywhere.test", "acme", False, "a stranger's domain"),
    ("new.hire@acme.example", "acme", True, "a partner's domain, its own tenant"),
    ("spy@globex.example", "acme", False, "a partner's domain claiming another tenant"),
)

# probe(email, tenant) -> None when the sign-up was accepted, else the refusal's message.
SignUpProbe = Callable[[str, str], "str | None"]


def sign_up_item(pool: dict, probe: SignUpProbe | None = None) -> Item:
    """Passes when only administrators create users, or when the pool's PreSignUp trigger,
    tried with ``probe`` on :data:`SIGN_UP_PROBES`, refuses and accepts the right ones.
    Without a probe an attached trigger cannot be judged, and the item fails."""
    rule = "sign-up screened, or off"
    if ((pool.get("AdminCreateUserConfig") or {}).get("AllowAdminCreateUserOnly")):
        return Item("user pool", rule, True, "only administrators create users")
    arn = (pool.get("LambdaConfig") or {}).get("PreSignUp")
    if not arn:
        return Item("user pool", rule, False, "anyone can sign up with any email → attach a "
                    "PreSignUp trigger, or set AllowAdminCreateUserOnly")
    name = arn.rsplit(":", 1)[-1]
    if probe is None:
        return Item("user pool", rule, False, f"PreSignUp → {name}, but not tried: a trigger "
                    "that lets everyone in screens nothing")
    wrong = []
    for email, tenant, allowed, who in SIGN_UP_PROBES:
        refusal = probe(email, tenant)
        if allowed and refusal is not None:
            wrong.append(f"{email} ({who}) was refused: {refusal}")
        elif not allowed and refusal is None:
            wrong.append(f"{email} into {tenant} ({who}) was let in")
    if wrong:
        return Item("user pool", rule, False, f"PreSignUp → {name}: " + "; ".join(wrong)
                    + " → raise for domains not in the allowed list and for a tenant that "
                    "is not the domain's; return the event otherwise")
    return Item("user pool", rule, True, f"PreSignUp → {name}: refused a stranger and a "
                "wrong tenant, let a partner in")


def live_sign_up_probe(lab: Any) -> SignUpProbe:
    """Try a sign-up the way the backend invites users (AdminCreateUser, no message sent):
    the pool's PreSignUp trigger runs as it would for any sign-up. A user it lets in is
    deleted again at once."""
    idp = lab.client("cognito-idp")

    def probe(email: str, tenant: str) -> str | None:
        try:
            idp.admin_create_user(
                UserPoolId=lab.user_pool_id, Username=email, MessageAction="SUPPRESS",
                UserAttributes=[{"Name": "email", "Value": email},
                                {"Name": TENANT_ATTRIBUTE, "Value": tenant}])
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "UsernameExistsException":
                return None             # let in earlier (and not cleaned up): accepted
            return _error(exc)
        idp.admin_delete_user(UserPoolId=lab.user_pool_id, Username=email)
        return None

    return probe


# -- the tenant in access tokens ---------------------------------------------------------------
@dataclass(frozen=True)
class TokenSample:
    """A user of ``tenant`` signed in: the claims of the tokens Cognito issued, or why the
    sign-in failed (``error``)."""

    user: str
    tenant: str
    access: dict
    id: dict
    error: str | None = None


# probe() -> one sample per tenant, or why no one could be signed in.
TokenProbe = Callable[[], "list[TokenSample] | str"]
_TENANT_FIX = ("attach a PreTokenGeneration trigger with LambdaVersion V2_0 that copies the "
               f"user's {TENANT_ATTRIBUTE} into accessTokenGeneration.claimsToAddOrOverride "
               f"as {TENANT_CLAIM}")


def _pre_token_trigger(pool: dict) -> tuple[str | None, str]:
    """The PreTokenGeneration function's ARN (or None) and its event version."""
    config = pool.get("LambdaConfig") or {}
    versioned = config.get("PreTokenGenerationConfig") or {}
    arn = versioned.get("LambdaArn") or config.get("PreTokenGeneration")
    return arn, versioned.get("LambdaVersion") or "V1_0"


def tenant_claim_item(pool: dict, probe: TokenProbe | None = None) -> Item:
    """Passes when every probed user's access token carries their own tenant as
    ``tenant_id``. The pool's PreTokenGeneration trigger is judged by the tokens Cognito
    issues with it (``probe``), not by being attached: a V1_0 trigger reaches the ID token
    only, and a trigger that writes a constant tenant puts users in the wrong one."""
    rule = f"{TENANT_CLAIM} in access tokens"
    arn, version = _pre_token_trigger(pool)
    if not arn:
        return Item("user pool", rule, False, "no PreTokenGeneration trigger: access tokens "
                    "carry no tenant, so the API can't tell tenants apart → " + _TENANT_FIX)
    name = f"PreTokenGeneration {version} → {arn.rsplit(':', 1)[-1]}"
    if probe is None:
        return Item("user pool", rule, False, f"{name}, but not tried: what counts is the "
                    "claim in the tokens it issues")
    samples = probe()
    if isinstance(samples, str):
        return Item("user pool", rule, False, f"{name}, but not tried: {samples}")
    v1 = version == "V1_0"
    problems: dict[str, list[str]] = {}      # what is wrong -> the users it is wrong for
    fixes: list[str] = []

    def wrong(problem: str, user: str, fix: str) -> None:
        problems.setdefault(problem, []).append(user)
        if fix not in fixes:
            fixes.append(fix)

    for sample in samples:
        got, in_id = sample.access.get(TENANT_CLAIM), sample.id.get(TENANT_CLAIM)
        if sample.error is not None:
            wrong(f"could not sign in: {sample.error.rstrip('.')}", sample.user,
                  "the trigger must not raise: return the event with the claim added"
                  if "PreTokenGeneration" in sample.error else
                  "the lab's users must be able to sign in with their passwords")
        elif got is None and in_id is not None:
            wrong(f"{TENANT_CLAIM} in the ID token only, which the API refuses"
                  + (": a V1_0 trigger can't change access tokens" if v1 else ""), sample.user,
                  "set PreTokenGenerationConfig LambdaVersion V2_0 and return the claim in "
                  "accessTokenGeneration" if v1 else
                  "return the claim in accessTokenGeneration, not idTokenGeneration")
        elif got is None:
            wrong(f"no {TENANT_CLAIM} in the access token"
                  + (": a V1_0 trigger can't change access tokens" if v1 else ""), sample.user,
                  _TENANT_FIX if v1 else f"return the user's {TENANT_ATTRIBUTE} in "
                  f"accessTokenGeneration.claimsToAddOrOverride as {TENANT_CLAIM}")
        elif got != sample.tenant:
            wrong(f"{TENANT_CLAIM}={got!r} for a user of tenant {sample.tenant}", sample.user,
                  f"copy the user's own {TENANT_ATTRIBUTE} (event.request.userAttributes), "
                  "not a constant or another attribute")
    if problems:
        found = "; ".join(f"{problem} ({', '.join(users)})" for problem, users in problems.items())
        return Item("user pool", rule, False, f"{name}: {found} → {'; '.join(fixes)}")
    who = ", ".join(f"{s.user} {s.tenant}" for s in samples)
    return Item("user pool", rule, True, f"{name}: each access token has its user's tenant "
                f"({who})")


def live_token_probe(lab: Any) -> TokenProbe:
    """Sign in one of the lab's users per tenant, as the backend can (AdminInitiateAuth,
    through an app client made for the probe and deleted again), so that the pool's
    PreTokenGeneration trigger runs as it does for every sign-in."""
    idp = lab.client("cognito-idp")

    def probe() -> list[TokenSample] | str:
        users: dict[str, Any] = {}            # tenant -> its first user
        for user in lab.users.values():
            if user.tenant_id:
                users.setdefault(user.tenant_id, user)
        if not users:
            return f"the lab has no user with a {TENANT_ATTRIBUTE} to sign in"
        client_id = idp.create_user_pool_client(
            UserPoolId=lab.user_pool_id, ClientName="checklist-probe",
            ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
        samples = []
        try:
            for tenant, user in sorted(users.items()):
                try:
                    answer = idp.admin_initiate_auth(
                        UserPoolId=lab.user_pool_id, ClientId=client_id,
                        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password})
                except ClientError as exc:
                    samples.append(TokenSample(user.username, tenant, {}, {}, _error(exc)))
                    continue
                tokens = answer.get("AuthenticationResult")
                if not tokens:
                    samples.append(TokenSample(user.username, tenant, {}, {},
                                               f"challenge {answer.get('ChallengeName')}"))
                    continue
                samples.append(TokenSample(
                    user.username, tenant, decode_unverified(tokens["AccessToken"]).payload,
                    decode_unverified(tokens["IdToken"]).payload))
        finally:
            idp.delete_user_pool_client(UserPoolId=lab.user_pool_id, ClientId=client_id)
        return samples

    return probe


# -- app clients -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClientRule:
    """A checklist rule over every app client: which audit findings break it."""

    rule: str
    settings: tuple[str, ...]
    severities: tuple[str, ...]
    fix: str | None           # None: each finding's own fix
    passed: Callable[[list[dict]], str]


def _names(clients: list[dict]) -> str:
    return ", ".join(str(c.get("ClientName") or c.get("ClientId")) for c in clients) or "none"


def _duration(seconds: int) -> str:
    """``3600`` → ``1 hour``, ``2592000`` → ``30 days``."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


def _lifetimes(clients: list[dict], *tokens: str) -> str:
    return " · ".join(f"{c.get('ClientName')} "
                      f"{_duration(max(_seconds(c, token) for token in tokens))}"
                      for c in clients)


CLIENT_RULES = (
    ClientRule("sign-in flows fit each client", ("ExplicitAuthFlows",),
               ("high", "medium", "low"), None,
               lambda cs: "no password flow in browser apps ("
               + _names([c for c in cs if not c.get("ClientSecret")]) + ")"),
    ClientRule("access and ID tokens ≤ 1 hour",
               ("AccessTokenValidity", "IdTokenValidity"), ("high", "medium", "low"),
               "AccessTokenValidity / IdTokenValidity ≤ 60 with TokenValidityUnits minutes",
               lambda cs: _lifetimes(cs, "AccessToken", "IdToken")),
    ClientRule("refresh tokens ≤ 30 days", ("RefreshTokenValidity",),
               ("high", "medium", "low"), "RefreshTokenValidity ≤ 30 (days)",
               lambda cs: _lifetimes(cs, "RefreshToken")),
    ClientRule("user existence errors hidden", ("PreventUserExistenceErrors",),
               ("high", "medium", "low"), "PreventUserExistenceErrors='ENABLED'",
               lambda cs: f"ENABLED on {_names(cs)}"),
    ClientRule("token revocation on", ("EnableTokenRevocation",), ("high", "medium", "low"),
               "EnableTokenRevocation=True", lambda cs: f"on for {_names(cs)}"),
    ClientRule("callback URLs https, exact", ("CallbackURLs / LogoutURLs",),
               ("high", "medium", "low"), "CallbackURLs / LogoutURLs: exact https:// URLs",
               lambda cs: "https or localhost, no wildcards"),
    ClientRule("browser apps: code flow, no secret", ("AllowedOAuthFlows", "GenerateSecret"),
               ("high",), "AllowedOAuthFlows=['code'] (+ PKCE); secrets on servers only",
               lambda cs: "no implicit grant; no secret in a browser app"),
)


_LIFETIMES = {"AccessTokenValidity": ("AccessToken", "access token"),
              "IdTokenValidity": ("IdToken", "ID token"),
              "RefreshTokenValidity": ("RefreshToken", "refresh token")}


def _problem(client: dict, finding: Finding) -> str:
    if finding.setting in _LIFETIMES:
        token, name = _LIFETIMES[finding.setting]
        return f"{name} lives {_duration(_seconds(client, token))}"
    return finding.problem.rstrip(".")


def client_items(clients: list[dict]) -> list[Item]:
    """One item per rule: failed if any client has a finding the rule counts."""
    found_by_client = [(c, findings_for(c)) for c in clients]
    items = []
    for rule in CLIENT_RULES:
        broken: list[tuple[dict, Finding]] = [
            (client, f) for client, findings in found_by_client for f in findings
            if f.setting in rule.settings and f.severity in rule.severities]
        if broken and rule.fix is None:
            problems = "; ".join(f"{c.get('ClientName')}: {_problem(c, f)} → fix: "
                                 f"{f.setting} — {f.fix}" for c, f in broken)
            items.append(Item("app clients", rule.rule, False, problems))
        elif broken:
            problems = "; ".join(f"{c.get('ClientName')}: {_problem(c, f)}" for c, f in broken)
            items.append(Item("app clients", rule.rule, False, f"{problems} → fix: {rule.fix}"))
        else:
            items.append(Item("app clients", rule.rule, True, rule.passed(clients)))
    return items


# -- identity pool -----------------------------------------------------------------------------
def _statements(document: Any) -> list[dict]:
    if isinstance(document, str):
        document = json.loads(unquote(document))
    statements = (document or {}).get("Statement") or []
    return [statements] if isinstance(statements, dict) else list(statements)


def wildcard_actions(document: Any) -> list[str]:
    """The Allow statements' actions that grant a whole service (``s3:*``) or everything."""
    wild = []
    for statement in _statements(document):
        if statement.get("Effect") != "Allow":
            continue
        if "NotAction" in statement:
            wild.append("NotAction (allows everything else)")
        actions = statement.get("Action") or []
        for action in [actions] if isinstance(actions, str) else actions:
            if action == "*" or (action.endswith(":*") and
                                 action.split(":")[0].lower() in WILDCARD_SERVICES):
                wild.append(action)
    return wild


def role_policies(iam: Any, role_name: str) -> dict[str, Any]:
    """Every policy document of a role: inline ones and attached managed ones."""
    documents: dict[str, Any] = {}
    for name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
        documents[name] = iam.get_role_policy(RoleName=role_name,
                                              PolicyName=name)["PolicyDocument"]
    for attached in iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]:
        arn = attached["PolicyArn"]
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        documents[attached["PolicyName"]] = iam.get_policy_version(
            PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    return documents


def identity_role_arns(roles: dict, groups: list[dict]) -> list[str]:
    """Every role a user of the identity pool can get: its default roles, the roles of its
    rules, and (token-based mapping) the roles of the user pool's groups."""
    arns = list((roles.get("Roles") or {}).values())
    for mapping in (roles.get("RoleMappings") or {}).values():
        for rule in (mapping.get("RulesConfiguration") or {}).get("Rules") or []:
            arns.append(rule.get("RoleARN"))
    arns += [group.get("RoleArn") for group in groups]
    return list(dict.fromkeys(arn for arn in arns if arn))


def roles_item(policies_by_role: dict[str, dict[str, Any]]) -> Item:
    rule = "roles: no s3:*, dynamodb:*, *"
    if not policies_by_role:
        return Item("identity pool", rule, True, "no roles")
    wild = [f"{role} allows {', '.join(actions)} ({name})"
            for role, documents in policies_by_role.items()
            for name, document in documents.items()
            if (actions := wildcard_actions(document))]
    if wild:
        return Item("identity pool", rule, False, "; ".join(wild) + " → fix: name the actions "
                    "and resources, per user with ${cognito-identity.amazonaws.com:sub}")
    return Item("identity pool", rule, True, f"{len(policies_by_role)} roles, named actions "
                "only")


# -- putting it together -----------------------------------------------------------------------
def _clients(idp: Any, pool_id: str) -> list[dict]:
    listed = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    return [idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=c["ClientId"])
            ["UserPoolClient"] for c in listed]


def _identity_roles(lab: Any, groups: list[dict]) -> dict[str, dict[str, Any]]:
    if not getattr(lab, "identity_pool_id", None):
        return {}
    roles = lab.client("cognito-identity").get_identity_pool_roles(
        IdentityPoolId=lab.identity_pool_id)
    iam = lab.client("iam")
    return {arn.rsplit("/", 1)[-1]: role_policies(iam, arn.rsplit("/", 1)[-1])
            for arn in identity_role_arns(roles, groups)}


def checklist(lab: Any) -> Checklist:
    """Read the lab's live configuration and judge every item (see the module docstring)."""
    idp = lab.client("cognito-idp")
    pool_id = lab.user_pool_id
    pool = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    mfa = idp.get_user_pool_mfa_config(UserPoolId=pool_id)
    groups = idp.list_groups(UserPoolId=pool_id)["Groups"]
    items = [password_item(pool), mfa_item(mfa), tenant_item(pool),
             sign_up_item(pool, live_sign_up_probe(lab)),
             tenant_claim_item(pool, live_token_probe(lab))]
    items += client_items(sorted(_clients(idp, pool_id), key=lambda c: c.get("ClientName", "")))
    items.append(roles_item(_identity_roles(lab, groups)))
    return Checklist(items)


def _error(exc: ClientError) -> str:
    error = exc.response["Error"]
    return f"{error.get('Code')}: {error.get('Message')}"


def spa_sign_in(lab: Any, redirect_uri: str) -> Item:
    """Sign a user in through the SPA's client (hosted UI, code + PKCE) at the SPA's own
    ``redirect_uri``, as the app does."""
    from cognito_lab.client.oauth import Browser, CognitoOAuth, OAuthError, SignInError

    rule = "still signs in (code + PKCE)"
    user = lab.users[SMOKE_USER]
    oauth = CognitoOAuth(lab.domain_url, lab.app_clients[SPA_CLIENT].client_id,
                         redirect_uri=redirect_uri)
    try:
        request = oauth.begin(SMOKE_SCOPE)
        signed_in = Browser().sign_in(request.url, user.username, user.password)
        code = request.check_callback(signed_in.callback_url)
        tokens = oauth.exchange_code(code, code_verifier=request.code_verifier)
    except (OAuthError, SignInError, ValueError) as exc:
        return Item(f"SPA ({SPA_CLIENT})", rule, False, f"{type(exc).__name__}: {exc} → keep "
                    "its callback URL, the code flow and its scopes")
    lifetime = tokens.expires_in
    ok = 0 < lifetime <= MAX_TOKEN_SECONDS
    return Item(f"SPA ({SPA_CLIENT})", rule, ok,
                f"{user.email} signed in; access token for {_duration(lifetime)}")


def _unset(value: Any) -> bool:
    return value is None or value == [] or value == {}


def changed_settings(before: dict, after: dict) -> list[str]:
    """The SPA client's settings, other than the exercise's, that are no longer as they
    were (an absent setting and an empty one count as the same; the refresh token's
    lifetime is compared in seconds, since its unit lives in TokenValidityUnits)."""
    names = (set(before) | set(after)) - set(EXERCISE_SETTINGS) - set(NOT_SETTINGS)
    changed = [name for name in names if before.get(name) != after.get(name)
               and not (_unset(before.get(name)) and _unset(after.get(name)))
               and name != "RefreshTokenValidity"]
    if _seconds(before, "RefreshToken") != _seconds(after, "RefreshToken"):
        changed.append("RefreshTokenValidity")
    return sorted(changed)


def kept_item(before: dict, after: dict) -> Item:
    rule = "other settings as they were"
    changed = changed_settings(before, after)
    if changed:
        return Item(f"SPA ({SPA_CLIENT})", rule, False,
                    f"UpdateUserPoolClient set what the call left out back to its default: "
                    f"{', '.join(changed)} → describe the client, change only the four "
                    "settings, and send every setting back")
    return Item(f"SPA ({SPA_CLIENT})", rule, True,
                "callback URLs, OAuth flows, scopes and attributes unchanged")


def _description(lab: Any, client_id: str) -> dict:
    return lab.client("cognito-idp").describe_user_pool_client(
        UserPoolId=lab.user_pool_id, ClientId=client_id)["UserPoolClient"]


def check_configuration(lab: Any, fix: Callable[[Any, str, str], Any] | None = None
                        ) -> Verdict:
    """Print the checklist as a ✅/❌ table; True when every item passes.

    With ``fix``: first run ``fix(idp, user_pool_id, client_id)`` on the SPA's app client
    (the exercise), then the checklist, then compare the SPA's other settings with what
    they were and sign a user in through the SPA.
    """
    redirect_uri = None
    before: dict = {}
    if fix is not None:
        web = lab.app_clients[SPA_CLIENT]
        redirect_uri = web.callback_urls[0]       # where the SPA itself lives
        before = _description(lab, web.client_id)
        try:
            fix(lab.client("cognito-idp"), lab.user_pool_id, web.client_id)
        except NotImplementedError:
            return verdict(False, "", f"Not done yet: fill in `{_name(fix)}`. The checklist "
                           "as it stands:", details=[i.line() for i in checklist(lab)])
        except ClientError as exc:
            return verdict(False, "", f"Cognito refused the update in `{_name(fix)}`:",
                           details=[_error(exc)])
        except Exception as exc:
            return verdict(False, "", f"`{_name(fix)}` raised {type(exc).__name__}: {exc}")
        lab.refresh_app_clients()
    try:
        items = checklist(lab)
    except ClientError as exc:
        return verdict(False, "", "The configuration could not be read:", details=[_error(exc)])
    lines = [i.line() for i in items]
    ok = items.passed
    if redirect_uri is not None:
        kept = kept_item(before, _description(lab, before["ClientId"]))
        smoke = spa_sign_in(lab, redirect_uri)
        lines += [kept.line(), smoke.line()]
        ok = ok and kept.ok and smoke.ok
    total = len(lines)
    failed = sum(1 for line in lines if line.startswith("❌"))
    return verdict(ok, f"Your configuration passes the checklist: {total} of {total}.",
                   f"{failed} of {total} items fail:", details=lines)


def _name(fn: Callable) -> str:
    return getattr(fn, "__name__", "your function")


__all__ = [
    "CLIENT_RULES",
    "SIGN_UP_PROBES",
    "Checklist",
    "Item",
    "TokenSample",
    "changed_settings",
    "check_configuration",
    "checklist",
    "client_items",
    "identity_role_arns",
    "kept_item",
    "live_sign_up_probe",
    "live_token_probe",
    "mfa_item",
    "password_item",
    "role_policies",
    "roles_item",
    "sign_up_item",
    "spa_sign_in",
    "tenant_claim_item",
    "tenant_item",
    "wildcard_actions",
]
