"""PreventUserExistenceErrors: whether an API answer may reveal that a user doesn't exist.

AWS, "Managing user existence error responses": with ENABLED, sign-in answers an unknown
user exactly as a wrong password ("Incorrect username or password."), SRP sends a
simulated challenge first, and the confirmation and password-recovery operations pretend
to have sent a code. With LEGACY (the API's default) they answer UserNotFoundException.
moto always answers UserNotFoundException.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import CognitoError, NotAuthorizedException, UserNotFoundException

if TYPE_CHECKING:
    from .directory import ClientSettings


def user_not_found() -> CognitoError:
    return UserNotFoundException("User does not exist.")


def incorrect_username_or_password() -> CognitoError:
    return NotAuthorizedException("Incorrect username or password.")


def unknown_user_at_sign_in(client: ClientSettings) -> CognitoError:
    if client.prevent_user_existence_errors:
        return incorrect_username_or_password()
    return user_not_found()
