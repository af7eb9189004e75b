# Solution to notebook 01, exercise 1.
# A user pool proves who someone is and issues JWTs; an identity pool turns an identity
# (from the user pool, Google, SAML... or none at all, for guests) into AWS credentials.
answers = {
    "check a user's email and password, then issue JWTs": "user pool",
    "give a signed-in user temporary AWS credentials to upload a photo to S3": "identity pool",
    "send a sign-up confirmation code and enforce MFA": "user pool",
    "put the user's groups in a token that your API checks": "user pool",
    "let a visitor who has not signed in read from DynamoDB with a guest role": "identity pool",
    "exchange a Google sign-in for AWS credentials, with no user directory of your own":
        "identity pool",
}
