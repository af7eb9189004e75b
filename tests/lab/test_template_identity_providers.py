"""AWS::Cognito::UserPoolIdentityProvider and AWS::IAM::OIDCProvider in a template.

The provider's issuer must answer when the template is applied (CreateIdentityProvider
reads its discovery document), so each test starts the kit's ``OidcProvider`` first and
passes its issuer and client as the template's parameter defaults. Property names follow
the CloudFormation reference pages of both types; cfn-lint checks the template too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cfnlint.api import ManualArgs, lint_file

from cognito_lab import Lab
from cognito_lab.idp import IdpUser, OidcProvider
from cognito_lab.template import TemplateError
from tests.identity.idp_tokens import id_token_of, logins_key

CAROL = IdpUser("carol", "Corp-Passw0rd!", {"email": "carol@corp.example"})

# The app clients come first on purpose: creation follows the references and DependsOn,
# not the order of the file.
TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  CorpIssuer:
    Type: String
    Default: "{issuer}"
  CorpClientId:
    Type: String
    Default: "{client_id}"
  CorpClientSecret:
    Type: String
    NoEcho: true
    Default: "{client_secret}"
Resources:
  WebClient:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref UserPool
      ClientName: web
      CallbackURLs: [http://localhost:3000/callback]
      AllowedOAuthFlows: [code]
      AllowedOAuthScopes: [openid, email, profile]
      AllowedOAuthFlowsUserPoolClient: true
      SupportedIdentityProviders: [COGNITO, !Ref CorpIdp]
  PartnerClient:
    Type: AWS::Cognito::UserPoolClient
    DependsOn: CorpIdp
    Properties:
      UserPoolId: !Ref UserPool
      ClientName: partner
      CallbackURLs: [http://localhost:3000/callback]
      AllowedOAuthFlows: [code]
      AllowedOAuthScopes: [openid]
      AllowedOAuthFlowsUserPoolClient: true
      SupportedIdentityProviders: [Corp]
  CorpIdp:
    Type: AWS::Cognito::UserPoolIdentityProvider
    Properties:
      UserPoolId: !Ref UserPool
      ProviderName: Corp
      ProviderType: OIDC
      ProviderDetails:
        client_id: !Ref CorpClientId
        client_secret: !Ref CorpClientSecret
        attributes_request_method: GET
        oidc_issuer: !Ref CorpIssuer
        authorize_scopes: openid email profile
      AttributeMapping:
        email: email
      IdpIdentifiers: [corp.example]
  UserPool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: federated
  CorpOidc:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: !Ref CorpIssuer
      ClientIdList: [!Ref CorpClientId]
      ThumbprintList: ["{thumbprint}"]
  IdentityPool:
    Type: AWS::Cognito::IdentityPool
    Properties:
      AllowUnauthenticatedIdentities: true
      OpenIdConnectProviderARNs: [!Ref CorpOidc]
Outputs:
  CorpOidcArn:
    Value: !GetAtt CorpOidc.Arn
"""


def template_for(idp: OidcProvider) -> str:
    return TEMPLATE.format(issuer=idp.issuer, client_id=idp.client_id,
                           client_secret=idp.client_secret, thumbprint="0" * 40)


@pytest.fixture(scope="module")
def federated():
    with OidcProvider.start(users=[CAROL]) as idp, \
            Lab.start(template_for(idp), users=()) as lab:
        yield idp, lab


def test_the_provider_is_created_before_the_clients_that_name_it(federated):
    """Ref gives the provider's name, and an app client that Refs it or DependsOn it is
    created after it, wherever the file puts them.

    AWS: AWS::Cognito::UserPoolIdentityProvider (CloudFormation template reference):
    "Ref returns physicalResourceId, which is ProviderName".
    """
    _, lab = federated
    order = list(lab.resources)
    assert order.index("CorpIdp") < order.index("WebClient")
    assert order.index("CorpIdp") < order.index("PartnerClient")
    assert lab.resources["CorpIdp"] == "Corp"
    idp_api = lab.client("cognito-idp")
    for client_id in (lab.app_clients["web"].client_id, lab.app_clients["partner"].client_id):
        described = idp_api.describe_user_pool_client(
            UserPoolId=lab.user_pool_id, ClientId=client_id)["UserPoolClient"]
        assert "Corp" in described["SupportedIdentityProviders"]


def test_the_provider_goes_through_create_identity_provider(federated):
    """The properties become CreateIdentityProvider's: the OIDC issuer is discovered, as
    AWS does when the stack creates the provider.

    AWS: AWS::Cognito::UserPoolIdentityProvider (CloudFormation template reference) and
    CreateIdentityProvider (API reference).
    """
    idp, lab = federated
    provider = lab.client("cognito-idp").describe_identity_provider(
        UserPoolId=lab.user_pool_id, ProviderName="Corp")["IdentityProvider"]
    assert provider["ProviderType"] == "OIDC"
    assert provider["IdpIdentifiers"] == ["corp.example"]
    assert provider["AttributeMapping"]["email"] == "email"
    details = provider["ProviderDetails"]
    assert details["oidc_issuer"] == idp.issuer
    assert details["jwks_uri"].startswith(idp.issuer)       # discovered, not given


def test_the_iam_oidc_provider_is_listed_by_the_identity_pool(federated):
    """AWS::IAM::OIDCProvider: Ref is its ARN (and Fn::GetAtt Arn), ClientIdList becomes
    the API's ClientIDList; an identity pool listing it accepts the IdP's ID tokens.

    AWS: AWS::IAM::OIDCProvider (CloudFormation template reference) and "Setting up an OIDC
    provider as an identity pool IdP" (cognito/latest/developerguide/open-id.html).
    """
    idp, lab = federated
    arn = lab.resources["CorpOidc"]
    assert arn.endswith(f":oidc-provider/{logins_key(idp)}")
    iam = lab.client("iam").get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert iam["ClientIDList"] == [idp.client_id]
    pool = lab.client("cognito-identity").describe_identity_pool(
        IdentityPoolId=lab.identity_pool_id)
    assert pool["OpenIdConnectProviderARNs"] == [arn]
    identity = lab.client("cognito-identity").get_id(
        IdentityPoolId=lab.identity_pool_id,
        Logins={logins_key(idp): id_token_of(idp, CAROL)})
    assert identity["IdentityId"].startswith(f"{lab.region}:")


def _lint(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "federated.yaml"
    path.write_text(text)
    return [f"{m.rule.id} line {m.linenumber}: {m.message}"
            for m in lint_file(path, config=ManualArgs(regions=["us-east-1"]))]


def test_the_template_passes_cfn_lint(tmp_path):
    """The same template deploys to AWS: cfn-lint finds nothing in it.

    AWS: the CloudFormation resource specification (cfn-lint's schemas) for both types.
    """
    text = TEMPLATE.format(issuer="https://corp.example.com", client_id="corp-app",
                           client_secret="secret", thumbprint="0" * 40)
    assert _lint(tmp_path, text) == []


def test_the_apis_property_name_is_refused_by_cfn_lint_and_the_lab(tmp_path):
    """CloudFormation spells it ClientIdList where the IAM API says ClientIDList: a template
    using the API's name fails cfn-lint and the lab alike.

    AWS: AWS::IAM::OIDCProvider (CloudFormation template reference).
    """
    text = TEMPLATE.format(issuer="https://corp.example.com", client_id="corp-app",
                           client_secret="secret", thumbprint="0" * 40)
    broken = text.replace("ClientIdList:", "ClientIDList:")
    assert any(finding.startswith("E3002") for finding in _lint(tmp_path, broken))
    with pytest.raises(TemplateError, match=r"CorpOidc .* unknown or unsupported properties: "
                                            r"ClientIDList"), Lab.start(broken, users=()):
        pass


@pytest.mark.parametrize(("properties", "message"), [
    ({"UserPoolId": "us-east-1_x", "ProviderName": "Corp", "ProviderType": "OIDC"},
     r"missing required properties: ProviderDetails"),
    ({"UserPoolId": "us-east-1_x", "ProviderName": "Corp", "ProviderType": "OIDC",
      "ProviderDetails": {}, "Colour": "blue"},
     r"unknown or unsupported properties: Colour"),
])
def test_bad_identity_provider_resources_are_refused(properties, message):
    template = {"Resources": {"Idp": {"Type": "AWS::Cognito::UserPoolIdentityProvider",
                                      "Properties": properties}}}
    with pytest.raises(TemplateError, match=message), Lab.start(template, users=()):
        pass


def test_an_unreachable_issuer_fails_the_template_with_a_clear_error():
    """CreateIdentityProvider can't read the discovery document: the template fails, naming
    the resource (as a stack would roll back).

    AWS: CreateIdentityProvider (API reference), InvalidParameterException.
    """
    with OidcProvider.start() as gone:
        text = template_for(gone)
    with pytest.raises(TemplateError, match=r"CorpIdp \(AWS::Cognito::UserPoolIdentityProvider"
                                           r"\) failed"), Lab.start(text, users=()):
        pass
