"""The server side of Cognito's SRP-6a (USER_SRP_AUTH -> PASSWORD_VERIFIER).

SRP lets a user prove they know their password without sending it. Cognito's variant
(as the AWS SDKs and amazon-cognito-identity-js implement the client) uses:

- the 3072-bit group of RFC 5054 (appendix A) with g = 2, SHA-256 for H;
- k = H(N | g) over the hex of N and g padded the way Cognito pads ("00" + N, "0" + g);
- the password verifier v = g^x mod N, x = H(salt | H(pool | user id | ":" | password)),
  where "pool" is the part of the pool id after the underscore and "user id" is
  USER_ID_FOR_SRP (the user's internal username);
- u = H(A | B), the session key K = HKDF-SHA256(ikm=S, salt=u, info="Caldera Derived Key"),
  16 bytes;
- PASSWORD_CLAIM_SIGNATURE = Base64(HMAC-SHA256(K, pool | user id | secret block | timestamp)).

Every hex value is hashed in Cognito's padded form (``pad_hex``): an even number of digits,
and a leading "00" when the first digit is 8 or more, so the number never looks negative.

The server never sees the password: it keeps (salt, v), computes B = k·v + g^b, and on the
client's answer recomputes S = (A·v^u)^b and the signature the client must have made.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

# RFC 5054's published group, kept here as Cognito keeps its own: the server's half of SRP
# reads on its own, and the emulator shares no code with the client it is tested against.
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
N = int(N_HEX, 16)
G = 2
INFO = b"Caldera Derived Key"


def pad_hex(value: int | str) -> str:
    """Cognito's hex form of a number: even length, and no leading digit of 8 or more."""
    text = value if isinstance(value, str) else format(value, "x")
    if len(text) % 2 == 1:
        return "0" + text
    if text and text[0] in "89ABCDEFabcdef":
        return "00" + text
    return text


def hash_hex(hex_string: str) -> str:
    """SHA-256 of the bytes a hex string spells, as 64 hex digits."""
    return hashlib.sha256(bytes.fromhex(hex_string)).hexdigest()


K = int(hash_hex("00" + N_HEX + "0" + format(G, "x")), 16)   # Cognito's k = H(N | g)


def pool_name(pool_id: str) -> str:
    """The part of a pool id after the underscore, which SRP mixes into every hash."""
    return pool_id.split("_", 1)[1]


def password_x(pool_id: str, user_id: str, password: str, salt_hex: str) -> int:
    inner = hashlib.sha256(f"{pool_name(pool_id)}{user_id}:{password}".encode()).hexdigest()
    return int(hash_hex(pad_hex(salt_hex) + inner), 16)


def make_verifier(pool_id: str, user_id: str, password: str) -> tuple[str, int]:
    """A fresh (salt, verifier) for a password: what the server stores instead of it."""
    salt_hex = pad_hex(secrets.token_hex(16))
    return salt_hex, pow(G, password_x(pool_id, user_id, password, salt_hex), N)


def verifier_matches(pool_id: str, user_id: str, password: str, salt_hex: str,
                     verifier: int) -> bool:
    """Does ``password`` produce this verifier? (How a plain password sign-in is checked.)"""
    return pow(G, password_x(pool_id, user_id, password, salt_hex), N) == verifier


def hkdf(ikm: bytes, salt: bytes) -> bytes:
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, INFO + b"\x01", hashlib.sha256).digest()[:16]


def claim_signature(key: bytes, pool_id: str, user_id: str, secret_block: bytes,
                    timestamp: str) -> str:
    message = pool_name(pool_id).encode() + user_id.encode() + secret_block + timestamp.encode()
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode("ascii")


@dataclass
class ServerHandshake:
    """One SRP exchange, from the server's side: started at USER_SRP_AUTH, finished at
    PASSWORD_VERIFIER."""

    pool_id: str
    user_id: str            # USER_ID_FOR_SRP
    salt_hex: str
    verifier: int
    big_a: int
    secret_block: bytes = field(default_factory=lambda: secrets.token_bytes(96), repr=False)
    small_b: int = field(default_factory=lambda: secrets.randbits(256) | 1, repr=False)

    def __post_init__(self) -> None:
        if self.big_a % N == 0:
            raise ValueError("SRP_A must not be 0 mod N")
        self.big_b = (K * self.verifier + pow(G, self.small_b, N)) % N

    @classmethod
    def start(cls, pool_id: str, user_id: str, salt_hex: str, verifier: int,
              srp_a_hex: str) -> ServerHandshake:
        return cls(pool_id, user_id, salt_hex, verifier, int(srp_a_hex, 16))

    def challenge_parameters(self, username: str) -> dict[str, str]:
        """PASSWORD_VERIFIER's ChallengeParameters, as Cognito names them."""
        return {"SALT": self.salt_hex, "SRP_B": format(self.big_b, "x"),
                "SECRET_BLOCK": base64.b64encode(self.secret_block).decode("ascii"),
                "USER_ID_FOR_SRP": self.user_id, "USERNAME": username}

    def session_key(self) -> bytes:
        u = int(hash_hex(pad_hex(self.big_a) + pad_hex(self.big_b)), 16)
        if u == 0:
            raise ValueError("u must not be 0")
        s = pow(self.big_a * pow(self.verifier, u, N), self.small_b, N)
        return hkdf(bytes.fromhex(pad_hex(s)), bytes.fromhex(pad_hex(format(u, "x"))))

    def signature_is_valid(self, signature: str, timestamp: str) -> bool:
        expected = claim_signature(self.session_key(), self.pool_id, self.user_id,
                                   self.secret_block, timestamp)
        return hmac.compare_digest(expected, str(signature))
