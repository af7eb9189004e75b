"""Fidelity tests run every scenario twice: against the lab, and against bare moto.

The ``target`` fixture is the same course user pool (from the course template) either in a
running Lab or in a plain ``moto.server.ThreadedMotoServer`` on 127.0.0.1. A test states
what AWS does (asserted on the lab) and what moto alone does (asserted on bare moto, where
it is expected to be *wrong*: if a moto release fixes it, the test says so, and
docs/fidelity.md must change).

    def test_x(target):
        out = attempt(target.idp.initiate_auth, ...)
        expect(target, out, aws=Refused("NotAuthorizedException", "..."), moto=Accepted())
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from cognito_lab import Lab
from cognito_lab.client import secret_hash
from cognito_lab.lab import AppClient, DemoUser, new_password

USER_POOL_TYPES = ("AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient",
                   "AWS::Cognito::UserPoolDomain", "AWS::Cognito::UserPoolResourceServer",
                   "AWS::Cognito::UserPoolGroup")


# -- outcomes ---------------------------------------------------------------------------------
@dataclass
class Outcome:
    """What a call did: its answer, or the AWS error it raised."""

    value: Any = None
    code: str | None = None
    message: str | None = None

    @property
    def accepted(self) -> bool:
        return self.code is None

    def __repr__(self) -> str:
        return "Outcome(accepted)" if self.accepted else f"Outcome({self.code}: {self.message})"


def attempt(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Outcome:
    try:
        return Outcome(value=fn(*args, **kwargs))
    except ClientError as error:
        info = error.response.get("Error", {})
        return Outcome(code=info.get("Code"), message=info.get("Message"))


@dataclass
class Refused:
    code: str
    message: str | None = None        # exact message, when AWS's wording is known
    contains: str | None = None

    def check(self, out: Outcome) -> None:
        assert not out.accepted, f"expected {self.code}, but the call was accepted"
        assert out.code == self.code, f"expected {self.code}, got {out}"
        if self.message is not None:
            assert out.message == self.message, f"expected {self.message!r}, got {out.message!r}"
        if self.contains is not None:
            assert self.contains in (out.message or ""), out


@dataclass
class Accepted:
    that: Callable[[Any], bool] | None = None

    def check(self, out: Outcome) -> None:
        assert out.accepted, f"expected the call to be accepted, got {out}"
        if self.that is not None:
            assert self.that(out.value), f"accepted, but the answer is not as expected: {out.value}"


@dataclass
class Fails:
    """Any error other than ``not_code`` (moto: unimplemented operations, wrong codes)."""

    not_code: str | None = None

    def check(self, out: Outcome) -> None:
        assert not out.accepted, "expected an error"
        assert out.code != self.not_code, f"moto now answers {out.code}: update fidelity.md"


Expectation = Refused | Accepted | Fails


def expect(target: Target, out: Outcome, *, aws: Expectation, moto: Expectation) -> None:
    """Assert AWS's behaviour on the lab, and moto's (documented, wrong) one on bare moto."""
    (aws if target.is_lab else moto).check(out)


# -- targets ----------------------------------------------------------------------------------
@dataclass
class Target:
    """The course pool, in the lab or in bare moto, with a few helpers for scenarios."""

    name: str
    client: Callable[[str], Any]
    pool_id: str
    app_clients: dict[str, AppClient]
    users: dict[str, DemoUser]
    lab: Lab | None = None
    _made: list = field(default_factory=list)

    @property
    def is_lab(self) -> bool:
        return self.lab is not None

    @property
    def idp(self) -> Any:
        return self.client("cognito-idp")

    def app(self, name: str) -> AppClient:
        return self.app_clients[name]

    def new_client(self, **settings: Any) -> dict:
        """A new app client (unique name); returns DescribeUserPoolClient's answer."""
        settings.setdefault("ClientName", f"fidelity-{uuid.uuid4().hex[:8]}")
        return self.idp.create_user_pool_client(UserPoolId=self.pool_id,
                                                **settings)["UserPoolClient"]

    def new_user(self, *, tenant: str = "acme", confirmed: bool = True) -> DemoUser:
        """A confirmed user with a permanent password, made as an administrator would."""
        email = f"u-{uuid.uuid4().hex[:10]}@example.com"
        password = new_password()
        self.idp.admin_create_user(
            UserPoolId=self.pool_id, Username=email, MessageAction="SUPPRESS",
            TemporaryPassword=new_password(),
            UserAttributes=[{"Name": "email", "Value": email},
                            {"Name": "email_verified", "Value": "true"},
                            {"Name": "custom:tenant_id", "Value": tenant}])
        if confirmed:
            self.idp.admin_set_user_password(UserPoolId=self.pool_id, Username=email,
                                             Password=password, Permanent=True)
        return DemoUser(username=email, password=password, email=email)

    def password_sign_in(self, user: DemoUser, client: str = "server",
                         client_id: str | None = None, client_secret: str | None = None) -> dict:
        """USER_PASSWORD_AUTH through a client that allows it (the template's server)."""
        app = self.app(client)
        client_id = client_id or app.client_id
        client_secret = client_secret if client_id != app.client_id else app.client_secret
        params = {"USERNAME": user.username, "PASSWORD": user.password}
        if client_secret:
            params["SECRET_HASH"] = secret_hash(user.username, client_id, client_secret)
        return self.idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                      AuthParameters=params)

    def tokens(self, user: DemoUser) -> dict:
        return self.password_sign_in(user)["AuthenticationResult"]

    def set_lambda_config(self, config: dict) -> None:
        """Point the pool's triggers at ARNs, as an administrator would (UpdateUserPool),
        keeping the other settings (UpdateUserPool resets what it isn't given)."""
        pool = self.idp.describe_user_pool(UserPoolId=self.pool_id)["UserPool"]
        keep = {k: pool[k] for k in ("Policies", "AutoVerifiedAttributes",
                                     "VerificationMessageTemplate", "AdminCreateUserConfig",
                                     "AccountRecoverySetting") if k in pool}
        mfa = self.idp.get_user_pool_mfa_config(UserPoolId=self.pool_id)["MfaConfiguration"]
        self.idp.update_user_pool(UserPoolId=self.pool_id, LambdaConfig=config,
                                  MfaConfiguration=mfa, **keep)


class MotoAlone:
    """The course's user pool in a plain moto server: moto without the lab."""

    def __init__(self, endpoint_url: str) -> None:
        from cognito_lab.template import apply_template, default_template_path, load_template
        from cognito_lab.template.model import Context

        session = boto3.session.Session(aws_access_key_id="testing",
                                        aws_secret_access_key="testing",
                                        region_name="us-east-1")
        self._clients: dict[str, Any] = {}
        self._make = lambda service: session.client(
            service, endpoint_url=endpoint_url, config=Config(retries={"max_attempts": 1}))
        template = load_template(default_template_path())
        template["Resources"] = {name: spec for name, spec in template["Resources"].items()
                                 if spec["Type"] in USER_POOL_TYPES}
        for spec in template["Resources"].values():      # group roles live in IAM: not here
            if spec["Type"] == "AWS::Cognito::UserPoolGroup":
                spec.get("Properties", {}).pop("RoleArn", None)
        suffix = uuid.uuid4().hex[:10]
        template["Resources"]["UserPool"]["Properties"]["UserPoolName"] = f"fidelity-{suffix}"
        ctx = Context(client=self.client, region="us-east-1", account_id="123456789012")
        ctx.parameters["DomainPrefix"] = f"fidelity-{suffix}"
        created = apply_template(template, ctx)
        self.pool_id = created["UserPool"].physical_id
        idp = self.client("cognito-idp")
        self.app_clients = {}
        for item in idp.list_user_pool_clients(UserPoolId=self.pool_id,
                                               MaxResults=60)["UserPoolClients"]:
            raw = idp.describe_user_pool_client(UserPoolId=self.pool_id,
                                                ClientId=item["ClientId"])["UserPoolClient"]
            self.app_clients[raw["ClientName"]] = AppClient.from_description(raw)

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._make(service)
        return self._clients[service]


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A bare moto server on 127.0.0.1 and a free port: moto as anyone would run it."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="module")
def fidelity_lab() -> Iterator[Lab]:
    with Lab.start() as lab:
        yield lab


@pytest.fixture(scope="module")
def moto_alone(moto_server: str) -> MotoAlone:
    return MotoAlone(moto_server)


def lab_target(lab: Lab) -> Target:
    return Target("lab", lab.client, lab.user_pool_id, lab.app_clients, lab.users, lab)


def moto_target(env: MotoAlone) -> Target:
    target = Target("moto", env.client, env.pool_id, env.app_clients, {})
    for name in ("alice", "bob"):
        target.users[name] = target.new_user()
    return target


@pytest.fixture(params=["lab", "moto"])
def target(request: pytest.FixtureRequest) -> Target:
    """The course pool in the lab (AWS's behaviour) or in bare moto (moto's)."""
    if request.param == "lab":
        return lab_target(request.getfixturevalue("fidelity_lab"))
    return moto_target(request.getfixturevalue("moto_alone"))


@pytest.fixture
def fresh_target(request: pytest.FixtureRequest, target: Target) -> Target:
    """Like ``target``, with a pool of its own: for tests that change pool settings
    (MFA, triggers) or move the lab's clock."""
    if not target.is_lab:
        return moto_target(MotoAlone(request.getfixturevalue("moto_server")))
    lab = Lab.start()
    request.addfinalizer(lab.stop)
    return lab_target(lab)


@contextmanager
def moto_minting_in_the_past(seconds: float) -> Iterator[None]:
    """Bare moto has no clock to move: make it mint tokens as if ``seconds`` ago (it reads
    time.time() when it signs), so their ``exp`` is already past."""
    real = time.time
    with mock.patch("time.time", lambda: real() - seconds):
        yield
