"""Read a CloudFormation template (YAML or JSON), short-form intrinsics included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .model import TemplateError


class _CfnLoader(yaml.SafeLoader):
    """A SafeLoader that turns ``!Ref X`` into ``{"Ref": "X"}`` and so on."""


def _intrinsic(name: str):
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "Fn::GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        elif isinstance(node, yaml.MappingNode):
            value = loader.construct_mapping(node, deep=True)
        else:
            raise yaml.constructor.ConstructorError(None, None, f"!{name}: unexpected node",
                                                    node.start_mark)
        return {name: value}

    return construct


for _tag in ("Ref", "Condition"):
    _CfnLoader.add_constructor(f"!{_tag}", _intrinsic(_tag))
for _fn in ("GetAtt", "Sub", "Join", "Select", "Split", "If", "Equals", "Not", "And", "Or",
            "FindInMap", "Base64", "GetAZs", "ImportValue"):
    _CfnLoader.add_constructor(f"!{_fn}", _intrinsic(f"Fn::{_fn}"))


def load_template(source: str | Path | dict) -> dict:
    """A template as a dict, from a path, a YAML/JSON string, or a dict."""
    if isinstance(source, dict):
        template = source
    else:
        is_path = isinstance(source, Path) or (
            "\n" not in str(source) and Path(str(source)).exists())
        text = Path(source).read_text() if is_path else str(source)
        try:
            template = yaml.load(text, Loader=_CfnLoader)  # noqa: S506 (SafeLoader subclass)
        except yaml.YAMLError as exc:
            raise TemplateError(f"the template is not valid YAML or JSON: {exc}") from exc
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        raise TemplateError("a CloudFormation template needs a 'Resources' mapping")
    return template
