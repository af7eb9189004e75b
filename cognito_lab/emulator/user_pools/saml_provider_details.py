"""SAML providers' ProviderDetails: the checks and the metadata reading AWS does.

AWS, CreateIdentityProvider (API reference, ProviderDetails for SAML) and "Adding SAML
identity providers to a user pool": a SAML provider is configured with ``MetadataURL`` or
``MetadataFile`` (one of them), and the flags ``IDPSignout``, ``IDPInit`` and
``EncryptedResponses`` ("true"/"false") and ``RequestSigningAlgorithm`` ("rsa-sha256").
Cognito reads the metadata when the provider is created or updated, refuses metadata it
can't use (InvalidParameterException, e.g. "Error retrieving metadata from ..."), and
DescribeIdentityProvider then adds what it read: ``SSORedirectBindingURI`` and, when the
metadata has one, ``SLORedirectBindingURI``. Those derived keys are recomputed, never taken
from a request (an Update that sends a described provider back stays valid).

With ``EncryptedResponses`` "true", Describe also shows the provider's
``ActiveEncryptionCertificate`` (saml_encryption.py, which identity_providers.py asks: it
needs the pool and the provider's name). The lab's choice (docs/fidelity.md):
certificates are checked against real time (the check has no lab clock).
"""

from __future__ import annotations

import time

from ..errors import InvalidParameterException
from .saml_metadata import MetadataError, fetch, read

FLAGS = ("IDPSignout", "IDPInit", "EncryptedResponses")
SIGNING_ALGORITHMS = ("rsa-sha256",)
# What Cognito derives from the metadata (DescribeIdentityProvider), never taken as given.
DERIVED = ("SSORedirectBindingURI", "SLORedirectBindingURI", "ActiveEncryptionCertificate")


def saml_details(details: dict) -> dict:
    """The ProviderDetails Cognito keeps for a SAML provider: checked, metadata read."""
    url, file = details.get("MetadataURL"), details.get("MetadataFile")
    if bool(url) == bool(file):
        raise InvalidParameterException("Exactly one of MetadataURL or MetadataFile is "
                                        "required for SAML identity provider")
    for flag in FLAGS:
        if flag in details and details[flag] not in ("true", "false"):
            raise InvalidParameterException(f"{flag} must be \"true\" or \"false\"")
    algorithm = details.get("RequestSigningAlgorithm")
    if algorithm is not None and algorithm not in SIGNING_ALGORITHMS:
        raise InvalidParameterException(
            f"RequestSigningAlgorithm must be one of {', '.join(SIGNING_ALGORITHMS)}")
    try:
        metadata = read(fetch(url) if url else str(file), now=time.time())
    except MetadataError as exc:
        raise InvalidParameterException(str(exc)) from exc
    kept = {key: value for key, value in details.items() if key not in DERIVED}
    kept["SSORedirectBindingURI"] = metadata.sso_redirect_url
    if metadata.slo_redirect_url:
        kept["SLORedirectBindingURI"] = metadata.slo_redirect_url
    return kept
