"""Every error code the local Cognito answers is one AWS answers: a typo can't ship.

The emulator raises one class per AWS error (cognito_lab/emulator/errors.py); their codes
must be error shapes of botocore's service models for cognito-idp or cognito-identity, or
one of AWS's generic JSON-protocol answers listed here. The hosted UI's OAuth errors use a
closed vocabulary of RFC 6749 / 6750 / 7009 codes (and Cognito's own error pages).
"""

from __future__ import annotations

import ast
from pathlib import Path

import botocore.session
import pytest

from cognito_lab.emulator import errors
from cognito_lab.emulator.errors import CognitoError
from cognito_lab.emulator.hosted_ui.errors import OAUTH_ERROR_CODES, OAuthError

EMULATOR = Path(errors.__file__).parent

# Answers of AWS's JSON protocol itself, not modelled as any one service's errors.
GENERIC_AWS_CODES = {"InternalErrorException", "SerializationException",
                     "ValidationException", "UnknownOperationException"}


def _service_codes() -> set[str]:
    session = botocore.session.get_session()
    return {shape.name for service in ("cognito-idp", "cognito-identity")
            for shape in session.get_service_model(service).error_shapes}


def _error_classes() -> list[type[CognitoError]]:
    found, todo = [], [CognitoError]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return [cls for cls in found if cls.__module__ == errors.__name__]


def test_every_error_class_answers_an_aws_error_code():
    allowed = _service_codes() | GENERIC_AWS_CODES
    classes = _error_classes()
    assert classes
    unknown = {cls.__name__: cls.code for cls in classes if cls.code not in allowed}
    assert not unknown, f"not an error code of cognito-idp or cognito-identity: {unknown}"


def test_each_class_is_named_after_its_code_and_documented():
    for cls in _error_classes():
        assert cls.__name__ == cls.code
        assert cls.__doc__ and cls.__doc__.strip()
        assert errors.ERRORS[cls.code] is cls


def test_the_generic_codes_are_really_not_modelled():
    """If botocore ever models one of them, move it out of the allowed list."""
    assert not GENERIC_AWS_CODES - {"InternalErrorException"} & _service_codes()


def test_no_emulator_module_makes_an_error_from_a_code_string():
    """Codes are class names now: ``CognitoError("SomeCode", ...)`` is a typo waiting."""
    offenders = []
    for path in sorted(EMULATOR.rglob("*.py")):
        if path == Path(errors.__file__):     # from_code: the one generic path
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "CognitoError"):
                offenders.append(f"{path.relative_to(EMULATOR)}:{node.lineno}")
    assert not offenders, "raise the error's class (or CognitoError.from_code): " + \
        ", ".join(offenders)


def test_base_class_needs_a_code():
    with pytest.raises(TypeError):
        CognitoError("no code")


def test_from_code_gives_the_lab_class_or_keeps_an_unknown_code():
    known = CognitoError.from_code("UserNotFoundException", "User does not exist.", 400)
    assert type(known) is errors.UserNotFoundException
    assert known.body() == {"__type": "UserNotFoundException",
                            "message": "User does not exist."}
    assert (known.status, str(known)) == (400, "UserNotFoundException: User does not exist.")
    other = CognitoError.from_code("GroupExistsException", "A group with the name exists.", 400)
    assert type(other) is CognitoError
    assert other.body() == {"__type": "GroupExistsException",
                            "message": "A group with the name exists."}
    assert CognitoError.from_code("NotAuthorizedException", "m", 403).status == 403


def test_class_attributes_match_the_wire():
    error = errors.NotAuthorizedException("Incorrect username or password.")
    assert (error.code, error.status, error.message) == (
        "NotAuthorizedException", 400, "Incorrect username or password.")
    assert errors.InternalErrorException("boom").status == 500


# -- the hosted UI ----------------------------------------------------------------------------
ERROR_MAKERS = {"OAuthError": 0, "RedirectError": 0, "ErrorPage": 0, "fail": 0, "_refusal": 1}


def test_every_oauth_error_code_the_hosted_ui_uses_is_in_its_vocabulary():
    used = set()
    for path in sorted((EMULATOR / "hosted_ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ERROR_MAKERS
                    and len(node.args) > ERROR_MAKERS[node.func.id]):
                arg = node.args[ERROR_MAKERS[node.func.id]]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    used.add(arg.value)
    assert {"invalid_request", "invalid_grant", "invalid_client"} <= used
    assert used <= OAUTH_ERROR_CODES, used - OAUTH_ERROR_CODES


def test_an_unknown_oauth_error_code_is_refused_when_made():
    with pytest.raises(ValueError, match="invalid_grnat"):
        OAuthError("invalid_grnat", "a typo")  # type: ignore[arg-type]
