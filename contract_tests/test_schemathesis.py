"""Schemathesis over the fragment: every applicable built-in check, plus the verdict check.

Every generated case goes twice: to the strict (stateful) embedded mock on its own loopback
socket, and to the selected target (by default the lenient embedded mock). Phases:
examples, coverage (boundary values derived from the schema) and fuzzing, positive and
negative data.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from schemathesis import Case
from schemathesis.specs.openapi.checks import ignored_auth, unsupported_method

from ._engine import fragment, fragment_path
from .conftest import MOCK_TOKEN
from .report import RECORDER
from .st_checks import body_is_json, configure, load_schema, make_verdict_check
from .targets import Target, TargetUnavailableError, detect_prefix


@pytest.fixture(scope="session")
def mock_url() -> Iterator[str]:
    """The embedded mock (strict, stateful) on its own loopback socket, with its prefix."""
    try:
        from dynamic_sdk_mock import MockConfig, running_mock
    except ImportError as error:
        pytest.fail(f"the embedded mock is not importable ({error})", pytrace=False)
    with running_mock(MockConfig(token=MOCK_TOKEN, fragment=fragment_path())) as mock:
        url = str(mock.url).rstrip("/")
        with httpx.Client(base_url=url, timeout=10) as client:
            try:
                yield url + detect_prefix(client, MOCK_TOKEN, fragment())
            except TargetUnavailableError as error:
                pytest.fail(str(error), pytrace=False)


# One schema for both transports: building the coverage phase's cases (boundary strings of
# 255/256 code points under the name pattern) costs seconds at collection, once per schema.
# (The pinned schemathesis' from_fixture() loader breaks on pytest 9: request.node._nodeid.)
SCHEMA = load_schema("asgi")


@pytest.mark.unbudgeted
@SCHEMA.parametrize()  # type: ignore[untyped-decorator]
def test_fragment(case: Case[Any], mock_url: str, target: Target) -> None:
    """Each generated case: against the strict embedded mock, then to the selected target."""
    RECORDER.meta["schemathesis_cases"] = RECORDER.meta.get("schemathesis_cases", 0) + 1
    configure(SCHEMA, "asgi")
    case.call_and_validate(
        base_url=mock_url,
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
