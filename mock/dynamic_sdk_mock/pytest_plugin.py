"""pytest fixtures for the mock: `pytest_plugins = ["dynamic_sdk_mock.pytest_plugin"]`.

Override `mock_config` in a test module or conftest to change settings; `mock_app` is the
in-process ASGI app, `mock_server` a real uvicorn server on a free loopback port. Both are
fresh per test, so state never leaks between tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._app import MockApp, create_app
from ._config import MockConfig
from ._server import RunningMock, running_mock

MOCK_TEST_TOKEN = "pytest-mock-token"  # noqa: S105 - a test value


@pytest.fixture
def mock_config() -> MockConfig:
    """The settings `mock_app` and `mock_server` use; override to change them."""
    return MockConfig(token=MOCK_TEST_TOKEN)


@pytest.fixture
def mock_app(mock_config: MockConfig) -> MockApp:
    """The mock as an in-process ASGI app (use httpx.ASGITransport)."""
    return create_app(mock_config)


@pytest.fixture
def mock_server(mock_config: MockConfig) -> Iterator[RunningMock]:
    """The mock served by uvicorn on 127.0.0.1 (free port) for the duration of one test."""
    with running_mock(mock_config) as server:
        yield server
