"""Checks for notebook 00 (start here)."""

from __future__ import annotations

from cognito_lab import cognito_ids

from . import Verdict, verdict


def check_aws_jwks_url(lab, answer: str | None) -> Verdict:
    """Where would AWS publish this pool's keys? (issuer + /.well-known/jwks.json)"""
    expected = cognito_ids.jwks_url(lab.issuer)
    if not answer:
        return verdict(False, "", "Not done yet: set `aws_jwks_url` to a URL string.")
    if answer == lab.jwks_url:
        return verdict(False, "", "That is where the *lab* serves the keys. On AWS they live "
                       "under the issuer — look at `lab.issuer`.")
    return verdict(answer == expected, f"Right: AWS serves the keys at {expected}",
                   f"Not quite: {answer!r}", details=[
                       "The JWKS lives under the issuer URL, at /.well-known/jwks.json."])
