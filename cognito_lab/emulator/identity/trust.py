"""Does a role trust this identity pool? (The check STS makes on AssumeRoleWithWebIdentity.)

Identity pools get credentials by presenting their own OpenID token to STS; STS grants the
role only if its trust policy lets the federated principal ``cognito-identity.amazonaws.com``
call ``sts:AssumeRoleWithWebIdentity`` under conditions on the token: ``aud`` (the identity
pool id) and ``amr`` ("authenticated" or "unauthenticated", plus the login providers). moto's
STS grants any role, so the lab evaluates the trust policy here, for the condition
operators such trust policies use. AWS also requires at least one condition on roles that
trust ``cognito-identity.amazonaws.com``; a statement without conditions trusts nobody here.
"""

from __future__ import annotations

import fnmatch
import json
from urllib.parse import unquote

PRINCIPAL = "cognito-identity.amazonaws.com"
ACTION = "sts:AssumeRoleWithWebIdentity"


def _as_list(value: object) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _like(pattern: str, value: str) -> bool:
    return fnmatch.fnmatchcase(value, pattern)


_OPERATORS = {
    "StringEquals": lambda expected, actual: actual == expected,
    "StringLike": lambda expected, actual: _like(expected, actual),
    "StringNotEquals": lambda expected, actual: actual != expected,
    "StringNotLike": lambda expected, actual: not _like(expected, actual),
}


def _value_matches(test, negated: bool, expected: list[str], value: str) -> bool:
    if negated:                  # StringNotEquals: the value differs from every expected one
        return all(test(e, value) for e in expected)
    return any(test(e, value) for e in expected)


def _condition_holds(operator: str, key_values: dict, context: dict[str, list[str]]) -> bool:
    qualifier, _, base = operator.rpartition(":")
    test = _OPERATORS.get(base)
    if test is None or qualifier not in ("", "ForAnyValue", "ForAllValues"):
        return False                       # an operator the lab does not know: fail closed
    negated = base.startswith("StringNot")
    for key, wanted in key_values.items():
        actual = context.get(key.lower())
        if actual is None:
            return False
        expected = [str(v) for v in _as_list(wanted)]
        results = [_value_matches(test, negated, expected, v) for v in actual]
        ok = all(results) if qualifier == "ForAllValues" else any(results)
        if not ok:
            return False
    return True


def _statement_applies(statement: dict, context: dict[str, list[str]]) -> bool:
    principal = statement.get("Principal") or {}
    federated = _as_list(principal.get("Federated")) if isinstance(principal, dict) else []
    if PRINCIPAL not in federated:
        return False
    actions = _as_list(statement.get("Action"))
    if not any(_like(str(a).lower(), ACTION.lower()) for a in actions):
        return False
    conditions = statement.get("Condition") or {}
    if not conditions:
        return False
    return all(_condition_holds(op, kv, context) for op, kv in conditions.items()
               if isinstance(kv, dict))


def trusts(trust_policy: str | dict, *, identity_pool_id: str, amr: list[str],
           identity_id: str) -> bool:
    """True if the trust policy lets this identity pool's token assume the role."""
    document = trust_policy
    if isinstance(document, str):
        text = document if document.lstrip().startswith("{") else unquote(document)
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            return False
    if not isinstance(document, dict):
        return False
    context = {f"{PRINCIPAL}:aud": [identity_pool_id], f"{PRINCIPAL}:amr": list(amr),
               f"{PRINCIPAL}:sub": [identity_id]}
    statements = [s for s in _as_list(document.get("Statement")) if isinstance(s, dict)]
    if any(s.get("Effect") == "Deny" and _statement_applies(s, context) for s in statements):
        return False
    return any(s.get("Effect") == "Allow" and _statement_applies(s, context)
               for s in statements)
