"""Identity pools accepting an external OIDC provider's ID tokens (OpenIdConnectProviderARNs).

The provider is the kit's own (``cognito_lab.idp.OidcProvider``) on 127.0.0.1: a user signs
in through its /authorize form and the app redeems the code at its /token endpoint, so
every token here is a real one, signed by the IdP's key. The IdP is registered in IAM
(CreateOpenIDConnectProvider: Url, ClientIDList) and listed by an identity pool, as the
AWS page "Setting up an OIDC provider as an identity pool IdP" (cognito/latest/
developerguide/open-id.html) describes. The lab's issuer is http on loopback, so its Logins
key is ``127.0.0.1:<port>`` (docs/fidelity.md, "Where the lab is not AWS").
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from cognito_lab.idp import IdpUser, OidcProvider

from . import idp_tokens
from .helpers import browser, claims, client_with, error_of, role_of, trust_policy

CAROL = IdpUser("carol", "Corp-Passw0rd!", {"email": "carol@corp.example",
                                            "department": "engineering"})
DAVE = IdpUser("dave", "Corp-Passw0rd?", {"email": "dave@corp.example", "department": "sales"})


def id_token_of(idp: OidcProvider, user: IdpUser = CAROL) -> str:
    return idp_tokens.id_token_of(idp, user)


key_of = idp_tokens.logins_key


def register(lab, idp: OidcProvider, client_ids: list[str] | None = None) -> str:
    """IAM CreateOpenIDConnectProvider for the IdP; its ARN."""
    return lab.client("iam").create_open_id_connect_provider(
        Url=idp.issuer, ClientIDList=client_ids or [idp.client_id],
        ThumbprintList=["0" * 40])["OpenIDConnectProviderArn"]


@dataclass
class Pool:
    """An identity pool listing OIDC providers, with an authenticated role that trusts it."""

    lab: object
    pool_id: str
    role_arn: str

    def get_id(self, logins: dict) -> str:
        return browser(self.lab).get_id(IdentityPoolId=self.pool_id,
                                        Logins=logins)["IdentityId"]

    def credentials(self, logins: dict) -> dict:
        identity_id = self.get_id(logins)
        return browser(self.lab).get_credentials_for_identity(
            IdentityId=identity_id, Logins=logins)["Credentials"]

    def refusal(self, logins: dict) -> tuple[str, str]:
        return error_of(lambda: self.get_id(logins))


def make_pool(lab, arns: list[str], *, amr: str = "authenticated",
              role_mappings: dict | None = None) -> Pool:
    cognito = lab.client("cognito-identity")
    pool_id = cognito.create_identity_pool(
        IdentityPoolName=f"corp{secrets.token_hex(4)}", AllowUnauthenticatedIdentities=False,
        OpenIdConnectProviderARNs=arns)["IdentityPoolId"]
    role_arn = make_role(lab, pool_id, amr)
    cognito.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": role_arn},
                                    RoleMappings=role_mappings or {})
    return Pool(lab, pool_id, role_arn)


def make_role(lab, pool_id: str, amr: str = "authenticated") -> str:
    return lab.client("iam").create_role(
        RoleName=f"corp-{secrets.token_hex(4)}",
        AssumeRolePolicyDocument=trust_policy(pool_id, amr))["Role"]["Arn"]


@dataclass
class Corp:
    idp: OidcProvider
    arn: str
    pool: Pool

    @property
    def key(self) -> str:
        return key_of(self.idp)


@pytest.fixture(scope="module")
def corp(lab):
    with OidcProvider.start(users=[CAROL, DAVE], title="Example Corp") as idp:
        arn = register(lab, idp)
        yield Corp(idp, arn, make_pool(lab, [arn]))


@pytest.fixture
def other_idp():
    with OidcProvider.start(users=[CAROL], title="Other Corp") as idp:
        yield idp


def test_an_oidc_providers_id_token_gets_one_identity_and_credentials(lab, corp):
    """The IdP's ID token in Logins under the provider's name: one identity per user, and
    credentials for the authenticated role.

    AWS: "Setting up an OIDC provider as an identity pool IdP" (cognito/latest/
    developerguide/open-id.html): "add the token to the logins map, using the URI of your
    provider as the key"; "GetId" and "GetCredentialsForIdentity" (cognitoidentity/latest/
    APIReference). moto's GetId accepts any token and returns a new id every time.
    """
    first = corp.pool.get_id({corp.key: id_token_of(corp.idp)})
    again = corp.pool.get_id({corp.key: id_token_of(corp.idp)})      # another sign-in
    dave = corp.pool.get_id({corp.key: id_token_of(corp.idp, DAVE)})
    assert first == again and dave != first
    described = browser(lab).describe_identity(IdentityId=first)
    assert described["Logins"] == [corp.key]
    creds = corp.pool.credentials({corp.key: id_token_of(corp.idp)})
    assert role_of(lab, creds) == corp.pool.role_arn.rsplit("/", 1)[1]


def test_the_pools_openid_token_names_the_oidc_provider_in_amr(lab, corp):
    """GetOpenIdToken: ``aud`` is the identity pool, ``amr`` is authenticated plus the provider.

    AWS: "Role trust and permissions" (cognito/latest/developerguide/
    role-trust-and-permissions.html): "If amr is authenticated, the token includes any
    providers used during authentication".
    """
    logins = {corp.key: id_token_of(corp.idp)}
    identity_id = corp.pool.get_id(logins)
    token = browser(lab).get_open_id_token(IdentityId=identity_id, Logins=logins)["Token"]
    body = claims(token)
    assert body["aud"] == corp.pool.pool_id and body["sub"] == identity_id
    assert body["amr"][:2] == ["authenticated", corp.key]


def test_a_trust_policy_can_require_the_oidc_provider_in_amr(lab, corp):
    """A role whose trust policy names the provider in ``amr`` is granted to its users; one
    that names another provider is not.

    AWS: "Role trust and permissions" (cognito/latest/developerguide/
    role-trust-and-permissions.html), the ``cognito-identity.amazonaws.com:amr`` condition.
    """
    token = id_token_of(corp.idp)
    only_corp = make_pool(lab, [corp.arn], amr=corp.key)
    creds = only_corp.credentials({corp.key: token})
    assert role_of(lab, creds) == only_corp.role_arn.rsplit("/", 1)[1]
    only_facebook = make_pool(lab, [corp.arn], amr="graph.facebook.com")
    identity_id = only_facebook.get_id({corp.key: token})
    code, _ = error_of(lambda: browser(lab).get_credentials_for_identity(
        IdentityId=identity_id, Logins={corp.key: token}))
    assert code == "InvalidIdentityPoolConfigurationException"


def test_role_rules_apply_to_the_oidc_tokens_claims(lab, corp):
    """A Rules role mapping keyed by the provider's name matches the IdP token's claims;
    with ``Deny``, a user no rule matches gets no credentials.

    AWS: "Using role-based access control" (cognito/latest/developerguide/
    role-based-access-control.html) and "SetIdentityPoolRoles" (RoleMappings keyed by the
    identity provider, e.g. graph.facebook.com).
    """
    placeholder = make_pool(lab, [corp.arn])
    engineers = make_role(lab, placeholder.pool_id)
    rules = {corp.key: {"Type": "Rules", "AmbiguousRoleResolution": "Deny",
                        "RulesConfiguration": {"Rules": [{
                            "Claim": "department", "MatchType": "Equals",
                            "Value": "engineering", "RoleARN": engineers}]}}}
    lab.client("cognito-identity").set_identity_pool_roles(
        IdentityPoolId=placeholder.pool_id, Roles={"authenticated": placeholder.role_arn},
        RoleMappings=rules)
    creds = placeholder.credentials({corp.key: id_token_of(corp.idp, CAROL)})
    assert role_of(lab, creds) == engineers.rsplit("/", 1)[1]
    dave = {corp.key: id_token_of(corp.idp, DAVE)}
    identity_id = placeholder.get_id(dave)
    code, _ = error_of(lambda: browser(lab).get_credentials_for_identity(
        IdentityId=identity_id, Logins=dave))
    assert code == "NotAuthorizedException"


@pytest.mark.parametrize("key", ["issuer URL", "unknown provider", "user pool name"])
def test_a_login_under_another_key_is_refused(lab, corp, key):
    """The key must be the provider's name, the issuer without its scheme; any other key
    (the whole issuer URL, a provider the pool doesn't list) is not a supported provider.

    AWS: "Setting up an OIDC provider as an identity pool IdP" (cognito/latest/
    developerguide/open-id.html) and "GetId" (NotAuthorizedException).
    """
    name = {"issuer URL": corp.idp.issuer, "unknown provider": "login.provider.com",
            "user pool name": f"cognito-idp.{lab.region}.amazonaws.com/{lab.user_pool_id}"}[key]
    code, _ = corp.pool.refusal({name: id_token_of(corp.idp)})
    assert code == "NotAuthorizedException"


def test_a_provider_the_pool_does_not_list_is_refused(lab, corp, other_idp):
    """An IAM OIDC provider the identity pool does not list in OpenIdConnectProviderARNs, or
    one it lists that is gone from IAM, is not a supported provider.

    AWS: "CreateIdentityPool" (cognitoidentity/latest/APIReference, OpenIdConnectProviderARNs)
    and "Setting up an OIDC provider as an identity pool IdP".
    """
    other_arn = register(lab, other_idp)
    token = id_token_of(other_idp)
    assert corp.pool.refusal({key_of(other_idp): token})[0] == "NotAuthorizedException"
    listing = make_pool(lab, [other_arn])
    assert listing.get_id({key_of(other_idp): token})           # listed: accepted
    lab.client("iam").delete_open_id_connect_provider(OpenIDConnectProviderArn=other_arn)
    assert listing.refusal({key_of(other_idp): token})[0] == "NotAuthorizedException"


@pytest.mark.parametrize(("overrides", "accepted"), [
    ({"aud": "another-app"}, False),
    ({"azp": "another-app"}, False),            # azp, when present, is what is checked
    ({"aud": "another-app", "azp": "CLIENT"}, True),
])
def test_the_audience_must_be_in_the_providers_client_id_list(lab, corp, overrides, accepted):
    """``azp`` if present, else ``aud``, must be one of the IAM provider's ClientIDList.

    AWS: "Setting up an OIDC provider as an identity pool IdP" (cognito/latest/
    developerguide/open-id.html), "Validating an OpenID Connect token", steps 4 and 5.
    """
    values = {k: corp.idp.client_id if v == "CLIENT" else v for k, v in overrides.items()}
    corp.idp.override_id_token_claims(**values)
    try:
        token = id_token_of(corp.idp)
    finally:
        corp.idp.reset()
    if accepted:
        assert corp.pool.get_id({corp.key: token})
    else:
        assert corp.pool.refusal({corp.key: token})[0] == "NotAuthorizedException"


def test_a_forged_or_tampered_token_is_refused(lab, corp):
    """The signature must verify with an RSA key of the provider's JWKS: a changed payload,
    a token signed by another key under the IdP's ``kid``, and an HS256 token keyed with the
    client secret are all refused.

    AWS: "Setting up an OIDC provider as an identity pool IdP" (cognito/latest/
    developerguide/open-id.html): "The signature must be verifiable via an RSA public key".
    """
    token = id_token_of(corp.idp)
    head, _, signature = token.split(".")
    dave_body = id_token_of(corp.idp, DAVE).split(".")[1]
    body = claims(token)
    kid = jwt.get_unverified_header(token)["kid"]
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forgeries = [
        f"{head}.{dave_body}.{signature}",
        jwt.encode(body, stranger, algorithm="RS256", headers={"kid": kid}),
        jwt.encode(body, corp.idp.client_secret, algorithm="HS256", headers={"kid": kid}),
        f"{head}.{token.split('.')[1]}.",                  # no signature at all
    ]
    for forged in forgeries:
        code, message = corp.pool.refusal({corp.key: forged})
        assert code == "NotAuthorizedException", forged
        assert "verify" in message


def test_a_token_from_another_issuer_is_refused(lab, corp, other_idp):
    """``iss`` must match the Logins key; another IdP claiming this issuer fails the
    signature check against this issuer's keys.

    AWS: "Setting up an OIDC provider as an identity pool IdP" (cognito/latest/
    developerguide/open-id.html), "Validating an OpenID Connect token", steps 1 and 2.
    """
    plain = id_token_of(other_idp)
    assert corp.pool.refusal({corp.key: plain})[0] == "NotAuthorizedException"
    other_idp.override_id_token_claims(iss=corp.idp.issuer, aud=corp.idp.client_id)
    impostor = id_token_of(other_idp)
    code, message = corp.pool.refusal({corp.key: impostor})
    assert code == "NotAuthorizedException" and "verify" in message


def test_an_http_issuer_off_loopback_is_refused_without_being_fetched(lab, corp):
    """AWS requires an https issuer; the lab allows http on loopback only. A provider
    registered as ``http://corp.example`` is refused before the lab fetches anything from it
    (a fetch would fail as ExternalServiceException: there is no such host).

    AWS: "Create an OpenID Connect (OIDC) identity provider in IAM" (IAM/latest/UserGuide/
    id_roles_providers_create_oidc.html): the provider URL must begin with https://.
    """
    arn = lab.client("iam").create_open_id_connect_provider(
        Url="http://corp.example", ClientIDList=[corp.idp.client_id],
        ThumbprintList=["0" * 40])["OpenIDConnectProviderArn"]
    pool = make_pool(lab, [arn])
    corp.idp.override_id_token_claims(iss="http://corp.example")
    try:
        token = id_token_of(corp.idp)
    finally:
        corp.idp.reset()
    assert pool.refusal({"corp.example": token})[0] == "NotAuthorizedException"


def test_an_unreachable_provider_is_an_external_service_error(lab):
    """A provider whose discovery document can't be read: ExternalServiceException, no
    identity.

    AWS: "GetId" (cognitoidentity/latest/APIReference/API_GetId.html), Errors:
    ExternalServiceException, "a dependent service ... is not responding".
    """
    with OidcProvider.start(users=[CAROL]) as gone:
        pool = make_pool(lab, [register(lab, gone)])
        token = id_token_of(gone)
    assert pool.refusal({key_of(gone): token})[0] == "ExternalServiceException"


def test_an_expired_token_is_refused_after_five_minutes_of_grace(fresh_lab):
    """``exp`` is checked by the lab's clock with AWS's five minutes of grace for clock skew.

    AWS: "Setting up an OIDC provider as an identity pool IdP" (cognito/latest/
    developerguide/open-id.html): "a grace period of 5 minutes to handle any clock skew".
    """
    with OidcProvider.start(users=[CAROL], id_token_seconds=60) as idp:
        pool = make_pool(fresh_lab, [register(fresh_lab, idp)])
        token = id_token_of(idp)
        fresh_lab.clock.advance(seconds=120)        # expired a minute ago: within the grace
        assert pool.get_id({key_of(idp): token})
        fresh_lab.clock.advance(seconds=300)        # six minutes past exp
        code, message = pool.refusal({key_of(idp): token})
    assert code == "NotAuthorizedException" and "expired" in message


def test_not_a_jwt_is_refused(lab, corp):
    """An opaque string (the IdP's access token, say) is no OpenID Connect ID token.

    AWS: "Setting up an OIDC provider as an identity pool IdP" (cognito/latest/
    developerguide/open-id.html): the logins map takes the provider's ID token.
    """
    for junk in ("not-a-token", json.dumps({"sub": "carol"})):
        assert corp.pool.refusal({corp.key: junk})[0] == "NotAuthorizedException"


def test_credentials_of_an_oidc_identity_are_usable(lab, corp):
    """The credentials are real STS credentials of the role (moto's STS issued them).

    AWS: "GetCredentialsForIdentity" (cognitoidentity/latest/APIReference/
    API_GetCredentialsForIdentity.html).
    """
    creds = corp.pool.credentials({corp.key: id_token_of(corp.idp)})
    identity = client_with(lab, creds, "sts").get_caller_identity()
    assert ":assumed-role/" in identity["Arn"]
