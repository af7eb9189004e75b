# Solution to notebook 01, exercise 2: self-service sign-up through the public web client,
# then confirmation with the code Cognito mailed (the lab delivers it to lab.mailbox).
# `lab`, `idp` and `web` come from the notebook.
new_email = "frank@example.com"

idp.sign_up(
    ClientId=web.client_id,
    Username=new_email,
    Password="Tangerine-Kite-2024",          # 12+ characters, upper, lower and a digit
    UserAttributes=[
        {"Name": "email", "Value": new_email},   # no custom:tenant_id: the web client may
    ],                                           # not write it (an administrator sets it)
)

code = lab.mailbox.latest_code(new_email)
idp.confirm_sign_up(ClientId=web.client_id, Username=new_email, ConfirmationCode=code)
