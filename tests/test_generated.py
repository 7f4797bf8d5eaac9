"""generated/ is exactly what the fragment plus the overrides produce (a golden tree),
and holds nothing hand-written."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen import generate
from dynamic_sdk_client import constraints, models

GENERATED = Path(generate.ROOT) / "generated" / generate.PACKAGE


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate.build(tmp_path_factory.mktemp("regen"))


def test_generated_tree_matches_a_fresh_build(fresh: Path) -> None:
    diff = generate.diff_trees(fresh, GENERATED)
    assert diff == "", "generated/ is stale; run `nox -s regenerate`:\n" + diff[:5000]


def test_regeneration_is_byte_for_byte_reproducible(
    fresh: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    again = generate.build(tmp_path_factory.mktemp("regen-again"))
    assert generate.diff_trees(fresh, again) == ""


def test_diff_reports_a_hand_edit(fresh: Path, tmp_path: Path) -> None:
    import shutil

    edited = tmp_path / "pkg"
    shutil.copytree(fresh, edited)
    (edited / "client.py").write_text("# edited by hand\n", encoding="utf-8")
    (edited / "extra.py").write_text("x = 1\n", encoding="utf-8")
    diff = generate.diff_trees(fresh, edited)
    assert "generated/client.py" in diff
    assert "extra.py" in diff


def test_every_constrained_schema_is_a_model_class() -> None:
    """Models look their rules up by class name, so each schema needs its model class."""
    for schema_name in constraints.SCHEMAS:
        assert hasattr(models, schema_name), schema_name


def test_constraints_come_from_the_fragment() -> None:
    import yaml

    spec = yaml.safe_load(generate.FRAGMENT.read_text(encoding="utf-8"))
    props = spec["components"]["schemas"]["SmsVerificationRetryRequest"]["properties"]
    rules = {rule.name: rule for rule in constraints.SCHEMAS["SmsVerificationRetryRequest"]}
    for name, prop in props.items():
        assert rules[name].pattern == prop.get("pattern")
        assert rules[name].max_length == prop.get("maxLength")


def test_no_hand_written_module_is_committed_twice() -> None:
    """The runtime lives once, in runtime/; generated/ only imports it."""
    runtime = Path(generate.ROOT) / "runtime" / "dynamic_sdk_runtime"
    hand_written = {p.read_bytes() for p in runtime.rglob("*.py") if p.stat().st_size > 0}
    hand_names = {p.name for p in runtime.rglob("*.py")} - {"__init__.py"}
    for module in GENERATED.rglob("*.py"):
        assert module.read_bytes() not in hand_written, module
        assert module.name not in hand_names, f"{module} shadows a runtime module"
    copies = [p for p in Path(generate.ROOT).rglob("*.py") if "dynamic_sdk_runtime" in p.parts]
    assert all(p.is_relative_to(runtime) or ".nox" in p.parts for p in copies), copies
