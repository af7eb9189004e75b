"""A gallery of forged and broken tokens, made from a lab's real ones, and a self-check.

``forgery_gallery(lab)`` returns every trick in the book against a resource server that
accepts access tokens issued by the lab's pool to one app client (``server`` unless told
otherwise): each entry says what the attacker tries, who is able to make such a token, the
check that stops it, and which ``cognito_lab.api`` error the kit's verifier raises for it.
``check_verifier(verify, lab)`` runs a learner's ``verify(token)`` over the gallery and a
few valid tokens and prints what it let through.

To make its tokens the gallery signs in three demo users, adds an app client named
``reports`` to the pool (a second app, for "a token of another client"), starts and stops a
second lab (another user pool, for "a token of another pool") and, for the entries only
Cognito could sign, signs with the pool's own key. It never moves the lab's clock.

This module is the gallery itself (its entries and the self-check); the token surgery is in
``forgery_surgery``, the real tokens and keys it starts from in ``forgery_setup``, and the
text and HTML tables in ``forgery_report``.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from cognito_lab import b64url
from cognito_lab.client import password
from cognito_lab.teach import Verdict, verdict

from .forgery_report import gallery_html, report_html, report_text
from .forgery_setup import (
    OTHER_APP_NAME,
    fetch_jwks,
    other_app_client_id,
    other_pool_access_token,
)
from .forgery_setup import sign_as_pool as _sign_as_pool  # (tests import it from here)
from .forgery_surgery import decode as _decode
from .forgery_surgery import part as _part
from .forgery_surgery import pem_from_jwk, public_jwk, sign_hs256, sign_rs256

ANYONE = "anyone"
A_USER = "any user with a token"
ISSUER_ONLY = "only the key holder"


@dataclass(frozen=True)
class Forgery:
    """One forged or broken token and what should stop it."""

    name: str
    attack: str           # what the attacker tries
    made_by: str          # who is able to make such a token
    check: str            # the check that catches it
    error: str            # the kit's error class for it (cognito_lab.api)
    token: str

    def __repr__(self) -> str:
        return f"Forgery({self.name!r}, caught by {self.error})"


@dataclass(frozen=True)
class ValidToken:
    """A token the API must accept."""

    name: str
    token: str

    def __repr__(self) -> str:
        return f"ValidToken({self.name!r})"


@dataclass(frozen=True)
class Outcome:
    """What a verify function did with one token."""

    name: str
    should_accept: bool
    accepted: bool
    detail: str        # the exception's class name, or what was returned
    expected: str = ""  # the kit's error class (forgeries only)
    check: str = ""

    @property
    def ok(self) -> bool:
        """A forgery must be rejected; a valid token accepted with its claims returned."""
        if self.should_accept:
            return self.accepted and not self.detail
        return not self.accepted


@dataclass(frozen=True)
class Gallery:
    """The forged and broken tokens for one API (pool + app client), and valid ones."""

    forgeries: tuple[Forgery, ...]
    valid: tuple[ValidToken, ...]
    user_pool_id: str
    issuer: str
    client_id: str
    jwks_url: str

    def __iter__(self) -> Iterator[Forgery]:
        return iter(self.forgeries)

    def __len__(self) -> int:
        return len(self.forgeries)

    def __getitem__(self, name: str) -> Forgery:
        for forgery in self.forgeries:
            if forgery.name == name:
                return forgery
        raise KeyError(f"no forgery named {name!r}; names: {[f.name for f in self]}")

    def __repr__(self) -> str:
        return f"<Gallery: {len(self)} forged or broken tokens, {len(self.valid)} valid ones>"

    def _repr_html_(self) -> str:
        return gallery_html(self)

    def run(self, verify: Callable[[str], Any]) -> Report:
        """Feed every token to ``verify`` (raise or return a falsy value = rejected)."""
        outcomes = [_outcome(verify, f.name, f.token, False, f.error, f.check) for f in self]
        outcomes += [_outcome(verify, v.name, v.token, True) for v in self.valid]
        return Report(tuple(outcomes))


@dataclass(frozen=True)
class Report:
    """The outcome of every gallery token; a table in a notebook."""

    outcomes: tuple[Outcome, ...]

    @property
    def let_through(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.should_accept and o.accepted]

    @property
    def wrongly_rejected(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.should_accept and not o.ok]

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    def text(self) -> str:
        """A plain table: one line per token, what was expected and what happened."""
        return report_text(self)

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        return report_html(self)


def _outcome(verify: Callable[[str], Any], name: str, token: str, should_accept: bool,
             expected: str = "", check: str = "") -> Outcome:
    try:
        result = verify(token)
    except Exception as exc:  # a learner's verifier may raise anything: that is a "no"
        return Outcome(name, should_accept, False, type(exc).__name__, expected, check)
    if result is None or result is False:
        return Outcome(name, should_accept, False, f"returned {result}", expected, check)
    if should_accept and not _same_claims(result, token):
        return Outcome(name, should_accept, True,
                       f"returned {type(result).__name__}, not the token's claims",
                       expected, check)
    return Outcome(name, should_accept, True, "", expected, check)


def _same_claims(result: Any, token: str) -> bool:
    if not isinstance(result, Mapping):
        return False
    claims = _decode(token)[1]
    return result.get("jti") == claims.get("jti") and result.get("sub") == claims.get("sub")


# --- the gallery -------------------------------------------------------------------------


def build_gallery(lab: Any, client: str = "server") -> Gallery:
    """Make a fresh gallery for an API that accepts ``lab.app_clients[client]``'s access
    tokens. Prefer :func:`forgery_gallery`, which keeps one per lab."""
    app = lab.app_clients[client]
    idp = lab.client("cognito-idp")
    signed_in = {name: password.sign_in(idp, client_id=app.client_id,
                                        client_secret=app.client_secret,
                                        username=user.username, password=user.password)
                 for name, user in lab.users.items() if name in ("alice", "bob", "carol")}
    if "bob" not in signed_in or "alice" not in signed_in:
        raise ValueError("the gallery needs the demo users alice and bob (Lab.start() default)")
    bob_header, bob_claims, bob_signature = _decode(signed_in["bob"]["AccessToken"])
    kid = bob_header["kid"]
    jwks = fetch_jwks(lab.jwks_url)
    access_jwk = next(k for k in jwks["keys"] if k["kid"] == kid)
    promoted = {**bob_claims,
                "cognito:groups": [*bob_claims.get("cognito:groups", []), "admins"]}
    now = int(lab.clock.now())
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attacker_kid = b64url.encode(hashlib.sha256(b"attacker").digest()) + "="
    other_app = other_app_client_id(lab)
    carol = lab.users.get("carol", lab.users["alice"])
    other_app_token = password.sign_in(idp, client_id=other_app, username=carol.username,
                                       password=carol.password)["AccessToken"]
    other_pool_token, other_issuer = other_pool_access_token(lab)

    def unsigned(alg: str) -> str:
        return f"{_part({'alg': alg, 'typ': 'JWT'})}.{_part(promoted)}."

    def aged(**changes: Any) -> dict:
        claims = {**bob_claims, **changes}
        return {k: v for k, v in claims.items() if v is not None}

    alg_check = "alg must be exactly RS256: an allow-list in your code, never the token's say"
    case_attack = ("The same, spelled {spelling} to slip past a case-sensitive deny-list "
                   "(alg != \"none\").")
    forgeries = [
        Forgery("alg none", "Declare the token unsigned (alg \"none\", no signature) and "
                "hope the verifier takes the header's word for it.", ANYONE, alg_check,
                "JwtAlgorithmError", unsigned("none")),
        *(Forgery(f"alg {spelling}", case_attack.format(spelling=spelling), ANYONE, alg_check,
                  "JwtAlgorithmError", unsigned(spelling))
          for spelling in ("None", "NONE", "nOnE")),
        Forgery("HS256 with the public key", "Switch to HMAC and use your public key (it is "
                "public) as the shared secret: a verifier that lets the header pick the "
                "algorithm checks an HMAC keyed with that key.", ANYONE, alg_check,
                "JwtAlgorithmError",
                sign_hs256({"alg": "HS256", "kid": kid, "typ": "JWT"}, promoted,
                           pem_from_jwk(access_jwk))),
        Forgery("payload edited", "Take a real token and change a claim (bob adds admins to "
                "his cognito:groups), keeping the original signature.", A_USER,
                "the RS256 signature over header.payload, with the pool's public key",
                "JwtInvalidSignatureError",
                f"{_part(bob_header)}.{_part(promoted)}.{bob_signature}"),
        Forgery("signature stripped", "Send header.payload. with an empty signature, hoping "
                "an empty signature is skipped rather than checked.", ANYONE,
                "the RS256 signature over header.payload, with the pool's public key",
                "JwtInvalidSignatureError", f"{_part(bob_header)}.{_part(promoted)}."),
        Forgery("attacker's key, your kid", "Sign with their own RSA key and put your key's "
                "kid in the header.", ANYONE,
                "the RS256 signature over header.payload, with the pool's public key",
                "JwtInvalidSignatureError", sign_rs256(bob_header, promoted, attacker)),
        Forgery("unknown kid", "Sign with their own key under a new kid, hoping the verifier "
                "trusts any key or refetches the JWKS for every unknown kid.", ANYONE,
                "kid must be in your pool's JWKS (refetched at most once in a while)",
                "KidNotFoundError",
                sign_rs256({"kid": attacker_kid, "alg": "RS256"}, promoted, attacker)),
        Forgery("key embedded in the header (jwk)", "Embed their own public key in the "
                "header (jwk) and sign with it.", ANYONE,
                "keys come from your pool's JWKS only: refuse jwk, jku, x5u, x5c",
                "JwtUnsupportedHeaderError",
                sign_rs256({"kid": attacker_kid, "alg": "RS256",
                            "jwk": public_jwk(attacker, attacker_kid)}, promoted, attacker)),
        Forgery("key URL in the header (jku)", "Point jku at a key set they host, and sign "
                "with the key in it.", ANYONE,
                "keys come from your pool's JWKS only: refuse jwk, jku, x5u, x5c",
                "JwtUnsupportedHeaderError",
                sign_rs256({"kid": attacker_kid, "alg": "RS256",
                            "jku": "https://attacker.example/.well-known/jwks.json"},
                           promoted, attacker)),
        Forgery("token of another user pool", "Send a genuine Cognito token from a user pool "
                "they own (here: a second lab).", "anyone with an AWS account",
                "kid must be in YOUR pool's JWKS, and iss must be your pool",
                "KidNotFoundError", other_pool_token),
        Forgery("ID token as access token", "Send their ID token (signed by your pool, "
                "carries groups) where an access token is expected.", A_USER,
                "token_use must be \"access\"", "JwtInvalidTokenUseError",
                signed_in["bob"]["IdToken"]),
        Forgery("access token of another app client", "Send an access token that your pool "
                f"issued to another app (the {OTHER_APP_NAME!r} app client).",
                "any user of another app in your pool",
                "client_id must be an app client your API accepts", "JwtInvalidClientIdError",
                other_app_token),
        Forgery("expired", "Replay a token issued two hours ago (found in a log or a browser "
                "history).", "anyone who once saw a token", "exp must be in the future",
                "JwtExpiredError",
                _sign_as_pool(lab, aged(auth_time=now - 7200, iat=now - 7200, exp=now - 3600))),
        Forgery("not yet valid (nbf)", "A token whose nbf is an hour ahead.", ISSUER_ONLY,
                "nbf, when present, must not be in the future", "JwtNotBeforeError",
                _sign_as_pool(lab, aged(nbf=now + 3600))),
        Forgery("wrong issuer", "A token that names another pool as its issuer.", ISSUER_ONLY,
                "iss must be exactly your pool's issuer URL", "JwtInvalidIssuerError",
                _sign_as_pool(lab, aged(iss=other_issuer))),
        Forgery("no exp", "A token without an expiry: valid forever if exp is optional.",
                ISSUER_ONLY, "exp is required", "JwtExpiredError",
                _sign_as_pool(lab, aged(exp=None))),
        Forgery("exp as a string", "exp written as a string (\"9999999999\"): some code "
                "compares it as text, or skips what it cannot parse.", ISSUER_ONLY,
                "exp must be a number", "JwtExpiredError",
                _sign_as_pool(lab, aged(exp="9999999999"))),
    ]
    valid = [ValidToken(f"{name}'s access token", result["AccessToken"])
             for name, result in signed_in.items()]
    return Gallery(tuple(forgeries), tuple(valid), lab.user_pool_id, lab.issuer,
                   app.client_id, lab.jwks_url)


_galleries: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _still_good(gallery: Gallery, lab: Any) -> bool:
    """Valid tokens still unexpired (by the lab clock, a minute to spare) and their keys
    still published."""
    now = lab.clock.now()
    try:
        published = {k["kid"] for k in fetch_jwks(lab.jwks_url)["keys"]}
    except OSError:
        return False
    for token in gallery.valid:
        header, claims, _ = _decode(token.token)
        if claims["exp"] <= now + 60 or header["kid"] not in published:
            return False
    return True


def forgery_gallery(lab: Any, client: str = "server") -> Gallery:
    """The gallery for ``lab`` (made once per lab and app client, remade when its valid
    tokens expire or their keys leave the JWKS)."""
    per_lab = _galleries.setdefault(lab, {})
    gallery = per_lab.get(client)
    if gallery is None or not _still_good(gallery, lab):
        gallery = per_lab[client] = build_gallery(lab, client)
    return gallery


# --- the self-check ----------------------------------------------------------------------


def check_verifier(verify: Callable[[str], Any], lab: Any, client: str = "server") -> Verdict:
    """Run ``verify(token)`` over the gallery and valid tokens; print the table and verdict.

    ``verify`` must return the token's claims for a token the API should accept, and raise
    (or return None/False) for anything else.
    """
    if not callable(verify):
        return verdict(False, "", f"Pass your function itself: check_verifier(verify, lab), "
                       f"not {type(verify).__name__}.")
    if not getattr(lab, "running", False):
        return verdict(False, "", "The lab is not running: run the notebook again from the "
                       "top (Restart & Run All).")
    gallery = forgery_gallery(lab, client)
    report = gallery.run(verify)
    details = [o.detail for o in report.outcomes]
    if all(detail == "NotImplementedError" for detail in details):
        return verdict(False, "", "Not done yet: verify() raises NotImplementedError. "
                       "Write its body, then run this cell again.")
    print(report.text())
    print()
    let_through, rejected = report.let_through, report.wrongly_rejected
    problems = []
    if let_through:
        problems.append(f"let {len(let_through)} of {len(gallery)} forged or broken tokens "
                        "through")
    if rejected:
        problems.append(f"wrongly refused {len(rejected)} of {len(gallery.valid)} valid tokens")
    missed: dict[str, list[str]] = {}
    for o in let_through:
        missed.setdefault(o.check, []).append(o.name)
    hints = [f"{check} (missed: {', '.join(names)})" for check, names in missed.items()]
    hints += [f"{o.name}: {o.detail}" for o in rejected if o.accepted]
    if any(not o.accepted for o in rejected):
        hints.append("valid tokens: return the claims (a dict) and raise nothing for them")
        offset = getattr(lab.clock, "offset", 0)
        if offset:
            hints.append(f"the lab clock runs {offset:.0f} s ahead of this computer's; PyJWT "
                         "reads the computer's clock (iat looks like the future): run the "
                         "notebook again from the top")
    return verdict(report.ok,
                   f"Your verify() rejected all {len(gallery)} forged or broken tokens and "
                   f"accepted all {len(gallery.valid)} valid ones.",
                   f"Your verify() {' and '.join(problems)}.", details=hints)


__all__ = ["Forgery", "Gallery", "Outcome", "Report", "ValidToken", "build_gallery",
           "check_verifier", "forgery_gallery"]
