"""A stand-in for "Sign in with Google" on 127.0.0.1: Google, as Cognito meets it.

Not Google, and it says so on every page: an :class:`~.oidc_provider.OidcProvider` that
answers at the paths Google's endpoints have, signs ID tokens as ``https://accounts.google.com``
and holds Google-shaped accounts (a numeric ``sub``, ``email``, ``email_verified``,
``name``, ``given_name``, ``family_name``, ``picture``, ``locale``). A Cognito ``Google``
provider names Google's public URLs (DescribeIdentityProvider shows them, as on AWS); the
lab sends those to this server instead of the internet once a lesson hands it over::

    google = lab.play_google(GoogleProvider.start(users=[
        GoogleProvider.account("ada@gmail.com", "Analytical-1", "Ada Lovelace")]))
    cognito.create_identity_provider(UserPoolId=..., ProviderName="Google",
        ProviderType="Google", ProviderDetails={"client_id": google.client_id,
        "client_secret": google.client_secret, "authorize_scopes": "email profile openid"},
        AttributeMapping={"email": "email", "name": "name", "username": "sub"})

What it serves, at Google's paths (one server plays every origin in :data:`ORIGINS`):

- ``/.well-known/openid-configuration`` (accounts.google.com) and ``/oauth2/v3/certs``
  (www.googleapis.com): discovery and keys;
- ``/o/oauth2/v2/auth``: the sign-in page, an account chooser;
- ``/oauth2/v4/token``: the code exchange (the ``token_url`` Cognito uses);
- ``/v1/userinfo`` (openidconnect.googleapis.com): OIDC userInfo;
- ``/v1/people/me?personFields=...`` (people.googleapis.com): the People API's ``get`` for
  ``names``, ``emailAddresses``, ``photos``, ``locales`` and ``genders`` (the stand-in
  releases ``genders`` with the ``profile`` scope; Google wants its own gender scope).
"""

from __future__ import annotations

import hashlib
import html
import json
import secrets
from typing import Any, ClassVar

from authlib.oidc.core import UserInfo
from werkzeug.wrappers import Request, Response

from .oidc_provider import TOKEN_SECONDS, IdpUser, OidcProvider

ISSUER = "https://accounts.google.com"
# the public origins Google's endpoints live on: the stand-in plays them all
ORIGINS = ("https://accounts.google.com", "https://www.googleapis.com",
           "https://openidconnect.googleapis.com", "https://people.googleapis.com")
# the claims Google's ID tokens and userInfo carry (with the openid, email, profile scopes)
GOOGLE_CLAIMS = frozenset({"sub", "email", "email_verified", "name", "given_name",
                           "family_name", "picture", "locale", "hd"})
PEOPLE_DOCS = "https://developers.google.com/people/api/rest/v1/people/get"


def _people_fields(sub: str, claims: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A Person resource's fields (People API v1) for what the account holds."""
    def item(**fields: Any) -> dict[str, Any]:
        return {"metadata": {"primary": True, "source": {"type": "PROFILE", "id": sub}},
                **fields}

    people: dict[str, list[dict[str, Any]]] = {}
    if "name" in claims:
        people["names"] = [item(displayName=claims["name"],
                                givenName=claims.get("given_name", ""),
                                familyName=claims.get("family_name", ""))]
    if "email" in claims:
        email = item(value=claims["email"])
        email["metadata"]["verified"] = bool(claims.get("email_verified"))
        people["emailAddresses"] = [email]
    if "picture" in claims:
        people["photos"] = [item(url=claims["picture"])]
    if "locale" in claims:
        people["locales"] = [item(value=claims["locale"])]
    if "gender" in claims:
        people["genders"] = [item(value=claims["gender"],
                                  formattedValue=str(claims["gender"]).capitalize())]
    return people


PEOPLE_FIELDS = ("names", "emailAddresses", "photos", "locales", "genders")

_CHOOSER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Sign in – Google Accounts (lab stand-in)</title>
<style>
body {{ font-family: Roboto, Arial, sans-serif; background: #f0f4f9; margin: 0; }}
main {{ max-width: 28rem; margin: 3rem auto; background: #fff; border-radius: 1.75rem;
       padding: 2.25rem; }}
.stand-in {{ background: #fff4e5; border: 1px solid #f0b35a; border-radius: .5rem;
            padding: .6rem .8rem; font-size: .85rem; }}
.logo {{ font-size: 1.6rem; font-weight: 500; letter-spacing: -.02em; }}
.logo span:nth-child(1), .logo span:nth-child(4) {{ color: #4285f4; }}
.logo span:nth-child(2), .logo span:nth-child(6) {{ color: #ea4335; }}
.logo span:nth-child(3) {{ color: #fbbc05; }}
.logo span:nth-child(5) {{ color: #34a853; }}
.app {{ overflow-wrap: anywhere; }}
h1 {{ font-weight: 400; font-size: 1.75rem; margin: 1rem 0 .25rem; }}
ul {{ list-style: none; padding: 0; }}
li label {{ display: flex; align-items: center; gap: .75rem; padding: .6rem;
           border-bottom: 1px solid #e0e0e0; cursor: pointer; }}
.avatar {{ width: 2rem; height: 2rem; border-radius: 50%; background: #7b1fa2; color: #fff;
          display: inline-flex; align-items: center; justify-content: center; }}
.email {{ color: #5f6368; font-size: .85rem; display: block; }}
button {{ background: #0b57d0; color: #fff; border: 0; border-radius: 1.25rem;
         padding: .6rem 1.5rem; margin-top: 1rem; }}
</style></head>
<body><main>
<p class="stand-in" role="note"><strong>cognito-lab stand-in, not Google.</strong> This page
runs on 127.0.0.1 and plays Google's sign-in for the lab. Never type a real Google
password here.</p>
<div class="logo" aria-label="Google">
<span>G</span><span>o</span><span>o</span><span>g</span><span>l</span><span>e</span></div>
<h1>Choose an account</h1>
<p>to continue to <strong class="app">{client}</strong></p>
{error}
<form method="post" action="">
<ul>
{accounts}
</ul>
<label>Password <input name="password" type="password" autocomplete="current-password">
</label>
<button type="submit">Next</button>
</form>
</main></body></html>
"""
_ACCOUNT = """<li><label><input type="radio" name="username" value="{email}"{checked}>
<span class="avatar" aria-hidden="true">{initial}</span>
<span><strong>{name}</strong><span class="email">{email}</span></span></label></li>"""


class GoogleProvider(OidcProvider):
    """A Google stand-in served on 127.0.0.1 until :meth:`stop` (hand it to
    ``lab.play_google``). Its OAuth clients (the user pool's, and any that
    :meth:`register_client` adds) have Google-shaped ids (``…apps.googleusercontent.com``)
    and secrets (``GOCSPX-…``)."""

    PATHS: ClassVar[dict[str, str]] = {
        "discovery": "/.well-known/openid-configuration", "jwks": "/oauth2/v3/certs",
        "authorize": "/o/oauth2/v2/auth", "token": "/oauth2/v4/token",
        "userinfo": "/v1/userinfo", "people": "/v1/people/me"}

    def __init__(self, users: list[IdpUser] | tuple[IdpUser, ...] = (), *,
                 client_id: str | None = None, client_secret: str | None = None,
                 redirect_uris: list[str] | tuple[str, ...] = (), port: int = 0,
                 id_token_seconds: int = TOKEN_SECONDS) -> None:
        super().__init__(
            users, client_id=client_id, client_secret=client_secret,
            redirect_uris=redirect_uris, title="Google (lab stand-in)", port=port,
            id_token_seconds=id_token_seconds, issuer=ISSUER)

    @staticmethod
    def account(email: str, password: str, name: str, *, given_name: str | None = None,
                family_name: str | None = None, picture: str | None = None,
                locale: str = "en", email_verified: bool = True, gender: str | None = None,
                sub: str | None = None) -> IdpUser:
        """A Google account: signs in with its email; ``sub`` is a 21-digit number, as
        Google's are (random unless given). ``gender`` is released by the People API only,
        as on Google."""
        first, _, last = name.partition(" ")
        claims: dict[str, Any] = {
            "email": email, "email_verified": email_verified, "name": name,
            "given_name": given_name if given_name is not None else first,
            "family_name": family_name if family_name is not None else last,
            "picture": picture or ("https://lh3.googleusercontent.com/a/"
                                   + hashlib.sha256(email.encode()).hexdigest()[:24]
                                   + "=s96-c"),
            "locale": locale}
        if gender is not None:
            claims["gender"] = gender
        return IdpUser(email, password, claims,
                       sub=sub or str(secrets.randbelow(9 * 10**20) + 10**20))

    @property
    def origins(self) -> tuple[str, ...]:
        """The public origins this stand-in plays (Google's)."""
        return ORIGINS

    def _shown_url(self) -> str:
        return self.local_url       # its issuer is Google's; it listens here

    # -- Google's shape ----------------------------------------------------------------
    def _new_client_id(self) -> str:
        number = secrets.randbelow(9 * 10**11) + 10**11
        return f"{number}-{secrets.token_hex(16)}.apps.googleusercontent.com"

    def _new_client_secret(self) -> str:
        return "GOCSPX-" + secrets.token_urlsafe(21)

    def _endpoints(self) -> dict[str, str]:
        return {"authorization_endpoint": f"{ISSUER}{self.PATHS['authorize']}",
                "token_endpoint": f"https://www.googleapis.com{self.PATHS['token']}",
                "userinfo_endpoint":
                    f"https://openidconnect.googleapis.com{self.PATHS['userinfo']}",
                "jwks_uri": f"https://www.googleapis.com{self.PATHS['jwks']}"}

    def _user_info(self, user: IdpUser, scope: str) -> UserInfo:
        info = super()._user_info(user, scope)
        for name in [name for name in info if name not in GOOGLE_CLAIMS]:
            del info[name]
        return info

    def _form(self, *, client: str, error: str | None = None, username: str = "") -> Response:
        accounts = "\n".join(_ACCOUNT.format(
            email=html.escape(user.username),
            name=html.escape(str(user.claims.get("name", user.username))),
            initial=html.escape(str(user.claims.get("name", user.username))[:1].upper()),
            checked=" checked" if user.username == username or len(self.users) == 1 else "")
            for user in self.users.values())
        page = _CHOOSER.format(
            client=html.escape(client), accounts=accounts,
            error=f'<p role="alert">{html.escape(error)}</p>' if error else "")
        return Response(page, status=200 if error is None else 400,
                        content_type="text/html; charset=utf-8")

    def _people(self, request: Request) -> Response:
        """People API v1 ``people.get`` for ``people/me`` (``personFields`` required)."""
        if request.method != "GET":
            return Response(status=405, headers={"Allow": "GET"})
        token = self._bearer(request)
        if token is None:
            return _google_error(401, "UNAUTHENTICATED",
                                 "Request had invalid authentication credentials.")
        fields = [f for f in request.args.get("personFields", "").split(",") if f]
        if not fields:
            return _google_error(400, "INVALID_ARGUMENT", "personFields mask is required. "
                                 "Please specify one or more valid paths. Valid paths are "
                                 f"documented at {PEOPLE_DOCS}.")
        unknown = [f for f in fields if f not in PEOPLE_FIELDS]
        if unknown:
            return _google_error(400, "INVALID_ARGUMENT", f'Invalid personFields mask path: '
                                 f'"{unknown[0]}". Valid paths are documented at '
                                 f"{PEOPLE_DOCS}.")
        released = dict(OidcProvider._user_info(self, token.user, token.scope))
        people = _people_fields(token.user.sub, released)
        person: dict[str, Any] = {"resourceName": f"people/{token.user.sub}",
                                  "etag": "%" + secrets.token_urlsafe(12)}
        person.update({f: people[f] for f in fields if f in people})
        return _json(person)


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status,
                    content_type="application/json; charset=UTF-8")


def _google_error(status: int, code: str, message: str) -> Response:
    """Google APIs' error body (``{"error": {"code", "message", "status"}}``)."""
    return _json({"error": {"code": status, "message": message, "status": code}}, status)
