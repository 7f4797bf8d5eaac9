"""Schemathesis' extra checks under the plan's rules (contract_tests/st_checks.py).

A server that accepts a body it cannot read as JSON must fail the verdict check with a
named mismatch (it used to raise AttributeError: the "not JSON" violation was a string).
"""

from __future__ import annotations

import traceback

import pytest
from starlette.types import Receive, Scope, Send

from contract_tests.core.model import TargetKind
from contract_tests.core.spec import fragment
from contract_tests.st_checks import case_violations, load_schema, make_verdict_check, st_operation
from dynamic_sdk_mock import serve_app

OPERATION = fragment().operations[0]


async def _accepts_anything(scope: Scope, receive: Receive, send: Send) -> None:
    """Every request gets 201 and an empty JSON object."""
    if scope["type"] != "http":
        return
    more = True
    while more:
        more = bool((await receive()).get("more_body", False))
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 201, "headers": headers})
    await send({"type": "http.response.body", "body": b"{}"})


def _unreadable_case() -> object:
    schema = load_schema(TargetKind.BASE_URL)
    operation = schema[OPERATION.path][OPERATION.method]
    path = {p.name: str(p.example) for p in OPERATION.located("path")}
    return operation.Case(path_parameters=path, body=b"{not json", media_type="application/json")


def test_an_unreadable_body_is_a_typed_violation() -> None:
    case = _unreadable_case()
    found = case_violations(case, st_operation(case))  # type: ignore[arg-type]
    assert ("body", "json") in [(v.field, v.rule) for v in found]


def test_a_server_accepting_an_unreadable_body_fails_with_a_named_mismatch() -> None:
    case = _unreadable_case()
    # schemathesis raises its failures as a (base) exception group
    with serve_app(_accepts_anything) as url, pytest.raises(BaseExceptionGroup) as raised:
        case.call_and_validate(  # type: ignore[attr-defined]
            base_url=url + fragment().server_prefix,
            headers={"Authorization": "Bearer t"},
            checks=[make_verdict_check(TargetKind.BASE_URL)],
        )
    text = "".join(traceback.format_exception(raised.value))
    assert "verdict mismatch" in text, text
    assert "body:json" in text, text
    assert "AttributeError" not in text
