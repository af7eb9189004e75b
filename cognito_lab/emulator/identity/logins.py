"""Check the ``Logins`` of GetId, GetCredentialsForIdentity and GetOpenIdToken, as AWS does.

A user pool login is ``{"cognito-idp.<region>.amazonaws.com/<user pool id>": <ID token>}``.
The identity pool accepts it only if the provider is one of its CognitoIdentityProviders,
the token is signed by that user pool's keys, its ``iss`` is the provider, its ``aud`` is
one of the app clients configured for that provider, and it has not expired (by the lab's
clock). An access token has no ``aud`` and is refused. Messages are the ones AWS answers
with. A login from Google (``{"accounts.google.com": <ID token>}``, the pool's
SupportedLoginProviders) is checked by ``google_logins``, one from an OIDC provider the
pool lists in OpenIdConnectProviderARNs (``{"login.provider.com": <ID token>}``) by
``oidc_logins``; any other provider is not supported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ... import b64url
from ..errors import InvalidParameterException, NotAuthorizedException
from .google_logins import GOOGLE, check_google_login, google_client_id
from .oidc_logins import check_oidc_login, listed_provider
from .provider_tokens import NOT_SUPPORTED, invalid_token, subject

if TYPE_CHECKING:
    from .. import Emulator

PROVIDER_PREFIX = "cognito-idp."


@dataclass(frozen=True)
class Login:
    """A checked login: who the user is (``sub``) for which provider, and the token's claims.

    ``user_pool`` says whether the provider is a user pool (CognitoIdentityProviders) or an
    external one (Google, an OIDC provider)."""

    provider: str
    sub: str
    claims: dict
    user_pool: bool = True

    @property
    def client_id(self) -> str:
        return str(self.claims.get("aud", ""))

    @property
    def role_mapping_key(self) -> str:
        """This login's key in SetIdentityPoolRoles' RoleMappings (API reference): a user
        pool's ``<provider>:<app client id>``, any other provider's name alone."""
        return f"{self.provider}:{self.client_id}" if self.user_pool else self.provider


def _decode(token: str) -> tuple[dict, dict, bytes, bytes]:
    try:
        header, claims, signing_input, signature = b64url.decode_jws(token)
    except (ValueError, TypeError, AttributeError) as exc:
        raise invalid_token("Not a valid OpenId Connect identity token.") from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise invalid_token("Not a valid OpenId Connect identity token.")
    return header, claims, signing_input, signature


def _signed_by_pool(emulator: Emulator, pool_id: str, header: dict, signing_input: bytes,
                    signature: bytes) -> bool:
    return emulator.keys.signer_of(header, signing_input, signature) == pool_id


def check_login(emulator: Emulator, pool: dict, provider: str, token: str) -> Login:
    """One login of the ``Logins`` map, checked against the identity pool ``pool``."""
    configured = [p for p in pool.get("CognitoIdentityProviders") or []
                  if p.get("ProviderName") == provider]
    if configured and provider.startswith(PROVIDER_PREFIX):
        return _user_pool_login(emulator, provider, configured, token)
    arn = listed_provider(pool, provider)
    if provider == GOOGLE and google_client_id(pool) is not None:
        claims = check_google_login(emulator, pool, token)
    elif arn is not None:
        claims = check_oidc_login(emulator, arn, provider, token)
    else:
        raise NotAuthorizedException(NOT_SUPPORTED)
    return Login(provider=provider, sub=subject(claims), claims=claims, user_pool=False)


def _user_pool_login(emulator: Emulator, provider: str, configured: list[dict],
                     token: str) -> Login:
    header, claims, signing_input, signature = _decode(token)
    if claims.get("iss") != f"https://{provider}":
        raise invalid_token("Issuer doesn't match providerName")
    pool_id = provider.rsplit("/", 1)[-1]
    if not _signed_by_pool(emulator, pool_id, header, signing_input, signature):
        raise invalid_token("Couldn't verify signed token.")
    if "aud" not in claims:
        raise invalid_token("Missing a required claim: aud")
    now = int(emulator.clock.now())
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or now >= exp:
        raise invalid_token(f"Token expired: {now} >= {exp}")
    if claims.get("aud") not in {p.get("ClientId") for p in configured}:
        raise NotAuthorizedException(NOT_SUPPORTED)
    return Login(provider=provider, sub=str(claims.get("sub", "")), claims=claims)


def check_logins(emulator: Emulator, pool: dict, logins: object) -> list[Login]:
    """Every login of a ``Logins`` map (an empty or missing map means: no logins)."""
    if logins is None:
        return []
    if not isinstance(logins, dict) or not all(isinstance(v, str) for v in logins.values()):
        raise InvalidParameterException("Logins must map provider names to tokens")
    return [check_login(emulator, pool, provider, token) for provider, token in logins.items()]
