"""The fidelity layer's table of contents: which AWS API operations the emulator answers.

An operation not registered here goes to moto unchanged. A registered handler receives a
:class:`Call` and returns the JSON body AWS would return; it may ``call.forward()`` to let
moto do the directory work, and it raises :class:`CognitoError` for AWS's error answers.

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
HANDLERS: dict[tuple[str, str], Handler] = {}


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


def operation(service: str, *names: str) -> Callable[[Handler], Handler]:
    """Register a handler for one or more operations of a service."""

    def register(handler: Handler) -> Handler:
        for name in names:
            key = (service, name)
            if key in HANDLERS:
                raise RuntimeError(f"{service}:{name} is already handled by {HANDLERS[key]}")
            HANDLERS[key] = handler
        return handler

    return register
