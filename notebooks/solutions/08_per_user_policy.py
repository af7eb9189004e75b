"""Solution to notebook 08, exercise 1: a folder of one's own for every signed-in user."""


def per_user_policy(bucket: str) -> dict:
    """The authenticated role's policy: every user gets private/<their identity id>/ of
    bucket, and only that. IAM replaces the variable with the caller's identity id."""
    own_folder = f"arn:aws:s3:::{bucket}/private/" + "${cognito-identity.amazonaws.com:sub}/*"
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "OwnFolder",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": own_folder,
        }],
    }
