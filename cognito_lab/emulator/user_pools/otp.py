"""One-time passwords for passwordless sign-in (USER_AUTH's EMAIL_OTP and SMS_OTP).

AWS, "Passwordless sign-in" and RespondToAuthChallenge: Cognito sends a code to the
user's verified email address or phone number; the app answers EMAIL_OTP with
EMAIL_OTP_CODE (SMS_OTP with SMS_OTP_CODE). A wrong code is CodeMismatchException and the
user may try again in the same session; a code whose session has run out is
ExpiredCodeException. The messages use the pool's SmsAuthenticationMessage for texts.

Lab's choices where AWS's pages are silent: codes have 8 digits and live as long as the
sign-in session (the app client's AuthSessionValidity, 3 minutes by default); the email
says "Your authentication code is {####}." under the subject "Your authentication code".
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...clock import Clock
from ..errors import CodeMismatchException, ExpiredCodeException
from .delivery import delivery_details
from .directory import User

if TYPE_CHECKING:
    from .. import Emulator

DIGITS = 8
EMAIL_SUBJECT = "Your authentication code"
DEFAULT_MESSAGE = "Your authentication code is {####}. "
ATTRIBUTE_OF = {"EMAIL_OTP": "email", "SMS_OTP": "phone_number"}
ANSWER_KEY = {"EMAIL_OTP": "EMAIL_OTP_CODE", "SMS_OTP": "SMS_OTP_CODE"}
MESSAGE_KIND = "sign_in_code"


def expired() -> ExpiredCodeException:
    return ExpiredCodeException("Invalid code provided, please request a code again.")


def mismatch() -> CodeMismatchException:
    return CodeMismatchException("Invalid code or auth state for the user.")


@dataclass(frozen=True)
class SentCode:
    code: str
    expires_at: float


class OtpBook:
    """The code sent for each open EMAIL_OTP / SMS_OTP session."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._codes: dict[str, SentCode] = {}

    def issue(self, session: str, expires_at: float) -> str:
        code = "".join(str(secrets.randbelow(10)) for _ in range(DIGITS))
        with self._lock:
            self._codes[session] = SentCode(code, expires_at)
        return code

    def check(self, session: str, answer: object) -> None:
        """Nothing if ``answer`` is the live code of ``session``; AWS's error otherwise."""
        with self._lock:
            sent = self._codes.get(session)
        if sent is None or sent.expires_at <= self._clock.now():
            raise expired()
        if not isinstance(answer, str) or not secrets.compare_digest(answer, sent.code):
            raise mismatch()
        with self._lock:
            self._codes.pop(session, None)


def send(emulator: Emulator, pool: dict, user: User, challenge: str, code: str) -> dict:
    """Deliver a sign-in code by email or text; the challenge parameters that say where."""
    attribute = ATTRIBUTE_OF[challenge]
    destination = user.attributes[attribute]
    if attribute == "email":
        body = DEFAULT_MESSAGE.replace("{####}", code)
        emulator.mailbox.deliver(to=destination, kind=MESSAGE_KIND, subject=EMAIL_SUBJECT,
                                 body=body, code=code, username=user.username, medium="EMAIL")
    else:
        template = pool.get("SmsAuthenticationMessage") or DEFAULT_MESSAGE
        emulator.mailbox.deliver(to=destination, kind=MESSAGE_KIND, subject="SMS",
                                 body=template.replace("{####}", code), code=code,
                                 username=user.username, medium="SMS")
    details = delivery_details(attribute, destination)
    return {"CODE_DELIVERY_DELIVERY_MEDIUM": details["DeliveryMedium"],
            "CODE_DELIVERY_DESTINATION": details["Destination"]}
