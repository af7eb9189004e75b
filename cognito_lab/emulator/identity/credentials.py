"""GetCredentialsForIdentity and GetOpenIdToken: an identity becomes temporary AWS credentials.

This is the "enhanced (simplified) authflow" of identity pools: the pool checks the logins,
chooses the role (``roles.py``), mints its own OpenID token for the identity (``aud`` = the
identity pool, ``amr`` = authenticated or unauthenticated and the providers), and asks STS
for ``AssumeRoleWithWebIdentity`` on the role, whose trust policy must accept that token
(``trust.py``). moto's STS issues the credentials, so moto's IAM engine recognises them;
the lab records them (``Grant``) so that policy variables such as
``${cognito-identity.amazonaws.com:sub}`` can be resolved for them and their expiry (one
hour, by the lab's clock) enforced.
"""

from __future__ import annotations

import threading

from ... import b64url
from ..errors import InvalidParameterException, NotAuthorizedException
from ..operations import Call
from .identities import LOGINS_MISMATCH, NO_GUESTS, known_identity, link
from .logins import Login, check_logins
from .pools import describe_pool
from .query import QueryError
from .roles import choose_role, no_role_configured
from .state import SESSION_NAME, Grant, Identity
from .trust import trusts

CREDENTIALS_LIFETIME = 3600          # the enhanced flow's credentials last one hour
OPENID_TOKEN_LIFETIME = 600          # "The OpenID token is valid for 10 minutes."
OPENID_ISSUER = "https://cognito-identity.amazonaws.com"

_issuer_key_lock = threading.Lock()
_issuer_key = None


def _signing_key():
    """The key of the cognito-identity.amazonaws.com issuer (one issuer, like on AWS)."""
    global _issuer_key
    with _issuer_key_lock:
        if _issuer_key is None:
            from cryptography.hazmat.primitives.asymmetric import rsa

            _issuer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return _issuer_key


def amr_of(login: Login | None) -> list[str]:
    """The ``amr`` claim of the identity pool's token, as AWS sets it for user pool logins.

    AWS ("Role trust and permissions"): "If amr is authenticated, the token includes any
    providers used during authentication". For an OIDC provider's login that is all the lab
    adds (``["authenticated", "login.provider.com"]``): AWS documents no further value.
    """
    if login is None:
        return ["unauthenticated"]
    if not login.user_pool:
        return ["authenticated", login.provider]
    return ["authenticated", login.provider, f"{login.provider}:CognitoSignIn:{login.sub}"]


def open_id_token(call: Call, identity: Identity, login: Login | None) -> str:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    emulator = call.emulator
    now = int(emulator.clock.now())
    header = {"kid": f"{emulator.region}-1", "typ": "JWS", "alg": "RS512"}
    claims = {
        "sub": identity.identity_id, "aud": identity.pool_id, "amr": amr_of(login),
        "iss": OPENID_ISSUER,
        f"{OPENID_ISSUER}/identity-pool-arn": (f"arn:aws:cognito-identity:{emulator.region}:"
                                               f"{emulator.account_id}:identitypool/"
                                               f"{identity.pool_id}"),
        "exp": now + OPENID_TOKEN_LIFETIME, "iat": now,
    }
    signing_input = f"{b64url.encode_json(header)}.{b64url.encode_json(claims)}"
    signature = _signing_key().sign(signing_input.encode("ascii"), padding.PKCS1v15(),
                                    hashes.SHA512())
    return f"{signing_input}.{b64url.encode(signature)}"


def identity_and_login(call: Call) -> tuple[dict, Identity, Login | None]:
    """The identity named in the call, and the login that proves the caller may use it."""
    identity = known_identity(call)
    pool = describe_pool(call, identity.pool_id)
    logins = check_logins(call.emulator, pool, call.param("Logins"))
    if not logins:
        if identity.authenticated:
            raise NotAuthorizedException(
                f"Access to Identity '{identity.identity_id}' is forbidden.")
        if not pool.get("AllowUnauthenticatedIdentities"):
            raise NotAuthorizedException(NO_GUESTS)
        return pool, identity, None
    state = call.emulator.identity
    for login in logins:
        owner = state.owner_of_login(identity.pool_id, login.provider, login.sub)
        if owner not in (None, identity.identity_id):
            raise NotAuthorizedException(LOGINS_MISMATCH)
        link(state, identity, login)
    return pool, identity, logins[0]


def get_open_id_token(call: Call) -> dict:
    _, identity, login = identity_and_login(call)
    return {"IdentityId": identity.identity_id, "Token": open_id_token(call, identity, login)}


def get_credentials_for_identity(call: Call) -> dict:
    _, identity, login = identity_and_login(call)
    state = call.emulator.identity
    custom = call.param("CustomRoleArn")
    if custom is not None and not isinstance(custom, str):
        raise InvalidParameterException("CustomRoleArn must be a string")
    role_arn = choose_role(state.roles(identity.pool_id), login, custom)
    try:
        role = state.query.iam("GetRole", RoleName=role_arn.rsplit("/", 1)[-1])["Role"]
    except QueryError as error:
        raise no_role_configured() from error
    if role["Arn"] != role_arn or not trusts(role.get("AssumeRolePolicyDocument", ""),
                                             identity_pool_id=identity.pool_id,
                                             amr=amr_of(login),
                                             identity_id=identity.identity_id):
        raise no_role_configured()
    assumed = state.query.sts("AssumeRoleWithWebIdentity", RoleArn=role_arn,
                              RoleSessionName=SESSION_NAME,
                              WebIdentityToken=open_id_token(call, identity, login),
                              DurationSeconds=CREDENTIALS_LIFETIME)["Credentials"]
    expires_at = float(int(call.emulator.clock.now()) + CREDENTIALS_LIFETIME)
    state.add_grant(Grant(access_key_id=assumed["AccessKeyId"],
                          identity_id=identity.identity_id, pool_id=identity.pool_id,
                          role_arn=role_arn, role_id=role["RoleId"], expires_at=expires_at,
                          secret_key=assumed["SecretAccessKey"],
                          session_token=assumed["SessionToken"]))
    return {"IdentityId": identity.identity_id, "Credentials": {
        "AccessKeyId": assumed["AccessKeyId"], "SecretKey": assumed["SecretAccessKey"],
        "SessionToken": assumed["SessionToken"], "Expiration": expires_at}}
