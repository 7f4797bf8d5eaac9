"""The OpenAPI fragment, read once at start-up: routes, field rules, documented responses.

The mock takes every constraint from the fragment it loads (not from a copy), so a fragment
edit changes the mock without a code change. Start-up fails loudly when the fragment no
longer documents something the mock needs (an operation, a status, an error code).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from dynamic_sdk_client._rules import FieldRule

__all__ = ["FragmentError", "Spec", "load_spec", "locate_fragment"]

OPERATION_ID = "retrySmsVerification"
FRAGMENT_NAME = "retry-sms-verification.yaml"
ENV_VARIABLE = "DYNAMIC_MOCK_FRAGMENT"

# Every status the mock can send for the operation, and the fragment key documenting it.
_STATUS_KEYS = {
    200: "200",
    400: "400",
    401: "401",
    404: "404",
    413: "413",
    415: "415",
    422: "422",
    429: "429",
    500: "5XX",
    503: "5XX",
}
# The 422 codes the mock uses; each must be in the fragment's UnprocessableEntityErrorCode.
UNPROCESSABLE_CODES = ("invalid_sms_verification", "too_many_sms_verification_attempts")


class FragmentError(RuntimeError):
    """The fragment cannot be found, or lacks something the mock relies on."""


@dataclass(frozen=True)
class Spec:
    """What the mock reads from the fragment."""

    source: str
    path_segments: tuple[str, ...]
    """Operation path split on "/", e.g. ("sdk", "{environmentId}", ...)."""
    server_prefix: tuple[str, ...]
    """Path of the fragment's server URL, e.g. ("api", "v0"); the mock also serves it."""
    path_rules: tuple[FieldRule, ...]
    body_rules: tuple[FieldRule, ...]
    request_schema: str
    response_schemas: Mapping[str, str]
    """Documented status key ("200", "5XX", ...) -> component schema name."""
    documented_statuses: frozenset[str]
    example: tuple[str, Mapping[str, Any]] | None = None
    """(environmentId example, request body example) when the fragment gives both."""

    def parameter_name(self, index: int) -> str | None:
        """The path parameter at segment `index`, or None for a literal segment."""
        segment = self.path_segments[index]
        if segment.startswith("{") and segment.endswith("}"):
            return segment[1:-1]
        return None


def locate_fragment(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Explicit path > $DYNAMIC_MOCK_FRAGMENT > packaged openapi.yaml > the checkout's openapi/.

    Wheels carry the fragment as dynamic_sdk_mock/openapi.yaml; editable installs do not,
    so the repository's own file is the last resort.
    """
    if explicit is not None:
        return _existing(Path(explicit))
    from_env = os.environ.get(ENV_VARIABLE)
    if from_env:
        return _existing(Path(from_env))
    packaged = resources.files("dynamic_sdk_mock").joinpath("openapi.yaml")
    if packaged.is_file():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "openapi" / FRAGMENT_NAME
    if checkout.is_file():
        return checkout
    raise FragmentError(
        "OpenAPI fragment not found: pass --fragment PATH or set "
        f"{ENV_VARIABLE} (looked for the packaged openapi.yaml and {checkout})"
    )


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise FragmentError(f"OpenAPI fragment not found at {path}")
    return path


def load_spec(path: str | os.PathLike[str] | None = None) -> Spec:
    """Load and check the fragment; raise FragmentError naming what is missing."""
    location = locate_fragment(path)
    with location.open(encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    return spec_from_document(document, str(location))


def _get(node: object, *keys: str) -> Any:
    for key in keys:
        if not isinstance(node, Mapping) or key not in node:
            raise FragmentError(f"the fragment has no {'.'.join(keys)}")
        node = node[key]
    return node


def _resolve(document: object, node: object) -> Any:
    while isinstance(node, Mapping) and "$ref" in node:
        reference = str(node["$ref"])
        if not reference.startswith("#/"):
            raise FragmentError(f"only local $ref is supported, got {reference}")
        node = _get(document, *reference[2:].split("/"))
    return node


def _schema_name(schema: object) -> str:
    if not isinstance(schema, Mapping) or "$ref" not in schema:
        raise FragmentError("the mock expects component $refs for bodies")
    return str(schema["$ref"]).rsplit("/", 1)[-1]


def _rule(owner: str, name: str, required: bool, schema: Mapping[str, Any]) -> FieldRule:
    if schema.get("type") != "string":
        raise FragmentError(f"{owner}.{name}: the mock validates string fields only")
    return FieldRule(
        schema=owner,
        name=name,
        python_name=name,
        required=required,
        max_length=schema.get("maxLength"),
        min_length=schema.get("minLength"),
        pattern=schema.get("pattern"),
    )


def spec_from_document(document: object, source: str) -> Spec:
    """Build the Spec from a parsed fragment (split out so tests can feed variants)."""
    operation: Mapping[str, Any] | None = None
    operation_path = ""
    for path, item in _get(document, "paths").items():
        for method, candidate in item.items():
            if (
                method == "post"
                and isinstance(candidate, Mapping)
                and candidate.get("operationId") == OPERATION_ID
            ):
                operation, operation_path = candidate, path
    if operation is None:
        raise FragmentError(f"the fragment documents no POST operation {OPERATION_ID}")

    path_rules = tuple(
        _rule(OPERATION_ID, str(parameter["name"]), True, _resolve(document, parameter["schema"]))
        for parameter in (_resolve(document, p) for p in operation.get("parameters", ()))
        if parameter.get("in") == "path"
    )
    body_schema_ref = _get(operation, "requestBody", "content", "application/json", "schema")
    request_schema = _schema_name(body_schema_ref)
    body = _resolve(document, body_schema_ref)
    required = set(body.get("required", ()))
    body_rules = tuple(
        _rule(request_schema, str(name), name in required, _resolve(document, field))
        for name, field in _get(body, "properties").items()
    )

    responses = _get(operation, "responses")
    response_schemas: dict[str, str] = {}
    for status, response in responses.items():
        schema = _get(_resolve(document, response), "content", "application/json", "schema")
        response_schemas[str(status)] = _schema_name(schema)
    missing = sorted({key for key in _STATUS_KEYS.values() if key not in response_schemas})
    if missing:
        raise FragmentError(f"the fragment does not document responses {missing}")
    codes = _get(document, "components", "schemas", "UnprocessableEntityErrorCode", "enum")
    absent = [code for code in UNPROCESSABLE_CODES if code not in codes]
    if absent:
        raise FragmentError(f"UnprocessableEntityErrorCode lacks {absent}")

    environment_example = next(
        (
            _resolve(document, p).get("example")
            for p in operation.get("parameters", ())
            if _resolve(document, p).get("in") == "path"
        ),
        None,
    )
    body_example = operation["requestBody"]["content"]["application/json"].get("example")
    example = None
    if isinstance(environment_example, str) and isinstance(body_example, Mapping):
        example = (environment_example, dict(body_example))

    servers = document.get("servers", ()) if isinstance(document, Mapping) else ()
    server_path = urlsplit(str(servers[0]["url"])).path if servers else ""
    return Spec(
        source=source,
        path_segments=tuple(operation_path.strip("/").split("/")),
        server_prefix=tuple(part for part in server_path.split("/") if part),
        path_rules=path_rules,
        body_rules=body_rules,
        request_schema=request_schema,
        response_schemas=response_schemas,
        documented_statuses=frozenset(response_schemas),
        example=example,
    )


def status_key(status: int) -> str:
    """The fragment's response key for a status the mock sends."""
    return _STATUS_KEYS[status] if status in _STATUS_KEYS else f"{status // 100}XX"
