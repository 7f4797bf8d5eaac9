"""Regenerate the client: openapi-python-client, then the overrides, then ruff.

    python -m overrides.generate --output generated   # rewrite generated/
    python -m overrides.generate --check generated    # fail with a diff on drift

Steps, all deterministic so that two runs give the same bytes:
1. openapi-python-client (pinned) with overrides/config.yaml and the copied
   templates in overrides/templates;
2. the hand-written modules in overrides/package/ copied beside the generated ones;
3. `_constraints.py` rendered from the fragment (every `pattern`, `maxLength`,
   `minLength` and `required` of the operation's path parameters and schemas) and
   `_unicode_tables.py` from the pinned Unicode data;
4. ruff fix and format with fixed settings.
"""

from __future__ import annotations

import argparse
import difflib
import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from openapi_python_client.strings import snake_case

from overrides.unicode_tables import render as render_unicode_tables

ROOT = Path(__file__).resolve().parent.parent
FRAGMENT = ROOT / "openapi" / "retry-sms-verification.yaml"
OVERRIDES = ROOT / "overrides"
PACKAGE = "dynamic_sdk_client"
RUFF_SETTINGS = ["--isolated", "--no-cache", "--line-length", "100", "--target-version", "py311"]


def _rule(schema: str, name: str, prop: dict[str, Any], required: bool) -> str:
    fields = {
        "schema": schema,
        "name": name,
        "python_name": snake_case(name),
        "required": required,
        "max_length": prop.get("maxLength"),
        "min_length": prop.get("minLength"),
        "pattern": prop.get("pattern"),
    }
    args = ", ".join(f"{key}={value!r}" for key, value in fields.items() if value is not None)
    return f"    FieldRule({args}),"


def render_constraints(spec: dict[str, Any]) -> str:
    """`_constraints.py`: the fragment's string constraints, read at generation time."""
    lines = [
        '"""Constraints read from openapi/ at generation time; do not edit."""',
        "",
        "from typing import Final",
        "",
        "from ._rules import FieldRule",
        "",
        "PATH_PARAMETERS: Final[dict[str, tuple[FieldRule, ...]]] = {",
    ]
    for operations in spec["paths"].values():
        for operation in operations.values():
            # Keyed like the endpoint module (snake_case operationId), as templates see it.
            lines.append(f'    "{snake_case(operation["operationId"])}": (')
            for param in operation.get("parameters", []):
                if param["in"] == "path":
                    rule = _rule(operation["operationId"], param["name"], param["schema"], True)
                    lines.append("    " + rule)
            lines.append("    ),")
    lines += ["}", "", "SCHEMAS: Final[dict[str, tuple[FieldRule, ...]]] = {"]
    for schema_name, schema in sorted(spec["components"]["schemas"].items()):
        props = schema.get("properties", {})
        rules = [
            _rule(schema_name, name, prop, name in schema.get("required", []))
            for name, prop in props.items()
            if prop.get("type") == "string"
        ]
        if rules:
            lines.append(f'    "{schema_name}": (')
            lines += ["    " + rule for rule in rules]
            lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _run(*args: str | Path, cwd: Path | None = None) -> None:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(map(str, args))} failed:\n{result.stdout}{result.stderr}")


def build(destination: Path) -> Path:
    """Generate the package into `destination/dynamic_sdk_client` and return that path."""
    package_dir = destination / PACKAGE
    bin_dir = Path(sys.executable).parent
    _run(
        bin_dir / "openapi-python-client",
        "generate",
        "--path",
        FRAGMENT,
        "--config",
        OVERRIDES / "config.yaml",
        "--custom-template-path",
        OVERRIDES / "templates",
        "--meta",
        "none",
        "--output-path",
        package_dir,
    )
    for module in sorted((OVERRIDES / "package").iterdir()):
        if module.is_file():
            shutil.copyfile(module, package_dir / module.name)
    spec = yaml.safe_load(FRAGMENT.read_text(encoding="utf-8"))
    (package_dir / "_constraints.py").write_text(render_constraints(spec), encoding="utf-8")
    (package_dir / "_unicode_tables.py").write_text(render_unicode_tables(), encoding="utf-8")
    ruff = bin_dir / "ruff"
    fix = ["--fix-only", "--extend-select", "I,UP"]
    _run(ruff, "check", *RUFF_SETTINGS, *fix, ".", cwd=package_dir)
    _run(ruff, "format", *RUFF_SETTINGS, ".", cwd=package_dir)
    return package_dir


def _tree(root: Path) -> list[Path]:
    return sorted(
        p.relative_to(root) for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)


def diff_trees(expected: Path, actual: Path) -> str:
    """A unified diff of two package trees ('' when they are byte-identical)."""
    out: list[str] = []
    expected_files, actual_files = _tree(expected), _tree(actual)
    for rel in sorted(set(expected_files) | set(actual_files)):
        a, b = actual / rel, expected / rel
        if a.exists() and b.exists() and filecmp.cmp(a, b, shallow=False):
            continue
        old = _lines(a)
        new = _lines(b)
        out += difflib.unified_diff(old, new, f"generated/{rel}", f"regenerated/{rel}")
        if not out or not out[-1].endswith("\n"):
            out.append(f"(files differ: {rel})\n")
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--output", type=Path, help="folder to (re)write the package into")
    mode.add_argument("--check", type=Path, help="folder whose package must match a fresh build")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="regen-") as tmp:
        fresh = build(Path(tmp))
        if args.check is not None:
            diff = diff_trees(fresh, args.check / PACKAGE)
            if diff:
                sys.stdout.write(diff)
                print("generated/ is stale: run `nox -s regenerate` and commit the result.")
                return 1
            print("generated/ matches openapi/ + overrides/.")
            return 0
        target = args.output / PACKAGE
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(fresh, target, ignore=shutil.ignore_patterns("__pycache__"))
        print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
