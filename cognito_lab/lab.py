"""``Lab``: a complete local Cognito in one call.

``Lab.start()`` starts one server on 127.0.0.1 (the emulator in front of moto), applies the
course's CloudFormation template through boto3, and seeds demo users the way an
administrator would. Everything a lesson needs is an attribute of the lab.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import os
import secrets
import string
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .aws_models import botocore_session
from .clock import Clock
from .cognito_ids import jwks_url

if TYPE_CHECKING:
    from .emulator import Emulator
    from .emulator.functions import Functions
    from .emulator.identity.enforcement import EnforcementSwitch
    from .emulator.user_pools.mailbox import Mailbox
    from .idp import GoogleProvider

DEFAULT_USERS = (
    {"name": "alice", "email": "alice@example.com", "groups": ("admins",), "tenant_id": "acme"},
    {"name": "bob", "email": "bob@example.com", "groups": ("members",), "tenant_id": "globex"},
    {"name": "carol", "email": "carol@example.com", "groups": ("members",), "tenant_id": "acme"},
)
_lab_numbers = itertools.count(1)
_lab_numbers_lock = threading.Lock()


@dataclass(frozen=True)
class AppClient:
    """An app client of the lab's user pool, with the settings a lesson talks about.

    The learner's view (``lab.app_clients["web"]``): a plain, frozen value made from the
    DescribeUserPoolClient answer over boto3, as an app would read it from AWS, so it
    depends on nothing inside the emulator. The emulator's own record of a client, read
    by its fidelity layer and hosted UI, is ``emulator.user_pools.directory.ClientSettings``.
    """

    client_id: str
    client_secret: str | None = field(default=None, repr=False)
    name: str = ""
    callback_urls: tuple[str, ...] = ()
    logout_urls: tuple[str, ...] = ()
    oauth_flows: tuple[str, ...] = ()
    oauth_scopes: tuple[str, ...] = ()
    auth_flows: tuple[str, ...] = ()

    @property
    def is_public(self) -> bool:
        """A public client (browser, mobile app) has no secret: it could not keep one."""
        return self.client_secret is None

    @classmethod
    def from_description(cls, raw: dict) -> AppClient:
        return cls(client_id=raw["ClientId"], client_secret=raw.get("ClientSecret"),
                   name=raw.get("ClientName", ""),
                   callback_urls=tuple(raw.get("CallbackURLs") or ()),
                   logout_urls=tuple(raw.get("LogoutURLs") or ()),
                   oauth_flows=tuple(raw.get("AllowedOAuthFlows") or ()),
                   oauth_scopes=tuple(raw.get("AllowedOAuthScopes") or ()),
                   auth_flows=tuple(raw.get("ExplicitAuthFlows") or ()))


@dataclass(frozen=True)
class DemoUser:
    """A seeded user: sign in with ``username`` (their email) and ``password``."""

    username: str
    password: str = field(repr=False)
    email: str = ""
    groups: tuple[str, ...] = ()
    tenant_id: str | None = None


def new_password(length: int = 16) -> str:
    """A fresh random password that meets the course's policy (upper, lower, digit)."""
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(length - 3))
    return f"{body}Aa1"


def _fake_credentials() -> tuple[str, str]:
    """Fake AWS keys, new for every lab: they open nothing but this lab."""
    key_alphabet = string.ascii_uppercase + "234567"
    access_key = "AKIA" + "".join(secrets.choice(key_alphabet) for _ in range(16))
    return access_key, secrets.token_urlsafe(30)[:40]


def _account_id(number: int) -> str:
    """A stable 12-digit account per lab in this process (stable outputs, isolated labs)."""
    digest = hashlib.sha256(f"cognito-lab-account-{number}".encode()).hexdigest()
    return str(int(digest, 16) % 10**12).zfill(12)


class Lab:
    """A running local Cognito. Use ``with Lab.start() as lab:`` or call ``lab.stop()``."""

    def __init__(self, *, region: str = "us-east-1") -> None:
        from .emulator import Emulator

        with _lab_numbers_lock:
            self.number = next(_lab_numbers)
        self.region = region
        self.account_id = _account_id(self.number)
        self.access_key_id, self._secret_access_key = _fake_credentials()
        self.clock = Clock()
        self._emulator = Emulator(region=region, account_id=self.account_id,
                                  access_key=self.access_key_id, clock=self.clock)
        self._server: Any = None
        self._session: Any = None
        self._clients: dict[str, Any] = {}
        self.resources: dict[str, str] = {}
        self.resource_types: dict[str, str] = {}
        self.user_pool_id = ""
        self.identity_pool_id: str | None = None
        self.domain: str | None = None
        self.app_clients: dict[str, AppClient] = {}
        self.users: dict[str, DemoUser] = {}

    # -- lifecycle ------------------------------------------------------------------------
    @classmethod
    def start(cls, template: str | Path | dict | None = None, *, region: str = "us-east-1",
              users: tuple[dict, ...] | None = DEFAULT_USERS, port: int = 0) -> Lab:
        """Start a lab from the course template (or ``template``) and seed demo users.

        ``port`` pins the server's port on 127.0.0.1 (a live demo); 0 picks a free one.
        """
        from .emulator.server import LabServer

        lab = cls(region=region)
        lab._server = LabServer(lab._emulator.app, port=port)
        lab._emulator.base_url = lab._server.url
        try:
            lab._apply(template)
            for spec in users or ():
                lab.add_user(**spec)
        except BaseException:
            lab.stop()
            raise
        return lab

    def stop(self) -> None:
        """Stop the server and free its port. Safe to call twice."""
        for client in self._clients.values():
            client.close()
        self._clients.clear()
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None and self._server.running

    # -- where things are -----------------------------------------------------------------
    @property
    def endpoint_url(self) -> str:
        """The boto3 ``endpoint_url`` of this lab (every AWS service it plays)."""
        if self._server is None:
            raise RuntimeError("this lab has been stopped")
        return self._server.url

    @property
    def port(self) -> int:
        return int(self.endpoint_url.rsplit(":", 1)[1])

    @property
    def issuer(self) -> str:
        """The ``iss`` of this pool's tokens: the real AWS form."""
        return self._emulator.issuer(self.user_pool_id)

    @property
    def jwks_url(self) -> str:
        """Where this lab serves the pool's keys (on AWS: ``issuer + /.well-known/jwks.json``)."""
        return jwks_url(f"{self.endpoint_url}/{self.user_pool_id}")

    @property
    def domain_url(self) -> str:
        """Base URL of the hosted UI: ``/oauth2/authorize``, ``/oauth2/token``, ``/login``..."""
        return self.endpoint_url

    @property
    def public_url(self) -> str:
        """The hosted UI's base URL as the learner's *browser* reaches it.

        Locally that is ``domain_url``. On Binder / JupyterHub the browser cannot reach
        127.0.0.1 inside the container, but jupyter-server-proxy forwards
        ``$JUPYTERHUB_SERVICE_PREFIX/proxy/<port>/`` to the lab, so that path is the public
        URL (the hosted UI's links are relative, so it works under the prefix).
        ``COGNITO_LAB_PUBLIC_URL`` overrides both; ``{port}`` in it becomes the lab's port.
        """
        override = os.environ.get("COGNITO_LAB_PUBLIC_URL")
        if override:
            return override.replace("{port}", str(self.port)).rstrip("/")
        prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX")
        if prefix:
            return f"{prefix.rstrip('/')}/proxy/{self.port}"
        return self.domain_url

    @property
    def aws_domain_url(self) -> str | None:
        """What ``domain_url`` would be on AWS for the template's prefix domain."""
        if not self.domain:
            return None
        return f"https://{self.domain}.auth.{self.region}.amazoncognito.com"

    @property
    def mailbox(self) -> Mailbox:
        """Messages Cognito would have sent (confirmation and reset codes, ...)."""
        return self._emulator.mailbox

    @property
    def emulator(self) -> Emulator:
        """The local Cognito behind this lab: moto plus the emulator's parts and state.

        For the emulator's own tests and for reading how the lab plays AWS. An app never
        reaches into Cognito like this: lessons use the AWS-shaped faces above."""
        return self._emulator

    def sign_as_pool(self, claims: dict, purpose: str = "access") -> str:
        """A token with these claims, signed with the pool's current ``purpose`` key
        ("id" or "access"), as only Cognito itself could sign one.

        For lessons and tests: a token whose signature is genuine but whose claims are
        wrong shows that a verifier's claim checks must hold on their own."""
        return self._emulator.tokens.sign(self.user_pool_id, purpose, claims)

    @property
    def triggers(self) -> Any:
        """The pool's Lambda triggers, played by Python functions:
        ``lab.triggers.attach("PreSignUp", fn)``, ``bind(arn, fn)``, ``invocations``."""
        return self._emulator.triggers.for_pool(self.user_pool_id)

    @property
    def functions(self) -> Functions:
        """The lab's Lambda functions, played by Python callables: ``bind(arn, fn)``,
        ``arn(name)``, ``invocations``. Triggers, API Gateway integrations and Lambda
        authorizers all invoke the function bound to their ARN."""
        return self._emulator.functions

    def api_url(self, api_id: str, stage: str = "$default") -> str:
        """Where this lab serves what AWS serves at
        ``https://{api_id}.execute-api.{region}.amazonaws.com/{stage}`` (an HTTP API's
        ``$default`` stage at the root): a path on the lab's one port."""
        from .emulator.apigateway.invoke import PREFIX

        base = f"{self.endpoint_url}{PREFIX}/{api_id}"
        return base if stage == "$default" else f"{base}/{stage}"

    @property
    def credentials(self) -> dict[str, str]:
        """This lab's fake AWS credentials, as boto3 keyword arguments."""
        return {"aws_access_key_id": self.access_key_id,
                "aws_secret_access_key": self._secret_access_key, "region_name": self.region}

    def client(self, service: str) -> Any:
        """A boto3 client bound to this lab, e.g. ``lab.client("cognito-idp")``."""
        if service not in self._clients:
            import boto3
            from botocore.config import Config

            if self._session is None:
                self._session = boto3.session.Session(**self.credentials,
                                                      botocore_session=botocore_session())
            self._clients[service] = self._session.client(
                service, endpoint_url=self.endpoint_url,
                config=Config(retries={"max_attempts": 1}))
        return self._clients[service]

    def play_google(self, google: GoogleProvider) -> GoogleProvider:
        """Have ``google`` (a ``cognito_lab.idp.GoogleProvider`` on 127.0.0.1) play Google
        for this lab, and return it.

        A ``Google`` identity provider names Google's own URLs, as on AWS; the lab never
        reaches them on the internet, but sends the browser's first hop and Cognito's calls
        (token exchange, keys, userInfo) to this stand-in. Without one, signing in with
        Google is a clear error (docs/fidelity.md, "Lab vs AWS")."""
        for origin in google.origins:
            self._emulator.stand_ins.play(origin, google)
        return google

    def rotate_signing_keys(self, *, retire_old: bool = False) -> None:
        """Sign new tokens with new keys; the old ones stay in the JWKS for overlap."""
        self._emulator.keys.ring(self.user_pool_id).rotate(retire_old=retire_old)

    def enforce_iam(self, enabled: bool = True) -> EnforcementSwitch:
        """Have moto's IAM engine judge every request to this lab signed with credentials
        other than the lab's own (which play the account's root user). Use ``with
        lab.enforce_iam(): ...`` to restore the previous setting after the block."""
        return self._emulator.iam.set(enabled)

    @property
    def bucket(self) -> str | None:
        """The template's S3 bucket (per-user files under ``private/<identity id>/``)."""
        buckets = [n for n, t in self.resource_types.items() if t == "AWS::S3::Bucket"]
        return self.resources[buckets[0]] if buckets else None

    # -- setting up -----------------------------------------------------------------------
    def _apply(self, template: str | Path | dict | None) -> None:
        from .template import apply_template, default_template_path, load_template
        from .template.model import Context

        ctx = Context(client=self.client, region=self.region, account_id=self.account_id)
        created = apply_template(load_template(template or default_template_path()), ctx)
        self.resources = {name: c.physical_id for name, c in created.items()}
        self.resource_types = dict(ctx.types)
        by_type = lambda kind: [n for n, t in ctx.types.items() if t == kind]  # noqa: E731
        pools = by_type("AWS::Cognito::UserPool")
        self.user_pool_id = self.resources[pools[0]] if pools else ""
        identity_pools = by_type("AWS::Cognito::IdentityPool")
        self.identity_pool_id = self.resources[identity_pools[0]] if identity_pools else None
        domains = by_type("AWS::Cognito::UserPoolDomain")
        self.domain = self.resources[domains[0]] if domains else None
        self.refresh_app_clients()

    def refresh_app_clients(self) -> dict[str, AppClient]:
        """Re-read the pool's app clients (after a lesson creates or changes one)."""
        idp = self.client("cognito-idp")
        clients = {}
        if self.user_pool_id:
            listed = idp.list_user_pool_clients(UserPoolId=self.user_pool_id, MaxResults=60)
            for item in listed["UserPoolClients"]:
                raw = idp.describe_user_pool_client(
                    UserPoolId=self.user_pool_id, ClientId=item["ClientId"])["UserPoolClient"]
                clients[raw["ClientName"]] = AppClient.from_description(raw)
        self.app_clients = clients
        return clients

    def add_user(self, name: str, email: str, groups: tuple[str, ...] = (),
                 tenant_id: str | None = None, password: str | None = None) -> DemoUser:
        """Create a confirmed user as an administrator would: create, then set a password."""
        idp = self.client("cognito-idp")
        password = password or new_password()
        attributes = [{"Name": "email", "Value": email},
                      {"Name": "email_verified", "Value": "true"}]
        if tenant_id is not None:
            attributes.append({"Name": "custom:tenant_id", "Value": tenant_id})
        idp.admin_create_user(UserPoolId=self.user_pool_id, Username=email,
                              UserAttributes=attributes, MessageAction="SUPPRESS",
                              TemporaryPassword=new_password())
        idp.admin_set_user_password(UserPoolId=self.user_pool_id, Username=email,
                                    Password=password, Permanent=True)
        for group in groups:
            idp.admin_add_user_to_group(UserPoolId=self.user_pool_id, Username=email,
                                        GroupName=group)
        user = DemoUser(username=email, password=password, email=email, groups=tuple(groups),
                        tenant_id=tenant_id)
        self.users[name] = user
        return user

    # -- display --------------------------------------------------------------------------
    def __repr__(self) -> str:
        state = self.endpoint_url if self.running else "stopped"
        return f"<Lab {self.user_pool_id or '(no pool)'} at {state}>"

    def _repr_html_(self) -> str:
        if not self.running:
            return "<b>cognito-lab</b>: stopped"
        esc = html.escape
        rows = [("endpoint_url", self.endpoint_url), ("region", self.region),
                ("user_pool_id", self.user_pool_id), ("issuer", self.issuer),
                ("jwks_url", self.jwks_url), ("domain_url", self.domain_url),
                ("identity_pool_id", self.identity_pool_id or "—")]
        rows += [(f'app_clients["{name}"]',
                  f"{c.client_id} ({'public' if c.is_public else 'confidential'}; "
                  f"{', '.join(c.oauth_flows) or 'no OAuth flows'})")
                 for name, c in self.app_clients.items()]
        rows += [(f'users["{name}"]', f"{u.username} (groups: {', '.join(u.groups) or '—'})")
                 for name, u in self.users.items()]
        body = "".join(f"<tr><th style='text-align:left'>lab.{esc(k)}</th>"
                       f"<td style='text-align:left'><code>{esc(str(v))}</code></td></tr>"
                       for k, v in rows)
        return f"<table><caption>cognito-lab (local Cognito)</caption>{body}</table>"
