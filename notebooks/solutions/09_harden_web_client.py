# Solution to notebook 09, exercise 1: harden the SPA's app client.
# UpdateUserPoolClient (on AWS, and in the lab) sets every setting you leave out back to
# its default, so start from the client's current settings, change what the checklist
# flags, and send them all back.


def harden_web_client(idp, user_pool_id, client_id):
    current = idp.describe_user_pool_client(UserPoolId=user_pool_id,
                                            ClientId=client_id)["UserPoolClient"]
    # DescribeUserPoolClient also returns ClientSecret, CreationDate...: keep only what
    # UpdateUserPoolClient accepts.
    accepted = idp.meta.service_model.operation_model("UpdateUserPoolClient").input_shape.members
    settings = {name: value for name, value in current.items() if name in accepted}
    settings.update(
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AccessTokenValidity=60,
        IdTokenValidity=60,
        TokenValidityUnits={**current.get("TokenValidityUnits", {}),
                            "AccessToken": "minutes", "IdToken": "minutes"},
        PreventUserExistenceErrors="ENABLED",
        EnableTokenRevocation=True,
    )
    idp.update_user_pool_client(**settings)
