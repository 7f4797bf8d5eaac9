"""Hand-written runtime of the generated `dynamic_sdk_client` package.

The generated code imports it: ECMA-262 patterns (`ecma`), the documented field rules and
their checker (`rules`, `fragment`), the exception tree (`exceptions`), safe retries
(`retry`) and the httpx wiring (`transport`). Users import the client; the mock and the
contract suite import the public modules here, and the suite derives its pattern probes
node by node from `pattern_nodes`.
"""

__version__ = "0.2.0"  # written from VERSION by `nox -s release`
