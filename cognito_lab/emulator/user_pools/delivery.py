"""Messages Cognito sends, composed from the pool's templates and dropped in ``lab.mailbox``.

AWS, "Customizing email verification messages" and "Customizing user invitation messages":
verification messages use the pool's VerificationMessageTemplate (default subject "Your
verification code", body "Your verification code is {####}. "); AdminCreateUser's
invitation uses AdminCreateUserConfig.InviteMessageTemplate (default "Your username is
{username} and temporary password is {####}. "). API answers say where a code went in
``CodeDeliveryDetails`` with the address masked, e.g. ``a***@e***``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .directory import User

if TYPE_CHECKING:
    from .. import Emulator

DEFAULT_SUBJECT = "Your verification code"
DEFAULT_MESSAGE = "Your verification code is {####}. "
DEFAULT_INVITE_SUBJECT = "Your temporary password"
DEFAULT_INVITE_MESSAGE = "Your username is {username} and temporary password is {####}. "
MEDIUM_OF = {"email": "EMAIL", "phone_number": "SMS"}


def mask(destination: str) -> str:
    """How Cognito shows a destination: ``a***@e***`` or ``+*******0100``."""
    if "@" in destination:
        local, _, domain = destination.partition("@")
        return f"{local[:1]}***@{domain[:1]}***"
    return "+" + "*" * max(len(destination) - 5, 0) + destination[-4:]


def delivery_details(attribute: str, destination: str) -> dict:
    return {"Destination": mask(destination), "DeliveryMedium": MEDIUM_OF[attribute],
            "AttributeName": attribute}


def simulated_details(pool: dict, typed_username: str) -> dict:
    """PreventUserExistenceErrors: where a code *would* have gone for an unknown user,
    judged from the name typed and the pool's verification settings."""
    if "@" in typed_username:
        return delivery_details("email", typed_username)
    if typed_username.startswith("+"):
        return delivery_details("phone_number", typed_username)
    auto = pool.get("AutoVerifiedAttributes") or ["email"]
    if "phone_number" in auto and "email" not in auto:
        return delivery_details("phone_number", "+10000000000")
    return delivery_details("email", f"{typed_username}@example.com")


def _fill(template: str, code: str, username: str) -> str:
    return template.replace("{####}", code).replace("{username}", username)


def send_code(emulator: Emulator, pool: dict, user: User, attribute: str, code: str,
              kind: str) -> dict:
    """Deliver a verification / confirmation / reset code; return CodeDeliveryDetails."""
    template = pool.get("VerificationMessageTemplate") or {}
    destination = user.attributes[attribute]
    if attribute == "email":
        subject = (template.get("EmailSubject") or pool.get("EmailVerificationSubject")
                   or DEFAULT_SUBJECT)
        body = (template.get("EmailMessage") or pool.get("EmailVerificationMessage")
                or DEFAULT_MESSAGE)
    else:
        subject = "SMS"
        body = (template.get("SmsMessage") or pool.get("SmsVerificationMessage")
                or DEFAULT_MESSAGE)
    emulator.mailbox.deliver(to=destination, kind=kind, subject=subject,
                             body=_fill(body, code, user.username), code=code,
                             username=user.username)
    return delivery_details(attribute, destination)


def send_temporary_password(emulator: Emulator, pool: dict, user: User, typed_username: str,
                            password: str, mediums: list[str]) -> None:
    """AdminCreateUser's invitation, to each of DesiredDeliveryMediums the user has."""
    invite = (pool.get("AdminCreateUserConfig") or {}).get("InviteMessageTemplate") or {}
    for medium in mediums:
        attribute = "email" if medium == "EMAIL" else "phone_number"
        destination = user.attributes.get(attribute)
        if not destination:
            continue
        if attribute == "email":
            subject = invite.get("EmailSubject") or DEFAULT_INVITE_SUBJECT
            body = invite.get("EmailMessage") or DEFAULT_INVITE_MESSAGE
        else:
            subject, body = "SMS", invite.get("SMSMessage") or DEFAULT_INVITE_MESSAGE
        emulator.mailbox.deliver(to=destination, kind="temporary_password", subject=subject,
                                 body=_fill(body, password, typed_username), code=password,
                                 username=user.username)
