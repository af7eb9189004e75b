"""What the hosted UI of one lab remembers between requests.

The Emulator owns one (``emulator.hosted_ui``): codes not yet redeemed, browser
sign-in sessions, sign-ins waiting for a challenge answer (or a passkey enrolment), the
CSRF key, and which token sessions the hosted UI started.
"""

from __future__ import annotations

import threading

from ...clock import Clock
from .browser_sessions import BrowserSessionStore
from .codes import CodeStore
from .csrf import CsrfGuard
from .federation import FederatedSignIns
from .passkey_pages import PasskeyEnrolments
from .saml_logout_request import PendingLogouts
from .saml_replay import SeenAssertions
from .sign_in import PendingChallenges


class HostedUiState:
    """Per-lab hosted UI state. Thread-safe: the lab server is threaded."""

    def __init__(self, clock: Clock) -> None:
        self.codes = CodeStore(clock)
        self.browser_sessions = BrowserSessionStore(clock)
        self.pending = PendingChallenges(clock)
        self.enrolments = PasskeyEnrolments(clock)
        self.csrf = CsrfGuard()
        self.federation = FederatedSignIns(clock)   # sign-ins gone to an external IdP
        self.saml_assertions = SeenAssertions(clock)   # assertion IDs used (no replays)
        self.saml_logouts = PendingLogouts(clock)   # sign-outs gone to a SAML IdP
        self._lock = threading.Lock()
        self._hosted_origins: set[str] = set()

    def mark_hosted(self, origin_jti: str) -> None:
        """Remember a token session the hosted UI started (its refresh follows OAuth rules)."""
        with self._lock:
            self._hosted_origins.add(origin_jti)

    def is_hosted(self, origin_jti: str) -> bool:
        with self._lock:
            return origin_jti in self._hosted_origins
