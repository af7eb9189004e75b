"""Read a token the way jwt.io shows it, offline: coloured parts, every claim in plain words.

``show_token(token, clock=lab.clock)`` renders static HTML (it survives in a saved notebook,
so a reader on GitHub sees it too); ``TokenInspector()`` is the same view behind a text
area you paste a token into. Both only *decode*: nothing here checks a signature, so
nothing here may decide whether to trust a token (that is ``cognito_lab.api``'s job).

The HTML is well-formed XML with stable class names, for tests and browser tests:
``cl-token`` (root, ``data-token-use``), ``cl-token-summary``, ``cl-token-warning``
(+ ``cl-warning-id-token``, ``cl-warning-expired``, ...), ``cl-token-error``,
``cl-token-{header,payload,signature}-b64`` (the coloured encoded parts),
``cl-token-{header,payload,signature}`` (the decoded parts), ``cl-claim`` rows with
``data-claim`` and ``cl-claim-<name>`` (``cl-claim-exp``, ``cl-claim-cognito-groups``), and
in them ``cl-claim-value``, ``cl-claim-meaning``, ``cl-claim-time``, ``cl-claim-relative``.
"""

from __future__ import annotations

import binascii
import html
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cognito_lab import b64url
from cognito_lab.clock import now_from

# jwt.io's colours: header red, payload purple, signature blue.
COLOURS = {"header": "#d6005a", "payload": "#a12fcf", "signature": "#0088b8"}

HEADER_FIELDS = {
    "kid": "Key id: which of the pool's public keys (published in its JWKS) checks the "
           "signature.",
    "alg": "Signing algorithm. Cognito signs with RS256 (RSA with SHA-256) only: accept "
           "nothing else.",
    "typ": "Media type, usually \"JWT\". Cognito leaves it out.",
    "jku": "A URL of a key set, chosen by whoever made the token. Never fetch it: keys come "
           "from your pool's JWKS only.",
    "x5u": "A URL of a certificate, chosen by whoever made the token. Never fetch it.",
    "jwk": "A public key embedded by whoever made the token. Never use it: anyone can embed "
           "their own key.",
    "x5c": "A certificate chain embedded by whoever made the token. Never use it.",
    "crit": "Extensions the verifier must understand. Cognito never sets it.",
    "cty": "Content type of the payload. Cognito never sets it.",
}
KEY_IN_HEADER = ("jku", "x5u", "jwk", "x5c")

CLAIMS = {
    "iss": "Issuer: the user pool that signed the token, "
           "https://cognito-idp.<region>.amazonaws.com/<user pool id>. Must be exactly yours.",
    "sub": "Subject: the user's permanent, unique id in this pool (a UUID). Key your own data "
           "on it. In a machine token (client credentials) it is the app client id.",
    "aud": "Audience (ID tokens): the app client the token was issued to. Compare it with your "
           "app client id.",
    "client_id": "The app client the token was issued to (access tokens say client_id, not "
                 "aud). Accept only the clients you expect.",
    "token_use": "Which kind of token: \"access\" (for APIs) or \"id\" (for your app). An API "
                 "accepts access tokens only.",
    "scope": "OAuth scopes granted, separated by spaces (access tokens only): what the bearer "
             "may do, e.g. orders/read.",
    "cognito:groups": "The user's groups in this pool. Your API can base authorization on "
                      "them (e.g. only admins may delete).",
    "cognito:username": "The user's user name in the pool. In a pool where people sign in "
                        "with their email, Cognito generates it: here it equals sub.",
    "username": "The user's user name in the pool (the same value as cognito:username in the "
                "ID token).",
    "cognito:roles": "IAM roles of the user's groups (an identity pool can pick one).",
    "cognito:preferred_role": "The IAM role of the user's highest-precedence group.",
    "auth_time": "When the user really signed in. Tokens refreshed later keep this time.",
    "iat": "Issued at: when Cognito minted this token.",
    "exp": "Expires at: refuse the token from this second on. Cognito's default is one hour "
           "after iat (an app client setting: 5 minutes to 1 day).",
    "nbf": "Not before: refuse the token until this time. Cognito does not set it; if a token "
           "has it, honour it.",
    "jti": "JWT id: a unique id for this one token (for logs and deny-lists).",
    "origin_jti": "Id of the sign-in session: every token refreshed from one sign-in shares "
                  "it. Cognito uses it to revoke them together.",
    "event_id": "Id of the authentication event that produced this token (for tracing).",
    "version": "Version of the access-token format (2).",
    "email": "The user's email address. Personal data: one reason an ID token stays with your "
             "app.",
    "email_verified": "Whether the user proved they own the email address.",
    "phone_number": "The user's phone number (personal data).",
    "phone_number_verified": "Whether the user proved they own the phone number.",
    "nonce": "The value your app sent when it started the sign-in (OpenID Connect). Your app "
             "checks it matches, against replayed ID tokens.",
    "at_hash": "Hash of the access token issued together with this ID token.",
    "identities": "Social or enterprise identities linked to this user.",
    "name": "The user's full name (personal data).",
    "given_name": "The user's first name (personal data).",
    "family_name": "The user's last name (personal data).",
}
CUSTOM_CLAIM = ("A custom attribute of your user pool: your app decides what it means. ID "
                "tokens carry the ones the app client may read.")
UNKNOWN_CLAIM = "Not a standard Cognito claim: the issuer, or a trigger, added it."
TIME_CLAIMS = ("exp", "nbf", "iat", "auth_time")

ID_TOKEN_WARNING = (
    "This is an ID token. It tells your app who signed in (and carries personal data such "
    "as the email address). Never send it to a third-party API, and never accept it as an "
    "API credential: APIs take access tokens, whose scopes say what the bearer may do.")
UNVERIFIED_NOTE = ("Decoded, not verified: anyone can write anything here. Trust these claims "
                   "only after a verifier has checked the signature and the claims.")


# --- decoding (lenient: show as much of a broken token as possible) ------------------------


def b64url_decode(segment: str) -> bytes:
    """base64url without padding, as in JWTs (lenient: padding is added back)."""
    if re.fullmatch(r"[A-Za-z0-9_\-]*", segment) is None:
        raise ValueError("not base64url (only A-Z a-z 0-9 - _ are allowed)")
    return b64url.decode(segment)


def _json_part(segment: str, name: str) -> tuple[dict | None, str | None]:
    try:
        value = json.loads(b64url_decode(segment))
    except (ValueError, binascii.Error) as exc:  # JSONDecodeError and UnicodeError too
        return None, f"the {name} is not base64url-encoded JSON ({exc})"
    if not isinstance(value, dict):
        return None, f"the {name} is JSON but not an object"
    return value, None


@dataclass(frozen=True)
class DecodedToken:
    """A token cut into its parts and decoded, with what could not be decoded."""

    raw: str
    segments: tuple[str, ...]
    header: dict | None = None
    payload: dict | None = None
    signature: bytes | None = None
    problems: tuple[str, ...] = field(default=())

    @property
    def is_jwt(self) -> bool:
        return len(self.segments) == 3 and self.header is not None and self.payload is not None

    @property
    def token_use(self) -> str | None:
        use = (self.payload or {}).get("token_use")
        return use if use in ("access", "id") else None

    @property
    def kind(self) -> str:
        return {"access": "Access token", "id": "ID token"}.get(self.token_use or "",
                                                                 "JWT" if self.is_jwt else
                                                                 "Not a JWT")


def decode_for_display(token: str) -> DecodedToken:
    """Split and decode a token for reading. Never raises on bad input, never verifies."""
    if not isinstance(token, str):
        return DecodedToken(raw=repr(token), segments=(),
                            problems=(f"expected a string, got {type(token).__name__}",))
    raw = token.strip()
    if raw.lower().startswith("bearer "):
        raw = raw[7:].strip()
    segments = tuple(raw.split("."))
    if len(segments) == 5:
        return DecodedToken(raw, segments, problems=(
            "Five parts: an encrypted token (JWE). Only its issuer can read it; Cognito's "
            "refresh tokens look like this.",))
    if len(segments) != 3:
        return DecodedToken(raw, segments, problems=(
            f"A JWT has three parts separated by dots (header.payload.signature); this has "
            f"{len(segments)}.",))
    header, header_problem = _json_part(segments[0], "header")
    payload, payload_problem = _json_part(segments[1], "payload")
    problems = [p for p in (header_problem, payload_problem) if p]
    try:
        signature = b64url_decode(segments[2])
    except (ValueError, binascii.Error) as exc:
        signature = None
        problems.append(f"the signature is not base64url ({exc})")
    return DecodedToken(raw, segments, header, payload, signature, tuple(problems))


# --- words for times -------------------------------------------------------------------------


def utc(seconds: Any) -> str | None:
    """``2025-01-31 12:00:00 UTC`` for a number of seconds since the epoch, else None."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        return None


def span(seconds: float) -> str:
    """A duration in words, rounded to the minute: ``60 min``, ``2 h 5 min``, ``3 days``."""
    seconds = abs(seconds)
    if seconds < 60:
        return "less than a minute"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"{minutes} min"
    if seconds < 48 * 3600:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{round(seconds / 86400)} days"


def relative(claim: str, value: Any, now: float) -> str | None:
    """What a time claim means right now: ``expires in 60 min``, ``expired 2 h ago``."""
    if utc(value) is None:
        return None
    delta = value - now
    ahead = delta > 0
    words = span(delta)
    if claim == "exp":
        return f"expires in {words}" if ahead else f"expired {words} ago"
    if claim == "nbf":
        return f"not valid for another {words}" if ahead else f"valid since {words} ago"
    return f"in {words} (in the future!)" if ahead else (
        "just now" if words == "less than a minute" else f"{words} ago")


def claim_meaning(name: str) -> str:
    if name in CLAIMS:
        return CLAIMS[name]
    if name.startswith("custom:"):
        return CUSTOM_CLAIM
    return UNKNOWN_CLAIM


def css_name(name: str) -> str:
    """A claim name as a CSS class suffix: ``cognito:groups`` → ``cognito-groups``."""
    return re.sub(r"[^a-z0-9_]+", "-", name.lower()).strip("-") or "unnamed"


# --- warnings ----------------------------------------------------------------------------


def warnings_for(decoded: DecodedToken, now: float) -> list[tuple[str, str]]:
    """``(css suffix, message)`` for everything a reader should not miss."""
    found: list[tuple[str, str]] = []
    header, payload = decoded.header or {}, decoded.payload or {}
    if decoded.token_use == "id":
        found.append(("id-token", ID_TOKEN_WARNING))
    alg = header.get("alg")
    if decoded.header is not None and alg != "RS256":
        found.append(("alg", f"alg is {json.dumps(alg)}: Cognito signs with RS256 only. "
                             "Treat this token as forged."))
    present = [name for name in KEY_IN_HEADER if name in header]
    if present:
        found.append(("key-in-header", f"The header carries {', '.join(present)}: a key or "
                      "key location chosen by whoever made the token. A verifier must ignore "
                      "it and take keys from the pool's JWKS only."))
    if decoded.is_jwt and decoded.signature == b"":
        found.append(("no-signature", "The signature is empty: this token is not signed."))
    exp: Any = payload.get("exp")
    if decoded.payload is not None and "exp" not in payload:
        found.append(("no-exp", "No exp claim: this token would never expire. Refuse it."))
    elif "exp" in payload and utc(exp) is None:
        found.append(("bad-exp", f"exp is {json.dumps(exp)}, not a number of seconds."))
    elif utc(exp) is not None and exp <= now:
        found.append(("expired", f"Expired {span(now - exp)} ago."))
    nbf: Any = payload.get("nbf")
    if utc(nbf) is not None and nbf > now:
        found.append(("not-yet-valid", f"Not valid for another {span(nbf - now)} (nbf)."))
    return found


# --- HTML --------------------------------------------------------------------------------

_esc = html.escape
_CELL = "text-align:left;vertical-align:top;padding:2px 6px"


def _value_html(value: Any) -> str:
    if isinstance(value, str):
        return _esc(value)
    return _esc(json.dumps(value, ensure_ascii=False))


def _rows(fields: dict, kind: str, now: float, clock_name: str) -> str:
    """Table rows for the header (``cl-header-*``) or the payload (``cl-claim-*``)."""
    prefix = "claim" if kind == "payload" else "header"
    rows = []
    for name, value in fields.items():
        meaning = claim_meaning(name) if kind == "payload" else HEADER_FIELDS.get(
            name, "Not a header parameter Cognito uses.")
        when = ""
        if kind == "payload" and name in TIME_CLAIMS and utc(value) is not None:
            when = (f"<div class='cl-claim-when' style='color:#555;word-break:normal'>"
                    f"<span class='cl-claim-time'>{_esc(utc(value) or '')}</span> · "
                    f"<span class='cl-claim-relative'>{_esc(relative(name, value, now) or '')}"
                    f"</span> <span style='color:#888'>({clock_name})</span></div>")
        rows.append(
            f"<tr class='cl-{prefix} cl-{prefix}-{css_name(name)}' data-{prefix}='{_esc(name)}'>"
            f"<td style='{_CELL};white-space:nowrap'>"
            f"<code class='cl-{prefix}-name'>{_esc(name)}</code></td>"
            f"<td style='{_CELL};word-break:break-all'>"
            f"<code class='cl-{prefix}-value'>{_value_html(value)}</code>{when}</td>"
            f"<td class='cl-{prefix}-meaning' style='{_CELL}'>"
            f"{_esc(meaning)}</td></tr>")
    return "".join(rows)


def _section(kind: str, title: str, body: str) -> str:
    return (f"<div class='cl-token-{kind}' style='border-left:4px solid {COLOURS[kind]};"
            f"padding:2px 8px;margin:6px 0'>"
            f"<div style='color:{COLOURS[kind]};font-weight:bold'>{title}</div>{body}</div>")


def _table(rows: str) -> str:
    head = "".join(f"<th style='{_CELL}'>{name}</th>" for name in ("name", "value",
                                                                   "what it means"))
    return ("<table style='border-collapse:collapse;font-size:90%'>"
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


def _summary(decoded: DecodedToken, now: float) -> str:
    payload = decoded.payload or {}
    parts = [decoded.kind]
    client = payload.get("client_id") if decoded.token_use == "access" else payload.get("aud")
    if isinstance(client, str):
        parts.append(f"app client {client}")
    who = payload.get("email") or payload.get("username") or payload.get("cognito:username")
    if isinstance(who, str):
        parts.append(f"user {who}")
    elif decoded.token_use == "access" and payload.get("sub") == payload.get("client_id"):
        parts.append("no user (a machine token)")
    if isinstance(payload.get("scope"), str):
        parts.append(f"scope: {payload['scope'] or '(none)'}")
    exp_words = relative("exp", payload.get("exp"), now)
    if exp_words:
        parts.append(exp_words)
    return " · ".join(parts)


def token_html(token: str, clock: object | None = None) -> str:
    """The whole view as an HTML fragment (well-formed XML)."""
    decoded = decode_for_display(token)
    now = now_from(clock)
    clock_name = "by the lab clock" if clock is not None else "by this computer's clock"
    out = [f"<div class='cl-token' data-token-use='{_esc(decoded.token_use or 'unknown')}' "
           "style='font-family:system-ui,sans-serif;font-size:13px;line-height:1.4'>",
           f"<div class='cl-token-summary' style='font-weight:bold'>{_esc(_summary(decoded, now))}"
           "</div>"]
    for problem in decoded.problems:
        out.append(f"<div class='cl-token-error' style='color:#b00020'>✖ {_esc(problem)}</div>")
    for name, message in warnings_for(decoded, now):
        out.append(f"<div class='cl-token-warning cl-warning-{name}' style='background:#fff4e5;"
                   f"border-left:4px solid #ff9800;padding:2px 8px;margin:4px 0'>⚠️ "
                   f"{_esc(message)}</div>")
    if len(decoded.segments) == 3:
        coloured = ".".join(
            f"<span class='cl-token-{kind}-b64' style='color:{COLOURS[kind]}'>{_esc(segment)}"
            "</span>" for kind, segment in zip(COLOURS, decoded.segments, strict=True))
        out.append("<div class='cl-token-encoded' style='font-family:monospace;font-size:12px;"
                   f"word-break:break-all;margin:6px 0'>{coloured}</div>")
        out.append(f"<div class='cl-token-unverified' style='color:#555'>{_esc(UNVERIFIED_NOTE)}"
                   "</div>")
    if decoded.header is not None:
        out.append(_section("header", "Header",
                            _table(_rows(decoded.header, "header", now, clock_name))))
    if decoded.payload is not None:
        out.append(_section("payload", "Payload (claims)",
                            _table(_rows(decoded.payload, "payload", now, clock_name))))
    if decoded.signature is not None:
        out.append(_section("signature", "Signature", _signature_words(decoded)))
    out.append("</div>")
    return "".join(out)


def _signature_words(decoded: DecodedToken) -> str:
    size = len(decoded.signature or b"")
    kid = (decoded.header or {}).get("kid")
    key = (f"the public key whose kid is <code>{_esc(str(kid))}</code> in the pool's JWKS"
           if isinstance(kid, str) else "a public key (the header names none)")
    return (f"<div><span class='cl-signature-size'>{size} bytes</span>"
            f"{f' ({size * 8} bits)' if size else ''}: "
            "RSASSA-PKCS1-v1_5 with SHA-256 over the ASCII bytes of "
            f"<code style='color:{COLOURS['header']}'>header</code>.<code "
            f"style='color:{COLOURS['payload']}'>payload</code> exactly as encoded above. "
            f"Only {key} can tell whether it is genuine.</div>")


def token_text(token: str, clock: object | None = None) -> str:
    """A plain-text version of the view (terminals, logs, doctests)."""
    decoded = decode_for_display(token)
    now = now_from(clock)
    lines = [f"{decoded.kind} (decoded, NOT verified)"]
    lines += [f"  ✖ {problem}" for problem in decoded.problems]
    lines += [f"  ⚠ {message}" for _name, message in warnings_for(decoded, now)]
    if decoded.header is not None:
        lines.append(f"header:    {json.dumps(decoded.header)}")
    if decoded.payload is not None:
        lines.append("payload:   " + json.dumps(decoded.payload, indent=2).replace(
            "\n", "\n           "))
    if decoded.signature is not None:
        lines.append(f"signature: {len(decoded.signature)} bytes")
    return "\n".join(lines)


class TokenView:
    """What ``show_token`` returns: displays as HTML in a notebook, as text elsewhere."""

    def __init__(self, token: str, clock: object | None = None) -> None:
        self.token = token
        self.clock = clock

    def _repr_html_(self) -> str:
        return token_html(self.token, self.clock)

    def __repr__(self) -> str:
        return token_text(self.token, self.clock)


def show_token(token: str, clock: object | None = None) -> TokenView:
    """Show a token decoded and explained, as static HTML (kept in saved notebooks).

    ``clock`` (e.g. ``lab.clock``) is the "now" for "expires in 60 min"; without it, this
    computer's clock. Decoding is not verifying: the view says so.
    """
    return TokenView(token, clock)


# --- the widget ----------------------------------------------------------------------------

EMPTY_HTML = ("<div class='cl-token cl-token-empty' data-token-use='none' "
              "style='color:#666'>Paste a token above (it starts with eyJ). Nothing leaves "
              "this kernel: the inspector decodes locally and verifies nothing.</div>")


class TokenInspector:
    """A paste box and the live view of the token in it (ipywidgets).

    Set ``inspector.token = ...`` from code, or paste into the box. The widget's DOM:
    ``.cl-token-inspector`` (the whole), ``.cl-token-input textarea`` (the box),
    ``.cl-token-view`` (the rendered view, the same HTML as :func:`show_token`).
    """

    def __init__(self, token: str = "", clock: object | None = None) -> None:
        import ipywidgets as widgets

        self.clock = clock
        self.input = widgets.Textarea(
            value="", placeholder="Paste a JWT here (eyJ…)",
            layout=widgets.Layout(width="100%", height="7em"))
        self.input.add_class("cl-token-input")
        self.view = widgets.HTML(value=EMPTY_HTML)
        self.view.add_class("cl-token-view")
        self.box = widgets.VBox([self.input, self.view])
        self.box.add_class("cl-token-inspector")
        self.input.observe(lambda _change: self.refresh(), names="value")
        self.token = token

    @property
    def token(self) -> str:
        return self.input.value

    @token.setter
    def token(self, value: str) -> None:
        self.input.value = value or ""
        self.refresh()

    def refresh(self) -> None:
        """Render again (after the lab clock moved, for example)."""
        value = self.input.value
        self.view.value = token_html(value, self.clock) if value.strip() else EMPTY_HTML

    def __repr__(self) -> str:
        decoded = decode_for_display(self.token) if self.token.strip() else None
        return f"<TokenInspector: {decoded.kind if decoded else 'empty'}>"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        # The widget where a widget manager runs; the same view as static HTML elsewhere
        # (GitHub, an untrusted notebook), since widget state is not saved.
        data = dict(self.box._repr_mimebundle_(**kwargs) or {})
        data["text/plain"] = repr(self)
        data["text/html"] = self.view.value
        return data


def inspect_token(token: str = "", clock: object | None = None) -> TokenInspector:
    """A token inspector widget, optionally with a token already in it."""
    return TokenInspector(token, clock)


__all__ = ["CLAIMS", "DecodedToken", "TokenInspector", "TokenView", "decode_for_display",
           "inspect_token", "show_token", "token_html", "token_text"]
