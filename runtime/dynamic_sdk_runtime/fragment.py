"""The operation model: every operation of a parsed OpenAPI fragment, read once.

One reader for every consumer. `read_fragment` turns the document into `Operation`s
(method, path, path/query/header parameters, optional request body, every documented
response by status or range, successes, examples, security) over `Schema` nodes; the code
generator renders the client's `constraints` module from it, the mock routes and validates
with it, the contract suite derives its probes from it, and `specwatch` compares documents
with it. Nothing downstream restates a field name, length, pattern, path or status.
Local `$ref`s are resolved (`resolve` at one node, `inline_refs` through a whole
document). The document is passed in already parsed (YAML or JSON): no parser here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Literal
from urllib.parse import quote, urlsplit

from attrs import field, frozen

from .ecma import UnsupportedPatternError, compile_pattern
from .exceptions import ValidationError
from .rules import FieldRule, not_an_object
from .schema import Property, Schema, schema_violations

__all__ = [
    "ABSENT",
    "DOCUMENTED_BY",
    "HTTP_METHODS",
    "NO_BODY",
    "Fragment",
    "FragmentError",
    "LookupMiss",
    "Operation",
    "Parameter",
    "Place",
    "RawRequest",
    "Response",
    "find_operation",
    "inline_refs",
    "pointer",
    "read_fragment",
    "resolve",
]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON_MEDIA_TYPE = "application/json"


class FragmentError(ValueError):
    """The document lacks something a consumer relies on; the message names it."""


DOCUMENTED_BY = ("vendor-openapi", "reference-page", "assumption")
"""`x-documented-by` of a response: the vendor's OpenAPI document, its reference page, or an
assumption of this fragment. A contract run fails a server that breaks what the vendor
documents; it reports a server that breaks an assumption as a finding."""


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


def find_operation(document: object, operation_id: str) -> tuple[str, str, Mapping[str, Any]]:
    """(method, path, operation object) of the operation with this operationId."""
    for path, item in get(document, "paths").items():
        if not isinstance(item, Mapping):
            continue
        for method, operation in item.items():
            if isinstance(operation, Mapping) and operation.get("operationId") == operation_id:
                return method, path, operation
    raise FragmentError(f"the document has no operation {operation_id}")


Location = Literal["path", "query", "header"]


class _Marker:
    """A named sentinel: its repr is its name, and a copy or a pickle is the same object."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name

    def __reduce__(self) -> str:
        return self._name

    def __copy__(self) -> _Marker:
        return self

    def __deepcopy__(self, memo: object) -> _Marker:
        return self


ABSENT: Final[Any] = _Marker("ABSENT")
"""A parameter or body member left out of a request (not the JSON `null`)."""
NO_BODY: Final[Any] = _Marker("NO_BODY")
"""A request sent without any body (not even `null`)."""


@frozen(cache_hash=True)
class Place:
    """One parameter or body member of an operation: where it is (its location and the
    names that lead to it), its schema, and whether a request must carry it."""

    location: str
    """ "path", "query", "header" or "body"."""
    names: tuple[str, ...]
    """The parameter's name, or the body member's names from the top (`a`, `b` for a.b)."""
    schema: Schema
    required: bool

    @property
    def where(self) -> str:
        """The place as text (`path.environmentId`, `body.a.b`): keys, reports, replays."""
        return ".".join((self.location, *self.names))

    @property
    def name(self) -> str:
        """Its own name: the parameter's, or the member's innermost one."""
        return self.names[-1]

    @staticmethod
    def split(where: str) -> tuple[str, tuple[str, ...]]:
        """The one reader of a place's text: `body.a.b` -> ("body", ("a", "b")); a place
        with no names (`body`, `auth`) -> (itself, ())."""
        location, _, rest = where.partition(".")
        if location in ("path", "query", "header"):
            return location, (rest,) if rest else ()
        return location, tuple(rest.split(".")) if rest else ()


@frozen(repr=False)
class RawRequest:
    """What one request carries, before encoding: the decoded path values, query and header
    strings, and the JSON body (`NO_BODY` when none is sent). Raw: any JSON may sit in any
    place, so it can hold what a client would never send, and `Operation.violations` can
    judge it. Its repr names the places, never a value: headers may hold a token, the body
    a phone number."""

    path: Mapping[str, Any]
    query: Mapping[str, Any] = field(factory=dict)
    headers: Mapping[str, Any] = field(factory=dict)
    body: Any = NO_BODY

    def __repr__(self) -> str:
        def names(values: Mapping[str, Any]) -> str:
            return "[" + ", ".join(sorted(map(str, values))) + "]"

        body = self.body
        shown = (
            "NO_BODY"
            if body is NO_BODY
            else names(body)
            if isinstance(body, Mapping)
            else f"<{type(body).__name__}>"
        )
        return (
            f"RawRequest(path={names(self.path)}, query={names(self.query)}, "
            f"headers={names(self.headers)}, body={shown})"
        )

    @property
    def body_sent(self) -> bool:
        return self.body is not NO_BODY

    def value(self, where: str) -> Any:
        """The value at a place (`Place.where`); `ABSENT` when the request carries none."""
        location, names = Place.split(where)
        if location in ("path", "query", "header"):
            values = {"path": self.path, "query": self.query, "header": self.headers}[location]
            name = names[0] if names else ""
            if location == "header":
                values = {k.lower(): v for k, v in values.items()}
                name = name.lower()
            return values.get(name, ABSENT)
        node: Any = self.body
        for part in names:
            if not isinstance(node, Mapping) or part not in node:
                return ABSENT
            node = node[part]
        return ABSENT if node is NO_BODY else node

    def with_value(self, where: str, value: object) -> RawRequest:
        """The same request with `value` at one place (`ABSENT` leaves the place out);
        missing parent objects of a body member are created."""
        location, names = Place.split(where)
        if location in ("path", "query", "header"):
            name = names[0] if names else ""
            values = dict(
                {"path": self.path, "query": self.query, "header": self.headers}[location]
            )
            if value is ABSENT:
                values.pop(name, None)
            else:
                values[name] = value
            return RawRequest(
                values if location == "path" else self.path,
                values if location == "query" else self.query,
                values if location == "header" else self.headers,
                self.body,
            )
        body = {} if self.body is NO_BODY else json.loads(json.dumps(self.body))
        *parents, leaf = names
        node = body
        for parent in parents:
            node = node.setdefault(parent, {})
        if value is ABSENT:
            node.pop(leaf, None)
        else:
            node[leaf] = value
        return RawRequest(self.path, self.query, self.headers, body)


@frozen(cache_hash=True)
class Parameter:
    """A path, query or header parameter (cookies are not modelled: none is documented)."""

    name: str
    location: Location
    required: bool
    schema: Schema
    example: Any = field(default=None, eq=False, hash=False)


@frozen(cache_hash=True)
class Response:
    """One documented response: an exact status ("201"), a range ("5XX") or "default"."""

    key: str
    description: str = field(eq=False, hash=False)
    schema: Schema | None
    """The JSON body's schema, or None when the response documents no JSON body."""
    headers: tuple[str, ...] = ()
    example: Any = field(default=None, eq=False, hash=False)
    documented_by: str = "vendor-openapi"
    """`x-documented-by` (one of DOCUMENTED_BY); absent: the fragment states it as fact."""

    @property
    def assumed(self) -> bool:
        """Whether only this fragment's assumption stands behind the response."""
        return self.documented_by == "assumption"

    def covers(self, status: int) -> bool:
        """True when this response documents `status` (exact key, its range, or default)."""
        key = self.key.upper()
        return key == str(status) or key == f"{status // 100}XX" or key == "DEFAULT"


@frozen(cache_hash=True)
class LookupMiss:
    """One answer a server may give a well-formed request naming no stored resource.

    `x-lookup-miss` lists them (`{status: 404}`, `{status: 422, codes: [...]}`); a contract
    run learns from the server's own answers whether such an answer came after validation.
    """

    status: int
    codes: tuple[str, ...] = ()
    """For an error body with a `code`: the codes that mean "not found"; () any body."""

    def matches(self, status: int, answer: object) -> bool:
        if status != self.status:
            return False
        if not self.codes:
            return True
        return isinstance(answer, Mapping) and answer.get("code") in self.codes


@frozen(cache_hash=True)
class Operation:
    """Everything the fragment documents about one operation."""

    operation_id: str
    method: str
    """Upper case, e.g. "POST"."""
    path: str
    """The path template, e.g. "/sdk/{environmentId}/smsVerifications/retry"."""
    parameters: tuple[Parameter, ...]
    body: Schema | None
    """The JSON request body's schema; None when the operation takes no body."""
    body_required: bool
    responses: tuple[Response, ...]
    security: tuple[str, ...]
    """Names of the security schemes that may authorize a call; () means none."""
    lookup_field: str | None = None
    """`x-lookup-field`: the body field naming a stored resource (unknown -> 404)."""
    body_example: Any = field(default=None, eq=False, hash=False)
    lookup_misses: tuple[LookupMiss, ...] = ()
    """`x-lookup-miss`: how the server answers an unknown resource (404 when not listed)."""

    def lookup_miss(self, status: int, answer: object) -> bool:
        """Whether (status, JSON body) is one of this operation's "not found" answers."""
        return self.lookup_field is not None and any(
            miss.matches(status, answer) for miss in self.lookup_misses
        )

    @property
    def segments(self) -> tuple[str, ...]:
        """The path split on "/", e.g. ("sdk", "{environmentId}", ...)."""
        return tuple(self.path.strip("/").split("/"))

    def located(self, location: Location) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == location)

    @property
    def successes(self) -> tuple[int, ...]:
        """The documented 2xx statuses (exact keys), lowest first."""
        return tuple(
            sorted(int(r.key) for r in self.responses if r.key[:1] == "2" and r.key.isdigit())
        )

    def response_for(self, status: int) -> Response | None:
        """The response documenting `status`: an exact key first, then its range, then default."""
        for rank in (str(status), f"{status // 100}XX", "DEFAULT"):
            found = next((r for r in self.responses if r.key.upper() == rank), None)
            if found is not None:
                return found
        return None

    def url_path(self, values: Mapping[str, str]) -> str:
        """The path with each parameter percent-encoded (a "/" inside a value stays data)."""
        parts = []
        for segment in self.segments:
            if segment.startswith("{") and segment.endswith("}"):
                parts.append(quote(str(values[segment[1:-1]]), safe=""))
            else:
                parts.append(segment)
        return "/" + "/".join(parts)

    def parameter_rules(self, python_name: Callable[[str], str] = str) -> tuple[FieldRule, ...]:
        """The client's string rules of the path, query and header parameters."""
        return tuple(
            p.schema.string_rule(self.operation_id, p.name, python_name(p.name), p.required)
            for p in self.parameters
            if p.schema.type in ("string", None)
        )

    def places(self) -> tuple[Place, ...]:
        """Every parameter and body member (nested objects too; not array items), in order."""
        found = [Place(p.location, (p.name,), p.schema, p.required) for p in self.parameters]
        if self.body is not None:
            for names, schema, required in self.body.walk():
                if names and "[]" not in names:
                    found.append(Place("body", names, schema, required))
        return tuple(found)

    def violations(self, request: RawRequest) -> list[ValidationError]:
        """Every documented rule a raw request breaks: parameters first, then the body.

        Path values are the decoded segments (None when not valid UTF-8); query and header
        values are the strings sent (header names compared case-insensitively).
        """
        found: list[ValidationError] = []
        for parameter in self.parameters:
            value = request.value(f"{parameter.location}.{parameter.name}")
            if parameter.location == "path" and value is ABSENT:
                value = None  # a path always has its segment: undecodable or missing
            if value is ABSENT:
                if parameter.required:
                    found.append(ValidationError(parameter.name, "required", "is required"))
                continue
            found += schema_violations(parameter.schema, value, parameter.name)
        if self.body is None:
            return found
        if not request.body_sent:
            if self.body_required:
                found.append(ValidationError("body", "required", "is required"))
            return found
        body = request.body
        if self.body.type == "object" and not isinstance(body, Mapping):
            return [*found, not_an_object(body)]
        return found + schema_violations(self.body, body, "")


@frozen
class Fragment:
    """Every operation of the document, its server prefix and its named schemas."""

    operations: tuple[Operation, ...]
    server_prefix: str
    """The path of the first server URL ("/api/v0"), or ""."""
    schemas: Mapping[str, Schema] = field(eq=False)
    """Component schemas by name."""
    document: Any = field(eq=False, repr=False)
    """The parsed document itself (for the generator and for Prism)."""

    def operation(self, operation_id: str) -> Operation:
        for operation in self.operations:
            if operation.operation_id == operation_id:
                return operation
        raise FragmentError(f"the document has no operation {operation_id}")

    @property
    def personal_fields(self) -> frozenset[str]:
        """Names of every member or parameter marked `x-personal-data: true`."""
        names: set[str] = set()
        for operation in self.operations:
            names.update(p.name for p in operation.parameters if p.schema.personal_data)
            roots = [operation.body, *(r.schema for r in operation.responses)]
            for root in roots:
                for members, schema, _ in root.walk() if root is not None else ():
                    named = [m for m in members if m != "[]"]
                    if schema.personal_data and named:
                        names.add(named[-1])
        return frozenset(names)


class _Reader:
    """Builds `Schema`s from one document, each component once (cycles stay finite)."""

    def __init__(self, document: object) -> None:
        self.document = document
        self.components: dict[str, Schema] = {}

    def schema(self, node: object, seen: tuple[str, ...] = (), *, where: str) -> Schema:
        """The Schema at `node`; `where` names it in a FragmentError (`op body.field`)."""
        component = None
        if isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            reference = str(node["$ref"])
            if reference in seen:
                return Schema(component=reference.rsplit("/", 1)[-1], recursive=True)
            if reference.startswith("#/components/schemas/") and len(node) == 1:
                component = reference.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
            seen = (*seen, reference)
            node = {
                **resolve(self.document, pointer(self.document, reference)),
                **{k: v for k, v in node.items() if k != "$ref"},
            }
        if not isinstance(node, Mapping):
            raise FragmentError(f"a schema must be an object, got {node!r}")
        kind = node.get("type")
        nullable = bool(node.get("nullable", False))
        if isinstance(kind, list):  # OpenAPI 3.1: ["string", "null"]
            nullable = nullable or "null" in kind
            rest = [k for k in kind if k != "null"]
            kind = rest[0] if len(rest) == 1 else None
        required = set(node.get("required", ()))
        properties = tuple(
            Property(str(name), self.schema(value, seen, where=f"{where}.{name}"), name in required)
            for name, value in (node.get("properties") or {}).items()
        )
        extra = node.get("additionalProperties")
        additional: bool | Schema | None = (
            extra
            if isinstance(extra, bool) or extra is None
            else self.schema(extra, seen, where=f"{where}.*")
        )
        enum = node.get("enum")
        return Schema(
            type=kind if isinstance(kind, str) else None,
            component=component,
            pattern=_runnable(where, node.get("pattern")),
            min_length=node.get("minLength"),
            max_length=node.get("maxLength"),
            enum=tuple(enum) if isinstance(enum, list) else None,
            format=node.get("format"),
            properties=properties,
            additional_properties=additional,
            items=self.schema(node["items"], seen, where=f"{where}[]") if "items" in node else None,
            nullable=nullable,
            personal_data=bool(node.get("x-personal-data", False)),
            example=node.get("example"),
        )

    def json_content(self, owner: Mapping[str, Any]) -> Mapping[str, Any] | None:
        content = owner.get("content") or {}
        return content.get(JSON_MEDIA_TYPE) if isinstance(content, Mapping) else None

    def operation(
        self, path: str, method: str, node: Mapping[str, Any], shared: Sequence[Any]
    ) -> Operation:
        operation_id = str(node.get("operationId") or f"{method} {path}")
        parameters: dict[tuple[str, str], Parameter] = {}
        for raw in [*shared, *node.get("parameters", ())]:
            parameter = resolve(self.document, raw)
            location = parameter.get("in")
            if location not in ("path", "query", "header"):
                continue
            name = str(parameter["name"])
            parameters[(location, name)] = Parameter(
                name=name,
                location=location,
                required=bool(parameter.get("required", location == "path")),
                schema=self.schema(
                    parameter.get("schema", {}), where=f"{operation_id} {location} {name}"
                ),
                example=parameter.get("example", (parameter.get("schema") or {}).get("example")),
            )
        body: Schema | None = None
        body_example = None
        request = resolve(self.document, node.get("requestBody")) if "requestBody" in node else None
        if request is not None:
            content = self.json_content(request)
            if content is None:
                raise FragmentError(
                    f"{operation_id}: only application/json request bodies are read"
                )
            body = self.schema(content.get("schema", {}), where=f"{operation_id} body")
            body_example = content.get("example", body.example)
        responses = []
        for key, raw in (node.get("responses") or {}).items():
            response = resolve(self.document, raw)
            content = self.json_content(response)
            responses.append(
                Response(
                    key=str(key).upper() if str(key).lower() != "default" else "DEFAULT",
                    description=str(response.get("description", "")),
                    schema=(
                        self.schema(content.get("schema", {}), where=f"{operation_id} {key}")
                        if content is not None
                        else None
                    ),
                    headers=tuple(response.get("headers") or ()),
                    example=content.get("example") if content is not None else None,
                    documented_by=_documented_by(operation_id, key, response),
                )
            )
        if not responses:
            raise FragmentError(f"{operation_id}: documents no response")
        security = node.get("security", _document_security(self.document))
        return Operation(
            operation_id=operation_id,
            method=method.upper(),
            path=path,
            parameters=tuple(parameters.values()),
            body=body,
            body_required=bool(request.get("required", False)) if request is not None else False,
            responses=tuple(responses),
            security=tuple(sorted({name for option in security or () for name in option})),
            lookup_field=node.get("x-lookup-field"),
            body_example=body_example,
            lookup_misses=_lookup_misses(operation_id, node),
        )


def _documented_by(operation_id: str, key: object, response: object) -> str:
    """A response's `x-documented-by`, checked against DOCUMENTED_BY."""
    raw = response.get("x-documented-by") if isinstance(response, Mapping) else None
    if raw is None:
        return DOCUMENTED_BY[0]
    if raw not in DOCUMENTED_BY:
        raise FragmentError(
            f"{operation_id} {key}: x-documented-by {raw!r} is not one of {list(DOCUMENTED_BY)}"
        )
    return str(raw)


def _lookup_misses(operation_id: str, node: Mapping[str, Any]) -> tuple[LookupMiss, ...]:
    """`x-lookup-miss` of an operation with `x-lookup-field` (404 alone when absent)."""
    if node.get("x-lookup-field") is None:
        return ()
    raw = node.get("x-lookup-miss", [{"status": 404}])
    misses = []
    for entry in raw if isinstance(raw, list) else [raw]:
        status = entry.get("status") if isinstance(entry, Mapping) else None
        codes = entry.get("codes", []) if isinstance(entry, Mapping) else None
        if not isinstance(status, int) or not isinstance(codes, list):
            raise FragmentError(
                f"{operation_id}: x-lookup-miss entries are {{status: int, codes: [str]}}"
            )
        misses.append(LookupMiss(status, tuple(str(code) for code in codes)))
    return tuple(misses)


def _runnable(where: str, pattern: object) -> str | None:
    """The pattern, once the engine compiles it: a bad or unsafe one fails the read, not a call."""
    if pattern is None:
        return None
    if not isinstance(pattern, str):
        raise FragmentError(f"{where}: pattern must be a string, got {pattern!r}")
    try:
        compile_pattern(pattern)
    except UnsupportedPatternError as error:
        raise FragmentError(f"{where}: {error}") from None
    return pattern


def _document_security(document: object) -> Any:
    return document.get("security", ()) if isinstance(document, Mapping) else ()


def read_fragment(document: object) -> Fragment:
    """The operation model of a parsed OpenAPI document; FragmentError names what is wrong."""
    reader = _Reader(document)
    operations = []
    for path, item in get(document, "paths").items():
        item = resolve(document, item)
        if not isinstance(item, Mapping):
            continue
        for method in HTTP_METHODS:
            if isinstance(item.get(method), Mapping):
                operations.append(
                    reader.operation(str(path), method, item[method], item.get("parameters", ()))
                )
    if not operations:
        raise FragmentError("the document has no operation")
    servers = document.get("servers") if isinstance(document, Mapping) else None
    prefix = urlsplit(str(servers[0].get("url", ""))).path.rstrip("/") if servers else ""
    component_nodes = (
        (get(document, "components").get("schemas") or {})
        if isinstance(document, Mapping) and "components" in document
        else {}
    )
    schemas = {
        str(name): reader.schema(
            {"$ref": f"#/components/schemas/{name}"}, where=f"components.schemas.{name}"
        )
        for name in component_nodes
    }
    return Fragment(tuple(operations), prefix, schemas, document)
