# Solution to notebook 02, exercise 2: a public app client for a single-page app.
# `lab` and `idp` come from the notebook.
spa = idp.create_user_pool_client(
    UserPoolId=lab.user_pool_id,
    ClientName="spa",
    GenerateSecret=False,                      # a browser can't keep a secret
    ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH",  # the password never leaves the browser
                       "ALLOW_REFRESH_TOKEN_AUTH"],
    PreventUserExistenceErrors="ENABLED",      # the same error for unknown users and bad passwords
    EnableTokenRevocation=True,                # sign-out can revoke the refresh token
    SupportedIdentityProviders=["COGNITO"],
    AllowedOAuthFlowsUserPoolClient=True,
    AllowedOAuthFlows=["code"],                # authorization code (+ PKCE), never implicit
    AllowedOAuthScopes=["openid", "email", "profile"],
    CallbackURLs=["https://app.example.com/callback", "http://localhost:3000/callback"],
    LogoutURLs=["https://app.example.com/", "http://localhost:3000/"],
    AccessTokenValidity=60,
    IdTokenValidity=60,
    RefreshTokenValidity=30,
    TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
)["UserPoolClient"]
spa_client_id = spa["ClientId"]
