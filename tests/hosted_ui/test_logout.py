"""GET /logout.

AWS, "Logout endpoint" (/cognito/latest/developerguide/logout-endpoint.html): client_id
required; logout_uri must be one of the client's sign-out URLs; or redirect_uri with the
/login parameters; clears the ``cognito`` cookie.
"""

from __future__ import annotations

from cognito_lab.client.oauth import Browser

from .helpers import authorize_url, get, sign_in_for_code


def test_logout_clears_the_session_and_redirects_to_the_sign_out_url(fresh_lab):
    browser = Browser()
    sign_in_for_code(fresh_lab, browser=browser)
    web = fresh_lab.app_clients["web"]
    response = get(f"{fresh_lab.domain_url}/logout", browser.http, client_id=web.client_id,
                   logout_uri=web.logout_urls[0])
    assert response.status_code == 302
    assert response.headers["Location"] == web.logout_urls[0]
    assert response.headers["Set-Cookie"].startswith("cognito=;")
    assert get(authorize_url(fresh_lab), browser.http).headers["Location"].startswith("../login")


def test_logout_ends_the_session_on_the_server_too(fresh_lab):
    """Even a copy of the old cookie no longer signs in."""
    browser = Browser()
    sign_in_for_code(fresh_lab, browser=browser)
    stolen = browser.http.cookies.get("cognito")
    web = fresh_lab.app_clients["web"]
    get(f"{fresh_lab.domain_url}/logout", browser.http, client_id=web.client_id,
        logout_uri=web.logout_urls[0])
    import requests
    replay = requests.Session()
    replay.cookies.set("cognito", stolen)
    assert get(authorize_url(fresh_lab), replay).headers["Location"].startswith("../login")


def test_logout_with_redirect_uri_goes_back_to_sign_in(fresh_lab):
    browser = Browser()
    sign_in_for_code(fresh_lab, browser=browser)
    query = authorize_url(fresh_lab).split("?", 1)[1]
    response = get(f"{fresh_lab.domain_url}/logout?{query}", browser.http)
    assert response.status_code == 302 and response.headers["Location"].startswith("login?")


def test_logout_needs_a_destination(lab):
    response = get(f"{lab.domain_url}/logout", client_id=lab.app_clients["web"].client_id)
    assert response.status_code == 400 and "Location" not in response.headers
