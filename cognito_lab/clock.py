"""The lab's notion of now.

Cognito tokens are all about time (``iat``, ``exp``, ``auth_time``). A lesson that had
to wait an hour to show an expired token would be no lesson, so the emulator and the
verifier both read time from a :class:`Clock` that a notebook can move forward.
"""

from __future__ import annotations

import threading
import time


class Clock:
    """Real time plus an offset that only ever grows.

    ``clock.now()`` returns seconds since the epoch (a float, like :func:`time.time`);
    ``clock.advance(hours=1)`` moves the lab an hour into the future. A clock is also
    callable, so anything that expects ``time.time`` can take one.
    """

    def __init__(self, offset: float = 0.0) -> None:
        self._offset = float(offset)
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.time() + self._offset

    __call__ = now

    @property
    def offset(self) -> float:
        """How far (seconds) this clock runs ahead of real time."""
        return self._offset

    def advance(self, seconds: float = 0, *, minutes: float = 0, hours: float = 0,
                days: float = 0) -> float:
        """Move the clock forward and return the new now. Time never runs backwards."""
        step = seconds + 60 * minutes + 3600 * hours + 86400 * days
        if step < 0:
            raise ValueError(f"a clock only moves forward; got {step} seconds")
        with self._lock:
            self._offset += step
        return self.now()

    def __repr__(self) -> str:
        return f"Clock(offset={self._offset:g}s)"


def now_from(clock: object | None) -> float:
    """Seconds since the epoch from a Clock, any callable returning them, or real time."""
    if clock is None:
        return time.time()
    if hasattr(clock, "now"):
        return float(clock.now())
    if callable(clock):
        return float(clock())
    raise TypeError("clock must be a Clock or a callable returning epoch seconds, "
                    f"not {type(clock).__name__}")
