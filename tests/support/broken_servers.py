"""Small ASGI servers for the fragment's operations, each breaking ONE documented rule.

`reference_app(fragment)` follows the operation model (auth, body type, every keyword,
ECMA patterns, lengths in code points, 400 with a body of the documented schema, the
success echo). The defects come from the same model, so a new field or pattern gets its
own broken servers without an edit here:

- `mutant_breakages(fragment)`: one server per distinguishable mutant of the mutant model
  (`contract_tests.plan.mutants`: pattern nodes, dialects, keywords), the servers the plan's
  score counts;
- `breakages(fragment)`: a few dozen a whole plan is sent to: one mutant of every kind,
  spread over the places (`mutants.representatives`), plus what the model does not cover
  (`\\p{L}` read as ASCII letters, any JSON type accepted, a 500 on null or an array, auth
  skipped, a response without a required member, a non-JSON content type).

The project's tests run the suite's plan against each and require a failure.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import attrs
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contract_tests.core.spec import fragment
from contract_tests.core.unicode_ages import VERSIONS
from contract_tests.plan.mutants import Mutant, mutants, representatives
from contract_tests.plan.strategies import unicode_since
from contract_tests.plan.values import accepted_value
from dynamic_sdk_runtime.fragment import NO_BODY, Fragment, Operation, Place, RawRequest
from dynamic_sdk_runtime.schema import Property, Schema

__all__ = [
    "SHAPES",
    "TOKEN",
    "Breakage",
    "Shape",
    "behind",
    "breakages",
    "mutant_breakages",
    "never_refused",
    "read_body",
    "reference_app",
    "replaying",
    "unicode_server",
]

TOKEN = "broken-server-token"

SchemaEdit = Callable[[Schema], Schema]


@dataclass(frozen=True)
class Breakage:
    """One deliberate defect: its name, the rule it breaks, and how the server differs."""

    name: str
    rule: str
    place: str | None = None
    """The check place (`body.x`, `path.y`) whose checks should catch it, when there is one."""
    edits: tuple[tuple[str, SchemaEdit], ...] = ()
    """(place, schema edit): the server validates with the edited schema there."""
    check_auth: bool = True
    crash_on_null: bool = False
    crash_on_array: str | None = None
    drop_response_member: bool = False
    content_type: str = "application/json"
    pattern_edit: Callable[[str], str] | None = None
    """Applied to every pattern of the fragment (an engine-wide mistake)."""
    newer_letters_refused: frozenset[str] = field(default=frozenset())
    """Unicode versions whose new letters the server's tables lack (not a defect)."""
    reject_status: Callable[[list[str]], int] = field(default=lambda _broken: 400)
    """The status of a refusal, given the broken `place:rule`s (400 unless a test says)."""
    validates: bool = True
    """False: every request passes validation (a server that checks nothing)."""
    mutant: Mutant | None = None
    """A mutant of the model (`contract_tests.plan.mutants`): its place is judged by
    `mutant.accepts` instead of the documented rules, everything else as documented."""


@dataclass(frozen=True)
class Shape:
    """How a server answers what the fragment leaves open: the shapes the vendor's real
    service may have. Every shape keeps every documented rule; a `Breakage` served in a
    shape breaks one. `reference_app` takes the server-side ones, `behind` the front."""

    name: str
    router_answer: dict[str, str] = field(
        default_factory=lambda: {"error": "no such path", "code": "not_found"}
    )
    """The router's JSON answer (404) to a path no operation takes."""
    miss_status: int = 404
    """A well-formed request naming an unknown resource: 404, or 422 with a miss code."""
    miss_code: str = "not_found"
    before_lookup: tuple[str, ...] | None = None
    """What is validated before the resource is looked up, the rest after: `path` (the
    path's places), `body` (that the body is a JSON object), `key` (the lookup member
    itself), `parsed` (every member's presence and JSON type, as a parser checks them).
    None: everything (validates, then looks up)."""
    missing_token_status: int = 401
    front: bool = False
    """An HTML/plain-text front (CDN, WAF): HTML 404 for an unroutable path, plain-text 405,
    HTML 403 for a body holding `<`."""

    @property
    def lookup_first(self) -> bool:
        """Looks the resource up before it validates some member."""
        return self.before_lookup is not None

    def validated_before_lookup(self, where: str, lookup: str | None, rule: str = "") -> bool:
        """Whether the place `where` (`path.x`, `body`, `body.x`) is validated before the
        lookup (for `rule`, when given): what a safe run, whose every request names an
        unknown resource, can see."""
        if self.before_lookup is None or lookup is None:
            return True
        location, names = Place.split(where)
        if location == "body":
            if names and rule in ("required", "type") and "parsed" in self.before_lookup:
                return True
            part = "body" if not names else "key" if names == (lookup,) else ""
            return part in self.before_lookup
        return location in self.before_lookup


SHAPES = (
    Shape("router-404-own-shape", router_answer={"error": "not found"}),
    Shape("html-front", front=True),
    Shape("validate-then-404"),
    Shape("validate-then-422", miss_status=422, miss_code="invalid_sms_verification"),
    Shape("lookup-first", before_lookup=("path",)),
    Shape("403-for-missing-token", missing_token_status=403),
    Shape("parse-then-lookup", before_lookup=("path", "body")),
    Shape("lookup-key-then-lookup", before_lookup=("path", "body", "key")),
    Shape("parse-members-then-lookup", before_lookup=("path", "body", "parsed")),
)
"""Correct servers in every shape a contract run must never fail."""


def _edit_schema(schema: Schema, path: list[str], edit: SchemaEdit) -> Schema:
    if not path:
        return edit(schema)
    head, *rest = path
    props = tuple(
        Property(p.name, _edit_schema(p.schema, rest, edit), p.required) if p.name == head else p
        for p in schema.properties
    )
    return attrs.evolve(schema, properties=props)


def _with_pattern(schema: Schema, pattern: str | None) -> Schema:
    return attrs.evolve(schema, pattern=pattern)


def edited(operation: Operation, where: str, edit: SchemaEdit) -> Operation:
    """The operation with the schema at `where` replaced by `edit(schema)`."""
    location, names = Place.split(where)
    if location == "body" and operation.body is not None:
        return attrs.evolve(operation, body=_edit_schema(operation.body, list(names), edit))
    parameters = tuple(
        attrs.evolve(p, schema=edit(p.schema))
        if (p.location, (p.name,)) == (location, names)
        else p
        for p in operation.parameters
    )
    return attrs.evolve(operation, parameters=parameters)


def _latin_letters(pattern: str) -> str:
    """`\\p{L}` read as ASCII letters only (a regex engine without Unicode properties)."""
    return pattern.replace("\\p{L}", "a-zA-Z")


def served(mutant: Mutant) -> Breakage:
    """The server with one mutant of the model: its place judged by `mutant.accepts`."""
    return Breakage(
        mutant.key, f"{mutant.place}: not {mutant.description}", mutant.place, mutant=mutant
    )


def breakages(fragment: Fragment) -> list[Breakage]:
    """Every defect the suite must catch for this fragment, derived from the model: one
    mutant server of every kind of mistake the mutant model knows, spread over the places
    (`mutants.representatives`), and the defects outside it (a 5xx on null or on an array,
    auth skipped, any JSON type accepted, `\\p{L}` as ASCII letters, response defects)."""
    found = [
        Breakage(
            "latin-only-letters", "\\p{L} is every Unicode letter", pattern_edit=_latin_letters
        ),
        Breakage("500-on-null", "a null member is a 400, never a 5xx", crash_on_null=True),
        Breakage("auth-skipped", "a missing or wrong bearer token gets 401", check_auth=False),
        Breakage(
            "wrong-response-schema",
            "the success body has every required member",
            drop_response_member=True,
        ),
        Breakage("wrong-content-type", "responses are application/json", content_type="text/plain"),
    ]
    patterns = {
        place.schema.pattern
        for operation in fragment.operations
        for place in operation.places()
        if place.schema.pattern
    }
    found = [
        b for b in found if b.pattern_edit is None or any(b.pattern_edit(p) != p for p in patterns)
    ]
    for operation in fragment.operations:
        for place in operation.places():
            schema, where = place.schema, place.where
            label = f"{operation.operation_id}:{where}"
            if place.location == "body" and schema.type is not None:
                found.append(
                    Breakage(
                        f"{label}:type-unchecked",
                        f"{where} is a {schema.type}",
                        where,
                        ((where, lambda s: Schema()),),
                    )
                )
                found.append(
                    Breakage(
                        f"{label}:500-on-array",
                        f"a wrongly typed {where} is a 400",
                        where,
                        crash_on_array=where,
                    )
                )
    return found + [served(m) for m in representatives(fragment)]


def mutant_breakages(fragment: Fragment) -> list[Breakage]:
    """One server per distinguishable mutant of the model: the plausible mistakes the plan's
    score counts, each served so a run can measure what the score predicts."""
    return [served(m) for m in mutants(fragment) if m.status == "distinguishable"]


def _broken_rules(
    operation: Operation, documented: Operation, defect: Breakage, request: RawRequest
) -> list[str]:
    """The `place:rule`s the server finds broken: the (edited) operation's rules, with a
    mutant's own verdict at its place."""
    found = [f"{_place_of(operation, v.field)}:{v.rule}" for v in operation.violations(request)]
    if defect.mutant is not None and defect.mutant.operation == documented.operation_id:
        found = _mutated_verdicts(
            operation, defect.mutant, found, request.value(defect.mutant.place)
        )
    return found


def _mutated_verdicts(
    operation: Operation, mutant: Mutant, found: list[str], value: Any
) -> list[str]:
    """The broken `place:rule`s with the mutant's own verdict at its place."""
    mine = [f for f in found if f.rsplit(":", 1)[0] == mutant.place]
    inside = [f for f in found if f.startswith(mutant.place + ".")]
    rest = [f for f in found if f not in mine and f not in inside]
    return rest if mutant.accepts(value) else [*rest, f"{mutant.place}:mutant"]


def unicode_server(version: str) -> Breakage:
    """A CORRECT server whose regex engine has the letter tables of Unicode `version`."""
    newer = frozenset(VERSIONS[VERSIONS.index(version) + 1 :])
    return Breakage(
        f"unicode-{version}",
        "none: older Unicode tables are not a defect",
        newer_letters_refused=newer,
    )


def _server_operation(operation: Operation, breakage: Breakage) -> Operation:
    for where, edit in breakage.edits:
        if where == "body." and operation.body is not None:
            operation = attrs.evolve(operation, body=edit(operation.body))
        elif any(p.where == where for p in operation.places()):
            operation = edited(operation, where, edit)
    if breakage.pattern_edit is not None:
        for place in operation.places():
            if place.schema.pattern is not None:
                new = breakage.pattern_edit(place.schema.pattern)
                edit = functools.partial(_with_pattern, pattern=new)
                operation = edited(operation, place.where, edit)
    return operation


def never_refused(fragment: Fragment, breakage: Breakage) -> list[str]:
    """The optional places where the broken server refuses no value at all (its schema
    there is empty): a run whose every request names an unknown resource cannot tell such
    a member from one validated after the lookup (a verification on file can)."""
    return [
        place.where
        for operation in fragment.operations
        for place in _server_operation(operation, breakage).places()
        if not place.required and place.schema == Schema()
    ]


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def reference_app(
    fragment: Fragment,
    breakage: Breakage | None = None,
    *,
    on_file: frozenset[str] | None = None,
    seen: list[object] | None = None,
    shape: Shape | None = None,
) -> ASGIApp:
    """Every operation as documented (every valid request gets the success echo).

    `on_file` makes it vendor-like: an operation with `x-lookup-field` validates, then
    answers a lookup miss (404 NotFound, or the shape's 422) unless the lookup member names
    one of `on_file` (success). `seen` collects every lookup value that reached a success:
    a safe run leaves it empty. `shape` picks the answers the fragment leaves open.
    """
    defect = breakage or Breakage("none", "none")
    form = shape or Shape("plain")

    def missed() -> Response:
        return reply({"error": "not found", "code": form.miss_code}, form.miss_status)

    def unknown(lookup: str | None, body: object) -> bool:
        named = body.get(lookup) if isinstance(body, dict) and lookup else None
        return on_file is not None and (not isinstance(named, str) or named not in on_file)

    def reply(answer: object, status: int, headers: dict[str, str] | None = None) -> Response:
        if defect.content_type != "application/json":
            return PlainTextResponse(json.dumps(answer), status, headers=headers)
        return JSONResponse(answer, status, headers=headers)

    def endpoint(documented: Operation) -> Callable[[Request], Any]:
        operation = _server_operation(documented, defect)

        async def handle(request: Request) -> Response:
            given = request.headers.get("authorization")
            if operation.security and defect.check_auth and given != f"Bearer {TOKEN}":
                if given is None and form.missing_token_status != 401:
                    return reply({"error": "forbidden"}, form.missing_token_status)
                return reply(
                    {"error": "missing or invalid bearer token"},
                    401,
                    {"WWW-Authenticate": "Bearer"},
                )
            raw = await request.body()
            sent = bool(raw)
            try:
                body = json.loads(raw) if sent else None
            except ValueError:
                return reply({"error": "body: must be JSON"}, 400)
            if defect.crash_on_null and isinstance(body, dict) and None in body.values():
                raise TypeError("NoneType has no len()")
            crash_at = Place.split(defect.crash_on_array)[1] if defect.crash_on_array else ()
            array_member = ".".join(crash_at)
            if array_member and isinstance(body, dict) and isinstance(body.get(array_member), list):
                raise TypeError("list has no upper()")
            path = {k: unquote(str(v)) for k, v in request.path_params.items()}
            lookup = documented.lookup_field
            raw_request = RawRequest(
                path, dict(request.query_params), dict(request.headers), body if sent else NO_BODY
            )
            found = _broken_rules(operation, documented, defect, raw_request)
            if form.lookup_first and lookup is not None:
                early = [
                    r
                    for r in found
                    if form.validated_before_lookup(_where(r), lookup, r.rsplit(":", 1)[1])
                ]
                if early and defect.validates:
                    return reply({"error": "; ".join(early)}, 400)
                if unknown(lookup, body):
                    return missed()
            if defect.newer_letters_refused and any(
                unicode_since(c) in defect.newer_letters_refused for s in _strings(body) for c in s
            ):
                found.append("letters:unicode")
            if found and defect.validates:
                status = defect.reject_status(found)
                answer = {"error": "; ".join(found)}
                if status == 404:  # NotFound carries a code
                    answer["code"] = "not_found"
                return reply(answer, status)
            if on_file is not None and lookup is not None:
                if unknown(lookup, body):
                    return missed()
                if seen is not None and isinstance(body, dict):
                    seen.append(body.get(lookup))
            return reply(_success_body(documented, body, defect), documented.successes[0])

        return handle

    routes = [Route(op.path, endpoint(op), methods=[op.method]) for op in fragment.operations]

    async def not_found(request: Request) -> Response:
        return reply(dict(form.router_answer), 404)

    everything = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    app = Starlette(routes=[*routes, Route("/{rest:path}", not_found, methods=everything)])
    return behind(app, fragment) if form.front else app


def behind(app: ASGIApp, fragment: Fragment) -> ASGIApp:
    """`app` behind an HTML front (a CDN or WAF): HTML 404 for a path no operation takes,
    plain-text 405 for another method, HTML 403 for a body holding `<`."""
    routes = [
        (op.method, re.compile("^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(op.path)) + "$"))
        for op in fragment.operations
    ]

    async def answer(send: Send, status: int, text: str, media_type: str) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", media_type.encode())],
            }
        )
        await send({"type": "http.response.body", "body": text.encode()})

    async def front(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        methods = {method for method, route in routes if route.match(scope["path"])}
        if not methods:
            await answer(send, 404, "<html><body><h1>404 Not Found</h1></body></html>", "text/html")
            return
        if scope["method"] not in methods:
            await answer(send, 405, "Method Not Allowed", "text/plain")
            return
        raw = await read_body(receive)
        if b"<" in raw:
            await answer(send, 403, "<html><body>Request blocked.</body></html>", "text/html")
            return
        await app(scope, replaying(raw), send)

    return front


async def read_body(receive: Receive) -> bytes:
    """The whole request body of an ASGI request, read by a server in front of the app."""
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = bool(message.get("more_body", False))
    return b"".join(chunks)


def replaying(body: bytes) -> Receive:
    """An ASGI `receive` that gives the app a body already read, then a disconnect."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _where(rule: str) -> str:
    """The place of a broken `place:rule` (`body.a:pattern` -> `body.a`)."""
    return rule.rsplit(":", 1)[0]


def _place_of(operation: Operation, name: str) -> str:
    """The check place (`path.x`, `body.x`) of a violation's field name."""
    located = {p.name: f"{p.location}.{p.name}" for p in operation.parameters}
    return located.get(name, f"body.{name}" if name != "body" else "body")


def _success_body(operation: Operation, body: Any, defect: Breakage) -> object:
    """The success response: the request's members of the same name, the rest accepted values."""
    response = operation.response_for(operation.successes[0])
    schema = response.schema if response is not None else None
    if schema is None:
        return {}
    answer = accepted_value(schema)
    if isinstance(answer, dict) and isinstance(body, dict):
        for prop in schema.properties:
            if prop.name in body and not prop.schema.pattern:
                answer[prop.name] = body[prop.name]
        if defect.drop_response_member and schema.required_names:
            answer.pop(schema.required_names[0], None)
    return answer


def main(argv: list[str] | None = None) -> int:
    """Serve one server in the foreground, to time the whole suite against it:

    python -m tests.support.broken_servers NAME --port 8765   (NAME: reference, unicode-16.0,
    or a breakage name); then DYNAMIC_API_TOKEN=broken-server-token pytest contract_tests
    --base-url http://127.0.0.1:8765 --sms-budget 100000 --max-requests 100000 --rate 1e9/min
    """
    import argparse

    import uvicorn

    names = {b.name: b for b in breakages(fragment())} | {"unicode-16.0": unicode_server("16.0")}
    parser = argparse.ArgumentParser(prog="python -m tests.support.broken_servers")
    parser.add_argument("name", choices=["reference", *names])
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    app = reference_app(fragment(), names.get(args.name))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
