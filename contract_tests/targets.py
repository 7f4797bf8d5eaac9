"""Where the contract suite sends requests, and how each kind of target says "rejected".

A `Target` wraps an httpx client (a real socket, or an in-process ASGI transport) and
the URL prefix the operation lives under. Requests are built by hand from raw JSON-able
values, because the generated client refuses invalid input and the suite must send it.

Verdicts: the embedded mock, any `--base-url` server and the vendor sandbox reject with
400 (BadRequest); every other status means the request passed validation (404 for an
unknown verification, 422 for a mismatch, 200...). Stoplight Prism rejects with 422 (it
picks the fragment's documented 422, before 400) and says why in an `sl-violations`
header; its verdict is "rejected" exactly when that header lists an Error about the request's
data (path, body, or a missing/`null` body) rather than its credentials or media type.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from ._engine import fragment_path

__all__ = [
    "REPORTS",
    "ROOT",
    "Target",
    "TargetUnavailableError",
    "free_port",
    "serve_asgi",
    "start_prism",
]

ROOT = Path(__file__).resolve().parent.parent
"""The repository root when the suite runs from a checkout (site-packages when installed)."""
FRAGMENT = fragment_path()
OPERATION_PATH = "/sdk/{environmentId}/smsVerifications/retry"
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
    environment_id: str
    kind: str = "mock"  # mock | prism | base-url | sandbox | asgi
    public_url: str = ""
    recorded: bool = True  # False: keep this target's probes out of the contract summary

    def path(self, environment_id: str) -> str:
        """The operation's path with one raw environment id percent-encoded as a segment."""
        return self.prefix + OPERATION_PATH.format(environmentId=quote(environment_id, safe=""))

    def headers(self, *, auth: bool = True) -> dict[str, str]:
        """JSON content type plus the bearer token (unless `auth` is False)."""
        return json_headers(self.token if auth else None)

    def send(self, environment_id: str, body: object, *, auth: bool = True) -> httpx.Response:
        """POST a raw JSON value (lone surrogates travel as \\u escapes) to the operation."""
        content = json.dumps(body).encode("ascii")
        return self.client.post(
            self.path(environment_id), content=content, headers=self.headers(auth=auth)
        )

    def rejected(self, response: httpx.Response) -> bool:
        """Whether the target rejected the request for breaking a documented input rule."""
        if self.kind == "prism":
            raw = response.headers.get("sl-violations")
            return response.status_code in (400, 422) and bool(prism_input_violations(raw))
        return response.status_code == 400

    def curl(self, environment_id: str, body: object) -> str:
        """A curl line reproducing one request, the token left as $DYNAMIC_API_TOKEN."""
        url = (self.public_url or str(self.client.base_url)).rstrip("/") + self.path(environment_id)
        parts = [
            "curl -sS -X POST",
            shlex.quote(url),
            "-H 'Content-Type: application/json'",
            '-H "Authorization: Bearer $DYNAMIC_API_TOKEN"',
            "--data-binary",
            shlex.quote(json.dumps(body)),
        ]
        return " ".join(parts)


def json_headers(token: str | None) -> dict[str, str]:
    """JSON content type, plus the bearer token when there is one."""
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def prism_input_violations(raw: str | None) -> list[dict[str, Any]]:
    """The Error entries of a Prism `sl-violations` header about the request's data.

    Auth (code 401) and media-type (415) violations are not input-rule verdicts. A JSON
    `null` body shows up as `{"location": ["request"], "code": "required"}`.
    """
    if not raw:
        return []
    entries: list[dict[str, Any]] = json.loads(raw)
    return [
        entry
        for entry in entries
        if entry.get("severity") == "Error"
        and list(entry.get("location", []))[:1] == ["request"]
        and entry.get("code") not in (401, 403, 406, 415)
    ]


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def serve_asgi(app: Any) -> Iterator[str]:
    """Run an ASGI app under uvicorn on a free loopback port in a thread; yield its URL."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="contract-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise TargetUnavailableError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


PREFIXES = ("/api/v0", "")
"""Where a server may route the operation, in the order tried."""


def _routed(statuses: Iterable[tuple[str, int]]) -> str:
    """The first prefix whose probe was not answered 404 (no route)."""
    for prefix, status in statuses:
        if status != 404:
            return prefix
    raise TargetUnavailableError("the operation is routed neither under /api/v0 nor at the root")


def _prefix_probe(prefix: str) -> str:
    return prefix + OPERATION_PATH.format(environmentId="not-a-uuid")


def detect_prefix(client: httpx.Client, token: str | None) -> str:
    """The URL prefix ("" or "/api/v0") under which the server routes the operation.

    A request with a malformed environment id reaches validation (400/401/422) only where
    the route exists; elsewhere the server answers 404.
    """
    headers = json_headers(token)
    return _routed(
        (prefix, client.post(_prefix_probe(prefix), content=b"{}", headers=headers).status_code)
        for prefix in PREFIXES
    )


async def detect_asgi_prefix(app: Any, token: str | None) -> str:
    """`detect_prefix` for an ASGI app in process, through httpx's own ASGITransport
    (Starlette's TestClient deprecates httpx in favour of another package)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        headers = json_headers(token)
        probe = _prefix_probe
        statuses = [
            (prefix, (await client.post(probe(prefix), content=b"{}", headers=headers)).status_code)
            for prefix in PREFIXES
        ]
    return _routed(statuses)


def random_environment_id() -> str:
    """A fresh environment id that matches the documented pattern."""
    return str(uuid.uuid4())


def environment_id_from_env() -> str:
    """DYNAMIC_ENVIRONMENT_ID when set, else a generated one."""
    return os.environ.get("DYNAMIC_ENVIRONMENT_ID") or random_environment_id()


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
            [str(PRISM_BIN), "mock", str(FRAGMENT), "-h", "127.0.0.1", "-p", str(port)],
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
                    if probe.post(
                        OPERATION_PATH.format(environmentId="x"), content=b"{}"
                    ).status_code:
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
