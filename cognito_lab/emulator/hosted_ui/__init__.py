"""The hosted UI (managed login): Cognito's OAuth 2.0 / OpenID Connect endpoints.

One module per endpoint, named after it, each with the rules AWS documents for it:

- ``authorize.py``  GET /oauth2/authorize   (RFC 6749 §4.1.1, §4.2.1; RFC 7636 §4.3)
- ``login.py``      GET/POST /login         the sign-in page, through the user pools API
- ``token.py``      POST /oauth2/token      (RFC 6749 §4.1.3, §4.4, §6; RFC 7636 §4.6)
- ``userinfo.py``   GET/POST /oauth2/userInfo (OpenID Connect Core §5.3)
- ``logout.py``     GET /logout
- ``revoke.py``     POST /oauth2/revoke     (RFC 7009)

and the parts they share: ``app_clients.py`` (an app client's OAuth settings),
``client_auth.py`` (RFC 6749 §2.3), ``scopes.py``, ``rfc7636.py`` (PKCE), ``codes.py``
(authorization codes), ``browser_sessions.py`` (the ``cognito`` cookie), ``csrf.py``,
``sign_in.py`` (the user pools API calls behind the sign-in page), ``idp_buttons.py`` (the
sign-in page's external identity providers), ``pages.py`` (HTML) and
``errors.py`` (OAuth error answers).

Every link and form on the pages is relative, so the hosted UI also works behind a path
prefix (jupyter-server-proxy on Binder / JupyterHub serves it at ``/user/<name>/proxy/<port>/``).
"""

from . import authorize, login, logout, revoke, token, userinfo  # noqa: F401  (routes)
