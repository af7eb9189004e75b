"""cognito_lab.client.srp: the app's side of Cognito's SRP, checked against the lab's
server side and against pycognito."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from pycognito import aws_srp

from cognito_lab.client import srp
from cognito_lab.emulator.user_pools import srp as server_srp

POOL = "us-east-1_AbCdEf123"
USER_ID = "7a9b7c1e-0000-4000-8000-000000000001"


def handshake(client: srp.SrpClient, password: str) -> server_srp.ServerHandshake:
    salt, verifier = server_srp.make_verifier(POOL, USER_ID, password)
    return server_srp.ServerHandshake.start(POOL, USER_ID, salt, verifier,
                                            format(client.big_a, "x"))


def test_timestamp_has_no_zero_padded_day():
    moment = datetime(2026, 1, 6, 9, 5, 2, tzinfo=UTC)
    assert srp.cognito_timestamp(moment) == "Tue Jan 6 09:05:02 UTC 2026"
    assert srp.cognito_timestamp(datetime(2026, 11, 21, 23, 0, 0, tzinfo=UTC)) == \
        "Sat Nov 21 23:00:00 UTC 2026"


@pytest.mark.parametrize("value, padded", [(0x1, "01"), (0x7f, "7f"), (0x80, "0080"),
                                           (0xabc, "0abc"), ("ff", "00ff")])
def test_pad_hex_is_cognitos_padding(value, padded):
    assert srp.pad_hex(value) == padded


def test_constants_match_pycognito():
    assert srp.N == aws_srp.hex_to_long(aws_srp.N_HEX)
    assert srp.K_MULTIPLIER == aws_srp.AWSSRP("u", "p", POOL, "c", client=object()).val_k


def test_the_right_password_makes_a_signature_the_server_accepts():
    client = srp.SrpClient(POOL, "client-id")
    server = handshake(client, "Correct-Horse-42")
    answer = client.answer(server.challenge_parameters(USER_ID), "Correct-Horse-42")
    assert server.signature_is_valid(answer["PASSWORD_CLAIM_SIGNATURE"], answer["TIMESTAMP"])
    assert answer["PASSWORD_CLAIM_SECRET_BLOCK"] == base64.b64encode(
        server.secret_block).decode()
    assert client.trace.S and client.trace.u == format(int(server_srp.hash_hex(
        server_srp.pad_hex(server.big_a) + server_srp.pad_hex(server.big_b)), 16), "x")


def test_a_wrong_password_makes_a_signature_the_server_refuses():
    client = srp.SrpClient(POOL, "client-id")
    server = handshake(client, "Correct-Horse-42")
    answer = client.answer(server.challenge_parameters(USER_ID), "Wrong-Horse-42")
    assert not server.signature_is_valid(answer["PASSWORD_CLAIM_SIGNATURE"],
                                         answer["TIMESTAMP"])


def test_same_signature_as_pycognito_for_the_same_secret():
    """Interoperability: given the same a and timestamp, both clients sign alike."""
    theirs = aws_srp.AWSSRP("alice", "Correct-Horse-42", POOL, "client-id", client=object())
    ours = srp.SrpClient(POOL, "client-id")
    ours._a, ours.big_a = theirs.small_a_value, theirs.large_a_value
    server = handshake(ours, "Correct-Horse-42")
    params = server.challenge_parameters(USER_ID)
    timestamp = "Sat Nov 21 23:00:00 UTC 2026"
    mine = ours.answer(params, "Correct-Horse-42", timestamp=timestamp)
    hkdf = theirs.get_password_authentication_key(USER_ID, "Correct-Horse-42",
                                                  int(params["SRP_B"], 16), params["SALT"])
    expected = server_srp.claim_signature(hkdf, POOL, USER_ID, server.secret_block, timestamp)
    assert mine["PASSWORD_CLAIM_SIGNATURE"] == expected


def test_secret_hash_is_added_for_confidential_clients():
    client = srp.SrpClient(POOL, "client-id", client_secret="s3cret")
    assert "SECRET_HASH" in client.start("alice@example.com")
    assert "SECRET_HASH" not in srp.SrpClient(POOL, "client-id").start("alice@example.com")


def test_refuses_a_server_b_of_zero():
    client = srp.SrpClient(POOL, "client-id")
    with pytest.raises(ValueError, match="0 mod N"):
        client.answer({"USER_ID_FOR_SRP": USER_ID, "SALT": "01", "SRP_B": format(srp.N, "x"),
                       "SECRET_BLOCK": "AA=="}, "pw")


def test_refuses_a_pool_id_without_region():
    with pytest.raises(ValueError, match="not a user pool id"):
        srp.SrpClient("nounderscore", "client-id")
