"""The pattern picture: each pattern drawn with its nodes marked, in Markdown and in HTML.

Why: the coverage rows say which node went unexercised; the picture must put each mark
under the right characters (nested and partly overlapping spans included), keep a
pattern's `<`, `&` and backticks as text in both formats, and show a mutation score only
once the summary has one. Synthetic coverage here; the last test runs the suite.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from contract_tests.core.pattern_nodes import parse
from contract_tests.report.pattern_picture import (
    HTML_NAME,
    Mark,
    html_page,
    lanes,
    markdown,
    places,
)
from contract_tests.report.recorder import PlanSummary, Recorder, RunMeta

ROOT = Path(__file__).resolve().parent.parent
OPERATION = "someOperation"
PLACE = "body.sample"
SUITE = [sys.executable, "-m", "pytest", "contract_tests/test_constraints.py", "-q"]
SUITE += ["-p", "no:cacheprovider"]
NESTED = "^a(b[cd]+)?$"
WHY = "not exercised: no witness derived"
BOTH = ("exercised", "exercised")
ACCEPT, REJECT, NONE = ("exercised", WHY), (WHY, "exercised"), (WHY, WHY)


def _rows(
    pattern: str, states: list[tuple[str, str]], *, spans: bool = False
) -> list[dict[str, Any]]:
    """Coverage rows as summary.node_coverage writes them, one per parsed node."""
    rows = []
    for node, (accept, reject) in zip(parse(pattern), states, strict=True):
        row: dict[str, Any] = {"operation": OPERATION, "where": PLACE, "pattern": pattern}
        row["node"] = node.id
        row |= {"kind": node.kind, "source": node.source, "accept": accept, "reject": reject}
        if spans:
            row |= {"start": node.start, "end": node.end}
        rows.append(row)
    return rows


def _meta(rows: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"pattern_coverage": {"mock": rows}, "targets": ["mock"]} | extra


NESTED_STATES = [BOTH, ACCEPT, REJECT, NONE, BOTH, BOTH, NONE, BOTH]


def _block(lines: list[str]) -> list[str]:
    """The first fenced code block's lines (without the fences)."""
    start = next(i for i, line in enumerate(lines) if line.startswith("```"))
    fence = re.match("`+", lines[start])
    assert fence is not None
    end = lines.index(fence[0], start + 1)
    return lines[start + 1 : end]


def test_markdown_draws_each_node_under_its_span_one_lane_per_depth() -> None:
    lines = markdown(_meta(_rows(NESTED, NESTED_STATES)))
    assert _block(lines) == [
        "^a(b[cd]+)?$",
        "+ar───────┘+",
        "  x──────┘",
        "   ++───┘",
        "    x──┘",
    ]
    assert f"### {OPERATION} `{PLACE}` (mock)" in lines
    assert "| n2 | `r` | quantifier | `(b[cd]+)?` | ❌ no witness derived | ✅ |" in lines
    assert (
        "| n3 | `x` | group | `(b[cd]+)` | ❌ no witness derived | ❌ no witness derived |" in lines
    )


def test_spans_in_the_rows_win_and_without_them_the_pattern_is_parsed_again() -> None:
    parsed = places(_meta(_rows(NESTED, NESTED_STATES)))
    given = places(_meta(_rows(NESTED, NESTED_STATES, spans=True)))
    assert parsed == given
    assert [(m.start, m.end) for m in parsed[0].marks] == [(n.start, n.end) for n in parse(NESTED)]


def _mark(node: str, start: int, end: int, state: tuple[str, str] = BOTH) -> Mark:
    return Mark(node, "literal", "?", start, end, *state)


def test_lanes_nest_and_keep_partly_overlapping_spans_apart() -> None:
    outer, left, right, inner, after = (
        _mark("n0", 0, 10),
        _mark("n1", 1, 5),
        _mark("n2", 3, 8),  # overlaps n1 without holding it or being held
        _mark("n3", 3, 4),  # inside both n1 and n2: below both
        _mark("n4", 10, 11),
    )
    drawn = lanes([outer, left, right, inner, after])
    assert [[m.node for m in lane] for lane in drawn] == [["n0", "n4"], ["n1"], ["n2"], ["n3"]]
    # below its holder even where a lane above is free (a first fit would lift n2 to lane 0)
    first, holder, held = _mark("n0", 0, 3), _mark("n1", 2, 10), _mark("n2", 5, 6)
    assert lanes([first, holder, held]) == [[first], [holder], [held]]
    assert lanes([_mark("n0", 2, 2)]) == [[_mark("n0", 2, 2)]]  # an empty alternative
    assert lanes([Mark("n0", "literal", "a", None, None, *BOTH)]) == []  # no span: table only


def test_overlapping_spans_in_markdown_and_html() -> None:
    rows = [
        {"operation": OPERATION, "where": PLACE, "pattern": "abcdef", "node": "n0"}
        | {"kind": "group", "source": "abcd", "start": 0, "end": 4, "accept": "exercised"}
        | {"reject": "exercised"},
        {"operation": OPERATION, "where": PLACE, "pattern": "abcdef", "node": "n1"}
        | {"kind": "group", "source": "cdef", "start": 2, "end": 6, "accept": WHY}
        | {"reject": WHY},
    ]
    assert _block(markdown(_meta(rows))) == ["abcdef", "+──┘", "  x──┘"]
    page = _Page(html_page(_meta(rows)))
    assert [text for text, _title in page.chars] == list("abcdef")
    assert "n0 group abcd" in page.chars[2][1]
    assert "n1 group cdef" in page.chars[2][1]  # both nodes hold "c"
    assert "n1" not in page.chars[0][1]


class _Page(HTMLParser):
    """The page's tags, its pattern characters (text, hover) and its bars' hover text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.chars: list[tuple[str, str]] = []
        self.bars: list[str] = []
        self.labels: list[str] = []
        self._bar = False
        self.attributes: list[str] = []
        self.text: list[str] = []
        self._char: str | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        found = {name: value or "" for name, value in attrs}
        self.attributes += [f"{name}={value}" for name, value in found.items()]
        classes = found.get("class", "").split()
        if tag == "span" and "ch" in classes:
            self._char = found.get("title", "")
            self.chars.append(("", self._char))
        if tag == "span" and "bar" in classes:
            self.bars.append(found.get("title", ""))
            self.labels.append("")
            self._bar = True

    def handle_endtag(self, tag: str) -> None:
        self._char, self._bar = None, False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._bar:
            self.labels[-1] += data
        if self._char is not None:
            self.chars[-1] = (self.chars[-1][0] + data, self._char)


def test_a_bar_says_as_much_as_fits_in_its_columns() -> None:
    """Symbol always (colour is not the only cue), then node id, then which side."""
    rows = [
        {"operation": OPERATION, "where": PLACE, "pattern": "abcdefghijklmnopqrst"}
        | {"node": node, "kind": "group", "source": "?", "start": start, "end": end}
        | {"accept": accept, "reject": reject}
        for node, start, end, (accept, reject) in [
            ("n0", 0, 20, ACCEPT),
            ("n1", 0, 1, NONE),
            ("n2", 1, 3, BOTH),
            ("n3", 3, 7, REJECT),
            ("n4", 7, 10, BOTH),
        ]
    ]
    page = _Page(html_page(_meta(rows)))
    assert page.labels == ["a n0 (accept side only)", "✗", "✓", "r n3", "✓ n4"]


AWKWARD = "^<&>`+``[|]$"


def test_html_keeps_lt_amp_and_backticks_as_text_and_is_self_contained() -> None:
    states = [BOTH, ACCEPT, REJECT, NONE, BOTH, BOTH, NONE, BOTH, BOTH, BOTH]
    rows = _rows(AWKWARD, states)
    rows[3]["reject"] = "not exercised: breaks <b>&amp; `x`</b>"
    text = html_page(_meta(rows))
    page = _Page(text)
    assert "".join(char for char, _title in page.chars) == AWKWARD
    assert page.tags == {
        *("html", "head", "meta", "title", "style", "body", "h1", "h2", "p"),
        *("span", "div", "section", "table", "tr", "th", "td", "code"),
    }
    assert "breaks <b>&amp; `x`</b>" in "".join(page.text)  # the why, shown as written
    assert any("reject: not exercised: breaks <b>&amp; `x`</b>" in bar for bar in page.bars)
    assert not re.search(r"\b(src|href)=|url\(|@import|<script|<link", text)
    assert len(page.bars) == len(states)


def test_markdown_keeps_lt_amp_and_backticks_as_text() -> None:
    states = [BOTH, ACCEPT, REJECT, NONE, BOTH, BOTH, NONE, BOTH, BOTH, BOTH]
    rows = _rows(AWKWARD, states)
    rows[3]["reject"] = "not exercised: breaks <b>&amp; `x`|y"
    lines = markdown(_meta(rows))
    block = _block(lines)
    assert block[0] == AWKWARD
    fence = next(line for line in lines if line.startswith("```"))
    assert fence == "```text"  # the longest backtick run inside is 2
    table = {line.split(" | ")[0]: line for line in lines if line.startswith("| n")}
    assert table["| n1"].split(" | ")[3] == "`<`"  # a code span: `<` stays text
    assert table["| n4"].split(" | ")[3] == "`` `+ ``"  # padded: it starts with a backtick
    assert table["| n5"].split(" | ")[3] == "`` ` ``"
    assert table["| n8"].split(" | ")[3] == "`[\\|]`"  # GitHub splits cells at a bare |
    assert table["| n3"].endswith("| ❌ breaks \\<b\\>\\&amp; \\`x\\`\\|y |")


def test_a_long_backtick_run_gets_a_longer_fence() -> None:
    pattern = "^a`{3}```$"
    rows = _rows(pattern, [BOTH] * len(parse(pattern)))
    lines = markdown(_meta(rows))
    assert "````text" in lines
    assert _block(lines)[0] == pattern


def test_the_mutation_score_shows_once_the_summary_has_one() -> None:
    rows = _rows(NESTED, NESTED_STATES)
    scored = _meta(rows, mutation_score={f"{OPERATION}:{PLACE}": 0.75})
    assert f"### {OPERATION} `{PLACE}` (mock), mutation score 75%" in markdown(scored)
    assert "mutation score 75%" in html_page(scored)
    for meta in (_meta(rows), _meta(rows, mutation_score={f"{OPERATION}:other": 0.5})):
        assert "mutation score" not in "\n".join(markdown(meta))
        assert "mutation score" not in html_page(meta)


def test_targets_with_the_same_coverage_share_a_picture() -> None:
    rows = _rows(NESTED, NESTED_STATES)
    other = _rows(NESTED, [BOTH] * len(NESTED_STATES))
    same = places({"pattern_coverage": {"mock": rows, "prism": rows}})
    assert [place.targets for place in same] == [("mock", "prism")]
    apart = places({"pattern_coverage": {"mock": rows, "prism": other}})
    assert [place.targets for place in apart] == [("mock",), ("prism",)]


def test_a_pattern_not_modelled_is_drawn_without_nodes() -> None:
    row = {"operation": OPERATION, "where": PLACE, "pattern": "(?i:a)", "error": "not modelled"}
    lines = markdown(_meta([row]))
    assert _block(lines) == ["(?i:a)"]
    assert "Not drawn node by node: not modelled" in lines
    assert not any(line.startswith("| n") for line in lines)
    assert "Not drawn node by node: not modelled" in html_page(_meta([row]))


def test_no_coverage_no_markdown_section_and_a_page_that_says_so() -> None:
    assert markdown({}) == []
    assert "recorded no pattern coverage" in html_page({})


def test_the_recorder_writes_the_page_and_the_section(tmp_path: Path) -> None:
    plan = PlanSummary(
        unicode_pinned=None,
        plan_lines=[],
        plan_probes=0,
        pattern_coverage=_meta(_rows(NESTED, NESTED_STATES))["pattern_coverage"],
        mutation_power={},
        mutation_score={},
        findings=[],
        strict_assumptions=False,
    )
    recorder = Recorder(meta=RunMeta(targets=["mock"], plan=plan))
    recorder.write(tmp_path)
    assert "^a(b[cd]+)?$" in (tmp_path / "contract-summary.md").read_text()
    assert "## Pattern coverage" in (tmp_path / "contract-summary.md").read_text()
    assert len(_Page((tmp_path / HTML_NAME).read_text()).chars) == len(NESTED)


@pytest.mark.servers
@pytest.mark.slow  # CI time: a whole contract run; the page's contents are held in process above
def test_a_run_against_the_mock_writes_the_page(tmp_path: Path) -> None:
    """Every place of the run's recorded coverage is drawn, in both files."""
    environment = {**os.environ, "DYNAMIC_CONTRACT_REPORTS": str(tmp_path)}
    environment.pop("DYNAMIC_CONTRACT_FRAGMENT", None)
    result = subprocess.run(  # noqa: S603 - our own suite, fixed arguments
        [*SUITE, "--hypothesis-seed", "42"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    meta = json.loads((tmp_path / "contract-summary.json").read_text())["meta"]
    coverage = meta["pattern_coverage"]
    assert coverage
    page = _Page((tmp_path / HTML_NAME).read_text())
    drawn = "".join(char for char, _title in page.chars)
    markdown_text = (tmp_path / "contract-summary.md").read_text()
    for place in places(meta):
        assert place.pattern in drawn
        assert f"`{place.where}`" in markdown_text
        assert f"\n{place.pattern}\n" in markdown_text
    assert len(page.bars) == sum(len(place.marks) for place in places(meta))
    assert sum(len(place.marks) for place in places(meta)) >= len(coverage[meta["targets"][0]])
