"""Notebook 07: what happens to a token after GlobalSignOut, and how long to let it live.

:class:`RevocationProbe` asks both checks about the same access token at moments a lesson
chooses (moving ``lab.clock``): GetUser (Cognito's view) and a local verifier (your API's
view). It records every answer, so :func:`cognito_lab.teach.charts.revocation_timeline`
can draw them.

:func:`check_access_token_validity` checks the exercise: the longest access-token lifetime
that still meets a revocation requirement.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import Verdict, verdict

MIN_ACCESS_MINUTES = 5          # Cognito: AccessTokenValidity between 5 minutes ...
MAX_ACCESS_MINUTES = 24 * 60    # ... and 1 day


@dataclass(frozen=True)
class Observation:
    """Both checks' answers about one token at one moment (``at``: lab clock, epoch s)."""

    at: float
    label: str
    getuser_ok: bool
    getuser_says: str
    local_ok: bool
    local_says: str


def _mark(ok: bool) -> str:
    return "✅ accepts" if ok else "❌ refuses"


class RevocationProbe:
    """Ask GetUser and a local verifier about one access token, on the lab's clock.

    ``verifier``: a CognitoJwtVerifier built with ``clock=lab.clock``. ``issued_at`` and
    ``expires_at`` come from the token's ``iat`` and ``exp``.
    """

    def __init__(self, lab: Any, access_token: str, verifier: Any) -> None:
        from cognito_lab.api.jwt_parse import decode_unverified

        claims = decode_unverified(access_token).payload
        self.lab = lab
        self.token = access_token
        self.verifier = verifier
        self.issued_at = float(claims["iat"])
        self.expires_at = float(claims["exp"])
        self.signed_out_at: float | None = None
        self.observations: list[Observation] = []

    def minutes(self, at: float) -> float:
        """Minutes since the token was issued."""
        return (at - self.issued_at) / 60

    def global_sign_out(self) -> None:
        """The user signs out everywhere (GlobalSignOut with this very access token)."""
        self.lab.client("cognito-idp").global_sign_out(AccessToken=self.token)
        self.signed_out_at = self.lab.clock.now()
        print(f"t = {self.minutes(self.signed_out_at):5.1f} min  GlobalSignOut")

    def check(self, label: str = "") -> None:
        """Ask both, now; print one line and remember the answers (``observations``)."""
        from botocore.exceptions import ClientError

        from cognito_lab.api.errors import JwtVerificationError

        try:
            self.lab.client("cognito-idp").get_user(AccessToken=self.token)
            getuser_ok, getuser_says = True, "accepted"
        except ClientError as exc:
            error = exc.response["Error"]
            getuser_ok, getuser_says = False, f"{error['Code']}: {error['Message']}"
        try:
            self.verifier.verify(self.token)
            local_ok, local_says = True, "accepted"
        except JwtVerificationError as exc:
            local_ok, local_says = False, type(exc).__name__
        observation = Observation(self.lab.clock.now(), label, getuser_ok, getuser_says,
                                  local_ok, local_says)
        self.observations.append(observation)
        print(f"t = {self.minutes(observation.at):5.1f} min  GetUser {_mark(getuser_ok)}"
              f"   local verify {_mark(local_ok)}"
              + ("" if getuser_ok else f"   (GetUser: {getuser_says})")
              + ("" if local_ok else f"   (local: {local_says})"))

    @property
    def exposure_minutes(self) -> float | None:
        """How long a local verifier accepts the token after the sign-out."""
        if self.signed_out_at is None:
            return None
        return max(0.0, (self.expires_at - self.signed_out_at) / 60)

    def __repr__(self) -> str:
        return (f"<RevocationProbe token lives {self.minutes(self.expires_at):.0f} min, "
                f"{len(self.observations)} observations>")


# --- the exercise ------------------------------------------------------------------------

@dataclass(frozen=True)
class Requirement:
    max_exposure_minutes: float
    grace_seconds: float
    answer: int | None
    why: str


REQUIREMENTS = (
    Requirement(60, 0, 60, "exactly the requirement, in whole minutes"),
    Requirement(15, 0, 15, "a 15-minute window allows a 15-minute token"),
    Requirement(15, 60, 14, "a 60 s clock-skew grace extends every token by a minute"),
    Requirement(10, 90, 8, "10 min - 1.5 min grace = 8.5, rounded down to whole minutes"),
    Requirement(90.5, 0, 90, "AccessTokenValidity is whole minutes: round down"),
    Requirement(2880, 0, 1440, "Cognito's longest access token is 1 day"),
    Requirement(4, 0, None, "Cognito's shortest access token is 5 minutes: local "
                            "verification alone cannot meet 4"),
    Requirement(5, 30, None, "5 min - 30 s grace leaves 4.5 min, under the 5-minute minimum"),
)


def reference_validity(max_exposure_minutes: float, grace_seconds: float = 0) -> int | None:
    """The longest AccessTokenValidity (minutes) that meets the requirement, or None."""
    minutes = math.floor(max_exposure_minutes - grace_seconds / 60)
    if minutes < MIN_ACCESS_MINUTES:
        return None
    return min(minutes, MAX_ACCESS_MINUTES)


def _hint(requirement: Requirement, answer: object) -> str:
    if requirement.answer is None:
        return ("Below Cognito's 5-minute minimum no lifetime works: return None (those "
                "operations must ask Cognito, e.g. GetUser).")
    if requirement.answer == MAX_ACCESS_MINUTES:
        return "AccessTokenValidity cannot exceed 1 day (1440 minutes)."
    if isinstance(answer, (int, float)) and answer > 1440:
        return "Return minutes, not seconds."
    if requirement.grace_seconds and answer == math.floor(requirement.max_exposure_minutes):
        return ("A verifier with grace_seconds accepts a token that long after exp: "
                "subtract the grace from the window.")
    return "Round down to whole minutes: a token may never outlive the window."


def check_access_token_validity(choose: Callable[[float, float], int | None]) -> Verdict:
    """Does ``choose(max_exposure_minutes, grace_seconds)`` pick the right lifetime?"""
    wrong = []
    for requirement in REQUIREMENTS:
        try:
            answer = choose(requirement.max_exposure_minutes, requirement.grace_seconds)
        except NotImplementedError:
            return verdict(False, "", "Not done yet: fill in `choose_access_token_validity`.")
        except Exception as exc:
            return verdict(False, "", f"`choose_access_token_validity` raised "
                                      f"{type(exc).__name__}: {exc}")
        if answer != requirement.answer or type(answer) is bool:
            wrong.append(f"window {requirement.max_exposure_minutes} min, grace "
                         f"{requirement.grace_seconds:g} s: you said {answer!r}, expected "
                         f"{requirement.answer!r}. {_hint(requirement, answer)}")
    if wrong:
        return verdict(False, "", f"{len(wrong)} of {len(REQUIREMENTS)} requirements "
                                  "answered wrongly:", details=wrong)
    return verdict(True, f"All {len(REQUIREMENTS)} requirements met: the token never outlives "
                         "the window (grace included), within Cognito's 5 min – 1 day.", "")


__all__ = ["MAX_ACCESS_MINUTES", "MIN_ACCESS_MINUTES", "REQUIREMENTS", "Observation",
           "RevocationProbe", "check_access_token_validity", "reference_validity"]
