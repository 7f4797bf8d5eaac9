"""Schemathesis over the fragment: every applicable built-in check, plus the verdict check.

Every generated case goes twice: in process to the embedded mock's ASGI app, and over
HTTP to the selected target (by default the embedded mock on a real uvicorn socket). Phases:
examples, coverage (boundary values derived from the schema) and fuzzing, positive and
negative data.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from schemathesis import Case
from schemathesis.specs.openapi.checks import ignored_auth, unsupported_method

from .conftest import MOCK_TOKEN
from .report import RECORDER
from .st_checks import body_is_json, configure, load_schema, make_verdict_check
from .targets import Target, TargetUnavailableError, detect_asgi_prefix


@pytest.fixture(scope="session")
def mock_asgi_app() -> Any:
    """The embedded mock's ASGI app, for in-process calls."""
    try:
        from dynamic_sdk_mock import MockConfig, create_app
    except ImportError as error:
        pytest.fail(f"the embedded mock is not importable ({error})", pytrace=False)
    return create_app(MockConfig(token=MOCK_TOKEN))


@pytest.fixture(scope="session")
def asgi_prefix(mock_asgi_app: Any) -> str:
    try:
        return asyncio.run(detect_asgi_prefix(mock_asgi_app, MOCK_TOKEN))
    except TargetUnavailableError as error:
        pytest.fail(str(error), pytrace=False)


# One schema for both transports: building the coverage phase's cases (boundary strings of
# 255/256 code points under the name pattern) costs seconds at collection, once per schema.
# (The pinned schemathesis' from_fixture() loader breaks on pytest 9: request.node._nodeid.)
SCHEMA = load_schema("asgi")


@pytest.mark.unbudgeted
@SCHEMA.parametrize()  # type: ignore[untyped-decorator]
def test_fragment(case: Case[Any], mock_asgi_app: Any, asgi_prefix: str, target: Target) -> None:
    """Each generated case: in process against the mock, then over HTTP to the target."""
    RECORDER.meta["schemathesis_cases"] = RECORDER.meta.get("schemathesis_cases", 0) + 1
    configure(SCHEMA, "asgi")
    case.call_and_validate(
        base_url="http://testserver" + asgi_prefix,
        app=mock_asgi_app,
        headers={"Authorization": f"Bearer {MOCK_TOKEN}"},
        additional_checks=[make_verdict_check("asgi")],
    )
    if target.kind == "prism" and not body_is_json(case):
        return  # Prism 5.16.0 never answers a malformed JSON body (docs/contract.md)
    configure(SCHEMA, target.kind)
    headers = {} if target.token is None else {"Authorization": f"Bearer {target.token}"}
    case.call_and_validate(
        base_url=target.public_url + target.prefix,
        headers=headers,
        additional_checks=[make_verdict_check(target.kind)],
        # Prism 5.16.0 cannot know which tokens are valid (it takes any bearer), and answers
        # undeclared methods 405 without the `Allow` header RFC 9110 requires; neither is
        # something the fragment states (docs/contract.md, "Prism findings").
        excluded_checks=[ignored_auth, unsupported_method] if target.kind == "prism" else None,
    )
