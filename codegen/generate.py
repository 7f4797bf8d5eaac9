"""Regenerate the client: openapi-python-client, then the fragment renderer, then ruff.

    python -m codegen --output generated   # rewrite generated/
    python -m codegen --check generated    # fail with a diff on drift

Steps, all deterministic so that two runs give the same bytes:
1. openapi-python-client (pinned) with overrides/config.yaml plus the version from its one
   home, VERSION (`codegen.release`), and the copied templates in overrides/templates (the
   generated code imports the hand-written `dynamic_sdk_runtime`; nothing hand-written is
   copied in);
2. `constraints.py` rendered from the fragment by `dynamic_sdk_runtime.fragment` (every
   `pattern`, `maxLength`, `minLength` and `required` of the operation's path parameters
   and schemas), and `openapi.json`, the fragment itself, shipped for the mock and suite;
3. ruff fix and format with the project's one configuration (pyproject.toml).
"""

from __future__ import annotations

import argparse
import difflib
import filecmp
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from openapi_python_client.strings import snake_case

from codegen import release
from dynamic_sdk_runtime.fragment import FragmentError, read_fragment
from dynamic_sdk_runtime.rules import FieldRule

ROOT = Path(__file__).resolve().parent.parent
FRAGMENT = ROOT / "openapi" / "retry-sms-verification.yaml"
OVERRIDES = ROOT / "overrides"
PACKAGE = "dynamic_sdk_client"
RUFF_CONFIG = ["--config", str(ROOT / "pyproject.toml"), "--no-cache"]


def _rule_line(rule: FieldRule) -> str:
    fields = {
        "schema": rule.schema,
        "name": rule.name,
        "python_name": rule.python_name,
        "required": rule.required,
        "max_length": rule.max_length,
        "min_length": rule.min_length,
        "pattern": rule.pattern,
    }
    args = ", ".join(f"{key}={value!r}" for key, value in fields.items() if value is not None)
    return f"        FieldRule({args}),"


def render_constraints(spec: dict[str, Any]) -> str:
    """`constraints.py`: the fragment's string rules, read through the operation model."""
    fragment = read_fragment(spec)
    lines = [
        '"""The fragment\'s documented string rules, rendered by codegen; do not edit."""',
        "",
        "from typing import Final",
        "",
        "from dynamic_sdk_runtime.rules import FieldRule",
        "",
        "PARAMETERS: Final[dict[str, tuple[FieldRule, ...]]] = {",
    ]
    for operation in sorted(fragment.operations, key=lambda o: o.operation_id):
        rules = operation.parameter_rules(snake_case)  # path, query and header parameters
        # Keyed like the endpoint module (snake_case operationId), as templates see it.
        lines.append(f'    "{snake_case(operation.operation_id)}": (')
        lines += [_rule_line(rule) for rule in rules]
        lines.append("    ),")
    lines += ["}", "", "SCHEMAS: Final[dict[str, tuple[FieldRule, ...]]] = {"]
    for schema_name, schema in sorted(fragment.schemas.items()):
        rules_of_schema = [
            prop.schema.string_rule(schema_name, prop.name, snake_case(prop.name), prop.required)
            for prop in schema.properties
            if prop.schema.type == "string"
        ]
        if rules_of_schema:
            lines.append(f'    "{schema_name}": (')
            lines += [_rule_line(rule) for rule in rules_of_schema]
            lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_document(spec: dict[str, Any]) -> str:
    """`openapi.json`: the fragment the package was generated from, for the mock and suite."""
    return json.dumps(spec, indent=2, ensure_ascii=False) + "\n"


def generator_config() -> dict[str, Any]:
    """overrides/config.yaml with the release's version, whose one home is VERSION."""
    config = yaml.safe_load((OVERRIDES / "config.yaml").read_text(encoding="utf-8"))
    return {**config, "package_version_override": release.version()}


def _run(*args: str | Path, cwd: Path | None = None) -> None:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(map(str, args))} failed:\n{result.stdout}{result.stderr}")


def build(destination: Path, fragment: Path = FRAGMENT) -> Path:
    """Generate the package into `destination/dynamic_sdk_client` and return that path.

    The fragment is read through the operation model first, so a pattern the engine
    refuses (invalid, or unsafe to run) stops the build with FragmentError before any output.
    """
    spec = yaml.safe_load(fragment.read_text(encoding="utf-8"))
    read_fragment(spec)
    package_dir = destination / PACKAGE
    bin_dir = Path(sys.executable).parent
    config = destination / "config.yaml"
    config.write_text(yaml.safe_dump(generator_config()), encoding="utf-8")
    _run(
        bin_dir / "openapi-python-client",
        "generate",
        "--path",
        fragment,
        "--config",
        config,
        "--custom-template-path",
        OVERRIDES / "templates",
        "--meta",
        "none",
        "--output-path",
        package_dir,
    )
    (package_dir / "constraints.py").write_text(render_constraints(spec), encoding="utf-8")
    (package_dir / "openapi.json").write_text(render_document(spec), encoding="utf-8")
    (package_dir / "py.typed").write_text("", encoding="utf-8")  # PEP 561: typed package
    ruff = bin_dir / "ruff"
    fix = ["--fix-only", "--select", "I,UP,F401"]
    _run(ruff, "check", *RUFF_CONFIG, *fix, package_dir, cwd=ROOT)
    _run(ruff, "format", *RUFF_CONFIG, package_dir, cwd=ROOT)
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
    parser.add_argument(
        "--fragment", type=Path, default=FRAGMENT, help="the OpenAPI fragment (default: openapi/)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="regen-") as tmp:
        try:
            fresh = build(Path(tmp), args.fragment.resolve())
        except FragmentError as error:
            print(f"{args.fragment}: {error}", file=sys.stderr)
            return 1
        if args.check is not None:
            diff = diff_trees(fresh, args.check / PACKAGE)
            if diff:
                sys.stdout.write(diff)
                print("generated/ is stale: run `nox -s regenerate` and commit the result.")
            drift = release.drift()
            for problem in drift:
                print(problem)
            if drift:
                print("versions differ from VERSION: run `nox -s release` and commit the result.")
            if diff or drift:
                return 1
            print("generated/ matches openapi/ + overrides/; every version is VERSION's.")
            return 0
        target = args.output / PACKAGE
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(fresh, target, ignore=shutil.ignore_patterns("__pycache__"))
        print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
