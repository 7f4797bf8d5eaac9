"""Embedded mock of Dynamic's SMS verification API, driven by the OpenAPI fragment.

It serves every operation the fragment documents, reading routes, rules, statuses and
field names from it. In process: `create_app(MockConfig(...))` (ASGI, state on
`app.state.mock`). Over a real socket: `with running_mock(config) as mock: mock.url,
mock.state`; any ASGI app: `with serve_app(app) as url`. From a shell:
`python -m dynamic_sdk_mock --port 0`. Assumptions beyond the vendor's page:
`python -m dynamic_sdk_mock --readme`.
"""

from ._app import ConnectionDroppedError, MockApp, create_app
from ._config import DEFAULT_TOKEN, MockConfig
from ._fragment import FragmentError, Lookup, Spec, load_spec, locate_fragment, spec_from_document
from ._server import RunningMock, running_mock, serve_app
from ._state import Fault, MockState, Outcome

__all__ = [
    "DEFAULT_TOKEN",
    "ConnectionDroppedError",
    "Fault",
    "FragmentError",
    "Lookup",
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
    "serve_app",
    "spec_from_document",
]
