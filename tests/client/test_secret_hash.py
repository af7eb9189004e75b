"""cognito_lab.client.secret_hash: AWS's "Computing secret hash values"."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from cognito_lab.client import secret_hash


def aws_reference(username: str, client_id: str, secret: str) -> str:
    """The script on AWS's knowledge-center page "Unable to verify secret hash for client"."""
    message = bytes(username + client_id, "utf-8")
    key = bytes(secret, "utf-8")
    return base64.b64encode(hmac.new(key, message, digestmod=hashlib.sha256).digest()).decode()


@pytest.mark.parametrize("username", ["alice@example.com", "d1773431-79d5-4e93-bb66-3ed84dd12229",
                                      "zoë"])
def test_matches_the_aws_reference_script(username):
    assert secret_hash(username, "3d248b119966c6dc8f", "s3cr3t-v4lue") == \
        aws_reference(username, "3d248b119966c6dc8f", "s3cr3t-v4lue")


def test_known_value():
    """A fixed vector, so a change of algorithm can't go unnoticed."""
    assert secret_hash("alice@example.com", "client-id", "client-secret") == \
        "sdWYXbCR79nQTSGLjdIIScXPRoMoiaj0trWzF8kEGXg="


def test_depends_on_every_input():
    base = secret_hash("a", "b", "c")
    assert len({base, secret_hash("a2", "b", "c"), secret_hash("a", "b2", "c"),
                secret_hash("a", "b", "c2")}) == 4


@pytest.mark.parametrize("args", [("", "id", "secret"), ("user", None, "secret"),
                                  ("user", "id", "")])
def test_refuses_missing_inputs_clearly(args):
    with pytest.raises(ValueError, match="non-empty string"):
        secret_hash(*args)
