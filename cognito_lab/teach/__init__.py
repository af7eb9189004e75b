"""For the notebooks only: displays, widgets, charts and exercise checks.

Nothing in the package imports ``teach``; notebooks import from its modules, e.g.
``from cognito_lab.teach.tokens import show_token``. Shared here: how a value is shortened
for display and how a self-check reports its verdict, so every lesson speaks alike.
"""

from __future__ import annotations


def short(value: str, keep: int = 12) -> str:
    """``eyJraWQiOi…(812 chars)…x3Q``: enough to recognise a token, not to copy it."""
    if len(value) <= 2 * keep + 3:
        return value
    return f"{value[:keep]}…({len(value)} chars)…{value[-4:]}"


class Verdict:
    """A self-check's outcome: truthy when the answer is right.

    The verdict is printed when it is made; in a notebook the object itself then shows
    nothing more (no stray ``True``/``False`` under the message).
    """

    def __init__(self, ok: bool, message: str) -> None:
        self.ok = bool(ok)
        self.message = message

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return f"Verdict(ok={self.ok})"

    def _ipython_display_(self) -> None:
        """Already printed: display nothing."""


def verdict(ok: bool, passed: str, failed: str, *, details: list[str] | None = None) -> Verdict:
    """Print a self-check's verdict (never raise: a learner's wrong answer is not a crash)."""
    lines = [("✅ " + passed) if ok else ("❌ " + failed)]
    lines += ["   • " + line for line in details or []]
    print("\n".join(lines))
    return Verdict(ok, lines[0])


__all__ = ["Verdict", "short", "verdict"]
