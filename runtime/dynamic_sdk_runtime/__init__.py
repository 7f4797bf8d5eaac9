"""Hand-written runtime of the generated `dynamic_sdk_client` package.

The generated code imports it: ECMA-262 patterns (`ecma`), the documented field rules and
their checker (`rules`, `fragment`), the exception tree (`exceptions`), safe retries
(`retry`) and the httpx wiring (`transport`). Users import the client; the mock and the
contract suite import the public modules here. It holds only what a client call runs: the
suite's pattern parser (`contract_tests.core.pattern_nodes`) ships with the suite.
"""

__version__ = "0.2.0"  # written from VERSION by `nox -s release`
