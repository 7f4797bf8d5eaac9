"""Pattern nodes and their witnesses: parsed from the source, each witness kept consistent.

The witnesses are chosen with the runtime's engine (regress), so re-checking them here with
that engine only shows the derivation is consistent (sides, lengths, JSON): V8, the
independent ECMA-262 engine, judges the same named and generated patterns, with as many
examples, in test_pattern_nodes_v8.py.

The named patterns are the fragment's three plus one per construct the suite meets; each
gets its per-node coverage pinned (which witness, which gap and why). The mutation table
shows the point of it all: a server that mis-implements one node gives at least one
witness a different verdict.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract_tests.core import pattern_nodes
from contract_tests.core.pattern_nodes import Gap, PatternNode, Witness, parse, uncovered, witnesses
from dynamic_sdk_runtime.ecma import (
    UnsafePatternError,
    UnsupportedPatternError,
    code_point_length,
    compile_pattern,
    ecma_test,
)

UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
NAME = r"^(?=\S)[\p{L}\p{N}a-zA-Z _.,:!?&%@\/+\-'|]+(?<=\S)$"
ISO = r"^[a-zA-Z]{2,4}\d?$"
ALTERNATION = "^(?:foo|ba[rz])$"
UNANCHORED = r"\d{3}"
PLUS = "^a+$"
EMAIL = r"^[^\s@]+@[^\s@]+$"
NO_LEADING_ZERO = r"^(?!0)\d{1,3}$"
NO_TRAILING_UNDERSCORE = r"^\w+(?<!_)$"
WORD = r"\bfoo\b"
REPEAT = r"^(\w)\1$"
PROPERTIES = r"^.\p{Lu}\P{L}[\u{1F600}]$"

# (pattern, minLength, maxLength)
NAMED: list[tuple[str, int | None, int | None]] = [
    (UUID, 36, 36),
    (NAME, None, 255),
    (ISO, None, 4),
    (ALTERNATION, None, None),
    (UNANCHORED, None, None),
    (PLUS, None, None),
    (EMAIL, None, None),
    (NO_LEADING_ZERO, None, None),
    (NO_TRAILING_UNDERSCORE, None, None),
    (WORD, None, None),
    (REPEAT, None, None),
    (PROPERTIES, None, None),
]
NAMED_IDS = [pattern for pattern, _, _ in NAMED]


def node_of(pattern: str, source: str, occurrence: int = 0) -> PatternNode:
    """The node whose source is `source` (the n-th such node in source order)."""
    return [node for node in parse(pattern) if node.source == source][occurrence]


def reasons(pattern: str, node: PatternNode, side: str, **lengths: int | None) -> list[str]:
    return [w.reason for w in witnesses(pattern, **lengths) if w.node == node.id and w.side == side]


def values(pattern: str, node: PatternNode, side: str, **lengths: int | None) -> list[str]:
    return [w.value for w in witnesses(pattern, **lengths) if w.node == node.id and w.side == side]


def gaps(pattern: str, node: PatternNode, side: str, **lengths: int | None) -> list[str]:
    return [g.reason for g in uncovered(pattern, **lengths) if g.node == node.id and g.side == side]


def assert_consistent(
    pattern: str, found: tuple[Witness, ...], min_length: int | None, max_length: int | None
) -> None:
    """Each witness keeps the side the deriving engine gives it and both length rules."""
    for witness in found:
        assert ecma_test(pattern, witness.value) is (witness.side == "accept"), witness
        length = code_point_length(witness.value)
        assert min_length is None or length >= min_length, witness
        assert max_length is None or length <= max_length, witness
        assert json.loads(json.dumps(witness.value)) == witness.value
        assert not any(0xD800 <= ord(char) <= 0xDFFF for char in witness.value), witness


def assert_accounted(pattern: str, found: tuple[Witness, ...], missing: tuple[Gap, ...]) -> None:
    """Every node side has a witness or a gap saying why not: the coverage report is whole."""
    ids = {node.id for node in parse(pattern)}
    assert {w.node for w in found} <= ids
    assert {g.node for g in missing} <= ids
    for node_id in ids:
        for side in ("accept", "reject"):
            witnessed = any(w.node == node_id and w.side == side for w in found)
            explained = any(g.node == node_id and g.side == side for g in missing)
            assert witnessed or explained, (node_id, side)


# --- parser --------------------------------------------------------------------------


EVERY_KIND = (
    r"^(?<y>\d{4})-(?:a|b)*?[^\s\p{L}]\P{N}.\b(?=x)(?!y)(?<=z)(?<!w)\B\k<y>\1"
    r"\u{1F600}\x41\u0042\t\/\p{Script=Greek}[\uD83D\uDE00-]$"
)


@pytest.mark.parametrize("pattern", [*NAMED_IDS, EVERY_KIND])
def test_node_sources_are_slices_and_ids_follow_source_order(pattern: str) -> None:
    nodes = parse(pattern)
    assert [node.id for node in nodes] == [f"n{i}" for i in range(len(nodes))]
    assert [node.start for node in nodes] == sorted(node.start for node in nodes)
    by_id = {node.id: node for node in nodes}
    for node in nodes:
        assert node.source == pattern[node.start : node.end]
        for child in node.children:
            assert node.start <= by_id[child].start <= by_id[child].end <= node.end
    assert parse(pattern) == nodes


def test_every_kind_is_parsed() -> None:
    kinds = [(node.kind, node.source) for node in parse(EVERY_KIND)]
    assert kinds[:9] == [
        ("start-anchor", "^"),
        ("group", r"(?<y>\d{4})"),
        ("quantifier", r"\d{4}"),
        ("escape-class", r"\d"),
        ("literal", "-"),
        ("quantifier", "(?:a|b)*?"),
        ("group", "(?:a|b)"),
        ("alternative", "a"),
        ("literal", "a"),
    ]
    assert {kind for kind, _ in kinds} == {
        *("start-anchor", "end-anchor", "literal", "class", "property", "dot", "escape-class"),
        *("quantifier", "group", "alternative", "lookahead", "negative-lookahead"),
        *("lookbehind", "negative-lookbehind", "word-boundary", "backreference"),
    }
    assert ("literal", r"\u{1F600}") in kinds
    assert ("property", r"\p{Script=Greek}") in kinds
    assert ("backreference", r"\k<y>") in kinds
    quantifiers = [(n.source, n.lower, n.upper) for n in parse("a{2}b{3,}c{4,5}d*e+f?g{1,2}?")]
    assert [q for q in quantifiers if q[1] is not None] == [
        ("a{2}", 2, 2),
        ("b{3,}", 3, None),
        ("c{4,5}", 4, 5),
        ("d*", 0, None),
        ("e+", 1, None),
        ("f?", 0, 1),
        ("g{1,2}?", 1, 2),
    ]


@pytest.mark.parametrize(
    ("pattern", "construct"),
    [
        ("(", "invalid ECMA-262"),
        (r"\-", "invalid ECMA-262"),
        ("(?i:a)", "modifier groups"),
        (r"^\uD800$", "surrogate"),
        ("[\\uDC00-\\uDFFF]", "surrogate"),
    ],
)
def test_unsupported_syntax_names_the_construct(pattern: str, construct: str) -> None:
    with pytest.raises(UnsupportedPatternError, match=construct):
        parse(pattern)
    with pytest.raises(UnsupportedPatternError, match=construct):
        witnesses(pattern)


# --- witnesses per node, named patterns -----------------------------------------------


@pytest.mark.parametrize(("pattern", "min_length", "max_length"), NAMED, ids=NAMED_IDS)
def test_named_witnesses_are_consistent_and_coverage_is_whole(
    pattern: str, min_length: int | None, max_length: int | None
) -> None:
    found = witnesses(pattern, min_length=min_length, max_length=max_length)
    missing = uncovered(pattern, min_length=min_length, max_length=max_length)
    assert_consistent(pattern, found, min_length, max_length)
    assert_accounted(pattern, found, missing)
    assert witnesses(pattern, min_length=min_length, max_length=max_length) == found


def test_uuid() -> None:
    lengths = {"min_length": 36, "max_length": 36}
    first, dash = node_of(UUID, "[0-9a-f]"), node_of(UUID, "-")
    assert reasons(UUID, first, "accept", **lengths) == [f"[0-9a-f] member {c!r}" for c in "09af"]
    assert reasons(UUID, first, "reject", **lengths) == [
        "[0-9a-f] near miss '/' (U+002F)",
        "[0-9a-f] near miss ':' (U+003A)",
        "[0-9a-f] near miss '`' (U+0060)",
        "[0-9a-f] near miss 'g' (U+0067)",
    ]
    assert (
        values(UUID, first, "reject", **lengths)[3] == "g" + "a" * 7 + "-aaaa" * 3 + "-" + "a" * 12
    )
    assert reasons(UUID, dash, "reject", **lengths) == [
        "- near miss ',' (U+002C)",
        "- near miss '.' (U+002E)",
    ]
    eight = node_of(UUID, "[0-9a-f]{8}")
    assert reasons(UUID, eight, "accept", **lengths) == ["{8} lower bound"]
    assert gaps(UUID, eight, "reject", **lengths) == [
        "{8} one below lower bound: a value that breaks only this node would break minLength 36",
        "{8} one above upper bound: a value that breaks only this node would break maxLength 36",
    ]
    # Both anchors are unbreakable within exactly 36 code points; the report says so.
    for anchor in ("^", "$"):
        (reason,) = gaps(UUID, node_of(UUID, anchor), "reject", **lengths)
        assert reason.endswith("a value that breaks only this node would break maxLength 36")


def test_name() -> None:
    lengths = {"max_length": 255}
    name_class = node_of(NAME, NAME[7:-9])
    accepted = values(NAME, name_class, "accept", **lengths)
    assert {"é", "٣", "a", "z", "A", "Z", "a a", "'", "|", "/", "-"} <= set(accepted)
    assert {"©", "#", "`", "{", '"'} <= set(values(NAME, name_class, "reject", **lengths))
    plus = node_of(NAME, NAME[7:-8])
    assert reasons(NAME, plus, "accept", **lengths) == [
        "+ lower bound",
        "+ one above lower bound",
        "+ grown to maxLength 255",
    ]
    assert len(values(NAME, plus, "accept", **lengths)[2]) == 255
    # "" breaks the lookarounds too: no server that mis-implements only `+` accepts it.
    assert gaps(NAME, plus, "reject", **lengths) == [
        "+ one below lower bound: it breaks more than this node (the one-node variant "
        "refuses it too)"
    ]
    ahead, behind = node_of(NAME, r"(?=\S)"), node_of(NAME, r"(?<=\S)")
    assert values(NAME, ahead, "reject", **lengths) == [" a"]
    assert reasons(NAME, ahead, "reject", **lengths) == [r"(?=\S) broken"]
    assert values(NAME, behind, "reject", **lengths) == ["a "]
    assert values(NAME, node_of(NAME, "^"), "reject", **lengths) == ["#a"]
    assert gaps(NAME, node_of(NAME, r"\S"), "reject", **lengths) == [
        r"inside (?=\S): exercised through n1"
    ]


def test_iso_max_length_drops_the_longest_value_the_pattern_admits() -> None:
    lengths = {"max_length": 4}
    letters, digit = node_of(ISO, "[a-zA-Z]{2,4}"), node_of(ISO, r"\d?")
    assert values(ISO, letters, "accept", **lengths) == ["aa", "aaaa"]
    assert values(ISO, letters, "reject", **lengths) == ["a"]
    assert gaps(ISO, letters, "accept", **lengths) == [
        "{2,4} upper bound with every bounded quantifier at its upper bound: "
        "the value would break maxLength 4"
    ]
    assert gaps(ISO, letters, "reject", **lengths) == [
        "{2,4} one above upper bound: a value that breaks only this node would break maxLength 4"
    ]
    assert values(ISO, digit, "accept", **lengths) == ["aa", "aa0"]
    assert values(ISO, digit, "reject", **lengths) == ["aa00"]
    assert values(ISO, node_of(ISO, r"\d"), "accept", **lengths) == ["aa0", "aa9"]
    assert values(ISO, node_of(ISO, r"\d"), "reject", **lengths) == ["aa/", "aa:"]
    assert values(ISO, node_of(ISO, "^"), "reject", **lengths) == ["0aa"]
    assert reasons(ISO, node_of(ISO, "^"), "reject", **lengths) == ["^ broken: leading character"]
    assert values(ISO, node_of(ISO, "$"), "reject", **lengths) == ["aa_"]
    # Without maxLength the five-character value is a witness.
    assert "aaaa0" in values(ISO, letters, "accept")
    assert "aaaaa" in values(ISO, letters, "reject")


def test_alternation_has_one_accept_witness_per_alternative() -> None:
    foo, barz = node_of(ALTERNATION, "foo"), node_of(ALTERNATION, "ba[rz]")
    assert (foo.kind, barz.kind) == ("alternative", "alternative")
    assert values(ALTERNATION, foo, "accept") == ["foo"]
    assert reasons(ALTERNATION, barz, "accept") == ["alternative 'ba[rz]'"]
    assert values(ALTERNATION, node_of(ALTERNATION, "[rz]"), "accept") == ["bar", "baz"]
    assert values(ALTERNATION, node_of(ALTERNATION, "b"), "reject") == ["Baz", "aaz", "caz"]
    assert gaps(ALTERNATION, foo, "reject") == ["an alternative is broken through its own nodes"]
    assert gaps(ALTERNATION, node_of(ALTERNATION, ALTERNATION[1:-1]), "accept") == [
        "exercised through its children"
    ]


def test_unanchored_quantifier_upper_bound_is_dropped_as_matching_elsewhere() -> None:
    three = node_of(UNANCHORED, UNANCHORED)
    assert values(UNANCHORED, three, "reject") == ["00"]
    assert gaps(UNANCHORED, three, "reject") == [
        "{3} one above upper bound: the pattern still accepts it"
    ]
    assert values(UNANCHORED, node_of(UNANCHORED, r"\d"), "reject") == ["/00", ":00"]


def test_plus_without_max_and_with_min_length() -> None:
    plus = node_of(PLUS, "a+")
    assert values(PLUS, plus, "accept") == ["a", "aa"]
    assert values(PLUS, plus, "reject") == [""]
    assert values(PLUS, node_of(PLUS, "a"), "reject") == ["A", "`", "b"]
    # minLength 5 pads the run; the count edits then break minLength, and say so.
    assert values(PLUS, node_of(PLUS, "a"), "accept", min_length=5) == ["aaaaa"]
    assert gaps(PLUS, plus, "reject", min_length=5) == [
        "+ one below lower bound: a value that breaks only this node would break minLength 5"
    ]


def test_negated_classes() -> None:
    local = node_of(EMAIL, r"[^\s@]")
    accepted = values(EMAIL, local, "accept")
    assert accepted[:2] == ["a@a", "\U00010400@a"]
    assert {"\t@a", " @a", "\xa0@a", "@@a"} <= set(values(EMAIL, local, "reject"))
    assert values(EMAIL, node_of(EMAIL, "@"), "reject") == ["a?a", "aAa"]
    assert values(EMAIL, node_of(EMAIL, "[^\\s@]+"), "reject") == ["@a"]


def test_negative_lookaround_and_members_the_lookaround_refuses() -> None:
    ahead = node_of(NO_LEADING_ZERO, "(?!0)")
    assert values(NO_LEADING_ZERO, ahead, "accept") == ["1"]
    assert values(NO_LEADING_ZERO, ahead, "reject") == ["01"]
    # '0' cannot lead, so the member witness puts it mid-run.
    digit = node_of(NO_LEADING_ZERO, r"\d")
    assert values(NO_LEADING_ZERO, digit, "accept") == ["101", "9"]
    behind = node_of(NO_TRAILING_UNDERSCORE, "(?<!_)")
    assert values(NO_TRAILING_UNDERSCORE, behind, "reject") == ["a_"]
    assert "a_a" in values(NO_TRAILING_UNDERSCORE, node_of(NO_TRAILING_UNDERSCORE, r"\w"), "accept")


def test_word_boundary_backreference_dot_and_properties() -> None:
    assert values(WORD, node_of(WORD, r"\b"), "reject") == ["ffoo"]
    assert values(WORD, node_of(WORD, r"\b", 1), "reject") == ["fooo"]
    assert values(REPEAT, node_of(REPEAT, r"\1"), "reject") == ["a0"]
    assert "00" in values(REPEAT, node_of(REPEAT, r"\w"), "accept")
    dot = node_of(PROPERTIES, ".")
    assert [v[0] for v in values(PROPERTIES, dot, "reject")] == ["\n", "\r", "\u2028", "\u2029"]
    assert values(PROPERTIES, dot, "accept")[1][0] == "\U00010400"
    assert reasons(PROPERTIES, node_of(PROPERTIES, r"\p{Lu}"), "accept") == [r"\p{Lu} member 'Ж'"]
    assert [v[1] for v in values(PROPERTIES, node_of(PROPERTIES, r"\p{Lu}"), "reject")] == [
        *("©", "#", "é"),
    ]
    assert [v[2] for v in values(PROPERTIES, node_of(PROPERTIES, r"\P{L}"), "reject")] == [
        *("a", "é"),
    ]


# --- properties ----------------------------------------------------------------------


_ATOMS = st.sampled_from(
    [
        *("a", "b", "0", "-", r"\.", "[a-c]", "[^a]", "[0-9a-f]", r"\d", r"\w", r"\s", r"\S"),
        *(".", r"\p{L}", r"\P{N}", r"[\p{Lu}_]", r"\u{1F600}", r"[^\s@]", r"\b"),
    ]
)
_QUANTIFIERS = st.sampled_from(["", "", "?", "*", "+", "{2}", "{1,3}", "{2,}", "+?"])


def _sequence(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(inner, min_size=1, max_size=3).map("".join)


def _safe(parts: tuple[str, str, str]) -> bool:
    try:
        compile_pattern("".join((parts[0], parts[1], ")", parts[2])))
    except UnsafePatternError:
        return False
    return True


def _grouped(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    body = st.lists(_sequence(inner), min_size=1, max_size=3).map("|".join)
    # A group is quantified only around a body without loops, and only where the engine
    # runs it safely: `ecma` refuses (UnsafePatternError) a repeat of a body that can match
    # empty, such as `(?:\b)+`, on which regress may abort the process.
    quantifiable = st.tuples(st.sampled_from(["(?:", "("]), body, _QUANTIFIERS).map(
        lambda t: (
            f"{t[0]}{t[1]})"
            + ("" if re.search(r"[*+?}]", t[1].replace("(?", "")) or not _safe(t) else t[2])
        )
    )
    lookaround = st.tuples(st.sampled_from(["(?=", "(?!", "(?<=", "(?<!"]), body).map(
        lambda t: f"{t[0]}{t[1]})"
    )
    return quantifiable | lookaround


_TERMS = st.recursive(
    st.tuples(_ATOMS, _QUANTIFIERS).map(lambda t: t[0] + ("" if t[0] == r"\b" else t[1])),
    _grouped,
    max_leaves=6,
)
PATTERNS = st.tuples(st.sampled_from(["", "^"]), _sequence(_TERMS), st.sampled_from(["", "$"]))


GENERATED = settings(max_examples=150, deadline=None)
"""Generated patterns per run, here and for V8 (test_pattern_nodes_v8.py)."""
MIN_LENGTHS = st.none() | st.integers(0, 6)
MAX_LENGTHS = st.none() | st.integers(0, 12)


@GENERATED
@given(parts=PATTERNS, min_length=MIN_LENGTHS, max_length=MAX_LENGTHS)
def test_generated_patterns_give_consistent_witnesses_and_whole_coverage(
    parts: tuple[str, str, str], min_length: int | None, max_length: int | None
) -> None:
    pattern = "".join(parts)
    # The grammar makes only syntax the module models: no UnsupportedPatternError.
    found = witnesses(pattern, min_length=min_length, max_length=max_length)
    missing = uncovered(pattern, min_length=min_length, max_length=max_length)
    assert_consistent(pattern, found, min_length, max_length)
    assert_accounted(pattern, found, missing)


def test_derivation_of_a_long_pattern_is_deterministic() -> None:
    """The same pattern gives the same witnesses every time (its speed is the bench's)."""
    pattern = (
        r"^(?=\S)(?:[A-Z][a-z]{1,15}|\p{Lu}\p{Ll}+)"
        r"(?:[ '\-](?:[A-Z][a-z]{1,15}|\p{Lu}\p{Ll}+)){0,3}"
        r"(?<=\S)@[0-9a-f]{4,8}\.(?:com|org|net)$"
    )
    assert len(pattern) >= 100
    derive = pattern_nodes._derive.__wrapped__
    first = derive(pattern, None, 80)
    assert derive(pattern, None, 80) == first
    assert len(first[0]) > 50


# --- mutation sanity -----------------------------------------------------------------

# One row per node kind: the original, a variant that mis-implements that one node (a
# server's bug), and the lengths. At least one witness must change verdict.
MUTANTS: list[tuple[str, str, str, int | None]] = [
    ("quantifier", ISO, r"^[a-zA-Z]{2,5}\d?$", None),
    ("quantifier", ISO, r"^[a-zA-Z]{2,4}\d*$", 4),
    ("quantifier", NAME, r"^(?=\S)[\p{L}\p{N}a-zA-Z _.,:!?&%@\/+\-'|]{1,40}(?<=\S)$", 255),
    ("class", UUID, UUID.replace("[0-9a-f]{4}-", "[0-9a-g]{4}-", 1), 36),
    ("class", NAME, NAME.replace(" ", ""), 255),
    ("literal", UUID, UUID.replace("}-[", "}_[", 1), 36),
    ("property", PROPERTIES, PROPERTIES.replace(r"\p{Lu}", r"\p{L}"), None),
    ("class", NAME, NAME.replace(r"\p{L}", r"\p{Lu}"), 255),
    ("escape-class", ISO, r"^[a-zA-Z]{2,4}[0-9:]?$", 4),
    ("dot", PROPERTIES, PROPERTIES.replace(".", r"[^\n]", 1), None),
    ("start-anchor", ISO, ISO[1:], 4),
    ("end-anchor", ISO, ISO[:-1], 4),
    ("lookahead", NAME, NAME.replace(r"(?=\S)", ""), 255),
    ("lookbehind", NAME, NAME.replace(r"(?<=\S)", ""), 255),
    ("negative-lookahead", NO_LEADING_ZERO, r"^\d{1,3}$", None),
    ("negative-lookbehind", NO_TRAILING_UNDERSCORE, r"^\w+$", None),
    ("word-boundary", WORD, r"foo\b", None),
    ("alternative", ALTERNATION, "^(?:foo|bar)$", None),
    ("group", "^(?:ab){2}$", "^ab{2}$", None),
    ("backreference", REPEAT, r"^(\w)\w$", None),
]


@pytest.mark.parametrize(("kind", "pattern", "variant", "max_length"), MUTANTS)
def test_a_one_node_mutant_changes_some_verdict(
    kind: str, pattern: str, variant: str, max_length: int | None
) -> None:
    assert kind in {node.kind for node in parse(pattern)}
    changed = [
        w
        for w in witnesses(pattern, max_length=max_length)
        if ecma_test(variant, w.value) is not (w.side == "accept")
    ]
    assert changed, f"no witness of {pattern!r} tells it from {variant!r}"


def test_every_reject_witness_is_accepted_by_its_one_node_variant() -> None:
    """What `uncovered` calls 'breaks more than this node' is checked for the kept ones."""
    iso = {w.reason: w.value for w in witnesses(ISO, max_length=4) if w.side == "reject"}
    assert ecma_test(r"^[a-zA-Z]{1,4}\d?$", iso["{2,4} one below lower bound"])
    assert ecma_test(r"^(?:[a-zA-Z]|\u{7B}){2,4}\d?$", iso["[a-zA-Z] near miss '{' (U+007B)"])
    assert ecma_test(r"[a-zA-Z]{2,4}\d?$", iso["^ broken: leading character"])
