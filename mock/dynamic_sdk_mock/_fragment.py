"""The OpenAPI fragment, read once at start-up: routes, field rules, documented responses.

The mock takes every constraint from the fragment it loads, through the runtime's one
fragment reader (`dynamic_sdk_runtime.fragment`), so a fragment edit changes the mock
without a code change. By default it loads the fragment the installed client was
generated from (`dynamic_sdk_client/openapi.json`). Start-up fails loudly when the
fragment no longer documents something the mock needs (an operation, a status, a code).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dynamic_sdk_runtime.fragment import FragmentError as ReaderError
from dynamic_sdk_runtime.fragment import get, read_fragment
from dynamic_sdk_runtime.rules import FieldRule

__all__ = ["FragmentError", "Spec", "load_spec", "locate_fragment"]

FRAGMENT_NAME = "retry-sms-verification.yaml"
ENV_VARIABLE = "DYNAMIC_MOCK_FRAGMENT"

# Every status the mock can send for the operation, and the fragment key documenting it.
_STATUS_KEYS = {
    200: "200",
    201: "201",
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
    """(environmentId example, a verification on file) when the fragment gives both: the
    phone fields come from the success response's example, which holds real-looking values
    (the request example holds the page's placeholders)."""

    def parameter_name(self, index: int) -> str | None:
        """The path parameter at segment `index`, or None for a literal segment."""
        segment = self.path_segments[index]
        if segment.startswith("{") and segment.endswith("}"):
            return segment[1:-1]
        return None


def locate_fragment(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Explicit path > $DYNAMIC_MOCK_FRAGMENT > the installed client's openapi.json."""
    if explicit is not None:
        return _existing(Path(explicit))
    from_env = os.environ.get(ENV_VARIABLE)
    if from_env:
        return _existing(Path(from_env))
    packaged = resources.files("dynamic_sdk_client").joinpath("openapi.json")
    if packaged.is_file():
        return Path(str(packaged))
    raise FragmentError(
        "OpenAPI fragment not found: pass --fragment PATH or set "
        f"{ENV_VARIABLE} (the installed dynamic_sdk_client has no openapi.json)"
    )


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise FragmentError(f"OpenAPI fragment not found at {path}")
    return path


def load_spec(path: str | os.PathLike[str] | None = None) -> Spec:
    """Load and check the fragment (YAML or JSON); raise FragmentError naming what is missing."""
    location = locate_fragment(path)
    with location.open(encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    return spec_from_document(document, str(location))


def _schema_name(schema: object) -> str:
    if not isinstance(schema, Mapping) or "$ref" not in schema:
        raise FragmentError("the mock expects component $refs for bodies")
    return str(schema["$ref"]).rsplit("/", 1)[-1]


def spec_from_document(document: object, source: str) -> Spec:
    """Build the Spec from a parsed fragment (split out so tests can feed variants)."""
    try:
        return _spec(document, source)
    except ReaderError as error:
        raise FragmentError(str(error)) from None


def _spec(document: object, source: str) -> Spec:
    fragment = read_fragment(document)
    stateful = [op for op in fragment.operations if op.lookup_field is not None]
    if len(stateful) != 1:
        raise FragmentError("the mock serves exactly one operation with x-lookup-field")
    operation = stateful[0]
    if operation.body is None or operation.body.component is None:
        raise FragmentError(f"{operation.operation_id}: the request body must be a component")
    for prop in operation.body.properties:
        if prop.schema.type != "string":
            raise FragmentError(
                f"{operation.body.component}.{prop.name}: the mock validates strings only"
            )
    response_schemas: dict[str, str] = {}
    for response in operation.responses:
        if response.schema is None or response.schema.component is None:
            raise FragmentError("the mock expects component $refs for bodies")
        response_schemas[response.key] = response.schema.component
    missing = sorted({key for key in _STATUS_KEYS.values() if key not in response_schemas})
    if missing:
        raise FragmentError(f"the fragment does not document responses {missing}")
    codes = get(document, "components", "schemas", "UnprocessableEntityErrorCode", "enum")
    absent = [code for code in UNPROCESSABLE_CODES if code not in codes]
    if absent:
        raise FragmentError(f"UnprocessableEntityErrorCode lacks {absent}")

    paths = operation.located("path")
    environment_example = paths[0].example if paths else None
    body_example = operation.body_example
    success = next(
        (operation.response_for(status) for status in sorted(operation.successes, reverse=True)),
        None,
    )
    response_example = success.example if success is not None else None
    example = None
    if isinstance(environment_example, str) and isinstance(body_example, Mapping):
        on_file = dict(body_example)
        if isinstance(response_example, Mapping):
            on_file.update({k: v for k, v in response_example.items() if k in on_file})
        example = (environment_example, on_file)
    path_rules = tuple(
        rule for rule in operation.parameter_rules() if rule.name in {p.name for p in paths}
    )
    body_rules = tuple(
        prop.schema.string_rule(operation.body.component, prop.name, prop.name, prop.required)
        for prop in operation.body.properties
    )
    return Spec(
        source=source,
        path_segments=operation.segments,
        server_prefix=tuple(part for part in fragment.server_prefix.split("/") if part),
        path_rules=path_rules,
        body_rules=body_rules,
        request_schema=operation.body.component,
        response_schemas=response_schemas,
        documented_statuses=frozenset(response_schemas),
        example=example,
    )


def status_key(status: int) -> str:
    """The fragment's response key for a status the mock sends."""
    return _STATUS_KEYS[status] if status in _STATUS_KEYS else f"{status // 100}XX"
