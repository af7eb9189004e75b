"""Messages Cognito would have sent: confirmation codes, reset codes, temporary passwords.

Real Cognito emails or texts these. The lab delivers them here, so a notebook can read the
code a learner would have found in their inbox, and a wrong code can be told from a
right one.
"""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from ...clock import Clock


@dataclass(frozen=True)
class Message:
    to: str                 # the address (or phone number) it was sent to
    kind: str               # "confirmation", "password_reset", "temporary_password", ...
    subject: str
    body: str
    code: str | None        # the code or temporary password in it, if any
    username: str | None
    sent_at: float
    medium: str = "EMAIL"   # "EMAIL", or "SMS" for a text message to a phone number

    def __str__(self) -> str:
        if self.medium == "SMS":
            return f"SMS to: {self.to}\n\n{self.body}"
        return f"To: {self.to}\nSubject: {self.subject}\n\n{self.body}"


class Mailbox:
    """An inbox for everyone: thread-safe, newest last."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._messages: list[Message] = []

    def deliver(self, *, to: str, kind: str, subject: str, body: str,
                code: str | None = None, username: str | None = None,
                medium: str | None = None) -> Message:
        """File a message; a phone number (``+...``) gets a text message (SMS)."""
        medium = medium or ("SMS" if to.startswith("+") else "EMAIL")
        message = Message(to, kind, subject, body, code, username, self._clock.now(), medium)
        with self._lock:
            self._messages.append(message)
        return message

    def messages(self, to: str | None = None, kind: str | None = None) -> list[Message]:
        with self._lock:
            return [m for m in self._messages
                    if (to is None or to in (m.to, m.username))
                    and (kind is None or m.kind == kind)]

    def texts(self, to: str | None = None, kind: str | None = None) -> list[Message]:
        """The SMS outbox: text messages only (one-time codes sent to phone numbers)."""
        return [m for m in self.messages(to, kind) if m.medium == "SMS"]

    def latest(self, to: str | None = None, kind: str | None = None) -> Message:
        """The newest message for ``to`` (address or username); LookupError if none."""
        found = self.messages(to, kind)
        if not found:
            who = f" for {to}" if to else ""
            what = f" of kind {kind!r}" if kind else ""
            raise LookupError(f"no message{what}{who} in the lab's mailbox")
        return found[-1]

    def latest_code(self, to: str | None = None, kind: str | None = None) -> str:
        message = self.latest(to, kind)
        if message.code is None:
            raise LookupError(f"the latest message to {message.to} carries no code")
        return message.code

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._messages)

    def __iter__(self):
        return iter(self.messages())

    def __repr__(self) -> str:
        return f"<Mailbox: {len(self)} message(s)>"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{datetime.fromtimestamp(m.sent_at, UTC):%H:%M:%S}</td>"
            f"<td>{html.escape(m.to)}</td><td>{html.escape(m.kind)}</td>"
            f"<td>{html.escape(m.subject)}</td></tr>" for m in self.messages())
        return ("<table><tr><th>sent (UTC)</th><th>to</th><th>kind</th><th>subject</th></tr>"
                f"{rows or '<tr><td colspan=4>(empty)</td></tr>'}</table>")
