"""Errors the local Cognito answers with, in the shape AWS uses on the wire."""

from __future__ import annotations


class CognitoError(Exception):
    """An AWS JSON-protocol error: ``{"__type": code, "message": message}`` with a 4xx status.

    Raise one of its subclasses (one per AWS error code the lab answers) from any operation
    handler; the dispatcher turns it into the HTTP answer that boto3 turns back into
    ``botocore.exceptions.ClientError`` with the same code. Each subclass names its code
    and status as class attributes, so a typo in a code is a NameError, not a wrong answer.

    Errors whose code comes from elsewhere (moto's answers) are made with
    :meth:`from_code`: the specific class when the lab knows the code, else this base
    class carrying the code as it came.
    """

    code: str = ""
    status: int = 400

    def __init__(self, message: str, *, code: str | None = None,
                 status: int | None = None) -> None:
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        if not self.code:
            raise TypeError("raise a subclass of CognitoError (or use CognitoError.from_code)")
        super().__init__(f"{self.code}: {message}")
        self.message = message

    def body(self) -> dict:
        return {"__type": self.code, "message": self.message}

    @classmethod
    def from_code(cls, code: str, message: str, status: int = 400) -> CognitoError:
        """An error answered with ``code``: the lab's class for it, or the base class."""
        known = ERRORS.get(code)
        if known is None:
            return CognitoError(message, code=code, status=status)
        return known(message, status=status)


# -- errors of both services (cognito-idp and cognito-identity) -------------------------------
class NotAuthorizedException(CognitoError):
    """Not allowed: wrong password, bad or expired token or session, a disabled user, a
    login an identity pool doesn't accept."""

    code = "NotAuthorizedException"


class InvalidParameterException(CognitoError):
    """A parameter is missing, malformed or not allowed with this client, pool or user
    (and cognito-idp's answer to a request that fails its model's validation)."""

    code = "InvalidParameterException"


class ResourceNotFoundException(CognitoError):
    """The user pool, app client, identity pool or identity does not exist."""

    code = "ResourceNotFoundException"


class InternalErrorException(CognitoError):
    """The service failed (here: a bug in the lab, logged with its trace)."""

    code = "InternalErrorException"
    status = 500


# -- cognito-idp ------------------------------------------------------------------------------
class UserNotFoundException(CognitoError):
    """No user has this username (unless PreventUserExistenceErrors hides it)."""

    code = "UserNotFoundException"


class UserNotConfirmedException(CognitoError):
    """The user signed up but has not confirmed the account yet."""

    code = "UserNotConfirmedException"


class PasswordResetRequiredException(CognitoError):
    """An administrator reset the user's password: sign-in needs a new one first."""

    code = "PasswordResetRequiredException"


class UsernameExistsException(CognitoError):
    """SignUp or AdminCreateUser with a username (or email alias) that is taken."""

    code = "UsernameExistsException"


class UnsupportedUserStateException(CognitoError):
    """The user's status doesn't allow the call (e.g. RESEND to a confirmed user)."""

    code = "UnsupportedUserStateException"


class InvalidPasswordException(CognitoError):
    """The password does not meet the user pool's password policy."""

    code = "InvalidPasswordException"


class CodeMismatchException(CognitoError):
    """A confirmation, reset or MFA code (or a challenge answer) is wrong."""

    code = "CodeMismatchException"


class ExpiredCodeException(CognitoError):
    """A confirmation or password-reset code has expired."""

    code = "ExpiredCodeException"


class SoftwareTokenMFANotFoundException(CognitoError):
    """TOTP MFA is asked for, but the user pool doesn't have it turned on."""

    code = "SoftwareTokenMFANotFoundException"


class EnableSoftwareTokenMFAException(CognitoError):
    """VerifySoftwareToken got a code that doesn't match the associated secret."""

    code = "EnableSoftwareTokenMFAException"


class InvalidUserPoolConfigurationException(CognitoError):
    """The user pool is not set up for the request (e.g. a sign-in factor not enabled)."""

    code = "InvalidUserPoolConfigurationException"


class InvalidOAuthFlowException(CognitoError):
    """An app client's OAuth settings don't fit together (flows, scopes, callback URLs)."""

    code = "InvalidOAuthFlowException"


class ScopeDoesNotExistException(CognitoError):
    """An app client names a custom scope that no resource server of the pool defines."""

    code = "ScopeDoesNotExistException"


class UnauthorizedException(CognitoError):
    """RevokeToken: the client can't revoke this token (wrong client, or its secret)."""

    code = "UnauthorizedException"


class UnsupportedTokenTypeException(CognitoError):
    """RevokeToken was given a token that is not a refresh token."""

    code = "UnsupportedTokenTypeException"


class UnsupportedOperationException(CognitoError):
    """The operation is not available for this client (e.g. revocation turned off)."""

    code = "UnsupportedOperationException"


class UnexpectedLambdaException(CognitoError):
    """A Lambda trigger failed or could not be invoked."""

    code = "UnexpectedLambdaException"


class UserLambdaValidationException(CognitoError):
    """A Lambda trigger refused the request (the trigger's message is passed on)."""

    code = "UserLambdaValidationException"


class InvalidLambdaResponseException(CognitoError):
    """A Lambda trigger answered something Cognito can't read."""

    code = "InvalidLambdaResponseException"


class RefreshTokenReuseException(CognitoError):
    """A refresh token that refresh-token rotation has replaced (after its grace period)."""

    code = "RefreshTokenReuseException"


class LimitExceededException(CognitoError):
    """A per-resource limit is reached (e.g. two secrets per app client)."""

    code = "LimitExceededException"


class FeatureUnavailableInTierException(CognitoError):
    """A setting or request needs a higher feature plan (UserPoolTier) than the pool's."""

    code = "FeatureUnavailableInTierException"


class WebAuthnNotEnabledException(CognitoError):
    """Passkeys are not a sign-in factor of this user pool (AllowedFirstAuthFactors)."""

    code = "WebAuthnNotEnabledException"


class WebAuthnConfigurationMissingException(CognitoError):
    """The pool has neither a passkey relying party id nor a domain to use as one."""

    code = "WebAuthnConfigurationMissingException"


class WebAuthnChallengeNotFoundException(CognitoError):
    """CompleteWebAuthnRegistration without a live StartWebAuthnRegistration challenge."""

    code = "WebAuthnChallengeNotFoundException"


class WebAuthnClientMismatchException(CognitoError):
    """The registration was started through another app client."""

    code = "WebAuthnClientMismatchException"


class WebAuthnRelyingPartyMismatchException(CognitoError):
    """The authenticator made the credential for another relying party id."""

    code = "WebAuthnRelyingPartyMismatchException"


class WebAuthnOriginNotAllowedException(CognitoError):
    """The credential was made on a web origin outside the pool's relying party id."""

    code = "WebAuthnOriginNotAllowedException"


class WebAuthnCredentialNotSupportedException(CognitoError):
    """The authenticator's credential can't be used (its response doesn't verify)."""

    code = "WebAuthnCredentialNotSupportedException"


class DuplicateProviderException(CognitoError):
    """CreateIdentityProvider with a provider name the user pool already has."""

    code = "DuplicateProviderException"


class AliasExistsException(CognitoError):
    """An alias (or a linked IdP identity) already belongs to another user profile."""

    code = "AliasExistsException"


# -- cognito-identity -------------------------------------------------------------------------
class ResourceConflictException(CognitoError):
    """An identity-pool login is already linked to another identity."""

    code = "ResourceConflictException"


class InvalidIdentityPoolConfigurationException(CognitoError):
    """The identity pool has no usable IAM role for the request."""

    code = "InvalidIdentityPoolConfigurationException"


class ExternalServiceException(CognitoError):
    """A login's identity provider (e.g. an OIDC provider's discovery or JWKS) did not answer."""

    code = "ExternalServiceException"


# -- AWS's generic JSON-protocol answers (not in a service's model) ---------------------------
class ValidationException(CognitoError):
    """cognito-identity's answer to a request that fails its model's validation."""

    code = "ValidationException"


class SerializationException(CognitoError):
    """The request body is not JSON, or a value has the wrong JSON type."""

    code = "SerializationException"


class UnknownOperationException(CognitoError):
    """The X-Amz-Target names no operation of the service."""

    code = "UnknownOperationException"


def _subclasses(cls: type[CognitoError]) -> list[type[CognitoError]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


ERRORS: dict[str, type[CognitoError]] = {
    error.code: error for error in _subclasses(CognitoError) if error.__module__ == __name__}
"""The lab's class for each AWS error code it answers itself."""
