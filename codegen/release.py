"""One version for the four distributions, released together: `VERSION` is its only home.

    nox -s release                       # write VERSION everywhere below, regenerate
    python -m codegen.release --check    # list every place that differs from VERSION

The generated client gets it from codegen (`generate.generator_config`), so `nox -s release`
writes these places and regenerates `generated/`; `python -m codegen --check` runs the check
too, so the main job fails on drift.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSION_FILE = "VERSION"

_PROJECT_VERSION = r'^version = "([^"]+)"'
_PIN = r'"{}==([^"]+)"'
# Each place the version is written, relative to the root, with the pattern of its value.
PLACES: tuple[tuple[str, str], ...] = (
    ("pyproject.toml", _PROJECT_VERSION),
    ("pyproject.toml", _PIN.format("dynamic-sdk-runtime")),
    ("runtime/pyproject.toml", _PROJECT_VERSION),
    ("runtime/dynamic_sdk_runtime/__init__.py", r'^__version__ = "([^"]+)"'),
    ("mock/pyproject.toml", _PROJECT_VERSION),
    ("mock/pyproject.toml", _PIN.format("dynamic-sdk-client")),
    ("contract_tests/pyproject.toml", _PROJECT_VERSION),
    ("contract_tests/pyproject.toml", _PIN.format("dynamic-sdk-client")),
    ("contract_tests/pyproject.toml", _PIN.format("dynamic-sdk-mock")),
    ("README.md", r"dynamic-sdk-contract==(\d+(?:\.\w+)*)"),
)


def version(root: Path = ROOT) -> str:
    """The release's version, from its one home."""
    return (root / VERSION_FILE).read_text(encoding="utf-8").strip()


def _matches(text: str, pattern: str) -> list[re.Match[str]]:
    return list(re.finditer(pattern, text, flags=re.MULTILINE))


def drift(root: Path = ROOT) -> list[str]:
    """Every place whose version is not VERSION's (a missing place counts), as messages."""
    wanted = version(root)
    problems = []
    for relative, pattern in PLACES:
        found = _matches((root / relative).read_text(encoding="utf-8"), pattern)
        values = sorted({match[1] for match in found})
        if values != [wanted]:
            problems.append(f"{relative}: {values or 'no version'} (VERSION says {wanted})")
    return problems


def write(root: Path = ROOT) -> list[str]:
    """Write VERSION into every place; return the files changed."""
    wanted = version(root)
    changed = []
    for relative in dict.fromkeys(relative for relative, _ in PLACES):
        path = root / relative
        text = path.read_text(encoding="utf-8")
        new = text
        for pattern in (pattern for where, pattern in PLACES if where == relative):
            if not _matches(new, pattern):
                raise SystemExit(f"{relative}: no version where {pattern!r} looks for it")
            new = re.sub(pattern, lambda m: _replace(m, wanted), new, flags=re.MULTILINE)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(relative)
    return changed


def _replace(match: re.Match[str], wanted: str) -> str:
    start, end = match.span(1)
    whole = match[0]
    return whole[: start - match.start()] + wanted + whole[end - match.start() :]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail on drift, write nothing")
    args = parser.parse_args(argv)
    if args.check:
        problems = drift()
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    for relative in write():
        print(f"wrote {version()} into {relative}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
