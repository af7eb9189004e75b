"""The sign-in options managed login offers an app client: its own form and its IdPs.

AWS, CreateUserPoolClient (SupportedIdentityProviders: "sets the IdPs that managed login
will display on the login page for your app client"), "Login endpoint" ("presents the
authentication options configured for the client") and "SAML identity provider names and
identifiers" (with identifiers in a domain format, managed login "requests each user's
email address, evaluates the domain in their email address, and redirects them to the IdP
that corresponds to their domain"):

- ``COGNITO`` in the list: the username and password form (and passkeys);
- every other provider: a link to ``/oauth2/authorize`` with the app's own request
  (client_id, redirect_uri, scope, state, PKCE challenge, nonce...) plus
  ``identity_provider=<ProviderName>`` — the silent redirect the Authorize endpoint
  documents. Relative, so a path prefix in front of the lab is kept;
- SAML providers with ``IdpIdentifiers``: instead of a link, one "corporate email" field;
  its domain picks the provider, and the browser goes on to ``/oauth2/authorize`` with
  ``idp_identifier=<that identifier>``.

Lab's choices where AWS documents nothing (docs/fidelity.md): the wording of the links
("Continue with Google" for the social providers, "Sign in with <ProviderName>" for OIDC
and SAML); a SAML provider with identifiers is reached through the email field only; an
email domain is compared without regard to case (domain names are case-insensitive); the
page is shown even when the client has a single provider and no COGNITO (AWS documents a
redirect to the login page, not past it: only ``identity_provider``/``idp_identifier`` skip it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from ..errors import CognitoError
from .federation import describe

if TYPE_CHECKING:
    from .. import Emulator
    from ..user_pools.directory import ClientSettings

COGNITO = "COGNITO"
# the request parameters that name a provider: a link names its own instead
PROVIDER_PARAMETERS = ("identity_provider", "idp_identifier")
SOCIAL_LABELS = {"Google": "Continue with Google", "Facebook": "Continue with Facebook",
                 "SignInWithApple": "Continue with Apple",
                 "LoginWithAmazon": "Continue with Amazon"}


@dataclass(frozen=True)
class ProviderLink:
    name: str          # the ProviderName (escaped by the template, like everything else)
    label: str
    href: str          # relative: oauth2/authorize?<the app's query>&identity_provider=...


@dataclass(frozen=True)
class SignInOptions:
    cognito: bool                        # the user pool's own sign-in form
    links: tuple[ProviderLink, ...]      # one per external IdP reached by a link
    email_lookup: bool                   # SAML providers reached by their email domain


def authorize_href(args: MultiDict, **provider: str) -> str:
    """``oauth2/authorize`` (relative to /login) with the app's request and ``provider``."""
    kept = [(k, v) for k, v in args.items(multi=True) if k not in PROVIDER_PARAMETERS]
    return f"oauth2/authorize?{urlencode(kept + list(provider.items()))}"


def _providers(emulator: Emulator, app: ClientSettings) -> list[dict]:
    """The app client's external IdPs that exist in its pool, in the client's order."""
    found = []
    for name in app.identity_providers:
        if name == COGNITO:
            continue
        try:
            found.append(describe(emulator, app.pool_id, name))
        except CognitoError:        # named by the client, gone from the pool: not offered
            continue
    return found


def _by_email(provider: dict) -> bool:
    return provider.get("ProviderType") == "SAML" and bool(provider.get("IdpIdentifiers"))


def sign_in_options(emulator: Emulator, app: ClientSettings, args: MultiDict) -> SignInOptions:
    links = []
    email_lookup = False
    for provider in _providers(emulator, app):
        if _by_email(provider):
            email_lookup = True
            continue
        name = provider["ProviderName"]
        label = SOCIAL_LABELS.get(provider.get("ProviderType", ""), f"Sign in with {name}")
        links.append(ProviderLink(name, label, authorize_href(args, identity_provider=name)))
    return SignInOptions(cognito=COGNITO in app.identity_providers, links=tuple(links),
                         email_lookup=email_lookup)


def identifier_for_email(emulator: Emulator, app: ClientSettings, email: str) -> str | None:
    """The ``IdpIdentifiers`` entry of the app's SAML provider that the email's domain
    names, as registered; None if the address has no domain or no provider has it."""
    local, at, domain = email.strip().rpartition("@")
    if not at or not local or not domain:
        return None
    for provider in _providers(emulator, app):
        if _by_email(provider):
            for identifier in provider["IdpIdentifiers"]:
                if identifier.lower() == domain.lower():
                    return str(identifier)
    return None
