"""Plays THIRD-PARTY IDENTITY PROVIDERS: neither AWS nor your app; Cognito federates to them.

Each provider here is a small server of its own on 127.0.0.1 that a lesson starts next to
the lab. Cognito (the emulator) meets it only over HTTP, as it meets a real IdP; nothing
here imports ``emulator/``, ``client/`` or ``api/``. Built on Authlib's server components
(the ``lab`` extra); the SAML provider on signxml and lxml. ``GoogleProvider`` plays Google
at Google's own paths, for a lab that routes Google's URLs to it (``lab.play_google``).
"""

from __future__ import annotations

from .google import GoogleProvider
from .oidc_provider import IdpUser, OidcProvider, RegisteredClient
from .saml_provider import SamlProvider

__all__ = ["GoogleProvider", "IdpUser", "OidcProvider", "RegisteredClient", "SamlProvider"]
