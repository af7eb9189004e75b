"""How the forgery gallery and a verifier's report look: plain text and notebook HTML."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .forgeries import Gallery, Report

_esc = html.escape


def gallery_html(gallery: Gallery) -> str:
    """One table row per forged or broken token: the attack, who can make it, the check."""
    rows = "".join(
        f"<tr class='cl-forgery'><td>{i}</td><td style='text-align:left'><b>{_esc(f.name)}"
        f"</b></td><td style='text-align:left'>{_esc(f.attack)}</td>"
        f"<td style='text-align:left'>{_esc(f.made_by)}</td>"
        f"<td style='text-align:left'>{_esc(f.check)}</td>"
        f"<td style='text-align:left'><code>{_esc(f.error)}</code></td></tr>"
        for i, f in enumerate(gallery, 1))
    return ("<table class='cl-gallery'><thead><tr><th>#</th>"
            "<th style='text-align:left'>forged or broken token</th>"
            "<th style='text-align:left'>the attacker tries</th>"
            "<th style='text-align:left'>who can make it</th>"
            "<th style='text-align:left'>the check that stops it</th>"
            "<th style='text-align:left'>kit error</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def report_text(report: Report) -> str:
    """A plain table: one line per token, what was expected and what happened."""
    width = max(len(o.name) for o in report.outcomes) + 2
    lines = []
    for should_accept, title in (
            (False, "Forged or broken tokens (each must be rejected):"),
            (True, "Valid tokens (each must be accepted, its claims returned):")):
        lines.append(title)
        for o in report.outcomes:
            if o.should_accept != should_accept:
                continue
            if not should_accept and o.accepted:
                said = "LET THROUGH"
            else:
                said = "accepted" if o.accepted else "rejected"
                said += f" ({o.detail})" if o.detail else ""
            lines.append(f"  {'✅' if o.ok else '❌'} {o.name:<{width}}{said}")
    return "\n".join(lines)


def report_html(report: Report) -> str:
    """The same table for a notebook, a row per token."""
    rows = []
    for o in report.outcomes:
        if not o.should_accept and o.accepted:
            said = "<b style='color:#b00020'>LET THROUGH</b>"
        else:
            said = "accepted" if o.accepted else "rejected"
            said += f": <code>{_esc(o.detail)}</code>" if o.detail else ""
        rows.append(
            f"<tr class='cl-outcome' data-ok='{str(o.ok).lower()}'>"
            f"<td>{'✅' if o.ok else '❌'}</td><td style='text-align:left'>{_esc(o.name)}</td>"
            f"<td style='text-align:left'>{'accept' if o.should_accept else 'reject'}</td>"
            f"<td style='text-align:left'>{said}</td>"
            f"<td style='text-align:left'><code>{_esc(o.expected)}</code></td></tr>")
    return ("<table class='cl-report'><thead><tr><th></th>"
            "<th style='text-align:left'>token</th><th style='text-align:left'>must</th>"
            "<th style='text-align:left'>your verifier</th>"
            "<th style='text-align:left'>kit error expected</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


__all__ = ["gallery_html", "report_html", "report_text"]
