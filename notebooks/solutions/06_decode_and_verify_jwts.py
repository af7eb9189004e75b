# Solution to notebook 06, exercise 1: verify() for the orders API, with PyJWT.
# The API accepts access tokens that this user pool issued to the "server" app client.
import jwt

API_CLIENT_ID = lab.app_clients["server"].client_id  # noqa: F821  (lab comes from the notebook)
jwks_client = jwt.PyJWKClient(lab.jwks_url)  # noqa: F821  (on AWS: issuer + /.well-known/jwks.json)


def verify(token: str) -> dict:
    """Return the claims of a token the API accepts; raise for anything else."""
    # 1. The key: the kid in the header must be one of the pool's keys (never a key or a key
    #    URL from the token itself: PyJWKClient looks the kid up in the pool's JWKS only).
    signing_key = jwks_client.get_signing_key_from_jwt(token)
    # 2. Signature and standard claims. algorithms=["RS256"] is the allow-list that stops
    #    "none" and HS256; issuer= pins the pool; require= makes exp (and the rest) mandatory.
    claims = jwt.decode(
        token, signing_key.key, algorithms=["RS256"], issuer=lab.issuer,  # noqa: F821
        options={"require": ["exp", "iat", "iss", "sub", "token_use", "client_id"]})
    # 3. PyJWT runs int() on exp, so exp "9999999999" (a string) would pass: check the type.
    if not isinstance(claims["exp"], int):
        raise jwt.InvalidTokenError("exp must be a number")
    # 4. What PyJWT does not know about Cognito: the kind of token and the app client.
    if claims["token_use"] != "access":
        raise jwt.InvalidTokenError(f"token_use is {claims['token_use']!r}, not 'access'")
    if claims["client_id"] != API_CLIENT_ID:
        raise jwt.InvalidTokenError("issued to another app client")
    return claims
