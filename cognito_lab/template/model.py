"""What the template's parts share: the error, a created resource, a resource type, the context.

A leaf module: apply.py (which resolves and orders) and the resource modules (which make
the API calls) both import it, and neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class TemplateError(ValueError):
    """The template cannot be applied; the message names the resource and what is wrong."""


@dataclass
class Created:
    physical_id: str
    attributes: dict[str, Any] = field(default_factory=dict)


Creator = Callable[["Context", str, dict], Created]


@dataclass(frozen=True)
class ResourceType:
    """One CloudFormation type: the properties it takes, and how the lab creates it."""

    create: Creator
    properties: frozenset[str]
    required: frozenset[str] = frozenset()


@dataclass
class Context:
    """What creators need: boto3 clients of the lab, region, account, and created resources."""

    client: Callable[[str], Any]
    region: str
    account_id: str
    created: dict[str, Created] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)   # logical id -> resource type
    parameters: dict[str, Any] = field(default_factory=dict)

