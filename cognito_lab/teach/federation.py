"""Notebook 12's exercise checks (federation).

``check_attribute_mapping(lab, attribute_mapping)`` registers the learner's AttributeMapping
for a corporate OIDC IdP on a fresh user pool like the notebook's intranet pool, signs one
of the IdP's employees in through it (over HTTP, both hops) and reads what Cognito stored.

AWS, "Mapping IdP attributes to profiles and tokens": AttributeMapping maps *user pool
attributes* to *IdP claims*, applied at every sign-in; UserPoolClientType WriteAttributes:
"If your app client allows users to sign in through an IdP, this array must include all
attributes that you have mapped to IdP attributes … If your app client does not have write
access to a mapped attribute, Amazon Cognito throws an error when it tries to update the
attribute"; AWS Knowledge Center, email_verified: "If an email attribute is mapped, the
email_verified attribute changes to unverified by default."
"""

from __future__ import annotations

import itertools
from typing import Any

from botocore.exceptions import ClientError

from ..idp import IdpUser, OidcProvider
from . import Verdict, verdict
from .federated_sign_in import CALLBACK, federated_sign_in
from .sign_in import error_text

_runs = itertools.count(1)

PROVIDER = "Corp"
# What the corporate IdP says about its employees (the claim names the exercise lists).
CLAIMS = {"email": "dana@corp.example", "email_verified": True, "name": "Dana Corp",
          "department": "finance", "role": "admin"}
# What the intranet's app client may write (custom:role is for administrators).
WRITABLE = ("email", "email_verified", "name", "custom:department")
WANTED = {"email": CLAIMS["email"], "email_verified": "true", "name": CLAIMS["name"],
          "custom:department": CLAIMS["department"]}
STANDARD_ATTRIBUTES = frozenset((
    "address", "birthdate", "email", "email_verified", "family_name", "gender", "given_name",
    "locale", "middle_name", "name", "nickname", "phone_number", "phone_number_verified",
    "picture", "preferred_username", "profile", "updated_at", "website", "zoneinfo",
    "username"))
POOL_ATTRIBUTES = STANDARD_ATTRIBUTES | {"custom:department", "custom:role"}
IDP_CLAIMS = frozenset({"sub", *CLAIMS})


def _federate(cognito: Any, pool_id: str, idp_server: OidcProvider, mapping: dict,
              **client: Any) -> str:
    """Register ``idp_server`` as Corp in ``pool_id`` and make the intranet's app client
    (with ``client``'s extra settings); return its id."""
    cognito.create_identity_provider(
        UserPoolId=pool_id, ProviderName=PROVIDER, ProviderType="OIDC",
        ProviderDetails={"client_id": idp_server.client_id,
                         "client_secret": idp_server.client_secret,
                         "oidc_issuer": idp_server.issuer,
                         "authorize_scopes": "openid email profile",
                         "attributes_request_method": "GET"},
        AttributeMapping=mapping)
    return cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="intranet", CallbackURLs=[CALLBACK],
        AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "email", "profile"],
        AllowedOAuthFlowsUserPoolClient=True,
        SupportedIdentityProviders=["COGNITO", PROVIDER], **client)["UserPoolClient"]["ClientId"]


def _intranet_pool(lab: Any, idp_server: OidcProvider, mapping: dict) -> tuple[str, str]:
    """A user pool like notebook 12's intranet pool, federating to ``idp_server`` with
    ``mapping``; return (pool id, app client id). ClientError if Cognito refuses."""
    cognito = lab.client("cognito-idp")
    pool_id = cognito.create_user_pool(
        PoolName=f"intranet-check-{next(_runs)}",
        Schema=[{"Name": "department", "AttributeDataType": "String", "Mutable": True},
                {"Name": "role", "AttributeDataType": "String", "Mutable": True}],
    )["UserPool"]["Id"]
    return pool_id, _federate(cognito, pool_id, idp_server, mapping,
                              WriteAttributes=list(WRITABLE))


def _backwards(mapping: dict) -> list[str]:
    """Entries written claim -> attribute: a key only the IdP uses, or a value only the
    user pool uses."""
    return [f"{key!r}: {value!r}" for key, value in mapping.items()
            if (key not in POOL_ATTRIBUTES and key in IDP_CLAIMS)
            or (value in POOL_ATTRIBUTES - IDP_CLAIMS)]


def check_attribute_mapping(lab: Any, attribute_mapping: Any) -> Verdict:
    """Does ``attribute_mapping`` give a Corp employee email (verified), name and
    custom:department from Corp's claims, and nothing the app client may not write?"""
    if not isinstance(attribute_mapping, dict) or not attribute_mapping:
        return verdict(False, "", "Not done yet: fill in `attribute_mapping` (a dict: user "
                                  "pool attribute → Corp's claim).")
    backwards = _backwards(attribute_mapping)
    if backwards:
        return verdict(False, "", "Some entries are written backwards: AttributeMapping goes "
                       "user pool attribute → IdP claim.",
                       details=[*backwards, "The key is your pool's attribute (`name`, "
                                "`custom:department`), the value the claim Corp sends."])
    unknown = sorted(k for k in attribute_mapping if k not in POOL_ATTRIBUTES)
    if unknown:
        return verdict(False, "", f"The intranet pool has no attribute {', '.join(unknown)}.",
                       details=["Custom attributes are named `custom:…` "
                                "(`custom:department`)."])
    employee = IdpUser("dana", "Dana-Passw0rd!", dict(CLAIMS))
    with OidcProvider.start(users=[employee], title="Example Corp sign-in") as corp:
        try:
            pool_id, client_id = _intranet_pool(lab, corp, dict(attribute_mapping))
        except ClientError as exc:
            return verdict(False, "", "Cognito refused the identity provider.",
                           details=[error_text(exc)])
        outcome = federated_sign_in(lab, client_id, PROVIDER, employee.username,
                                    employee.password)
    unwritable = sorted(k for k in attribute_mapping if k not in WRITABLE and k != "username")
    if unwritable:
        return verdict(False, "", f"The app client can't write {', '.join(unwritable)}, so "
                       "Cognito refuses dana's sign-in when it tries to update it.",
                       details=[*([f"Cognito said: {outcome.error}"] if outcome.error else []),
                                "Cognito writes mapped attributes through the app client, so "
                                "its WriteAttributes must include every one of them.",
                                "`custom:role` is set by administrators: an IdP's say-so "
                                "must not make anyone an admin of your app."])
    if not outcome:
        return verdict(False, "", "dana's sign-in through Corp failed.",
                       details=[outcome.error or "no tokens came back"])
    user = lab.client("cognito-idp").admin_get_user(
        UserPoolId=pool_id, Username=outcome.id_claims["cognito:username"])
    stored = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    wrong = [f"{name}: {stored.get(name, '(not set)')}, wanted {value}"
             for name, value in WANTED.items() if stored.get(name) != value]
    if stored.get("email_verified") != "true" and all(
            stored.get(n) == v for n, v in WANTED.items() if n != "email_verified"):
        return verdict(False, "", "dana's email stays unverified, though Corp says it is "
                       "verified.",
                       details=["When email is mapped, Cognito marks it unverified unless a "
                                "mapping says otherwise: map Corp's email_verified claim too.",
                                "An unverified email can't receive a password reset code, "
                                "and linking accounts on it is unsafe (later in this "
                                "notebook)."])
    if wrong:
        return verdict(False, "", "dana signed in, but her profile is incomplete.",
                       details=wrong)
    return verdict(True, "dana signed in through Corp with email (verified), name and "
                         "custom:department from Corp's claims; custom:role stays with "
                         "the administrators.", "",
                   details=[f"{name} = {stored[name]}" for name in WANTED])


# -- exercise 2: a pre sign-up trigger that links safely -------------------------------------
# Who signs in through Corp in the check, and the native user (if any) with their address.
#   erin:    Corp says verified;      native erin, email verified   -> link
#   frank:   Corp says verified;      native frank, email NOT verified (anyone may have
#            registered it)                                          -> no link
#   mallory: Corp says NOT verified,  gina's address; native gina verified -> no link
#   hal:     Corp says verified;      no native user                 -> a new Corp_ profile
_LINKING_IDP = {
    "erin": ("erin@corp.example", True),
    "frank": ("frank@corp.example", True),
    "mallory": ("gina@corp.example", False),
    "hal": ("hal@corp.example", True),
}
_NATIVE = {"erin": ("erin@corp.example", True), "frank": ("frank@corp.example", False),
           "gina": ("gina@corp.example", True)}
_LINKING_MAPPING = {"email": "email", "email_verified": "email_verified", "name": "name"}


class _Watched:
    """The learner's trigger, bound as the pool's PreSignUp: inert while the check sets up
    its native users, then called, with what it raised kept for the feedback."""

    def __init__(self, trigger: Any) -> None:
        self.trigger = trigger
        self.armed = False
        self.raised: list[BaseException] = []

    def __call__(self, event: dict, context: Any = None) -> Any:
        if not self.armed:
            return event
        try:
            return self.trigger(event, context)
        except Exception as exc:
            self.raised.append(exc)
            raise


def _linking_pool(lab: Any, idp_server: OidcProvider, watched: _Watched,
                  arn: str) -> tuple[str, str]:
    """A pool federating to ``idp_server`` with ``watched`` as its PreSignUp (``arn``), and
    the native users of ``_NATIVE``; return (pool id, app client id)."""
    cognito = lab.client("cognito-idp")
    lab.functions.bind(arn, watched)
    pool_id = cognito.create_user_pool(PoolName=arn.rpartition(":")[2],
                                       LambdaConfig={"PreSignUp": arn})["UserPool"]["Id"]
    client_id = _federate(cognito, pool_id, idp_server, _LINKING_MAPPING)
    for username, (email, verified) in _NATIVE.items():
        cognito.admin_create_user(
            UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": email},
                            {"Name": "email_verified", "Value": str(verified).lower()}])
    return pool_id, client_id


def _raised(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def check_link_trigger(lab: Any, link_verified_email: Any) -> Verdict:
    """As the pool's pre sign-up trigger, does ``link_verified_email`` link a Corp sign-in
    to the native user with the same email only when Corp says ``email_verified`` and the
    native user's email is verified, and let every other sign-in through unlinked?"""
    if not callable(link_verified_email):
        return verdict(False, "", "Not done yet: `link_verified_email` should be a function "
                                  "(event, context) that returns the event.")
    watched = _Watched(link_verified_email)
    employees = [IdpUser(name, f"{name.title()}-Passw0rd!",
                         {"email": email, "email_verified": verified, "name": name.title()})
                 for name, (email, verified) in _LINKING_IDP.items()]
    arn = lab.functions.arn(f"link-verified-email-check-{next(_runs)}")
    try:
        with OidcProvider.start(users=employees, title="Example Corp sign-in") as corp:
            _pool_id, client_id = _linking_pool(lab, corp, watched, arn)
            watched.armed = True
            outcomes = {}
            for user in employees:
                outcomes[user.username] = federated_sign_in(lab, client_id, PROVIDER,
                                                            user.username, user.password)
                if any(isinstance(exc, NotImplementedError) for exc in watched.raised):
                    break
    finally:
        lab.functions.unbind(arn)
    if any(isinstance(exc, NotImplementedError) for exc in watched.raised):
        return verdict(False, "", "Not done yet: fill in `link_verified_email`.")
    signed_in_as = {name: outcome.id_claims.get("cognito:username") if outcome else None
                    for name, outcome in outcomes.items()}
    details = [f"{name} (Corp: {email}, email_verified {str(verified).lower()}) → "
               + (f"signed in as {signed_in_as[name]}" if outcomes[name]
                  else f"refused: {outcomes[name].error}")
               for name, (email, verified) in _LINKING_IDP.items()]
    if signed_in_as["mallory"] == "gina":
        return verdict(False, "", "Account takeover: mallory signed in as gina. Corp did not "
                       "verify that mallory owns gina@corp.example (email_verified false), "
                       "and your trigger linked anyway.",
                       details=["Link only when the IdP's email_verified is \"true\".",
                                *details])
    if signed_in_as["frank"] == "frank":
        return verdict(False, "", "Your trigger linked Corp's frank to a native account "
                       "whose email is not verified.",
                       details=["Anyone can sign up with an address they don't own and "
                                "wait: the real owner's first Corp sign-in would land in "
                                "the attacker's account. Link only to a native user whose "
                                "email_verified is \"true\".", *details])
    if watched.raised:
        return verdict(False, "", "Your trigger raised "
                       f"{_raised(watched.raised[0])}, so Cognito refused the sign-in.",
                       details=details)
    if signed_in_as["erin"] != "erin":
        return verdict(False, "", "erin's Corp sign-in did not reach her account: no link "
                       "was made, though both sides verified erin@corp.example.",
                       details=["Find the native user with ListUsers (Filter email = "
                                "\"…\") and call AdminLinkProviderForUser before returning "
                                "the event.", *details])
    failed = [name for name, outcome in outcomes.items() if not outcome]
    if failed:
        return verdict(False, "", f"{', '.join(failed)} could not sign in: a trigger that "
                       "doesn't link should still let the sign-in through.", details=details)
    return verdict(True, "Your trigger links only when both sides verified the address: erin "
                         "reached her account; frank, mallory and hal got profiles of their "
                         "own.", "", details=details)


__all__ = ["check_attribute_mapping", "check_link_trigger"]
