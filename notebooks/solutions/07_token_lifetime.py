"""Solution of notebook 07, exercise 1: size the access-token lifetime.

After a sign-out, a local verifier keeps accepting a token until its ``exp`` (plus the
verifier's grace for clock skew). The worst case is a token issued just before the
sign-out, so the whole lifetime plus the grace must fit in the allowed window.
"""

import math


def choose_access_token_validity(max_exposure_minutes: float,
                                 grace_seconds: float = 0) -> int | None:
    """The longest AccessTokenValidity (whole minutes) that meets the requirement, or
    None if no lifetime Cognito allows (5 minutes to 1 day) is short enough."""
    minutes = math.floor(max_exposure_minutes - grace_seconds / 60)   # whole minutes, down
    if minutes < 5:           # Cognito's shortest access token: 5 minutes
        return None           # -> ask Cognito (GetUser) for this operation instead
    return min(minutes, 24 * 60)  # Cognito's longest access token: 1 day
