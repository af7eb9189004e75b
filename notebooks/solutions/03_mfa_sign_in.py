# Solution to notebook 03, exercise 1: enrol bob in TOTP MFA, then sign in with a code.
# `lab`, `idp`, `server`, `bob`, `secret_hash` and `pyotp` come from the notebook.
bob_hash = secret_hash(bob.username, server.client_id, server.client_secret)

# 1. Sign in (no MFA yet) to get an access token for the enrolment calls.
first = idp.initiate_auth(ClientId=server.client_id, AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": bob.username, "PASSWORD": bob.password,
                                          "SECRET_HASH": bob_hash})
bob_access = first["AuthenticationResult"]["AccessToken"]

# 2. Associate a new secret (the QR code), verify a first code, make TOTP preferred.
bob_totp = pyotp.TOTP(idp.associate_software_token(AccessToken=bob_access)["SecretCode"])
idp.verify_software_token(AccessToken=bob_access, UserCode=bob_totp.at(lab.clock.now()),
                          FriendlyDeviceName="Bob's phone")
idp.set_user_mfa_preference(AccessToken=bob_access,
                            SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})


# 3. From now on, every sign-in ends with the SOFTWARE_TOKEN_MFA challenge.
def sign_in_with_mfa(username, password):
    hashed = secret_hash(username, server.client_id, server.client_secret)
    started = idp.initiate_auth(ClientId=server.client_id, AuthFlow="USER_PASSWORD_AUTH",
                                AuthParameters={"USERNAME": username, "PASSWORD": password,
                                                "SECRET_HASH": hashed})
    answered = idp.respond_to_auth_challenge(
        ClientId=server.client_id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=started["Session"],
        ChallengeResponses={"USERNAME": username, "SECRET_HASH": hashed,
                            "SOFTWARE_TOKEN_MFA_CODE": bob_totp.at(lab.clock.now())})
    return answered["AuthenticationResult"]
