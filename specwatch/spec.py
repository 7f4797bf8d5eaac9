"""Read an OpenAPI document with pyyaml and inline its local `$ref`s.

specwatch compares and fingerprints what a schema means at the place it is used, so every
`#/...` reference is replaced by a copy of its target. Recursive references are left as
`{"$ref": ...}` the second time round, which keeps the result finite.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


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


def _pointer(document: dict[str, Any], ref: str) -> Any:
    """Follow a local JSON pointer (`#/a/b~1c`)."""
    node: Any = document
    for raw in ref[2:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise SpecError(f"unresolvable $ref {ref!r}")
    return node


def resolve_refs(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of `document` with every local `$ref` inlined (siblings of `$ref` win)."""

    def walk(node: Any, seen: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [walk(item, seen) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            if ref in seen:
                return dict(node)
            target = walk(_pointer(document, ref), (*seen, ref))
            siblings = {key: walk(value, seen) for key, value in node.items() if key != "$ref"}
            return {**target, **siblings} if isinstance(target, dict) else target
        return {key: walk(value, seen) for key, value in node.items()}

    resolved: dict[str, Any] = walk(document, ())
    return resolved


def find_operation(document: dict[str, Any], operation_id: str) -> tuple[str, str, dict[str, Any]]:
    """(method, path, operation) of the operation with this operationId."""
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method, operation in item.items():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                return method.upper(), str(path), operation
    raise SpecError(f"no operation with operationId {operation_id!r}")
