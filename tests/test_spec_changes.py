"""A spec change needs only the fragment: codegen, the mock and the suite follow it.

Each variant below edits the shipped fragment the way the vendor might (a maxLength
tightened or loosened, a new optional member with its own pattern and length, a member
removed, a pattern changed, a new response status, a new required member), plus the
three-operation fixture. For each one, with no other file touched:

- the generator builds a client from it (the regenerate step), and the built package
  imports and carries the changed rule;
- the whole contract suite passes against the embedded mock serving it;
- the suite's plan passes against a reference server built from it, and fails against the
  server built from the shipped fragment wherever the variant changed a request rule: the
  suite probes the new rule, it does not merely stay green.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from openapi_python_client.strings import snake_case

from contract_tests.core.model import TargetKind
from contract_tests.plan.planner import build_plan
from contract_tests.run.pacing import Budget
from contract_tests.run.results import RunReport
from contract_tests.run.runner import run_plan
from contract_tests.run.targets import Target
from dynamic_sdk_mock import serve_app
from dynamic_sdk_runtime.fragment import Fragment, read_fragment
from tests.support.broken_servers import TOKEN, reference_app

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "openapi" / "retry-sms-verification.yaml"
THREE = Path(__file__).parent / "fragments" / "three-operations.yaml"

Edit = Callable[[dict[str, Any]], tuple[str, str]]
"""Edits a parsed fragment in place; returns (changed place, what to find in the summary)."""


def _request_schema(document: dict[str, Any]) -> dict[str, Any]:
    operation = next(iter(document["paths"].values()))["post"]
    reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema: dict[str, Any] = document["components"]["schemas"][reference.rsplit("/", 1)[1]]
    return schema


def _limited_member(document: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The request member with the smallest maxLength (today: a 4-character code)."""
    properties = _request_schema(document)["properties"]
    name = min(
        (n for n in properties if "maxLength" in properties[n]),
        key=lambda n: properties[n]["maxLength"],
    )
    return name, properties[name]


def tighten(document: dict[str, Any]) -> tuple[str, str]:
    name, member = _limited_member(document)
    member["maxLength"] -= 1
    return f"body.{name}", f"maxLength:exactly-{member['maxLength']}:accept"


def loosen(document: dict[str, Any]) -> tuple[str, str]:
    name, member = _limited_member(document)
    member["maxLength"] += 2
    return f"body.{name}", f"maxLength:exactly-{member['maxLength']}:accept"


def add_optional(document: dict[str, Any]) -> tuple[str, str]:
    _request_schema(document)["properties"]["referenceCode"] = {
        "type": "string",
        "maxLength": 8,
        "pattern": "^[A-Z]{2}[0-9]{1,6}$",
        "example": "AB12",
    }
    return "body.referenceCode", "pattern:"


def remove_member(document: dict[str, Any]) -> tuple[str, str]:
    schema = _request_schema(document)
    optional = next(n for n in schema["properties"] if n not in schema.get("required", ()))
    del schema["properties"][optional]
    return f"body.{optional}", ""


def change_pattern(document: dict[str, Any]) -> tuple[str, str]:
    name, member = _limited_member(document)
    member["pattern"] = "^[A-Z]{2}$"
    member["example"] = "US"
    return f"body.{name}", "pattern:"


def new_status(document: dict[str, Any]) -> tuple[str, str]:
    operation = next(iter(document["paths"].values()))["post"]
    operation["responses"]["409"] = {
        "description": "A conflicting retry is in progress (variant).",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BadRequest"}}},
    }
    return "", ""


def new_required(document: dict[str, Any]) -> tuple[str, str]:
    schema = _request_schema(document)
    schema["properties"]["locale"] = {
        "type": "string",
        "maxLength": 5,
        "pattern": "^[a-z]{2}(-[A-Z]{2})?$",
    }
    schema["required"].append("locale")
    example = next(iter(document["paths"].values()))["post"]["requestBody"]["content"][
        "application/json"
    ]
    example["example"]["locale"] = "en"
    return "body.locale", "required:missing:reject"


SUITE = (sys.executable, "-m", "pytest", "contract_tests", "-q", "-p", "no:cacheprovider", "-x")

VARIANTS: dict[str, Edit] = {
    "maxLength-tightened": tighten,
    "maxLength-loosened": loosen,
    "optional-member-added": add_optional,
    "member-removed": remove_member,
    "pattern-changed": change_pattern,
    "response-status-added": new_status,
    "required-member-added": new_required,
}


def _variant(tmp_path: Path, name: str) -> tuple[Path, str, str]:
    if name == "three-operations":
        return THREE, "", ""
    document = copy.deepcopy(yaml.safe_load(SHIPPED.read_text(encoding="utf-8")))
    place, finding = VARIANTS[name](document)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path, place, finding


def _query_parameters_are_validated_by_the_built_client(out: Path, variant: Fragment) -> None:
    """A built client refuses a query value breaking its pattern, before any I/O."""
    operation = next(op for op in variant.operations if op.located("query"))
    parameter = next(p for p in operation.located("query") if p.schema.pattern)
    module = "dynamic_sdk_client.api.sdk." + snake_case(operation.operation_id)
    arguments = {snake_case(p.name): "US" for p in operation.located("query") if p.required}
    arguments[snake_case(parameter.name)] = "U!"
    environment = str(operation.located("path")[0].example)
    script = f"""
import httpx, importlib
from dynamic_sdk_client import Client, ValidationError
module = importlib.import_module({module!r})
sent = []
client = Client("http://x", httpx_args={{"transport": httpx.MockTransport(sent.append)}})
try:
    module.sync_detailed({environment!r}, client=client, **{arguments!r})
except ValidationError as error:
    print(error.field, error.rule, len(sent))
"""
    ran = subprocess.run(  # noqa: S603 - our own snippet
        [sys.executable, "-c", script],
        env={**os.environ, "PYTHONPATH": str(out)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.stdout.split() == [parameter.name, "pattern", "0"], ran.stdout + ran.stderr


def _judge(fragment: Fragment, server: Fragment) -> RunReport:
    """The plan of `fragment` against a reference server built from `server`."""
    plan = build_plan(fragment, {}, seed=3, examples=1)
    with serve_app(reference_app(server)) as url, httpx.Client(base_url=url, timeout=10) as client:
        target = Target("reference", client, "", TOKEN, {}, TargetKind.MOCK, url)
        return run_plan(target, fragment, plan, Budget(), report=RunReport())


@pytest.mark.parametrize("name", [*VARIANTS, "three-operations"])
def test_a_spec_change_needs_only_the_fragment(tmp_path: Path, name: str) -> None:
    path, place, finding = _variant(tmp_path, name)
    variant = read_fragment(yaml.safe_load(path.read_text(encoding="utf-8")))
    shipped = read_fragment(yaml.safe_load(SHIPPED.read_text(encoding="utf-8")))

    # 1. regenerate: the generator builds an importable client carrying the rule
    out = tmp_path / "client"
    built = subprocess.run(  # noqa: S603 - our own generator, fixed arguments
        [sys.executable, "-m", "codegen", "--fragment", str(path), "--output", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    probe = (
        "import dynamic_sdk_client.constraints as c, json; "
        "print(json.dumps(sorted({r.name for rs in c.SCHEMAS.values() for r in rs})))"
    )
    imported = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe],
        env={**os.environ, "PYTHONPATH": str(out)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr
    names = set(json.loads(imported.stdout))
    member = place.removeprefix("body.")
    if name == "member-removed":
        assert member not in names
    elif place.startswith("body."):
        assert member in names

    if name == "three-operations":
        _query_parameters_are_validated_by_the_built_client(out, variant)

    # 2. the reference server of the variant passes the variant's plan; the shipped one does not
    assert _judge(variant, variant).failures() == {}
    if name not in ("member-removed", "response-status-added", "three-operations"):
        failed = {key for (_target, key) in _judge(variant, shipped).failures()}
        assert any(f":{place}:" in key for key in failed), failed

    # 3. the whole contract suite against the embedded mock serving the variant
    reports = tmp_path / "reports"
    environment = {
        **os.environ,
        "DYNAMIC_CONTRACT_FRAGMENT": str(path),
        "DYNAMIC_CONTRACT_REPORTS": str(reports),
        "HYPOTHESIS_PROFILE": "dev",
    }
    environment.pop("DYNAMIC_CONTRACT_REQUIRE_PRISM", None)
    # The Prism comparison belongs to the default run; here the question is whether our
    # own components follow the fragment.
    suite = subprocess.run(  # noqa: S603 - our own suite, fixed arguments
        [*SUITE, "--no-prism"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert suite.returncode == 0, suite.stdout[-4000:]
    summary = json.loads((reports / "contract-summary.json").read_text())
    rows = {f"{row['field']}:{row['rule']}:{row['side']}" for row in summary["rows"]}
    for operation in variant.operations:
        assert any(row.startswith(f"{operation.operation_id}:") for row in rows), operation
    if finding:
        keys = "\n".join(summary["meta"]["plan_lines"]) + "\n" + "\n".join(rows)
        assert place in keys, place
