"""The OpenAPI fragment, read once at start-up, and what the mock derives from it.

The mock takes every route, rule, status and field name from the fragment it loads,
through the runtime's operation model (`dynamic_sdk_runtime.fragment`), so a fragment edit
changes the mock without a code change. By default it loads the fragment the installed
client was generated from (`dynamic_sdk_client/openapi.json`). Start-up fails loudly when
the fragment no longer documents something the mock sends (a status, a body shape, a code).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dynamic_sdk_runtime.exceptions import ValidationError
from dynamic_sdk_runtime.fragment import Fragment, Operation, read_fragment
from dynamic_sdk_runtime.fragment import FragmentError as ReaderError
from dynamic_sdk_runtime.schema import schema_violations

__all__ = ["FragmentError", "Lookup", "Spec", "load_spec", "locate_fragment", "spec_from_document"]

ENV_VARIABLE = "DYNAMIC_MOCK_FRAGMENT"


class FragmentError(RuntimeError):
    """The fragment cannot be found, or lacks something the mock relies on."""


def documented_successes(operation: Operation) -> tuple[int, ...]:
    """The operation's exact 2xx statuses in document order (the first is its default)."""
    return tuple(int(r.key) for r in operation.responses if r.key[:1] == "2" and r.key.isdigit())


@dataclass(frozen=True)
class Lookup:
    """The one stateful operation (`x-lookup-field`) and the field names it works with."""

    operation: Operation
    field: str
    """The body field naming the stored record (with the path values: its key)."""
    on_file: tuple[str, ...]
    """Body properties also in the success response, minus `field`: compared with the record."""

    @functools.cached_property  # read per request of the stateful operation
    def path_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.operation.located("path"))

    @functools.cached_property
    def needed(self) -> tuple[str, ...]:
        """The body fields a record holds: the lookup field, then the ones on file."""
        return (self.field, *self.on_file)

    def record_violations(
        self, path: Mapping[str, object], fields: Mapping[str, object]
    ) -> list[ValidationError]:
        """What keeps (path, fields) from being a record a valid request can match."""
        assert self.operation.body is not None  # checked when the Lookup is built
        found: list[ValidationError] = []
        for parameter in self.operation.located("path"):
            if parameter.name not in path:
                found.append(ValidationError(parameter.name, "required", "is required"))
            else:
                found += schema_violations(parameter.schema, path[parameter.name], parameter.name)
        for name in self.needed:
            prop = self.operation.body.property(name)
            if name not in fields:
                found.append(ValidationError(name, "required", "is required"))
            elif prop is not None:
                found += schema_violations(prop.schema, fields[name], name)
        return found


@dataclass(frozen=True)
class Spec:
    """The operation model of the loaded fragment plus what the mock derives from it."""

    source: str
    fragment: Fragment
    lookup: Lookup | None
    """The stateful operation, or None: then every operation answers leniently."""

    @property
    def operations(self) -> tuple[Operation, ...]:
        return self.fragment.operations

    @property
    def server_prefix(self) -> tuple[str, ...]:
        """Path of the fragment's server URL, e.g. ("api", "v0"); the mock also serves it."""
        return tuple(part for part in self.fragment.server_prefix.split("/") if part)

    def example(self) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(path values, record fields) of the stateful operation's examples, when complete.

        The fields come from the request example, the on-file ones overridden by the success
        response's example, which holds real-looking values where the request example holds
        the reference page's placeholders.
        """
        if self.lookup is None:
            return None
        operation = self.lookup.operation
        path = {p.name: p.example for p in operation.located("path")}
        request = operation.body_example
        success = operation.response_for(documented_successes(operation)[0])
        answer = success.example if success is not None else None
        if any(v is None for v in path.values()) or not isinstance(request, Mapping):
            return None
        fields = {name: request.get(name) for name in self.lookup.needed}
        if isinstance(answer, Mapping):
            fields.update({name: answer[name] for name in self.lookup.on_file if name in answer})
        return path, fields


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


def spec_from_document(document: object, source: str = "<document>") -> Spec:
    """Build the Spec from a parsed fragment (tests feed edited variants here)."""
    try:
        fragment = read_fragment(document)
    except ReaderError as error:
        raise FragmentError(str(error)) from None
    for operation in fragment.operations:
        if not documented_successes(operation):
            raise FragmentError(f"{operation.operation_id}: documents no 2xx response")
    stateful = [op for op in fragment.operations if op.lookup_field is not None]
    if len(stateful) > 1:
        names = ", ".join(op.operation_id for op in stateful)
        raise FragmentError(f"the mock keeps state for one operation with x-lookup-field: {names}")
    return Spec(source, fragment, _lookup(stateful[0]) if stateful else None)


def _lookup(operation: Operation) -> Lookup:
    name = operation.operation_id
    field = str(operation.lookup_field)
    body = operation.body
    if body is None or body.property(field) is None:
        raise FragmentError(f"{name}: x-lookup-field {field!r} is not a request body property")
    success = operation.response_for(documented_successes(operation)[0])
    answered = success.schema if success is not None else None
    if answered is None or answered.property(field) is None:
        raise FragmentError(f"{name}: the success response does not answer {field!r}")
    on_file = tuple(
        p.name for p in body.properties if p.name != field and answered.property(p.name)
    )
    for key in (field, *on_file):
        prop = body.property(key)
        if prop is None or prop.schema.type != "string" or not prop.required:
            raise FragmentError(f"{name}: the mock keeps required string fields only ({key})")
    return Lookup(operation, field, on_file)
