"""Signing keys: separate ID and access keys per pool, published in the JWKS, rotated with overlap.

AWS: "Verifying a JSON Web Token" — each user pool publishes its keys at
https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json; the kid in a
token's header names the key that signed it.
"""

from __future__ import annotations

import requests

from cognito_lab.emulator.user_pools.keys import KeyRing, KeyStore


def test_id_and_access_tokens_use_different_published_keys():
    ring = KeyRing()
    assert ring.current("id").kid != ring.current("access").kid
    published = {jwk["kid"] for jwk in ring.jwks()["keys"]}
    assert published == {ring.current("id").kid, ring.current("access").kid}
    jwk = ring.jwks()["keys"][0]
    assert jwk["kty"] == "RSA" and jwk["alg"] == "RS256" and jwk["use"] == "sig"
    assert "d" not in jwk and "p" not in jwk  # never the private parts


def test_rotation_keeps_old_keys_published_for_overlap():
    ring = KeyRing()
    old = {ring.current("id").kid, ring.current("access").kid}
    ring.rotate()
    new = {ring.current("id").kid, ring.current("access").kid}
    assert not old & new
    assert {jwk["kid"] for jwk in ring.jwks()["keys"]} == old | new
    ring.rotate(retire_old=True)
    assert len(ring.jwks()["keys"]) == 2


def test_retiring_a_signing_key_is_refused_and_an_old_one_removed():
    ring = KeyRing()
    signing = ring.current("id").kid
    try:
        ring.retire(signing)
    except ValueError as error:
        assert "still signing" in str(error)
    else:
        raise AssertionError("retiring the current key must be refused")
    ring.rotate()
    ring.retire(signing)
    assert signing not in {jwk["kid"] for jwk in ring.jwks()["keys"]}
    assert ring.find(signing) is None


def test_key_store_has_one_ring_per_pool_and_finds_keys():
    store = KeyStore()
    one, two = store.ring("pool-1"), store.ring("pool-2")
    assert store.ring("pool-1") is one
    assert store.find(two.current("access").kid) == ("pool-2", two.current("access"))
    assert store.find("no-such-kid") is None


def test_lab_rotation_is_served_at_the_jwks_url(fresh_lab):
    before = {k["kid"] for k in requests.get(fresh_lab.jwks_url, timeout=5).json()["keys"]}
    fresh_lab.rotate_signing_keys()
    after = {k["kid"] for k in requests.get(fresh_lab.jwks_url, timeout=5).json()["keys"]}
    assert before < after and len(after) == 4


def test_unknown_pool_jwks_is_404(lab):
    response = requests.get(f"{lab.endpoint_url}/us-east-1_nope/.well-known/jwks.json", timeout=5)
    assert response.status_code == 404
