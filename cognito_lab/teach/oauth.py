"""Checks for notebooks 04 (authorization code + PKCE) and 05 (client credentials)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from cognito_lab.client import pkce
from cognito_lab.client.oauth import TokenResponse

from . import Verdict, verdict

RFC7636_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC7636_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def _s256_mistake(answer: object, verifier: str) -> str | None:
    """Name the usual mistake in a wrong S256 answer, if it is one of them."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    right = pkce.s256_challenge(verifier)
    if isinstance(answer, bytes):
        return "It returned bytes: decode the base64 result to a str (.decode('ascii'))."
    if not isinstance(answer, str):
        return f"It returned {type(answer).__name__}, not a str."
    if answer == digest.hex():
        return "That is the hex digest: base64url-encode the raw digest bytes instead."
    if answer.rstrip("=") == right:
        return "Almost: drop the '=' padding (RFC 7636 §4.2 uses base64url without padding)."
    if answer.replace("+", "-").replace("/", "_").rstrip("=") == right:
        return "Almost: use the URL-safe alphabet (- and _, not + and /)."
    if answer == verifier:
        return "That is the 'plain' method (challenge = verifier): Cognito accepts S256 only."
    return None


def check_s256(s256: Callable[[str], str]) -> Verdict:
    """Does ``s256(verifier)`` compute the PKCE S256 code challenge?"""
    cases = [RFC7636_VERIFIER, pkce.new_verifier(43), pkce.new_verifier(128)]
    try:
        answers = [s256(v) for v in cases]
    except NotImplementedError:
        return verdict(False, "", "Not done yet: fill in `my_s256`.")
    except Exception as exc:
        return verdict(False, "", f"`my_s256` raised {type(exc).__name__}: {exc}")
    for verifier, answer in zip(cases, answers, strict=True):
        if answer != pkce.s256_challenge(verifier):
            mistake = _s256_mistake(answer, verifier)
            label = "the RFC 7636 Appendix B verifier" if verifier == RFC7636_VERIFIER \
                else f"a random {len(verifier)}-character verifier"
            return verdict(False, "", f"Wrong challenge for {label}.",
                           details=[mistake or "Hash the ASCII bytes with SHA-256, then "
                                    "base64url-encode the digest without '=' padding."])
    return verdict(True, "Right: your S256 matches RFC 7636 Appendix B "
                   f"({RFC7636_CHALLENGE}) and the lab's client on random verifiers.", "")


class _FakeClock:
    def __init__(self) -> None:
        self.t = 1_800_000_000.0

    def now(self) -> float:
        return self.t


def check_token_getter(make_token_getter: Callable) -> Verdict:
    """Does ``make_token_getter(fetch, clock)`` return a ``get()`` that fetches a token only
    when it has none or the one it has expires within 60 seconds?"""
    clock = _FakeClock()
    fetched: list[float] = []

    def fetch() -> TokenResponse:
        fetched.append(clock.t)
        return TokenResponse(access_token=f"token-{len(fetched)}", token_type="Bearer",
                             expires_in=3600)

    try:
        get = make_token_getter(fetch, clock)
        plan = [(0, "token-1"), (5, "token-1"), (1800, "token-1"), (3530, "token-1"),
                (3545, "token-2"), (3600, "token-2"), (7080, "token-2"), (7090, "token-3")]
        start = clock.t
        for at, expected in plan:
            clock.t = start + at
            got = get()
            if got != expected:
                why = ("fetched a new token too early" if len(fetched) > int(expected[-1])
                       else "kept a token that expires within 60 seconds")
                return verdict(False, "", f"At t={at} s it returned {got!r}, expected "
                               f"{expected!r}: it {why}.",
                               details=[f"fetches so far at t = "
                                        f"{[round(t - start) for t in fetched]}",
                                        "Refetch when now >= expires_at - 60."])
    except NotImplementedError:
        return verdict(False, "", "Not done yet: fill in `make_token_getter`.")
    except Exception as exc:
        return verdict(False, "", f"It raised {type(exc).__name__}: {exc}")
    return verdict(True, "Right: 8 calls over two hours, 3 fetches — each token reused until "
                   "a minute before it expires.", "")
