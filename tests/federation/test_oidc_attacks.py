"""What /oauth2/idpresponse refuses (AWS, "IdP response endpoint"; OIDC Core 3.1.3.7).

Each ID-token failure goes back to the app as error=invalid_request (AWS, "Managed login
and federation error responses"), with no code; a tampered state gets an error page."""

from __future__ import annotations

import time
from urllib.parse import urlsplit, urlunsplit

import pytest

from .conftest import CALLBACK
from .helpers import back_at_cognito, first_hop, query_of, sign_in_at_idp


@pytest.fixture(autouse=True)
def behaving_idp(federation):
    federation.idp.reset()
    yield
    federation.idp.reset()


def refused(federation, reason_word: str) -> None:
    hop = first_hop(federation)
    answer = back_at_cognito(hop, sign_in_at_idp(federation, hop))
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK)
    back = query_of(location)
    assert back["error"] == "invalid_request"
    assert back["state"] == "app-state-1"
    assert "code" not in back
    assert reason_word in answer.headers["x-cognito-lab-reason"]


def test_id_token_from_another_issuer(federation):
    federation.idp.override_id_token_claims(iss="https://evil.example")
    refused(federation, "issuer")


def test_nonce_mismatch(federation):
    federation.idp.override_id_token_claims(nonce="not-the-nonce-cognito-sent")
    refused(federation, "nonce")


def test_expired_id_token(federation):
    federation.idp.override_id_token_claims(exp=int(time.time()) - 60)
    refused(federation, "expired")


def test_wrong_audience(federation):
    federation.idp.override_id_token_claims(aud="some-other-client")
    refused(federation, "audience")


def test_tampered_state_gets_an_error_page(federation):
    """AWS, IdP response endpoint."""
    hop = first_hop(federation)
    location = sign_in_at_idp(federation, hop)
    parts = urlsplit(location)
    back = query_of(location)
    tampered = urlunsplit(parts._replace(
        query=f"code={back['code']}&state={back['state'][:-2]}xx"))
    answer = back_at_cognito(hop, tampered)
    assert answer.status_code == 400
    assert "Location" not in answer.headers
    assert "state" in answer.headers["x-cognito-lab-reason"]


def test_state_is_single_use(federation):
    hop = first_hop(federation)
    location = sign_in_at_idp(federation, hop)
    assert back_at_cognito(hop, location).status_code == 302
    assert back_at_cognito(hop, location).status_code == 400
