"""No pattern kills the process: the engine refuses what regress cannot run safely.

regress aborts the process (a failed multi-GB allocation, SIGABRT) or backtracks for hours
on some valid patterns. `EcmaPattern` refuses them when compiled, `read_fragment` and
codegen refuse a fragment that holds one, naming the field and the pattern. No test here
runs regress on a dangerous pattern in this process: the one that shows the abort runs it
in a subprocess under a memory limit and a timeout.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen import generate
from dynamic_sdk_runtime.ecma import (
    REPEAT_WITH_LOOP_MAX,
    UnsafePatternError,
    UnsupportedPatternError,
    compile_pattern,
    ecma_test,
)
from dynamic_sdk_runtime.fragment import FragmentError, read_fragment

ROOT = Path(__file__).resolve().parent.parent
FRAGMENTS = [
    ROOT / "openapi" / "retry-sms-verification.yaml",
    *sorted((ROOT / "tests" / "fragments").glob("*.yaml")),
]
KILLER = r"^(?:(?:a*){1,3})+$"

UNSAFE = [
    (KILLER, "(?:(?:a*){1,3})+"),
    (r"(a*)*", "(a*)*"),
    (r"^(a|a?)+$", "(a|a?)+"),
    (r"(?:a+)+b", "(?:a+)+"),
    (r"(?:(?:a*)?){2}$", "(?:(?:a*)?){2}"),
    (r"^(?:a+){1,5}b", "(?:a+){1,5}"),
    (r"^(?:(?:a+){1,2}){1,2}$", "(?:(?:a+){1,2}){1,2}"),
    (r"(?<n>a|)+", "(?<n>a|)+"),
    (r"(?:\b)+", r"(?:\b)+"),
    (r"(a)(?:\1)+", r"(?:\1)+"),
    (r"(?:[a-z]+\.)+[a-z]{2,}", r"(?:[a-z]+\.)+"),
]

SAFE = [
    r"^(?:[A-Z][a-z]+)(?:[ '\-](?:[A-Z][a-z]{1,15}|\p{Lu}\p{Ll}+)){0,3}$",
    r"^(?:[0-9a-f]{4}-)+[0-9a-f]{4}$",
    r"^(?:a*)?b$",
    r"^(?:ab?)+$",
    r"^(?=a+)(?:ab)+$",
    r"^[\]*+]+\u{1F600}{2}\(+$",
    r"^(?<name>a)\k<name>$",
]


def _patterns(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            yield from _patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns(value)


def _with_phone_pattern(pattern: str) -> dict[str, Any]:
    document = yaml.safe_load(FRAGMENTS[0].read_text(encoding="utf-8"))
    changed = copy.deepcopy(document)
    properties = changed["components"]["schemas"]["SmsVerificationRetryRequest"]["properties"]
    properties["phoneNumber"]["pattern"] = pattern
    return dict(changed)


@pytest.mark.parametrize(("pattern", "culprit"), UNSAFE)
def test_an_unsafe_pattern_is_refused_with_a_typed_error(pattern: str, culprit: str) -> None:
    with pytest.raises(UnsafePatternError) as raised:
        compile_pattern(pattern)
    assert repr(pattern) in str(raised.value)
    assert repr(culprit) in str(raised.value)
    assert isinstance(raised.value, UnsupportedPatternError | ValueError)
    with pytest.raises(UnsafePatternError):
        ecma_test(pattern, "a c")


@pytest.mark.parametrize("pattern", SAFE)
def test_loops_that_cannot_blow_up_are_still_accepted(pattern: str) -> None:
    assert compile_pattern(pattern).pattern == pattern


def test_the_repeat_bound_around_a_loop_is_the_documented_one() -> None:
    compile_pattern(rf"^(?:a+b){{1,{REPEAT_WITH_LOOP_MAX}}}$")
    with pytest.raises(UnsafePatternError):
        compile_pattern(rf"^(?:a+b){{1,{REPEAT_WITH_LOOP_MAX + 1}}}$")


def test_every_pattern_the_project_ships_or_feeds_is_accepted_and_runs() -> None:
    patterns = {p for path in FRAGMENTS for p in _patterns(yaml.safe_load(path.read_text()))}
    assert len(patterns) >= 4
    for pattern in patterns:
        assert ecma_test(pattern, "a c") in (True, False)
    for path in FRAGMENTS:
        read_fragment(yaml.safe_load(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize(("pattern", "culprit"), UNSAFE[:4])
def test_read_fragment_refuses_it_naming_the_field_and_the_pattern(
    pattern: str, culprit: str
) -> None:
    with pytest.raises(FragmentError) as raised:
        read_fragment(_with_phone_pattern(pattern))
    message = str(raised.value)
    assert "phoneNumber" in message
    assert repr(pattern) in message
    assert "cannot run safely" in message


def test_codegen_refuses_the_fragment_before_writing_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fragment = tmp_path / "fragment.yaml"
    fragment.write_text(yaml.safe_dump(_with_phone_pattern(KILLER)), encoding="utf-8")
    output = tmp_path / "out"
    assert generate.main(["--output", str(output), "--fragment", str(fragment)]) == 1
    error = capsys.readouterr().err
    assert "body.phoneNumber" in error
    assert repr(KILLER) in error
    assert "cannot run safely" in error
    assert not output.exists()
    with pytest.raises(FragmentError, match="phoneNumber"):
        generate.build(tmp_path / "build", fragment)
    assert not (tmp_path / "build").exists()


def test_without_the_check_regress_itself_dies_on_the_pattern() -> None:
    """Why the check exists: in a child under a 1 GiB memory limit, regress aborts."""
    child = (
        "import resource, regress\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        f"print(regress.Regex({KILLER!r}, 'u').find('a c') is not None)\n"
    )
    try:
        result = subprocess.run(  # noqa: S603 - our interpreter, a fixed program
            [sys.executable, "-c", child], capture_output=True, text=True, timeout=20
        )
    except subprocess.TimeoutExpired:
        return  # it hung instead: unsafe either way
    assert result.returncode != 0, result
    assert result.stdout == "", result
