"""The hosted UI's endpoints (managed login): path, methods, handler.

Any other method on these paths gets 405 with ``Allow``."""

from __future__ import annotations

from ..routes import Route
from . import (
    authorize,
    idp_response,
    login,
    logout,
    revoke,
    saml_logout_response,
    saml_response,
    token,
    userinfo,
)

ROUTES: list[Route] = [
    Route("/oauth2/authorize", ("GET",), authorize.authorize),
    Route("/oauth2/idpresponse", ("GET",), idp_response.idp_response),
    Route("/login", ("GET", "POST"), login.login),
    Route("/logout", ("GET",), logout.logout),
    Route("/oauth2/revoke", ("POST",), revoke.revoke),
    Route("/oauth2/token", ("POST",), token.token),
    Route("/oauth2/userInfo", ("GET", "POST"), userinfo.userinfo),
    Route("/saml2/idpresponse", ("POST",), saml_response.saml_idp_response),
    Route("/saml2/logout", ("POST",), saml_logout_response.saml_logout),
]
