"""Read an OpenAPI document with pyyaml; `$ref`s and operations via the runtime's reader.

specwatch compares and fingerprints what a schema means at the place it is used, so every
`#/...` reference is replaced by a copy of its target (`dynamic_sdk_runtime.fragment`,
the one fragment reader); its errors become `SpecError`s here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dynamic_sdk_runtime import fragment
from dynamic_sdk_runtime.fragment import FragmentError


class SpecError(Exception):
    """The document cannot be read as an OpenAPI mapping."""


def load_text(text: str, source: str = "<text>") -> dict[str, Any]:
    """Parse YAML (or JSON) text into a mapping; anything else is a SpecError."""
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SpecError(f"{source}: not YAML: {error}") from error
    if not isinstance(loaded, dict):
        raise SpecError(f"{source}: not a mapping at the top level")
    return loaded


def load_file(path: Path) -> dict[str, Any]:
    """Parse one document from disk."""
    return load_text(path.read_text(encoding="utf-8"), str(path))


def resolve_refs(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of `document` with every local `$ref` inlined (the runtime's one reader)."""
    try:
        resolved: dict[str, Any] = fragment.inline_refs(document)
    except FragmentError as error:
        raise SpecError(str(error)) from error
    return resolved


def find_operation(document: dict[str, Any], operation_id: str) -> tuple[str, str, dict[str, Any]]:
    """(METHOD, path, operation) of the operation with this operationId."""
    try:
        method, path, operation = fragment.find_operation(document, operation_id)
    except FragmentError as error:
        raise SpecError(str(error)) from error
    return method.upper(), str(path), dict(operation)
