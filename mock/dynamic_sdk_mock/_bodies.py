"""The bodies the mock answers with, each built to fit the schema its status documents.

A success body starts from the documented example, echoes request fields of the same name
(when the value fits the response member too) and fills any required member still missing
with a value its own schema accepts. An error body is the mock's `{"error": message}`
(plus `code` where the mock names one), completed the same way. `Answers` builds and
checks them once per operation at start-up, so a fragment the mock cannot answer fits is
refused then, naming the operation and status.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dynamic_sdk_runtime.fragment import Operation
from dynamic_sdk_runtime.schema import Schema, schema_violations

from ._config import MockConfig
from ._fast import value_accepts
from ._fragment import FragmentError, Spec, documented_successes

__all__ = [
    "MISMATCH_CODE",
    "NOT_FOUND_CODE",
    "TOO_MANY_CODE",
    "Answers",
    "build_answers",
    "complete",
    "sample",
    "success_statuses",
]

# The error codes the mock names: behaviour of the mock, each checked at start-up against
# the schema (its enum, when there is one) the stateful operation documents for its status.
NOT_FOUND_CODE = "verification_not_found"
MISMATCH_CODE = "invalid_sms_verification"
TOO_MANY_CODE = "too_many_sms_verification_attempts"

# Strings tried, in order, for a required member without a usable example (each at the
# schema's lengths): deterministic, and enough for the identifier-like patterns of the
# fragment (a UUID shape, letters, digits).
_STRING_SEEDS = ("a", "0", "A", "00000000-0000-0000-0000-000000000000")


def _fits(schema: Schema, value: object) -> bool:
    return not schema_violations(schema, value, "value")


def _fits_fast(schema: Schema) -> Callable[[object], bool]:
    """`_fits` for one schema: the compiled fast yes first, the checker when it says no."""
    fast = value_accepts(schema)

    def fits(value: object) -> bool:
        return fast(value) or _fits(schema, value)

    return fits


def _member_fits(schema: Schema, name: str, value: object) -> bool:
    prop = schema.property(name)
    return prop is None or _fits(prop.schema, value)


def _strings(schema: Schema) -> list[str]:
    low = schema.min_length or 0
    size = max(low, 1) if schema.max_length is None else min(max(low, 1), schema.max_length)
    found = [seed * size if len(seed) == 1 else seed for seed in _STRING_SEEDS]
    return [*found, ""]


def sample(schema: Schema, where: str) -> object:
    """A value `schema` accepts: its example, else the simplest candidate that fits.

    Raises FragmentError naming `where` when nothing the mock tries fits (a pattern the
    candidates cannot satisfy and no example): give that member an example.
    """
    candidates: list[object] = []
    if schema.example is not None:
        candidates.append(schema.example)
    if schema.enum:
        candidates.append(schema.enum[0])
    if schema.type == "object" or schema.properties:
        candidates.append(complete(schema, {}, where))
    elif schema.type == "array":
        candidates.append([])
    elif schema.type in ("integer", "number"):
        candidates.append(0)
    elif schema.type == "boolean":
        candidates.append(False)
    elif schema.type == "null" or schema.nullable:
        candidates.append(None)
    else:
        candidates += _strings(schema)
    for candidate in candidates:
        if _fits(schema, candidate):
            return candidate
    raise FragmentError(f"{where}: no example, and no value the mock tries fits its schema")


def complete(schema: Schema, body: Mapping[str, Any], where: str) -> dict[str, Any]:
    """`body` with every required member of `schema` it lacks filled by `sample`."""
    filled = dict(body)
    for prop in schema.properties:
        if prop.required and prop.name not in filled:
            filled[prop.name] = sample(prop.schema, f"{where}.{prop.name}")
    return filled


class Answers:
    """Success and error bodies of one operation, each fitting its documented schema."""

    def __init__(self, operation: Operation, success: int) -> None:
        self.operation = operation
        self.success = success
        self._where = f"{operation.operation_id} {success}"
        self._success_schema = self._schema(success)
        schema = self._success_schema
        example = self._documented(success).example
        base = {
            name: value
            for name, value in (example.items() if isinstance(example, Mapping) else ())
            if schema is None or _member_fits(schema, name, value)
        }
        self._success_base = complete(schema, base, self._where) if schema is not None else None
        self._check(success, self._success_base)
        # the echo's members with their fast yes (the checker where it says no): per request
        # the answer needs only these, not a walk of the schema
        self._echoed = tuple(
            (prop.name, _fits_fast(prop.schema))
            for prop in (schema.properties if schema is not None else ())
        )
        self._filled: dict[tuple[int, bool], dict[str, Any]] = {}

    def _documented(self, status: int) -> Any:
        response = self.operation.response_for(status)
        if response is None:
            raise FragmentError(
                f"{self.operation.operation_id}: the fragment does not document {status}, "
                "which the mock sends"
            )
        return response

    def _schema(self, status: int) -> Schema | None:
        response = self.operation.response_for(status)
        return response.schema if response is not None else None

    def _check(self, status: int, body: object) -> None:
        schema = self._schema(status)
        if schema is None or body is None:
            return
        broken = schema_violations(schema, body, "")
        if broken:
            detail = "; ".join(f"{v.field or 'body'}: {v.detail} [rule: {v.rule}]" for v in broken)
            raise FragmentError(
                f"{self.operation.operation_id}: the mock's {status} body does not fit the "
                f"documented schema ({detail})"
            )

    def require(self, status: int, code: str | None = None) -> None:
        """Fail at start-up unless `status` is documented and the mock's body for it fits."""
        self._documented(status)
        self._check(status, self.error(status, "sample message", code))

    def success_body(self, request: object) -> dict[str, Any] | None:
        """The success body: the base, with request fields of the same name echoed in."""
        if self._success_base is None or self._success_schema is None:
            return None
        body = dict(self._success_base)
        if isinstance(request, Mapping):
            for name, fits in self._echoed:
                if name in request and fits(request[name]):
                    body[name] = request[name]
        return body

    def error(self, status: int, message: str, code: str | None = None) -> dict[str, Any]:
        """The mock's error body for `status`, completed to fit the documented schema."""
        body: dict[str, Any] = {"error": message}
        if code is not None:
            body["code"] = code
        # what `complete` adds depends on the status and the members given, not the message
        filled = self._filled.get((status, code is not None))
        if filled is None:
            schema = self._schema(status)
            if schema is None:
                filled = {}
            else:
                where = f"{self.operation.operation_id} {status}"
                given = dict.fromkeys(body)
                filled = {k: v for k, v in complete(schema, given, where).items() if k not in body}
            self._filled[(status, code is not None)] = filled
        return {**body, **filled}


def success_statuses(
    operations: tuple[Operation, ...], stateful: Operation | None, configured: int | None
) -> dict[str, int]:
    """Each operation's success status: `configured` where documented, else its first 2xx.

    An explicit `configured` must be documented by the stateful operation (by some
    operation when there is none); ValueError names the documented ones otherwise.
    """
    chosen = {op.operation_id: documented_successes(op)[0] for op in operations}
    if configured is None:
        return chosen
    targets = (stateful,) if stateful is not None else operations
    if not any(configured in documented_successes(op) for op in targets):
        documented = sorted({s for op in targets for s in documented_successes(op)})
        names = ", ".join(op.operation_id for op in targets)
        raise ValueError(
            f"success_status {configured} is not documented by {names} "
            f"(documented: {', '.join(map(str, documented))})"
        )
    for op in operations:
        if configured in documented_successes(op):
            chosen[op.operation_id] = configured
    return chosen


def build_answers(spec: Spec, config: MockConfig) -> dict[str, Answers]:
    """Every operation's `Answers`, checked: each status the mock may send for an operation
    is documented by it, and the mock's body for it fits the documented schema."""
    stateful = spec.lookup.operation if spec.lookup is not None else None
    statuses = success_statuses(spec.operations, stateful, config.success_status)
    built: dict[str, Answers] = {}
    for operation in spec.operations:
        answers = Answers(operation, statuses[operation.operation_id])
        required: list[tuple[int, str | None]] = []
        if operation.parameters or operation.body is not None:
            required.append((400, None))
        if operation.security:
            required.append((401, None))
        if operation.body is not None:
            required += [(413, None), (415, None)]
        if operation is stateful:
            required += [(404, NOT_FOUND_CODE), (422, MISMATCH_CODE), (422, TOO_MANY_CODE)]
        if operation is stateful or config.rate_limit is not None:
            required.append((429, None))
        for status, code in required:
            answers.require(status, code)
        built[operation.operation_id] = answers
    return built
