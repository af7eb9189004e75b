"""lab.clock moves the lab's time; lab.mailbox holds what Cognito would have sent."""

from __future__ import annotations

import time

import pytest

from cognito_lab.clock import Clock, now_from
from cognito_lab.emulator.user_pools.mailbox import Mailbox


def test_clock_starts_at_real_time_and_only_moves_forward():
    clock = Clock()
    assert abs(clock.now() - time.time()) < 1
    before = clock.now()
    after = clock.advance(hours=1, minutes=30, seconds=5)
    assert after - before == pytest.approx(5405, abs=1)
    assert clock.offset == 5405
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(seconds=-1)
    assert clock.offset == 5405


def test_now_from_accepts_clock_callable_or_none():
    clock = Clock(offset=100)
    assert now_from(clock) == pytest.approx(time.time() + 100, abs=1)
    assert now_from(lambda: 42.0) == 42.0
    assert now_from(None) == pytest.approx(time.time(), abs=1)
    with pytest.raises(TypeError, match="clock must be"):
        now_from("tomorrow")


def test_lab_clock_expires_tokens_without_waiting(fresh_lab):
    """Access tokens expire after AccessTokenValidity (60 min for the server client).

    AWS: "Using the access token" — an expired token is refused with NotAuthorizedException.
    """
    from botocore.exceptions import ClientError

    from cognito_lab.client import secret_hash

    lab, server, alice = fresh_lab, fresh_lab.app_clients["server"], fresh_lab.users["alice"]
    idp = lab.client("cognito-idp")
    tokens = idp.initiate_auth(
        ClientId=server.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": alice.username, "PASSWORD": alice.password,
                        "SECRET_HASH": secret_hash(alice.username, server.client_id,
                                                   server.client_secret)},
    )["AuthenticationResult"]
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"]
    lab.clock.advance(minutes=59)
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"]
    lab.clock.advance(minutes=2)
    with pytest.raises(ClientError, match="Access Token has expired"):
        idp.get_user(AccessToken=tokens["AccessToken"])


def test_mailbox_keeps_messages_in_order_and_finds_codes():
    clock = Clock()
    box = Mailbox(clock)
    assert len(box) == 0
    with pytest.raises(LookupError, match="no message"):
        box.latest()
    box.deliver(to="alice@example.com", kind="confirmation", subject="Your code",
                body="Your verification code is 111111", code="111111", username="u-1")
    clock.advance(seconds=10)
    box.deliver(to="alice@example.com", kind="confirmation", subject="Your code",
                body="Your verification code is 222222", code="222222", username="u-1")
    box.deliver(to="bob@example.com", kind="password_reset", subject="Reset",
                body="Your password reset code is 333333", code="333333")
    assert box.latest_code("alice@example.com") == "222222"
    assert box.latest_code("u-1", kind="confirmation") == "222222"
    assert [m.code for m in box.messages(kind="confirmation")] == ["111111", "222222"]
    assert box.latest().to == "bob@example.com"
    assert box.messages()[1].sent_at - box.messages()[0].sent_at == pytest.approx(10, abs=1)
    assert "bob@example.com" in box._repr_html_()
    box.deliver(to="carol@example.com", kind="notice", subject="Hi", body="no code here")
    with pytest.raises(LookupError, match="carries no code"):
        box.latest_code("carol@example.com")
    box.clear()
    assert len(box) == 0


def test_lab_exposes_its_mailbox_and_clock(fresh_lab):
    assert isinstance(fresh_lab.clock, Clock)
    assert isinstance(fresh_lab.mailbox, Mailbox)
    assert fresh_lab.mailbox._clock is fresh_lab.clock
