"""Where the contract suite sends requests, and how each kind of target says "rejected".

A `Target` wraps an httpx client (a real socket, or an in-process ASGI transport) and
the URL prefix the operation lives under. Requests are built by hand from raw JSON-able
values, because the generated client refuses invalid input and the suite must send it.

Verdicts are not made here: `statuses.judge` reads every answer (one table for every kind
of target). Stoplight Prism rejects with 422 (it picks the fragment's documented 422, before
400) and says why in an `sl-violations` header; `prism_input_violations` reads it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx

from contract_tests.core.model import NO_BODY, Probe, TargetKind
from contract_tests.core.settings import env_name
from contract_tests.core.spec import fragment_path
from dynamic_sdk_runtime.fragment import Fragment, Operation, RawRequest

__all__ = [
    "REPORTS",
    "ROOT",
    "Target",
    "TargetUnavailableError",
    "free_port",
    "start_prism",
]

ROOT = Path(__file__).resolve().parents[2]
"""The repository root when the suite runs from a checkout (site-packages when installed)."""
REPORTS = Path(os.environ.get("DYNAMIC_CONTRACT_REPORTS") or Path.cwd() / "reports")
"""Where summaries, JUnit and replay files go: ./reports unless DYNAMIC_CONTRACT_REPORTS."""


PRISM_PACKAGE = "@stoplight/prism-cli@5.16.0"
"""The Prism the suite's findings were made with (package.json pins the same)."""


def prism_install_hint() -> str:
    """How to get the pinned Prism: `npm ci` in a checkout, `npm install` anywhere else."""
    if (ROOT / "package-lock.json").is_file():
        return f"run `npm ci` in {ROOT}"
    return f"run `npm install {PRISM_PACKAGE}` in the working directory"


def _prism_bin() -> Path:
    """Prism from `npm ci` in the working directory, else in the checkout."""
    candidates = [base / "node_modules" / ".bin" / "prism" for base in (Path.cwd(), ROOT)]
    return next((path for path in candidates if path.exists()), candidates[0])


PRISM_BIN = _prism_bin()


class TargetUnavailableError(RuntimeError):
    """A requested target cannot be started here; the message says what is missing."""


@dataclass
class Target:
    """One server under test."""

    name: str
    client: httpx.Client
    prefix: str
    token: str | None = field(repr=False)  # never in a report, a JUnit file or a traceback
    path_values: dict[str, str]
    """The target's own path parameter values (its environment): probes change one."""
    kind: TargetKind = TargetKind.MOCK
    public_url: str = ""
    recorded: bool = True  # False: keep this target's probes out of the contract summary

    def url_path(self, operation: Operation, path: Mapping[str, str] | None = None) -> str:
        """The operation's path, the target's values overridden by `path`, each encoded."""
        return self.prefix + operation.url_path({**self.path_values, **(path or {})})

    def raw_request(self, probe: Probe) -> RawRequest:
        """What the probe sends to this target: its path values over the target's own."""
        request = probe.request
        return RawRequest(
            {**self.path_values, **request.path}, request.query, request.headers, request.body
        )

    def headers(self, *, auth: bool = True, json_body: bool = True) -> dict[str, str]:
        """JSON content type (when a body is sent) plus the bearer token (unless not `auth`)."""
        headers = {"Content-Type": "application/json"} if json_body else {}
        if auth and self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def send_probe(self, operation: Operation, probe: Probe) -> httpx.Response:
        """Send one probe exactly: raw JSON (lone surrogates travel as \\u escapes)."""
        has_body = probe.body is not NO_BODY
        headers = {**self.headers(auth=probe.auth == "token", json_body=has_body), **probe.headers}
        if probe.auth == "wrong":
            headers["Authorization"] = "Bearer wrong-token-from-the-contract-suite"
        return self.client.request(
            operation.method,
            self.url_path(operation, probe.path),
            params=probe.query or None,
            content=json.dumps(probe.body).encode("ascii") if has_body else None,
            headers=headers,
        )

    def curl(self, operation: Operation, probe: Probe) -> str:
        """A curl line reproducing one probe, the token left as $DYNAMIC_API_TOKEN."""
        base = (self.public_url or str(self.client.base_url)).rstrip("/")
        url = base + self.url_path(operation, probe.path)
        if probe.query:
            url += "?" + urlencode(probe.query)
        parts = ["curl -sS -X", operation.method, shlex.quote(url)]
        parts += [f"-H {shlex.quote(f'{k}: {v}')}" for k, v in probe.headers.items()]
        if probe.auth == "token" and self.token is not None:
            parts.append('-H "Authorization: Bearer $DYNAMIC_API_TOKEN"')
        if probe.body is not NO_BODY:
            parts += ["-H 'Content-Type: application/json'", "--data-binary"]
            parts.append(shlex.quote(json.dumps(probe.body)))
        return " ".join(parts)


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def detect_prefix(client: httpx.Client, token: str | None, fragment: Fragment) -> str:
    """The URL prefix (the fragment's server path, or "") under which the server routes.

    A request with malformed path values reaches validation (400/401/422) only where the
    route exists; elsewhere the server answers 404.
    """
    operation = fragment.operations[0]
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    nonsense = {p.name: "not-a-valid-value" for p in operation.located("path")}
    for prefix in dict.fromkeys((fragment.server_prefix, "")):
        path = prefix + operation.url_path(nonsense)
        response = client.request(operation.method, path, content=b"{}", headers=headers)
        if response.status_code != 404:
            return prefix
    raise TargetUnavailableError(
        f"{operation.operation_id} is routed neither under {fragment.server_prefix or '/'} "
        "nor at the root"
    )


def path_values_from_env(fragment: Fragment, environ: Mapping[str, str]) -> dict[str, str]:
    """DYNAMIC_<NAME> for each path parameter <name> (camelCase as DYNAMIC_CAMEL_CASE)."""
    names = {p.name for op in fragment.operations for p in op.located("path")}
    return {name: environ[env_name(name)] for name in names if environ.get(env_name(name))}


@contextlib.contextmanager
def start_prism() -> Iterator[str]:
    """Start `prism mock` on the fragment (loopback, free port), wait until it routes."""
    if shutil.which("node") is None:
        raise TargetUnavailableError(
            f"--target prism needs Node.js (20.20 or newer) on PATH; install it, then "
            f"{prism_install_hint()}"
        )
    if not PRISM_BIN.exists():
        raise TargetUnavailableError(f"--target prism needs {PRISM_BIN}: {prism_install_hint()}")
    port = free_port()
    log = REPORTS / "prism.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603 - fixed argv from the repository
            [str(PRISM_BIN), "mock", str(fragment_path()), "-h", "127.0.0.1", "-p", str(port)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=PRISM_BIN.parents[2],
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        with httpx.Client(base_url=url, timeout=2) as probe:
            while True:
                if process.poll() is not None:
                    raise TargetUnavailableError(
                        f"prism exited with {process.returncode}; see {log}"
                    )
                with contextlib.suppress(httpx.TransportError):
                    if probe.get("/").status_code:
                        break
                if time.monotonic() > deadline:
                    raise TargetUnavailableError(f"prism did not answer within 60 s; see {log}")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def prism_unavailable_reason() -> str | None:
    """Why the default run cannot add the mock-vs-Prism comparison, or None when it can."""
    if shutil.which("node") is None:
        return "Node.js is not on PATH"
    if not PRISM_BIN.exists():
        return f"node_modules/.bin/prism is missing ({prism_install_hint()})"
    return None
