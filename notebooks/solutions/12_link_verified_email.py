"""Solution of notebook 12, exercise 2: a pre sign-up trigger that links safely.

At a federated user's first sign-in (PreSignUp_ExternalProvider), link the IdP identity to
the native user with the same email, and only when both sides verified that address: the
IdP (its email_verified claim, mapped to the attribute) and your user pool (the native
user's email_verified). Anything else gets a profile of its own. `idp` (a cognito-idp
client) comes from the notebook.
"""


def link_verified_email(event, context):
    if event["triggerSource"] != "PreSignUp_ExternalProvider":
        return event
    claimed = event["request"]["userAttributes"]
    if claimed.get("email_verified") != "true" or not claimed.get("email"):
        return event                                # the IdP did not vouch for the address
    found = idp.list_users(UserPoolId=event["userPoolId"],
                           Filter=f'email = "{claimed["email"]}"')["Users"]
    natives = [user for user in found if user["UserStatus"] != "EXTERNAL_PROVIDER"
               and {a["Name"]: a["Value"] for a in user["Attributes"]}.get("email_verified")
               == "true"]
    if len(natives) != 1:
        return event                                # nobody (or no one sure) to link to
    provider, _, subject = event["userName"].partition("_")
    idp.admin_link_provider_for_user(
        UserPoolId=event["userPoolId"],
        DestinationUser={"ProviderName": "Cognito",
                         "ProviderAttributeValue": natives[0]["Username"]},
        SourceUser={"ProviderName": provider, "ProviderAttributeName": "Cognito_Subject",
                    "ProviderAttributeValue": subject})
    return event
