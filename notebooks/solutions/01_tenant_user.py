# Solution to notebook 01, exercise 2: an account in the globex tenant for Frank.
# `lab` and `idp` come from the notebook.
#
# The decision: the web client may not write custom:tenant_id (its WriteAttributes), and the
# attribute is immutable, so it can be set only as the user is created. Self-service
# sign-up can't do it; an administrator can, with AdminCreateUser (IAM credentials: the
# backend's, here the lab's). Cognito mails Frank a temporary password; at his first
# sign-in he chooses his own (NEW_PASSWORD_REQUIRED, notebook 03).
frank = "frank@globex.example"

try:                                    # if you tried the same address above: start again
    idp.admin_delete_user(UserPoolId=lab.user_pool_id, Username=frank)
except idp.exceptions.UserNotFoundException:
    pass

idp.admin_create_user(
    UserPoolId=lab.user_pool_id,
    Username=frank,
    UserAttributes=[
        {"Name": "email", "Value": frank},              # where his password is mailed
        {"Name": "custom:tenant_id", "Value": "globex"},  # set once, by an administrator
    ],
)
