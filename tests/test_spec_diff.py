"""spec_diff classifies fragment edits for importers, with a witness for each constraint change."""

from __future__ import annotations

import copy
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from dynamic_sdk_runtime.fragment import read_fragment
from specwatch import FRAGMENT_PATH
from specwatch._engine import code_point_length, ecma_test
from specwatch.spec_diff import BREAKING, NON_BREAKING, Change, bump, diff, main, next_version

ROOT = Path(__file__).resolve().parent.parent
FRAGMENT: dict[str, Any] = yaml.safe_load((ROOT / FRAGMENT_PATH).read_text(encoding="utf-8"))
NAME = r"^(?=\S)[\p{L}\p{N}a-zA-Z _.,:!?&%@\/+\-'|]+(?<=\S)$"
ISO = r"^[a-zA-Z]{2,4}\d?$"
(SHIPPED,) = read_fragment(FRAGMENT).operations
THREE: dict[str, Any] = yaml.safe_load(
    (ROOT / "tests" / "fragments" / "three-operations.yaml").read_text(encoding="utf-8")
)
LISTING = read_fragment(THREE).operation("listSmsVerifications")

Edit = Callable[[dict[str, Any]], None]


def _op(spec: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = spec["paths"][SHIPPED.path][SHIPPED.method.lower()]
    return operation


def _request(spec: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = spec["components"]["schemas"]["SmsVerificationRetryRequest"]
    return schema


def _field(spec: dict[str, Any], name: str) -> dict[str, Any]:
    field: dict[str, Any] = _request(spec)["properties"][name]
    return field


def _edit_copy(spec: dict[str, Any], edit: Edit) -> dict[str, Any]:
    new = copy.deepcopy(spec)
    edit(new)
    return new


def _edited(edit: Edit, base: dict[str, Any] = FRAGMENT) -> list[Change]:
    return diff(base, _edit_copy(base, edit))


def _only(changes: list[Change]) -> Change:
    assert len(changes) == 1, "\n".join(change.line() for change in changes)
    return changes[0]


def _set(path: Callable[[dict[str, Any]], dict[str, Any]], key: str, value: Any) -> Edit:
    def edit(spec: dict[str, Any]) -> None:
        path(spec)[key] = value

    return edit


def _add_field(required: bool) -> Edit:
    def edit(spec: dict[str, Any]) -> None:
        _request(spec)["properties"]["locale"] = {"type": "string", "maxLength": 10}
        if required:
            _request(spec)["required"].append("locale")

    return edit


def _drop_captcha(spec: dict[str, Any]) -> None:
    del _request(spec)["properties"]["captchaToken"]


def _responses(spec: dict[str, Any]) -> dict[str, Any]:
    responses: dict[str, Any] = _op(spec)["responses"]
    return responses


def _drop_200(spec: dict[str, Any]) -> None:
    """The fragment documents 201 and 200; settling on 201 alone breaks 200 callers."""
    del _responses(spec)["200"]


def _add_202(spec: dict[str, Any]) -> None:
    _responses(spec)["202"] = copy.deepcopy(_responses(spec)["201"])


def _add_409(spec: dict[str, Any]) -> None:
    _responses(spec)["409"] = {"description": "Conflict", "content": {}}


def _drop_429(spec: dict[str, Any]) -> None:
    del _responses(spec)["429"]


def _add_query(spec: dict[str, Any]) -> None:
    _op(spec)["parameters"].append(
        {"name": "channel", "in": "query", "required": True, "schema": {"type": "string"}}
    )


def _drop_enum_value(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"]["UnprocessableEntityErrorCode"]["enum"].remove("invalid_phone")


def _response_field_optional(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"]["SmsVerificationCreateResponse"]["required"].remove("phoneNumber")


# (edit, class, semver level, words in `what`, location suffix)
CASES: dict[str, tuple[Edit, str, str, str, str]] = {
    "isoCountryCode maxLength 4 -> 3": (
        _set(lambda s: _field(s, "isoCountryCode"), "maxLength", 3),
        BREAKING, "major", "maxLength tightened", "isoCountryCode/maxLength",
    ),
    "phoneNumber pattern \\p{L} -> ASCII letters": (
        _set(lambda s: _field(s, "phoneNumber"), "pattern", NAME.replace(r"\p{L}", "")),
        BREAKING, "major", "pattern tightened", "phoneNumber/pattern",
    ),
    "isoCountryCode pattern admits two digits": (
        _set(lambda s: _field(s, "isoCountryCode"), "pattern", r"^[a-zA-Z]{2,4}\d{0,2}$"),
        NON_BREAKING, "minor", "pattern loosened", "isoCountryCode/pattern",
    ),
    "new required field": (
        _add_field(required=True), BREAKING, "major", "new required field", "schema/locale",
    ),
    "new optional field": (
        _add_field(required=False), NON_BREAKING, "minor", "new optional field", "schema/locale",
    ),
    "removed field": (_drop_captcha, BREAKING, "major", "field removed", "schema/captchaToken"),
    "200 dropped": (_drop_200, BREAKING, "major", "success status changed", "#/responses"),
    "202 added": (_add_202, NON_BREAKING, "minor", "new success status", "#/responses"),
    "new error response": (
        _add_409, NON_BREAKING, "minor", "new documented error response", "#/responses/409",
    ),
    "description wording": (
        _set(_op, "description", "Sends a fresh SMS code to the phone number on file."),
        NON_BREAKING, "patch", "wording", "retry/description",
    ),
    "minLength added": (
        _set(lambda s: _field(s, "phoneNumber"), "minLength", 3),
        BREAKING, "major", "minLength tightened", "phoneNumber/minLength",
    ),
    "removed response": (_drop_429, BREAKING, "major", "response removed", "#/responses/429"),
    "maxLength raised": (
        _set(lambda s: _field(s, "phoneCountryCode"), "maxLength", 300),
        NON_BREAKING, "minor", "maxLength loosened", "phoneCountryCode/maxLength",
    ),
    "minLength 36 dropped from a 36-character UUID pattern": (
        lambda s: _field(s, "verificationUUID").pop("minLength"),
        NON_BREAKING, "patch", "same verdicts", "verificationUUID/minLength",
    ),
    "equivalent pattern rewrite": (
        _set(lambda s: _field(s, "isoCountryCode"), "pattern", r"^[A-Za-z]{2,4}[0-9]?$"),
        NON_BREAKING, "patch", "same verdicts", "isoCountryCode/pattern",
    ),
    "type change": (
        _set(lambda s: _field(s, "captchaToken"), "type", "integer"),
        BREAKING, "major", "type changed", "captchaToken/type",
    ),
    "new required query parameter": (
        _add_query, BREAKING, "major", "new required query parameter", "#/parameters/query/channel",
    ),
    "422 code removed": (
        _drop_enum_value, BREAKING, "major", "enum values removed", "schema/code/enum",
    ),
    "response field no longer required": (
        _response_field_optional, BREAKING, "major", "no longer guaranteed",
        "#/responses/201/schema/phoneNumber",
    ),
    "tags moved": (_set(_op, "tags", ["verification"]), BREAKING, "major", "tags", "retry/tags"),
    "operation deprecated": (
        _set(_op, "deprecated", True), NON_BREAKING, "minor", "deprecation", "retry/deprecated",
    ),
    "body example": (
        _set(lambda s: _field(s, "isoCountryCode"), "example", "GB"),
        NON_BREAKING, "patch", "wording", "isoCountryCode/example",
    ),
    "new model": (
        lambda s: s["components"]["schemas"].update(Locale={"type": "string"}),
        NON_BREAKING, "minor", "new model", "schemas/Locale",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_each_edit_is_classified(name: str) -> None:
    edit, klass, level, what, where = CASES[name]
    changes = _edited(edit)
    # One change per edit, except a shared model seen through both success responses.
    change = _only([c for c in changes if c.location.endswith(where)] or changes)
    assert {c.klass for c in changes} == {klass}, [c.line() for c in changes]
    assert (change.klass, change.level) == (klass, level), change.line()
    assert what in change.what, change.line()
    assert change.location.endswith(where), change.line()


def _accepts(pattern: str, max_length: int | None, value: str, min_length: int = 0) -> bool:
    length = code_point_length(value)
    too_long = max_length is not None and length > max_length
    return not too_long and length >= min_length and ecma_test(pattern, value)


def test_maxlength_cut_has_a_four_character_witness() -> None:
    change = _only(_edited(CASES["isoCountryCode maxLength 4 -> 3"][0]))
    witness = change.witness_value
    assert witness is not None
    assert code_point_length(witness) == 4
    assert _accepts(ISO, 4, witness)
    assert not _accepts(ISO, 3, witness)
    assert f'"{witness}"' in change.line()


def test_narrowed_pattern_witness_is_a_non_latin_letter() -> None:
    change = _only(_edited(CASES["phoneNumber pattern \\p{L} -> ASCII letters"][0]))
    witness = change.witness_value
    assert witness is not None
    assert _accepts(NAME, 255, witness)
    assert not _accepts(NAME.replace(r"\p{L}", ""), 255, witness)
    assert any(unicodedata.category(c).startswith("L") and not c.isascii() for c in witness)


def test_loosened_pattern_witness_is_newly_accepted() -> None:
    change = _only(_edited(CASES["isoCountryCode pattern admits two digits"][0]))
    witness = change.witness_value
    assert witness is not None
    assert not _accepts(ISO, 4, witness)
    assert _accepts(r"^[a-zA-Z]{2,4}\d{0,2}$", 4, witness)


def test_length_witnesses_sit_on_the_limits() -> None:
    added_min = _only(_edited(CASES["minLength added"][0])).witness_value
    assert added_min is not None
    assert _accepts(NAME, 255, added_min)
    assert not _accepts(NAME, 255, added_min, min_length=3)
    raised = _only(_edited(CASES["maxLength raised"][0])).witness_value
    assert raised is not None
    assert code_point_length(raised) in range(256, 301)
    assert _accepts(NAME, 300, raised)


def test_enum_and_equivalent_rewrites() -> None:
    assert _only(_edited(CASES["422 code removed"][0])).witness_value == "invalid_phone"
    same = _only(_edited(CASES["equivalent pattern rewrite"][0]))
    assert same.witness_value is None
    assert "no value among" in same.witness


def test_a_removed_model_class_is_breaking() -> None:
    old = copy.deepcopy(FRAGMENT)
    old["components"]["schemas"]["Locale"] = {"type": "string"}
    change = _only(diff(old, FRAGMENT))
    assert (change.klass, change.section, change.what) == (BREAKING, "Removed", "model removed")


def test_unchanged_fragment_reports_nothing() -> None:
    assert diff(FRAGMENT, copy.deepcopy(FRAGMENT)) == []


def test_report_is_deterministic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = copy.deepcopy(FRAGMENT)
    for name in ("phoneNumber pattern \\p{L} -> ASCII letters", "isoCountryCode maxLength 4 -> 3"):
        CASES[name][0](new)
    head = tmp_path / "head.yaml"
    head.write_text(yaml.safe_dump(new, allow_unicode=True), encoding="utf-8")
    argv = ["--base-file", str(ROOT / FRAGMENT_PATH), "--head", str(head), "--format", "md"]
    outputs = []
    for _ in range(2):
        assert main(argv) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert "| breaking |" in outputs[0]
    assert "### Changed" in outputs[0]
    assert "**Breaking:**" in outputs[0]
    assert main([*argv, "--fail-on-breaking"]) == 1


def test_semver_rule() -> None:
    assert next_version("0.1.0", "major") == "0.2.0"
    assert next_version("0.1.0", "minor") == "0.1.1"
    assert next_version("0.1.3", "patch") == "0.1.4"
    assert next_version("1.2.3", "major") == "2.0.0"
    assert next_version("1.2.3", "minor") == "1.3.0"
    assert next_version("0.1.0", "none") == "0.1.0"
    changes = _edited(CASES["new optional field"][0]) + _edited(CASES["description wording"][0])
    assert bump(changes) == "minor"
    assert bump([]) == "none"


def test_two_operations_added_are_minor_and_each_named() -> None:
    changes = diff(FRAGMENT, THREE)
    assert {c.klass for c in changes} == {NON_BREAKING}, [c.line() for c in changes]
    added = {c.what: c for c in changes if "operation" in c.what}
    assert set(added) == {
        "new operation createSmsVerification",
        "new operation listSmsVerifications",
    }
    for operation in read_fragment(THREE).operations[1:]:
        change = added[f"new operation {operation.operation_id}"]
        assert change.location == f"{operation.method} {operation.path}"
        assert (change.level, change.section) == ("minor", "Added")
    assert bump(changes) == "minor"
    removed = [c for c in diff(THREE, FRAGMENT) if "operation" in c.what]
    assert {(c.klass, c.section) for c in removed} == {(BREAKING, "Removed")}
    assert len(removed) == 2


def _listing(spec: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = spec["paths"][LISTING.path][LISTING.method.lower()]
    return operation


def _query(spec: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        p for p in _listing(spec)["parameters"] if (p["in"], p["name"]) == ("query", name)
    )
    return found


def _new_query(required: bool) -> Edit:
    def edit(spec: dict[str, Any]) -> None:
        parameter = {"name": "since", "in": "query", "required": required, "schema": {}}
        _listing(spec)["parameters"].append(parameter)

    return edit


def test_a_new_required_query_parameter_breaks_with_a_witness() -> None:
    change = _only(_edited(_new_query(required=True), THREE))
    assert (change.klass, change.level) == (BREAKING, "major")
    assert change.location == f"GET {LISTING.path} #/parameters/query/since"
    assert change.what == "new required query parameter"
    assert "witness" in change.witness
    assert "since" in change.witness


def test_a_new_optional_query_parameter_is_minor() -> None:
    change = _only(_edited(_new_query(required=False), THREE))
    assert (change.klass, change.level, change.what) == (
        NON_BREAKING,
        "minor",
        "new optional query parameter",
    )


def test_a_tightened_query_pattern_breaks_with_a_witness() -> None:
    old_pattern = _query(THREE, "cursor")["schema"]["pattern"]
    new_pattern = old_pattern.replace("A-Z", "")

    def edit(spec: dict[str, Any]) -> None:
        _query(spec, "cursor")["schema"]["pattern"] = new_pattern

    change = _only(_edited(edit, THREE))
    assert (change.klass, change.what) == (BREAKING, "pattern tightened")
    assert change.location == f"GET {LISTING.path} #/parameters/query/cursor/pattern"
    witness = change.witness_value
    assert witness is not None
    assert _accepts(old_pattern, 16, witness)
    assert not _accepts(new_pattern, 16, witness)


def test_an_operation_removed_breaks_and_a_rename_is_one_change() -> None:
    def drop_create(spec: dict[str, Any]) -> None:
        create = read_fragment(THREE).operation("createSmsVerification")
        del spec["paths"][create.path]

    removed = _only(_edited(drop_create, THREE))
    assert (removed.klass, removed.section) == (BREAKING, "Removed")
    assert removed.what == "operation createSmsVerification removed"
    renamed = _only(_edited(lambda s: _listing(s).update(operationId="listVerifications"), THREE))
    assert renamed.what.startswith("operationId renamed")
    assert (renamed.old, renamed.new) == ("'listSmsVerifications'", "'listVerifications'")


def test_security_is_compared_per_operation() -> None:
    change = _only(_edited(lambda s: _listing(s).update(security=[]), THREE))
    assert change.location == f"GET {LISTING.path} #/security"
    assert (change.klass, change.what) == (NON_BREAKING, "authentication relaxed")
    back = _only(diff(_edit_copy(THREE, lambda s: _listing(s).update(security=[])), THREE))
    assert (back.klass, back.what) == (BREAKING, "new authentication requirement")


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - fixed argv
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],  # noqa: S607
        cwd=repo, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout


def _run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "specwatch.spec_diff", *args],
        cwd=repo, capture_output=True, text=True, check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip


def test_default_base_is_the_last_release_tag(tmp_path: Path) -> None:
    fragment = tmp_path / FRAGMENT_PATH
    fragment.parent.mkdir(parents=True)
    _git(tmp_path, "init", "-q")
    (tmp_path / "README").write_text("no fragment yet\n", encoding="utf-8")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "start")
    fragment.write_text(yaml.safe_dump(FRAGMENT), encoding="utf-8")
    first = _run(tmp_path)  # base HEAD~1 does not exist: one commit only -> no base
    assert first.returncode == 0
    assert "No base" in first.stdout
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "fragment")
    missing = _run(tmp_path)  # HEAD~1 has no fragment
    assert missing.returncode == 0
    assert "did not exist at HEAD~1" in missing.stdout
    _git(tmp_path, "tag", "v0.1.0")
    new = copy.deepcopy(FRAGMENT)
    CASES["isoCountryCode maxLength 4 -> 3"][0](new)
    fragment.write_text(yaml.safe_dump(new), encoding="utf-8")
    _git(tmp_path, "commit", "-qam", "cut")
    _git(tmp_path, "commit", "-q", "--allow-empty", "-m", "later")
    result = _run(tmp_path, "--format", "text", "--fail-on-breaking")
    assert result.returncode == 1, result.stderr
    assert "v0.1.0:openapi/retry-sms-verification.yaml" in result.stdout
    assert "isoCountryCode/maxLength" in result.stdout
    usage = _run(tmp_path, "--base", "no-such-ref")
    assert usage.returncode == 2
    assert "unknown git ref" in usage.stderr
