"""The ASGI app: every operation of the fragment (raw ASGI, for byte-level control) and /__mock/.

Operations are routed on the raw, still percent-encoded path against the fragment's path
templates, so a path value with an encoded "/" or invalid UTF-8 reaches validation (400)
instead of missing the route. Each is served both at its path and under the fragment's
server path (e.g. /api/v0/...). Checks run in this order: method (405), rate limit (429),
auth (401, when the operation has security), then for an operation with a body: declared
size (413), streamed size (413), content type (415), UTF-8 and JSON syntax (400); then the
documented rules of path, query, header and body (400), faults, and the answer: the
stateful operation's (success or 404/422/429), the success echo for every other one.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from dynamic_sdk_runtime.exceptions import ValidationError
from dynamic_sdk_runtime.fragment import NO_BODY, Operation, RawRequest

from ._bodies import Answers
from ._config import MockConfig
from ._fast import RequestAccepts, request_accepts
from ._fragment import Spec, load_spec
from ._state import Fault, MockState, Outcome

__all__ = ["ConnectionDroppedError", "MockApp", "create_app"]

logger = logging.getLogger("dynamic_sdk_mock")
access_logger = logging.getLogger("dynamic_sdk_mock.access")

_INT_DIGITS_LIMIT = 4000  # below Python's int-from-string limit (4300 digits)
_JSON_TYPE = "application/json"
_JSON_BYTES = _JSON_TYPE.encode()
_ROUTE_CACHE_SIZE = 1024
_UNSEEN: Any = object()
_NOTHING: Mapping[str, object] = {}


class ConnectionDroppedError(ConnectionError):
    """An injected drop/truncate: the server closes the socket; in process, the caller sees it."""


class RequestRejectedError(Exception):
    """A request the mock answers with a 4xx before it reaches state."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


def describe(violations: list[ValidationError]) -> str:
    """One message naming every broken field and rule; values arrive already masked."""
    return "; ".join(f"{v.field}: {v.detail} [rule: {v.rule}]" for v in violations)


# json.dumps with these arguments builds this same encoder on every call
_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))


def render(body: object) -> bytes:
    """JSON bytes, ASCII-escaped so that lone surrogates echoed from a request still encode."""
    return _ENCODER.encode(body).encode("ascii")


def json_response(status: int, body: object, headers: Mapping[str, str] | None = None) -> Response:
    return Response(render(body), status, dict(headers or {}), media_type=_JSON_TYPE)


async def send_json(
    send: Send, status: int, body: object, headers: Mapping[str, str] | None = None
) -> None:
    """Send `body` as JSON; None sends no body (a response documented without one)."""
    if body is None:
        content = b""
        raw_headers = [(b"content-length", b"0")]
    else:
        content = render(body)
        raw_headers = [(b"content-type", _JSON_BYTES), (b"content-length", b"%d" % len(content))]
    if headers:
        raw_headers += [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in headers.items()
        ]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": content})


# -- request body ------------------------------------------------------------------------


_CHECKED_HEADERS = frozenset((b"authorization", b"content-length", b"content-type"))


def checked_headers(headers: list[tuple[bytes, bytes]]) -> dict[bytes, list[bytes]]:
    """The values of the headers the mock checks itself (auth, size, type): one pass."""
    found: dict[bytes, list[bytes]] = {}
    for key, value in headers:
        name = key.lower()
        if name in _CHECKED_HEADERS:
            found.setdefault(name, []).append(value)
    return found


async def read_body(declared: list[bytes], receive: Receive, limit: int) -> bytes:
    """The request body, refusing (413) by Content-Length (`declared`) first, then while
    streaming; a body in one message is returned as it came (no copy)."""
    if declared:
        try:
            length = int(declared[0])
        except ValueError:
            raise RequestRejectedError(400, "Content-Length is not a number") from None
        if length > limit:
            raise RequestRejectedError(413, f"body: larger than {limit} bytes [rule: maxBodyBytes]")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise RequestRejectedError(400, "the client disconnected before sending the body")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise RequestRejectedError(413, f"body: larger than {limit} bytes [rule: maxBodyBytes]")
        if not message.get("more_body", False):
            if not chunks:
                return bytes(chunk)  # uvicorn passes bytes: no copy
            chunks.append(chunk)
            return b"".join(chunks)
        chunks.append(chunk)


def check_content_type(values: list[bytes], body: bytes) -> None:
    """415 unless the body is declared application/json (UTF-8) by the Content-Type
    `values`; 400 when it is missing."""
    if not values:
        if body:
            raise RequestRejectedError(415, "Content-Type must be application/json")
        raise RequestRejectedError(400, "body: is required [rule: required]")
    media_type, *parameters = values[0].decode("latin-1").split(";")
    if len(values) > 1 or media_type.strip().lower() != _JSON_TYPE:
        raise RequestRejectedError(415, "Content-Type must be application/json")
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() != "utf-8":
            raise RequestRejectedError(415, "Content-Type charset must be utf-8")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    seen: set[str] = set()
    for key, _value in pairs:  # name the first repeated key
        if key in seen:
            break
        seen.add(key)
    raise ValueError(f"duplicate key {key[:40]!r}")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _parse_int(text: str) -> int | float:
    # Python refuses to convert very long digit strings (ValueError); the value only needs
    # a JSON type here (any number breaks a string rule), so a huge one becomes +-inf.
    return int(text) if len(text) <= _INT_DIGITS_LIMIT else float(text)


# json.loads with these arguments builds this same decoder on every call
_DECODER = json.JSONDecoder(
    object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant, parse_int=_parse_int
)


def parse_json(body: bytes) -> object:
    """Strict JSON (RFC 8259): UTF-8, no duplicate keys, no NaN/Infinity; 400 otherwise."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RequestRejectedError(
            400, f"body: is not valid UTF-8 (byte {error.start}) [rule: json]"
        ) from None
    if not text or text.isspace():  # what `not text.strip()` says, without the copy
        raise RequestRejectedError(400, "body: is required [rule: required]")
    try:
        if text.startswith("\ufeff"):  # json.loads' own refusal, in its words
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        return _DECODER.decode(text)
    except json.JSONDecodeError as error:
        raise RequestRejectedError(
            400,
            f"body: is not valid JSON ({error.msg} at line {error.lineno} column "
            f"{error.colno}) [rule: json]",
        ) from None
    except RecursionError:
        raise RequestRejectedError(400, "body: JSON nested too deeply [rule: json]") from None
    except ValueError as error:
        raise RequestRejectedError(400, f"body: is not valid JSON ({error}) [rule: json]") from None


# -- auth ----------------------------------------------------------------------------------


def check_bearer(values: list[bytes], token: bytes) -> None:
    """401 unless exactly one `Authorization: Bearer <token>` (among the header's `values`)
    carries the configured token (UTF-8)."""
    if not values:
        raise _unauthorized("missing Authorization header (bearer token required)")
    if len(values) > 1:
        raise _unauthorized("more than one Authorization header")
    scheme, _, credentials = values[0].partition(b" ")
    if scheme.lower() != b"bearer" or not credentials.strip():
        raise _unauthorized("Authorization must be 'Bearer <token>'")
    if not hmac.compare_digest(credentials.strip(), token):
        raise _unauthorized("invalid bearer token")


def _unauthorized(message: str) -> RequestRejectedError:
    return RequestRejectedError(401, message, {"WWW-Authenticate": "Bearer"})


# -- routing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OperationRoute:
    """One path template of the fragment and the operations documented on it, by method."""

    template: str
    segments: tuple[bytes | None, ...]
    """Each segment's literal bytes, or None for a path parameter."""
    names: tuple[str | None, ...]
    operations: Mapping[str, Operation]

    def values(self, parts: list[bytes]) -> dict[str, str | None] | None:
        """The decoded path values when `parts` is this template, else None.

        A value that is not valid UTF-8 is None (no string at all: a type error).
        """
        if len(parts) != len(self.segments):
            return None
        found: dict[str, str | None] = {}
        for part, literal, name in zip(parts, self.segments, self.names, strict=True):
            if name is None:
                if part != literal:
                    return None
                continue
            try:
                found[name] = unquote_to_bytes(part).decode("utf-8")
            except UnicodeDecodeError:
                found[name] = None
        return found


def build_routes(operations: tuple[Operation, ...]) -> tuple[OperationRoute, ...]:
    """One Route per path template; templates with fewer parameters are matched first."""
    grouped: dict[str, dict[str, Operation]] = {}
    for operation in operations:
        grouped.setdefault(operation.path, {})[operation.method] = operation
    routes = []
    for template, by_method in grouped.items():
        segments = next(iter(by_method.values())).segments
        names = tuple(s[1:-1] if s.startswith("{") and s.endswith("}") else None for s in segments)
        literals = tuple(None if n else s.encode() for s, n in zip(segments, names, strict=True))
        routes.append(OperationRoute(template, literals, names, by_method))
    return tuple(sorted(routes, key=lambda route: -route.names.count(None)))


def query_values(query_string: bytes) -> dict[str, object]:
    """The query string's parameters (blank values kept); one repeated gives a list.

    A value that is not valid UTF-8 is None, like a path value.
    """
    found: dict[str, object] = {}
    # parse_qsl on bytes re-encodes decoded values as ASCII (a 500 on any non-ASCII value):
    # split and percent-decode the bytes here instead.
    for pair in query_string.split(b"&"):
        if not pair:
            continue
        raw_name, _, raw_value = pair.replace(b"+", b" ").partition(b"=")
        raw_name, raw_value = unquote_to_bytes(raw_name), unquote_to_bytes(raw_value)
        name = raw_name.decode("utf-8", "replace")
        try:
            value: object = raw_value.decode("utf-8")
        except UnicodeDecodeError:
            value = None
        if name in found:
            previous = found[name]
            found[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            found[name] = value
    return found


def header_values(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Request headers by lower-case name; a repeated one joined with ", " (RFC 9110)."""
    found: dict[str, str] = {}
    for raw_name, raw_value in headers:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        found[name] = f"{found[name]}, {value}" if name in found else value
    return found


# -- the app -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServedOperation:
    """What the hot path needs of one operation, derived once from the fragment."""

    operation: Operation
    answers: Answers
    accepts: RequestAccepts
    """The compiled fast yes (`_fast`); the full checker runs only when it says no."""
    check_auth: bool
    stateful: bool
    """The operation with `x-lookup-field`: faults may match its lookup value."""
    stateful_answer: bool
    """Its answer comes from the state (not lenient)."""
    reads_query: bool
    reads_headers: bool


def serve_operations(
    spec: Spec, config: MockConfig, answers: Mapping[str, Answers]
) -> dict[str, ServedOperation]:
    """Every operation's `ServedOperation`, by operationId."""
    lookup = spec.lookup
    served = {}
    for operation in spec.operations:
        stateful = lookup is not None and lookup.operation == operation
        served[operation.operation_id] = ServedOperation(
            operation,
            answers[operation.operation_id],
            request_accepts(operation),
            check_auth=config.require_auth and bool(operation.security),
            stateful=stateful,
            stateful_answer=stateful and not config.lenient,
            reads_query=bool(operation.located("query")),
            reads_headers=bool(operation.located("header")),
        )
    return served


class MockApp(Starlette):
    """Starlette app whose __call__ serves the documented operations before any middleware."""

    def __init__(self, config: MockConfig, spec: Spec, state: MockState) -> None:
        self.mock_config = config
        self.spec = spec
        self.mock = state
        self.answers = state.answers
        self.operation_routes = build_routes(spec.operations)
        self.served = serve_operations(spec, config, state.answers)
        self._prefix = [segment.encode() for segment in spec.server_prefix]
        self._token = config.token.encode("utf-8")
        self._routed: dict[bytes, tuple[OperationRoute, dict[str, str | None]] | None] = {}
        control = _ControlEndpoints(self)
        super().__init__(
            routes=[
                Route("/__mock/verifications", control.seed, methods=["POST"]),
                Route("/__mock/verifications", control.list_verifications, methods=["GET"]),
                Route("/__mock/outbox", control.outbox, methods=["GET"]),
                Route("/__mock/faults", control.add_faults, methods=["POST"]),
                Route("/__mock/faults", control.list_faults, methods=["GET"]),
                Route("/__mock/reset", control.reset, methods=["POST"]),
            ],
            exception_handlers={404: _not_found, 405: _method_not_allowed},
        )
        self.state.mock = state
        self.state.config = config
        self.state.spec = spec

    def match(self, scope: Scope) -> tuple[OperationRoute, dict[str, str | None]] | None:
        """The route of the request's path and its path values, or None.

        The path is matched raw (still percent-encoded), under the server prefix first,
        then as it is. The last paths seen are remembered (a load repeats its path).
        """
        raw_path = bytes(scope.get("raw_path") or scope["path"].encode("utf-8"))
        routed = self._routed.get(raw_path, _UNSEEN)
        if routed is not _UNSEEN:
            return routed if routed is None else (routed[0], dict(routed[1]))
        found = self._match(raw_path)
        if len(self._routed) >= _ROUTE_CACHE_SIZE:
            self._routed.clear()
        self._routed[raw_path] = found if found is None else (found[0], dict(found[1]))
        return found

    def _match(self, raw_path: bytes) -> tuple[OperationRoute, dict[str, str | None]] | None:
        parts = raw_path.split(b"?", 1)[0].split(b"/")[1:]
        candidates = [parts]
        if self._prefix and parts[: len(self._prefix)] == self._prefix:
            candidates.insert(0, parts[len(self._prefix) :])
        for candidate in candidates:
            for route in self.operation_routes:
                values = route.values(candidate)
                if values is not None:
                    return route, values
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            matched = self.match(scope)
            if matched is not None:
                await self.operation(scope, receive, send, *matched)
                return
        await super().__call__(scope, receive, send)

    async def operation(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        route: OperationRoute,
        path: dict[str, str | None],
    ) -> None:
        started = time.perf_counter()
        outcome = "error"
        operation = route.operations.get(scope["method"])
        name = operation.operation_id if operation is not None else route.template
        try:
            if operation is None:
                allow = {"Allow": ", ".join(route.operations)}
                await send_json(send, 405, {"error": "method not allowed"}, allow)
                outcome = "405"
            else:
                served = self.served[operation.operation_id]
                outcome = str(await self._operation(scope, receive, send, served, path))
        except ConnectionDroppedError:
            outcome = "dropped"
            raise
        except Exception as error:  # never a traceback or a non-JSON 500 for the client
            logger.error("unexpected %s while serving %s", type(error).__name__, name)
            await send_json(send, 500, {"error": "internal error in the mock"})
            outcome = "500"
        finally:
            if access_logger.isEnabledFor(logging.INFO):
                access_logger.info(
                    "%s %s -> %s (%.1f ms)",
                    scope["method"],
                    name,
                    outcome,
                    (time.perf_counter() - started) * 1000,
                )

    async def _operation(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        served: ServedOperation,
        path: dict[str, str | None],
    ) -> int | str:
        operation = served.operation
        answers = served.answers
        config = self.mock_config
        if config.rate_limit is not None:
            client = scope.get("client")
            wait = self.mock.rate_limited(str(client[0]) if client else "unknown")
            if wait is not None:
                limited = answers.error(429, "Too many requests, please try again later.")
                await send_json(send, 429, limited, {"Retry-After": str(wait)})
                return 429
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        if not isinstance(headers, list):  # ASGI allows any iterable; they are read twice
            headers = list(headers)
        data: object = None
        try:
            checked = checked_headers(headers)
            if served.check_auth:
                check_bearer(checked.get(b"authorization", []), self._token)
            sent: object = NO_BODY
            if operation.body is not None:
                declared = checked.get(b"content-length", [])
                raw = await read_body(declared, receive, config.max_body_bytes)
                if raw or operation.body_required:
                    check_content_type(checked.get(b"content-type", []), raw)
                    sent = data = parse_json(raw)
            query_string = scope.get("query_string", b"")
            query = query_values(query_string) if served.reads_query else _NOTHING
            given = header_values(headers) if served.reads_headers else _NOTHING
            if not served.accepts(path, query, given, sent):
                request = RawRequest(path, query_values(query_string), header_values(headers), sent)
                violations = operation.violations(request)
                if violations:
                    raise RequestRejectedError(400, describe(violations))
        except RequestRejectedError as rejection:
            body = answers.error(rejection.status, rejection.message)
            await send_json(send, rejection.status, body, rejection.headers)
            return rejection.status

        lookup = self.spec.lookup
        stateful = lookup if served.stateful else None
        key = data.get(stateful.field) if stateful and isinstance(data, dict) else None
        fault = self.mock.take_fault(operation.operation_id, key)
        if fault is not None and fault.kind == "latency":
            await anyio.sleep(fault.seconds)
            fault = None
        if fault is not None:
            return await self._inject(fault, answers, receive, send)
        if served.stateful_answer and isinstance(data, dict):
            values = {name: str(value) for name, value in path.items()}
            result: Outcome = self.mock.lookup_answer(values, data)
            await send_json(send, result.status, result.body, result.headers)
            return result.status
        await send_json(send, answers.success, answers.success_body(data))
        return answers.success

    async def _inject(
        self, fault: Fault, answers: Answers, receive: Receive, send: Send
    ) -> int | str:
        await anyio.sleep(fault.seconds)
        if fault.kind == "error":
            headers = {}
            retry_after = fault.retry_after
            if retry_after is None and fault.status == 503:
                retry_after = 1
            if retry_after is not None:
                headers["Retry-After"] = str(retry_after)
            await send_json(
                send, fault.status, answers.error(fault.status, "injected fault"), headers
            )
            return fault.status
        # ASGI has no "close the connection" message. A server closes the connection when
        # the app raises after starting a response (uvicorn 0.54.0, pinned <0.55 in
        # mock/pyproject.toml; tests/test_mock_socket.py checks it), so: headers announcing
        # a body, part of it (truncate) or none (drop), then ConnectionDroppedError, which
        # in-process transports hand to the caller.
        content = render(answers.error(500, f"injected fault: {fault.kind}"))
        await send(
            {
                "type": "http.response.start",
                "status": 500,
                "headers": [
                    (b"content-type", _JSON_TYPE.encode()),
                    (b"content-length", str(len(content)).encode()),
                ],
            }
        )
        if fault.kind == "truncate":
            part = content[: len(content) // 2]
            await send({"type": "http.response.body", "body": part, "more_body": True})
        raise ConnectionDroppedError(f"the mock dropped the connection (injected {fault.kind})")


class QuietDrops(logging.Filter):
    """Keeps an injected drop out of the server's error log (it logs the app's exception)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], ConnectionDroppedError))


class _ControlEndpoints:
    """The /__mock/ interface: seed verifications, read the outbox, queue faults, reset."""

    def __init__(self, app: MockApp) -> None:
        self.app = app

    async def _json(self, request: Request) -> object:
        checked = checked_headers(request.scope["headers"])
        declared = checked.get(b"content-length", [])
        body = await read_body(declared, request.receive, self.app.mock_config.max_body_bytes)
        check_content_type(checked.get(b"content-type", []), body)
        return parse_json(body)

    async def _guarded(self, handler: Callable[[], Awaitable[Response]]) -> Response:
        try:
            return await handler()
        except RequestRejectedError as rejection:
            return json_response(rejection.status, {"error": rejection.message})

    async def seed(self, request: Request) -> Response:
        async def handler() -> Response:
            data = await self._json(request)
            if not isinstance(data, dict):
                raise RequestRejectedError(400, "body: must be a JSON object [rule: object]")
            lookup = self.app.spec.lookup
            if lookup is None:
                raise RequestRejectedError(400, "the fragment has no operation with x-lookup-field")
            path = {name: data[name] for name in lookup.path_names if name in data}
            violations = lookup.record_violations(path, data)
            if violations:
                raise RequestRejectedError(400, describe(violations))
            return json_response(201, {**path, **self.app.mock.seed(path, data)})

        return await self._guarded(handler)

    async def list_verifications(self, request: Request) -> Response:
        return json_response(200, {"verifications": self.app.mock.verifications()})

    async def outbox(self, request: Request) -> Response:
        return json_response(200, {"messages": self.app.mock.outbox()})

    async def add_faults(self, request: Request) -> Response:
        async def handler() -> Response:
            data = await self._json(request)
            items = data.get("faults") if isinstance(data, dict) and "faults" in data else [data]
            if not isinstance(items, list) or not items:
                raise RequestRejectedError(400, "faults: must be a non-empty array")
            try:
                faults = [Fault.from_json(item) for item in items]
            except ValueError as error:
                raise RequestRejectedError(400, f"fault: {error}") from None
            try:
                for fault in faults:
                    self.app.mock.add_fault(fault)
            except ValueError as error:
                raise RequestRejectedError(400, f"fault: {error}") from None
            return json_response(201, {"faults": [f.to_json() for f in self.app.mock.faults()]})

        return await self._guarded(handler)

    async def list_faults(self, request: Request) -> Response:
        return json_response(200, {"faults": [f.to_json() for f in self.app.mock.faults()]})

    async def reset(self, request: Request) -> Response:
        self.app.mock.reset()
        return json_response(200, {"reset": True})


async def _not_found(request: Request, exc: Exception) -> Response:
    return json_response(404, {"error": "no such path", "code": "not_found"})


async def _method_not_allowed(request: Request, exc: Exception) -> Response:
    headers = getattr(exc, "headers", None) or {}
    return json_response(405, {"error": "method not allowed"}, headers)


def create_app(
    config: MockConfig | None = None,
    *,
    spec: Spec | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> MockApp:
    """The mock as an ASGI app (state on `app.state.mock`), for in-process use or uvicorn.

    `clock` (seconds, monotonic) drives the cooldown; tests pass a fake one instead of waiting.
    """
    config = config or MockConfig()
    spec = spec or load_spec(config.fragment)
    return MockApp(config, spec, MockState(spec, config, clock))
