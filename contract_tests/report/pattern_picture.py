"""Pattern-node coverage as a picture: each pattern drawn with its nodes marked under it.

Why: `meta.pattern_coverage` says per node whether each side was exercised, but a list of
`n7 quantifier` rows does not show *where* in the pattern the untested part sits. Both
renderings read only those rows (spans come from the rows, else from parsing the pattern
again), so they name nothing of the fragment themselves.

Markdown (GitHub job summaries drop `style` attributes and fonts vary): a code block with
the pattern and one lane of ASCII marks per nesting depth under it, so columns line up in
any monospace font, then a collapsed table with each side's state and why. HTML
(`contract-summary.html`, self-contained): the same lanes as coloured bars on a grid, the
characters tinted by their innermost node, a legend, and hover text per node.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from attrs import frozen

from contract_tests.core.pattern_nodes import parse as parse_pattern
from dynamic_sdk_runtime.ecma import UnsupportedPatternError

__all__ = ["HTML_NAME", "Mark", "Place", "html_page", "lanes", "markdown", "places", "write_html"]

HTML_NAME = "contract-summary.html"
EXERCISED = "exercised"

State = Literal["both", "accept", "reject", "none"]
_SYMBOL: dict[State, str] = {"both": "+", "accept": "a", "reject": "r", "none": "x"}
"""Lane marks in Markdown: ASCII, so every monospace font keeps the columns aligned."""
_HTML_SYMBOL: dict[State, str] = {"both": "✓", "accept": "a", "reject": "r", "none": "✗"}
"""Bar labels in HTML: the colour says how many sides, the letter which one (as in Markdown)."""
_LABEL_FIT = 1.6
"""Label characters (12px) that fit in one pattern column (20px monospace) of a bar."""
_CLASS: dict[State, str] = {"both": "both", "accept": "one", "reject": "one", "none": "none"}
_WORDS: dict[State, str] = {
    "both": "exercised on both sides",
    "accept": "exercised on the accept side only",
    "reject": "exercised on the reject side only",
    "none": "exercised on neither side",
}
_MD_ESCAPED = re.compile(r"([\\`*_\[\]<>&|~])")


@frozen
class Mark:
    """One node as drawn: its span in the pattern (None when unknown) and each side's state."""

    node: str
    kind: str
    source: str
    start: int | None
    end: int | None
    accept: str
    reject: str

    @property
    def state(self) -> State:
        """Both sides, one side (which), or neither side exercised."""
        accepted, rejected = self.accept == EXERCISED, self.reject == EXERCISED
        if accepted and rejected:
            return "both"
        if accepted or rejected:
            return "accept" if accepted else "reject"
        return "none"

    def hover(self) -> str:
        """The node, its source and each side's state with the why: the tooltip text."""
        return (
            f"{self.node} {self.kind} {self.source}\naccept: {self.accept}\nreject: {self.reject}"
        )


@frozen
class Place:
    """One pattern of one place, with the targets whose coverage of it is this one."""

    operation: str
    where: str
    pattern: str
    targets: tuple[str, ...]
    marks: tuple[Mark, ...]
    error: str | None = None

    @property
    def field(self) -> str:
        """The key the summary's rows use for this place (`operation:where`)."""
        return f"{self.operation}:{self.where}"


def _spans(pattern: str) -> dict[str, tuple[int, int]]:
    """Node id -> span, parsed again when the rows carry no span (the ids are the parser's)."""
    try:
        return {node.id: (node.start, node.end) for node in parse_pattern(pattern)}
    except (UnsupportedPatternError, ValueError):
        return {}


def _marks(pattern: str, rows: Iterable[Mapping[str, Any]]) -> tuple[Mark, ...]:
    parsed: dict[str, tuple[int, int]] | None = None
    marks = []
    for row in rows:
        start, end = row.get("start"), row.get("end")
        node = str(row.get("node", "?"))
        if not (isinstance(start, int) and isinstance(end, int)):
            if parsed is None:
                parsed = _spans(pattern)
            start, end = parsed.get(node, (None, None))
        marks.append(
            Mark(
                node,
                str(row.get("kind", "?")),
                str(row.get("source", "")),
                start,
                end,
                str(row.get("accept", "not exercised: not recorded")),
                str(row.get("reject", "not exercised: not recorded")),
            )
        )
    return tuple(marks)


def places(meta: Mapping[str, Any]) -> list[Place]:
    """The summary meta's pattern coverage by place; targets with equal coverage share one."""
    coverage = meta.get("pattern_coverage")
    if not isinstance(coverage, Mapping):
        return []
    grouped: dict[tuple[str, str, str], dict[str, list[Mapping[str, Any]]]] = {}
    for target, rows in coverage.items():
        for row in rows if isinstance(rows, list) else []:
            key = (str(row.get("operation")), str(row.get("where")), str(row.get("pattern")))
            grouped.setdefault(key, {}).setdefault(str(target), []).append(row)
    out: list[Place] = []
    for (operation, where, pattern), by_target in sorted(grouped.items()):
        seen: dict[tuple[tuple[Mark, ...], str | None], list[str]] = {}
        for target, rows in by_target.items():
            errors = [str(row["error"]) for row in rows if "error" in row]
            marks = _marks(pattern, [row for row in rows if "error" not in row])
            seen.setdefault((marks, errors[0] if errors else None), []).append(target)
        for (marks, error), targets in seen.items():
            out.append(Place(operation, where, pattern, tuple(targets), marks, error))
    return out


def lanes(marks: Sequence[Mark]) -> list[list[Mark]]:
    """Marks with a span in lanes: a node sits below every node whose span holds it, and
    no two nodes of a lane overlap (partly overlapping spans get lanes of their own)."""
    placed: list[tuple[Mark, int]] = []
    rows: list[list[Mark]] = []
    drawn = [m for m in marks if m.start is not None and m.end is not None]
    for mark in sorted(drawn, key=lambda m: (_lo(m), -_hi(m))):
        lane = 1 + max((at for other, at in placed if _holds(other, mark)), default=-1)
        while lane < len(rows) and any(_overlap(other, mark) for other in rows[lane]):
            lane += 1
        if lane == len(rows):
            rows.append([])
        rows[lane].append(mark)
        placed.append((mark, lane))
    return rows


def _lo(mark: Mark) -> int:
    assert mark.start is not None
    return mark.start


def _hi(mark: Mark) -> int:
    """The span's end; an empty span (an empty alternative) is drawn one column wide."""
    assert mark.end is not None
    return max(mark.end, _lo(mark) + 1)


def _holds(outer: Mark, inner: Mark) -> bool:
    return _lo(outer) <= _lo(inner) and _hi(inner) <= _hi(outer)


def _overlap(one: Mark, other: Mark) -> bool:
    return _lo(one) < _hi(other) and _lo(other) < _hi(one)


def _shown(char: str) -> str:
    """A code point as one visible cell: controls and separators as their pictures."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    category = unicodedata.category(char)
    if category in ("Mn", "Me"):
        return "\u25cc" + char  # on a dotted circle, not on the previous cell
    if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or (category == "Zs" and char != " "):
        return "\u2423" if category == "Zs" else "\ufffd"
    return char


def _width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _columns(pattern: str) -> list[int]:
    """Column of each code point in the code block, plus the end column."""
    columns = [0]
    for char in pattern:
        columns.append(columns[-1] + _width(char))
    return columns


def _lane_line(pattern: str, lane: Sequence[Mark]) -> str:
    columns = _columns(pattern)

    def column(at: int) -> int:
        return columns[at] if at < len(columns) else columns[-1] + at - len(pattern)

    cells: list[str] = []
    for mark in sorted(lane, key=_lo):
        left, right = column(_lo(mark)), column(_hi(mark))
        cells += [" "] * (left - len(cells))
        width = right - left
        cells += [_SYMBOL[mark.state]] + (["─"] * (width - 2) + ["┘"] if width > 1 else [])
    return "".join(cells).rstrip()


def _fence(text: str, char: str = "`", least: int = 3) -> str:
    """A fence longer than any run of `char` inside `text`."""
    runs = [len(run) for run in re.findall(f"{re.escape(char)}+", text)]
    return char * max(least, max(runs, default=0) + 1)


def _md_text(text: str) -> str:
    """Plain text for a Markdown table cell: no markup, no HTML, one line."""
    return _MD_ESCAPED.sub(r"\\\1", " ".join(text.split()))


def _md_code(text: str, *, in_table: bool = True) -> str:
    """A code span: its delimiter is a backtick run the text lacks; in a table cell a `|`
    is escaped (GitHub splits cells before it reads code spans)."""
    runs = {len(run) for run in re.findall("`+", text)}
    ticks = "`" * next(n for n in range(1, len(runs) + 2) if n not in runs)
    shown = "".join(_shown(char) for char in text)
    shown = shown.replace("|", "\\|") if in_table else shown
    pad = " " if shown.strip(" ") and (shown[0] in "` " or shown[-1] in "` ") else ""
    return f"{ticks}{pad}{shown}{pad}{ticks}" if shown else "(empty)"


def _side_cell(state: str) -> str:
    if state == EXERCISED:
        return "✅"
    return "❌ " + _md_text(state.removeprefix("not exercised: "))


def _score(meta: Mapping[str, Any], place: Place) -> str | None:
    """The place's mutation score, once the plan reports one (`meta.mutation_score`)."""
    scores = meta.get("mutation_score")
    if not isinstance(scores, Mapping) or place.field not in scores:
        return None
    value = scores[place.field]
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
        return f"{value:.0%}"
    return str(value)


def _counts(place: Place) -> str:
    states = [mark.state for mark in place.marks]
    parts = [f"{states.count(state)} {_WORDS[state]}" for state in _SYMBOL if state in states]
    return f"{len(states)} nodes: " + ", ".join(parts)


def markdown(meta: Mapping[str, Any]) -> list[str]:
    """The Markdown section (lines); empty when the run recorded no pattern coverage."""
    found = places(meta)
    if not found:
        return []
    out = [
        "",
        "## Pattern coverage",
        "",
        "Under each pattern, one lane per nesting depth marks each node's span: `+` exercised "
        "on both sides (accept and reject), `a` on the accept side only, `r` on the reject "
        "side only, `x` on neither; the table says why. The same, coloured: "
        f"`{HTML_NAME}`.",
    ]
    for place in found:
        score = _score(meta, place)
        targets = _md_text(", ".join(place.targets))
        title = f"{_md_text(place.operation)} {_md_code(place.where, in_table=False)} ({targets})"
        out += ["", f"### {title}" + (f", mutation score {_md_text(score)}" if score else ""), ""]
        shown = "".join(_shown(char) for char in place.pattern)
        lines = [shown, *(_lane_line(place.pattern, lane) for lane in lanes(place.marks))]
        fence = _fence("\n".join(lines))
        out += [fence + "text", *lines, fence]
        if place.error is not None:
            out += ["", f"Not drawn node by node: {_md_text(place.error)}"]
            continue
        out += [
            "",
            f"<details><summary>{html.escape(_counts(place))}</summary>",
            "",
            "| node | mark | kind | source | accept | reject |",
            "|---|---|---|---|---|---|",
        ]
        out += [
            f"| {_md_text(mark.node)} | `{_SYMBOL[mark.state]}` | {_md_text(mark.kind)} "
            f"| {_md_code(mark.source)} | {_side_cell(mark.accept)} | {_side_cell(mark.reject)} |"
            for mark in place.marks
        ]
        out += ["", "</details>"]
    return out


_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em; color: #1f2328; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin: 1.6em 0 .4em; }
code, .picture { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.where { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.targets, .counts { color: #59636e; font-weight: normal; }
.score { background: #ddf4ff; border-radius: 1em; padding: 0 .6em; font-weight: normal; }
.legend span.key { display: inline-block; margin-right: 1.4em; }
.legend .swatch { display: inline-block; width: 2.2em; text-align: center; border-radius: 3px; }
.picture { display: inline-grid; gap: 3px 0; padding: .6em; border: 1px solid #d1d9e0;
  border-radius: 6px; background: #f6f8fa; font-size: 20px; overflow-x: auto;
  max-width: 100%; }
.ch { white-space: pre; text-align: center; }
.bar { position: relative; height: 1.1em; margin: 0 1px; border-radius: 3px; font-size: 12px; }
.bar > span { position: absolute; inset: 0; overflow: hidden; white-space: nowrap;
  text-align: center; line-height: 1.1em; padding-top: .1em; }
.bar:hover, .ch:hover { outline: 2px solid #0969da; z-index: 1; }
.ch.both { background: #dafbe1; } .ch.one { background: #fff1c2; }
.ch.none { background: #ffd7d5; } .ch.error { background: #e6e6e6; }
.bar.both, .swatch.both { background: #1a7f37; color: #fff; }
.bar.one, .swatch.one { background: #d4a72c; color: #1f2328; }
.bar.none, .swatch.none { background: #cf222e; color: #fff; }
td.yes { color: #1a7f37; } td.no { color: #cf222e; }
table { border-collapse: collapse; margin-top: .6em; font-size: 13px; }
th, td { border: 1px solid #d1d9e0; padding: 2px 8px; text-align: left; vertical-align: top; }
tr:hover td { background: #f0f6ff; }
.error-text { color: #59636e; }
"""


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def _label(mark: Mark, columns: int) -> str:
    """A bar's text: its symbol, then the node id and the side, as far as they fit."""
    parts = [_HTML_SYMBOL[mark.state], f" {mark.node}"]
    if mark.state in ("accept", "reject"):
        parts.append(f" ({mark.state} side only)")
    label = parts[0]
    for more in parts[1:]:
        if len(label + more) > columns * _LABEL_FIT:
            break
        label += more
    return label


def _picture(place: Place) -> list[str]:
    """The pattern's characters on a grid with one row of bars per lane under them."""
    drawn = lanes(place.marks)
    width = max([len(place.pattern), *(_hi(m) for lane in drawn for m in lane)])
    cells = [f'<div class="picture" style="grid-template-columns: repeat({max(width, 1)}, auto)">']
    for at, char in enumerate(place.pattern):
        covering = [m for lane in drawn for m in lane if _lo(m) <= at < _hi(m)]
        inner = min(covering, key=lambda m: _hi(m) - _lo(m), default=None)
        css = "error" if place.error else _CLASS[inner.state] if inner else ""
        hover = "\n\n".join(m.hover() for m in covering) or "no node here"
        cells.append(
            f'<span class="ch {css}" style="grid-area: 1 / {at + 1}" '
            f'title="{_attr(hover)}">{html.escape(_shown(char))}</span>'
        )
    for row, lane in enumerate(drawn, start=2):
        for mark in lane:
            label = _label(mark, _hi(mark) - _lo(mark))
            cells.append(
                f'<span class="bar {_CLASS[mark.state]}" '
                f'style="grid-area: {row} / {_lo(mark) + 1} / {row + 1} / {_hi(mark) + 1}" '
                f'title="{_attr(mark.hover())}"><span>{html.escape(label)}</span></span>'
            )
    return [*cells, "</div>"]


def _side_td(state: str) -> str:
    if state == EXERCISED:
        return '<td class="yes">✓ exercised</td>'
    return f'<td class="no">✗ {html.escape(state.removeprefix("not exercised: "))}</td>'


def _section(meta: Mapping[str, Any], place: Place) -> list[str]:
    score = _score(meta, place)
    badge = f' <span class="score">mutation score {html.escape(score)}</span>' if score else ""
    out = [
        '<section class="place">',
        f'<h2>{html.escape(place.operation)} <span class="where">{html.escape(place.where)}'
        f'</span> <span class="targets">({html.escape(", ".join(place.targets))})</span>'
        f"{badge}</h2>",
    ]
    if place.error is not None:
        out.append(f'<p class="error-text">Not drawn node by node: {html.escape(place.error)}</p>')
    else:
        out.append(f'<p class="counts">{html.escape(_counts(place))}</p>')
    out += _picture(place)
    if place.error is None:
        out += [
            "<table><tr><th>node</th><th>kind</th><th>source</th><th>accept</th>"
            "<th>reject</th></tr>"
        ]
        out += [
            f'<tr title="{_attr(mark.hover())}"><td>{html.escape(mark.node)}</td>'
            f"<td>{html.escape(mark.kind)}</td>"
            f"<td><code>{html.escape(''.join(_shown(c) for c in mark.source))}</code></td>"
            f"{_side_td(mark.accept)}{_side_td(mark.reject)}</tr>"
            for mark in place.marks
        ]
        out.append("</table>")
    return [*out, "</section>"]


def html_page(meta: Mapping[str, Any]) -> str:
    """A self-contained page (inline style, no script, no external asset)."""
    legend = "".join(
        f'<span class="key"><span class="swatch {_CLASS[state]}">{_HTML_SYMBOL[state]}</span> '
        f"{html.escape(_WORDS[state])}</span>"
        for state in ("both", "accept", "reject", "none")
    )
    facts = (
        f"Hypothesis seed {meta.get('hypothesis_seed')}, profile {meta.get('profile')}, "
        f"targets {', '.join(str(t) for t in meta.get('targets') or [])}."
    )
    verdict = meta.get("verdict")
    if isinstance(verdict, Mapping) and verdict.get("word"):
        facts += f" Verdict: {verdict['word']}."
    state = meta.get("state")
    if isinstance(state, Mapping) and state.get("cumulative"):
        facts += f" Across runs (--state): {state['cumulative']}."
    body: list[str] = []
    for place in places(meta):
        body += _section(meta, place)
    if not body:
        body = ["<p>This run recorded no pattern coverage.</p>"]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            "<title>Contract summary: pattern coverage</title>",
            f"<style>{_STYLE}</style></head><body>",
            "<h1>Contract summary: pattern coverage</h1>",
            f"<p>{html.escape(facts)}</p>",
            "<p>Each pattern with its nodes under it, one row per nesting depth; a character "
            "takes the colour of its innermost node. Hover a node or a character for each "
            "side's state and why.</p>",
            f'<p class="legend">{legend}</p>',
            *body,
            "</body></html>",
            "",
        ]
    )


def write_html(directory: Path, meta: Mapping[str, Any]) -> Path:
    """Write contract-summary.html beside the JSON and Markdown summaries."""
    path = directory / HTML_NAME
    path.write_text(html_page(meta), encoding="utf-8")
    return path
