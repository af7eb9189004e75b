"""IAM refusals in the shape of each AWS protocol: JSON, query (XML) and S3 (XML).

moto answers IAM refusals in XML whatever the protocol; a JSON-protocol SDK (cognito-idp,
cognito-identity) expects AWS's JSON error shape instead.
"""

from __future__ import annotations

import json
import re

from .wsgi_answer import Answer

_REASONS = {400: "Bad Request", 403: "Forbidden", 501: "Not Implemented"}
JSON_CODES = {"AccessDenied": "AccessDeniedException",
              "InvalidClientTokenId": "UnrecognizedClientException",
              "SignatureDoesNotMatch": "InvalidSignatureException",
              "ExpiredToken": "ExpiredTokenException",
              "MissingAuthenticationToken": "MissingAuthenticationTokenException"}


def error_answer(protocol: str, code: str, message: str, status: int) -> Answer:
    from xml.sax.saxutils import escape

    line = f"{status} {_REASONS.get(status, 'Error')}"
    if protocol == "json":
        body = json.dumps({"__type": JSON_CODES.get(code, code), "message": message}).encode()
        return Answer(line, [("Content-Type", "application/x-amz-json-1.1")], body)
    if protocol == "s3":
        body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{escape(code)}</Code>"
                f"<Message>{escape(message)}</Message></Error>").encode()
    else:
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{escape(code)}</Code>"
                f"<Message>{escape(message)}</Message></Error></ErrorResponse>").encode()
    return Answer(line, [("Content-Type", "text/xml")], body)


def as_json_error(answer: Answer) -> Answer:
    """moto answers IAM refusals of JSON-protocol requests in XML; re-encode them as JSON."""
    if answer.code < 400 or not answer.body.lstrip().startswith(b"<"):
        return answer
    code = re.search(rb"<Code>(.*?)</Code>", answer.body)
    message = re.search(rb"<Message>(.*?)</Message>", answer.body, re.S)
    if code is None:
        return answer
    return error_answer("json", code.group(1).decode(),
                        message.group(1).decode() if message else "", answer.code)


AUTH_REFUSALS = {"AccessDenied", "InvalidClientTokenId", "SignatureDoesNotMatch",
                 "InvalidToken", "ExpiredToken"}


def refusal_code(answer: Answer) -> str | None:
    """The IAM refusal in a moto answer (moto answers them in XML), if it is one."""
    found = re.search(rb"<Code>(.*?)</Code>", answer.body) if answer.code >= 400 else None
    code = found.group(1).decode() if found else None
    return code if code in AUTH_REFUSALS else None
