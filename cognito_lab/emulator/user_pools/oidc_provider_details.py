"""OIDC providers' ProviderDetails: the checks and the discovery AWS does.

AWS, CreateIdentityProvider (API reference) and "Adding OIDC identity providers to a user
pool": an OIDC provider's ``ProviderDetails`` need ``client_id``, ``authorize_scopes``,
``attributes_request_method`` (GET or POST) and ``oidc_issuer``; Cognito reads the
issuer's discovery document and adds the endpoints it finds (``authorize_url``,
``token_url``, ``attributes_url``, ``jwks_uri``) unless the request names them all. The
issuer must be https; the lab also accepts http on loopback (127.0.0.1, localhost), where
its own IdPs run (docs/fidelity.md).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

from ..errors import InvalidParameterException

REQUIRED = ("client_id", "authorize_scopes", "attributes_request_method", "oidc_issuer")
ENDPOINTS = {"authorize_url": "authorization_endpoint", "token_url": "token_endpoint",
             "attributes_url": "userinfo_endpoint", "jwks_uri": "jwks_uri"}
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
DISCOVERY_TIMEOUT = 10


def issuer_allowed(url: str) -> bool:
    """https, or (the lab's allowance) http on loopback."""
    parts = urlsplit(url)
    if not parts.hostname:
        return False
    return parts.scheme == "https" or (parts.scheme == "http"
                                       and parts.hostname in LOOPBACK_HOSTS)


def oidc_details(details: dict) -> dict:
    """The ProviderDetails Cognito keeps for an OIDC provider: checked and discovered."""
    for key in REQUIRED:
        if not isinstance(details.get(key), str) or not details[key]:
            raise InvalidParameterException(f"{key} is required for OIDC identity provider")
    if details["attributes_request_method"] not in ("GET", "POST"):
        raise InvalidParameterException(
            "attributes_request_method must be GET or POST for OIDC identity provider")
    if "openid" not in details["authorize_scopes"].split():
        raise InvalidParameterException("authorize_scopes must contain openid")
    issuer = details["oidc_issuer"]
    if not issuer_allowed(issuer):
        raise InvalidParameterException(
            "oidc_issuer must be an https URL (the lab also accepts http on loopback)")
    kept = dict(details)
    if all(kept.get(key) for key in ENDPOINTS):
        return kept
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        answer = requests.get(url, timeout=DISCOVERY_TIMEOUT)
        answer.raise_for_status()
        document = answer.json()
    except (requests.RequestException, ValueError) as exc:
        raise InvalidParameterException(
            f"Unable to contact well-known endpoint: {url}") from exc
    if document.get("issuer") != issuer:
        raise InvalidParameterException(
            "The oidc_issuer does not match the issuer of the discovery document")
    for key, name in ENDPOINTS.items():
        if not kept.get(key) and isinstance(document.get(name), str):
            kept[key] = document[name]
    kept.setdefault("attributes_url_add_attributes", "false")
    missing = [key for key in ENDPOINTS if not kept.get(key)]
    if missing:
        raise InvalidParameterException(
            f"The discovery document names no {', '.join(missing)}")
    return kept
