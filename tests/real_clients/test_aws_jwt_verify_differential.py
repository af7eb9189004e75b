"""Differential: the kit's verifier against the real aws-jwt-verify (npm), token by token.

The rule (docs/verifier.md): the kit NEVER accepts a token that aws-jwt-verify rejects.
Where it deliberately rejects what aws-jwt-verify accepts, docs/verifier.md lists the
case by name under "Where the kit is stricter than aws-jwt-verify"; this test reads that
list, so the document and the test cannot drift apart.

The corpus (well over 100 tokens) has three parts, each named by a prefix:

- ``lab:``: a running Lab. Genuine tokens from real flows (tests/api/lab_tokens.py:
  USER_PASSWORD_AUTH, the hosted UI's code flow, client credentials) under verifier
  settings that must accept or refuse them; the same tokens re-encoded or tampered with;
  and tokens with chosen claims signed with the pool's own key (as the forgery gallery
  does), for the claim rules a real flow never exercises.
- ``gallery:``: the notebooks' forgery gallery (cognito_lab.teach.forgeries) for that lab.
- ``corpus:``: every case of tests/api/test_forgery_corpus.py that a JavaScript verifier
  can be given (not the non-string tokens, failing JWKS fetches or Python custom checks).

Clock: aws-jwt-verify reads ``Date.now()``. The node judge pins it per case to the same
instant the kit's verifier reads from its clock (one integer "now" per part: the lab's
clock at the start for ``lab:``/``gallery:``, the forgery corpus's fixed NOW + 10 for
``corpus:``), so boundaries such as ``exp == now`` are compared exactly. No network:
both judges get the JWKS document itself (the lab's is read once from the lab).
"""

from __future__ import annotations

import base64
import json
import re
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cognito_lab.api import CognitoJwtVerifier, JwksCache, decode_unverified
from cognito_lab.teach.forgeries import _sign_as_pool, build_gallery
from tests.api import test_forgery_corpus as forgery_corpus
from tests.api.conftest import (
    JWKS_URL,
    MULTI_REGION_JWKS_URL,
    NOW,
    OTHER_JWKS_URL,
    Fetcher,
    ManualClock,
    b64url,
    compact_json,
    jwks_body,
    session_keys,
)
from tests.api.lab_tokens import (
    ALL_SCOPES,
    hosted_ui_token,
    m2m_token,
    password_tokens,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "verifier.md"
STRICTER_HEADING = "## Where the kit is stricter than aws-jwt-verify"


@dataclass(frozen=True)
class DiffCase:
    """One token, one verifier configuration, one JWKS, one instant: judged by both."""

    name: str
    token: str
    verifier: CognitoJwtVerifier      # the kit's, already on the case's clock
    jwks: dict[str, Any]
    now: int
    genuine: bool = False             # both must accept it (keeps the corpus honest)


@dataclass(frozen=True)
class Verdict:
    valid: bool
    error: str = ""


# --- judges ---------------------------------------------------------------------------------


def kit_verifier(user_pool_id: str, region: str, jwks_doc: bytes, now: int,
                 **options: Any) -> CognitoJwtVerifier:
    """The kit's verifier with the JWKS served (no network) under both issuer forms."""
    probe = CognitoJwtVerifier(user_pool_id=user_pool_id, region=region)
    fetcher = Fetcher({probe.jwks_url: jwks_doc, probe.multi_region_jwks_url: jwks_doc})
    clock = ManualClock(now)
    return CognitoJwtVerifier(user_pool_id=user_pool_id, region=region, clock=clock,
                              jwks_cache=JwksCache(fetcher=fetcher, clock=clock), **options)


def aws_options(verifier: CognitoJwtVerifier) -> dict[str, Any]:
    """The same configuration for aws-jwt-verify's CognitoJwtVerifier.create()."""
    as_list = lambda values: sorted(values) if values is not None else None  # noqa: E731
    return {"userPoolId": verifier.user_pool_id, "tokenUse": verifier.token_use,
            "clientId": as_list(verifier.client_ids), "scope": as_list(verifier.scopes),
            "groups": as_list(verifier.groups), "graceSeconds": verifier.grace_seconds}


def kit_verdict(case: DiffCase) -> Verdict:
    try:
        case.verifier.verify(case.token)
    except Exception as exc:  # any failure is a refusal; its class name is the verdict
        return Verdict(False, type(exc).__name__)
    return Verdict(True)


def aws_verdicts(node_project: Any, cases: list[DiffCase]) -> tuple[str, dict[str, Verdict]]:
    payload = {"cases": [{"name": c.name, "token": c.token, "now_ms": c.now * 1000,
                          "jwks": c.jwks, "verifier": aws_options(c.verifier)}
                         for c in cases]}
    answer = node_project.run_json("judge_aws_jwt_verify.js", payload)
    return answer["version"], {v["name"]: Verdict(v["valid"], v.get("error", ""))
                               for v in answer["verdicts"]}


# --- the lab part ---------------------------------------------------------------------------


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _noncanonical(part: str) -> str:
    """The same bytes, spelled with non-zero unused bits in the last character."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    if len(part) % 4 == 0:
        raise ValueError("a part without a short final group has no unused bits")
    return part[:-1] + alphabet[alphabet.index(part[-1]) | 1]


def lab_cases(lab: Any, now: int) -> list[DiffCase]:
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
            lab.jwks_url, timeout=10) as response:
        jwks_doc = response.read()
    jwks = json.loads(jwks_doc)
    clients = {name: client.client_id for name, client in lab.app_clients.items()}
    cases: list[DiffCase] = []

    def add(name: str, token: str, genuine: bool = False, **options: Any) -> None:
        options.setdefault("token_use", "access")
        options.setdefault("client_id", clients["server"])
        verifier = kit_verifier(lab.user_pool_id, lab.region, jwks_doc, now, **options)
        cases.append(DiffCase(f"lab:{name}", token, verifier, jwks, now, genuine))

    signed_in = {user: password_tokens(lab, user, "server") for user in ("alice", "bob", "carol")}
    for user, result in signed_in.items():
        access, id_token = result["AccessToken"], result["IdToken"]
        groups = lab.users[user].groups
        add(f"{user}-access", access, genuine=True)
        add(f"{user}-access-any-use-any-client", access, genuine=True, token_use=None,
            client_id=None)
        add(f"{user}-access-two-clients", access, genuine=True,
            client_id=[clients["web"], clients["server"]])
        add(f"{user}-access-admin-scope", access, genuine=True,
            scope="aws.cognito.signin.user.admin")
        add(f"{user}-access-scope-not-granted", access, scope="orders/read")
        add(f"{user}-access-for-web-client", access, client_id=clients["web"])
        add(f"{user}-access-as-id-token", access, token_use="id")
        add(f"{user}-access-admins-group", access, genuine="admins" in groups,
            groups="admins")
        add(f"{user}-access-members-group", access, genuine="members" in groups,
            groups=["members", "readers"])
        add(f"{user}-id", id_token, genuine=True, token_use="id")
        add(f"{user}-id-any-client", id_token, genuine=True, token_use="id", client_id=None)
        add(f"{user}-id-as-access-token", id_token)
        add(f"{user}-id-for-m2m-client", id_token, token_use="id", client_id=clients["m2m"])
        add(f"{user}-id-with-scope-option", id_token, token_use=None, scope="openid")

    hosted = hosted_ui_token(lab, "alice", ALL_SCOPES, "server")
    add("hosted-ui-access", hosted, genuine=True)
    add("hosted-ui-access-orders-read", hosted, genuine=True, scope="orders/read")
    add("hosted-ui-access-orders-write-or-admin", hosted, genuine=True,
        scope=["orders/write", "nothing"])
    add("hosted-ui-access-scope-prefix", hosted, scope="orders/re")
    web = hosted_ui_token(lab, "bob", "openid orders/read", "web")
    add("web-hosted-ui-access", web, genuine=True, client_id=clients["web"])
    add("web-hosted-ui-access-for-server", web)
    m2m = m2m_token(lab, "orders/read")
    add("m2m-access", m2m, genuine=True, client_id=clients["m2m"], scope="orders/read")
    add("m2m-access-for-server", m2m)
    add("m2m-access-groups-required", m2m, client_id=clients["m2m"], groups="admins")

    # --- time, on the same clock for both: the token's exp is iat + 3600 ---------------------
    alice = signed_in["alice"]["AccessToken"]
    claims = decode_unverified(alice).payload
    exp = claims["exp"]
    for label, at, grace in (("one-second-before-exp", exp - 1, 0), ("at-exp", exp, 0),
                             ("one-second-after-exp", exp + 1, 0),
                             ("after-exp-within-grace", exp + 30, 60),
                             ("after-exp-beyond-grace", exp + 90, 60),
                             ("a-day-later", exp + 86400, 0)):
        verifier = kit_verifier(lab.user_pool_id, lab.region, jwks_doc, at,
                                token_use="access", client_id=clients["server"],
                                grace_seconds=grace)
        cases.append(DiffCase(f"lab:alice-access-{label}", alice, verifier, jwks, at,
                              genuine=at < exp or at - grace < exp))

    # --- the same token, re-encoded or tampered with (no key needed) --------------------------
    header_b64, payload_b64, signature_b64 = alice.split(".")
    header = decode_unverified(alice).header
    bob = signed_in["bob"]["AccessToken"]
    alice_id = signed_in["alice"]["IdToken"]
    edited = {**claims, "cognito:groups": ["admins", "root"], "username": "mallory"}
    tampered = {
        "signature-padded": f"{alice}==",
        "signature-one-pad": f"{alice}=",
        "signature-non-canonical": f"{header_b64}.{payload_b64}.{_noncanonical(signature_b64)}",
        "payload-padded": f"{header_b64}.{payload_b64}{'=' * (-len(payload_b64) % 4)}."
                          f"{signature_b64}",
        "payload-edited": f"{header_b64}.{b64url(compact_json(edited))}.{signature_b64}",
        "payload-spaced-json": f"{header_b64}."
                               f"{b64url(json.dumps(claims, separators=(', ', ': ')))}."
                               f"{signature_b64}",
        "header-edited": f"{b64url(compact_json({**header, 'typ': 'JWT'}))}.{payload_b64}."
                         f"{signature_b64}",
        "signature-of-bob": f"{header_b64}.{payload_b64}.{bob.split('.')[2]}",
        "id-token-signature": f"{header_b64}.{payload_b64}.{alice_id.split('.')[2]}",
        "signature-truncated": f"{header_b64}.{payload_b64}."
                               f"{b64url(_b64decode(signature_b64)[:-1])}",
        "signature-empty": f"{header_b64}.{payload_b64}.",
        "alg-none": f"{b64url(compact_json({**header, 'alg': 'none'}))}.{payload_b64}.",
        "alg-RS512-same-signature": f"{b64url(compact_json({**header, 'alg': 'RS512'}))}."
                                    f"{payload_b64}.{signature_b64}",
        "four-parts": f"{alice}.{signature_b64}",
        "two-parts": f"{header_b64}.{payload_b64}",
        "trailing-dot": f"{alice}.",
        "leading-space": f" {alice}",
        "base64-standard-alphabet": alice.replace("-", "+").replace("_", "/"),
    }
    for name, token in tampered.items():
        add(name, token)

    # --- chosen claims, signed with the pool's own key ---------------------------------------
    other_pool = lab.user_pool_id.split("_")[0] + "_SomeOtherPool1"

    def signed(purpose: str = "access", drop: tuple[str, ...] = (), **changes: Any) -> str:
        base = decode_unverified(signed_in["alice"]["AccessToken" if purpose == "access"
                                                    else "IdToken"]).payload
        return _sign_as_pool(lab, {**{k: v for k, v in base.items() if k not in drop},
                                   **changes}, purpose)

    multi_region = lab.issuer.replace("https://", "https://issuer-")
    variants: dict[str, tuple[str, dict[str, Any], bool]] = {
        # item 9: the multi-Region issuer of the same pool, and look-alikes
        "iss-multi-region": (signed(iss=multi_region), {}, True),
        "iss-multi-region-id-token": (signed("id", iss=multi_region),
                                      {"token_use": "id"}, True),
        "iss-multi-region-other-pool": (signed(iss=multi_region.replace(
            lab.user_pool_id, other_pool)), {}, False),
        "iss-multi-region-other-region": (signed(iss=multi_region.replace(
            f".{lab.region}.", ".eu-west-1.")), {}, False),
        "iss-multi-region-dotted": (signed(iss=multi_region.replace("issuer-", "issuer.")),
                                    {}, False),
        "iss-multi-region-http": (signed(iss=multi_region.replace("https:", "http:")),
                                  {}, False),
        "iss-trailing-slash": (signed(iss=lab.issuer + "/"), {}, False),
        "iss-other-pool": (signed(iss=lab.issuer.replace(lab.user_pool_id, other_pool)),
                           {}, False),
        "iss-missing": (signed(drop=("iss",)), {}, False),
        # item 6: scope must be a string, whatever the verifier asks for
        "scope-list": (signed(scope=["aws.cognito.signin.user.admin"]), {}, False),
        "scope-list-client-unchecked": (signed(scope=["x"]),
                                        {"client_id": None, "token_use": None}, False),
        "scope-number": (signed(scope=7), {}, False),
        "scope-empty-string": (signed(scope=""), {}, True),
        "scope-empty-string-required": (signed(scope=""), {"scope": "openid"}, False),
        # item 7: aud and client_id types
        "aud-list-id-token": (signed("id", aud=[clients["server"]]), {"token_use": "id"},
                              False),
        "aud-list-id-token-client-unchecked": (signed("id", aud=[clients["server"], "x"]),
                                               {"token_use": "id", "client_id": None}, True),
        "aud-number-access-token": (signed(aud=7), {}, False),
        "aud-number-id-token-client-unchecked": (signed("id", aud=7),
                                                 {"token_use": "id", "client_id": None}, False),
        "aud-string-on-access-token": (signed(aud="anything"), {}, True),
        "client-id-number": (signed(client_id=7), {}, False),
        "client-id-number-unchecked": (signed(client_id=7), {"client_id": None}, False),
        "client-id-missing": (signed(drop=("client_id",)), {}, False),
        "client-id-missing-unchecked": (signed(drop=("client_id",)), {"client_id": None},
                                        True),
        # item 8: numeric dates out of range (integer literals of 401 digits)
        "exp-10e400-integer": (signed(exp=10**400), {}, False),
        "exp-minus-10e400-integer": (signed(exp=-(10**400)), {}, False),
        "nbf-minus-10e400-integer": (signed(nbf=-(10**400)), {}, False),
        "nbf-10e400-integer": (signed(nbf=10**400), {}, False),
        "iat-minus-10e400-integer": (signed(iat=-(10**400)), {}, False),
        "exp-1e300": (signed(exp=1e300), {}, False),
        "exp-max-safe-integer": (signed(exp=2**53 - 1), {}, True),
        "exp-beyond-safe-integer": (signed(exp=2**53 + 2), {}, False),
        "nbf-min-safe-integer": (signed(nbf=-(2**53 - 1)), {}, True),
        # other time rules
        "exp-missing": (signed(drop=("exp",)), {}, False),
        "exp-string": (signed(exp=str(now + 60)), {}, False),
        "exp-bool": (signed(exp=True), {}, False),
        "exp-null": (signed(exp=None), {}, False),
        "exp-equals-now": (signed(exp=now), {}, False),
        "exp-fraction-within-this-second": (signed(exp=now + 0.5), {}, False),
        "exp-next-second": (signed(exp=now + 1), {}, True),
        "exp-past": (signed(exp=now - 1), {}, False),
        "nbf-now": (signed(nbf=now), {}, True),
        "nbf-next-second": (signed(nbf=now + 1), {}, False),
        "nbf-next-second-within-grace": (signed(nbf=now + 1), {"grace_seconds": 5}, True),
        "nbf-string": (signed(nbf=str(now)), {}, False),
        "iat-in-the-future": (signed(iat=now + 600), {}, False),
        "iat-string": (signed(iat=str(now)), {}, False),
        "iat-fraction": (signed(iat=now - 0.25), {}, True),
        # token use, subject, jti
        "token-use-refresh": (signed(token_use="refresh"), {"token_use": None}, False),
        "token-use-missing": (signed(drop=("token_use",)), {"token_use": None}, False),
        "token-use-list": (signed(token_use=["access"]), {"token_use": None}, False),
        "sub-number": (signed(sub=7), {}, False),
        "jti-list": (signed(jti=["x"]), {}, False),
        # groups
        "groups-string": (signed(**{"cognito:groups": "admins"}), {"groups": "admins"}, False),
        "groups-with-a-number": (signed(**{"cognito:groups": ["admins", 7]}),
                                 {"groups": "admins"}, False),
        "groups-string-unchecked": (signed(**{"cognito:groups": "admins"}), {}, True),
        # claims JavaScript treats specially, and unknown ones
        "proto-and-constructor-claims": (signed(**{"__proto__": {"token_use": "id"},
                                                   "constructor": 1}), {}, True),
        "unknown-claims": (signed(**{"custom:tenant": "acme", "nested": {"a": [1, None]},
                                     "x": 1.5}), {}, True),
    }
    for name, (token, options, genuine) in variants.items():
        add(name, token, genuine=genuine, **options)

    # --- the notebooks' forgery gallery for the same pool and app client ------------------
    gallery = build_gallery(lab)
    for forgery in gallery.forgeries:
        verifier = kit_verifier(lab.user_pool_id, lab.region, jwks_doc, now,
                                token_use="access", client_id=clients["server"])
        cases.append(DiffCase(f"gallery:{forgery.name}", forgery.token, verifier, jwks, now))
    for valid in gallery.valid:
        verifier = kit_verifier(lab.user_pool_id, lab.region, jwks_doc, now,
                                token_use="access", client_id=clients["server"])
        cases.append(DiffCase(f"gallery:{valid.name}", valid.token, verifier, jwks, now,
                              genuine=True))
    return cases


# --- the forgery corpus part ----------------------------------------------------------------


def corpus_cases() -> list[DiffCase]:
    keys = session_keys()
    now = NOW + 10  # the corpus's `clock` fixture
    cases = []
    good = forgery_corpus.good(keys)
    for case in forgery_corpus.CASES:
        if "custom_check" in case.verifier:
            continue  # a Python callable: nothing to hand to aws-jwt-verify
        jwks_doc = case.jwks(keys) if case.jwks is not None else jwks_body(keys.main.jwk())
        if isinstance(jwks_doc, BaseException) or not jwks_doc.startswith(b"{"):
            continue  # a failing fetch or no JSON: nothing to hand to cacheJwks()
        token = case.build(keys)
        if not isinstance(token, str):
            continue  # JSON carries strings only
        fetcher = Fetcher({JWKS_URL: jwks_doc, MULTI_REGION_JWKS_URL: jwks_doc,
                           OTHER_JWKS_URL: jwks_body(keys.other_pool.jwk())})
        clock = ManualClock(now)
        verifier = forgery_corpus.make(case, fetcher, clock)
        cases.append(DiffCase(f"corpus:{case.id}", token, verifier, json.loads(jwks_doc), now))
    unforged = forgery_corpus.make(forgery_corpus.CASES[0],
                                   Fetcher({JWKS_URL: jwks_body(keys.main.jwk())}),
                                   ManualClock(now))
    cases.append(DiffCase("corpus:unforged", good, unforged,
                          json.loads(jwks_body(keys.main.jwk())), now, genuine=True))
    return cases


# --- the documented exceptions --------------------------------------------------------------


def documented_stricter_cases() -> set[str]:
    """Case names listed in docs/verifier.md under STRICTER_HEADING."""
    text = DOC.read_text(encoding="utf-8")
    assert STRICTER_HEADING in text, f"{DOC} lost its section {STRICTER_HEADING!r}"
    section = text.split(STRICTER_HEADING, 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`((?:lab|gallery|corpus):[^`]+)`", section))


# --- the test ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    cases: list[DiffCase]
    kit: dict[str, Verdict]
    aws: dict[str, Verdict]
    aws_version: str
    seconds: float

    def disagreements(self) -> list[str]:
        return [c.name for c in self.cases if self.kit[c.name].valid != self.aws[c.name].valid]


@pytest.fixture(scope="module")
def outcome(node_project: Any) -> Outcome:
    from cognito_lab import Lab

    started = time.perf_counter()
    with Lab.start() as lab:
        now = int(lab.clock.now()) + 120  # after every token minted below (iat <= now)
        cases = lab_cases(lab, now) + corpus_cases()
        kit = {case.name: kit_verdict(case) for case in cases}
    version, aws = aws_verdicts(node_project, cases)
    return Outcome(cases, kit, aws, version, time.perf_counter() - started)


def test_the_corpus_is_large_and_well_formed(outcome: Outcome) -> None:
    names = [case.name for case in outcome.cases]
    assert len(names) >= 100
    assert len(set(names)) == len(names), "case names must be unique"
    assert set(outcome.aws) == set(names)
    assert outcome.aws_version == json.loads(
        (Path(__file__).parent / "package.json").read_text())["dependencies"]["aws-jwt-verify"]
    assert sum(case.genuine for case in outcome.cases) >= 30
    assert sum(not case.genuine for case in outcome.cases) >= 100


def test_genuine_tokens_are_accepted_by_both(outcome: Outcome) -> None:
    refused = {case.name: (outcome.kit[case.name], outcome.aws[case.name])
               for case in outcome.cases if case.genuine
               and not (outcome.kit[case.name].valid and outcome.aws[case.name].valid)}
    assert not refused


def test_the_kit_never_accepts_what_aws_jwt_verify_rejects(outcome: Outcome) -> None:
    let_through = {case.name: outcome.aws[case.name] for case in outcome.cases
                   if outcome.kit[case.name].valid and not outcome.aws[case.name].valid}
    assert not let_through


def test_every_disagreement_is_a_documented_stricter_rule(outcome: Outcome) -> None:
    documented = documented_stricter_cases()
    undocumented = {name: (outcome.kit[name].error, outcome.aws[name].valid)
                    for name in outcome.disagreements() if name not in documented}
    assert not undocumented, f"document these in {DOC.name} or fix the kit: {undocumented}"
    print(f"\naws-jwt-verify {outcome.aws_version}: {len(outcome.cases)} cases, "
          f"{len(outcome.disagreements())} disagreements (all documented stricter rules), "
          f"{outcome.seconds:.1f} s")


def test_the_documented_list_names_real_stricter_cases(outcome: Outcome) -> None:
    # Every name in the document is a case here, and one where the kit is in fact stricter:
    # a stale entry would hide a change in either verifier.
    documented = documented_stricter_cases()
    names = {case.name for case in outcome.cases}
    assert documented <= names, f"not in the corpus: {sorted(documented - names)}"
    not_stricter = sorted(name for name in documented
                          if outcome.kit[name].valid or not outcome.aws[name].valid)
    assert not not_stricter, f"listed as stricter, but both agree: {not_stricter}"
