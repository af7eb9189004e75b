"""A lab's switch for IAM enforcement (``lab.enforce_iam()``).

Off by default: moto, like most local AWS stand-ins, lets every request through. On, every
request to this lab signed with credentials other than the lab's own is judged by moto's
IAM engine (see ``iam_gate.py``); other labs in the process are not affected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...clock import Clock
    from .. import Emulator
    from .state import Grant, IdentityState


class IamEnforcement:
    """Whether one lab enforces IAM, and what the gate needs to know to do it."""

    def __init__(self, emulator: Emulator, state: IdentityState) -> None:
        self.account_id = emulator.account_id
        self.region = emulator.region
        self.root_key: str = emulator.moto.access_key
        self.clock: Clock = emulator.clock
        self._state = state
        self.enabled = False

    def grant(self, access_key_id: str) -> Grant | None:
        return self._state.grant(access_key_id)

    def set(self, enabled: bool = True) -> EnforcementSwitch:
        """Turn enforcement on or off; the result, used in ``with``, restores the previous
        setting at the end of the block."""
        from .iam_gate import gate

        previous = self.enabled
        if enabled:
            gate().enforce(self)
        else:
            gate().release(self)
        self.enabled = bool(enabled)
        return EnforcementSwitch(self, previous)


class EnforcementSwitch:
    """What ``lab.enforce_iam()`` returns: usable as is, or as a context manager."""

    def __init__(self, enforcement: IamEnforcement, previous: bool) -> None:
        self._enforcement = enforcement
        self._previous = previous

    @property
    def enabled(self) -> bool:
        return self._enforcement.enabled

    def __enter__(self) -> EnforcementSwitch:
        return self

    def __exit__(self, *exc: object) -> None:
        self._enforcement.set(self._previous)

    def __repr__(self) -> str:
        return f"<IAM enforcement {'on' if self.enabled else 'off'}>"
