# Solution to notebook 02, exercise 2: a public app client for the single-page app.
# `lab` and `idp` come from the notebook.
#
# The decision first: `everything-allowed` has a client secret, and a secret can't be
# removed from a client. So the SPA gets a *new* client; the audit's findings say what to
# change on the way (and everything-allowed can be deleted once no app uses it).
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
    AllowedOAuthScopes=["openid", "email", "profile"],   # what the SPA shows; no
                                                         # aws.cognito.signin.user.admin
    CallbackURLs=["https://app.example.com/callback",       # the SPA's own URLs only: no
                  "http://localhost:3000/callback"],        # myapp:// (a mobile app's)
    LogoutURLs=["https://app.example.com/", "http://localhost:3000/"],
    WriteAttributes=["name"],                  # at sign-up: a name, never custom:tenant_id
    AccessTokenValidity=60,
    IdTokenValidity=60,
    RefreshTokenValidity=30,
    TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
)["UserPoolClient"]
spa_client_id = spa["ClientId"]
