"""The recap quiz of each notebook: ``recap("04")`` at the end of notebook 04.

The questions live here, not in the notebooks, so a learner reading the cell does not read
the answers with it. Each question tests one of the lesson's key points, and every wrong
choice says what is wrong with it.
"""

from __future__ import annotations

from .quiz import Question as Q
from .quiz import Quiz

RECAPS: dict[str, list[Q]] = {
    "00": [
        Q("A token from the lab has iss = https://cognito-idp.us-east-1.amazonaws.com/<pool id>. "
          "Where does the lab serve the keys that verify it?",
          ["at the issuer + /.well-known/jwks.json, like AWS",
           "at lab.jwks_url, on 127.0.0.1",
           "nowhere: lab tokens are not signed"], answer=1,
          explain="Tokens carry the real AWS issuer; only the key URL is local "
                  "(lab.jwks_url). On AWS the keys live under the issuer.",
          why={0: "that is where AWS serves them — the lab cannot serve pages on "
                  "amazonaws.com, so its keys are at lab.jwks_url",
               2: "lab tokens are signed with RS256 like Cognito's; verifying them is "
                  "notebook 06"}),
        Q("An exercise's check cell says ❌ before you have written anything. What does that "
          "tell you?",
          ["the notebook is broken", "the check really checks: it refuses the untouched "
           "skeleton", "you must run the solution first"], answer=1,
          explain="Every check fails on the skeleton and on the usual wrong answers; it "
                  "prints ✅ only for an answer that works.",
          why={0: "the stored ❌ is on purpose: the skeleton is not an answer",
               2: "the solution runs in its own namespace and never fills in your answer; "
                  "try first, then open it"}),
        Q("Which page is the sign-in page Cognito hosts for your app, in today's AWS docs?",
          ["managed login (the classic hosted UI is its first version)",
           "the user pool's JWKS", "the identity pool's console page"], answer=0,
          explain="A user pool domain gives you managed login (or the classic hosted UI): "
                  "the OAuth 2.0 endpoints and ready-made sign-in pages.",
          why={1: "the JWKS holds public keys for verifying tokens, not a sign-in page",
               2: "identity pools hand out AWS credentials; they host no sign-in page"}),
    ],
    "01": [
        Q("Your app must give signed-in users temporary AWS credentials to upload to S3. "
          "Which part of Cognito does that?",
          ["a user pool", "an identity pool", "an app client"], answer=1,
          explain="An identity pool exchanges a token (or nothing, for guests) for "
                  "temporary credentials of an IAM role.",
          why={0: "a user pool authenticates people and issues JWTs; it hands out no AWS "
                  "credentials",
               2: "an app client is how an app talks to a user pool; it gives no AWS "
                  "credentials"}),
        Q("A user signed up and is UNCONFIRMED. What makes them CONFIRMED with a verified "
          "email?",
          ["signing in once", "ConfirmSignUp with the code Cognito mailed",
           "calling SignUp again"], answer=1,
          explain="Only the code sent to the address proves the user owns it.",
          why={0: "an unconfirmed user cannot sign in (UserNotConfirmedException)",
               2: "SignUp again fails: UsernameExistsException"}),
        Q("Your API needs to know whether a user is an admin. Which is safe?",
          ["check that cognito:groups contains \"admins\"",
           "take the first entry of cognito:groups",
           "read a custom:role attribute the web client may write"], answer=0,
          explain="Test membership. Precedence decides cognito:preferred_role and the order "
                  "of cognito:roles; AWS documents no order for cognito:groups.",
          why={1: "AWS does not document the order of the groups array: don't depend on it",
               2: "an attribute a user-facing client may write is one the user may change"}),
    ],
    "02": [
        Q("Which app client should a single-page app running in the browser use?",
          ["a confidential client, with its secret in the JavaScript bundle",
           "a public client: no secret, SRP and refresh, code flow with PKCE",
           "the server's client, shared"], answer=1,
          explain="Anyone can read a browser app's code, so it can keep no secret.",
          why={0: "a secret shipped to browsers is public: anyone can read it",
               2: "sharing the server's client gives the browser its secret and flows"}),
        Q("You call UpdateUserPoolClient with only AccessTokenValidity=30. What happens to "
          "the callback URLs you did not send?",
          ["they stay as they were", "they are set back to their defaults (none)",
           "Cognito refuses the call"], answer=1,
          explain="UpdateUserPoolClient sets every setting you leave out to its default: "
                  "describe the client, change what you need, send everything back.",
          why={0: "that is how a PATCH would work; UpdateUserPoolClient replaces",
               2: "the call succeeds — which is why the reset goes unnoticed"}),
        Q("What does PreventUserExistenceErrors=ENABLED change?",
          ["sign-in errors no longer reveal whether an account exists",
           "users can no longer sign up", "deleted users cannot sign in"], answer=0,
          explain="An unknown user and a wrong password then get the same "
                  "NotAuthorizedException. The API's default is LEGACY.",
          why={1: "sign-up is governed by the pool (AllowAdminCreateUserOnly), not this",
               2: "deleted users can never sign in; this setting only changes the error"}),
    ],
    "03": [
        Q("Why prefer USER_SRP_AUTH to USER_PASSWORD_AUTH in a browser app?",
          ["SRP is faster", "the password never travels to Cognito",
           "SRP needs no app client"], answer=1,
          explain="SRP proves knowledge of the password without sending it.",
          why={0: "SRP costs an extra round trip; it is chosen for safety, not speed",
               2: "every sign-in goes through an app client"}),
        Q("When should an app refresh its access token?",
          ["after the API answers 401", "shortly before it expires (e.g. 5 minutes left)",
           "before every API call"], answer=1,
          explain="Refreshing before expiry costs no failed call; refreshing on every call "
                  "costs a round trip each time.",
          why={0: "then every expiry costs failed calls first",
               2: "wasteful: a token is good for its whole lifetime"}),
        Q("A user signs out with GlobalSignOut. Your API verifies tokens locally. What "
          "happens to the access token the user already had?",
          ["it is refused at once", "it is accepted until it expires",
           "it becomes an ID token"], answer=1,
          explain="Local verification reads only the token; keep access tokens short.",
          why={0: "only Cognito knows about the sign-out; a local verifier does not ask it",
               2: "tokens do not change kind"}),
    ],
    "04": [
        Q("What does PKCE protect against?",
          ["someone who steals the authorization code redeeming it",
           "a stolen access token being used", "phishing of the password"], answer=0,
          explain="Only the app that holds the code_verifier can redeem the code.",
          why={1: "PKCE guards the code's redemption; a stolen token is a bearer token",
               2: "the password is typed on Cognito's page; PKCE is about the code"}),
        Q("Who checks the state parameter on the callback?",
          ["Cognito", "your app", "nobody needs to"], answer=1,
          explain="state binds the callback to the sign-in your app started (CSRF).",
          why={0: "Cognito returns state unchanged; it cannot know your app's session",
               2: "without the check, an attacker can log a victim into the attacker's "
                  "account"}),
        Q("Where does Amplify v6 keep tokens by default, in a browser?",
          ["in memory only", "in localStorage", "in an HttpOnly cookie"], answer=1,
          explain="Its default key-value storage is localStorage; change it with "
                  "cognitoUserPoolsTokenProvider.setKeyValueStorage(...) (sessionStorage, "
                  "CookieStorage or your own in-memory store).",
          why={0: "not by default: you must give it an in-memory store yourself",
               2: "JavaScript cannot set HttpOnly cookies; a backend has to"}),
    ],
    "05": [
        Q("A client-credentials token's sub is…",
          ["the user's id", "the app client's id", "the resource server's identifier"],
          answer=1,
          explain="There is no user: the token names the app client, with no ID token and "
                  "no refresh token.",
          why={0: "no user takes part in client credentials",
               2: "the resource server appears in the scopes (orders/read), not in sub"}),
        Q("A valid token without the route's scope reaches your API. The answer is…",
          ["401", "403 insufficient_scope", "200, the token is valid"], answer=1,
          explain="Valid but not allowed is 403; 401 is for a missing or bad token.",
          why={0: "401 means no acceptable token; this one is valid",
               2: "validity is not permission: check the scope on every route"}),
        Q("A job calls the API every second. How should it get tokens?",
          ["a new token for every call", "cache one and renew it a little before expiry",
           "use one token forever"], answer=1,
          explain="Fewer round trips, no throttling, a smaller bill, and no expired token.",
          why={0: "wasteful and throttled; token requests are billed",
               2: "it expires (an hour by default); then every call fails"}),
    ],
    "06": [
        Q("A token's header says alg: none. Your verifier should…",
          ["accept it if the claims are right", "refuse it: you choose the algorithm "
           "(RS256)", "verify it with HS256"], answer=1,
          explain="The allowed algorithms are the verifier's choice, never the token's.",
          why={0: "then anyone can write a token",
               2: "HS256 with the public key as secret is the classic key-confusion forgery"}),
        Q("Which token does your API accept?",
          ["the ID token", "the access token", "either, if the signature is valid"],
          answer=1,
          explain="Check token_use == 'access' and client_id; ID tokens are for the app.",
          why={0: "the ID token is for the app to read who signed in; its aud is the app",
               2: "both are signed by the pool; token_use tells them apart"}),
        Q("The kid of a token is not in your cached JWKS. What do you do?",
          ["reject at once, forever", "refetch the JWKS, at most once in a while",
           "fetch the key from the token's jku URL"], answer=1,
          explain="Rotation then just works, and made-up kids cost nothing.",
          why={0: "then every key rotation breaks your API",
               2: "never take keys (or key URLs) from the token itself"}),
    ],
    "07": [
        Q("Why verify tokens locally rather than call GetUser per request?",
          ["it is more secure", "microseconds, no network call, no quota",
           "GetUser does not check signatures"], answer=1,
          explain="GetUser per request costs milliseconds and inherits Cognito's quotas.",
          why={0: "GetUser sees revocations at once; local verification trades that away",
               2: "GetUser validates the token on Cognito's side"}),
        Q("What is the price of local verification?",
          ["a revoked token is accepted until it expires", "slower requests",
           "you need IAM credentials"], answer=0,
          explain="Bound that window with short access-token lifetimes.",
          why={1: "local verification is the fast option",
               2: "verifying needs only the public keys"}),
    ],
    "08": [
        Q("What must a role that the identity pool hands out trust, per AWS's identity pool "
          "best practices?",
          ["any web identity", "cognito-identity.amazonaws.com, with conditions on aud "
           "(your identity pool) and amr (authenticated or unauthenticated)",
           "the user pool's app client"], answer=1,
          explain="IAM requires at least one condition; AWS recommends both aud and amr on "
                  "every role that trusts the identity pool service (STS requires both "
                  "for cross-account basic-flow requests).",
          why={0: "then any identity pool could assume your role",
               2: "roles trust the identity pool service principal, not an app client"}),
        Q("Which Resource gives every user a folder of their own?",
          ["arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/private/${cognito-identity."
           "amazonaws.com:sub}/*", "arn:aws:s3:::bucket/private/*"], answer=1,
          explain="IAM replaces the variable with the caller's identity id.",
          why={0: "every user could read and overwrite everyone's files",
               2: "every user could still read every private folder"}),
        Q("Where may AdminGetUser be called?",
          ["in the browser, with the identity pool's credentials", "on your backend, with "
           "its own IAM credentials", "anywhere with a valid access token"], answer=1,
          explain="Admin APIs are authorized by IAM; a browser role must not have them.",
          why={0: "that would give every user the admin API",
               2: "admin APIs ignore user tokens: they need IAM credentials"}),
    ],
    "09": [
        Q("Where should an API get the caller's tenant?",
          ["from a header the SPA sends", "from the ID token", "from a claim a V2_0 pre "
           "token generation trigger put in the verified access token"], answer=2,
          explain="Access tokens carry no custom attributes by default; a V2_0 trigger "
                  "copies the immutable tenant in, where the user cannot write it.",
          why={0: "the client chooses headers: anyone could claim any tenant",
               1: "APIs accept access tokens only (notebook 06)"}),
        Q("A PreSignUp trigger returns the event unchanged for every sign-up. It…",
          ["screens sign-ups", "lets everyone in: attaching a trigger is not screening",
           "blocks every sign-up"], answer=1,
          explain="What counts is what the trigger does: refuse the domains it must, let "
                  "the others in.",
          why={0: "a trigger that refuses nothing screens nothing",
               2: "returning the event accepts the sign-up"}),
        Q("You fix an app client with UpdateUserPoolClient. How do you keep its other "
          "settings?",
          ["send only what changes", "describe it, change what you need, send every "
           "setting back", "delete and re-create the client"], answer=1,
          explain="UpdateUserPoolClient resets what you leave out.",
          why={0: "the callback URLs, OAuth flows and scopes would be reset",
               2: "a new client has a new id: every app would need reconfiguring"}),
    ],
    "10": [
        Q("Your pool is on the Lite plan and you add EMAIL_OTP to AllowedFirstAuthFactors. "
          "What does Cognito do?",
          ["sends codes by email from then on",
           "refuses the setting: passwordless first factors need Essentials or Plus",
           "accepts it but ignores it until you add a domain"], answer=1,
          explain="One-time passwords and passkeys are Essentials features: Cognito answers "
                  "FeatureUnavailableInTierException.",
          why={0: "Lite has no passwordless sign-in; the setting itself is refused",
               2: "a domain has nothing to do with it; the plan does"}),
        Q("The app starts USER_AUTH with only USERNAME. What comes back?",
          ["tokens, if the username exists",
           "SELECT_CHALLENGE with the AvailableChallenges this user can meet",
           "an error: PREFERRED_CHALLENGE is required"], answer=1,
          explain="Without a preference, Cognito lists the user's choices; the app answers "
                  "SELECT_CHALLENGE with ANSWER.",
          why={0: "a username proves nothing: every factor needs an answer",
               2: "PREFERRED_CHALLENGE is optional"}),
        Q("A phishing site at a look-alike address relays Cognito's WEB_AUTHN challenge to "
          "the user. Why does it get nothing it can use?",
          ["passkeys expire after one minute",
           "the browser won't use the shop's passkey there, and a signature names the "
           "origin it was made for, which Cognito checks",
           "Cognito blocks unknown IP addresses"], answer=1,
          explain="The origin is inside the signed data: a signature made for the phishing "
                  "origin is refused, and changing the origin breaks the signature.",
          why={0: "a passkey lasts until it is deleted; the challenge is what is fresh",
               2: "Cognito doesn't judge IP addresses here; the signed origin does the work"}),
    ],
    "11": [
        Q("A REST API method sits behind a Cognito user pool authorizer and names no OAuth "
          "scopes. Which token gets in?",
          ["the pool's access tokens", "the pool's ID tokens, from any of its app clients",
           "any JWT with a valid signature"], answer=1,
          explain="Without scopes the Cognito authorizer takes the ID token; name the API's "
                  "scope on the method and it takes only access tokens carrying it.",
          why={0: "without scopes the authorizer refuses access tokens: it wants the ID "
                  "token — the pitfall",
               2: "the token must come from a user pool named in the authorizer's "
                  "providerARNs"}),
        Q("A Lambda authorizer asks GetUser and its answers are cached for 300 seconds. A "
          "user signs out everywhere. How long can their access token still get in?",
          ["not at all: GetUser refuses it", "until the cached answer's TTL runs out, up "
           "to 5 minutes", "until the token's exp, always"], answer=1,
          explain="While the answer is cached, the authorizer is not invoked; once the TTL "
                  "is over it asks GetUser again, which refuses the token.",
          why={0: "the cached \"yes\" is used without invoking the authorizer",
               2: "that is the window of an authorizer that never asks Cognito (the JWT "
                  "authorizer); this one asks again when the TTL runs out"}),
        Q("Which scope should a method that lists orders require?",
          ["openid", "the API's own scope, orders/read", "aws.cognito.signin.user.admin"],
          answer=1,
          explain="A method accepts a token carrying any one of its scopes: ask for the "
                  "scope that says what this caller may do.",
          why={0: "every user's hosted-UI sign-in may carry openid: any app of the pool "
                  "would get in",
               2: "InitiateAuth gives this scope to every signed-in user; it says the token "
                  "may call Cognito's user APIs, not yours"}),
    ],
    "12": [
        Q("Your app opens /oauth2/authorize?identity_provider=Corp with its state and a PKCE "
          "challenge. What does Cognito send on to Corp's IdP?",
          ["the app's state and code_challenge, so the IdP can check them",
           "its own client id, state and nonce: the app's state and PKCE stay with Cognito",
           "the app's client id and client secret"], answer=1,
          explain="Cognito is the IdP's client: it starts a code flow of its own and "
                  "answers the app only once the user is back at /oauth2/idpresponse.",
          why={0: "the IdP never sees the app's request: no code_challenge travels to it",
               2: "the IdP knows Cognito, not your app; Cognito uses the client id and "
                  "secret the IdP gave it"}),
        Q("A provider's AttributeMapping is {\"custom:department\": \"department\"}. What "
          "happens when the IdP's department claim changes?",
          ["nothing: attributes are copied once, when the user is created",
           "the user's custom:department is updated at their next sign-in",
           "Cognito refuses the sign-in until an administrator approves the change"],
          answer=1,
          explain="The mapping (user pool attribute → IdP claim) is applied at every "
                  "sign-in: the IdP stays the source of truth.",
          why={0: "Cognito applies the mapping at every sign-in, not only the first",
               2: "nothing waits for an administrator; the new value is written"}),
        Q("A pre sign-up trigger links every federated sign-in to the existing user with the "
          "same email. Why is that an account-takeover risk?",
          ["it isn't: an IdP always checks email addresses",
           "someone who gets an IdP to state your address, unverified, signs in as you",
           "linking reveals the user's password to the IdP"], answer=1,
          explain="Link only when the IdP says email_verified and the existing user's email "
                  "is verified too; otherwise the address proves nothing.",
          why={0: "many IdPs let users type any address; the email_verified claim says "
                  "whether this one was checked",
               2: "linking shares no password; the danger is who gets into the account"}),
        Q("An employee posts a SAML response holding two assertions: their own, signed, "
          "hidden in Extensions, and an unsigned copy naming the CEO where the assertion "
          "goes. The signature verifies. What should the service provider do?",
          ["accept it: a valid signature from the IdP is in the response",
           "refuse it: the assertion it would read is not the one the signature covers",
           "sign the CEO in, but only with the attributes of the signed assertion"],
          answer=1,
          explain="XML signature wrapping: a signature proves only the element it covers. "
                  "Cognito reads that element and nothing else, so the forgery is refused.",
          why={0: "the signature covers the employee's own assertion, not the one naming "
                  "the CEO",
               2: "nothing in the unsigned copy can be trusted, its subject least of all"}),
    ],
}


def recap(number: str) -> Quiz:
    """The recap quiz of notebook ``number`` ("00" … "12")."""
    return Quiz(RECAPS[number], title=f"Recap of notebook {number}: check your understanding")


__all__ = ["RECAPS", "recap"]
