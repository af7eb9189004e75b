# Solution to notebook 03, exercise 2: refresh before the access token expires.
# `lab`, `idp`, `web` and `decode_unverified` come from the notebook.
REFRESH_MARGIN = 5 * 60   # seconds


def valid_access_token(tokens):
    seconds_left = decode_unverified(tokens["AccessToken"]).payload["exp"] - lab.clock.now()
    if seconds_left < REFRESH_MARGIN:
        refreshed = idp.initiate_auth(ClientId=web.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                                      AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
        tokens.update(refreshed["AuthenticationResult"])   # new access and ID tokens
    return tokens["AccessToken"]
