# Solution to notebook 10, exercise 1: register a passkey for bob, then sign in with it.
# `idp`, `app`, `bob`, `APP_ORIGIN`, `SoftwareAuthenticator` and `json` come from the notebook.
bob_phone = SoftwareAuthenticator()

# 1. Bob signs in once (here with his password, through choice-based sign-in) ...
first = idp.initiate_auth(ClientId=app, AuthFlow="USER_AUTH",
                          AuthParameters={"USERNAME": bob.username, "PREFERRED_CHALLENGE": "PASSWORD",
                                          "PASSWORD": bob.password})
bob_access = first["AuthenticationResult"]["AccessToken"]

# 2. ... and registers a passkey: Cognito's options → his device → Cognito.
options = idp.start_web_authn_registration(AccessToken=bob_access)["CredentialCreationOptions"]
idp.complete_web_authn_registration(AccessToken=bob_access,
                                    Credential=bob_phone.create(options, origin=APP_ORIGIN))


# 3. From now on: ask for the WEB_AUTHN challenge and let the device sign it, on the app's origin.
def sign_in_with_passkey(username):
    started = idp.initiate_auth(ClientId=app, AuthFlow="USER_AUTH",
                                AuthParameters={"USERNAME": username,
                                                "PREFERRED_CHALLENGE": "WEB_AUTHN"})
    request = started["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"]
    assertion = bob_phone.get(request, origin=APP_ORIGIN)
    answered = idp.respond_to_auth_challenge(
        ClientId=app, ChallengeName="WEB_AUTHN", Session=started["Session"],
        ChallengeResponses={"USERNAME": username, "CREDENTIAL": json.dumps(assertion)})
    return answered["AuthenticationResult"]
