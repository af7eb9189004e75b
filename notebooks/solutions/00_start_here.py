# Solution to notebook 00, exercise 1.
# The JWKS lives under the issuer, like every OpenID Connect discovery document.
aws_jwks_url = f"{lab.issuer}/.well-known/jwks.json"  # noqa: F821  (lab comes from the notebook)
