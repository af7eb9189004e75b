"""Logins from an OpenID Connect provider registered in IAM: checked as AWS documents.

AWS, "Setting up an OIDC provider as an identity pool IdP" (cognito/latest/developerguide/
open-id.html): the identity pool lists IAM OIDC providers (``OpenIdConnectProviderARNs``,
each made by IAM CreateOpenIDConnectProvider with ``Url``, ``ClientIDList``,
``ThumbprintList``); the app puts the provider's ID token in ``Logins`` under "the URI of
your provider", the issuer without ``https://`` (``login.provider.com``). Cognito then
checks, allowing "a grace period of 5 minutes to handle any clock skew":

1. ``iss`` matches the key used in the logins map;
2. the signature verifies with an RSA public key of the provider (``provider_tokens``);
3. (the thumbprint of the certificate serving the keys: see below);
4. ``azp``, if present, is one of the IAM provider's client IDs; if absent, ``aud`` is.

A provider the pool does not list, or whose IAM provider is gone, is "not a supported
provider" (NotAuthorizedException); a provider that does not answer is an
ExternalServiceException ("a dependent service ... is not responding", GetId).

Lab vs AWS (docs/fidelity.md): AWS requires an https issuer. The lab also accepts an http
issuer on loopback only (``issuer_allowed``, as for user pool OIDC providers), whose Logins
key is then the issuer without ``http://`` (``127.0.0.1:8123``), the same key the IAM
provider's ARN ends with. Thumbprints are not checked (loopback has no TLS; AWS itself
trusts well-known root CAs instead for many providers). The error messages are the lab's
where AWS documents none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import NotAuthorizedException
from ..user_pools.oidc_provider_details import issuer_allowed
from .provider_tokens import (
    NOT_SUPPORTED,
    check_expiry,
    invalid_token,
    signed_claims,
    unverified_claims,
)
from .query import QueryError

if TYPE_CHECKING:
    from .. import Emulator

ARN_MARKER = ":oidc-provider/"
GRACE_SECONDS = 300                     # "a grace period of 5 minutes" for clock skew


def listed_provider(pool: dict, provider: str) -> str | None:
    """The ARN among the pool's OpenIdConnectProviderARNs whose provider is ``provider``."""
    for arn in pool.get("OpenIdConnectProviderARNs") or []:
        if isinstance(arn, str) and arn.partition(ARN_MARKER)[2] == provider:
            return arn
    return None


def _client_ids(emulator: Emulator, arn: str) -> set[str]:
    """The IAM provider's ClientIDList."""
    try:
        iam = emulator.identity.query.iam("GetOpenIDConnectProvider",
                                          OpenIDConnectProviderArn=arn)
    except QueryError as error:              # listed by the pool, since deleted from IAM
        raise NotAuthorizedException(NOT_SUPPORTED) from error
    return set(iam.get("ClientIDList") or [])


def _issuer(provider: str, claims: dict) -> str:
    """The token's issuer, if it is the provider of the Logins key (https; http on loopback)."""
    iss = claims.get("iss")
    if iss not in (f"https://{provider}", f"http://{provider}") or not issuer_allowed(iss):
        raise invalid_token("Issuer doesn't match providerName")
    return str(iss)


def _audiences(claims: dict) -> list[str]:
    if "azp" in claims:
        return [str(claims["azp"])]
    aud = claims.get("aud")
    if aud is None:
        raise invalid_token("Missing a required claim: aud")
    return [str(a) for a in aud] if isinstance(aud, list) else [str(aud)]


def check_oidc_login(emulator: Emulator, arn: str, provider: str, token: str) -> dict:
    """The verified claims of ``token``, an ID token of the IAM OIDC provider ``arn``."""
    client_ids = _client_ids(emulator, arn)
    issuer = _issuer(provider, unverified_claims(token))
    claims = signed_claims(emulator, token, issuer)
    check_expiry(emulator, claims, GRACE_SECONDS)
    if not client_ids.intersection(_audiences(claims)):
        raise invalid_token("Incorrect token audience.")
    return claims
