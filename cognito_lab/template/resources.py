"""How each CloudFormation resource type becomes API calls (as CloudFormation makes them).

Property names are CloudFormation's (see each type's page in the CloudFormation User
Guide); most match the API's, the rest are mapped here.
"""

from __future__ import annotations

from .. import cognito_ids
from .model import Context, Created, ResourceType, TemplateError


def _drop(props: dict, *names: str) -> dict:
    return {k: v for k, v in props.items() if k not in names}


def user_pool(ctx: Context, logical_id: str, props: dict) -> Created:
    idp = ctx.client("cognito-idp")
    params = _drop(props, "UserPoolName", "EnabledMfas", "MfaConfiguration",
                   "WebAuthnRelyingPartyID", "WebAuthnUserVerification")
    params["PoolName"] = props.get("UserPoolName", logical_id)
    for schema in params.get("Schema", []):
        constraints = schema.get("StringAttributeConstraints") or {}
        for bound in ("MinLength", "MaxLength"):
            if bound in constraints:
                constraints[bound] = str(constraints[bound])
    pool = idp.create_user_pool(**params)["UserPool"]
    pool_id = pool["Id"]
    mfa = props.get("MfaConfiguration", "OFF")
    enabled = props.get("EnabledMfas") or []
    settings: dict = {}
    if mfa != "OFF" or enabled:
        settings.update(MfaConfiguration=mfa, SoftwareTokenMfaConfiguration={
            "Enabled": "SOFTWARE_TOKEN_MFA" in enabled})
    webauthn = {key: props[prop] for prop, key in (("WebAuthnRelyingPartyID", "RelyingPartyId"),
                                                   ("WebAuthnUserVerification",
                                                    "UserVerification")) if prop in props}
    if webauthn:          # CloudFormation's passkey properties: SetUserPoolMfaConfig's settings
        settings["WebAuthnConfiguration"] = webauthn
    if settings:
        idp.set_user_pool_mfa_config(UserPoolId=pool_id, **settings)
    return Created(pool_id, {"Arn": pool["Arn"],
                             "ProviderName": cognito_ids.provider_name(ctx.region, pool_id),
                             "ProviderURL": cognito_ids.issuer(ctx.region, pool_id),
                             "UserPoolId": pool_id})


USER_POOL = ResourceType(
    create=user_pool,
    properties=frozenset({
        "AccountRecoverySetting", "AdminCreateUserConfig", "AliasAttributes",
        "AutoVerifiedAttributes", "DeletionProtection", "DeviceConfiguration",
        "EmailAuthenticationMessage", "EmailAuthenticationSubject", "EmailConfiguration",
        "EmailVerificationMessage", "EmailVerificationSubject", "EnabledMfas", "LambdaConfig",
        "MfaConfiguration", "Policies", "Schema", "SmsAuthenticationMessage", "SmsConfiguration",
        "SmsVerificationMessage", "UserAttributeUpdateSettings", "UsernameAttributes",
        "UsernameConfiguration", "UserPoolAddOns", "UserPoolName", "UserPoolTags",
        "UserPoolTier", "VerificationMessageTemplate", "WebAuthnRelyingPartyID",
        "WebAuthnUserVerification"}),
)


def user_pool_client(ctx: Context, logical_id: str, props: dict) -> Created:
    params = dict(props)
    params.setdefault("ClientName", logical_id)
    client = ctx.client("cognito-idp").create_user_pool_client(**params)["UserPoolClient"]
    return Created(client["ClientId"], {"ClientId": client["ClientId"],
                                        "ClientSecret": client.get("ClientSecret"),
                                        "Name": client["ClientName"]})


USER_POOL_CLIENT = ResourceType(
    create=user_pool_client,
    properties=frozenset({
        "AccessTokenValidity", "AllowedOAuthFlows", "AllowedOAuthFlowsUserPoolClient",
        "AllowedOAuthScopes", "AnalyticsConfiguration", "AuthSessionValidity", "CallbackURLs",
        "ClientName", "DefaultRedirectURI", "EnablePropagateAdditionalUserContextData",
        "EnableTokenRevocation", "ExplicitAuthFlows", "GenerateSecret", "IdTokenValidity",
        "LogoutURLs", "PreventUserExistenceErrors", "ReadAttributes", "RefreshTokenValidity",
        "SupportedIdentityProviders", "TokenValidityUnits", "UserPoolId", "WriteAttributes"}),
    required=frozenset({"UserPoolId"}),
)


def user_pool_domain(ctx: Context, logical_id: str, props: dict) -> Created:
    if "CustomDomainConfig" in props:
        raise TemplateError(f"{logical_id}: custom domains need a certificate and DNS; "
                            "the lab serves only the prefix domain")
    ctx.client("cognito-idp").create_user_pool_domain(
        Domain=props["Domain"], UserPoolId=props["UserPoolId"])
    return Created(props["Domain"], {"CloudFrontDistribution": ""})


USER_POOL_DOMAIN = ResourceType(
    create=user_pool_domain,
    properties=frozenset({"CustomDomainConfig", "Domain", "ManagedLoginVersion", "UserPoolId"}),
    required=frozenset({"Domain", "UserPoolId"}),
)


def resource_server(ctx: Context, logical_id: str, props: dict) -> Created:
    ctx.client("cognito-idp").create_resource_server(**props)
    return Created(props["Identifier"])


RESOURCE_SERVER = ResourceType(
    create=resource_server,
    properties=frozenset({"Identifier", "Name", "Scopes", "UserPoolId"}),
    required=frozenset({"Identifier", "Name", "UserPoolId"}),
)


def user_pool_group(ctx: Context, logical_id: str, props: dict) -> Created:
    params = dict(props)
    params.setdefault("GroupName", logical_id)
    ctx.client("cognito-idp").create_group(**params)
    return Created(params["GroupName"])


USER_POOL_GROUP = ResourceType(
    create=user_pool_group,
    properties=frozenset({"Description", "GroupName", "Precedence", "RoleArn", "UserPoolId"}),
    required=frozenset({"UserPoolId"}),
)


def identity_pool(ctx: Context, logical_id: str, props: dict) -> Created:
    params = _drop(props, "IdentityPoolTags")
    params.setdefault("IdentityPoolName", logical_id)
    if "IdentityPoolTags" in props:
        params["IdentityPoolTags"] = {t["Key"]: t["Value"] for t in props["IdentityPoolTags"]}
    pool = ctx.client("cognito-identity").create_identity_pool(**params)
    return Created(pool["IdentityPoolId"], {"Name": pool["IdentityPoolName"],
                                            "Id": pool["IdentityPoolId"]})


IDENTITY_POOL = ResourceType(
    create=identity_pool,
    properties=frozenset({
        "AllowClassicFlow", "AllowUnauthenticatedIdentities", "CognitoIdentityProviders",
        "DeveloperProviderName", "IdentityPoolName", "IdentityPoolTags",
        "OpenIdConnectProviderARNs", "SamlProviderARNs", "SupportedLoginProviders"}),
    required=frozenset({"AllowUnauthenticatedIdentities"}),
)


def user_pool_identity_provider(ctx: Context, logical_id: str, props: dict) -> Created:
    """CreateIdentityProvider: for OIDC, Cognito reads the issuer's discovery document now,
    so the issuer must answer when the template is applied."""
    ctx.client("cognito-idp").create_identity_provider(**props)
    # "Ref returns physicalResourceId, which is ProviderName" (no Fn::GetAtt attributes):
    # an app client lists it in SupportedIdentityProviders with !Ref.
    return Created(props["ProviderName"])


USER_POOL_IDENTITY_PROVIDER = ResourceType(
    create=user_pool_identity_provider,
    properties=frozenset({"AttributeMapping", "IdpIdentifiers", "ProviderDetails",
                          "ProviderName", "ProviderType", "UserPoolId"}),
    required=frozenset({"ProviderDetails", "ProviderName", "ProviderType", "UserPoolId"}),
)
