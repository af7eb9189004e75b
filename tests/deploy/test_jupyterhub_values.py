"""deploy/jupyterhub/values.yaml is a Zero to JupyterHub config that z2jh would accept.

SCHEMA is the part of the z2jh chart's values schema (jupyterhub/values.schema.yaml in
jupyterhub/zero-to-jupyterhub-k8s, chart 3.x/4.x) that this file uses, with the same
key names, nesting, types and ``additionalProperties: false`` — so a misspelt or misplaced
key fails here as it would fail `helm upgrade`.
"""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
VALUES = ROOT / "deploy" / "jupyterhub" / "values.yaml"
README = ROOT / "deploy" / "jupyterhub" / "README.md"

_nullable = lambda *kinds: {"type": [*kinds, "null"]}  # noqa: E731
_closed = lambda **props: {"type": "object", "additionalProperties": False,  # noqa: E731
                           "properties": props}

IMAGE = {**_closed(name={"type": "string"}, tag={"type": "string"},
                   pullPolicy={"enum": [None, "", "IfNotPresent", "Always", "Never"]},
                   pullSecrets={"type": "array"}),
         "required": ["name", "tag"]}
EXTRA_FILE = {**_closed(mountPath={"type": "string"}, data={"type": "object"},
                        stringData={"type": "string"}, binaryData={"type": "string"},
                        mode={"type": "number"}),
              "required": ["mountPath"],
              "oneOf": [{"required": ["data"]}, {"required": ["stringData"]},
                        {"required": ["binaryData"]}]}
SCHEMA = _closed(
    hub=_closed(config={"type": "object", "additionalProperties": True},
                baseUrl={"type": "string"}, cookieSecret=_nullable("string")),
    proxy=_closed(
        secretToken=_nullable("string"),
        service=_closed(type={"enum": ["ClusterIP", "NodePort", "LoadBalancer",
                                       "ExternalName"]},
                        loadBalancerIP=_nullable("string")),
        https=_closed(enabled=_nullable("boolean"), hosts={"type": "array"},
                      type={"enum": [None, "", "letsencrypt", "manual", "offload",
                                     "secret"]})),
    singleuser=_closed(
        image=IMAGE,
        defaultUrl=_nullable("string"),
        cmd=_nullable("array", "string"),
        memory=_closed(limit=_nullable("number", "string"),
                       guarantee=_nullable("number", "string")),
        cpu=_closed(limit=_nullable("number"), guarantee=_nullable("number")),
        extraEnv={"type": ["object", "array"]},
        networkPolicy=_closed(
            enabled={"type": "boolean"},
            egressAllowRules=_closed(**{k: {"type": "boolean"} for k in (
                "cloudMetadataServer", "dnsPortsCloudMetadataServer",
                "dnsPortsKubeSystemNamespace", "dnsPortsPrivateIPs", "nonPrivateIPs",
                "privateIPs")})),
        storage={**_closed(type={"enum": ["dynamic", "static", "none"]},
                           homeMountPath={"type": "string"}, capacity=_nullable("string")),
                 "required": ["type"]},
        extraFiles={"type": "object", "additionalProperties": False,
                    "patternProperties": {".*": EXTRA_FILE}},
        startTimeout=_nullable("integer")),
    cull={**_closed(enabled={"type": "boolean"}, users=_nullable("boolean"),
                    adminUsers=_nullable("boolean"), removeNamedServers=_nullable("boolean"),
                    timeout=_nullable("integer"), every=_nullable("integer"),
                    concurrency=_nullable("integer"), maxAge=_nullable("integer")),
          "required": ["enabled"]},
    prePuller=_closed(hook={**_closed(enabled={"type": "boolean"}), "required": ["enabled"]},
                      continuous={**_closed(enabled={"type": "boolean"}),
                                  "required": ["enabled"]}),
)


@pytest.fixture(scope="module")
def values() -> dict:
    return yaml.safe_load(VALUES.read_text())


def _quantity(value: str | float) -> float:
    """A Kubernetes memory quantity in bytes (512M, 1.5G, 2Gi, or a plain number)."""
    units = {"": 1, "K": 1e3, "M": 1e6, "G": 1e9, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
    number, unit = re.fullmatch(r"([\d.]+)([KMG]i?)?", str(value)).groups()
    return float(number) * units[unit or ""]


def test_values_follow_the_z2jh_schema(values):
    jsonschema.validate(values, SCHEMA, cls=jsonschema.Draft7Validator)


def test_the_schema_rejects_a_misplaced_key(values):
    """The check above has teeth: `singleuser.memory.limits` (plural) is not z2jh's."""
    broken = {**values, "singleuser": {**values["singleuser"],
                                       "memory": {"limits": "1G"}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA, cls=jsonschema.Draft7Validator)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**values, "cull": {"enabled": "yes"}}, SCHEMA)


def test_the_image_is_the_one_the_readme_builds_with_repo2docker(values):
    image = values["singleuser"]["image"]
    reference = f"{image['name']}:{image['tag']}"
    build = re.search(r"^(jupyter-)?repo2docker .*$", README.read_text(), re.M).group(0)
    assert "--no-run" in build and f"--image-name {reference}" in build, build
    assert "--user-id 1000" in build and "--user-name jovyan" in build
    assert re.search(rf"docker push {re.escape(reference)}", README.read_text())
    assert (ROOT / "binder" / "requirements.txt").is_file()


def test_learners_land_on_the_first_notebook(values):
    url = values["singleuser"]["defaultUrl"]
    assert url.startswith("/lab/tree/")
    assert (ROOT / url.removeprefix("/lab/tree/")).is_file(), url


def test_resources_are_sized_with_guarantee_below_limit(values):
    memory, cpu = values["singleuser"]["memory"], values["singleuser"]["cpu"]
    assert 256e6 <= _quantity(memory["guarantee"]) <= _quantity(memory["limit"])
    assert 0 < cpu["guarantee"] <= cpu["limit"]


def test_idle_servers_and_kernels_are_culled(values):
    cull = values["cull"]
    assert cull["enabled"] is True and cull["timeout"] > 0 and cull["every"] > 0
    files = values["singleuser"]["extraFiles"]
    [kernels] = [f for f in files.values() if f["mountPath"].endswith(".json")]
    assert "jupyter_server_config.d" in kernels["mountPath"]
    assert kernels["data"]["MappingKernelManager"]["cull_idle_timeout"] > 0


SECRET_KEY = re.compile(r"secret|token|password|passwd|credential|api_?key|private_?key",
                        re.IGNORECASE)
SECRET_VALUE = re.compile(r"-----BEGIN|\b(AKIA|ASIA)[A-Z0-9]{16}\b|\b[0-9a-f]{32,}\b|"
                          r"\b[A-Za-z0-9+/]{40,}={0,2}")


def _leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, str(index)))
    else:
        yield path, node


def test_no_secret_is_committed(values):
    for path, value in _leaves(values):
        name = ".".join(path)
        if SECRET_KEY.search(path[-1] if path else ""):
            assert value in (None, ""), f"{name} holds a value: secrets go in auth.yaml"
        if isinstance(value, str):
            assert not SECRET_VALUE.search(value), f"{name} looks like a secret: {value!r}"
