"""One home per pinned fact (issue 18): the version lives in VERSION, which the release step
writes into every distribution and pin (the main job's check fails on drift); the suite's
test-tool pins must be the project's own test group's."""

from __future__ import annotations

import ast
import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest

from codegen import generate, release

ROOT = release.ROOT
PYPROJECTS = ("pyproject.toml", "runtime/pyproject.toml", "mock/pyproject.toml",
              "contract_tests/pyproject.toml")  # fmt: skip


def _copy(tmp_path: Path) -> Path:
    """VERSION and every file the release step writes, at their places under tmp_path."""
    for relative in {release.VERSION_FILE, *(where for where, _ in release.PLACES)}:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / relative, tmp_path / relative)
    return tmp_path


def _our_pins(project: dict[str, Any]) -> dict[str, str]:
    """The dynamic-sdk-* requirements of a [project] table, name -> pinned version."""
    pins = {}
    for requirement in project.get("dependencies", []):
        name, _, pinned = requirement.partition("==")
        if name.startswith("dynamic-sdk-"):
            pins[name] = pinned
    return pins


def test_every_distribution_and_pin_has_the_version_of_version() -> None:
    assert release.drift() == []


def test_the_release_step_changes_every_distribution_and_pin(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / release.VERSION_FILE).write_text("9.8.7\n", encoding="utf-8")
    assert release.drift(root)  # nothing written yet: every place differs
    release.write(root)
    assert release.drift(root) == []
    for relative in PYPROJECTS:
        project = tomllib.loads((root / relative).read_text(encoding="utf-8"))["project"]
        assert project["version"] == "9.8.7", relative
        assert set(_our_pins(project).values()) <= {"9.8.7"}, relative
    runtime_init = (root / "runtime/dynamic_sdk_runtime/__init__.py").read_text(encoding="utf-8")
    assert re.search(r'^__version__ = "9\.8\.7"', runtime_init, flags=re.MULTILINE)
    assert "dynamic-sdk-contract==9.8.7" in (root / "README.md").read_text(encoding="utf-8")


def test_every_pin_between_our_distributions_is_written_by_the_release_step() -> None:
    pinned = {
        (relative, name)
        for relative in PYPROJECTS
        for name in _our_pins(
            tomllib.loads((ROOT / relative).read_text(encoding="utf-8"))["project"]
        )
    }
    written = {(where, pattern) for where, pattern in release.PLACES}
    for relative, name in pinned:
        assert (relative, release._PIN.format(name)) in written


def test_a_pin_that_differs_is_named(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    mock = root / "mock/pyproject.toml"
    mock.write_text(
        mock.read_text(encoding="utf-8").replace(
            f'"dynamic-sdk-client=={release.version(root)}"', '"dynamic-sdk-client==0.0.1"'
        ),
        encoding="utf-8",
    )
    (problem,) = release.drift(root)
    assert problem.startswith("mock/pyproject.toml: ['0.0.1']")


def test_a_place_the_release_step_cannot_find_stops_it(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "README.md").write_text("no pin here\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"README\.md"):
        release.write(root)


def test_the_generated_client_takes_its_version_from_version() -> None:
    import dynamic_sdk_client

    assert generate.generator_config()["package_version_override"] == release.version()
    assert dynamic_sdk_client.__version__ == release.version()


def test_the_suites_tool_pins_are_the_projects_own() -> None:
    """dynamic-sdk-contract ships the test tools it runs with: the versions tested here."""
    root = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    tested = {r.partition("==")[0]: r for r in root["dependency-groups"]["test"]}
    suite = tomllib.loads((ROOT / "contract_tests/pyproject.toml").read_text(encoding="utf-8"))
    tools = [r for r in suite["project"]["dependencies"] if not r.startswith("dynamic-sdk-")]
    assert tools
    for requirement in tools:
        name = requirement.partition("==")[0]
        assert requirement == tested.get(name), f"{requirement} vs the test group's {name}"


def _httpx_versions_tested() -> list[str]:
    """`HTTPX_VERSIONS` of the noxfile, read without importing nox."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "HTTPX_VERSIONS"
            for target in node.targets
        ):
            versions: list[str] = ast.literal_eval(node.value)
            return versions
    raise AssertionError("noxfile.py has no HTTPX_VERSIONS")


def test_the_httpx_pins_admit_exactly_the_httpx_releases_httpx_compat_tests() -> None:
    """Widen `httpx>=0.A,<0.B` only together with a version in the noxfile's httpx_compat."""
    pins = set()
    for relative in ("pyproject.toml", "runtime/pyproject.toml"):
        project = tomllib.loads((ROOT / relative).read_text(encoding="utf-8"))["project"]
        (pin,) = [r for r in project["dependencies"] if re.match(r"httpx\b", r)]
        pins.add(pin)
    (pin,) = pins  # the client and the runtime admit the same httpx
    bounds = re.fullmatch(r"httpx>=0\.(\d+),<0\.(\d+)", pin)
    assert bounds is not None, pin
    admitted = set(range(int(bounds[1]), int(bounds[2])))
    tested = _httpx_versions_tested()
    assert {int(version.split(".")[1]) for version in tested} == admitted, (pin, tested)
