"""USER_SRP_AUTH from the app's side: prove you know the password without sending it.

Secure Remote Password (SRP-6a, RFC 2945 / RFC 5054) as Amazon Cognito runs it, in the
steps the protocol names. The server stored a *verifier* v = g^x mod N when the password
was set; it never sees the password again.

1. ``start``: pick a secret ``a``, send ``A = g^a mod N`` (InitiateAuth, AuthFlow
   USER_SRP_AUTH, AuthParameters USERNAME + SRP_A).
2. Cognito answers the PASSWORD_VERIFIER challenge: ``SALT``, ``SRP_B`` (B = k·v + g^b),
   ``SECRET_BLOCK`` and ``USER_ID_FOR_SRP``.
3. ``answer``: compute
   u = H(A | B),  x = H(salt | H(pool | user id | ":" | password)),
   S = (B − k·g^x)^(a + u·x) mod N  — the same S the server gets from (A·v^u)^b —
   K = HKDF(S, salt=u, info="Caldera Derived Key"), and sign
   M = HMAC(K, pool | user id | secret block | timestamp); send it as
   PASSWORD_CLAIM_SIGNATURE (RespondToAuthChallenge).

Only someone who knows the password can compute S, so only they can make M; neither A,
B nor M lets an eavesdropper test password guesses offline. Cognito's conventions: the
3072-bit RFC 5054 group with g = 2, SHA-256, "pool" is the part of the pool id after the
underscore, numbers are hashed in a padded hex form, and the timestamp looks like
"Tue Jan 6 09:05:02 UTC 2026" (day not zero-padded).

    >>> from cognito_lab.client import srp
    >>> result = srp.sign_in(idp, pool_id=lab.user_pool_id, client_id=web.client_id,
    ...                      username=alice.username, password=alice.password)  # doctest: +SKIP

pycognito's ``AWSSRP`` implements the same protocol; either works against the lab and AWS.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .secret_hash import secret_hash

__all__ = ["SrpClient", "SrpTrace", "cognito_timestamp", "sign_in"]

# RFC 5054's published group, kept here as every Cognito SDK ships it: this module is read
# as the app's whole half of SRP, and a published constant cannot drift from the server's.
N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA4836"
    "1C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804"
    "F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6"
    "955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64"
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D226"
    "1AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2"
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N = int(N_HEX, 16)      # RFC 5054's 3072-bit safe prime
G = 2                   # its generator
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def pad_hex(value: int | str) -> str:
    """A number in the hex form Cognito hashes: even length, never starting with 8-F."""
    text = value if isinstance(value, str) else format(value, "x")
    if len(text) % 2:
        return "0" + text
    return "00" + text if text[0] in "89abcdefABCDEF" else text


def hash_hex(hex_string: str) -> str:
    return hashlib.sha256(bytes.fromhex(hex_string)).hexdigest()


K_MULTIPLIER = int(hash_hex("00" + N_HEX + "0" + format(G, "x")), 16)   # k = H(N | g)


def cognito_timestamp(moment: datetime | None = None) -> str:
    """The TIMESTAMP Cognito signs over, e.g. ``Tue Jan 6 09:05:02 UTC 2026``."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return (f"{DAYS[moment.weekday()]} {MONTHS[moment.month - 1]} {moment.day} "
            f"{moment:%H:%M:%S} UTC {moment.year}")


@dataclass
class SrpTrace:
    """The intermediate values of one exchange, for looking at (all hex strings)."""

    A: str = ""
    B: str = ""
    salt: str = ""
    u: str = ""
    x: str = ""
    S: str = field(default="", repr=False)
    key: str = field(default="", repr=False)
    signature: str = ""


class SrpClient:
    """The client half of one USER_SRP_AUTH sign-in (make a new one per sign-in)."""

    def __init__(self, pool_id: str, client_id: str, client_secret: str | None = None) -> None:
        if "_" not in pool_id:
            raise ValueError(f"not a user pool id (region_name): {pool_id!r}")
        self.pool_id = pool_id
        self.pool_name = pool_id.split("_", 1)[1]
        self.client_id = client_id
        self.client_secret = client_secret
        self._a = secrets.randbits(1024) % N          # step 1: the client's secret a ...
        self.big_a = pow(G, self._a, N)               # ... and its public A = g^a mod N
        self.trace = SrpTrace(A=format(self.big_a, "x"))
        self.username = ""

    def start(self, username: str) -> dict[str, str]:
        """Step 1: InitiateAuth's AuthParameters (USERNAME, SRP_A[, SECRET_HASH])."""
        self.username = username
        params = {"USERNAME": username, "SRP_A": format(self.big_a, "x")}
        if self.client_secret:
            params["SECRET_HASH"] = secret_hash(username, self.client_id, self.client_secret)
        return params

    def answer(self, challenge_parameters: dict[str, str], password: str, *,
               timestamp: str | None = None) -> dict[str, str]:
        """Step 3: the PASSWORD_VERIFIER ChallengeResponses, from step 2's parameters."""
        user_id = challenge_parameters["USER_ID_FOR_SRP"]
        salt = challenge_parameters["SALT"]
        big_b = int(challenge_parameters["SRP_B"], 16)
        if big_b % N == 0:
            raise ValueError("the server's B is 0 mod N: refuse to continue (SRP-6a safety)")
        u = int(hash_hex(pad_hex(self.big_a) + pad_hex(big_b)), 16)
        if u == 0:
            raise ValueError("u = H(A | B) is 0: refuse to continue (SRP-6a safety)")
        identity = hashlib.sha256(f"{self.pool_name}{user_id}:{password}".encode()).hexdigest()
        x = int(hash_hex(pad_hex(salt) + identity), 16)
        s = pow(big_b - K_MULTIPLIER * pow(G, x, N), self._a + u * x, N)
        key = _hkdf(bytes.fromhex(pad_hex(s)), bytes.fromhex(pad_hex(format(u, "x"))))
        timestamp = timestamp or cognito_timestamp()
        secret_block = challenge_parameters["SECRET_BLOCK"]
        message = (self.pool_name.encode() + user_id.encode()
                   + base64.b64decode(secret_block) + timestamp.encode())
        signature = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
        self.trace = SrpTrace(A=format(self.big_a, "x"), B=format(big_b, "x"), salt=salt,
                              u=format(u, "x"), x=format(x, "x"), S=format(s, "x"),
                              key=key.hex(), signature=signature)
        username = challenge_parameters.get("USERNAME", user_id)
        responses = {"USERNAME": username, "TIMESTAMP": timestamp,
                     "PASSWORD_CLAIM_SECRET_BLOCK": secret_block,
                     "PASSWORD_CLAIM_SIGNATURE": signature}
        if self.client_secret:
            responses["SECRET_HASH"] = secret_hash(username, self.client_id, self.client_secret)
        return responses


def _hkdf(ikm: bytes, salt: bytes) -> bytes:
    """HKDF-SHA256 (RFC 5869), one block, 16 bytes, info "Caldera Derived Key"."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]


def sign_in(idp: Any, *, pool_id: str, client_id: str, username: str, password: str,
            client_secret: str | None = None) -> dict:
    """Run USER_SRP_AUTH with a boto3 ``cognito-idp`` client; return RespondToAuthChallenge's
    answer (tokens in ``AuthenticationResult``, or the next challenge)."""
    client = SrpClient(pool_id, client_id, client_secret)
    started = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_SRP_AUTH",
                                AuthParameters=client.start(username))
    if started.get("ChallengeName") != "PASSWORD_VERIFIER":
        raise RuntimeError(f"expected PASSWORD_VERIFIER, got {started.get('ChallengeName')}")
    session = {"Session": started["Session"]} if started.get("Session") else {}
    return idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", **session,
        ChallengeResponses=client.answer(started["ChallengeParameters"], password))
