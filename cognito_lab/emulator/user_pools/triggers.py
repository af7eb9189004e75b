"""Lambda triggers, played by Python functions.

A user pool names Lambda functions in its LambdaConfig; Cognito invokes them at set points
with an event and acts on the event's ``response``. AWS, "Customizing user pool workflows
with Lambda triggers": every event has ``version``, ``triggerSource``, ``region``,
``userPoolId``, ``userName``, ``callerContext {awsSdkVersion, clientId}``, ``request`` and
``response``; the function returns the event. If it raises, the API call fails with
UserLambdaValidationException "<Trigger> failed with error <message>."; if it returns
something that is not an event, InvalidLambdaResponseException.

In the lab a trigger is a Python function ``fn(event, context)`` (or ``fn(event)``) bound
to a Lambda ARN. ``lab.triggers.attach("PreSignUp", fn)`` binds ``fn`` to a made-up ARN of
the lab's account and writes that ARN into the pool's LambdaConfig, exactly where a real
ARN would go; an ARN already in LambdaConfig (from UpdateUserPool or the template) is
bound with ``lab.triggers.bind(arn, fn)``. moto stores LambdaConfig and invokes nothing.

The lab runs PreSignUp, PostConfirmation, PreAuthentication, PostAuthentication and
PreTokenGeneration (V1_0 events here; V2_0 and V3_0 in ``pre_token_v2``); it refuses to
attach the others rather than silently never call them.
"""

from __future__ import annotations

import copy
import html
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import (
    InvalidLambdaResponseException,
    UnexpectedLambdaException,
    UserLambdaValidationException,
)
from ..functions import LambdaContext, call_function
from . import pre_token_v2
from .tokens import ClaimsOverride, TokenOverride

if TYPE_CHECKING:
    from .. import Emulator
    from .directory import User

RUN_BY_THE_LAB = ("PreSignUp", "PostConfirmation", "PreAuthentication", "PostAuthentication",
                  "PreTokenGeneration")
NOT_RUN = ("CustomMessage", "DefineAuthChallenge", "CreateAuthChallenge",
           "VerifyAuthChallengeResponse", "UserMigration", "CustomSMSSender",
           "CustomEmailSender")
SDK_VERSION = "aws-sdk-unknown-unknown"

Trigger = Callable[..., Any]


@dataclass(frozen=True)
class Invocation:
    """One call of a trigger, kept for inspection (``lab.triggers.invocations``)."""

    pool_id: str
    trigger: str
    trigger_source: str
    arn: str
    event: dict
    result: dict | None
    error: str | None


class Triggers:
    """Bindings of ARNs to Python functions, and the invocation of triggers, for one lab."""

    def __init__(self, emulator: Emulator) -> None:
        self._emulator = emulator
        self._lock = threading.Lock()
        self._functions = emulator.functions      # the lab's one registry of Lambda ARNs
        self._invocations: list[Invocation] = []

    # -- binding ----------------------------------------------------------------------
    def function_arn(self, name: str) -> str:
        """A well-formed Lambda ARN in the lab's account and region."""
        return self._functions.arn(name)

    def bind(self, arn: str, fn: Trigger) -> str:
        return self._functions.bind(arn, fn)

    def unbind(self, arn: str) -> None:
        self._functions.unbind(arn)

    def attach(self, pool_id: str, trigger: str, fn: Trigger, *, name: str | None = None,
               version: str | None = None) -> str:
        """Bind ``fn`` and set it as the pool's ``trigger`` in LambdaConfig; return the ARN.
        ``version`` ("V2_0", "V3_0") sets a PreTokenGeneration trigger's event version, as
        ``PreTokenGenerationConfig`` does on AWS."""
        from .pool_settings import change_pool

        self._check_name(trigger)
        if version is not None and trigger != "PreTokenGeneration":
            raise ValueError("only a PreTokenGeneration trigger has an event version")
        arn = self.bind(self.function_arn(name or f"cognito-lab-{trigger}"), fn)
        config = dict(self.lambda_config(pool_id))
        config[trigger] = arn
        if trigger == "PreTokenGeneration":
            config.pop("PreTokenGenerationConfig", None)
            if version is not None:
                config["PreTokenGenerationConfig"] = {"LambdaVersion": version, "LambdaArn": arn}
        change_pool(self._emulator, pool_id, LambdaConfig=config)
        return arn

    def detach(self, pool_id: str, trigger: str) -> None:
        from .pool_settings import change_pool

        config = dict(self.lambda_config(pool_id))
        arn = config.pop(trigger, None)
        if trigger == "PreTokenGeneration":
            config.pop("PreTokenGenerationConfig", None)
        change_pool(self._emulator, pool_id, LambdaConfig=config)
        if arn:
            self.unbind(arn)

    @staticmethod
    def _check_name(trigger: str) -> None:
        if trigger in NOT_RUN:
            raise ValueError(f"the lab does not run {trigger} triggers (it runs "
                             f"{', '.join(RUN_BY_THE_LAB)}); on AWS {trigger} would be called")
        if trigger not in RUN_BY_THE_LAB:
            raise ValueError(f"{trigger!r} is not a user pool trigger; choose one of "
                             f"{', '.join(RUN_BY_THE_LAB)}")

    def lambda_config(self, pool_id: str) -> dict:
        return self._emulator.directory.pool(pool_id).get("LambdaConfig") or {}

    def arn_for(self, pool_id: str, trigger: str, config: dict | None = None) -> str | None:
        config = self.lambda_config(pool_id) if config is None else config
        if trigger == "PreTokenGeneration" and config.get("PreTokenGenerationConfig"):
            versioned = config["PreTokenGenerationConfig"]
            return versioned.get("LambdaArn") or config.get(trigger)
        return config.get(trigger)

    def pre_token_generation_version(self, pool_id: str) -> str:
        """The pool's PreTokenGenerationConfig.LambdaVersion ("V1_0" unless set)."""
        versioned = self.lambda_config(pool_id).get("PreTokenGenerationConfig") or {}
        return versioned.get("LambdaVersion") or "V1_0"

    # -- invoking ---------------------------------------------------------------------
    @property
    def invocations(self) -> list[Invocation]:
        with self._lock:
            return list(self._invocations)

    def clear(self) -> None:
        with self._lock:
            self._invocations.clear()

    def run(self, pool_id: str, trigger: str, trigger_source: str, *, user_name: str,
            client_id: str | None, request: dict, pool: dict | None = None,
            version: str = "1") -> dict | None:
        """Invoke the pool's ``trigger`` if it has one; return the event's ``response``.

        ``pool``: the pool's DescribeUserPool answer, if the caller has it at hand;
        ``version``: the event's version ("2", "3": PreTokenGeneration V2_0 / V3_0)."""
        config = None if pool is None else (pool.get("LambdaConfig") or {})
        arn = self.arn_for(pool_id, trigger, config)
        if not arn:
            return None
        fn = self._functions.get(arn)
        if fn is None:
            raise UnexpectedLambdaException(
                f"{trigger} is set to {arn}, but no Python function is bound "
                "to that ARN in the lab: lab.triggers.bind(arn, fn)")
        event = {"version": version, "triggerSource": trigger_source,
                 "region": self._emulator.region, "userPoolId": pool_id,
                 "userName": user_name,
                 "callerContext": {"awsSdkVersion": SDK_VERSION, "clientId": client_id},
                 "request": request, "response": {}}
        sent = copy.deepcopy(event)
        try:
            returned = call_function(fn, copy.deepcopy(event), LambdaContext(arn))
        except Exception as exc:  # the function failed: so does the API call
            self._record(pool_id, trigger, trigger_source, arn, sent, None, repr(exc))
            raise UserLambdaValidationException(
                f"{trigger} failed with error {exc}.") from exc
        if not isinstance(returned, dict) or not isinstance(returned.get("response", {}), dict):
            self._record(pool_id, trigger, trigger_source, arn, sent, None,
                         f"returned {type(returned).__name__}, not the event")
            raise InvalidLambdaResponseException("Unrecognizable lambda output")
        self._record(pool_id, trigger, trigger_source, arn, sent, returned, None)
        return returned.get("response") or {}

    def _record(self, *args: Any) -> None:
        with self._lock:
            self._invocations.append(Invocation(*args))

    # -- the triggers the lab runs -------------------------------------------------------
    def pre_sign_up(self, pool_id: str, source: str, user_name: str, client_id: str | None,
                    attributes: dict, validation_data: dict | None,
                    client_metadata: dict | None, pool: dict | None = None) -> dict:
        return self.run(pool_id, "PreSignUp", source, user_name=user_name, client_id=client_id,
                        request={"userAttributes": dict(attributes),
                                 "validationData": dict(validation_data or {}) or None,
                                 "clientMetadata": dict(client_metadata or {}) or None},
                        pool=pool) or {}

    def post_confirmation(self, pool_id: str, source: str, user: User, client_id: str | None,
                          client_metadata: dict | None = None) -> None:
        self.run(pool_id, "PostConfirmation", source, user_name=user.username,
                 client_id=client_id,
                 request={"userAttributes": _event_attributes(user),
                          "clientMetadata": dict(client_metadata or {}) or None})

    def pre_authentication(self, pool_id: str, user: User, client_id: str,
                           validation_data: dict | None = None) -> None:
        self.run(pool_id, "PreAuthentication", "PreAuthentication_Authentication",
                 user_name=user.username, client_id=client_id,
                 request={"userAttributes": _event_attributes(user),
                          "validationData": dict(validation_data or {}) or None,
                          "userNotFound": False})

    def post_authentication(self, pool_id: str, user: User, client_id: str,
                            client_metadata: dict | None = None) -> None:
        self.run(pool_id, "PostAuthentication", "PostAuthentication_Authentication",
                 user_name=user.username, client_id=client_id,
                 request={"userAttributes": _event_attributes(user), "newDeviceUsed": False,
                          "clientMetadata": dict(client_metadata or {}) or None})

    def pre_token_generation(self, *, pool_id: str, client_id: str, user: User,
                             trigger_source: str, groups: list[str], roles: list[str],
                             preferred_role: str | None,
                             client_metadata: dict | None = None,
                             scopes: list[str] | None = None) -> TokenOverride | None:
        """The TokenService's hook: run PreTokenGeneration and read its overrides (V1_0
        here; V2_0 and V3_0 events in ``pre_token_v2``)."""
        version = self.pre_token_generation_version(pool_id)
        if version in ("V2_0", "V3_0"):
            response = self.run(
                pool_id, "PreTokenGeneration", trigger_source, user_name=user.username,
                client_id=client_id, version=pre_token_v2.VERSIONS[version],
                request=pre_token_v2.user_request(
                    _event_attributes(user), groups, roles, preferred_role, scopes or [],
                    client_metadata))
            return None if response is None else pre_token_v2.read_response(response)
        response = self.run(
            pool_id, "PreTokenGeneration", trigger_source, user_name=user.username,
            client_id=client_id,
            request={"userAttributes": _event_attributes(user),
                     "groupConfiguration": {"groupsToOverride": list(groups),
                                            "iamRolesToOverride": list(roles),
                                            "preferredRole": preferred_role},
                     "clientMetadata": dict(client_metadata or {}) or None})
        if response is None:
            return None
        return claims_override(response)

    def machine_token_generation(self, *, pool_id: str, client_id: str, scopes: list[str],
                                 client_metadata: dict | None = None,
                                 ) -> pre_token_v2.ClaimsAndScopeOverride | None:
        """The TokenService's hook for machine (client-credentials) tokens: only a V3_0
        PreTokenGeneration trigger is invoked for them (TokenGeneration_ClientCredentials)."""
        if self.pre_token_generation_version(pool_id) != "V3_0":
            return None
        response = self.run(pool_id, "PreTokenGeneration", "TokenGeneration_ClientCredentials",
                            user_name=client_id, client_id=client_id, version="3",
                            request=pre_token_v2.machine_request(scopes, client_metadata))
        return None if response is None else pre_token_v2.read_response(response)

    def for_pool(self, pool_id: str) -> PoolTriggers:
        return PoolTriggers(self, pool_id)


def claims_override(response: dict) -> ClaimsOverride | None:
    """Read a PreTokenGeneration V1_0 event's ``response``: what to change in the tokens
    (None if it asks for nothing); InvalidLambdaResponseException if it is malformed."""
    details = response.get("claimsOverrideDetails")
    if not details:
        return None
    bad = InvalidLambdaResponseException("Unrecognizable lambda output")
    add = details.get("claimsToAddOrOverride") or {}
    suppress = details.get("claimsToSuppress") or []
    if not isinstance(add, dict) or not all(isinstance(v, str) for v in add.values()):
        raise bad     # V1_0 claims are strings only
    if not isinstance(suppress, list) or not all(isinstance(c, str) for c in suppress):
        raise bad
    replace = "groupOverrideDetails" in details
    group_details = details.get("groupOverrideDetails") or {}
    if not isinstance(group_details, dict):
        raise bad
    return ClaimsOverride(add_or_override=dict(add), suppress=tuple(suppress),
                          replace_groups=replace,
                          groups=tuple(group_details.get("groupsToOverride") or ()),
                          roles=tuple(group_details.get("iamRolesToOverride") or ()),
                          preferred_role=group_details.get("preferredRole"))


def _event_attributes(user: User) -> dict:
    attributes = dict(user.attributes)
    attributes.setdefault("cognito:user_status", user.status)
    return attributes


class PoolTriggers:
    """``lab.triggers``: the triggers of one pool (the lab's own, by default).

    - ``attach("PreSignUp", fn)`` — run ``fn(event, context)`` as the pool's pre sign-up
      trigger; returns the Lambda ARN written into LambdaConfig.
      ``attach("PreTokenGeneration", fn, version="V2_0")`` for a V2_0 (or V3_0) event.
    - ``bind(arn, fn)`` — play the Lambda function ``arn`` (already in LambdaConfig) with ``fn``.
    - ``detach("PreSignUp")``, ``config`` (the pool's LambdaConfig),
      ``invocations`` / ``last()`` (events sent and what came back), ``clear()``.
    """

    def __init__(self, triggers: Triggers, pool_id: str) -> None:
        self._triggers = triggers
        self.pool_id = pool_id

    def attach(self, trigger: str, fn: Trigger, *, name: str | None = None,
               version: str | None = None) -> str:
        return self._triggers.attach(self.pool_id, trigger, fn, name=name, version=version)

    def detach(self, trigger: str) -> None:
        self._triggers.detach(self.pool_id, trigger)

    def bind(self, arn: str, fn: Trigger) -> str:
        return self._triggers.bind(arn, fn)

    def function_arn(self, name: str) -> str:
        return self._triggers.function_arn(name)

    @property
    def config(self) -> dict:
        return self._triggers.lambda_config(self.pool_id)

    @property
    def invocations(self) -> list[Invocation]:
        return [i for i in self._triggers.invocations if i.pool_id == self.pool_id]

    def last(self, trigger: str | None = None) -> Invocation:
        found = [i for i in self.invocations if trigger is None or i.trigger == trigger]
        if not found:
            raise LookupError(f"no {trigger or 'trigger'} invocation yet")
        return found[-1]

    def clear(self) -> None:
        self._triggers.clear()

    def __repr__(self) -> str:
        return f"<triggers of {self.pool_id}: {self.config or 'none'}>"

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{html.escape(k)}</td><td><code>{html.escape(str(v))}</code>"
                       "</td></tr>" for k, v in self.config.items())
        return ("<table><tr><th>trigger</th><th>Lambda ARN</th></tr>"
                f"{rows or '<tr><td colspan=2>(none)</td></tr>'}</table>")
