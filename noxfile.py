"""Pipeline for the retrySmsVerification client: regenerate, check, contract-test.

`nox` runs the main job (check_generated -> lint -> typecheck -> contract against the
embedded mock); it checks generated/ and never rewrites it: `nox -s regenerate` does.
`nox -s tests` runs the project's own tests.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["check_generated", "lint", "typecheck", "contract"]

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
REPORTS = ROOT / "reports"
# specwatch options that take a value: given last, they are a usage error.
VALUE_FLAGS = (
    "--base",
    "--base-file",
    "--head",
    "--format",
    "--package-dir",
    "--version",
    "--openapi",
    "--fingerprint",
    "--fragment",
)


def _group(name: str) -> list[str]:
    """The pinned requirements of one PEP 735 dependency group."""
    return list(nox.project.dependency_groups(PYPROJECT, name))


# The three distributions of this checkout: the runtime, the generated client, the mock.
PROJECT = ("-e", "./runtime", "-e", ".", "-e", "./mock")


def _install_project(session: nox.Session, *groups: str) -> None:
    """Install the runtime, the client and the mock from this checkout plus tool groups."""
    requirements = [req for group in groups for req in _group(group)]
    session.install(*PROJECT, *requirements)


@nox.session
def regenerate(session: nox.Session) -> None:
    """Regenerate generated/ from openapi/ with the overrides applied."""
    session.install("-e", "./runtime", *_group("generate"))
    session.run("python", "-m", "codegen", "--output", "generated", *session.posargs)


@nox.session
def release(session: nox.Session) -> None:
    """Write VERSION (the one home of the version) into every distribution and pin; regenerate."""
    session.install("-e", "./runtime", *_group("generate"))
    session.run("python", "-m", "codegen.release")
    session.run("python", "-m", "codegen", "--output", "generated")


@nox.session
def check_generated(session: nox.Session) -> None:
    """Fail with a diff when generated/ is not what the fragment and overrides produce, or a
    version differs from VERSION."""
    session.install("-e", "./runtime", *_group("generate"))
    session.run("python", "-m", "codegen", "--check", "generated", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff lint and format check over the hand-written code; the import layers of every
    distribution (import-linter, `[tool.importlinter]` in pyproject.toml)."""
    _install_project(session, "lint")
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports", "--no-cache")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the hand-written code, the generated package and this file."""
    _install_project(session, "typecheck")
    session.run(
        "mypy",
        "generated/dynamic_sdk_client",
        "runtime/dynamic_sdk_runtime",
        "codegen",
        "mock/dynamic_sdk_mock",
        "contract_tests",
        "tests",
        "bench",
        "specwatch",
        "conftest.py",
        "noxfile.py",
        *session.posargs,
    )


@nox.session
def tests(session: nox.Session) -> None:
    """Unit tests plus the contract suite against the mock (and Prism when Node is here);
    every tier but `slow` (`nox -s slow`), unless the arguments pick their own (-m ...).

    tests/ runs spread over the CPUs one file per worker (pytest-xdist `--dist loadfile`:
    a module's fixtures and files stay in one process); the contract suite runs after it in
    one process, as a team runs it. Arguments run one plain pytest with them instead."""
    _install_project(session, "test")
    REPORTS.mkdir(exist_ok=True)
    env = {"HYPOTHESIS_PROFILE": os.environ.get("HYPOTHESIS_PROFILE", "dev")}
    if session.posargs:
        tiers = [] if "-m" in session.posargs else ["-m", "not slow"]
        junit = f"--junitxml={REPORTS / 'junit-tests.xml'}"
        session.run("pytest", junit, *tiers, *session.posargs, env=env)
        return
    for paths, options, junit in (
        (["tests"], ["-n", "auto", "--dist", "loadfile"], "junit-tests.xml"),
        (["contract_tests"], [], "junit-contract-tests.xml"),
    ):
        session.run(
            "pytest", *paths, *options, f"--junitxml={REPORTS / junit}", "-m", "not slow", env=env
        )


@nox.session
def slow(session: nox.Session) -> None:
    """The slow tier: each spec variant through the whole suite, each documented install line
    in a fresh venv, the plugin beside pytest-base-url, the composite action, the bench smoke
    run, the unlimited mutant run (minutes each)."""
    _install_project(session, "test")
    session.run(
        "pytest",
        "-m",
        "slow",
        *session.posargs,
        env={"HYPOTHESIS_PROFILE": os.environ.get("HYPOTHESIS_PROFILE", "dev")},
    )


FAST_TIER = "not node and not servers and not build"


@nox.session
def fast(session: nox.Session) -> None:
    """The fast tier: no Node, no servers in subprocesses, no builds (under a minute)."""
    _install_project(session, "test")
    session.run("pytest", "-m", FAST_TIER, "-q", *session.posargs)


@nox.session(python=["3.11", "3.12", "3.13"])
def unit(session: nox.Session) -> None:
    """The fast tier on each supported Python (nox -s unit-3.12 picks one). It proves the
    code on that Python; `nox -s tests` draws CI's example counts on 3.11, so here every
    property draws the `dev` profile's."""
    _install_project(session, "test")
    env = {"HYPOTHESIS_PROFILE": "dev"}
    options = ["-q", "-p", "no:cacheprovider"]
    session.run("pytest", "-m", FAST_TIER, *options, *session.posargs, env=env)


# The httpx releases the pins admit (`httpx>=0.28,<0.30` in runtime/ and the client), each
# proven by the tests of the code that touches httpx: the client, the call path, the retry
# loop, the hot path (URL merge, timeouts), the vendor's answers and real proxies.
# tests/test_pins.py checks that every minor the pins admit is here.
HTTPX_VERSIONS = ["0.28.1", "0.29.0"]
HTTPX_TESTS = (
    "tests/test_client.py",
    "tests/test_call_path.py",
    "tests/test_vendor_world.py",
    "tests/test_retry.py",
    "tests/test_hot_path.py",
    "tests/test_proxy.py",
)


@nox.session
@nox.parametrize("httpx", HTTPX_VERSIONS)
def httpx_compat(session: nox.Session, httpx: str) -> None:
    """The httpx-facing tests on each supported httpx (nox -s httpx_compat runs both)."""
    _install_project(session, "test")
    session.install(f"httpx=={httpx}")  # after the project: this version, whatever it resolved
    check = f"import httpx; assert httpx.__version__ == {httpx!r}, httpx.__version__"
    session.run("python", "-c", check)
    session.run("pytest", "-q", "-p", "no:cacheprovider", *HTTPX_TESTS, *session.posargs)


@nox.session
def contract(session: nox.Session) -> None:
    """The contract suite; pass targets through: -- --base-url URL | --target prism."""
    args = session.posargs
    if "--base-url" in args and args.index("--base-url") == len(args) - 1:
        session.error("Usage: nox -s contract -- [--target mock|prism|sandbox] [--base-url URL]")
    _install_project(session, "test")
    REPORTS.mkdir(exist_ok=True)
    session.run(
        "pytest",
        "contract_tests",
        f"--junitxml={REPORTS / 'junit-contract.xml'}",
        *args,
    )


def _specwatch(session: nox.Session, tool: str, usage: str) -> None:
    """Run one specwatch tool with the posargs, refusing an option that lacks its value."""
    args = session.posargs
    if any(flag in args and args.index(flag) == len(args) - 1 for flag in VALUE_FLAGS):
        session.error(f"Usage: nox -s {tool} -- {usage}")
    session.install("-e", "./runtime", *_group("specwatch"))
    session.run("python", "-m", f"specwatch.{tool}", *args)


@nox.session
def spec_diff(session: nox.Session) -> None:
    """Classify fragment changes for importers: -- [--base REF] [--format md|text]."""
    _specwatch(session, "spec_diff", "[--base REF] [--head PATH] [--format md|text]")


@nox.session
def vendor_watch(session: nox.Session) -> None:
    """Compare the vendor's npm SDK (and -- --openapi FILE) with specwatch/fingerprint.json."""
    _specwatch(session, "vendor_watch", "[--version V] [--openapi FILE] [--update]")


@nox.session
def mock(session: nox.Session) -> None:
    """Serve the embedded mock in the foreground: -- --port 8080 --token TOKEN."""
    _install_project(session)
    session.run("python", "-m", "dynamic_sdk_mock", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks: client overhead, mock against Prism, suite speed (-- --output FILE)."""
    _install_project(session, "test", "bench")
    if shutil.which("node") is None:
        session.log("Node.js not found: the Prism rows will be skipped.")
    session.run("python", "-m", "bench", *session.posargs)
