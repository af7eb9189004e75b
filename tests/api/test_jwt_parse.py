"""Structure checks and decode_unverified (cognito_lab.api.jwt_parse)."""

from __future__ import annotations

import base64
import json

import pytest

from cognito_lab.api import (
    MAX_TOKEN_LENGTH,
    JwtParseError,
    UnverifiedJwt,
    decode_unverified,
    jwt_parse,
)
from cognito_lab.api.jwt_parse import ParsedJwt, b64url_decode, parse_jwt
from tests.api.conftest import access_claims, b64url, forge, sign


def test_decode_unverified_returns_header_and_payload(keys):
    claims = access_claims()
    token = sign(claims, keys.main)
    result = decode_unverified(token)
    assert isinstance(result, UnverifiedJwt)
    header, payload = result
    assert header == {"alg": "RS256", "kid": keys.main.kid, "typ": "JWT"}
    assert payload == claims
    assert result.payload is payload


def test_decode_unverified_does_not_check_the_signature(keys):
    # The whole point of the name: a forged token reads just as well.
    token = forge({"alg": "none"}, {"sub": "mallory", "cognito:groups": ["admins"]})
    assert decode_unverified(token).payload["sub"] == "mallory"


def test_decode_unverified_docstring_warns_against_authorization():
    assert "NEVER" in (decode_unverified.__doc__ or "")


def test_parse_jwt_gives_signing_input_and_signature(keys):
    token = sign(access_claims(), keys.main)
    parsed = parse_jwt(token)
    assert isinstance(parsed, ParsedJwt)
    head, body, sig = token.split(".")
    assert parsed.signing_input == f"{head}.{body}".encode()
    assert parsed.signature == base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
    assert len(parsed.signature) == 256


def test_bytes_tokens_are_accepted(keys):
    token = sign(access_claims(), keys.main)
    assert parse_jwt(token.encode()) == parse_jwt(token)


@pytest.mark.parametrize("value", [None, 42, ["a.b.c"], 3.5])
def test_a_token_that_is_not_a_string_is_a_parse_error(value):
    with pytest.raises(JwtParseError, match="expected a str"):
        parse_jwt(value)


@pytest.mark.parametrize(("token", "message"), [
    ("", "expected 3 dot-separated parts.*got 1"),
    ("abc", "got 1"),
    ("a.b", "got 2"),
    ("a.b.c.d", "got 4"),
    ("a.b.c.d.e", "got 5"),
    (".e30.", "header: expected a base64url JSON object, got an empty part"),
    ("e30..", "payload: .*empty part"),
])
def test_part_count_and_empty_parts(token, message):
    with pytest.raises(JwtParseError, match=message):
        parse_jwt(token)


@pytest.mark.parametrize(("bad", "shown"), [
    ("+", "'\\+'"), ("/", "'/'"), (" ", "' '"), ("\n", "'\\\\n'"), ("!", "'!'"),
    ("=", "'=' padding"),
])
def test_characters_outside_base64url_are_refused(bad, shown):
    token = f"e30.e30{bad}.abcd"
    with pytest.raises(JwtParseError, match=f"payload: expected base64url.*got {shown}"):
        parse_jwt(token)


def test_non_ascii_characters_are_refused_with_their_offset():
    with pytest.raises(JwtParseError, match="got the character 'é' at offset 4") as info:
        parse_jwt("e30.é30.abcd")
    assert info.value.actual == "é"


def test_padding_is_refused_even_when_it_would_be_correct(keys):
    token = sign(access_claims(), keys.main)
    head, body, sig = token.split(".")
    assert len(sig) % 4 == 2  # 256 bytes: two characters short of a full group
    with pytest.raises(JwtParseError, match="'=' padding"):
        parse_jwt(f"{head}.{body}.{sig}==")


def test_impossible_length_is_refused():
    with pytest.raises(JwtParseError, match="4n\\+1"):
        parse_jwt("e30.e30.abcde")


def test_non_canonical_encoding_is_refused(keys):
    # The last character of a 2-character final group carries 4 unused bits; "B" sets one
    # of them. Lenient decoders read the same bytes, which would make tokens malleable.
    token = sign(access_claims(), keys.main)
    head, body, sig = token.split(".")
    assert sig[-1] in "AQgw"
    tweaked = sig[:-1] + {"A": "B", "Q": "R", "g": "h", "w": "x"}[sig[-1]]
    assert base64.urlsafe_b64decode(tweaked + "==") == base64.urlsafe_b64decode(sig + "==")
    with pytest.raises(JwtParseError, match="expected canonical base64url"):
        parse_jwt(f"{head}.{body}.{tweaked}")


@pytest.mark.parametrize(("header", "message"), [
    (b"not json", "header: expected a UTF-8 JSON object, got invalid JSON"),
    (b"[1, 2]", "header: expected a JSON object, got a JSON list"),
    (b'"RS256"', "got a JSON str"),
    (b"null", "got a JSON NoneType"),
    (b"\xff\xfe{}", "header: expected a UTF-8 JSON object"),
    (b'{"alg": NaN}', "NaN is not valid JSON"),
    (b'{"exp": Infinity}', "Infinity is not valid JSON"),
    (b'{"a": 1} {"b": 2}', "invalid JSON"),
])
def test_header_must_be_a_utf8_json_object(header, message):
    with pytest.raises(JwtParseError, match=message):
        parse_jwt(f"{b64url(header)}.e30.")


def test_payload_must_be_a_json_object():
    with pytest.raises(JwtParseError, match="payload: expected a JSON object, got a JSON int"):
        parse_jwt(f"{b64url(b'{}')}.{b64url(b'42')}.")


def test_json_with_surrounding_whitespace_is_still_json():
    header, payload = b64url(b" {} "), b64url(b'{"a": 1}')
    parsed = parse_jwt(f"{header}.{payload}.")
    assert parsed.header == {} and parsed.payload == {"a": 1}


def test_deeply_nested_json_is_a_parse_error_not_a_crash():
    payload = b"[" * 5000 + b"]" * 5000
    with pytest.raises(JwtParseError, match="payload"):
        parse_jwt(f"e30.{b64url(payload)}.")


def test_duplicate_json_keys_keep_the_last_value():
    # RFC 7515 §5.2 allows either refusing or last-wins; PyJWT and browsers take the last.
    payload = b64url(b'{"a":1,"a":2}')
    assert parse_jwt(f"e30.{payload}.").payload == {"a": 2}


def test_size_limit():
    just_fits = "e30." + "A" * (MAX_TOKEN_LENGTH - 8) + ".AA"
    assert len(just_fits) == MAX_TOKEN_LENGTH - 1
    with pytest.raises(JwtParseError, match="payload"):  # not refused for its size
        parse_jwt(just_fits)
    too_long = "e30." + "A" * MAX_TOKEN_LENGTH + ".AA"
    with pytest.raises(JwtParseError, match=f"at most {MAX_TOKEN_LENGTH} characters"):
        parse_jwt(too_long)
    with pytest.raises(JwtParseError, match="at most"):
        parse_jwt(too_long.encode())


def test_b64url_decode_round_trips_every_length():
    for size in range(0, 40):
        data = bytes(range(256))[:size]
        assert b64url_decode(b64url(data)) == data
        assert b64url_decode(b64url(data).encode()) == data


@pytest.mark.parametrize("text", ["ab+c", "ab/c", "ab=", "a b", "aé"])
def test_b64url_decode_refuses_foreign_characters(text):
    with pytest.raises(JwtParseError, match="JWK n: expected base64url"):
        b64url_decode(text, "JWK n")


def test_parse_errors_carry_expected_and_actual():
    with pytest.raises(JwtParseError) as info:
        parse_jwt("a.b")
    assert (info.value.expected, info.value.actual) == (3, 2)


def test_parse_error_messages_never_echo_the_token(keys):
    token = sign(access_claims(), keys.main)
    for broken in (token + ".x", token + "=", token.replace(".", ". ", 1),
                   token[:-1] + "+", "x" * 20000):
        with pytest.raises(JwtParseError) as info:
            parse_jwt(broken)
        assert token[:40] not in str(info.value)
        assert len(str(info.value)) < 300


# --- the fast path and its header memo ----------------------------------------------------


def _header_with_url_characters() -> tuple[dict, str]:
    """A flat header whose base64url uses '-' or '_' (so '+' or '/' can spell it wrongly)."""
    for n in range(1000):
        header = {"alg": "RS256", "kid": f"key~{n}?>"}
        encoded = b64url(json.dumps(header, separators=(",", ":")))
        if "-" in encoded or "_" in encoded:
            return header, encoded
    raise AssertionError("no header with '-' or '_' found")


def test_fast_and_slow_paths_agree(keys):
    token = sign(access_claims(), keys.main)
    assert jwt_parse.split_jwt(token) == jwt_parse._split_slow(token.encode("ascii"))
    assert jwt_parse.split_jwt(token) == jwt_parse.split_jwt(token)  # memo hit: same result


def test_a_memoised_header_is_handed_out_as_a_copy(keys):
    token = sign(access_claims(), keys.main)
    first = jwt_parse.split_jwt(token)[0]
    first["alg"] = "none"
    second = jwt_parse.split_jwt(token)[0]
    second["kid"] = "tampered"
    assert jwt_parse.split_jwt(token)[0] == {"alg": "RS256", "kid": keys.main.kid,
                                             "typ": "JWT"}


def test_the_memo_never_admits_another_spelling_of_a_header(keys):
    header, encoded = _header_with_url_characters()
    token = forge(header, access_claims(), key=keys.main)
    assert jwt_parse.split_jwt(token)[0] == header  # now memoised
    standard = encoded.replace("-", "+").replace("_", "/")
    for spelling in (standard, encoded + "=" * (-len(encoded) % 4 or 4)):
        with pytest.raises(JwtParseError, match="base64url characters only"):
            jwt_parse.split_jwt(spelling + token[len(encoded):])


def test_the_memo_stays_small(keys):
    for n in range(3 * jwt_parse._HEADER_MEMO_SIZE):
        jwt_parse.split_jwt(forge({"alg": "RS256", "kid": f"k{n}"}, access_claims(), key=keys.main))
    assert len(jwt_parse._HEADER_MEMO) <= jwt_parse._HEADER_MEMO_SIZE
    nested = forge({"alg": "RS256", "kid": "k", "crit": ["exp"]}, access_claims(), key=keys.main)
    jwt_parse.split_jwt(nested)
    assert all(all(type(v) is str for v in h.values()) for h in jwt_parse._HEADER_MEMO.values())
