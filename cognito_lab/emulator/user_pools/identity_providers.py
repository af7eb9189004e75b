"""CreateIdentityProvider / UpdateIdentityProvider: the checks AWS does, by provider type.

moto stores identity providers (Create, Describe, Update, Delete, List) but checks nothing.
AWS, CreateIdentityProvider (API reference): a second provider with the same name is a
DuplicateProviderException; each ProviderType has its own ProviderDetails, checked (and,
for OIDC, completed by discovery) by the function ``DETAILS`` names for it. A type with no
entry goes to moto unchanged. A Google provider must be named ``Google`` (as observed on
AWS; social_provider_details.py).
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import CognitoError, DuplicateProviderException, InvalidParameterException
from ..operations import Call
from .oidc_provider_details import oidc_details
from .saml_encryption import with_encryption_certificate
from .saml_provider_details import saml_details
from .social_provider_details import google_details, name_refused

# ProviderType -> the ProviderDetails Cognito keeps for a request's ProviderDetails
DETAILS: dict[str, Callable[[dict], dict]] = {
    "OIDC": oidc_details,
    "Google": google_details,
    "SAML": saml_details,
}


def create_identity_provider(call: Call) -> dict:
    pool_id = call.param("UserPoolId")
    name = call.param("ProviderName")
    refused = name_refused(name, call.param("ProviderType"))
    if refused:
        raise InvalidParameterException(refused)
    try:
        call.forward({"UserPoolId": pool_id, "ProviderName": name},
                     operation="DescribeIdentityProvider")
    except CognitoError:
        pass
    else:
        raise DuplicateProviderException(f"A provider with the name {name} already exists "
                                         "in this user pool.")
    checked = DETAILS.get(call.param("ProviderType"))
    if checked is None:
        return call.forward()
    details = checked(call.param("ProviderDetails") or {})
    if call.param("ProviderType") == "SAML":
        details = with_encryption_certificate(call.emulator.saml_encryption, pool_id, name,
                                              details, created=True)
    return call.forward({**call.params, "ProviderDetails": details})


def update_identity_provider(call: Call) -> dict:
    current = call.forward({"UserPoolId": call.param("UserPoolId"),
                            "ProviderName": call.param("ProviderName")},
                           operation="DescribeIdentityProvider")["IdentityProvider"]
    checked = DETAILS.get(current.get("ProviderType", ""))
    if checked is None or call.param("ProviderDetails") is None:
        return call.forward()
    details = checked(call.param("ProviderDetails"))
    if current.get("ProviderType") == "SAML":
        details = with_encryption_certificate(
            call.emulator.saml_encryption, call.param("UserPoolId"),
            call.param("ProviderName"), details, created=False)
    # moto merges ProviderDetails as a whole value: the request's map replaces the old one
    return call.forward({**call.params, "ProviderDetails": details})
