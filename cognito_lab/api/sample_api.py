"""A small protected API (an orders service) that the notebooks secure and attack.

Routes, and what each needs::

    GET  /public   nothing
    GET  /me       any valid access token
    GET  /orders   scope orders/read      (orders of the caller's tenant, if it has one)
    POST /orders   scope orders/write     (JSON {"item": "...", "quantity": 1})
    GET  /admin    group admins

``make_app(verifier, mode="local")`` wraps it in :class:`~.middleware.LocalJwtAuth`;
``make_app(verifier, mode="getuser", idp_client=...)`` in :class:`~.middleware.GetUserAuth`.
``serve_in_thread(app)`` serves either on 127.0.0.1 for a notebook.

Tenant: the ``tenant_id`` claim (which notebook 09's pre token generation trigger puts in
the access token) or ``custom:tenant_id`` from the claims, else (GetUser) from the user's
attributes. An access token carries no custom attributes unless a pre token generation
trigger adds them, so with plain access tokens and local verification the caller has no tenant and
``/orders`` lists every tenant's orders; notebook 09 closes that gap.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from cognito_lab.api.middleware import (
    AUTH_KEY,
    CLAIMS_KEY,
    PUBLIC,
    USER_KEY,
    BearerAuth,
    GetUserAuth,
    LocalJwtAuth,
    Require,
    require,
)
from cognito_lab.serving import ThreadedServer

RULES: dict[str, Require] = {
    "/public": PUBLIC,
    "GET /orders": require(scope="orders/read"),
    "POST /orders": require(scope="orders/write"),
    "/admin": require(group="admins"),
}
"""The sample API's route requirements (every other route needs a valid token)."""

SEED_ORDERS = (
    {"id": "o-1001", "tenant_id": "acme", "item": "anvil", "quantity": 2},
    {"id": "o-1002", "tenant_id": "acme", "item": "rocket skates", "quantity": 1},
    {"id": "o-2001", "tenant_id": "globex", "item": "hammock", "quantity": 3},
)
MAX_BODY_BYTES = 4096


class OrderStore:
    """The API's data, in memory and thread-safe (the server answers in many threads)."""

    def __init__(self, orders: Iterable[Mapping[str, Any]] = SEED_ORDERS) -> None:
        self._orders = [dict(order) for order in orders]
        self._lock = threading.Lock()
        self._next = 3001

    def list(self, tenant_id: str | None = None) -> list[dict[str, Any]]:
        """Every order of ``tenant_id``, or every order when the caller has no tenant."""
        with self._lock:
            return [dict(o) for o in self._orders
                    if tenant_id is None or o["tenant_id"] == tenant_id]

    def add(self, *, item: str, quantity: int, tenant_id: str | None,
            created_by: str | None) -> dict[str, Any]:
        with self._lock:
            order = {"id": f"o-{self._next}", "tenant_id": tenant_id, "item": item,
                     "quantity": quantity, "created_by": created_by}
            self._next += 1
            self._orders.append(order)
            return dict(order)

    def __len__(self) -> int:
        return len(self._orders)


def _json(start_response: Callable, status: str, content: Any,
          extra: list[tuple[str, str]] | None = None) -> list[bytes]:
    body = json.dumps(content).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body))), *(extra or [])])
    return [body]


def tenant_of(environ: Mapping[str, Any]) -> str | None:
    """The caller's tenant: from the token's claims (``tenant_id``, else
    ``custom:tenant_id``), else from GetUser's attributes."""
    claims = environ.get(CLAIMS_KEY) or {}
    tenant = claims.get("tenant_id", claims.get("custom:tenant_id"))
    if tenant is None:
        tenant = (environ.get(USER_KEY) or {}).get("attributes", {}).get("custom:tenant_id")
    return tenant if isinstance(tenant, str) else None


class SampleApi:
    """The orders API itself (a WSGI app). It trusts ``environ["cognito.claims"]``: put it
    behind LocalJwtAuth or GetUserAuth, never on its own."""

    def __init__(self, orders: OrderStore | None = None) -> None:
        self.orders = orders if orders is not None else OrderStore()
        self.routes: dict[tuple[str, str], Callable[[dict, Callable], list[bytes]]] = {
            ("GET", "/public"): self.public,
            ("GET", "/me"): self.me,
            ("GET", "/orders"): self.list_orders,
            ("POST", "/orders"): self.create_order,
            ("GET", "/admin"): self.admin,
        }

    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "") or "/"
        handler = self.routes.get(("GET" if method == "HEAD" else method, path))
        if handler is not None:
            return handler(environ, start_response)
        allowed = sorted(m for m, p in self.routes if p == path)
        if allowed:
            return _json(start_response, "405 Method Not Allowed",
                         {"message": f"{method} is not allowed on {path}"},
                         [("Allow", ", ".join(allowed))])
        return _json(start_response, "404 Not Found", {"message": f"no route {path}"})

    # -- routes -------------------------------------------------------------------------
    def public(self, environ: dict, start_response: Callable) -> list[bytes]:
        return _json(start_response, "200 OK", {"message": "Hello, anyone."})

    def me(self, environ: dict, start_response: Callable) -> list[bytes]:
        claims = environ[CLAIMS_KEY]
        scope = claims.get("scope")
        content = {
            "sub": claims.get("sub"),
            "username": claims.get("username"),
            "client_id": claims.get("client_id"),
            "token_use": claims.get("token_use"),
            "scopes": scope.split() if isinstance(scope, str) else [],
            "groups": claims.get("cognito:groups", []),
            "tenant_id": tenant_of(environ),
            "expires_at": claims.get("exp"),
            "verified_by": environ.get(AUTH_KEY),
        }
        if USER_KEY in environ:
            content["attributes"] = environ[USER_KEY]["attributes"]
        return _json(start_response, "200 OK", content)

    def list_orders(self, environ: dict, start_response: Callable) -> list[bytes]:
        tenant = tenant_of(environ)
        return _json(start_response, "200 OK",
                     {"tenant_id": tenant, "orders": self.orders.list(tenant)})

    def create_order(self, environ: dict, start_response: Callable) -> list[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 < length <= MAX_BODY_BYTES:
            return _json(start_response, "400 Bad Request",
                         {"message": f"send a JSON body of 1 to {MAX_BODY_BYTES} bytes"})
        try:
            body = json.loads(environ["wsgi.input"].read(length))
        except (ValueError, UnicodeDecodeError):
            body = None
        item = body.get("item") if isinstance(body, dict) else None
        quantity = body.get("quantity") if isinstance(body, dict) else None
        if not (isinstance(item, str) and 0 < len(item.strip()) <= 100
                and type(quantity) is int and 1 <= quantity <= 1000):
            return _json(start_response, "400 Bad Request",
                         {"message": 'expected {"item": "<1-100 characters>", '
                                     '"quantity": <1-1000>}'})
        claims = environ[CLAIMS_KEY]
        order = self.orders.add(item=item.strip(), quantity=quantity,
                                tenant_id=tenant_of(environ),
                                created_by=claims.get("username") or claims.get("sub"))
        return _json(start_response, "201 Created", order,
                     [("Location", f"/orders/{order['id']}")])

    def admin(self, environ: dict, start_response: Callable) -> list[bytes]:
        orders = self.orders.list()
        return _json(start_response, "200 OK", {
            "message": "Welcome, admin.",
            "orders": len(orders),
            "tenants": sorted({str(o["tenant_id"]) for o in orders}),
        })


def make_app(verifier: Any = None, mode: str = "local", *, idp_client: Any = None,
             user_pool_id: str | None = None, client_id: str | Iterable[str] | None = None,
             orders: OrderStore | None = None,
             rules: Mapping[str, Require] | None = None, realm: str | None = None
             ) -> BearerAuth:
    """The sample API behind one of the two middlewares.

    ``mode="local"``: verify tokens with ``verifier`` (a CognitoJwtVerifier, or a
    VerifiedTokenCache around one). ``mode="getuser"``: call GetUser with ``idp_client``
    (a boto3 cognito-idp client); ``user_pool_id`` and ``client_id`` default to the
    verifier's, if one is given. The returned middleware has ``.app`` (the SampleApi,
    whose ``.orders`` a lesson can inspect).
    """
    api = SampleApi(orders)
    rules = RULES if rules is None else rules
    if mode == "local":
        if verifier is None:
            raise ValueError("mode='local' needs verifier=CognitoJwtVerifier(...)")
        return LocalJwtAuth(api, verifier, rules=rules, realm=realm)
    if mode == "getuser":
        if idp_client is None:
            raise ValueError("mode='getuser' needs idp_client=<boto3 cognito-idp client>")
        inner = getattr(verifier, "verifier", verifier)  # a VerifiedTokenCache's verifier
        if user_pool_id is None:
            user_pool_id = getattr(inner, "user_pool_id", None)
        if client_id is None and getattr(inner, "client_ids", None):
            client_id = sorted(inner.client_ids)
        return GetUserAuth(api, idp_client, user_pool_id=user_pool_id, client_id=client_id,
                           rules=rules, realm=realm)
    raise ValueError(f"mode must be 'local' or 'getuser', got {mode!r}")


class ApiServer(ThreadedServer):
    """The sample API served on 127.0.0.1 (free port) in a background thread until ``stop()``."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(app, host, port, name="sample-api")


def serve_in_thread(app: Any, port: int = 0) -> ApiServer:
    """Serve ``app`` on 127.0.0.1 in a thread: ``server.url``, then ``server.stop()``."""
    return ApiServer(app, port=port)


__all__ = ["RULES", "SEED_ORDERS", "ApiServer", "OrderStore", "SampleApi", "make_app",
           "serve_in_thread", "tenant_of"]
