"""Plays YOUR APP (the OAuth client): it speaks to Cognito over HTTP and boto3 only.

``from cognito_lab.client import secret_hash`` is the one name exported here; the other
modules are imported by name (``from cognito_lab.client import pkce, srp``). Nothing here
imports the emulator: the same code works against AWS.
"""

from __future__ import annotations

from .secret_hash import secret_hash

__all__ = ["secret_hash"]
