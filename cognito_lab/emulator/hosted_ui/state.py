"""What the hosted UI of one lab remembers between requests.

Kept beside the emulator (one per lab) rather than in it, so the hosted UI's state stays
in this package: codes not yet redeemed, browser sign-in sessions, sign-ins waiting for a
challenge answer, the CSRF key, and which token sessions the hosted UI started.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING

from .browser_sessions import BrowserSessionStore
from .codes import CodeStore
from .csrf import CsrfGuard
from .sign_in import PendingChallenges

if TYPE_CHECKING:
    from .. import Emulator


class HostedUiState:
    def __init__(self) -> None:
        self.codes = CodeStore()
        self.browser_sessions = BrowserSessionStore()
        self.pending = PendingChallenges()
        self.csrf = CsrfGuard()
        self._lock = threading.Lock()
        self._hosted_origins: set[str] = set()

    def mark_hosted(self, origin_jti: str) -> None:
        """Remember a token session the hosted UI started (its refresh follows OAuth rules)."""
        with self._lock:
            self._hosted_origins.add(origin_jti)

    def is_hosted(self, origin_jti: str) -> bool:
        with self._lock:
            return origin_jti in self._hosted_origins


_states: weakref.WeakKeyDictionary[Emulator, HostedUiState] = weakref.WeakKeyDictionary()
_states_lock = threading.Lock()


def state_of(emulator: Emulator) -> HostedUiState:
    """The hosted UI state of one lab (created on first use, freed with the lab)."""
    with _states_lock:
        state = _states.get(emulator)
        if state is None:
            state = _states[emulator] = HostedUiState()
        return state
