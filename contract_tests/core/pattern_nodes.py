"""Witnesses per node of an ECMA-262 `pattern`: values that exercise one piece of it each.

A pattern's boundaries come from its structure, so the contract suite probes each piece:
every quantifier's bounds, every class member and its near misses, every anchor,
lookaround and alternative. `parse` reads a Unicode-mode pattern into `PatternNode`s;
`witnesses` derives, per node, accept values and reject values made by one local edit of
a value the pattern accepts. Every witness is judged by the ECMA engine (`ecma`) and kept
within the length rules; a reject witness must also be accepted by the pattern's
one-node variant (that node relaxed or removed), so it tells the pattern apart from a
server that mis-implements just that node. `uncovered` says what was dropped and why.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Iterator
from typing import Literal

import attrs
from attrs import frozen

from dynamic_sdk_runtime.ecma import EcmaPattern, UnsupportedPatternError, code_point_length

__all__ = [
    "Gap",
    "PatternNode",
    "Side",
    "Variant",
    "Witness",
    "dialect_variants",
    "parse",
    "uncovered",
    "variants",
    "witnesses",
]

Side = Literal["accept", "reject"]
_SIDES: tuple[Side, Side] = ("accept", "reject")
_MATCHERS = frozenset({"literal", "class", "property", "dot", "escape-class"})
_LOOKAROUNDS = frozenset({"lookahead", "negative-lookahead", "lookbehind", "negative-lookbehind"})
_ASSERTIONS = _LOOKAROUNDS | {"start-anchor", "end-anchor", "word-boundary"}

_BUDGET = 10_000
"""No value is built longer than this many code points (`{1,100000}` has no useful top)."""
_REPAIRS = 64
_PREFERRED = tuple("aA0bB1xX9zZ_-.")
"""Characters a base value prefers: plain ones, so lookarounds like `(?=\\S)` hold."""
_PROBES = tuple("a0_-#. A")
"""Characters tried where an assertion is broken by an inserted or changed character."""
_WIDE = (ord("a"), 0x10400)
"""Members tried for negated classes: ASCII and astral (U+10400 Deseret, Unicode 3.1)."""
_PROPERTY_PROBES = (*"éЖ٣²Ⅻαǅʰאا中あア한กकა\U00010400", *"aA0_ -©€+\u0301\u00ad\n")
"""One long-standing member per common property (all assigned by Unicode 6.0)."""
_NON_MEMBERS = tuple("©# 0a")
_ESCAPE_RANGES = {
    "d": ((0x30, 0x39),),
    "w": ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)),
    "s": ((0x09, 0x0D), (0x20, 0x20), (0xA0, 0xA0), (0x3000, 0x3000)),
}
_CONTROL = {"f": 0x0C, "n": 0x0A, "r": 0x0D, "t": 0x09, "v": 0x0B}
_IDENTITY = frozenset("^$\\.*+?()[]{}|/")
_CLASS_ESCAPES = frozenset("dDwWsS")
_BOUNDS = re.compile(r"\{(\d+)(,(\d*))?\}")
_OPENERS = (
    ("(?:", "group"),
    ("(?=", "lookahead"),
    ("(?!", "negative-lookahead"),
    ("(?<=", "lookbehind"),
    ("(?<!", "negative-lookbehind"),
)
_TRAIL_ESCAPE = re.compile(r"\\u[dD][c-fC-F][0-9a-fA-F]{2}")


@frozen
class PatternNode:
    """One piece of a pattern; ids are `n0`, `n1`, ... in source order (depth first)."""

    id: str
    kind: str
    """start-anchor, end-anchor, literal, class, property, dot, escape-class, quantifier,
    group, alternative, (negative-)lookahead, (negative-)lookbehind, word-boundary,
    backreference."""
    source: str
    """The exact slice `pattern[start:end]`."""
    start: int
    end: int
    children: tuple[str, ...] = ()
    lower: int | None = None
    """A quantifier's lower bound (None for other kinds)."""
    upper: int | None = None
    """A quantifier's upper bound (None when unbounded, and for other kinds)."""


@frozen
class Witness:
    """A value the whole pattern (with the length rules) accepts or rejects, for one node."""

    value: str
    side: Side
    node: str
    reason: str


@frozen
class Gap:
    """Why a node has no witness for a candidate on one side (dropped, or none to make)."""

    node: str
    side: Side
    reason: str


def parse(pattern: str) -> tuple[PatternNode, ...]:
    """The pattern's nodes in source order; UnsupportedPatternError names what is not modelled."""
    return _parse(pattern).nodes


def witnesses(
    pattern: str, *, min_length: int | None = None, max_length: int | None = None
) -> tuple[Witness, ...]:
    """Verified witnesses, node by node in source order; deterministic."""
    return _derive(pattern, min_length, max_length)[0]


def uncached_witnesses(
    pattern: str, *, min_length: int | None = None, max_length: int | None = None
) -> tuple[Witness, ...]:
    """`witnesses` derived afresh, past the cache: what a new pattern costs (the bench)."""
    return _derive.__wrapped__(pattern, min_length, max_length)[0]


def uncovered(
    pattern: str, *, min_length: int | None = None, max_length: int | None = None
) -> tuple[Gap, ...]:
    """Each candidate that was dropped, and each node side with no candidate, with why."""
    return _derive(pattern, min_length, max_length)[1]


# --- parsing -------------------------------------------------------------------------


@frozen
class _Item:
    """One class member: a code point range, a class escape (`d`, `W`), or a `\\p{..}`."""

    kind: Literal["range", "escape", "property"]
    lo: int = 0
    hi: int = 0
    text: str = ""


@frozen
class _Matcher:
    items: tuple[_Item, ...]
    negated: bool = False


_LINE_TERMINATORS = _Matcher(
    (_Item("range", 0x0A, 0x0A), _Item("range", 0x0D, 0x0D), _Item("range", 0x2028, 0x2029)),
    negated=True,
)


@attrs.define
class _Raw:
    kind: str
    start: int
    end: int = 0
    children: list[_Raw] = attrs.Factory(list)
    lower: int | None = None
    upper: int | None = None
    matcher: _Matcher | None = None
    capture: int | None = None
    name: str | None = None


@frozen
class _Tree:
    nodes: tuple[PatternNode, ...]
    by_id: dict[str, PatternNode]
    parent: dict[str, str]
    """Each node's parent id; "" is the pattern itself."""
    children: dict[str, tuple[str, ...]]
    matchers: dict[str, _Matcher]
    captures: dict[str, int]
    """Capturing group id -> group number; a backreference id -> the number it repeats."""


class _Parser:
    """Recursive descent over ECMA-262 Unicode-mode syntax (the engine has checked it)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.groups = 0
        self.names: dict[str, int] = {}

    def fail(self, what: str) -> UnsupportedPatternError:
        return UnsupportedPatternError(f"{what} at {self.pos} in {self.text!r} is not modelled")

    def peek(self, ahead: int = 0) -> str:
        return self.text[self.pos + ahead : self.pos + ahead + 1]

    def disjunction(self) -> list[_Raw]:
        alternatives = [self.alternative()]
        while self.peek() == "|":
            self.pos += 1
            alternatives.append(self.alternative())
        return alternatives[0].children if len(alternatives) == 1 else alternatives

    def alternative(self) -> _Raw:
        raw = _Raw("alternative", self.pos)
        while self.peek() not in ("", "|", ")"):
            raw.children.append(self.term())
        raw.end = self.pos
        return raw

    def term(self) -> _Raw:
        start = self.pos
        atom = self.atom()
        bounds = self.quantifier()
        if bounds is None:
            return atom
        if atom.kind in _ASSERTIONS:
            raise self.fail(f"a quantified {atom.kind}")
        return _Raw("quantifier", start, self.pos, [atom], lower=bounds[0], upper=bounds[1])

    def quantifier(self) -> tuple[int, int | None] | None:
        char = self.peek()
        bounds: tuple[int, int | None]
        if char in ("*", "+", "?"):
            self.pos += 1
            bounds = {"*": (0, None), "+": (1, None), "?": (0, 1)}[char]
        elif char == "{" and (match := _BOUNDS.match(self.text, self.pos)):
            self.pos = match.end()
            lower = int(match[1])
            bounds = (lower, lower if match[2] is None else int(match[3]) if match[3] else None)
        else:
            return None
        if self.peek() == "?":
            self.pos += 1
        return bounds

    def atom(self) -> _Raw:
        start, char = self.pos, self.peek()
        self.pos += 1
        if char == "[":
            return self.char_class(start)
        if char == "(":
            return self.group(start)
        if char == "\\":
            return self.atom_escape(start)
        if char == ".":
            return _Raw("dot", start, self.pos, matcher=_LINE_TERMINATORS)
        if char in ("^", "$"):
            return _Raw("start-anchor" if char == "^" else "end-anchor", start, self.pos)
        return _Raw("literal", start, self.pos, matcher=_Matcher((self.point(ord(char)),)))

    def group(self, start: int) -> _Raw:
        opener = next((pair for pair in _OPENERS if self.text.startswith(pair[0], start)), None)
        if opener is not None:
            self.pos = start + len(opener[0])
            raw = _Raw(opener[1], start)
        else:
            name = None
            if self.text.startswith("(?<", start):
                close = self.text.index(">", start)
                name, self.pos = self.text[start + 3 : close], close + 1
            elif self.text.startswith("(?", start):
                raise self.fail("a group modifier (?...)")
            self.groups += 1
            raw = _Raw("group", start, capture=self.groups, name=name)
            if name is not None:
                self.names[name] = self.groups
        raw.children = self.disjunction()
        if self.peek() != ")":
            raise self.fail("an unclosed group")
        self.pos += 1
        raw.end = self.pos
        return raw

    def atom_escape(self, start: int) -> _Raw:
        char = self.peek()
        if char in ("b", "B"):
            self.pos += 1
            return _Raw("word-boundary", start, self.pos)
        if char.isdigit() and char != "0":
            digits = re.compile(r"\d+").match(self.text, self.pos)
            assert digits is not None
            self.pos = digits.end()
            return _Raw("backreference", start, self.pos, capture=int(digits[0]))
        if char == "k":
            close = self.text.index(">", self.pos)
            name, self.pos = self.text[self.pos + 2 : close], close + 1
            return _Raw("backreference", start, self.pos, name=name)
        item = self.class_escape(in_class=False)
        kind = {"escape": "escape-class", "property": "property", "range": "literal"}[item.kind]
        return _Raw(kind, start, self.pos, matcher=_Matcher((item,)))

    def char_class(self, start: int) -> _Raw:
        negated = self.peek() == "^"
        self.pos += negated
        items: list[_Item] = []
        while self.peek() != "]":
            if not self.peek():
                raise self.fail("an unclosed class")
            low = self.class_atom()
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.pos += 1
                high = self.class_atom()
                if low.kind != "range" or high.kind != "range":
                    raise self.fail("a class range with a class escape")
                items.append(_Item("range", low.lo, high.hi))
            else:
                items.append(low)
        self.pos += 1
        return _Raw("class", start, self.pos, matcher=_Matcher(tuple(items), negated))

    def class_atom(self) -> _Item:
        char = self.peek()
        self.pos += 1
        return self.class_escape(in_class=True) if char == "\\" else self.point(ord(char))

    def class_escape(self, *, in_class: bool) -> _Item:
        """After a backslash: a class escape, a property, or one code point."""
        char = self.peek()
        self.pos += 1
        if char in _CLASS_ESCAPES:
            return _Item("escape", text=char)
        if char in ("p", "P"):
            close = self.text.index("}", self.pos)
            text, self.pos = self.text[self.pos - 2 : close + 1], close + 1
            return _Item("property", text=text)
        if in_class and char in ("b", "-"):
            return self.point(0x08 if char == "b" else 0x2D)
        return self.point(self.character_escape(char))

    def character_escape(self, char: str) -> int:
        if char in _CONTROL:
            return _CONTROL[char]
        if char == "c":
            self.pos += 1
            return ord(self.text[self.pos - 1]) % 32
        if char == "0":
            return 0
        if char == "x":
            return self.hex(2)
        if char == "u" and self.peek() == "{":
            close = self.text.index("}", self.pos)
            code, self.pos = int(self.text[self.pos + 1 : close], 16), close + 1
            return code
        if char == "u":
            code = self.hex(4)
            if 0xD800 <= code <= 0xDBFF and _TRAIL_ESCAPE.match(self.text, self.pos):
                self.pos += 2
                return 0x10000 + (code - 0xD800) * 0x400 + (self.hex(4) - 0xDC00)
            return code
        if char in _IDENTITY:
            return ord(char)
        raise self.fail(f"the escape \\{char}")

    def hex(self, digits: int) -> int:
        self.pos += digits
        return int(self.text[self.pos - digits : self.pos], 16)

    def point(self, code: int) -> _Item:
        if 0xD800 <= code <= 0xDFFF:
            raise self.fail("a surrogate code point (no JSON string holds one alone)")
        return _Item("range", code, code)


@functools.lru_cache(maxsize=256)
def _parse(pattern: str) -> _Tree:
    EcmaPattern(pattern)  # the engine's syntax check, with V8's refusals
    parser = _Parser(pattern)
    top = parser.disjunction()
    if parser.pos != len(pattern):
        raise parser.fail("an unbalanced )")
    order: list[_Raw] = []
    ids: dict[int, str] = {}
    parent: dict[str, str] = {}

    def walk(raw: _Raw, parent_id: str) -> None:
        node_id = ids[id(raw)] = f"n{len(order)}"
        order.append(raw)
        parent[node_id] = parent_id
        for child in raw.children:
            walk(child, node_id)

    for raw in top:
        walk(raw, "")
    nodes = tuple(
        PatternNode(
            ids[id(raw)],
            raw.kind,
            pattern[raw.start : raw.end],
            raw.start,
            raw.end,
            tuple(ids[id(child)] for child in raw.children),
            raw.lower,
            raw.upper,
        )
        for raw in order
    )
    captures = {ids[id(raw)]: raw.capture for raw in order if raw.capture is not None}
    captures |= {
        ids[id(raw)]: parser.names[raw.name]
        for raw in order
        if raw.kind == "backreference" and raw.name
    }
    return _Tree(
        nodes,
        {node.id: node for node in nodes},
        parent,
        {"": tuple(ids[id(raw)] for raw in top)} | {node.id: node.children for node in nodes},
        {ids[id(raw)]: raw.matcher for raw in order if raw.matcher is not None},
        captures,
    )


# --- derivation ----------------------------------------------------------------------


class _TooLongError(Exception):
    """A value would pass `_BUDGET` code points."""


@frozen
class _Plan:
    """How to build a value: quantifier counts, chosen alternatives, characters by node."""

    counts: dict[str, int] = attrs.field(factory=dict)
    choices: dict[str, int] = attrs.field(factory=dict)
    chars: dict[str, str] = attrs.field(factory=dict)

    def but(
        self,
        counts: dict[str, int] | None = None,
        choices: dict[str, int] | None = None,
        chars: dict[str, str] | None = None,
    ) -> _Plan:
        return _Plan(
            self.counts | (counts or {}), self.choices | (choices or {}), self.chars | (chars or {})
        )


@frozen
class _Base:
    """An accepted value and where each node's first instance sits in it."""

    plan: _Plan
    text: str
    spans: dict[str, tuple[int, int]]


@frozen
class _Candidate:
    side: Side
    reason: str
    value: str | None
    """None when the value would pass `_BUDGET`."""
    variant: str | None = None
    """The one-node variant of the pattern that must accept a reject value."""


def _valid(code: int) -> bool:
    """A code point a JSON string can carry alone; NUL is left out (stores refuse it)."""
    return 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


@functools.lru_cache(maxsize=256)
def _derive(
    pattern: str, min_length: int | None, max_length: int | None
) -> tuple[tuple[Witness, ...], tuple[Gap, ...]]:
    return _Deriver(pattern, min_length, max_length).run()


class _Deriver:
    """One derivation: bases per node, candidates per node, each checked by the engine."""

    def __init__(self, pattern: str, min_length: int | None, max_length: int | None) -> None:
        self.pattern = pattern
        self.tree = _parse(pattern)
        self.min_length = min_length
        self.max_length = max_length
        self.engines: dict[str, EcmaPattern | None] = {}
        self.bases: dict[object, _Base | str] = {}
        self.samples: dict[str, tuple[list[str], list[str]]] = {}
        self.options: dict[str, list[str]] = {}
        self.joint_seen: set[str | None] = set()
        self.found: list[Witness] = []
        self.gaps: list[Gap] = []

    def run(self) -> tuple[tuple[Witness, ...], tuple[Gap, ...]]:
        for node in self.tree.nodes:
            self.derive(node)
        return tuple(self.found), tuple(self.gaps)

    # engine ------------------------------------------------------------------------

    def test(self, pattern: str, value: str) -> bool:
        """The engine's verdict; a variant that does not compile accepts nothing."""
        if pattern not in self.engines:
            try:
                self.engines[pattern] = EcmaPattern(pattern)
            except UnsupportedPatternError:
                self.engines[pattern] = None
        engine = self.engines[pattern]
        return engine is not None and engine.test(value)

    def length_rule(self, value: str) -> str | None:
        length = code_point_length(value)
        if self.min_length is not None and length < self.min_length:
            return f"minLength {self.min_length}"
        if self.max_length is not None and length > self.max_length:
            return f"maxLength {self.max_length}"
        return None

    def fits(self, value: str) -> bool:
        return self.length_rule(value) is None and self.test(self.pattern, value)

    def check(self, candidate: _Candidate) -> str | None:
        """None when the candidate is a witness, else why it is dropped."""
        value, accept = candidate.value, candidate.side == "accept"
        if value is None:
            return f"the value would be longer than {_BUDGET} code points"
        rule = self.length_rule(value)
        if rule is not None:
            return (
                f"the value would break {rule}"
                if accept
                else f"a value that breaks only this node would break {rule}"
            )
        if self.test(self.pattern, value) != accept:
            return (
                "the rest of the pattern refuses it" if accept else "the pattern still accepts it"
            )
        if candidate.variant is not None and not self.test(candidate.variant, value):
            return "it breaks more than this node (the one-node variant refuses it too)"
        return None

    # characters --------------------------------------------------------------------

    def sampled(self, node_id: str) -> tuple[list[str], list[str]]:
        """A matcher's members (range ends, one per property) and near misses outside it."""
        if node_id not in self.samples:
            node, matcher = self.tree.by_id[node_id], self.tree.matchers[node_id]
            inside: list[int] = []
            outside: list[int] = []
            for item in matcher.items:
                item_in, item_out = self.item_samples(item)
                inside += item_in
                outside += item_out
            if node.kind == "literal" and (swapped := chr(inside[0]).swapcase()) != chr(inside[0]):
                outside[:0] = [ord(swapped)] if len(swapped) == 1 else []
            if matcher.negated:
                inside, outside = [*_WIDE, *outside], inside
            alone = f"^(?:{node.source})$"
            members = [chr(c) for c in inside if _valid(c) and self.test(alone, chr(c))]
            near = [chr(c) for c in outside if _valid(c) and not self.test(alone, chr(c))]
            self.samples[node_id] = (_unique(members), _unique(near))
        return self.samples[node_id]

    def item_samples(self, item: _Item) -> tuple[list[int], list[int]]:
        if item.kind == "property":
            alone = f"^{item.text}$"
            inside = [next((c for c in _PROPERTY_PROBES if self.test(alone, c)), "")]
            # Two typical non-members, and one from a neighbouring category ('é' for \p{Lu}).
            outside = [c for c in _NON_MEMBERS if not self.test(alone, c)][:2]
            outside += [c for c in _PROPERTY_PROBES if not self.test(alone, c)][:1]
            return [ord(c) for c in inside if c], [ord(c) for c in outside]
        ranges = (
            ((item.lo, item.hi),) if item.kind == "range" else _ESCAPE_RANGES[item.text.lower()]
        )
        ends = [end for lo, hi in ranges for end in (lo, hi)]
        beside = [end for lo, hi in ranges for end in (lo - 1, hi + 1)]
        return (beside, ends) if item.text.isupper() else (ends, beside)

    def choices_of(self, node_id: str) -> list[str]:
        """Characters a base may use for a matcher, plain ones first."""
        if node_id not in self.options:
            alone = f"^(?:{self.tree.by_id[node_id].source})$"
            preferred = [c for c in _PREFERRED if self.test(alone, c)]
            self.options[node_id] = _unique([*preferred, *self.sampled(node_id)[0]])
        return self.options[node_id]

    # building values ---------------------------------------------------------------

    def render(self, plan: _Plan, root: str = "") -> tuple[str, dict[str, tuple[int, int]]]:
        """The value a plan builds below `root`, and each rendered node's first span."""
        out: list[str] = []
        spans: dict[str, tuple[int, int]] = {}
        texts: dict[int, str] = {}
        size = 0

        def emit(piece: str, times: int = 1) -> None:
            nonlocal size
            size += len(piece) * times
            if size > _BUDGET:
                raise _TooLongError
            out.append(piece * times)

        def sequence(container: str) -> None:
            ids = self.tree.children[container]
            if ids and self.tree.by_id[ids[0]].kind == "alternative":
                ids = (ids[plan.choices.get(container, 0)],)
            for child in ids:
                visit(child)

        def visit(node_id: str) -> None:
            node, start = self.tree.by_id[node_id], size
            if node.kind in _MATCHERS:
                emit(plan.chars.get(node_id) or next(iter(self.choices_of(node_id)), ""))
            elif node.kind == "quantifier":
                count = plan.counts.get(node_id, node.lower or 0)
                if count:
                    visit(node.children[0])
                    emit("".join(out)[start:], count - 1)
            elif node.kind in ("group", "alternative"):
                sequence(node_id)
                if node_id in self.tree.captures:
                    texts[self.tree.captures[node_id]] = "".join(out)[start:]
            elif node.kind == "backreference":
                emit(texts.get(self.tree.captures.get(node_id, 0), ""))
            spans.setdefault(node_id, (start, size))

        sequence(root)
        return "".join(out), spans

    def pad(self, plan: _Plan, hold: str = "") -> _Base:
        """Grow open quantifiers (not `hold`), in source order, until minLength is met."""
        text, spans = self.render(plan)
        for node in self.tree.nodes:
            deficit = (self.min_length or 0) - len(text)
            if deficit <= 0:
                break
            if node.kind != "quantifier" or node.id not in spans or node.id == hold:
                continue
            count = plan.counts.get(node.id, node.lower or 0)
            step = len(self.render(plan.but({node.id: count + 1}))[0]) - len(text)
            if step <= 0 or (node.upper is not None and count >= node.upper):
                continue
            grown = count - (-deficit // step)
            plan = plan.but({node.id: grown if node.upper is None else min(grown, node.upper)})
            text, spans = self.render(plan)
        return _Base(plan, text, spans)

    def counted(self, plan: _Plan, node_id: str, count: int) -> str | None:
        try:
            return self.pad(plan.but({node_id: count}), hold=node_id).text
        except _TooLongError:
            return None

    def base(self, node_id: str) -> _Base | str:
        """An accepted value that renders `node_id`, or why none was found."""
        counts: dict[str, int] = {}
        choices: dict[str, int] = {}
        child, parent = node_id, self.tree.parent[node_id]
        while True:
            if self.tree.by_id[child].kind == "alternative":
                choices[parent] = self.tree.children[parent].index(child)
            if not parent:
                break
            above = self.tree.by_id[parent]
            if above.kind == "quantifier" and above.lower == 0:
                counts[parent] = 1
            child, parent = parent, self.tree.parent[parent]
        key = (tuple(sorted(counts.items())), tuple(sorted(choices.items())))
        if key not in self.bases:
            self.bases[key] = self.settle(_Plan(counts, choices), fixed=frozenset(choices))
        return self.bases[key]

    def settle(self, plan: _Plan, fixed: frozenset[str]) -> _Base | str:
        """The plan's value if accepted, else the first accepted one-change repair."""
        try:
            first = self.pad(plan)
        except _TooLongError:
            return f"the shortest value that reaches it is longer than {_BUDGET} code points"
        if self.fits(first.text):
            return first
        for repaired in itertools.islice(self.repairs(first, fixed), _REPAIRS):
            try:
                base = self.pad(repaired)
            except _TooLongError:
                continue
            if self.fits(base.text):
                return base
        rule = self.length_rule(first.text)
        why = f"breaks {rule}" if rule else "is refused by the rest of the pattern"
        return f"no accepted value reaches it: {first.text!r} {why}, no single change mends it"

    def repairs(self, base: _Base, fixed: frozenset[str]) -> Iterator[_Plan]:
        plan = base.plan
        for container in ("", *(node.id for node in self.tree.nodes if node.id in base.spans)):
            node = self.tree.by_id.get(container)
            ids = self.tree.children[container]
            if node is not None and node.kind in _MATCHERS:
                current = plan.chars.get(node.id) or base.text[base.spans[node.id][0]]
                options = [c for c in self.choices_of(node.id) if c != current]
                yield from (plan.but(chars={node.id: c}) for c in options[:4])
            elif node is not None and node.kind == "quantifier":
                count = plan.counts.get(node.id, node.lower or 0)
                if node.upper is None or count < node.upper:
                    yield plan.but({node.id: count + 1})
            elif ids and self.tree.by_id[ids[0]].kind == "alternative" and container not in fixed:
                chosen = plan.choices.get(container, 0)
                others = (i for i in range(len(ids)) if i != chosen)
                yield from (plan.but(choices={container: i}) for i in others)

    # witnesses ---------------------------------------------------------------------

    def derive(self, node: PatternNode) -> None:
        lookaround = self.enclosing(node.id, _LOOKAROUNDS)
        if lookaround is not None:
            via = f"inside {lookaround.source}: exercised through {lookaround.id}"
            self.gaps += [Gap(node.id, side, via) for side in _SIDES]
            return
        if node.kind == "group":
            self.gaps += [Gap(node.id, side, "exercised through its children") for side in _SIDES]
            return
        base = self.base(node.id)
        if isinstance(base, str):
            self.gaps += [Gap(node.id, side, base) for side in _SIDES]
            return
        groups = list(self.candidates(node, base))
        taken: set[tuple[str, str]] = set()
        for side in _SIDES:
            mine = [group for group in groups if group[0].side == side]
            if not mine:
                self.gaps.append(Gap(node.id, side, _none_reason(node, side)))
            for group in mine:
                failure = None
                for candidate in group:
                    why = self.check(candidate)
                    if why is None and candidate.value is not None:
                        if (side, candidate.value) not in taken:
                            taken.add((side, candidate.value))
                            self.found.append(
                                Witness(candidate.value, side, node.id, candidate.reason)
                            )
                        break
                    failure = failure or f"{candidate.reason}: {why}"
                else:
                    self.gaps.append(Gap(node.id, side, failure or ""))

    def enclosing(self, node_id: str, kinds: frozenset[str]) -> PatternNode | None:
        """The nearest ancestor of one of `kinds`."""
        parent = self.tree.parent[node_id]
        while parent:
            if self.tree.by_id[parent].kind in kinds:
                return self.tree.by_id[parent]
            parent = self.tree.parent[parent]
        return None

    def candidates(self, node: PatternNode, base: _Base) -> Iterator[tuple[_Candidate, ...]]:
        """Groups of candidates; the first that passes the checks in a group is kept."""
        text = base.text
        if node.kind in _MATCHERS:
            members, near = self.sampled(node.id)
            for char in members:
                reason = f"{node.source} member {char!r}"
                yield tuple(_Candidate("accept", reason, v) for v in self.placed(node, base, char))
            for char in near:
                relaxed = f"(?:{node.source}|\\u{{{ord(char):X}}})"
                variant = self.pattern[: node.start] + relaxed + self.pattern[node.end :]
                reason = f"{node.source} near miss {char!r} (U+{ord(char):04X})"
                values = self.placed(node, base, char)
                yield tuple(_Candidate("reject", reason, v, variant) for v in values)
        elif node.kind == "quantifier":
            yield from self.quantifier_candidates(node, base)
        elif node.kind in _ASSERTIONS:
            yield (_Candidate("accept", f"{node.source} holds", text),)
            probes = tuple(self.assertion_probes(node, base))
            if probes:
                yield probes
        elif node.kind == "alternative":
            yield (_Candidate("accept", f"alternative {node.source!r}", text),)
        elif node.kind == "backreference":
            yield (_Candidate("accept", f"{node.source} repeats its group", text),)
            start, end = base.spans[node.id]
            if end > start:
                reason = f"{node.source} broken: a different character"
                edits = (text[:start] + c + text[start + 1 :] for c in _PROBES if c != text[start])
                yield tuple(_Candidate("reject", reason, value) for value in edits)

    def placed(self, node: PatternNode, base: _Base, char: str) -> Iterator[str | None]:
        """`char` at the matcher's first instance; then mid-run (where neighbours decide,
        as lookarounds do); then at every instance (where a backreference repeats it)."""
        start, end = base.spans[node.id]
        yield base.text[:start] + char + base.text[end:]
        loop = self.enclosing(node.id, frozenset({"quantifier"}))
        if loop is not None and (loop.upper is None or loop.upper > 2):
            count = max(base.plan.counts.get(loop.id, loop.lower or 0), 1) + 2
            try:
                text, spans = self.render(base.plan.but({loop.id: count}))
            except _TooLongError:
                text, spans = "", {}
            if node.id in spans:
                inner, outer = spans[node.id][0], spans[loop.id]
                middle = inner + (outer[1] - outer[0]) // count
                yield text[:middle] + char + text[middle + 1 :]
        try:
            yield self.render(base.plan.but(chars={node.id: char}))[0]
        except _TooLongError:
            yield None

    def quantifier_candidates(
        self, node: PatternNode, base: _Base
    ) -> Iterator[tuple[_Candidate, ...]]:
        atom_end = node.start + len(self.tree.by_id[node.children[0]].source)
        suffix = self.pattern[atom_end : node.end]
        lower, upper = node.lower or 0, node.upper

        def at(
            count: int, side: Side, reason: str, bounds: tuple[int, int | None] | None = None
        ) -> tuple[_Candidate, ...]:
            variant = None
            if bounds is not None:
                top = "" if bounds[1] is None else bounds[1]
                variant = (
                    f"{self.pattern[:atom_end]}{{{bounds[0]},{top}}}{self.pattern[node.end :]}"
                )
            value = self.counted(base.plan, node.id, count)
            return (_Candidate(side, f"{suffix} {reason}", value, variant),)

        yield at(lower, "accept", "lower bound")
        if upper is None:
            count = base.plan.counts.get(node.id, lower)
            more = "one above lower bound" if count == lower else f"{count + 1} times"
            yield at(count + 1, "accept", more)
            longer = self.counted(base.plan, node.id, count + 1)
            step = len(longer) - len(base.text) if longer is not None else 0
            if self.max_length is not None and step > 0:
                grown = count + (self.max_length - len(base.text)) // step
                if grown > lower + 1:
                    yield at(grown, "accept", f"grown to maxLength {self.max_length}")
        else:
            if upper != lower:
                yield at(upper, "accept", "upper bound")
            tops = {q.id: q.upper for q in self.tree.nodes if q.upper is not None}
            try:
                joint: str | None = self.render(base.plan.but(tops))[0]
            except _TooLongError:
                joint = None
            if joint != at(upper, "accept", "")[0].value and joint not in self.joint_seen:
                self.joint_seen.add(joint)
                reason = f"{suffix} upper bound with every bounded quantifier at its upper bound"
                yield (_Candidate("accept", reason, joint),)
        if lower > 0:
            yield at(lower - 1, "reject", "one below lower bound", (lower - 1, upper))
        if upper is not None:
            yield at(upper + 1, "reject", "one above upper bound", (lower, upper + 1))

    def assertion_probes(self, node: PatternNode, base: _Base) -> Iterator[_Candidate]:
        """One-character (or one-piece) edits at the assertion's position."""
        text, (at, _) = base.text, base.spans[node.id]
        variant = self.pattern[: node.start] + self.pattern[node.end :]
        reason = {
            "start-anchor": f"{node.source} broken: leading character",
            "end-anchor": f"{node.source} broken: trailing character",
        }.get(node.kind, f"{node.source} broken")
        behind = node.kind.endswith("lookbehind")
        if node.kind.startswith("negative-"):
            content = self.render(base.plan, root=node.id)[0]
            if not content:
                return
            overwrite = (
                text[: max(0, at - len(content))] + content + text[at:]
                if behind
                else text[:at] + content + text[at + len(content) :]
            )
            for value in (text[:at] + content + text[at:], overwrite):
                yield _Candidate("reject", reason, value, variant)
            return
        chars = [text[at - 1 : at], text[at : at + 1]]
        inner = [n.id for n in self.tree.nodes if n.kind in _MATCHERS and n.start >= node.start]
        inner = [i for i in inner if self.tree.by_id[i].end <= node.end]
        for inner_id in reversed(inner) if behind else inner:
            chars += self.sampled(inner_id)[1]
        for char in _unique(c for c in [*chars, *_PROBES] if c):
            yield _Candidate("reject", reason, text[:at] + char + text[at:], variant)
            if node.kind in _LOOKAROUNDS and (at > 0 if behind else at < len(text)):
                edited = (
                    text[: at - 1] + char + text[at:]
                    if behind
                    else text[:at] + char + text[at + 1 :]
                )
                yield _Candidate("reject", reason, edited, variant)


def _none_reason(node: PatternNode, side: Side) -> str:
    """Why a node has no candidate at all on one side."""
    if node.kind in _MATCHERS:
        return "no member found" if side == "accept" else "no near miss outside the class"
    if node.kind == "quantifier":
        return "a quantifier from 0 to unbounded has no bound to break"
    if node.kind == "alternative":
        return "an alternative is broken through its own nodes"
    if node.kind == "backreference":
        return "the group it repeats is empty in the base value"
    return "no edit at its position to try"


# --- variants: how a server might mis-implement one node -----------------------------


@frozen
class Variant:
    """The pattern with one node (or, for a dialect, every node of a kind) changed."""

    node: str
    """The node's id; "" for a dialect variant (the whole pattern)."""
    kind: str
    """quantifier-bound, class-member-added, class-member-removed, case-swapped,
    anchor-dropped, lookaround-dropped, alternative-dropped, alternative-widened,
    dot-line-terminators, python-dollar, unanchored, full-match, unicode-digit,
    unicode-word, python-space."""
    change: str
    pattern: str


_PYTHON_SPACES = (
    (0x09, 0x0D),
    (0x1C, 0x20),
    (0x85, 0x85),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
)
"""Python's Unicode `\\s` (str.isspace): with U+001C-U+001F and U+0085, without U+FEFF."""
_UNICODE_ESCAPES = {
    "d": "\\p{Nd}",
    "w": "\\p{L}\\p{N}_",
    "s": "".join(f"\\u{{{lo:X}}}-\\u{{{hi:X}}}" for lo, hi in _PYTHON_SPACES),
}


def _point(code: int) -> str:
    char = chr(code)
    return char if char.isascii() and char.isalnum() else f"\\u{{{code:X}}}"


def _render_item(item: _Item) -> str:
    if item.kind == "escape":
        return "\\" + item.text
    if item.kind == "property":
        return item.text
    return _point(item.lo) if item.lo == item.hi else f"{_point(item.lo)}-{_point(item.hi)}"


def _render_class(items: Iterable[_Item], negated: bool) -> str:
    return "[" + "^" * negated + "".join(map(_render_item, items)) + "]"


def _swapped(item: _Item) -> _Item | None:
    """The case-swapped range of a letter range (`a-f` -> `A-F`), when it is one range."""
    if item.kind != "range":
        return None
    low, high = chr(item.lo).swapcase(), chr(item.hi).swapcase()
    if len(low) != 1 or len(high) != 1 or low == chr(item.lo) or ord(high) - ord(low) < 0:
        return None
    if ord(high) - ord(low) != item.hi - item.lo:
        return None
    return _Item("range", ord(low), ord(high))


def _class_variants(node: PatternNode, matcher: _Matcher) -> Iterator[tuple[str, str, str]]:
    """(kind, change, new class source): members added or removed, case swapped."""
    items, negated = matcher.items, matcher.negated
    klass = EcmaPattern(f"^{node.source}$")
    more, fewer = (
        ("class-member-removed", "class-member-added")
        if negated
        else ("class-member-added", "class-member-removed")
    )
    for item in items:
        swapped = _swapped(item)
        if swapped is not None and not klass.test(chr(swapped.lo)):
            yield (
                "case-swapped" if not negated else fewer,
                f"{_render_item(swapped)} {'excluded' if negated else 'added'} (case swapped)",
                _render_class((*items, swapped), negated),
            )
    ends = sorted({e for i in items if i.kind == "range" for e in (i.lo - 1, i.hi + 1)})
    for code in ends:
        if 0 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
            if klass.test(chr(code)) != negated:
                continue
            change = f"U+{code:04X} {'excluded' if negated else 'added'} (a range end moved)"
            yield more, change, _render_class((*items, _Item("range", code, code)), negated)
    for index, item in enumerate(items):
        rest = items[:index] + items[index + 1 :]
        if rest:
            change = f"{_render_item(item)} {'no longer excluded' if negated else 'removed'}"
            yield fewer, change, _render_class(rest, negated)
        if item.kind == "range" and item.hi > item.lo:
            for trimmed in (
                _Item("range", item.lo + 1, item.hi),
                _Item("range", item.lo, item.hi - 1),
            ):
                cut = _point(item.lo if trimmed.lo > item.lo else item.hi)
                change = (
                    f"{cut} {'no longer excluded' if negated else 'removed'} (a range end moved)"
                )
                yield fewer, change, _render_class((*rest[:index], trimmed, *rest[index:]), negated)


def _quantified(atom: str, lower: int, upper: int | None) -> str:
    return f"{atom}{{{lower},{'' if upper is None else upper}}}"


def variants(pattern: str) -> tuple[Variant, ...]:
    """One-node variants of `pattern`, each a valid ECMA-262 pattern; deterministic.

    Why: a server that gets one piece of the pattern wrong accepts or refuses a few values
    the documented pattern judges otherwise; each variant is one such server, for the
    contract suite's mutant model to tell apart from the documented rule.
    """
    tree = _parse(pattern)
    found: list[Variant] = []

    def add(node: PatternNode, kind: str, change: str, source: str) -> None:
        text = pattern[: node.start] + source + pattern[node.end :]
        if text != pattern and _compiles(text):
            found.append(Variant(node.id, kind, change, text))

    for node in tree.nodes:
        if node.kind == "quantifier":
            atom = tree.by_id[node.children[0]].source
            lower, upper = node.lower or 0, node.upper
            moves: list[tuple[str, int, int | None]] = []
            if lower > 0:
                moves.append((f"lower bound {lower - 1}", lower - 1, upper))
            if upper is not None:
                moves.append((f"upper bound {upper + 1}", lower, upper + 1))
            if upper is None or lower < upper:
                moves.append((f"lower bound {lower + 1}", lower + 1, upper))
            if upper is not None and upper > lower:
                moves.append((f"upper bound {upper - 1}", lower, upper - 1))
            for change, low, high in moves:
                add(
                    node,
                    "quantifier-bound",
                    f"{node.source}: {change}",
                    _quantified(atom, low, high),
                )
        elif node.kind == "class":
            for kind, change, source in _class_variants(node, tree.matchers[node.id]):
                add(node, kind, f"{node.source}: {change}", source)
        inside = tree.parent[node.id]
        while inside and tree.by_id[inside].kind not in _LOOKAROUNDS | {"quantifier"}:
            inside = tree.parent[inside]
        if node.kind in _MATCHERS and not inside:
            for change, low, high in (("made optional", 0, 1), ("allowed twice", 1, 2)):
                add(
                    node,
                    "quantifier-bound",
                    f"{node.source}: {change}",
                    _quantified(node.source, low, high),
                )
        if node.kind == "literal":
            char = chr(tree.matchers[node.id].items[0].lo)
            if char.swapcase() != char and len(char.swapcase()) == 1:
                both = _render_class(
                    (
                        tree.matchers[node.id].items[0],
                        _Item("range", ord(char.swapcase()), ord(char.swapcase())),
                    ),
                    False,
                )
                add(node, "case-swapped", f"{node.source}: {char.swapcase()!r} too", both)
        elif node.kind in ("start-anchor", "end-anchor", "word-boundary"):
            add(node, "anchor-dropped", f"{node.source} dropped", "")
            if node.kind == "end-anchor":
                add(node, "python-dollar", "$ also before a final \\n (Python)", "(?=\\n?$)")
        elif node.kind in _LOOKAROUNDS:
            add(node, "lookaround-dropped", f"{node.source} dropped", "")
        elif node.kind == "dot":
            add(node, "dot-line-terminators", ". also matches line terminators", "[\\s\\S]")
            add(node, "dot-line-terminators", ". as Python's (\\r, U+2028, U+2029 too)", "[^\\n]")
    for container, ids in tree.children.items():
        alternatives = [tree.by_id[i] for i in ids if tree.by_id[i].kind == "alternative"]
        if len(alternatives) < 2:
            continue
        for index, alternative in enumerate(alternatives):
            start = alternatives[index - 1].end if index else alternative.start
            end = alternative.end if index else alternatives[1].start
            text = pattern[:start] + pattern[end:]
            if _compiles(text):
                found.append(
                    Variant(
                        alternative.id,
                        "alternative-dropped",
                        f"{alternative.source!r} dropped",
                        text,
                    )
                )
        last = alternatives[-1]
        text = pattern[: last.end] + "|" + pattern[last.end :]
        found.append(
            Variant(container or last.id, "alternative-widened", "an empty alternative", text)
        )
    return tuple(dict((v.pattern, v) for v in found).values())


def dialect_variants(pattern: str) -> tuple[Variant, ...]:
    """Whole-pattern variants: how another regex dialect reads every node of a kind.

    Why: engine mistakes are not local; a server on Python's `re` or without anchors
    gets every `$`, every `\\d`, every anchor wrong at once.
    """
    tree = _parse(pattern)
    found: list[Variant] = []

    def rewrite(kind: str, change: str, edit: dict[str, str]) -> None:
        if not edit:
            return
        text, last = [], 0
        for node in tree.nodes:
            if node.id in edit and node.start >= last:
                text += [pattern[last : node.start], edit[node.id]]
                last = node.end
        text.append(pattern[last:])
        joined = "".join(text)
        if joined != pattern and _compiles(joined):
            found.append(Variant("", kind, change, joined))

    def in_lookaround(node_id: str) -> bool:
        parent = tree.parent[node_id]
        while parent and tree.by_id[parent].kind not in _LOOKAROUNDS:
            parent = tree.parent[parent]
        return bool(parent)

    # the anchors that bound the match; a `$` inside a lookahead is part of a condition
    anchors = [
        n
        for n in tree.nodes
        if n.kind in ("start-anchor", "end-anchor") and not in_lookaround(n.id)
    ]
    rewrite("unanchored", "searched without ^ and $", {n.id: "" for n in anchors})
    ends = {n.id: "(?=\\n?$)" for n in tree.nodes if n.kind == "end-anchor"}
    rewrite("python-dollar", "every $ also before a final \\n (Python)", ends)
    if not anchors:
        found.append(Variant("", "full-match", "matched in full, not searched", f"^(?:{pattern})$"))
    for letter, kind in (("d", "unicode-digit"), ("w", "unicode-word"), ("s", "python-space")):
        edit: dict[str, str] = {}
        for node in tree.nodes:
            matcher = tree.matchers.get(node.id)
            if matcher is None or node.kind not in ("escape-class", "class"):
                continue
            escapes = [i for i in matcher.items if i.kind == "escape" and i.text.lower() == letter]
            if not escapes:
                continue
            if node.kind == "escape-class":
                negated = escapes[0].text.isupper()
                edit[node.id] = "[" + "^" * negated + _UNICODE_ESCAPES[letter] + "]"
            elif all(i.text == letter for i in escapes):
                rest = "".join(
                    _UNICODE_ESCAPES[letter] if i in escapes else _render_item(i)
                    for i in matcher.items
                )
                edit[node.id] = "[" + "^" * matcher.negated + rest + "]"
        change = {
            "d": "\\d is any Unicode digit",
            "w": "\\w is any Unicode letter or number",
            "s": "\\s is Python's (U+001C-U+001F, U+0085; no U+FEFF)",
        }[letter]
        rewrite(kind, change, edit)
    return tuple(dict((v.pattern, v) for v in found).values())


def _compiles(pattern: str) -> bool:
    try:
        EcmaPattern(pattern)
    except UnsupportedPatternError:
        return False
    return True
