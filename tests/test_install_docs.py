"""Every install line of the docs runs as written (issue 23): each code block of README.md,
contract_tests/README.md and docs/mock.md that has `pip install` or `python -m build` lines
runs them, in order, in a fresh virtualenv in a copy of this checkout, and then has every
distribution the lines name installed at the documented version."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

from codegen import release

from .wheelhouse import ROOT, clean_environment, shown

DOCS = (ROOT / "README.md", ROOT / "contract_tests" / "README.md", ROOT / "docs" / "mock.md")
INSTALL = re.compile(r"(pip install|python -m build)\b")
SOURCES = {
    "./runtime": "dynamic-sdk-runtime",
    ".": "dynamic-sdk-client",
    "./mock": "dynamic-sdk-mock",
    "./contract_tests": "dynamic-sdk-contract",
}
"""What `pip install PATH` installs, from the checkout's root."""


def code_blocks(text: str) -> list[list[str]]:
    """Fenced blocks and indented (four spaces, after a blank line) blocks, as lines."""
    blocks: list[list[str]] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("```"):
            end = next(i for i in range(index + 1, len(lines)) if lines[i].startswith("```"))
            blocks.append(lines[index + 1 : end])
            index = end + 1
        elif line.startswith("    ") and (index == 0 or not lines[index - 1].strip()):
            end = index
            while end < len(lines) and (lines[end].startswith("    ") or not lines[end].strip()):
                end += 1
            blocks.append([part[4:] for part in lines[index:end]])
            index = end
        else:
            index += 1
    return blocks


def install_blocks() -> dict[str, list[str]]:
    """The install lines of each block that has some, keyed `doc:block`; a repeated block
    (the same lines in two docs) runs once."""
    found: dict[str, list[str]] = {}
    for doc in DOCS:
        for number, block in enumerate(code_blocks(doc.read_text(encoding="utf-8"))):
            lines = [line.strip() for line in block if INSTALL.match(line.strip())]
            if lines and lines not in found.values():
                found[f"{doc.relative_to(ROOT)}:{number}"] = lines
    return found


def named_distributions(lines: list[str]) -> dict[str, str | None]:
    """The distributions the `pip install` lines name (by path or requirement), and the
    version each must have (None: any)."""
    named: dict[str, str | None] = {}
    for line in lines:
        words = shlex.split(line, comments=True)
        if words[:2] != ["pip", "install"]:
            continue
        arguments = iter(words[2:])
        for word in arguments:
            if word in ("--find-links", "-f"):
                next(arguments)
            elif word in SOURCES:
                named[SOURCES[word]] = release.version()
            elif not word.startswith("-"):
                name, _, version = word.partition("==")
                named[name] = version or None
    return named


def test_the_docs_install_lines_are_found() -> None:
    """The extraction itself: the README's three ways are there, and the pins are exact."""
    blocks = install_blocks()
    every = [line for lines in blocks.values() for line in lines]
    assert "pip install ./runtime . ./mock ./contract_tests" in every
    assert f"pip install --find-links dist dynamic-sdk-contract=={release.version()}" in every
    assert sum(line.startswith("python -m build") for line in every) == len(SOURCES)
    for lines in blocks.values():
        assert None not in named_distributions(lines).values(), lines  # pinned exactly


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of this checkout's files (committed or not, ignored ones left out)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    copy = tmp_path_factory.mktemp("checkout")
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    return copy


@pytest.mark.parametrize("key", sorted(install_blocks()))
def test_each_install_block_runs_as_written(key: str, checkout: Path, tmp_path: Path) -> None:
    lines = install_blocks()[key]
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    env = clean_environment() | {
        "PATH": f"{environment / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(environment),
    }
    result = subprocess.run(  # noqa: S603 - the docs' own lines
        ["bash", "-e", "-c", "\n".join(lines)],  # noqa: S607 - as a reader's shell runs them
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, shown(result)
    listed = subprocess.run(  # noqa: S603 - the fresh venv's pip
        [str(environment / "bin" / "python"), "-m", "pip", "list", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    have = {item["name"]: item["version"] for item in json.loads(listed.stdout)}
    for name, version in named_distributions(lines).items():
        assert have.get(name) == version, f"{key}: {name} {have.get(name)} (want {version})"
