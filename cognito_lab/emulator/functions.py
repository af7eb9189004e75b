"""AWS Lambda, played by Python callables: one registry of functions per lab.

On AWS a Lambda function is named by its ARN
(``arn:aws:lambda:<region>:<account>:function:<name>``) and other services invoke it with
an event: Cognito's user pool triggers, API Gateway's ``AWS_PROXY`` integrations and its
Lambda authorizers. In the lab a function is a Python callable ``fn(event, context)`` (or
``fn(event)``) bound to an ARN with ``lab.functions.bind(arn, fn)``; the Emulator owns one
:class:`Functions` and every part that invokes "Lambda" looks the ARN up here. moto stores
the ARNs (LambdaConfig, integrations, authorizers) and invokes nothing.

Invoking an ARN nothing is bound to raises :class:`FunctionNotBound` (on AWS: the function
does not exist); each caller turns that, and a function's exception, into what its own
service answers.
"""

from __future__ import annotations

import copy
import inspect
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Function = Callable[..., Any]
_LAMBDA_ARN = re.compile(r"arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:[\w-]+(:[\w$-]+)?")


class FunctionNotBound(LookupError):
    """No Python callable plays this Lambda ARN in the lab."""


@dataclass(frozen=True)
class FunctionCall:
    """One invocation, kept for inspection (``lab.functions.invocations``)."""

    arn: str
    caller: str            # who invoked it: "PreSignUp trigger", "apigateway integration", ...
    event: dict
    result: Any
    error: str | None


class LambdaContext:
    """The ``context`` a Lambda function receives (the parts functions commonly read)."""

    def __init__(self, arn: str, timeout_ms: int = 5000) -> None:
        self.invoked_function_arn = arn
        self.function_name = arn.split(":function:", 1)[-1].split(":", 1)[0]
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = 128
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "cognito-lab"
        self._timeout_ms = timeout_ms

    def get_remaining_time_in_millis(self) -> int:
        return self._timeout_ms


def call_function(fn: Function, event: Any, context: LambdaContext) -> Any:
    """Call ``fn(event, context)``, or ``fn(event)`` if it takes one argument."""
    try:
        takes_context = len(inspect.signature(fn).parameters) >= 2
    except (TypeError, ValueError):
        takes_context = True
    return fn(event, context) if takes_context else fn(event)


def lambda_arn_of(uri: str) -> str:
    """The function ARN in an integration or authorizer URI: the ARN itself (HTTP APIs), or
    API Gateway's ``arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<arn>/
    invocations`` form (REST APIs, authorizers)."""
    if "/functions/" in uri:
        uri = uri.split("/functions/", 1)[1]
        uri = uri[: -len("/invocations")] if uri.endswith("/invocations") else uri
    return uri


class Functions:
    """The lab's Lambda functions: ARN -> Python callable, and every invocation made."""

    def __init__(self, region: str, account_id: str) -> None:
        self.region = region
        self.account_id = account_id
        self._lock = threading.Lock()
        self._bound: dict[str, Function] = {}
        self._calls: list[FunctionCall] = []

    def arn(self, name: str) -> str:
        """A well-formed Lambda ARN in the lab's account and region."""
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{name}"

    function_arn = arn

    def bind(self, arn: str, fn: Function) -> str:
        """Play the Lambda function ``arn`` with ``fn(event, context)``; return ``arn``."""
        if not callable(fn):
            raise TypeError(f"a Lambda function must be a callable taking (event, context), "
                            f"not {fn!r}")
        if not isinstance(arn, str) or not arn.startswith("arn:aws:lambda:"):
            raise ValueError(f"not a Lambda function ARN: {arn!r}")
        with self._lock:
            self._bound[arn] = fn
        return arn

    def unbind(self, arn: str) -> None:
        with self._lock:
            self._bound.pop(arn, None)

    def get(self, arn: str) -> Function | None:
        with self._lock:
            return self._bound.get(lambda_arn_of(arn))

    def __contains__(self, arn: object) -> bool:
        return isinstance(arn, str) and self.get(arn) is not None

    @property
    def bound(self) -> dict[str, Function]:
        with self._lock:
            return dict(self._bound)

    def invoke(self, arn: str, event: Any, *, caller: str, timeout_ms: int = 5000) -> Any:
        """Run the function bound to ``arn`` with a copy of ``event``; return what it
        returns. Raises FunctionNotBound, or whatever the function raised."""
        arn = lambda_arn_of(arn)
        fn = self.get(arn)
        sent = copy.deepcopy(event)
        if fn is None:
            self._record(FunctionCall(arn, caller, sent, None, "no Python function bound"))
            raise FunctionNotBound(
                f"{caller} invokes {arn}, but no Python function is bound to that ARN in "
                "the lab: lab.functions.bind(arn, fn)")
        try:
            result = call_function(fn, copy.deepcopy(event), LambdaContext(arn, timeout_ms))
        except Exception as exc:
            self._record(FunctionCall(arn, caller, sent, None, repr(exc)))
            raise
        self._record(FunctionCall(arn, caller, sent, copy.deepcopy(result), None))
        return result

    def _record(self, call: FunctionCall) -> None:
        with self._lock:
            self._calls.append(call)

    @property
    def invocations(self) -> list[FunctionCall]:
        with self._lock:
            return list(self._calls)

    def calls_of(self, arn: str) -> list[FunctionCall]:
        return [c for c in self.invocations if c.arn == lambda_arn_of(arn)]

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()

    def __repr__(self) -> str:
        return f"<Lambda functions of the lab: {sorted(self.bound) or 'none bound'}>"
