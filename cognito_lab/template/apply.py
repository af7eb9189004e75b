"""Apply a CloudFormation template's Cognito resources through boto3.

moto's CloudFormation does not know Cognito resources, so the lab plays CloudFormation:
resources are created in dependency order, ``Ref`` / ``Fn::GetAtt`` / ``Fn::Sub`` /
``Fn::Join`` are resolved, and each resource becomes the API calls CloudFormation itself
would make. A resource type or property the lab does not know is an error naming it,
never a silent skip: a template that deploys here should mean the same on AWS.
"""

from __future__ import annotations

import re
from typing import Any

from .model import Context, Created, TemplateError
from .resource_types import RESOURCE_TYPES


# -- intrinsic functions --------------------------------------------------------------------
class _Unresolved(Exception):
    """A reference to a resource not created yet (so: create it later)."""


def resolve(value: Any, ctx: Context) -> Any:
    if isinstance(value, list):
        return [resolve(item, ctx) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (key, arg), = value.items()
        if key == "Ref":
            return _ref(arg, ctx)
        if key == "Fn::GetAtt":
            name, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
            return _get_att(name, attribute, ctx)
        if key == "Fn::Sub":
            return _sub(arg, ctx)
        if key == "Fn::Join":
            separator, items = arg
            return separator.join(str(item) for item in resolve(items, ctx))
        if key.startswith("Fn::"):
            raise TemplateError(f"the lab does not support the intrinsic function {key}")
    return {key: resolve(item, ctx) for key, item in value.items()}


_PSEUDO = {"AWS::Region": lambda c: c.region, "AWS::AccountId": lambda c: c.account_id,
           "AWS::Partition": lambda c: "aws", "AWS::URLSuffix": lambda c: "amazonaws.com",
           "AWS::StackName": lambda c: "cognito-lab", "AWS::NoValue": lambda c: None}


def _ref(name: str, ctx: Context) -> Any:
    if name in _PSEUDO:
        return _PSEUDO[name](ctx)
    if name in ctx.parameters:
        return ctx.parameters[name]
    if name in ctx.created:
        return ctx.created[name].physical_id
    if name in ctx.types:
        raise _Unresolved(name)
    raise TemplateError(f"Ref to {name!r}, which is neither a resource nor a parameter")


def _get_att(name: str, attribute: str, ctx: Context) -> Any:
    if name not in ctx.created:
        if name in ctx.types:
            raise _Unresolved(name)
        raise TemplateError(f"Fn::GetAtt names {name!r}, which is not a resource")
    attributes = ctx.created[name].attributes
    if attribute not in attributes:
        raise TemplateError(f"{name} ({ctx.types[name]}) has no attribute {attribute!r}; "
                            f"it has {sorted(attributes)}")
    return attributes[attribute]


def _sub(arg: Any, ctx: Context) -> str:
    text, extra = (arg, {}) if isinstance(arg, str) else (arg[0], resolve(arg[1], ctx))

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name in extra:
            return str(extra[name])
        resource, _, attribute = name.partition(".")
        if attribute and resource in ctx.types:
            return str(_get_att(resource, attribute, ctx))
        return str(_ref(name, ctx))

    # ``${!Literal}`` is CloudFormation's escape for a literal ``${Literal}``.
    return re.sub(r"\$\{([^}!]+)\}", replace, text).replace("${!", "${")


# -- applying ----------------------------------------------------------------------------
def _check(logical_id: str, resource: Any) -> tuple[str, dict]:
    if not isinstance(resource, dict) or "Type" not in resource:
        raise TemplateError(f"resource {logical_id} has no Type")
    kind = resource["Type"]
    if kind not in RESOURCE_TYPES:
        raise TemplateError(
            f"resource {logical_id} has type {kind!r}, which the lab cannot create "
            f"(it knows: {', '.join(sorted(RESOURCE_TYPES))})")
    properties = resource.get("Properties") or {}
    spec = RESOURCE_TYPES[kind]
    unknown = sorted(set(properties) - spec.properties)
    if unknown:
        raise TemplateError(f"resource {logical_id} ({kind}) has unknown or unsupported "
                            f"properties: {', '.join(unknown)}")
    missing = sorted(spec.required - set(properties))
    if missing:
        raise TemplateError(f"resource {logical_id} ({kind}) is missing required "
                            f"properties: {', '.join(missing)}")
    return kind, properties


def apply_template(template: dict, ctx: Context) -> dict[str, Created]:
    """Create every resource; return logical id -> Created, in creation order."""

    for name, spec in (template.get("Parameters") or {}).items():
        ctx.parameters.setdefault(name, (spec or {}).get("Default"))
    pending = {}
    for logical_id, resource in template["Resources"].items():
        kind, properties = _check(logical_id, resource)
        ctx.types[logical_id] = kind
        pending[logical_id] = (kind, properties, set(_as_list(resource.get("DependsOn"))))
    while pending:
        progress = False
        for logical_id, (kind, properties, depends_on) in list(pending.items()):
            if depends_on - set(ctx.created):
                continue
            try:
                resolved = resolve(properties, ctx)
            except _Unresolved:
                continue
            resolved = {k: v for k, v in resolved.items() if v is not None}
            try:
                ctx.created[logical_id] = RESOURCE_TYPES[kind].create(ctx, logical_id, resolved)
            except TemplateError:
                raise
            except Exception as exc:
                raise TemplateError(f"creating {logical_id} ({kind}) failed: {exc}") from exc
            del pending[logical_id]
            progress = True
        if not progress:
            raise TemplateError("circular or unsatisfiable references among: "
                                + ", ".join(sorted(pending)))
    return ctx.created


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
