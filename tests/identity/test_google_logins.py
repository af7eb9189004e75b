"""Identity pools accepting Google's ID tokens (``accounts.google.com`` in
SupportedLoginProviders), with the kit's Google stand-in played for the lab.

AWS: "Setting up Google as an identity pool IdP" (cognito/latest/developerguide/
google.html). The stand-in (``cognito_lab.idp.GoogleProvider``) signs as
``https://accounts.google.com``; the lab reaches Google's URLs through it only.
"""

from __future__ import annotations

import secrets

import pytest

from cognito_lab.idp import GoogleProvider, OidcProvider

from .helpers import browser, error_of, role_of, trust_policy
from .idp_tokens import id_token_of

GOOGLE = "accounts.google.com"
ADA = GoogleProvider.account("ada@gmail.com", "Analytical-1", "Ada Lovelace")


def make_pool(lab, google_client_id: str) -> tuple[str, str]:
    """An identity pool supporting Google logins for this client; (pool id, role ARN)."""
    cognito = lab.client("cognito-identity")
    pool_id = cognito.create_identity_pool(
        IdentityPoolName=f"google{secrets.token_hex(4)}", AllowUnauthenticatedIdentities=False,
        SupportedLoginProviders={GOOGLE: google_client_id})["IdentityPoolId"]
    role_arn = lab.client("iam").create_role(
        RoleName=f"google-{secrets.token_hex(4)}",
        AssumeRolePolicyDocument=trust_policy(pool_id, GOOGLE))["Role"]["Arn"]
    cognito.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": role_arn})
    return pool_id, role_arn


def get_id(lab, pool_id: str, token: str) -> str:
    return browser(lab).get_id(IdentityPoolId=pool_id, Logins={GOOGLE: token})["IdentityId"]


@pytest.fixture(scope="module")
def google(lab):
    with GoogleProvider.start(users=[ADA]) as stand_in:
        yield lab.play_google(stand_in)


def test_a_google_id_token_gets_one_identity_and_credentials(lab, google):
    """Google's ID token under ``accounts.google.com``: the same identity at every sign-in,
    and credentials for a role whose trust policy names Google in ``amr``.

    AWS: "Setting up Google as an identity pool IdP" (cognito/latest/developerguide/
    google.html); "Role trust and permissions" (the amr condition).
    """
    pool_id, role_arn = make_pool(lab, google.client_id)
    first = get_id(lab, pool_id, id_token_of(google, ADA))
    assert get_id(lab, pool_id, id_token_of(google, ADA)) == first
    logins = {GOOGLE: id_token_of(google, ADA)}
    creds = browser(lab).get_credentials_for_identity(IdentityId=first,
                                                      Logins=logins)["Credentials"]
    assert role_of(lab, creds) == role_arn.rsplit("/", 1)[1]
    assert browser(lab).describe_identity(IdentityId=first)["Logins"] == [GOOGLE]


def test_a_google_token_for_another_client_is_refused(lab, google):
    """The token's audience must be the Google client ID the pool supports.

    AWS: "Setting up Google as an identity pool IdP" (the pool takes Google's client ID);
    "GetId" (NotAuthorizedException).
    """
    pool_id, _ = make_pool(lab, "1234-other.apps.googleusercontent.com")
    token = id_token_of(google, ADA)
    assert error_of(lambda: get_id(lab, pool_id, token))[0] == "NotAuthorizedException"


def test_a_pool_without_google_refuses_google_logins(lab, google):
    """``accounts.google.com`` must be among the pool's SupportedLoginProviders.

    AWS: "CreateIdentityPool" (SupportedLoginProviders) and "GetId" (NotAuthorizedException).
    """
    token = id_token_of(google, ADA)
    code, _ = error_of(lambda: get_id(lab, lab.identity_pool_id, token))
    assert code == "NotAuthorizedException"


def test_a_token_claiming_google_with_another_key_is_refused(lab, google):
    """An IdP that signs as ``https://accounts.google.com`` with its own key fails the
    signature check against Google's keys (the stand-in's).

    AWS: "Setting up an OIDC provider as an identity pool IdP" (cognito/latest/
    developerguide/open-id.html): the signature must verify with the provider's key.
    """
    pool_id, _ = make_pool(lab, google.client_id)
    with OidcProvider.start(users=[ADA], issuer="https://accounts.google.com",
                            client_id=google.client_id) as impostor:
        token = id_token_of(impostor, ADA)
    code, message = error_of(lambda: get_id(lab, pool_id, token))
    assert code == "NotAuthorizedException" and "verify" in message


def test_without_a_stand_in_a_google_login_never_leaves_loopback(fresh_lab):
    """With no Google stand-in handed to the lab, a Google login is an
    ExternalServiceException saying what to start; nothing is requested from Google.

    AWS: "GetId" (cognitoidentity/latest/APIReference/API_GetId.html), Errors:
    ExternalServiceException; the stand-in is the lab's (docs/fidelity.md, Lab vs AWS).
    """
    with GoogleProvider.start(users=[ADA]) as unplayed:
        pool_id, _ = make_pool(fresh_lab, unplayed.client_id)
        token = id_token_of(unplayed, ADA)
        code, message = error_of(lambda: get_id(fresh_lab, pool_id, token))
        assert not any(path.startswith("/.well-known") for _, path in unplayed.received)
    assert code == "ExternalServiceException" and "play_google" in message


def test_an_expired_google_token_is_refused(fresh_lab):
    """``exp`` by the lab's clock; AWS documents no grace period for Google logins, and
    the lab allows none.

    AWS: "Setting up Google as an identity pool IdP" (cognito/latest/developerguide/
    google.html); the lab's choice is in docs/fidelity.md.
    """
    with GoogleProvider.start(users=[ADA], id_token_seconds=60) as stand_in:
        fresh_lab.play_google(stand_in)
        pool_id, _ = make_pool(fresh_lab, stand_in.client_id)
        token = id_token_of(stand_in, ADA)
        assert get_id(fresh_lab, pool_id, token)
        fresh_lab.clock.advance(seconds=61)
        code, message = error_of(lambda: get_id(fresh_lab, pool_id, token))
    assert code == "NotAuthorizedException" and "expired" in message
