"""ARCHITECTURE.md is the map: every module of every distribution has its line, and each
layer block is the import-linter contract `nox -s lint` checks (pyproject.toml)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAP = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"
]["contracts"]

PACKAGES = {
    "dynamic_sdk_runtime": ROOT / "runtime" / "dynamic_sdk_runtime",
    "dynamic_sdk_client": ROOT / "generated" / "dynamic_sdk_client",
    "dynamic_sdk_mock": ROOT / "mock" / "dynamic_sdk_mock",
    "contract_tests": ROOT / "contract_tests",
}
"""Each distribution's package and its folder."""


def _section(package: str) -> str:
    """The part of the map about one distribution: from its layer block to the next heading."""
    start = MAP.index(f"```layers {package}\n")
    following = MAP.find("\n#", start)
    return MAP[start : following if following != -1 else len(MAP)]


def _listed(package: str) -> set[str]:
    """Module names in the first column of the distribution's table (`core/model`, `api/`)."""
    return set(re.findall(r"^\| `([\w/]+)` \|", _section(package), re.M))


def _modules(package: str) -> set[str]:
    """The package's modules: `a/b` for a module in a subpackage; `x/` for a generated
    subpackage listed as a whole (the client's `api/`, `models/`)."""
    folder = PACKAGES[package]
    found: set[str] = set()
    for source in folder.rglob("*.py"):
        parts = source.relative_to(folder).with_suffix("").parts
        if package == "dynamic_sdk_client" and len(parts) > 1:
            found.add(parts[0] + "/")
        elif parts[-1] != "__init__" or len(parts) == 1:
            found.add("/".join(parts))
    return found


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_every_module_has_its_line_and_every_line_its_module(package: str) -> None:
    listed, present = _listed(package), _modules(package)
    assert present - listed == set(), f"not in ARCHITECTURE.md: {sorted(present - listed)}"
    assert listed - present == set(), f"in ARCHITECTURE.md, not in the tree: {listed - present}"


def _block(name: str) -> list[str]:
    match = re.search(rf"^```layers {name}\n(.*?)^```", MAP, re.M | re.S)
    assert match is not None, f"ARCHITECTURE.md has no layer block for {name}"
    return match.group(1).splitlines()


@pytest.mark.parametrize(
    "contract", [c for c in CONTRACTS if c["type"] == "layers"], ids=lambda c: c["name"][:40]
)
def test_each_layer_block_is_the_contract_lint_imports_checks(contract: dict[str, object]) -> None:
    containers = contract.get("containers")
    name = containers[0] if isinstance(containers, list) else "distributions"
    assert _block(name) == contract["layers"]


def test_every_distribution_and_every_package_of_the_suite_is_under_a_contract() -> None:
    """A new package cannot slip in beside the layers: each is a container or a layer."""
    layered = {c["containers"][0] for c in CONTRACTS if "containers" in c}
    assert layered == set(PACKAGES)
    suite = next(c for c in CONTRACTS if c.get("containers") == ["contract_tests"])
    named = {m.strip() for layer in suite["layers"] for m in re.split(r"[|:]", layer)}
    folder = PACKAGES["contract_tests"]
    top = {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
    top |= {p.name for p in folder.iterdir() if (p / "__init__.py").is_file()}
    assert top == named, f"modules outside the layers: {sorted(top - named)}"
    acyclic = next(c for c in CONTRACTS if c["type"] == "acyclic_siblings")
    assert set(PACKAGES) <= set(acyclic["ancestors"])
