"""Social providers' ProviderDetails (Google): the checks AWS does and what Cognito adds.

AWS, API Reference, CreateIdentityProvider / IdentityProviderType, ``ProviderDetails``
("Google"): a create or update request gives ``client_id``, ``client_secret`` and
``authorize_scopes`` (space-separated, "Adding social identity providers to a user pool");
DescribeIdentityProvider then also shows the endpoints Cognito uses for Google, which are
Google's own (``GOOGLE`` below, verbatim from that page's "Describe response").

AWS requires ``openid`` in an OIDC provider's scopes, not in Google's (its example asks for
``email profile openid``); the lab accepts a Google provider without it, as AWS does, and
signs in only through OpenID Connect (the first hop says so: hosted_ui/federation.py).

The lab never calls these URLs on the internet: ``emulator/stand_ins.py`` sends them to the
loopback stand-in a lesson starts (``lab.play_google``).
"""

from __future__ import annotations

from ..errors import InvalidParameterException

GOOGLE_REQUIRED = ("client_id", "client_secret", "authorize_scopes")
GOOGLE = {
    "attributes_url": "https://people.googleapis.com/v1/people/me?personFields=",
    "attributes_url_add_attributes": "true",
    "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth",
    "oidc_issuer": "https://accounts.google.com",
    "token_request_method": "POST",
    "token_url": "https://www.googleapis.com/oauth2/v4/token",
}
# Google's hosts: the lab plays them with a stand-in and never reaches them
GOOGLE_DOMAINS = ("google.com", "googleapis.com")
# ProviderTypes whose ProviderName must be the type itself (observed on AWS:
# "Provider <name> cannot be of type Google.", InvalidParameterException)
NAMED_AS_TYPE = ("Google",)


def google_details(details: dict) -> dict:
    """The ProviderDetails Cognito keeps for a Google provider: checked and completed."""
    for key in GOOGLE_REQUIRED:
        if not isinstance(details.get(key), str) or not details[key].strip():
            raise InvalidParameterException(
                f"{key} is required for a Google identity provider (ProviderDetails needs "
                "client_id and client_secret from your OAuth client in the Google Cloud "
                "console, and authorize_scopes such as 'email profile openid')")
    return {**details, **GOOGLE}


def name_refused(name: str, provider_type: str) -> str | None:
    """Why AWS refuses ``name`` for a provider of ``provider_type``, if it does."""
    if provider_type in NAMED_AS_TYPE and name != provider_type:
        return f"Provider {name} cannot be of type {provider_type}."
    return None
