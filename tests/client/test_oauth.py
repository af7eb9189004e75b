"""cognito_lab.client.oauth: the app's OAuth requests, recorded raw, against a lab."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from cognito_lab.client import pkce
from cognito_lab.client.oauth import (
    AuthorizationDeniedError,
    AuthorizationRequest,
    Browser,
    CallbackError,
    CognitoOAuth,
    HttpExchange,
    OAuthError,
    SignInError,
    StateMismatchError,
    TokenCache,
    TokenResponse,
    masked,
    parse_callback,
)


def web_client(lab) -> CognitoOAuth:
    web = lab.app_clients["web"]
    return CognitoOAuth(lab.domain_url, web.client_id, redirect_uri=web.callback_urls[0])


def server_client(lab, auth_method: str = "client_secret_basic") -> CognitoOAuth:
    server = lab.app_clients["server"]
    return CognitoOAuth(lab.domain_url, server.client_id, server.client_secret,
                        redirect_uri=server.callback_urls[0], auth_method=auth_method)


def m2m_client(lab, auth_method: str = "client_secret_basic") -> CognitoOAuth:
    m2m = lab.app_clients["m2m"]
    return CognitoOAuth(lab.domain_url, m2m.client_id, m2m.client_secret,
                        auth_method=auth_method)


def test_begin_makes_state_pkce_and_nonce_and_the_url_carries_them(lab):
    request = web_client(lab).begin("openid email")
    query = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
    assert request.url.startswith(f"{lab.domain_url}/oauth2/authorize?")
    assert query["state"] == request.state and query["nonce"] == request.nonce
    assert query["code_challenge"] == pkce.s256_challenge(request.code_verifier)
    assert query["code_challenge_method"] == "S256"
    assert query["scope"] == "openid email" and query["response_type"] == "code"
    assert web_client(lab).begin().state != request.state


def test_begin_needs_a_redirect_uri(lab):
    oauth = CognitoOAuth(lab.domain_url, lab.app_clients["web"].client_id)
    with pytest.raises(ValueError, match="redirect_uri"):
        oauth.begin()


def test_auth_method_is_checked():
    with pytest.raises(ValueError, match="auth_method"):
        CognitoOAuth("http://127.0.0.1:1", "id", "secret", auth_method="private_key_jwt")


def test_full_code_flow_with_pkce_public_client(lab):
    oauth = web_client(lab)
    request = oauth.begin("openid email")
    alice = lab.users["alice"]
    signed_in = Browser().sign_in(request.url, alice.username, alice.password)
    assert [s.what for s in signed_in.steps] == [
        "Send the user to /oauth2/authorize", "Follow the redirect", "Submit the sign-in form"]
    code = request.check_callback(signed_in.callback_url)
    tokens = oauth.exchange_code(code, code_verifier=request.code_verifier)
    assert tokens.id_token and tokens.refresh_token and tokens.expires_in == 3600
    sent = parse_qs(tokens.exchange.body)
    assert sent["client_id"] == [oauth.client_id] and "Authorization" not in tokens.exchange.headers
    assert oauth.userinfo(tokens.access_token)["email"] == alice.email
    refreshed = oauth.refresh(tokens.refresh_token)
    assert refreshed.refresh_token is None and refreshed.id_token
    assert oauth.revoke(tokens.refresh_token).status == 200
    with pytest.raises(OAuthError) as failed:
        oauth.refresh(tokens.refresh_token)
    assert failed.value.error == "invalid_grant"
    assert "revoked" in str(failed.value)                # the lab's reason, shown


@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
def test_confidential_client_authenticates_both_ways(lab, auth_method):
    tokens = m2m_client(lab, auth_method).client_credentials("orders/read")
    exchange = tokens.exchange
    if auth_method == "client_secret_basic":
        assert exchange.headers["Authorization"].startswith("Basic ")
        assert "client_secret" not in exchange.body
    else:
        assert "Authorization" not in exchange.headers
        assert "client_secret=" in exchange.body
    assert tokens.id_token is None and tokens.refresh_token is None


def test_errors_raise_oauth_error_with_the_exchange(lab):
    with pytest.raises(OAuthError) as failed:
        m2m_client(lab).client_credentials("orders/write")
    assert failed.value.error == "invalid_scope"
    assert failed.value.exchange.status == 400
    assert failed.value.exchange.lab_reason


def test_display_masks_secrets_and_shortens_tokens(lab):
    m2m = lab.app_clients["m2m"]
    tokens = m2m_client(lab, "client_secret_post").client_credentials()
    text = tokens.exchange.text()
    assert m2m.client_secret not in text and "client_secret=•••" in text
    assert tokens.access_token not in text and "chars)…" in text
    html = tokens.exchange._repr_html_()
    assert m2m.client_secret not in html and tokens.access_token not in html
    basic = m2m_client(lab).client_credentials().exchange.text()
    assert "Authorization: Basic •••" in basic
    assert tokens.access_token not in tokens._repr_html_()


def test_masked_hides_passwords_and_long_opaque_values():
    assert masked("username=a&password=hunter2&x=1") == "username=a&password=•••&x=1"
    assert masked("refresh=" + "A" * 80) == "refresh=‹80 chars›"
    assert masked('{"client_secret": "s3cr3t"}') == '{"client_secret": "•••"}'


def test_browser_sign_in_failure_carries_the_page_message(lab):
    request = web_client(lab).begin()
    with pytest.raises(SignInError, match="Incorrect username or password") as failed:
        Browser().sign_in(request.url, lab.users["bob"].username, "Wrong-password-123")
    assert failed.value.steps[-1].status == 200


def test_browser_stops_at_an_untrusted_redirect_page(lab):
    url = web_client(lab).authorization_url(redirect_uri="https://evil.example/cb",
                                            state="s")
    with pytest.raises(SignInError, match="HTTP 400"):
        Browser().sign_in(url, "a", "b")


def test_browser_open_follows_redirects_but_not_to_the_app(lab):
    browser = Browser()
    url = web_client(lab).authorization_url(state="s", scope="openid")
    page = browser.open(url)
    assert page.status == 200 and "/login?" in page.url
    assert [s.summary().split(" ")[1] for s in browser.steps] == ["/oauth2/authorize", "/login"]


def test_callback_checks(lab):
    request = AuthorizationRequest(url="", redirect_uri="http://localhost:3000/callback",
                                   state="mine")
    assert request.check_callback("http://localhost:3000/callback?code=c&state=mine") == "c"
    with pytest.raises(StateMismatchError):
        request.check_callback("http://localhost:3000/callback?code=c&state=other")
    with pytest.raises(AuthorizationDeniedError) as denied:
        request.check_callback("http://localhost:3000/callback?error=invalid_scope&state=mine")
    assert denied.value.error == "invalid_scope"
    with pytest.raises(CallbackError, match="not at"):
        request.check_callback("https://evil.example/?code=c&state=mine")
    with pytest.raises(CallbackError, match="no code"):
        request.check_callback("http://localhost:3000/callback?state=mine")
    assert parse_callback("http://x/cb?code=1&state=2").code == "1"


def test_logout_url(lab):
    oauth = web_client(lab)
    url = oauth.logout_url("http://localhost:3000")
    assert url == (f"{lab.domain_url}/logout?client_id={oauth.client_id}"
                   "&logout_uri=http%3A%2F%2Flocalhost%3A3000")


class FakeClock:
    def __init__(self) -> None:
        self.t = 1_000_000.0

    def now(self) -> float:
        return self.t


def test_token_cache_reuses_until_shortly_before_expiry():
    clock = FakeClock()
    issued = []

    def fetch() -> TokenResponse:
        issued.append(clock.t)
        return TokenResponse(access_token=f"token-{len(issued)}", token_type="Bearer",
                             expires_in=3600)

    cache = TokenCache(fetch, clock=clock, refresh_before=60)
    assert cache.get() == "token-1"
    clock.t += 3000
    assert cache.get() == "token-1" and cache.fetches == 1
    clock.t += 541                                  # 59 s before expiry: refresh now
    assert cache.get() == "token-2" and cache.fetches == 2
    cache.clear()
    assert cache.get() == "token-3"
    with pytest.raises(ValueError):
        TokenCache(fetch, refresh_before=-1)


def test_token_cache_against_the_lab_clock(fresh_lab):
    cache = m2m_client(fresh_lab).token_cache("orders/read", clock=fresh_lab.clock)
    first = cache.get()
    assert cache.get() == first and cache.fetches == 1
    fresh_lab.clock.advance(minutes=59, seconds=30)
    assert cache.get() != first and cache.fetches == 2


def test_http_exchange_summary_and_json(lab):
    exchange = m2m_client(lab).client_credentials().exchange
    assert isinstance(exchange, HttpExchange)
    assert exchange.summary() == "POST /oauth2/token → 200"
    assert exchange.json()["token_type"] == "Bearer"
    assert repr(exchange) == "<HttpExchange POST /oauth2/token → 200>"
