"""A lab's switch for IAM enforcement (``lab.enforce_iam()``).

Off by default: moto, like most local AWS stand-ins, lets every request through. On, every
request to this lab signed with credentials other than the lab's own is judged by moto's
IAM engine (see ``iam_gate.py``); other labs in the process are not affected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...clock import Clock
    from .iam_gate import IamGate
    from .state import Grant, IdentityState


class IamEnforcement:
    """Whether one lab enforces IAM, and what the gate needs to know to do it."""

    def __init__(self, *, gate: IamGate, account_id: str, region: str, root_key: str,
                 clock: Clock, identities: IdentityState) -> None:
        self.gate = gate
        self.account_id = account_id
        self.region = region
        self.root_key = root_key      # the lab's own key: the account's root, never restricted
        self.clock = clock
        self._identities = identities
        self.enabled = False

    def grant(self, access_key_id: str) -> Grant | None:
        return self._identities.grant(access_key_id)

    def refusal(self, environ: dict) -> Any:
        """For the dispatcher, before an operation the emulator answers itself: None, or the
        WSGI app answering AWS's refusal (only while this lab enforces IAM)."""
        if not self.enabled:
            return None
        answer = self.gate.judge_handled(self, environ)
        if answer is None:
            return None
        return lambda environ, start_response: answer.send(start_response)

    def set(self, enabled: bool = True) -> EnforcementSwitch:
        """Turn enforcement on or off; the result, used in ``with``, restores the previous
        setting at the end of the block."""
        previous = self.enabled
        if enabled:
            self.gate.enforce(self)
        else:
            self.gate.release(self)
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
