"""SAML assertion IDs already used at /saml2/idpresponse (one lab's replay cache).

AWS, "Things to know about SAML IdPs" (No replayed assertions): a SAML assertion can't be
presented twice; a replayed assertion has the ID of an earlier one. An ID is remembered
until the assertion could no longer be accepted anyway (its NotOnOrAfter, by the lab's
clock), so the cache stays small and a replay is refused for as long as it matters.
"""

from __future__ import annotations

import threading

from ...clock import Clock


class SeenAssertions:
    """Thread-safe: the lab server is threaded."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._until: dict[str, float] = {}

    def first_use(self, assertion_id: str, until: float) -> bool:
        """Record ``assertion_id``; False if it was already used (a replay)."""
        now = self.clock.now()
        with self._lock:
            self._until = {key: end for key, end in self._until.items() if end > now}
            if assertion_id in self._until:
                return False
            self._until[assertion_id] = max(until, now)
            return True
