"""Embedded mock of Dynamic's retrySmsVerification operation, driven by the OpenAPI fragment.

In process: `create_app(MockConfig(...))` (ASGI, state on `app.state.mock`). Over a real
socket: `with running_mock(config) as mock: mock.url, mock.state`. From a shell:
`python -m dynamic_sdk_mock --port 0`. Assumptions beyond the vendor's page: docs/mock.md.
"""

from ._app import ConnectionDroppedError, MockApp, create_app
from ._config import DEFAULT_TOKEN, MockConfig
from ._fragment import FragmentError, Spec, load_spec, locate_fragment
from ._server import RunningMock, running_mock
from ._state import Fault, MockState, Outcome

__all__ = [
    "DEFAULT_TOKEN",
    "ConnectionDroppedError",
    "Fault",
    "FragmentError",
    "MockApp",
    "MockConfig",
    "MockState",
    "Outcome",
    "RunningMock",
    "Spec",
    "create_app",
    "load_spec",
    "locate_fragment",
    "running_mock",
]
