"""Plays AMAZON COGNITO: moto as the directory of record, plus what moto lacks.

The :class:`Emulator` holds one lab's state (keys, sessions, mailbox, triggers) and the
WSGI dispatcher that serves it. Handler modules register themselves on import (see
``handlers.py``), each named after the part of Cognito it plays.
"""

from __future__ import annotations

import threading

from ..clock import Clock
from .challenges import ChallengeStore
from .codes import CodeBook
from .directory import Directory
from .keys import KeyStore
from .mailbox import Mailbox
from .moto_gateway import MotoGateway
from .passwords import PasswordVault
from .sessions import SessionStore
from .tokens import TokenService, issuer_url
from .totp import TotpRegistry
from .triggers import Triggers


class Emulator:
    """One lab's local Cognito: state plus the WSGI app that serves it."""

    def __init__(self, *, region: str, account_id: str, access_key: str, clock: Clock) -> None:
        from . import handlers  # noqa: F401  (registers operations and routes)
        from .dispatcher import Dispatcher
        from .routes import url_map

        self.region = region
        self.account_id = account_id
        self.clock = clock
        self.moto = MotoGateway(account_id, region, access_key)
        self.directory = Directory(self.moto)
        self.keys = KeyStore()
        self.sessions = SessionStore()
        self.tokens = TokenService(region, self.keys, clock, self.sessions)
        self.mailbox = Mailbox(clock)
        self.passwords = PasswordVault(clock)      # salts + SRP verifiers, never passwords
        self.codes = CodeBook(clock)               # confirmation, reset, verification codes
        self.totp = TotpRegistry()                 # software-token MFA secrets
        self.challenges = ChallengeStore(clock)    # sign-ins waiting for a challenge answer
        self.triggers = Triggers(self)             # Lambda triggers played by Python functions
        self.tokens.pre_token_generation = self.triggers.pre_token_generation
        self.base_url = ""            # set once the server knows its port
        self.url_map = url_map()
        self.app = Dispatcher(self)
        self._client_pools: dict[str, str] = {}
        self._lock = threading.Lock()

    def call(self, service: str, operation: str, params: dict) -> dict:
        """Run one API operation in-process, through the fidelity layer (as the hosted UI
        and identity pools do: they are clients of the user pools API too).

        Such calls are Cognito's own pages talking to itself, so the app-client rules of
        the public API (ExplicitAuthFlows, SECRET_HASH) don't apply to them, as on AWS;
        everything else (passwords, challenges, MFA, triggers) does."""
        from .operations import HANDLERS, Call

        handler = HANDLERS.get((service, operation))
        if handler is None:
            return self.moto.call(service, operation, params)
        return handler(Call(self, service, operation, params, internal=True))

    def issuer(self, pool_id: str) -> str:
        return issuer_url(self.region, pool_id)

    def pool_of_client(self, client_id: str) -> str:
        """The pool that owns an app client (cached: client ids never move)."""
        from .errors import resource_not_found

        with self._lock:
            if client_id in self._client_pools:
                return self._client_pools[client_id]
        pool_id = self.directory.pool_of_client(client_id)
        if pool_id is None:
            raise resource_not_found(f"User pool client {client_id} does not exist.")
        with self._lock:
            self._client_pools[client_id] = pool_id
        return pool_id
