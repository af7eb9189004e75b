"""The kit's OIDC IdP on its own (no lab), with one registered client per relying party:
the user pool's (the default one it starts with) and an app's own (``register_client``).

RFC 6749 §2 (client registration, one id per client), §3.1.2 (redirect URIs registered
per client), §4.1.3 (a code is redeemed only by the client it was issued to), §5.2
(``invalid_client``, ``invalid_grant``); OIDC Core 1.0 §2 (the ID token's ``aud`` is the
client's id); RFC 7636 (PKCE: what a public client proves instead of a secret).
"""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests

from cognito_lab.client import pkce
from cognito_lab.idp import GoogleProvider, IdpUser, OidcProvider, RegisteredClient
from cognito_lab.teach.federated_sign_in import direct_id_token

IDPRESPONSE = "http://127.0.0.1:9/oauth2/idpresponse"    # never contacted: codes are read
APP_CALLBACK = "http://localhost:3000/callback"           # from Location
CAROL = IdpUser("carol", "Corp-Passw0rd!", {"email": "carol@corp.example"})


@pytest.fixture(scope="module")
def idp():
    with OidcProvider.start(users=[CAROL], redirect_uris=[IDPRESPONSE]) as provider:
        yield provider


@pytest.fixture(scope="module")
def app(idp) -> RegisteredClient:
    return idp.register_client(redirect_uris=[APP_CALLBACK])


def default_client(idp: OidcProvider) -> RegisteredClient:
    return idp.clients[0]


def authorize(idp: OidcProvider, client_id: str, redirect_uri: str,
              **extra: str) -> requests.Response:
    """POST carol's password to /authorize for this request (what her browser does)."""
    query = urlencode({"response_type": "code", "client_id": client_id,
                       "redirect_uri": redirect_uri, "scope": "openid email",
                       "state": "s", "nonce": secrets.token_urlsafe(8), **extra})
    return requests.post(f"{idp.local_url}/authorize?{query}", allow_redirects=False,
                         data={"username": CAROL.username, "password": CAROL.password},
                         timeout=10)


def code_for(idp: OidcProvider, client: RegisteredClient, **extra: str) -> str:
    answer = authorize(idp, client.client_id, client.redirect_uris[0], **extra)
    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"].startswith(client.redirect_uris[0])
    return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]


def redeem(idp: OidcProvider, code: str, client: RegisteredClient, *,
           redirect_uri: str | None = None, **extra: str) -> requests.Response:
    """The code exchange as ``client`` (HTTP Basic with its secret; a public client names
    itself in the form)."""
    form = {"grant_type": "authorization_code", "code": code,
            "redirect_uri": redirect_uri or client.redirect_uris[0], **extra}
    if client.public:
        form["client_id"] = client.client_id
    auth = None if client.public else (client.client_id, client.client_secret or "")
    return requests.post(f"{idp.local_url}/token", data=form, auth=auth, timeout=10)


def test_a_code_is_redeemed_only_by_the_client_it_was_issued_to(idp, app):
    """RFC 6749 §4.1.3: the server ensures the code was issued to the authenticated
    client. Another registered client, with its own valid secret and the code's own
    redirect URI, gets ``invalid_grant``; the code stays good for its client."""
    code = code_for(idp, app)
    stolen = redeem(idp, code, default_client(idp), redirect_uri=APP_CALLBACK)
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    assert "id_token" not in stolen.json()
    assert redeem(idp, code, app).status_code == 200

    code = code_for(idp, default_client(idp))
    stolen = redeem(idp, code, app, redirect_uri=IDPRESPONSE)
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    assert redeem(idp, code, default_client(idp)).status_code == 200


def test_each_clients_id_token_has_its_own_audience(idp, app):
    """OIDC Core 1.0 §2: ``aud`` contains the client id of the relying party. The ID
    token each client gets verifies with the IdP's key for that client's id only."""
    keys = jwt.PyJWKClient(f"{idp.local_url}/jwks.json")
    for client, other in ((app, default_client(idp)), (default_client(idp), app)):
        token = redeem(idp, code_for(idp, client), client).json()["id_token"]
        key = keys.get_signing_key_from_jwt(token).key
        claims = jwt.decode(token, key, algorithms=["RS256"], audience=client.client_id,
                            issuer=idp.issuer)
        assert claims["aud"] == client.client_id and claims["sub"] == CAROL.sub
        with pytest.raises(jwt.InvalidAudienceError):
            jwt.decode(token, key, algorithms=["RS256"], audience=other.client_id)


def test_an_unknown_client_is_refused(idp, app):
    """RFC 6749 §4.1.2.1: with an unknown ``client_id`` the server must not redirect; §5.2:
    the token endpoint answers ``invalid_client`` to a client it can't authenticate (an
    unknown id, or a registered one with a wrong secret)."""
    answer = authorize(idp, "corp-not-registered", APP_CALLBACK)
    assert answer.status_code == 400 and "Location" not in answer.headers

    code = code_for(idp, app)
    for credentials in (("corp-not-registered", "any-secret"), (app.client_id, "wrong")):
        refused = requests.post(f"{idp.local_url}/token", auth=credentials, timeout=10,
                                data={"grant_type": "authorization_code", "code": code,
                                      "redirect_uri": APP_CALLBACK})
        assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
    assert redeem(idp, code, app).status_code == 200


def test_a_second_clients_redirect_uris_are_its_own(idp, app):
    """RFC 6749 §3.1.2: each client's redirection endpoints are registered for that client
    alone. Neither client is sent back to the other's URI (no redirect at all: an error
    page); each is sent back to its own."""
    assert app.redirect_uris == (APP_CALLBACK,) and idp.redirect_uris == (IDPRESPONSE,)
    for client_id, foreign in ((app.client_id, IDPRESPONSE),
                               (idp.client_id, APP_CALLBACK)):
        answer = authorize(idp, client_id, foreign)
        assert answer.status_code == 400 and "Location" not in answer.headers
    page = requests.get(f"{idp.local_url}/authorize?" + urlencode({
        "response_type": "code", "client_id": app.client_id, "redirect_uri": APP_CALLBACK,
        "scope": "openid"}), timeout=10)
    assert page.status_code == 200 and app.client_id in page.text   # names who asks
    assert idp.client_id not in page.text


def test_a_public_client_has_no_secret_and_must_prove_pkce(idp):
    """RFC 7636 §4.5 and RFC 6749 §2.1: a public client holds no secret, so it redeems
    its code with the PKCE verifier (S256); without it, or with the wrong one, the code is
    refused. A ``plain`` challenge (no method) is refused (RFC 9700 §2.1.1)."""
    spa = idp.register_client(redirect_uris=[APP_CALLBACK], public=True)
    assert spa.public and spa.client_secret is None
    verifier = pkce.new_verifier()
    challenge = {"code_challenge": pkce.s256_challenge(verifier),
                 "code_challenge_method": "S256"}

    bare = redeem(idp, code_for(idp, spa), spa)
    assert bare.status_code == 400 and "id_token" not in bare.json()
    wrong = redeem(idp, code_for(idp, spa, **challenge), spa,
                   code_verifier=pkce.new_verifier())
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    token = redeem(idp, code_for(idp, spa, **challenge), spa, code_verifier=verifier)
    assert token.status_code == 200
    assert jwt.decode(token.json()["id_token"], options={"verify_signature": False})[
        "aud"] == spa.client_id

    plain = authorize(idp, spa.client_id, APP_CALLBACK, code_challenge=verifier)
    assert plain.status_code == 302
    assert parse_qs(urlsplit(plain.headers["Location"]).query)["error"] == ["invalid_request"]


def test_registering_a_client_needs_usable_redirect_uris_and_a_new_id(idp, app):
    """RFC 6749 §3.1.2: a redirect URI is absolute, with no fragment; §2.2: a client id is
    unique at the server. Bad registrations are refused with a clear error."""
    for uris in ([], ["/callback"], ["http://localhost:3000/callback#frag"],
                 ["ftp://localhost/cb"]):
        with pytest.raises(ValueError, match="redirect"):
            idp.register_client(redirect_uris=uris)
    with pytest.raises(ValueError, match="already registered"):
        idp.register_client(app.client_id, redirect_uris=[APP_CALLBACK])
    named = idp.register_client("intranet-app", redirect_uris=[APP_CALLBACK])
    assert named.client_id == "intranet-app" and named in idp.clients
    assert named.client_secret and named.client_secret != app.client_secret


def test_direct_id_token_signs_in_through_the_apps_own_client(idp, app):
    """An app that registered its own client at the IdP gets an ID token for itself (OIDC
    Core 1.0 §2: ``aud`` is its client id), confidential (secret and PKCE) or public."""
    spa = idp.register_client(redirect_uris=[APP_CALLBACK], public=True)
    for client in (app, spa):
        token = direct_id_token(idp, client, CAROL.username, CAROL.password)
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["aud"] == client.client_id and claims["sub"] == CAROL.sub
    assert any(path.startswith("/authorize?") and f"client_id={app.client_id}" in path
               for _, path in idp.received)


def test_google_stand_in_registers_google_shaped_clients():
    """Google's OAuth clients (Google Cloud console) have ids ending in
    ``.apps.googleusercontent.com`` and ``GOCSPX-`` secrets; the stand-in's do too, and
    each client's ID token names it as ``aud``."""
    user = GoogleProvider.account("dora@gmail.com", "Dora-at-Google-1", "Dora Explorer")
    with GoogleProvider.start(users=[user]) as google:
        extra = google.register_client(redirect_uris=[APP_CALLBACK])
        assert extra.client_id.endswith(".apps.googleusercontent.com")
        assert extra.client_id != google.client_id
        assert (extra.client_secret or "").startswith("GOCSPX-")
        assert google.client_secret.startswith("GOCSPX-")
        token = direct_id_token(google, extra, user.username, user.password)
        assert jwt.decode(token, options={"verify_signature": False})["aud"] == \
            extra.client_id
