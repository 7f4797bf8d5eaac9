"""End to end through pytest: a run that judged too little ends INCONCLUSIVE (exit 6) with its
summary printed and written, and a remote target without a token is refused before any
request (exit 4).

Why: with no token every request of a remote run got 401 and pytest still said "391
passed"; a team's CI must see "not judged", not green. Unit tests of the rule itself:
tests/test_contract_cli.py.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from contract_tests.core.settings import EXIT_INCONCLUSIVE, EXIT_INTERRUPTED, TOKEN_VARIABLE
from contract_tests.core.spec import fragment
from contract_tests.run.targets import ROOT
from dynamic_sdk_mock import serve_app
from tests.support.broken_servers import TOKEN, read_body, reference_app, replaying


def _suite(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The plan's tests (test_constraints.py) through pytest, as CI would run them."""
    return subprocess.run(  # noqa: S603 - our own suite, fixed arguments
        [
            *(sys.executable, "-m", "pytest", "contract_tests/test_constraints.py", "-q"),
            *("-p", "no:cacheprovider", "--hypothesis-seed", "42"),
            *args,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _environment(*, reports: Path | None = None, token: str | None = None) -> dict[str, str]:
    """This environment without any Dynamic credentials; reports go to `reports`."""
    dropped = (TOKEN_VARIABLE, "DYNAMIC_SANDBOX_BASE_URL", "DYNAMIC_ENVIRONMENT_ID")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    if reports is not None:
        env["DYNAMIC_CONTRACT_REPORTS"] = str(reports)
    if token is not None:
        env[TOKEN_VARIABLE] = token
    return env


def _shown(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout[-3000:] + result.stderr[-3000:]


def test_a_remote_target_without_a_token_is_a_usage_error_before_any_request() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        result = _suite("--base-url", url, env=_environment(token=""))
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected
    assert result.returncode == 4, _shown(result)
    assert f"--base-url needs {TOKEN_VARIABLE}" in result.stderr
    assert "--no-auth" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "sandbox"], "--target sandbox needs DYNAMIC_SANDBOX_BASE_URL"),
        (["--min-judged", "1.5"], "--min-judged expects a fraction"),
        (["--rate", "fast"], "--rate expects N/min"),
    ],
)
def test_bad_invocations_are_usage_errors(args: list[str], message: str) -> None:
    result = _suite(*args, env=_environment())
    assert result.returncode == 4, _shown(result)
    assert message in result.stderr


def _verdict(reports: Path) -> dict[str, Any]:
    summary = json.loads((reports / "contract-summary.json").read_text())
    verdict: dict[str, Any] = summary["meta"]["verdict"]
    return verdict


def test_a_wrong_token_stops_the_run_within_a_few_requests(tmp_path: Path) -> None:
    """401 on the first requests sent with the token: the run stops, INCONCLUSIVE, and says
    why, instead of spending the whole budget (12 minutes at the vendor's pace)."""
    app = reference_app(fragment())
    requests: list[str] = []

    async def counting(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            requests.append(scope["path"])
        await app(scope, receive, send)

    with serve_app(counting) as url:
        env = _environment(reports=tmp_path, token="not-the-servers-token")
        result = _suite("--base-url", url, "--rate", "100000/min", env=env)
    assert result.returncode == EXIT_INCONCLUSIVE, _shown(result)
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith(f"verdict: INCONCLUSIVE (exit {EXIT_INCONCLUSIVE}): "), last
    assert "the credentials were refused" in last, last
    assert TOKEN_VARIABLE in last
    assert 1 <= len(requests) <= 10, len(requests)
    verdict = _verdict(tmp_path)
    assert verdict["word"] == "INCONCLUSIVE"
    assert "credentials were refused" in verdict["targets"][0]["stopped"]


def test_an_unreachable_base_url_stops_the_run_inconclusive(tmp_path: Path) -> None:
    """Nothing listens at the URL: 3 requests, no failure, INCONCLUSIVE with why, instead of
    a FAIL line per check about a server that was never reached."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound, never listening: every connection is refused
        url = f"http://127.0.0.1:{closed.getsockname()[1]}"
        env = _environment(reports=tmp_path, token="any-token")
        result = _suite("--base-url", url, "--rate", "100000/min", env=env)
    assert result.returncode == EXIT_INCONCLUSIVE, _shown(result)
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith(f"verdict: INCONCLUSIVE (exit {EXIT_INCONCLUSIVE}): "), last
    assert f"the server is unreachable: the first 3 requests to {url} got no answer" in last
    assert "got no answer (ConnectError: " in last, last
    assert last.endswith("; check --base-url"), last
    assert "Traceback" not in result.stdout + result.stderr
    assert "FAIL" not in result.stdout
    verdict = _verdict(tmp_path)
    assert (verdict["word"], verdict["exit_code"]) == ("INCONCLUSIVE", EXIT_INCONCLUSIVE)
    (target,) = verdict["targets"]
    assert (target["judged"], target["failed"]) == (0, 0)
    assert target["stopped"].startswith("not sent: the server is unreachable: "), target
    assert url in target["stopped"]
    lines = json.loads((tmp_path / "contract-summary.json").read_text())["meta"]["plan_lines"]
    sent = re.match(r"base-url: \d+/\d+ checks judged, (\d+) requests,", lines[0])
    assert sent is not None, lines[0]
    assert int(sent.group(1)) <= 3, lines[0]
    power = next(i for i, line in enumerate(lines) if "mutation score:" in line)
    assert any("this run stopped sending before its budget" in line for line in lines[power:])
    markdown = (tmp_path / "contract-summary.md").read_text()
    assert f"stopped sending: {target['stopped']}" in markdown


def _dropping(app: ASGIApp, nth: int, dropped: list[tuple[str, bytes]]) -> ASGIApp:
    """`app`, except that its `nth` request, and the same request again (the runner's
    re-send), gets the connection closed in the middle of the answer."""
    seen = 0

    async def dropping(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal seen
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        request = (scope["path"], await read_body(receive))
        seen += 1
        if seen == nth or request in dropped:
            dropped.append(request)
            promised = [(b"content-type", b"application/json"), (b"content-length", b"100")]
            await send({"type": "http.response.start", "status": 400, "headers": promised})
            return  # uvicorn closes the connection: the body never comes
        await app(scope, replaying(request[1]), send)

    return dropping


@pytest.mark.slow  # CI time: test_contract_unreachable holds the same rule in process
def test_a_request_dropped_after_answers_is_still_a_failure(tmp_path: Path) -> None:
    """The server answered, then closed the connection on one probe: a real defect, a
    failure as before (not "unreachable"), and the run goes on."""
    dropped: list[tuple[str, bytes]] = []
    with serve_app(_dropping(reference_app(fragment()), 5, dropped)) as url:
        env = _environment(reports=tmp_path, token=TOKEN)
        result = _suite("--base-url", url, "--rate", "100000/min", env=env)
    assert result.returncode == 1, _shown(result)
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("verdict: FAIL (exit 1): pytest reported failures (1 failing checks)")
    assert "dropped the request (RemoteProtocolError: " in result.stdout
    assert "unreachable" not in result.stdout
    assert len(dropped) == 2  # the probe and its re-send
    (target,) = _verdict(tmp_path)["targets"]
    assert target["stopped"] is None
    assert target["failed"] == 1
    assert target["judged"] > 40, target


def test_nothing_judged_still_prints_and_writes_the_summary(tmp_path: Path) -> None:
    """--no-auth against a server that wants a token: every routed probe 401, still a summary."""
    with serve_app(reference_app(fragment())) as url:
        result = _suite(
            *("--base-url", url, "--no-auth", "--rate", "100000/min"),
            env=_environment(reports=tmp_path),
        )
    assert result.returncode == EXIT_INCONCLUSIVE, _shown(result)
    assert "contract summary" in result.stdout
    assert "the credentials were refused" in result.stdout
    verdict = _verdict(tmp_path)
    assert verdict["word"] == "INCONCLUSIVE"
    assert verdict["targets"]
    # only path values that no route takes (the server's own 404) got a verdict
    assert all(target["judged"] <= 3 for target in verdict["targets"])
    assert TOKEN not in (tmp_path / "contract-summary.md").read_text()


async def _always_429(scope: Scope, receive: Receive, send: Send) -> None:
    """A server that only ever asks to come back later."""
    if scope["type"] != "http":
        return
    headers = [(b"content-type", b"application/json"), (b"retry-after", b"0")]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": b'{"error": "slow down"}'})


def test_429_everywhere_is_inconclusive(tmp_path: Path) -> None:
    with serve_app(_always_429) as url:
        env = _environment(reports=tmp_path, token=TOKEN)
        result = _suite("--base-url", url, "--rate", "100000/min", "--max-wait", "0", env=env)
    assert result.returncode == EXIT_INCONCLUSIVE, _shown(result)
    assert "no verdict from status 429" in result.stdout.strip().splitlines()[-1]


@pytest.mark.slow  # CI time: the usage errors above run in CI; this one builds the whole plan
def test_no_auth_is_the_explicit_opt_out() -> None:
    args = ("--base-url", "http://127.0.0.1:9", "--no-auth", "--collect-only")
    result = _suite(*args, env=_environment())
    assert result.returncode == 0, _shown(result)


# CI sends SIGTERM (what a CI runner's cancel sends); `nox -s slow` sends SIGINT too.
@pytest.mark.parametrize(
    "signum",
    [signal.SIGTERM, pytest.param(signal.SIGINT, marks=pytest.mark.slow)],
    ids=["SIGTERM", "SIGINT"],
)
def test_an_interrupted_paced_run_prints_its_verdict_and_writes_the_summary(
    tmp_path: Path, signum: int
) -> None:
    """What a CI job's timeout sends (SIGTERM), or Ctrl-C: sending stops, the verdict line
    says INTERRUPTED with what was judged, and the summary, JSON and replay are written."""
    with serve_app(reference_app(fragment())) as url:
        env = _environment(reports=tmp_path, token=TOKEN)
        process = subprocess.Popen(  # noqa: S603 - our own suite, fixed arguments
            [
                *(sys.executable, "-m", "pytest", "contract_tests/test_constraints.py", "-q"),
                *("-p", "no:cacheprovider", "--base-url", url, "--rate", "60/min"),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        seen = ""
        assert process.stdout is not None
        while "requests sent" not in seen:  # the plan is being sent, at one request a second
            line = process.stdout.readline()
            assert line, "the run ended before it sent anything"
            seen += line
        time.sleep(2.5)
        process.send_signal(signum)
        rest, _err = process.communicate(timeout=60)
    output = seen + rest
    assert process.returncode == EXIT_INTERRUPTED, output[-3000:]
    last = output.strip().splitlines()[-1]
    name = "SIGTERM" if signum == signal.SIGTERM else "SIGINT"
    assert last.startswith(f"verdict: INTERRUPTED (exit {EXIT_INTERRUPTED}): {name}"), last
    verdict = _verdict(tmp_path)
    assert verdict["word"] == "INTERRUPTED"
    assert verdict["targets"][0]["judged"] >= 1
    assert (tmp_path / "contract-summary.md").is_file()
    assert (tmp_path / "contract-replay.json").is_file()


@pytest.mark.slow  # CI time: a paced whole run, minutes on a busy machine
def test_a_paced_run_outlives_a_per_test_timeout(tmp_path: Path) -> None:
    """The checkout's pytest-timeout (300 s) must not kill a paced remote run mid-plan."""
    with serve_app(reference_app(fragment(), None)) as url:
        result = _suite(
            *("--base-url", url, "--rate", "30/min", "--max-requests", "6", "-o", "timeout=2"),
            env=_environment(reports=tmp_path, token=TOKEN),
        )
    assert "Timeout" not in _shown(result), _shown(result)
    # six requests judge too few checks to pass, none fails: not a FAIL from a killed test
    assert result.returncode == EXIT_INCONCLUSIVE, _shown(result)
    assert json.loads((tmp_path / "contract-summary.json").read_text())["meta"]["targets"]
