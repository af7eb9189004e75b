"""The sample orders API: its routes, their requirements, tenants, and serving it."""

from __future__ import annotations

import socket

import pytest
import requests
from werkzeug.test import Client

from cognito_lab.api.sample_api import (
    SEED_ORDERS,
    OrderStore,
    SampleApi,
    make_app,
    serve_in_thread,
)
from cognito_lab.api.token_cache import VerifiedTokenCache
from tests.api.lab_tokens import (
    access_token,
    hosted_ui_token,
    m2m_token,
    other_client_token,
    verifier_for,
)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def tokens(lab):
    return {"alice": hosted_ui_token(lab, "alice"), "bob": hosted_ui_token(lab, "bob"),
            "alice_plain": access_token(lab, "alice"),
            "reader": hosted_ui_token(lab, "carol", scope="openid orders/read"),
            "m2m": m2m_token(lab)}


@pytest.fixture
def local(lab):
    return Client(make_app(verifier_for(lab), "local"))


@pytest.fixture
def getuser(lab):
    return Client(make_app(verifier_for(lab), "getuser", idp_client=lab.client("cognito-idp")))


def test_public_needs_nothing(local):
    response = local.get("/public")
    assert response.status_code == 200
    assert response.json == {"message": "Hello, anyone."}


def test_me_shows_who_is_calling(local, tokens, lab):
    me = local.get("/me", headers=bearer(tokens["alice"])).json
    assert me["groups"] == ["admins"]
    assert "orders/read" in me["scopes"]
    assert me["client_id"] == lab.app_clients["server"].client_id
    assert me["verified_by"] == "local"
    assert me["tenant_id"] is None        # access tokens carry no custom attributes


def test_me_needs_a_token(local):
    response = local.get("/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_orders_need_the_read_scope(local, tokens):
    response = local.get("/orders", headers=bearer(tokens["alice_plain"]))
    assert response.status_code == 403
    assert 'scope="orders/read"' in response.headers["WWW-Authenticate"]
    assert local.get("/orders", headers=bearer(tokens["reader"])).status_code == 200


def test_without_a_tenant_claim_local_mode_lists_every_tenant(local, tokens):
    body = local.get("/orders", headers=bearer(tokens["alice"])).json
    assert body["tenant_id"] is None
    assert {o["tenant_id"] for o in body["orders"]} == {"acme", "globex"}


def test_getuser_mode_knows_the_tenant_from_the_users_attributes(getuser, tokens):
    alice = getuser.get("/orders", headers=bearer(tokens["alice"])).json
    bob = getuser.get("/orders", headers=bearer(tokens["bob"])).json
    assert alice["tenant_id"] == "acme" and bob["tenant_id"] == "globex"
    assert {o["id"] for o in alice["orders"]} == {"o-1001", "o-1002"}
    assert {o["id"] for o in bob["orders"]} == {"o-2001"}


def test_a_tenant_claim_filters_orders_in_local_mode(lab):
    """If a token carries custom:tenant_id (e.g. added by a pre token generation trigger),
    the API uses it."""
    api = SampleApi()
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/orders",
               "cognito.claims": {"custom:tenant_id": "globex"}}
    [body] = api(environ, lambda status, headers: None)
    assert b"o-2001" in body and b"o-1001" not in body


def test_machine_to_machine_token_reads_orders(lab, tokens):
    m2m_api = Client(make_app(verifier_for(lab, client="m2m"), "local"))
    assert m2m_api.get("/orders", headers=bearer(tokens["m2m"])).status_code == 200
    response = m2m_api.post("/orders", json={"item": "x", "quantity": 1},
                            headers=bearer(tokens["m2m"]))
    assert response.status_code == 403             # orders/read only
    assert 'scope="orders/write"' in response.headers["WWW-Authenticate"]


def test_creating_an_order_needs_the_write_scope(local, tokens):
    refused = local.post("/orders", json={"item": "anvil", "quantity": 1},
                         headers=bearer(tokens["reader"]))
    assert refused.status_code == 403
    created = local.post("/orders", json={"item": " rocket ", "quantity": 3},
                         headers=bearer(tokens["alice"]))
    assert created.status_code == 201
    order = created.json
    assert (order["item"], order["quantity"]) == ("rocket", 3)
    assert created.headers["Location"] == f"/orders/{order['id']}"
    listed = local.get("/orders", headers=bearer(tokens["alice"])).json["orders"]
    assert order["id"] in {o["id"] for o in listed}


def test_created_orders_belong_to_the_callers_tenant(getuser, tokens):
    created = getuser.post("/orders", json={"item": "hammock", "quantity": 2},
                           headers=bearer(tokens["bob"])).json
    assert created["tenant_id"] == "globex"
    alice = getuser.get("/orders", headers=bearer(tokens["alice"])).json["orders"]
    assert created["id"] not in {o["id"] for o in alice}


@pytest.mark.parametrize("body", [
    b"", b"not json", b"[]", b'{"item": "", "quantity": 1}', b'{"item": "x", "quantity": 0}',
    b'{"item": "x", "quantity": 1.5}', b'{"item": "x", "quantity": true}',
    b'{"item": "x", "quantity": 1001}', b'{"quantity": 1}', b"\xff\xfe",
])
def test_a_bad_order_is_a_400_with_the_expected_shape(local, tokens, body):
    response = local.post("/orders", data=body, content_type="application/json",
                          headers=bearer(tokens["alice"]))
    assert response.status_code == 400
    assert "quantity" in response.json["message"] or "JSON body" in response.json["message"]


def test_an_oversized_body_is_refused(local, tokens):
    response = local.post("/orders", data=b"{" + b" " * 5000 + b"}",
                          content_type="application/json", headers=bearer(tokens["alice"]))
    assert response.status_code == 400


def test_admin_needs_the_admins_group(local, tokens):
    assert local.get("/admin", headers=bearer(tokens["alice"])).status_code == 200
    response = local.get("/admin", headers=bearer(tokens["bob"]))
    assert response.status_code == 403
    assert response.headers["WWW-Authenticate"].startswith('Bearer error="insufficient_scope"')


def test_unknown_routes_and_methods(local, tokens):
    assert local.get("/nowhere").status_code == 401                  # no hints without a token
    assert local.get("/nowhere", headers=bearer(tokens["alice"])).status_code == 404
    response = local.delete("/orders", headers=bearer(tokens["alice"]))
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"


def test_getuser_mode_takes_pool_and_client_from_the_verifier(fresh_lab):
    _, token = other_client_token(fresh_lab)
    app = Client(make_app(verifier_for(fresh_lab), "getuser",
                          idp_client=fresh_lab.client("cognito-idp")))
    response = app.get("/me", headers=bearer(token))
    assert response.status_code == 401
    assert "another app client" in response.json["error_description"]


def test_a_verified_token_cache_can_stand_in_for_the_verifier(lab, tokens):
    cache = VerifiedTokenCache(verifier_for(lab))
    app = Client(make_app(cache, "local"))
    for _ in range(3):
        assert app.get("/me", headers=bearer(tokens["alice"])).status_code == 200
    assert (cache.misses, cache.hits) == (1, 2)


def test_make_app_says_what_is_missing(lab):
    with pytest.raises(ValueError, match="verifier"):
        make_app(None, "local")
    with pytest.raises(ValueError, match="idp_client"):
        make_app(verifier_for(lab), "getuser")
    with pytest.raises(ValueError, match="mode"):
        make_app(verifier_for(lab), "basic")


def test_the_store_starts_from_the_seed_and_copies_out():
    store = OrderStore()
    assert len(store) == len(SEED_ORDERS)
    store.list()[0]["item"] = "changed"
    assert store.list()[0]["item"] == SEED_ORDERS[0]["item"]


def test_serve_in_thread_serves_on_loopback_and_stops_cleanly(lab, tokens):
    server = serve_in_thread(make_app(verifier_for(lab), "local"))
    with server:
        assert server.url.startswith("http://127.0.0.1:")
        assert requests.get(f"{server.url}/public", timeout=5).status_code == 200
        me = requests.get(f"{server.url}/me", headers=bearer(tokens["alice"]), timeout=5)
        assert me.status_code == 200 and me.json()["verified_by"] == "local"
        refused = requests.get(f"{server.url}/me", timeout=5)
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"] == "Bearer"
    assert not server.running
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", server.port), 1):
        pass
    server.stop()                                                       # twice is fine


def test_serving_elsewhere_than_loopback_is_refused(lab):
    from cognito_lab.api.sample_api import ApiServer

    with pytest.raises(ValueError, match="loopback"):
        ApiServer(SampleApi(), host="0.0.0.0")
