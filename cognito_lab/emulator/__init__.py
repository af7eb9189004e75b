"""Plays AMAZON COGNITO: moto as the directory of record, plus what moto lacks.

The :class:`Emulator` builds and owns one lab's parts: the user pools API
(``user_pools/``), the hosted UI (``hosted_ui/``), identity pools and the IAM gate
(``identity/``), their per-lab state, and the WSGI dispatcher that serves them. Each part
declares what it answers in a table (``user_pools/operations.py``,
``identity/operations.py``, ``hosted_ui/urls.py``, ``user_pools/urls.py``); the Emulator
combines the tables. Nothing registers itself by being imported.
"""

from __future__ import annotations

import threading

from .. import cognito_ids
from ..clock import Clock
from .apigateway.authorizers import AuthorizerCache
from .apigateway.directory import ApiDirectory
from .apigateway.invoke import ApiGatewayState
from .apigateway.jwt_check import KeySource
from .apigateway.urls import ROUTES as APIGATEWAY_ROUTES
from .functions import Functions
from .hosted_ui.state import HostedUiState
from .hosted_ui.urls import ROUTES as HOSTED_UI_ROUTES
from .identity.enforcement import IamEnforcement
from .identity.iam_gate import process_gate
from .identity.operations import OPERATIONS as IDENTITY_OPERATIONS
from .identity.operations import SERVICE as IDENTITY_SERVICE
from .identity.query import QueryGateway
from .identity.state import IdentityState
from .moto_gateway import MotoGateway, moto_app
from .operations import Handler
from .routes import Routes
from .stand_ins import StandIns
from .user_pools.challenges import ChallengeStore
from .user_pools.codes import CodeBook
from .user_pools.directory import Directory
from .user_pools.keys import KeyStore
from .user_pools.mailbox import Mailbox
from .user_pools.operations import OPERATIONS as USER_POOLS_OPERATIONS
from .user_pools.operations import SERVICE as USER_POOLS_SERVICE
from .user_pools.passkeys import PasskeyStore
from .user_pools.passwords import PasswordVault
from .user_pools.provider_links import ProviderLinks
from .user_pools.saml_encryption import SamlEncryptionKeys
from .user_pools.saml_signing import SamlSigningKeys
from .user_pools.sessions import SessionStore
from .user_pools.social_provider_details import GOOGLE_DOMAINS
from .user_pools.tokens import TokenService
from .user_pools.totp import TotpRegistry
from .user_pools.triggers import Triggers
from .user_pools.urls import ROUTES as ISSUER_ROUTES
from .user_pools.user_auth import UserAuthState


class Emulator:
    """One lab's local Cognito: state plus the WSGI app that serves it."""

    def __init__(self, *, region: str, account_id: str, access_key: str, clock: Clock) -> None:
        from .dispatcher import Dispatcher

        self.region = region
        self.account_id = account_id
        self.clock = clock
        # moto's state and its IAM switch are per process: one gate in front of moto serves
        # every lab in the process, and each lab's calls go through it.
        gate = process_gate(moto_app())
        self.moto = MotoGateway(account_id, region, access_key, app=gate)
        self.directory = Directory(self.moto)
        self.keys = KeyStore()
        self.sessions = SessionStore()
        self.tokens = TokenService(region, self.keys, clock, self.sessions)
        self.mailbox = Mailbox(clock)
        self.passwords = PasswordVault(clock)      # salts + SRP verifiers, never passwords
        self.codes = CodeBook(clock)               # confirmation, reset, verification codes
        self.totp = TotpRegistry(clock)                 # software-token MFA secrets
        self.challenges = ChallengeStore(clock)    # sign-ins waiting for a challenge answer
        self.user_auth = UserAuthState(clock)      # USER_AUTH: choices, one-time codes, passkeys
        self.passkeys = PasskeyStore(clock)        # WebAuthn settings and users' passkeys
        self.provider_links = ProviderLinks()      # AdminLinkProviderForUser's links
        self.saml_signing = SamlSigningKeys()      # each pool's SAML signing certificate
        self.saml_encryption = SamlEncryptionKeys()   # each SAML provider's decryption key
        self.functions = Functions(region, account_id)   # "Lambda": ARN -> Python callable
        self.triggers = Triggers(self)             # Lambda triggers played by Python functions
        self.tokens.pre_token_generation = self.triggers.pre_token_generation
        self.tokens.machine_token_generation = self.triggers.machine_token_generation
        # the hosted UI's and identity pools' state of this lab
        self.hosted_ui = HostedUiState(clock)
        # public origins (Google's) played by loopback servers: the lab never reaches them
        self.stand_ins = StandIns(played_domains=GOOGLE_DOMAINS)
        self.identity = IdentityState(
            QueryGateway(gate, account_id, region, access_key), region, clock)
        self.iam = IamEnforcement(gate=gate, account_id=account_id, region=region,
                                  root_key=access_key, clock=clock, identities=self.identity)
        # what this lab answers itself; everything else goes to moto
        self.operations: dict[tuple[str, str], Handler] = {
            **{(USER_POOLS_SERVICE, name): handler
               for name, handler in USER_POOLS_OPERATIONS.items()},
            **{(IDENTITY_SERVICE, name): handler
               for name, handler in IDENTITY_OPERATIONS.items()}}
        # API Gateway's data plane (moto keeps the APIs; the lab serves and authorizes them)
        self.apigateway = ApiGatewayState(
            directory=ApiDirectory(gate, account_id, region, access_key),
            keys=KeySource(self), cache=AuthorizerCache(clock))
        self.routes = Routes(ISSUER_ROUTES + HOSTED_UI_ROUTES + APIGATEWAY_ROUTES)
        self.base_url = ""            # set once the server knows its port
        self.app = Dispatcher(self)
        self._client_pools: dict[str, str] = {}
        self._lock = threading.Lock()

    def call(self, service: str, operation: str, params: dict) -> dict:
        """Run one API operation in-process, through the fidelity layer (as the hosted UI
        and identity pools do: they are clients of the user pools API too).

        Such calls are Cognito's own pages talking to itself, so the app-client rules of
        the public API (ExplicitAuthFlows, SECRET_HASH) don't apply to them, as on AWS;
        everything else (passwords, challenges, MFA, triggers) does."""
        from .operations import Call

        handler = self.operations.get((service, operation))
        if handler is None:
            return self.moto.call(service, operation, params)
        return handler(Call(self, service, operation, params, internal=True))

    def issuer(self, pool_id: str) -> str:
        return cognito_ids.issuer(self.region, pool_id)

    def pool_of_client(self, client_id: str) -> str:
        """The pool that owns an app client (cached: client ids never move)."""
        from .errors import ResourceNotFoundException

        with self._lock:
            if client_id in self._client_pools:
                return self._client_pools[client_id]
        pool_id = self.directory.pool_of_client(client_id)
        if pool_id is None:
            raise ResourceNotFoundException(f"User pool client {client_id} does not exist.")
        with self._lock:
            self._client_pools[client_id] = pool_id
        return pool_id
