"""cognito-lab: learn Amazon Cognito against a faithful local Cognito, in Jupyter.

``from cognito_lab import Lab`` is all a notebook needs; heavy imports (moto, boto3)
wait until a lab starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["AppClient", "DemoUser", "Lab", "__version__"]

if TYPE_CHECKING:
    from .lab import AppClient, DemoUser, Lab


def __getattr__(name: str) -> Any:
    if name in ("Lab", "AppClient", "DemoUser"):
        from . import lab

        return getattr(lab, name)
    raise AttributeError(f"module 'cognito_lab' has no attribute {name!r}")
