"""Self-checks of notebooks 04 and 05: right answers pass, the usual wrong ones are named."""

from __future__ import annotations

import base64
import hashlib

import pytest

from cognito_lab.teach.oauth import check_s256, check_token_getter


def right_s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def skeleton(*_args):
    raise NotImplementedError


@pytest.mark.parametrize(("answer", "says"), [
    (skeleton, "Not done yet"),
    (lambda v: hashlib.sha256(v.encode()).hexdigest(), "hex digest"),
    (lambda v: base64.urlsafe_b64encode(hashlib.sha256(v.encode()).digest()).decode(),
     "padding"),
    (lambda v: base64.b64encode(hashlib.sha256(v.encode()).digest()).decode().rstrip("="),
     "URL-safe"),
    (lambda v: v, "plain"),
    (lambda v: right_s256(v).encode(), "bytes"),
    (lambda v: 1 / 0, "ZeroDivisionError"),
])
def test_check_s256_names_the_mistake(capsys, answer, says):
    assert not check_s256(answer)
    assert says in capsys.readouterr().out


def test_check_s256_passes_the_right_answer(capsys):
    assert check_s256(right_s256)
    assert "✅" in capsys.readouterr().out


def right_getter(fetch, clock, refresh_before=60):
    cached = {"token": None, "expires_at": 0.0}

    def get():
        now = clock.now()
        if cached["token"] is None or now >= cached["expires_at"] - refresh_before:
            response = fetch()
            cached["token"] = response.access_token
            cached["expires_at"] = now + response.expires_in
        return cached["token"]

    return get


def no_cache(fetch, clock):
    return lambda: fetch().access_token


def never_refresh(fetch, clock):
    tokens = []

    def get():
        if not tokens:
            tokens.append(fetch().access_token)
        return tokens[0]

    return get


@pytest.mark.parametrize(("answer", "says"), [
    (skeleton, "Not done yet"),
    (no_cache, "too early"),
    (never_refresh, "expires within 60 seconds"),
])
def test_check_token_getter_names_the_mistake(capsys, answer, says):
    assert not check_token_getter(answer)
    assert says in capsys.readouterr().out


def test_check_token_getter_passes_the_right_answer(capsys):
    assert check_token_getter(right_getter)
    assert "✅" in capsys.readouterr().out
