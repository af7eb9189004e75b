"""The token inspector (teach/tokens.py): what it shows for real lab tokens and broken ones.

The HTML is parsed as XML (the module promises well-formed output) and queried by the
class names a browser test relies on.
"""

from __future__ import annotations

import base64
import json
import time
import xml.etree.ElementTree as ET

import pytest

from cognito_lab.client import secret_hash
from cognito_lab.clock import Clock
from cognito_lab.teach.tokens import (
    EMPTY_HTML,
    TokenInspector,
    decode_for_display,
    relative,
    show_token,
    span,
    token_html,
    token_text,
)


def sign_in(lab, name: str = "alice") -> dict:
    app, user = lab.app_clients["server"], lab.users[name]
    return lab.client("cognito-idp").initiate_auth(
        ClientId=app.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password,
                        "SECRET_HASH": secret_hash(user.username, app.client_id,
                                                   app.client_secret)})["AuthenticationResult"]


@pytest.fixture(scope="module")
def tokens(lab) -> dict:
    return sign_in(lab)


def b64(value: dict | bytes) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def handmade(header: dict, payload: dict, signature: bytes = b"") -> str:
    return f"{b64(header)}.{b64(payload)}.{b64(signature)}"


def parse(html: str) -> ET.Element:
    return ET.fromstring(html)


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [el for el in root.iter() if name in (el.get("class") or "").split()]


def text(el: ET.Element) -> str:
    return "".join(el.itertext())


def claim_row(root: ET.Element, claim: str) -> ET.Element:
    rows = [el for el in by_class(root, "cl-claim") if el.get("data-claim") == claim]
    assert len(rows) == 1, f"expected one row for {claim}"
    return rows[0]


# --- real tokens -------------------------------------------------------------------------


def test_three_coloured_parts_spell_the_token(tokens):
    token = tokens["AccessToken"]
    root = parse(token_html(token))
    parts = [text(by_class(root, f"cl-token-{kind}-b64")[0])
             for kind in ("header", "payload", "signature")]
    assert ".".join(parts) == token
    colours = {by_class(root, f"cl-token-{kind}-b64")[0].get("style")
               for kind in ("header", "payload", "signature")}
    assert len(colours) == 3


def test_header_shows_kid_and_alg_with_meanings(tokens):
    token = tokens["AccessToken"]
    root = parse(token_html(token))
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    kid_row = by_class(root, "cl-header-kid")[0]
    assert text(by_class(kid_row, "cl-header-value")[0]) == header["kid"]
    assert "JWKS" in text(by_class(kid_row, "cl-header-meaning")[0])
    assert text(by_class(by_class(root, "cl-header-alg")[0], "cl-header-value")[0]) == "RS256"


def test_every_access_token_claim_is_a_row_with_its_meaning(tokens):
    token = tokens["AccessToken"]
    root = parse(token_html(token))
    payload = decode_for_display(token).payload
    shown = {el.get("data-claim") for el in by_class(root, "cl-claim")}
    assert shown == set(payload)
    meanings = {claim: text(by_class(claim_row(root, claim), "cl-claim-meaning")[0])
                for claim in payload}
    assert "app client" in meanings["client_id"]
    assert "access" in meanings["token_use"]
    assert "groups" in meanings["cognito:groups"]
    assert not any("Not a standard Cognito claim" in m for m in meanings.values())


def test_times_in_utc_and_relative_to_the_lab_clock(lab, tokens):
    root = parse(token_html(tokens["AccessToken"], clock=lab.clock))
    exp_row = claim_row(root, "exp")
    exp = decode_for_display(tokens["AccessToken"]).payload["exp"]
    assert "cl-claim-exp" in exp_row.get("class").split()
    assert text(by_class(exp_row, "cl-claim-time")[0]) == time.strftime(
        "%Y-%m-%d %H:%M:%S UTC", time.gmtime(exp))
    # The server app client keeps the default lifetime: one hour.
    assert text(by_class(exp_row, "cl-claim-relative")[0]) == "expires in 60 min"
    assert text(by_class(claim_row(root, "iat"), "cl-claim-relative")[0]) == "just now"
    assert "by the lab clock" in text(exp_row)
    assert not by_class(root, "cl-warning-expired")


def test_a_clock_two_hours_ahead_shows_the_token_expired(tokens):
    later = Clock(offset=2 * 3600)
    root = parse(token_html(tokens["AccessToken"], clock=later))
    assert text(by_class(claim_row(root, "exp"), "cl-claim-relative")[0]) == \
        "expired 60 min ago"
    assert "Expired 60 min ago" in text(by_class(root, "cl-warning-expired")[0])
    assert "expired 60 min ago" in text(by_class(root, "cl-token-summary")[0])


def test_id_token_warns_never_to_send_it_to_third_party_apis(tokens):
    root = parse(token_html(tokens["IdToken"]))
    assert root.get("data-token-use") == "id"
    warning = text(by_class(root, "cl-warning-id-token")[0])
    assert "Never send it to a third-party API" in warning
    assert "access tokens" in warning
    assert text(by_class(root, "cl-token-summary")[0]).startswith("ID token")
    tenant = claim_row(root, "custom:tenant_id")
    assert "cl-claim-custom-tenant_id" in tenant.get("class").split()
    assert "custom attribute" in text(tenant)
    assert "aud" in {el.get("data-claim") for el in by_class(root, "cl-claim")}


def test_access_token_has_no_id_token_warning(tokens):
    root = parse(token_html(tokens["AccessToken"]))
    assert root.get("data-token-use") == "access"
    assert not by_class(root, "cl-token-warning")
    groups = claim_row(root, "cognito:groups")
    assert "cl-claim-cognito-groups" in groups.get("class").split()
    assert json.loads(text(by_class(groups, "cl-claim-value")[0])) == ["admins"]


def test_every_view_says_decoding_is_not_verifying(tokens):
    assert "not verified" in text(by_class(parse(token_html(tokens["AccessToken"])),
                                           "cl-token-unverified")[0]).lower()
    assert "NOT verified" in token_text(tokens["AccessToken"])


def test_static_view_renders_html_and_text(lab, tokens):
    view = show_token(tokens["AccessToken"], clock=lab.clock)
    assert view._repr_html_() == token_html(tokens["AccessToken"], lab.clock)
    assert repr(view).startswith("Access token (decoded, NOT verified)")
    assert "signature: 256 bytes" in repr(view)


# --- forged and broken input ---------------------------------------------------------------


def test_alg_none_and_missing_signature_are_flagged():
    root = parse(token_html(handmade({"alg": "none"}, {"sub": "x", "exp": 1})))
    assert "RS256 only" in text(by_class(root, "cl-warning-alg")[0])
    assert by_class(root, "cl-warning-no-signature")


def test_keys_in_the_header_are_flagged():
    root = parse(token_html(handmade({"alg": "RS256", "kid": "k", "jku": "https://x.example"},
                                     {"exp": 1}, b"sig")))
    assert "jku" in text(by_class(root, "cl-warning-key-in-header")[0])
    assert "Never fetch it" in text(by_class(root, "cl-header-jku")[0])


def test_missing_or_string_exp_and_future_nbf_are_flagged():
    now = Clock().now()
    assert by_class(parse(token_html(handmade({"alg": "RS256"}, {"sub": "x"}, b"s"))),
                    "cl-warning-no-exp")
    assert by_class(parse(token_html(handmade({"alg": "RS256"}, {"exp": "9999999999"}, b"s"))),
                    "cl-warning-bad-exp")
    root = parse(token_html(handmade({"alg": "RS256"}, {"exp": now + 9000, "nbf": now + 3600},
                                     b"s")))
    assert "Not valid for another 60 min" in text(by_class(root, "cl-warning-not-yet-valid")[0])


def test_claim_values_are_escaped_not_rendered():
    """A pasted token must not be able to inject markup into the notebook."""
    evil = "<img src=x onerror=alert(1)>"
    html = token_html(handmade({"alg": "RS256", "kid": evil}, {"custom:x": evil, evil: 1}))
    root = parse(html)
    assert not [el for el in root.iter() if el.tag in ("img", "script")]
    assert evil in text(root)


def test_bearer_prefix_and_whitespace_are_ignored(tokens):
    token = tokens["AccessToken"]
    assert token_html(f"  Bearer {token}\n") == token_html(token)


@pytest.mark.parametrize("junk, words", [
    ("not a token", "three parts"),
    ("a.b.c.d.e", "encrypted token (JWE)"),
    ("%%%.e30.", "header is not base64url"),
    (f"{b64(b'[1]')}.{b64({})}.", "header is JSON but not an object"),
    (f"{b64({'alg': 'RS256'})}.bm90IGpzb24.", "payload is not base64url-encoded JSON"),
])
def test_junk_gives_a_clear_error_not_a_traceback(junk, words):
    root = parse(token_html(junk))
    assert words in " ".join(text(el) for el in by_class(root, "cl-token-error"))


def test_non_string_input_is_reported():
    assert "expected a string" in token_text(12345)  # type: ignore[arg-type]


def test_refresh_token_is_not_mistaken_for_a_jwt(tokens):
    root = parse(token_html(tokens["RefreshToken"]))
    assert root.get("data-token-use") == "unknown"
    assert by_class(root, "cl-token-error")


# --- words for times -----------------------------------------------------------------------


@pytest.mark.parametrize("seconds, words", [
    (0, "less than a minute"), (59, "less than a minute"), (3599.6, "60 min"),
    (89 * 60, "89 min"), (2 * 3600 + 5 * 60, "2 h 5 min"), (3 * 3600, "3 h"),
    (-3 * 86400, "3 days"),
])
def test_span(seconds, words):
    assert span(seconds) == words


def test_relative_words_per_claim():
    assert relative("exp", 1000 + 3600, 1000) == "expires in 60 min"
    assert relative("exp", 1000 - 120, 1000) == "expired 2 min ago"
    assert relative("nbf", 1000 + 600, 1000) == "not valid for another 10 min"
    assert relative("iat", 1000 + 600, 1000) == "in 10 min (in the future!)"
    assert relative("iat", 1000, 1000) == "just now"
    assert relative("exp", "soon", 1000) is None


# --- the widget ----------------------------------------------------------------------------


def test_inspector_renders_what_is_pasted(lab, tokens):
    inspector = TokenInspector(clock=lab.clock)
    assert inspector.view.value == EMPTY_HTML
    inspector.input.value = tokens["IdToken"]          # what a paste does
    assert inspector.view.value == token_html(tokens["IdToken"], lab.clock)
    inspector.token = tokens["AccessToken"]            # what code does
    assert inspector.input.value == tokens["AccessToken"]
    assert parse(inspector.view.value).get("data-token-use") == "access"
    inspector.token = ""
    assert inspector.view.value == EMPTY_HTML


def test_inspector_dom_classes_are_stable():
    inspector = TokenInspector()
    assert "cl-token-inspector" in inspector.box._dom_classes
    assert "cl-token-input" in inspector.input._dom_classes
    assert "cl-token-view" in inspector.view._dom_classes


def test_inspector_displays_as_widget_with_static_fallback(tokens):
    inspector = TokenInspector(tokens["IdToken"])
    bundle = inspector._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"] == token_html(tokens["IdToken"])
    assert bundle["text/plain"] == "<TokenInspector: ID token>"
