"""Solution of notebook 12, exercise 1: the intranet's attribute mapping.

AttributeMapping goes user pool attribute → the IdP's claim. Map email_verified too: when
email is mapped, Cognito marks the address unverified unless the IdP's own claim says
otherwise. Leave role out: the app client may not write custom:role (Cognito would fail
the sign-in), and an IdP's claim should not make anyone an administrator of your app.
"""

attribute_mapping = {
    "email": "email",
    "email_verified": "email_verified",
    "name": "name",
    "custom:department": "department",
}
