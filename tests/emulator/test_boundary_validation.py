"""Malformed requests, sent the way a new user's buggy code sends them, get AWS's answers:
HTTP 400 in AWS's error shape, never a 5xx, never a traceback in the kernel's output.

AWS validates every request against the service's model before any operation runs
(botocore ships the same model): a body that isn't JSON, or a member of the wrong JSON type,
is ``SerializationException``; a missing required member, a length, range, enum value or
pattern outside the model is a validation error — ``InvalidParameterException`` from user
pools ("1 validation error detected: Value 'x' at 'userPoolId' failed to satisfy
constraint: ..."), ``ValidationException`` from identity pools; all with HTTP 400.

AWS pages: Common Errors
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/CommonErrors.html:
ValidationException "The input fails to satisfy the constraints specified by an AWS
service", HTTP 400) and each action's "Errors" section, e.g. AdminCreateUser
(/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html:
InvalidParameterException, HTTP 400); for identity pools GetId
(/cognitoidentity/latest/APIReference/API_GetId.html). Answers seen from AWS and quoted in
SDK issues: "Start of structure or map found where not expected." (SerializationException,
aws-amplify/amplify-js#5165), "Start of list found where not expected"
(aws/aws-sdk-js-v3#2831, cognito-identity), "1 validation error detected: Value ... at
'identityPoolId' failed to satisfy constraint: Member must satisfy regular expression
pattern: [\\w-]+:[0-9a-f-]+" (ValidationException, getmoto/moto#1979).

The corpus is generated from the model itself (every operation of both services) with a
fixed seed, so a failure names a case that can be replayed.
"""

from __future__ import annotations

import json
import logging
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import botocore.session
import pytest
import requests

from cognito_lab import Lab
from cognito_lab.emulator import validation
from cognito_lab.emulator.moto_gateway import TARGET_PREFIX

SEED = 20261205
SERVICES = ("cognito-idp", "cognito-identity")
VALIDATION = {"cognito-idp": "InvalidParameterException",
              "cognito-identity": "ValidationException"}
SERIALIZATION = "SerializationException"
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|Error on request|Exception on /")
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD")


@dataclass
class Case:
    """One request and what AWS answers it with (``codes``: the acceptable ``__type``s;
    empty for hosted-UI cases, where any 4xx, 2xx or 3xx will do)."""

    name: str
    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    query: bytes = b""
    codes: frozenset[str] = frozenset()
    status: int | None = None                         # an exact status, when AWS's is known
    allow: frozenset[str] = frozenset()               # a 405's Allow header


# -- values ------------------------------------------------------------------------------------
def _models() -> dict[str, Any]:
    session = botocore.session.get_session()
    return {service: session.get_service_model(service) for service in SERVICES}


class Filler:
    """Valid values for the members a request needs, from the lab where the lab has one
    (its pool, its client, its identity pool): the corpus hits real resources."""

    CANDIDATES = ("abc", "Abc123", "abc_def", "us-east-1_abc123", "123456789012",
                  "arn:aws:iam::123456789012:role/corpus", "arn:aws:s3:::corpus-bucket",
                  "https://example.com/cb", "corpus@example.com", "import-abc123", "Level1",
                  "authenticated", "tkn" + "a" * 25, "cognito:english", "terms-of-use",
                  "0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f", "a.b.c", "x{####}y",
                  "x{##y##}z", "abcdef0123")

    def __init__(self, lab: Lab) -> None:
        self.known = {
            "UserPoolIdType": lab.user_pool_id,
            "ClientIdType": lab.app_clients["web"].client_id,
            "IdentityPoolId": lab.identity_pool_id or "us-east-1:0f0f0f0f-0f0f",
            "IdentityId": "us-east-1:0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f",
            "UsernameType": "corpus-nobody",
            "PasswordType": "Corpus-Passw0rd!",
        }

    def value(self, shape: Any) -> Any:
        kind = shape.type_name
        if kind == "structure":
            return {name: self.value(shape.members[name])
                    for name in shape.metadata.get("required", ())}
        if kind == "list":
            return [self.value(shape.member)] if shape.metadata.get("min", 0) else []
        if kind == "map":
            return {}
        if kind in ("integer", "long"):
            return max(shape.metadata.get("min", 1), 1)
        if kind == "boolean":
            return False
        if kind == "blob":
            return "YWJj"
        if kind == "timestamp":
            return 1767225600
        if shape.name in self.known:
            return self.known[shape.name]
        if getattr(shape, "enum", None):
            return shape.enum[0]
        low, high = shape.metadata.get("min", 0), shape.metadata.get("max", 10 ** 6)
        pattern = shape.metadata.get("pattern")
        for candidate in self.CANDIDATES:
            if low <= len(candidate) <= high and (
                    pattern is None or java_matches(pattern, candidate)):
                return candidate
        return "a" * max(low, 1)


def java_matches(pattern: str, value: str) -> bool:
    """An oracle for the model's Java patterns, independent of the lab's reading of them:
    the ``regex`` module knows ``\\p{L}``; Java's ``\\w``, ``\\s`` and ``\\d`` are ASCII."""
    regex = pytest.importorskip("regex")
    ascii_classes = {r"\w": "A-Za-z0-9_", r"\d": "0-9", r"\s": r" \t\n\x0B\f\r"}
    out, in_class, i = [], False, 0
    while i < len(pattern):
        two = pattern[i:i + 2]
        if two in ascii_classes:
            out.append(ascii_classes[two] if in_class else f"[{ascii_classes[two]}]")
            i += 2
            continue
        if two == r"\S":
            out.append(r"\x00-\x08\x0E-\x1F\x21-\U0010FFFF" if in_class
                       else r"[^ \t\n\x0B\f\r]")
            i += 2
            continue
        if pattern[i] == "\\":
            out.append(two)
            i += 2
            continue
        in_class = {"[": True, "]": False}.get(pattern[i], in_class)
        out.append(pattern[i])
        i += 1
    return regex.fullmatch("".join(out), value) is not None


# -- the JSON API corpus -------------------------------------------------------------------------
WRONG = {  # a JSON value of the wrong type for each kind, as buggy code sends them
    "string": lambda v: [{"id": v}, [v], 12345, True, {"S": v}],
    "integer": lambda v: ["10", [10], {"value": 10}, True],
    "long": lambda v: ["10", [10], False],
    "boolean": lambda v: ["true", 1, ["yes"], {"on": True}],
    "list": lambda v: ["ALLOW_USER_SRP_AUTH", {"0": "x"}, 7],
    "map": lambda v: [[["k", "v"]], "k=v", 1],
    "structure": lambda v: ["x", [{"Name": "x"}], 0],
    "blob": lambda v: [{"b": 1}, [1, 2], 3],
    "timestamp": lambda v: [{"t": 1}, [1], True],
}


def json_cases(lab: Lab, rng: random.Random) -> Iterator[Case]:
    filler = Filler(lab)
    for service, model in _models().items():
        prefix = TARGET_PREFIX[service]
        for operation in model.operation_names:
            shape = model.operation_model(operation).input_shape
            good = filler.value(shape)
            required = shape.metadata.get("required", [])
            invalid = frozenset({VALIDATION[service]})
            wrong_type = frozenset({SERIALIZATION})

            def case(name: str, body: Any, codes: frozenset[str],
                     operation: str = operation, service: str = service,
                     prefix: str = prefix) -> Case:
                raw = body if isinstance(body, bytes) else json.dumps(body).encode()
                return json_case(f"{service}:{operation}:{name}", f"{prefix}.{operation}",
                                 service, raw, codes, signed=rng.random() < 0.8)

            yield case("not-json", rng.choice([b"{nope", b"UserPoolId=x", b"{'a': 1}",
                                               b'{"a": 1,}', b"{\"a\": NaN}"]), wrong_type)
            yield case("not-utf8", b'{"Username": "\xff\xfe\xfd"}', wrong_type)
            yield case("not-an-object", rng.choice([b"[]", b"[1]", b'"x"', b"null", b"42"]),
                       wrong_type)
            if required:
                yield case("empty-body", b"", invalid)
                yield case("empty-object", {}, invalid)
            for name in required:
                yield case(f"missing-{name}", {k: v for k, v in good.items() if k != name},
                           invalid)
                yield case(f"null-{name}", {**good, name: None}, invalid)
            for name, member in shape.members.items():
                kind = member.type_name
                if member.metadata.get("document") or kind not in WRONG:
                    continue
                wrong = rng.choice(WRONG[kind](filler.value(member)))
                yield case(f"wrong-type-{name}", {**good, name: wrong}, wrong_type)
                yield from nested_cases(case, good, name, member, filler, rng, wrong_type,
                                        invalid)
                yield from constraint_cases(case, good, name, member, invalid)


def nested_cases(case: Any, good: dict, name: str, member: Any, filler: Filler,
                 rng: random.Random, wrong_type: frozenset[str],
                 invalid: frozenset[str]) -> Iterator[Case]:
    """Wrong types one level down: [{"Name": 1}] for a list of attributes, {"k": [..]}."""
    if member.type_name == "list" and member.member.type_name == "structure":
        element = filler.value(member.member)
        for inner_name, inner in member.member.members.items():
            if inner.type_name == "string":
                bad = {**element, inner_name: rng.choice([1, {"v": 1}, ["v"], False])}
                yield case(f"nested-{name}-{inner_name}", {**good, name: [bad]}, wrong_type)
                break
        required = member.member.metadata.get("required", [])
        if required:
            yield case(f"nested-missing-{name}-{required[0]}",
                       {**good, name: [{k: v for k, v in element.items() if k != required[0]}]},
                       invalid)
        yield case(f"nested-null-{name}", {**good, name: [None]}, invalid)
    elif member.type_name == "map" and member.value.type_name == "string":
        yield case(f"map-value-{name}", {**good, name: {"KEY": rng.choice([["v"], 1, {"v": 1}])}},
                   wrong_type)
    elif member.type_name == "list" and member.member.type_name == "string":
        yield case(f"list-element-{name}", {**good, name: ["ok", rng.choice([1, {"v": 1}])]},
                   wrong_type)


def constraint_cases(case: Any, good: dict, name: str, member: Any,
                     invalid: frozenset[str]) -> Iterator[Case]:
    meta = member.metadata
    if member.type_name == "string":
        if "max" in meta and meta["max"] < 10 ** 6:
            yield case(f"too-long-{name}", {**good, name: "a" * (meta["max"] + 1)}, invalid)
        if getattr(member, "enum", None):
            yield case(f"enum-{name}", {**good, name: "NOT_A_VALUE"}, invalid)
    if member.type_name in ("integer", "long"):
        if "max" in meta:
            yield case(f"too-big-{name}", {**good, name: meta["max"] + 1}, invalid)
        if "min" in meta:
            yield case(f"too-small-{name}", {**good, name: meta["min"] - 1}, invalid)
    if member.type_name == "list" and getattr(member.member, "enum", None):
        yield case(f"list-enum-{name}", {**good, name: ["NOT_A_VALUE"]}, invalid)


def json_case(name: str, target: str, service: str, body: bytes, codes: frozenset[str],
              signed: bool = True) -> Case:
    headers = {"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"}
    if signed:
        headers["Authorization"] = (
            "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/"
            f"{service}/aws4_request, SignedHeaders=host;x-amz-target, Signature=0")
    return Case(name, "POST", "/", body, headers, codes=codes, status=400)


def pattern_cases(lab: Lab) -> Iterator[Case]:
    """The classic mistakes AWS's patterns catch (a user pool id where an identity pool id
    belongs, a space in a username, ...)."""
    idp, identity = "cognito-idp", "cognito-identity"
    web = lab.app_clients["web"].client_id
    mistakes = [
        (identity, "GetId", {"IdentityPoolId": lab.user_pool_id}),
        (identity, "DescribeIdentityPool", {"IdentityPoolId": "my identity pool"}),
        (idp, "AdminGetUser", {"UserPoolId": " " + lab.user_pool_id, "Username": "alice"}),
        (idp, "AdminGetUser", {"UserPoolId": "string", "Username": "alice"}),
        (idp, "AdminCreateUser", {"UserPoolId": lab.user_pool_id, "Username": "alice smith"}),
        (idp, "InitiateAuth", {"ClientId": "my-client!", "AuthFlow": "USER_PASSWORD_AUTH"}),
        (idp, "InitiateAuth", {"ClientId": web, "AuthFlow": "PASSWORD"}),
        (idp, "SignUp", {"ClientId": web, "Username": "bob", "Password": "has space"}),
        (idp, "GetUser", {"AccessToken": "Bearer abc"}),
        (idp, "CreateUserPoolClient", {"UserPoolId": lab.user_pool_id, "ClientName": "a/b"}),
    ]
    for i, (service, operation, body) in enumerate(mistakes):
        yield json_case(f"{service}:{operation}:pattern-{i}", f"{TARGET_PREFIX[service]}."
                        f"{operation}", service, json.dumps(body).encode(),
                        frozenset({VALIDATION[service]}))


def unknown_target_cases() -> Iterator[Case]:
    unknown = frozenset({"UnknownOperationException"})
    for service, prefix in TARGET_PREFIX.items():
        for operation in ("NoSuchOperation", "initiateAuth", "getId", "", "Admin Create User"):
            yield json_case(f"{service}:unknown:{operation or 'empty'}", f"{prefix}.{operation}",
                            service, b"{}", unknown)
        yield json_case(f"{service}:unknown:no-dot", prefix, service, b"{}", unknown)


# -- the hosted UI corpus --------------------------------------------------------------------------
def hosted_ui_routes(lab: Lab) -> dict[str, frozenset[str]]:
    """Every hosted-UI and issuer route, with the methods AWS answers on it."""
    pool = lab.user_pool_id
    return {
        "/oauth2/authorize": frozenset({"GET", "HEAD"}),
        "/login": frozenset({"GET", "HEAD", "POST"}),
        "/logout": frozenset({"GET", "HEAD"}),
        "/oauth2/token": frozenset({"POST"}),
        "/oauth2/userInfo": frozenset({"GET", "HEAD", "POST"}),
        "/oauth2/revoke": frozenset({"POST"}),
        f"/{pool}/.well-known/jwks.json": frozenset({"GET", "HEAD"}),
        f"/{pool}/.well-known/openid-configuration": frozenset({"GET", "HEAD"}),
    }


def hosted_ui_cases(lab: Lab, rng: random.Random) -> Iterator[Case]:
    web = lab.app_clients["web"]
    server = lab.app_clients["server"]
    long = "x" * 70_000
    odd_queries = [
        b"client_id=" + web.client_id.encode() + b"&client_id=other",
        b"response_type=code&response_type=token&client_id=" + web.client_id.encode(),
        b"redirect_uri=https://a.example&redirect_uri=https://b.example&client_id="
        + web.client_id.encode(),
        b"client_id=%FF%FE%FD&redirect_uri=%C3%28",
        b"client_id=" + long.encode(),
        b"state=" + long.encode() + b"&client_id=" + web.client_id.encode(),
        b"client_id=%ZZ&scope=%",
        b"client_id=a%00b&scope=openid%00email",
        b"logout_uri=" + long.encode(),
        b"&&&==&=x&x=",
        b"scope=" + b"openid+" * 5000,
    ]
    odd_bodies = [
        b"grant_type=authorization_code&grant_type=client_credentials",
        b"grant_type=\xff\xfe&code=\xc3\x28",
        b"grant_type=refresh_token&refresh_token=" + long.encode(),
        b"token=" + long.encode() + b"&client_id=" + web.client_id.encode(),
        b'{"grant_type": "client_credentials"}',
        b"username=alice&username=bob&password=x&password=y",
        b"%%%&&&===",
        b"client_id=" + server.client_id.encode() + b"&client_secret=\xff",
    ]
    odd_headers = [
        {},
        {"Authorization": "Basic !!!not-base64"},
        {"Authorization": "Basic /w=="},                     # base64 of a non-UTF-8 byte
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer " + "y" * 20_000},
        {"Cookie": "cognito=garbage; XSRF-TOKEN=\x7f"},
        {"Content-Type": "application/json"},
        {"Content-Type": "multipart/form-data; boundary=zz"},
    ]
    for path, allowed in hosted_ui_routes(lab).items():
        for method in METHODS:
            if method not in allowed:
                yield Case(f"hosted-ui:{path}:{method}", method, path, status=405,
                           allow=allowed)
        for i, query in enumerate(odd_queries):
            method = rng.choice(sorted(allowed - {"HEAD"}))
            headers = rng.choice(odd_headers)
            body = rng.choice(odd_bodies) if method == "POST" else b""
            if method == "POST" and "Content-Type" not in headers:
                headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
            yield Case(f"hosted-ui:{path}:odd-query-{i}", method, path, body, headers, query)
        if "POST" in allowed:
            for i, body in enumerate(odd_bodies):
                headers = {"Content-Type": "application/x-www-form-urlencoded",
                           **rng.choice(odd_headers)}
                yield Case(f"hosted-ui:{path}:odd-body-{i}", "POST", path, body, headers)
    near_misses = ("/.well-known/openid-configuration", "/.well-known/jwks.json",
                   f"/{lab.user_pool_id}/.well-known/jwks", "/oauth2/tokens", "/oauth2/token/x",
                   "/oauth2/userinfo", "/oauth2/authorise", "/oauth2/", "/login/x", "/logout/x")
    for path in near_misses:          # typos: the emulator's 404, never moto's S3
        for method in METHODS:
            body = b"grant_type=client_credentials" if method in ("POST", "PUT") else b""
            yield Case(f"near-miss:{path}:{method}", method, path, body, status=404)
    for path in ("/us-east-1_nope/.well-known/openid-configuration",
                 "/us-east-1_nope/.well-known/jwks.json"):        # a pool that isn't there
        for method in METHODS:
            get = method in ("GET", "HEAD")
            yield Case(f"no-pool:{path}:{method}", method, path, status=404 if get else 405,
                       allow=frozenset() if get else frozenset({"GET", "HEAD"}))


def corpus(lab: Lab) -> list[Case]:
    rng = random.Random(SEED)
    return [*json_cases(lab, rng), *pattern_cases(lab), *unknown_target_cases(),
            *hosted_ui_cases(lab, rng)]


# -- sending ---------------------------------------------------------------------------------------
def send(lab: Lab, case: Case, http: requests.Session) -> requests.Response:
    url = lab.endpoint_url + case.path + ("?" + case.query.decode("latin-1") if case.query
                                          else "")
    request = requests.Request(case.method, url, data=case.body or None, headers=case.headers)
    prepared = http.prepare_request(request)
    if case.query:
        prepared.url = lab.endpoint_url + case.path + "?" + case.query.decode("latin-1")
    return http.send(prepared, allow_redirects=False, timeout=30)


def problems_with(case: Case, response: requests.Response) -> list[str]:
    found = []
    if response.status_code >= 500:
        found.append(f"HTTP {response.status_code}: {response.text[:300]}")
    if case.status is not None and response.status_code != case.status:
        found.append(f"expected HTTP {case.status}, got {response.status_code}")
    if case.allow:
        allow = {m.strip() for m in response.headers.get("Allow", "").split(",") if m.strip()}
        if not case.allow <= allow:
            found.append(f"Allow {sorted(allow)} lacks {sorted(case.allow - allow)}")
    if case.codes:
        try:
            body = response.json()
        except ValueError:
            return [*found, f"not JSON: {response.text[:200]!r}"]
        if not isinstance(body.get("message"), str):
            found.append(f"no message: {body}")
        if body.get("__type") not in case.codes:
            found.append(f"expected {sorted(case.codes)}, got {body}")
    return found


@pytest.fixture(scope="module")
def corpus_lab() -> Iterator[Lab]:
    with Lab.start() as lab:
        yield lab


def test_the_corpus_is_seeded_and_covers_every_operation_and_route(corpus_lab):
    """The same seed gives the same corpus; every operation of both services' models and
    every hosted-UI route is in it (AWS: Common Errors, each action's Errors section)."""
    first, second = corpus(corpus_lab), corpus(corpus_lab)
    assert [(c.name, c.body, c.query) for c in first] == \
        [(c.name, c.body, c.query) for c in second]
    names = {c.name for c in first}
    assert len(names) == len(first), "case names are unique (a failure names one case)"
    for service, model in _models().items():
        for operation in model.operation_names:
            assert f"{service}:{operation}:not-json" in names
    for path in hosted_ui_routes(corpus_lab):
        assert any(n.startswith(f"hosted-ui:{path}:") for n in names)
    assert len(first) > 2000


def test_malformed_requests_get_aws_answers_never_a_5xx_or_a_traceback(corpus_lab, capfd,
                                                                        caplog):
    """Every malformed request gets AWS's 4xx in AWS's shape (JSON API: ``__type`` and
    ``message``, SerializationException / InvalidParameterException / ValidationException /
    UnknownOperationException; wrong methods: 405 with Allow), and nothing is printed.

    AWS: Common Errors (cognito-user-identity-pools/latest/APIReference/CommonErrors.html).
    """
    caplog.set_level(logging.WARNING)
    failures = []
    with requests.Session() as http:
        for case in corpus(corpus_lab):
            response = send(corpus_lab, case, http)
            failures += [f"{case.name}: {p}" for p in problems_with(case, response)]
    out, err = capfd.readouterr()
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:40])
    assert not TRACEBACK.search(out + err), (out + err)[-3000:]
    # (werkzeug's one-line "code 414, message Request-URI Too Long" is an answer, not a bug)
    logged = [r for r in caplog.records if r.exc_info or TRACEBACK.search(r.getMessage())]
    assert not logged, [r.getMessage() for r in logged[:5]]


def test_the_lab_itself_sends_what_the_model_allows(corpus_lab):
    """The demo resources (pool, clients, identity pool) have ids AWS's patterns accept, so
    the checks never refuse what AWS accepts (AWS: API_UserPoolType, API_GetId patterns)."""
    model = validation._model("cognito-idp")
    shapes = model.model
    checks = [("UserPoolIdType", corpus_lab.user_pool_id)]
    checks += [("ClientIdType", c.client_id) for c in corpus_lab.app_clients.values()]
    checks += [("ClientSecretType", c.client_secret) for c in corpus_lab.app_clients.values()
               if c.client_secret]
    for name, value in checks:
        assert java_matches(shapes.shape_for(name).metadata["pattern"], value), (name, value)
    identity = validation._model("cognito-identity").model
    assert java_matches(identity.shape_for("IdentityPoolId").metadata["pattern"],
                        corpus_lab.identity_pool_id)


def _samples(rng: random.Random) -> list[str]:
    alphabet = ("abcXYZ019_-+=/.,@:; \t\n!#$%&*{}[]()<>?|~^`'\"\\"
                "éßЖ用😀\u00a0\u2028\u200b\u0301\u0085\ue000")
    fixed = ["", "a", "us-east-1_abc", "us-east-1:0f0f-aa", "x{####}y", "Level3", "tkn" + "a" * 25,
             "https://a.b/c", "arn:aws:iam::123456789012:role/r", "a b", "é", "用户", "😀"]
    return fixed + ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
                    for _ in range(300)]


def test_every_model_pattern_reads_as_java_reads_it():
    """The lab reads the model's Java patterns (\\w ASCII, \\p{L} Unicode) as Java would:
    it agrees with an independent oracle on seeded values (AWS: each action's Pattern
    constraints, e.g. API_AdminCreateUser.html Username [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+)."""
    rng = random.Random(SEED)
    samples = _samples(rng)
    checked = 0
    for service in SERVICES:
        model = validation._model(service)
        for operation in sorted(model.operations):
            model.input_of(operation)
        for shape in model._shapes.values():
            if not shape.pattern_text:
                continue
            assert shape.pattern is not None, f"{shape.name}: {shape.pattern_text} not read"
            for value in samples:
                expected = java_matches(shape.pattern_text, value)
                assert validation._matches(shape.pattern, value) == expected, \
                    (shape.name, shape.pattern_text, value)
                checked += 1
    assert checked > 10_000


def test_messages_are_awss(corpus_lab):
    """The wording AWS uses: "1 validation error detected: Value ... at 'userPoolId' failed
    to satisfy constraint: ...", sensitive values never echoed (AWS: API_AdminGetUser
    UserPoolId pattern; API_SignUp Password, sensitive)."""
    def answer(service: str, operation: str, body: dict) -> dict:
        case = json_case("m", f"{TARGET_PREFIX[service]}.{operation}", service,
                         json.dumps(body).encode(), frozenset())
        with requests.Session() as http:
            return send(corpus_lab, case, http).json()

    out = answer("cognito-idp", "AdminGetUser", {"UserPoolId": "string", "Username": "a"})
    assert out == {"__type": "InvalidParameterException", "message":
                   "1 validation error detected: Value 'string' at 'userPoolId' failed to "
                   "satisfy constraint: Member must satisfy regular expression pattern: "
                   "[\\w-]+_[0-9a-zA-Z]+"}
    out = answer("cognito-idp", "AdminGetUser", {})
    assert out["message"].startswith("2 validation errors detected: Value null at "
                                     "'userPoolId' failed to satisfy constraint: Member must "
                                     "not be null; Value null at 'username'")
    out = answer("cognito-idp", "SignUp", {"ClientId": corpus_lab.app_clients["web"].client_id,
                                           "Username": "bob", "Password": "a b"})
    assert "Value at 'password' failed" in out["message"] and "a b" not in out["message"]
    out = answer("cognito-idp", "AdminCreateUser",
                 {"UserPoolId": {"id": corpus_lab.user_pool_id}, "Username": "bob"})
    assert out == {"__type": "SerializationException",
                   "message": "Start of structure or map found where not expected."}
    out = answer("cognito-identity", "GetId", {"IdentityPoolId": corpus_lab.user_pool_id})
    assert out["__type"] == "ValidationException"
    assert "'identityPoolId' failed to satisfy constraint: Member must satisfy regular " \
           "expression pattern: [\\w-]+:[0-9a-f-]+" in out["message"]


def test_what_aws_accepts_still_works(corpus_lab):
    """Nulls stand for members left out; numbers in integer members are read as integers;
    members the model doesn't know are ignored — as AWS's reader does (AWS: Common
    Parameters). The request then runs as usual."""
    idp = corpus_lab.client("cognito-idp")
    case = json_case("ok", f"{TARGET_PREFIX['cognito-idp']}.ListUsers", "cognito-idp",
                     json.dumps({"UserPoolId": corpus_lab.user_pool_id, "Limit": 2.0,
                                 "Filter": None, "SomethingNew": {"x": 1}}).encode(),
                     frozenset())
    with requests.Session() as http:
        response = send(corpus_lab, case, http)
    assert response.status_code == 200, response.text
    assert len(response.json()["Users"]) == 2
    assert idp.list_users(UserPoolId=corpus_lab.user_pool_id, Limit=1)["Users"]


def test_an_operation_no_one_plays_is_refused_cleanly_not_a_500(corpus_lab, capfd):
    """A well-formed call to an operation neither the emulator nor moto implements gets a
    400 UnsupportedOperationException naming it (moto alone: HTTP 500 and a traceback
    printed into the kernel). Lab vs AWS: AWS implements it; the lab says it does not."""
    from cognito_lab.emulator.moto_gateway import moto_implements

    handled = {name for service, name in corpus_lab.emulator.operations
               if service == "cognito-idp"}
    unplayed = [name for name in _models()["cognito-idp"].operation_names
                if name not in handled and not moto_implements("cognito-idp", name)]
    assert unplayed, "every operation is played: this test has nothing left to check"
    refused = []
    for operation in unplayed:
        input_shape = _models()["cognito-idp"].operation_model(operation).input_shape
        body = {name: "us-east-1_abc" if name == "UserPoolId" else "x"
                for name in (input_shape.required_members if input_shape else [])
                if input_shape.members[name].type_name == "string"}
        if input_shape and len(body) != len(input_shape.required_members):
            continue        # needs a non-string member: the corpus covers its malformed forms
        response = requests.post(corpus_lab.endpoint_url + "/", data=json.dumps(body),
                                 headers={"X-Amz-Target":
                                          f"{TARGET_PREFIX['cognito-idp']}.{operation}",
                                          "Content-Type": "application/x-amz-json-1.1"},
                                 timeout=10)
        if response.status_code == 400 and response.json()["__type"] != \
                "UnsupportedOperationException":
            continue        # refused by the model's patterns first, as AWS would
        assert response.status_code == 400, (operation, response.text[:200])
        assert response.json()["__type"] == "UnsupportedOperationException"
        assert operation in response.json()["message"]
        refused.append(operation)
    assert len(refused) >= 10, refused
    out, err = capfd.readouterr()
    assert not TRACEBACK.search(out + err), (out + err)[-2000:]


def test_a_null_map_value_reads_as_absent():
    """identity-js's refreshSession() sends ``"DEVICE_KEY": null`` in AuthParameters, and AWS
    answers with tokens (InitiateAuth: DEVICE_KEY is optional), so null map values are
    dropped, not refused."""
    body = json.dumps({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": "abc",
                       "AuthParameters": {"REFRESH_TOKEN": "r", "DEVICE_KEY": None}}).encode()
    params, forwarded = validation.read_request("cognito-idp", "InitiateAuth", body)
    assert params["AuthParameters"] == {"REFRESH_TOKEN": "r"}
    assert json.loads(forwarded)["AuthParameters"] == {"REFRESH_TOKEN": "r"}
