"""Errors the local Cognito answers with, in the shape AWS uses on the wire."""

from __future__ import annotations


class CognitoError(Exception):
    """An AWS JSON-protocol error: ``{"__type": code, "message": message}`` with a 4xx status.

    Raise it from any operation handler; the dispatcher turns it into the HTTP answer that
    boto3 turns back into ``botocore.exceptions.ClientError`` with the same code.
    """

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status

    def body(self) -> dict:
        return {"__type": self.code, "message": self.message}


def not_authorized(message: str) -> CognitoError:
    return CognitoError("NotAuthorizedException", message)


def invalid_parameter(message: str) -> CognitoError:
    return CognitoError("InvalidParameterException", message)


def resource_not_found(message: str) -> CognitoError:
    return CognitoError("ResourceNotFoundException", message)
