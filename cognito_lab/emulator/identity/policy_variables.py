"""Resolve IAM policy variables for one request, so moto's IAM engine can enforce them.

AWS replaces ``${cognito-identity.amazonaws.com:sub}`` (and the other variables) in a
role's policies with the caller's values when it evaluates a request. moto's IAM engine
compares them literally, so such a policy never matches there. For the duration of one
enforced request, this writes the role's policies with the variables replaced by the
caller's values (through IAM's own API: PutRolePolicy, CreatePolicyVersion), and puts the
originals back afterwards. The gate's exclusive lock guarantees no other request sees the
resolved copy. Variables the lab does not know stay as written: they match nothing
(fail closed).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote

from .query import QueryError, QueryGateway

_VARIABLE = re.compile(r"\$\{([^}]+)\}")
AWS_MANAGED = ":iam::aws:policy/"


def _document(raw: str) -> str:
    return raw if raw.lstrip().startswith("{") else unquote(raw)


def substitute(document: str, values: dict[str, str]) -> str:
    """The policy JSON with known variables replaced in its strings (keys compare caselessly)."""
    lowered = {k.lower(): v for k, v in values.items()}

    def in_string(text: str) -> str:
        return _VARIABLE.sub(lambda m: lowered.get(m.group(1).strip().lower(), m.group(0)), text)

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            return in_string(node)
        if isinstance(node, list):
            return [walk(item) for item in node]
        if isinstance(node, dict):
            return {key: walk(value) for key, value in node.items()}
        return node

    return json.dumps(walk(json.loads(document)))


@contextmanager
def resolved_policies(iam: QueryGateway, role_name: str | None,
                      values: dict[str, str]) -> Iterator[None]:
    """Within the block, the role's policies hold the caller's values for the variables."""
    undo: list = []
    try:
        if role_name and values:
            _resolve_inline(iam, role_name, values, undo)
            _resolve_managed(iam, role_name, values, undo)
        yield
    finally:
        for step in reversed(undo):
            step()


def _resolve_inline(iam: QueryGateway, role: str, values: dict[str, str], undo: list) -> None:
    for name in iam.iam("ListRolePolicies", RoleName=role).get("PolicyNames", []):
        original = _document(iam.iam("GetRolePolicy", RoleName=role,
                                     PolicyName=name)["PolicyDocument"])
        if "${" not in original:
            continue
        iam.iam("PutRolePolicy", RoleName=role, PolicyName=name,
                PolicyDocument=substitute(original, values))
        undo.append(lambda name=name, original=original: iam.iam(
            "PutRolePolicy", RoleName=role, PolicyName=name, PolicyDocument=original))


def _resolve_managed(iam: QueryGateway, role: str, values: dict[str, str], undo: list) -> None:
    attached = iam.iam("ListAttachedRolePolicies", RoleName=role).get("AttachedPolicies", [])
    for policy in attached:
        arn = policy["PolicyArn"]
        if AWS_MANAGED in arn:
            continue
        default = iam.iam("GetPolicy", PolicyArn=arn)["Policy"]["DefaultVersionId"]
        original = _document(iam.iam("GetPolicyVersion", PolicyArn=arn,
                                     VersionId=default)["PolicyVersion"]["Document"])
        if "${" not in original:
            continue
        try:
            version = iam.iam("CreatePolicyVersion", PolicyArn=arn, SetAsDefault=True,
                              PolicyDocument=substitute(original, values))
        except QueryError:       # e.g. five versions already: leave it literal (fails closed)
            continue
        new = version["PolicyVersion"]["VersionId"]

        def restore(arn: str = arn, default: str = default, new: str = new) -> None:
            iam.iam("SetDefaultPolicyVersion", PolicyArn=arn, VersionId=default)
            iam.iam("DeletePolicyVersion", PolicyArn=arn, VersionId=new)

        undo.append(restore)
