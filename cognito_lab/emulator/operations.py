"""What an operation handler receives (:class:`Call`) and what it is (:data:`Handler`).

The tables of which operations the emulator answers are ``user_pools/operations.py`` and
``identity/operations.py``; an operation not in them goes to moto unchanged. A handler
receives a :class:`Call` and returns the JSON body AWS would return; it may
``call.forward()`` to let moto do the directory work, and it raises :class:`CognitoError`
for AWS's error answers.

A call that came over HTTP has already been read and checked against AWS's model of the
service (``validation.py``): its params are a dict whose members have the model's types,
with every required member present, so a handler need not check shapes again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import Emulator

Handler = Callable[["Call"], dict]


@dataclass
class Call:
    """One API request: service ("cognito-idp"), operation ("InitiateAuth"), JSON params."""

    emulator: Emulator
    service: str
    operation: str
    params: dict
    internal: bool = False   # an in-process call (Emulator.call): the managed login pages

    def forward(self, params: dict | None = None, operation: str | None = None) -> dict:
        """Send this request (or a changed copy) on to moto and return moto's answer."""
        return self.emulator.moto.call(self.service, operation or self.operation,
                                       self.params if params is None else params)

    def param(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)
