"""Let moto's IAM engine judge requests made with identity-pool credentials — only those.

moto checks IAM permissions only when told to (``POST /moto-api/reset-auth`` with ``0``), and
then for every request in the process: the lab's own fake keys, unknown to moto's IAM,
would be refused too (InvalidClientTokenId / InvalidAccessKeyId, measured). So the gate
wraps moto's WSGI app and, for a lab that enforces IAM, turns enforcement on around one
request at a time:

- requests signed with the lab's own keys play the account's root user: never restricted;
- any other signed request is judged by moto's IAM engine (signature, token, policies);
  for credentials the identity pool issued, policy variables such as
  ``${cognito-identity.amazonaws.com:sub}`` are resolved for the caller's identity in the
  role's policies just for that request (moto does not resolve variables), and credentials
  past their expiry (by the lab's clock) are refused with ExpiredToken;
- unsigned requests pass only for operations AWS serves without credentials (GetId,
  InitiateAuth, AssumeRoleWithWebIdentity, ...).

Operations the emulator answers itself never reach moto; for those the dispatcher asks
``refusal_by_iam`` first, which has moto's IAM engine judge a side-effect-free probe of the
same operation, signed with the caller's identity-pool credentials.

A shared/exclusive lock keeps every other moto request out of an enforcement window, so
enforcement never leaks into other requests, labs or tests in the process; the previous
setting is restored after each window.
"""

from __future__ import annotations

import io
import json
import re
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from .policy_variables import resolved_policies
from .query import QueryGateway

if TYPE_CHECKING:
    from .enforcement import IamEnforcement
    from .state import Grant

# Operations AWS answers without AWS credentials (SDKs may still sign them).
PUBLIC_TARGETS = {
    "AWSCognitoIdentityService": {"GetId", "GetCredentialsForIdentity", "GetOpenIdToken",
                                  "UnlinkIdentity"},
    "AWSCognitoIdentityProviderService": {
        "SignUp", "ConfirmSignUp", "ResendConfirmationCode", "ForgotPassword",
        "ConfirmForgotPassword", "InitiateAuth", "RespondToAuthChallenge", "RevokeToken",
        "GetTokensFromRefreshToken", "GetUser", "UpdateUserAttributes", "DeleteUserAttributes",
        "DeleteUser", "ChangePassword", "GetUserAttributeVerificationCode", "VerifyUserAttribute",
        "SetUserMFAPreference", "SetUserSettings", "ListDevices", "GetDevice", "ForgetDevice",
        "ConfirmDevice", "UpdateDeviceStatus", "AssociateSoftwareToken", "VerifySoftwareToken",
        "GlobalSignOut", "UpdateAuthEventFeedback", "GetUserAuthFactors"},
}
PUBLIC_QUERY_ACTIONS = {"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"}
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]*/[^/]*/([^/,\s]+)/")


class SharedExclusiveLock:
    """Many shared holders, or one exclusive holder; a waiting exclusive goes first."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._shared = 0
        self._exclusive = False
        self._waiting = 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            while self._exclusive or self._waiting:
                self._cond.wait()
            self._shared += 1
        try:
            yield
        finally:
            with self._cond:
                self._shared -= 1
                if not self._shared:
                    self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            self._waiting += 1
            while self._exclusive or self._shared:
                self._cond.wait()
            self._waiting -= 1
            self._exclusive = True
        try:
            yield
        finally:
            with self._cond:
                self._exclusive = False
                self._cond.notify_all()


class Answer:
    """A complete WSGI answer (status, headers, body), buffered."""

    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def code(self) -> int:
        return int(self.status.split(" ", 1)[0])

    def send(self, start_response: Any) -> list[bytes]:
        headers = [(k, v) for k, v in self.headers if k.lower() != "content-length"]
        start_response(self.status, [*headers, ("Content-Length", str(len(self.body)))])
        return [self.body]


def run(app: Any, environ: dict) -> Answer:
    captured: dict = {}

    def start_response(status: str, headers: list, exc_info: Any = None) -> Any:
        captured["status"], captured["headers"] = status, list(headers)
        return lambda data: None

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return Answer(captured["status"], captured["headers"], body)


# -- error answers in each protocol's shape ---------------------------------------------------
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


# -- reading a request ------------------------------------------------------------------------
class Signed:
    """Who signed a request: the access key, the service in its scope, presigned or not."""

    def __init__(self, environ: dict) -> None:
        self.access_key: str | None = None
        self.service = ""
        self.presigned = False
        found = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", "") + "/")
        if found is None:
            query = parse_qs(environ.get("QUERY_STRING", ""))
            credential = (query.get("X-Amz-Credential") or [""])[0]
            found = _CREDENTIAL.search(f"Credential={credential}/")
            legacy = (query.get("AWSAccessKeyId") or [""])[0]      # a SigV2 presigned URL
            self.presigned = found is not None or bool(legacy)
            if legacy and found is None:
                self.access_key, self.service = legacy, "s3"
        if found is not None:
            self.access_key, self.service = found.group(1), found.group(2)


def protocol_of(environ: dict, signed: Signed) -> str:
    if environ.get("HTTP_X_AMZ_TARGET"):
        return "json"
    if signed.service == "s3":
        return "s3"
    content_type = environ.get("CONTENT_TYPE", "")
    return "query" if "x-www-form-urlencoded" in content_type else "s3"


def _query_action(environ: dict) -> str:
    """The Action of a query-protocol request (the body is read and put back)."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    action = parse_qs(body.decode("utf-8", "replace")).get("Action") or \
        parse_qs(environ.get("QUERY_STRING", "")).get("Action") or [""]
    return action[0]


def _is_public(environ: dict, protocol: str) -> bool:
    if protocol == "json":
        prefix, _, name = environ.get("HTTP_X_AMZ_TARGET", "").partition(".")
        return name in PUBLIC_TARGETS.get(prefix, set())
    if protocol == "query":
        return _query_action(environ) in PUBLIC_QUERY_ACTIONS
    return False


# -- the gate ---------------------------------------------------------------------------------
class IamGate:
    """moto's WSGI app behind the gate (one per process, like moto's state)."""

    def __init__(self, app: Any) -> None:
        from werkzeug.test import Client

        self.app = app                     # moto itself, for calls made inside a window
        self._lock = SharedExclusiveLock()
        self._control = Client(app)
        # weak: a lab that is gone stops enforcing without having to say so
        self._enforcing: weakref.WeakValueDictionary[str, IamEnforcement] = \
            weakref.WeakValueDictionary()
        self._registry_lock = threading.Lock()

    def enforce(self, enforcement: IamEnforcement) -> None:
        with self._registry_lock:
            self._enforcing[enforcement.account_id] = enforcement

    def release(self, enforcement: IamEnforcement) -> None:
        with self._registry_lock:
            if self._enforcing.get(enforcement.account_id) is enforcement:
                del self._enforcing[enforcement.account_id]

    def __call__(self, environ: dict, start_response: Any) -> Any:
        with self._registry_lock:
            enforcement = self._enforcing.get(environ.get("HTTP_X_MOTO_ACCOUNT_ID", ""))
        if enforcement is None:
            with self._lock.shared():
                return run(self.app, environ).send(start_response)
        return self._judged(enforcement, environ).send(start_response)

    def _judged(self, enforcement: IamEnforcement, environ: dict) -> Answer:
        signed = Signed(environ)
        protocol = protocol_of(environ, signed)
        if environ.get("PATH_INFO", "").startswith("/moto-api/"):     # moto's own controls
            with self._lock.shared():
                return run(self.app, environ)
        if signed.access_key is None:
            if _is_public(environ, protocol):
                with self._lock.shared():
                    return run(self.app, environ)
            if protocol == "s3":
                return error_answer("s3", "AccessDenied", "Access Denied", 403)
            message = ("Missing Authentication Token" if protocol == "json"
                       else "Request is missing Authentication Token")
            return error_answer(protocol, "MissingAuthenticationToken", message, 403)
        if signed.access_key == enforcement.root_key:
            with self._lock.shared():
                return run(self.app, environ)
        if signed.presigned:
            return error_answer(protocol, "NotImplemented", "cognito-lab does not check "
                                "presigned URLs under IAM enforcement; sign with headers.", 501)
        grant = enforcement.grant(signed.access_key)
        if grant is not None and grant.expires_at <= enforcement.clock.now():
            message = ("The provided token has expired." if protocol == "s3"
                       else "The security token included in the request is expired")
            return error_answer(protocol, "ExpiredToken", message,
                                403 if protocol == "query" else 400)
        answer = self._run_enforced(enforcement, grant, environ)
        return as_json_error(answer) if protocol == "json" else answer

    def judge_handled(self, enforcement: IamEnforcement, environ: dict) -> Answer | None:
        """For an operation the emulator answers itself: None if it may go ahead, else the
        refusal. moto's IAM engine judges a probe: the same operation with an empty body
        (refused before anything happens, if allowed at all: it names no resource), signed
        with the caller's credentials."""
        signed = Signed(environ)
        if _is_public(environ, "json"):
            return None
        if signed.access_key is None:
            return error_answer("json", "MissingAuthenticationToken",
                                "Missing Authentication Token", 403)
        if signed.access_key == enforcement.root_key:
            return None
        grant = enforcement.grant(signed.access_key)
        if grant is None:
            answer = self._probe(enforcement, environ, signed, None)
            if _refusal_code(answer) in (None, "SignatureDoesNotMatch"):
                return error_answer("json", "NotImplemented", "cognito-lab checks the "
                                    "operations it answers itself only for identity pool "
                                    "credentials.", 501)
            return as_json_error(answer)
        if grant.expires_at <= enforcement.clock.now():
            return error_answer("json", "ExpiredToken",
                                "The security token included in the request is expired", 400)
        answer = self._probe(enforcement, environ, signed, grant)
        return as_json_error(answer) if _refusal_code(answer) else None

    def _probe(self, enforcement: IamEnforcement, environ: dict, signed: Signed,
               grant: Grant | None) -> Answer:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        host = f"{signed.service}.{enforcement.region}.amazonaws.com"
        request = AWSRequest(method="POST", url=f"https://{host}/", data=b"{}", headers={
            "X-Amz-Target": environ.get("HTTP_X_AMZ_TARGET", ""),
            "Content-Type": "application/x-amz-json-1.1"})
        secret, token = (grant.secret_key, grant.session_token) if grant else ("unknown", None)
        SigV4Auth(Credentials(signed.access_key, secret, token), signed.service,
                  enforcement.region).add_auth(request)
        probe = {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "QUERY_STRING": "",
                 "SERVER_NAME": host, "SERVER_PORT": "443", "wsgi.url_scheme": "https",
                 "wsgi.input": io.BytesIO(b"{}"), "CONTENT_LENGTH": "2",
                 "CONTENT_TYPE": "application/x-amz-json-1.1", "HTTP_HOST": host,
                 "HTTP_X_MOTO_ACCOUNT_ID": enforcement.account_id}
        for name, value in request.headers.items():
            probe["HTTP_" + name.upper().replace("-", "_")] = value
        return self._run_enforced(enforcement, grant, probe)

    def _run_enforced(self, enforcement: IamEnforcement, grant: Grant | None,
                      environ: dict) -> Answer:
        """Run ``environ`` through moto with IAM enforcement on, alone, and with the
        grant's role policies resolved for its caller (policy variables filled in)."""
        iam = QueryGateway(self.app, enforcement.account_id, enforcement.region,
                           enforcement.root_key)
        with self._lock.exclusive():
            with resolved_policies(iam, grant.role_name if grant else None,
                                   grant.policy_variables() if grant else {}):
                with self._enforcement_on():
                    return run(self.app, environ)

    @contextmanager
    def _enforcement_on(self) -> Iterator[None]:
        """moto's public switch: check IAM from the next request on; then restore."""
        response = self._control.post("/moto-api/reset-auth", data=b"0")
        previous = json.loads(response.data)["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"]
        try:
            yield
        finally:
            self._control.post("/moto-api/reset-auth", data=str(previous).encode())


AUTH_REFUSALS = {"AccessDenied", "InvalidClientTokenId", "SignatureDoesNotMatch",
                 "InvalidToken", "ExpiredToken"}


def _refusal_code(answer: Answer) -> str | None:
    """The IAM refusal in a moto answer (moto answers them in XML), if it is one."""
    found = re.search(rb"<Code>(.*?)</Code>", answer.body) if answer.code >= 400 else None
    code = found.group(1).decode() if found else None
    return code if code in AUTH_REFUSALS else None


def refusal_by_iam(account_id: str, environ: dict) -> Any:
    """For the dispatcher, before an operation the emulator answers itself: None, or the
    WSGI answer refusing it (only in a lab that enforces IAM)."""
    from ..moto_gateway import moto_wsgi_app

    current = moto_wsgi_app()
    if not isinstance(current, IamGate):
        return None
    with current._registry_lock:
        enforcement = current._enforcing.get(account_id)
    if enforcement is None:
        return None
    answer = current.judge_handled(enforcement, environ)
    if answer is None:
        return None
    return lambda environ, start_response: answer.send(start_response)


def gate() -> IamGate:
    """The process's gate (the app ``moto_wsgi_app()`` hands out)."""
    from ..moto_gateway import moto_wsgi_app

    app = moto_wsgi_app()
    if not isinstance(app, IamGate):
        raise RuntimeError("moto_wsgi_app() is not behind the IAM gate")
    return app
