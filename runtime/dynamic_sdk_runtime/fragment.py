"""Read an operation's documented field rules from a parsed OpenAPI document.

One reader for every consumer: the code generator renders its result into the client's
`constraints` module, the mock reads the fragment it serves with it at start-up, and the
contract suite and `specwatch` compare documents with it. Local `$ref`s are resolved
(`resolve` at one node, `inline_refs` through a whole document). The document is passed
in already parsed (YAML or JSON), so this module needs no parser.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from attrs import frozen

from .rules import FieldRule

__all__ = [
    "FragmentError",
    "OperationRules",
    "find_operation",
    "inline_refs",
    "operation_rules",
    "pointer",
    "resolve",
    "schema_rules",
]


class FragmentError(ValueError):
    """The document lacks something a consumer relies on; the message names it."""


@frozen
class OperationRules:
    """The string rules of one operation: its path parameters and its JSON request body."""

    operation_id: str
    method: str
    path: str
    path_rules: tuple[FieldRule, ...]
    request_schema: str
    body_rules: tuple[FieldRule, ...]


def get(node: object, *keys: str) -> Any:
    """`node[k1][k2]...`, or FragmentError naming the missing key path."""
    for key in keys:
        if not isinstance(node, Mapping) or key not in node:
            raise FragmentError(f"the document has no {'.'.join(keys)}")
        node = node[key]
    return node


def pointer(document: object, reference: str) -> Any:
    """The node a local JSON pointer (`#/a/b~1c/0`, RFC 6901) names, or FragmentError."""
    if not reference.startswith("#/"):
        raise FragmentError(f"only local $ref is supported, got {reference}")
    node = document
    for raw in reference[2:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise FragmentError(f"unresolvable $ref {reference}")
    return node


def resolve(document: object, node: object) -> Any:
    """Follow local `$ref`s (`#/components/...`) until a concrete node."""
    seen: set[str] = set()
    while isinstance(node, Mapping) and "$ref" in node:
        reference = str(node["$ref"])
        if reference in seen:
            raise FragmentError(f"$ref cycle at {reference}")
        seen.add(reference)
        node = pointer(document, reference)
    return node


def inline_refs(document: object) -> Any:
    """A copy of `document` with every local `$ref` replaced by its target.

    For comparing what a schema means where it is used. Siblings of a `$ref` win over the
    target's keys; a reference met again inside itself stays `{"$ref": ...}`, which keeps
    the result finite.
    """

    def walk(node: object, seen: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [walk(item, seen) for item in node]
        if not isinstance(node, Mapping):
            return node
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/"):
            if reference in seen:
                return dict(node)
            target = walk(pointer(document, reference), (*seen, reference))
            siblings = {key: walk(value, seen) for key, value in node.items() if key != "$ref"}
            return {**target, **siblings} if isinstance(target, dict) else target
        return {key: walk(value, seen) for key, value in node.items()}

    return walk(document, ())


def _identity(name: str) -> str:
    return name


def _rule(
    owner: str, name: str, required: bool, schema: Mapping[str, Any], python_name: str
) -> FieldRule:
    return FieldRule(
        schema=owner,
        name=name,
        python_name=python_name,
        required=required,
        max_length=schema.get("maxLength"),
        min_length=schema.get("minLength"),
        pattern=schema.get("pattern"),
    )


def schema_rules(
    document: object,
    schema_name: str,
    python_name: Callable[[str], str] = _identity,
) -> tuple[FieldRule, ...]:
    """The rules of a component schema's string properties (others carry no string rule)."""
    schema = resolve(document, get(document, "components", "schemas", schema_name))
    required = set(schema.get("required", ()))
    rules = []
    for name, prop in schema.get("properties", {}).items():
        prop = resolve(document, prop)
        if prop.get("type") == "string":
            rules.append(_rule(schema_name, name, name in required, prop, python_name(name)))
    return tuple(rules)


def find_operation(document: object, operation_id: str) -> tuple[str, str, Mapping[str, Any]]:
    """(method, path, operation object) of the operation with this operationId."""
    for path, item in get(document, "paths").items():
        if not isinstance(item, Mapping):
            continue
        for method, operation in item.items():
            if isinstance(operation, Mapping) and operation.get("operationId") == operation_id:
                return method, path, operation
    raise FragmentError(f"the document has no operation {operation_id}")


def operation_rules(
    document: object,
    operation_id: str,
    python_name: Callable[[str], str] = _identity,
) -> OperationRules:
    """Path-parameter and request-body rules of `operation_id` (body: a JSON component)."""
    method, path, operation = find_operation(document, operation_id)
    parameters = [resolve(document, p) for p in operation.get("parameters", ())]
    path_rules = tuple(
        _rule(
            operation_id,
            str(p["name"]),
            True,
            resolve(document, p.get("schema", {})),
            python_name(str(p["name"])),
        )
        for p in parameters
        if p.get("in") == "path"
    )
    body_schema = get(operation, "requestBody", "content", "application/json", "schema")
    if "$ref" not in body_schema:
        raise FragmentError(f"{operation_id}: the request body must be a component $ref")
    request_schema = str(body_schema["$ref"]).rsplit("/", 1)[-1]
    return OperationRules(
        operation_id=operation_id,
        method=method.upper(),
        path=path,
        path_rules=path_rules,
        request_schema=request_schema,
        body_rules=schema_rules(document, request_schema, python_name),
    )
