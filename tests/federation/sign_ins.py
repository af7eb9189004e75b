"""A whole federated sign-in in one call, for tests about who it signs in as."""

from __future__ import annotations

from dataclasses import dataclass

import jwt

from .conftest import CALLBACK
from .helpers import back_at_cognito, first_hop, query_of, redeem, sign_in_at_idp


@dataclass
class Outcome:
    """Where Cognito sent the browser back to the app, and what that answer carried."""

    location: str
    params: dict[str, str]
    id_claims: dict | None       # the ID token's claims when a code came back

    @property
    def refused(self) -> bool:
        return "code" not in self.params and "error" in self.params


def sign_in(fed) -> Outcome:
    """Carol signs in at the IdP; the app redeems the code it gets back (if any)."""
    hop = first_hop(fed)
    answer = back_at_cognito(hop, sign_in_at_idp(fed, hop))
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK), location
    params = query_of(location)
    claims = None
    if "code" in params:
        tokens = redeem(fed, params["code"], hop.verifier)
        assert tokens.status_code == 200, tokens.text
        claims = jwt.decode(tokens.json()["id_token"], options={"verify_signature": False})
    return Outcome(location, params, claims)


def native_user(fed, username: str, **attributes: str) -> dict:
    """A user with a username and password (AdminCreateUser, then a permanent password)."""
    cognito = fed.lab.client("cognito-idp")
    cognito.admin_create_user(
        UserPoolId=fed.pool_id, Username=username, MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()])
    cognito.admin_set_user_password(UserPoolId=fed.pool_id, Username=username,
                                    Password="Native-Passw0rd!", Permanent=True)
    return cognito.admin_get_user(UserPoolId=fed.pool_id, Username=username)


def attributes_of(user: dict) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in user.get("UserAttributes", user.get("Attributes", []))}
