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

Operations the emulator answers itself never reach moto; for those the dispatcher asks the
lab's ``IamEnforcement.refusal`` first, which has moto's IAM engine judge a side-effect-free
probe of the same operation (``iam_probe.py``), signed with the caller's identity-pool
credentials.

moto's IAM switch is per process, so there is one gate per process (``process_gate``); each
Emulator is handed it and passes it to the parts that need it.

A shared/exclusive lock keeps every other moto request out of an enforcement window, so
enforcement never leaks into other requests, labs or tests in the process; the previous
setting is restored after each window.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .aws_error_bodies import as_json_error, error_answer, refusal_code
from .iam_probe import probe_environ
from .policy_variables import resolved_policies
from .query import QueryGateway
from .shared_lock import SharedExclusiveLock
from .signed_request import Signed, is_public, protocol_of
from .wsgi_answer import Answer, run

if TYPE_CHECKING:
    from .enforcement import IamEnforcement
    from .state import Grant


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
            if is_public(environ, protocol):
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
        if is_public(environ, "json"):
            return None
        if signed.access_key is None:
            return error_answer("json", "MissingAuthenticationToken",
                                "Missing Authentication Token", 403)
        if signed.access_key == enforcement.root_key:
            return None
        grant = enforcement.grant(signed.access_key)
        if grant is None:
            answer = self._probe(enforcement, environ, signed, None)
            if refusal_code(answer) in (None, "SignatureDoesNotMatch"):
                return error_answer("json", "NotImplemented", "cognito-lab checks the "
                                    "operations it answers itself only for identity pool "
                                    "credentials.", 501)
            return as_json_error(answer)
        if grant.expires_at <= enforcement.clock.now():
            return error_answer("json", "ExpiredToken",
                                "The security token included in the request is expired", 400)
        answer = self._probe(enforcement, environ, signed, grant)
        return as_json_error(answer) if refusal_code(answer) else None

    def _probe(self, enforcement: IamEnforcement, environ: dict, signed: Signed,
               grant: Grant | None) -> Answer:
        return self._run_enforced(enforcement, grant,
                                  probe_environ(environ, signed, grant, enforcement.account_id,
                                                enforcement.region))

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


_process_gate: IamGate | None = None
_process_gate_lock = threading.Lock()


def process_gate(moto_app: Any) -> IamGate:
    """The one gate around moto's app in this process (moto's IAM switch is per process)."""
    global _process_gate
    with _process_gate_lock:
        if _process_gate is None:
            _process_gate = IamGate(moto_app)
        elif _process_gate.app is not moto_app:
            raise RuntimeError("the IAM gate already guards another moto app in this process")
        return _process_gate
