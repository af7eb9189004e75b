"""CloudFormation types for identity pool access: IAM roles and OIDC providers, the pool's
role attachment, S3.

Each becomes the API calls CloudFormation makes (property names are CloudFormation's, see
each type's page in the CloudFormation User Guide). Policy documents may be written as YAML
mappings, as in any template; they reach IAM as JSON.
"""

from __future__ import annotations

import json

from .model import Context, Created, ResourceType, TemplateError


def _json(document: object) -> str:
    return document if isinstance(document, str) else json.dumps(document)


def iam_role(ctx: Context, logical_id: str, props: dict) -> Created:
    iam = ctx.client("iam")
    # CloudFormation names an unnamed role "<stack>-<logical id>-<random suffix>"; the lab
    # leaves out the suffix so that names stay the same from one run to the next.
    name = props.get("RoleName") or f"cognito-lab-{logical_id}"[:64]
    params = {"RoleName": name,
              "AssumeRolePolicyDocument": _json(props["AssumeRolePolicyDocument"])}
    for key in ("Description", "MaxSessionDuration", "Path", "PermissionsBoundary", "Tags"):
        if key in props:
            params[key] = props[key]
    role = iam.create_role(**params)["Role"]
    for policy in props.get("Policies") or []:
        if not isinstance(policy, dict) or not {"PolicyName", "PolicyDocument"} <= set(policy):
            raise TemplateError(f"{logical_id}: each of Policies needs PolicyName and "
                                "PolicyDocument")
        iam.put_role_policy(RoleName=name, PolicyName=policy["PolicyName"],
                            PolicyDocument=_json(policy["PolicyDocument"]))
    for arn in props.get("ManagedPolicyArns") or []:
        iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    return Created(name, {"Arn": role["Arn"], "RoleId": role["RoleId"]})


IAM_ROLE = ResourceType(
    create=iam_role,
    properties=frozenset({
        "AssumeRolePolicyDocument", "Description", "ManagedPolicyArns", "MaxSessionDuration",
        "Path", "PermissionsBoundary", "Policies", "RoleName", "Tags"}),
    required=frozenset({"AssumeRolePolicyDocument"}),
)


def _role_mapping(logical_id: str, key: str, mapping: object) -> tuple[str, dict]:
    """CloudFormation's RoleMapping (with IdentityProvider) -> the API's (keyed by provider)."""
    if not isinstance(mapping, dict) or "Type" not in mapping:
        raise TemplateError(f"{logical_id}: RoleMappings.{key} needs a Type (Token or Rules)")
    unknown = set(mapping) - {"AmbiguousRoleResolution", "IdentityProvider",
                              "RulesConfiguration", "Type"}
    if unknown:
        raise TemplateError(f"{logical_id}: RoleMappings.{key} has unknown properties: "
                            f"{', '.join(sorted(unknown))}")
    provider = mapping.get("IdentityProvider") or key
    api = {"Type": mapping["Type"]}
    if "AmbiguousRoleResolution" in mapping:
        api["AmbiguousRoleResolution"] = mapping["AmbiguousRoleResolution"]
    rules = (mapping.get("RulesConfiguration") or {}).get("Rules")
    if rules is not None:
        api["RulesConfiguration"] = {"Rules": list(rules)}   # same names as the API's
    return provider, api


def identity_pool_role_attachment(ctx: Context, logical_id: str, props: dict) -> Created:
    mappings = dict(_role_mapping(logical_id, key, mapping)
                    for key, mapping in (props.get("RoleMappings") or {}).items())
    params = {"IdentityPoolId": props["IdentityPoolId"], "Roles": props.get("Roles") or {}}
    if mappings:
        params["RoleMappings"] = mappings
    ctx.client("cognito-identity").set_identity_pool_roles(**params)
    return Created(props["IdentityPoolId"])


IDENTITY_POOL_ROLE_ATTACHMENT = ResourceType(
    create=identity_pool_role_attachment,
    properties=frozenset({"IdentityPoolId", "RoleMappings", "Roles"}),
    required=frozenset({"IdentityPoolId"}),
)


def s3_bucket(ctx: Context, logical_id: str, props: dict) -> Created:
    s3 = ctx.client("s3")
    # S3 bucket names are global: an unnamed bucket gets the account id to stay unique.
    name = props.get("BucketName") or f"cognito-lab-{logical_id.lower()}-{ctx.account_id}"
    params: dict = {"Bucket": name}
    if ctx.region != "us-east-1":
        params["CreateBucketConfiguration"] = {"LocationConstraint": ctx.region}
    s3.create_bucket(**params)
    if "PublicAccessBlockConfiguration" in props:
        s3.put_public_access_block(
            Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"])
    if "BucketEncryption" in props:
        rules = props["BucketEncryption"].get("ServerSideEncryptionConfiguration") or []
        s3.put_bucket_encryption(Bucket=name,
                                 ServerSideEncryptionConfiguration={"Rules": rules})
    if "VersioningConfiguration" in props:
        s3.put_bucket_versioning(Bucket=name,
                                 VersioningConfiguration=props["VersioningConfiguration"])
    if "Tags" in props:
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": props["Tags"]})
    return Created(name, {"Arn": f"arn:aws:s3:::{name}",
                          "DomainName": f"{name}.s3.amazonaws.com",
                          "RegionalDomainName": f"{name}.s3.{ctx.region}.amazonaws.com"})


S3_BUCKET = ResourceType(
    create=s3_bucket,
    properties=frozenset({
        "BucketEncryption", "BucketName", "PublicAccessBlockConfiguration", "Tags",
        "VersioningConfiguration"}),
)


def oidc_provider(ctx: Context, logical_id: str, props: dict) -> Created:
    """CreateOpenIDConnectProvider (CloudFormation's ClientIdList is the API's ClientIDList).
    Ref and Fn::GetAtt Arn give the provider's ARN, which an identity pool lists in
    OpenIdConnectProviderARNs."""
    params = {"Url": props["Url"]}
    for prop, key in (("ClientIdList", "ClientIDList"), ("ThumbprintList", "ThumbprintList"),
                      ("Tags", "Tags")):
        if prop in props:
            params[key] = props[prop]
    arn = ctx.client("iam").create_open_id_connect_provider(**params)[
        "OpenIDConnectProviderArn"]
    return Created(arn, {"Arn": arn})


IAM_OIDC_PROVIDER = ResourceType(
    create=oidc_provider,
    properties=frozenset({"ClientIdList", "Tags", "ThumbprintList", "Url"}),
    # CloudFormation marks Url optional; the lab has nothing to make a provider of without it
    required=frozenset({"Url"}),
)
