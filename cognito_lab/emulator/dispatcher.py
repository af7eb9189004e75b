"""The lab's one WSGI app: the emulator's routes first, then its operations, then moto.

- A request signed for AWS (SigV4) is an SDK call. A user pools or identity pools call
  (its ``X-Amz-Target`` names one) is first read and checked against AWS's model of the
  service (``validation.py``): what AWS would refuse before running anything is refused
  here, with AWS's HTTP 400, and never reaches a handler or moto. If the operation is one
  the emulator handles, the emulator answers it; otherwise it goes to moto.
- Anything else (a browser, an OAuth client, a JWKS fetch) is looked up among the
  emulator's HTTP routes; what no route claims goes to moto too.

Every request that reaches moto is stamped with the lab's AWS account id, so each lab
has a moto account of its own. Once moto has answered a request that may change it and
is not a user pools or identity pools call (any method but GET or HEAD: API Gateway,
Lambda, moto's own controls...), the API Gateway configuration the lab keeps between
invocations is forgotten (``apigateway/directory.py``).
"""

from __future__ import annotations

import io
import json
import logging
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from .errors import CognitoError, InternalErrorException, UnsupportedOperationException
from .moto_gateway import SERVICE_OF_PREFIX, moto_implements
from .operations import Call
from .validation import read_request

if TYPE_CHECKING:
    from . import Emulator

log = logging.getLogger("cognito_lab.emulator")


def aws_json_response(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status,
                    content_type="application/x-amz-json-1.1")


class Dispatcher:
    """WSGI callable for one lab."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.moto = emulator.moto.app      # moto, behind the process's IAM gate

    def __call__(self, environ: dict, start_response: Any) -> Any:
        environ["HTTP_X_MOTO_ACCOUNT_ID"] = self.emulator.account_id
        request = Request(environ)
        if not request.headers.get("Authorization", "").startswith("AWS4-HMAC-SHA256"):
            response = self.emulator.routes.handle(self.emulator, request)
            if response is not None:
                return response(environ, start_response)
        target = request.headers.get("X-Amz-Target", "")
        prefix, _, operation = target.partition(".")
        service = SERVICE_OF_PREFIX.get(prefix)
        if service is None:          # API Gateway, Lambda, IAM, STS, S3, moto's own controls
            try:
                return self.moto(environ, start_response)
            finally:                 # moto has answered: what the lab kept may be stale
                self.emulator.apigateway.directory.after_moto_request(request.method)
                if request.path.startswith("/moto-api/"):
                    self.emulator.directory.forget_pools()
        try:               # AWS reads and validates every request before anything runs
            params, body = read_request(service, operation, request.get_data())
        except CognitoError as error:
            return aws_json_response(error.body(), error.status)(environ, start_response)
        handler = self.emulator.operations.get((service, operation))
        if handler is None:
            if not moto_implements(service, operation):  # moto would answer 500 + traceback
                refusal = UnsupportedOperationException(
                    f"cognito-lab does not play {operation} yet: neither its emulator nor "
                    "moto implements it. Use AWS for this operation.")
                return aws_json_response(refusal.body(), refusal.status)(environ,
                                                                         start_response)
            environ["wsgi.input"] = io.BytesIO(body)     # the body, as read, for moto
            environ["CONTENT_LENGTH"] = str(len(body))
            return self.moto(environ, start_response)
        refused = self.emulator.iam.refusal(environ)     # only in a lab that enforces IAM
        if refused is not None:
            return refused(environ, start_response)
        return self._answer(handler, service, operation, params)(environ, start_response)

    def _answer(self, handler: Any, service: str, operation: str, params: dict) -> Response:
        try:
            return aws_json_response(handler(Call(self.emulator, service, operation, params)))
        except CognitoError as error:
            return aws_json_response(error.body(), error.status)
        except Exception as exc:  # a bug in the lab: say so in AWS's shape, log the trace
            log.exception("emulator error in %s:%s", service, operation)
            internal = InternalErrorException(
                f"cognito-lab emulator failed on {operation}: {exc!r}")
            return aws_json_response(internal.body(), internal.status)
