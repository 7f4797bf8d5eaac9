"""The runtime's ECMA-262 checks (regress) give V8's verdict, right at every dialect difference.

Each difference between Python's `re` and ECMA-262 (docs/ecma-dialect.md) gets a value
ECMA accepts and one it rejects, chosen at the difference; the test also shows which
side plain `re` gets wrong, so a case that stops being a difference fails loudly.
"""

from __future__ import annotations

import re
import shutil
import warnings
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dynamic_sdk_client import constraints
from dynamic_sdk_runtime.ecma import (
    UNICODE_VERSION,
    UnsupportedPatternError,
    code_point_length,
    compile_pattern,
    ecma_test,
)
from tests.support import ecma_oracle
from tests.support.ecma_oracle import (
    code_point_lengths,
    ecma_verdicts,
    node_code_units,
    node_info,
    node_syntax_error,
    regress_verdict,
)

PURE = settings.get_profile("pure")
"""A pure-function property: many examples (contract_tests/profiles.py, PURE_EXAMPLES)."""

FRAGMENT_PATTERNS = sorted(
    {
        rule.pattern
        for rules in (*constraints.PARAMETERS.values(), *constraints.SCHEMAS.values())
        for rule in rules
        if rule.pattern is not None
    }
)
UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
NAME = r"^(?=\S)[\p{L}\p{N}a-zA-Z _.,:!?&%@\/+\-'|]+(?<=\S)$"
ISO = r"^[a-zA-Z]{2,4}\d?$"
GOOD_UUID = "95b11417-f18f-457f-8804-68e361f9164f"


def has_lone_surrogate(value: str) -> bool:
    joined = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return any(0xD800 <= ord(char) <= 0xDFFF for char in joined)


# V8 (Node 20) tries a match starting between the two halves of a surrogate pair,
# which ECMA-262 never does in Unicode mode (RegExpBuiltinExec advances with
# AdvanceStringIndex); only a pattern that can match the empty string there, unanchored,
# can tell. regress and the translator follow the spec. See docs/ecma-dialect.md.
V8_MID_PAIR_DEVIATIONS = {
    (r"\B", "x\U0001f600y"),
    (r"(?!x)(?![\u{1F600}])(?!y)(?<!x)(?<![\u{1F600}])(?<!y)", "x\U0001f600y"),
}


def assert_agrees_with_engines(pattern: str, values: Sequence[str]) -> None:
    """Our verdict equals V8's on every value, and bare regress's where it can read it."""
    node = ecma_verdicts(pattern, values)
    node = [
        not verdict if (pattern, value) in V8_MID_PAIR_DEVIATIONS else verdict
        for value, verdict in zip(values, node, strict=True)
    ]
    judged = compile_pattern(pattern).surrogate_safe
    ours = []
    for value, verdict in zip(values, node, strict=True):
        if not judged and has_lone_surrogate(value):
            # The runtime refuses what it cannot judge rather than guess (ecma.py).
            with pytest.raises(UnsupportedPatternError, match="lone surrogate"):
                ecma_test(pattern, value)
            ours.append(verdict)
        else:
            ours.append(ecma_test(pattern, value))
    assert ours == node, [
        (value, "node", n) for value, n, o in zip(values, node, ours, strict=True) if n != o
    ]
    for value, verdict in zip(values, node, strict=True):
        if not has_lone_surrogate(value):  # regress reads UTF-8 and cannot hold one
            assert regress_verdict(pattern, value) == verdict, value


def utf16_code_units(value: str) -> list[int]:
    raw = value.encode("utf-16-le", "surrogatepass")
    return [int.from_bytes(raw[i : i + 2], "little") for i in range(0, len(raw), 2)]


def python_re_verdict(pattern: str, value: str) -> bool | None:
    """What plain `re.search` says, or None when `re` rejects the pattern."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            return re.search(pattern, value) is not None
    except re.error:
        return None


# ---------------------------------------------------------------- the oracle itself


def test_fragment_patterns_are_the_ones_documented() -> None:
    documented = sorted({UUID, NAME, ISO})
    assert documented == FRAGMENT_PATTERNS


def test_json_round_trip_keeps_exact_utf16_code_units() -> None:
    values = [
        "a",
        "\ud800",
        "\udfff",
        "\U0001f600",
        "\ud83d\ude00",
        "\ude00\ud83d",
        "\x00",
        "\uffff",
    ]
    expected = [utf16_code_units(value) for value in values]
    assert node_code_units(values) == expected
    assert expected[1] == [0xD800]
    assert expected[3] == [0xD83D, 0xDE00]


def test_node_uses_the_unicode_version_of_our_tables() -> None:
    assert node_info()["unicode"].startswith(UNICODE_VERSION)


def test_code_point_length_matches_node() -> None:
    values = [
        "",
        "abc",
        "\U0001f600",
        "\ud83d\ude00",
        "\ud800",
        "\ud800\ud800",
        "é\u0301",
        "\ude00\ud83d",
    ]
    assert [code_point_length(value) for value in values] == code_point_lengths(values)


def test_ecma_verdicts_says_node_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ecma_oracle, "_node", None)
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    assert not ecma_oracle.node_available()
    with pytest.raises(ecma_oracle.NodeUnavailableError, match=r"Node\.js is required"):
        ecma_verdicts("a", ["a"])


@pytest.mark.parametrize(("pattern", "value"), sorted(V8_MID_PAIR_DEVIATIONS))
def test_v8_matches_inside_a_surrogate_pair_and_the_spec_does_not(pattern: str, value: str) -> None:
    assert ecma_verdicts(pattern, [value]) == [True]
    assert regress_verdict(pattern, value) is False
    assert ecma_test(pattern, value) is False


def test_regress_refuses_lone_surrogates_instead_of_guessing() -> None:
    with pytest.raises(ValueError, match="lone surrogates"):
        regress_verdict("^.$", "\ud800")


# ---------------------------------------------------------------- dialect differences

# (id, pattern, a value ECMA accepts, a value ECMA rejects, the side plain `re` gets wrong:
#  "accepted", "rejected", "both", "neither", or "syntax" when `re` cannot compile it).
DIFFERENCES = [
    ("dollar-final-newline", "^abc$", "abc", "abc\n", "rejected"),
    ("d-unicode-digit", r"^\d$", "7", "\u0663", "rejected"),
    ("D-unicode-digit", r"^\D$", "\u0663", "7", "accepted"),
    ("w-non-ascii", r"^\w$", "_", "é", "rejected"),
    ("W-non-ascii", r"^\W$", "é", "a", "accepted"),
    ("s-bom-vs-file-sep", r"^\s$", "\ufeff", "\x1c", "both"),
    ("s-line-sep-vs-nel", r"^\s$", "\u2028", "\x85", "rejected"),
    ("s-nbsp-vs-mongolian-vs", r"^\s$", "\xa0", "\u180e", "neither"),
    ("S-unit-sep-vs-bom", r"^\S$", "\x1f", "\ufeff", "both"),
    ("b-ascii-word", r"a\b", "aé", "ab", "accepted"),
    ("B-ascii-word", r"a\B", "ab", "aé", "rejected"),
    ("dot-carriage-return", "^.$", "x", "\r", "rejected"),
    ("dot-line-separator", "^.$", "\u00e9", "\u2028", "rejected"),
    ("dot-paragraph-separator", "^.$", "\U0001f600", "\u2029", "rejected"),
    ("dot-surrogate-pair-in-str", "^.$", "\ud83d\ude00", "ab", "accepted"),
    ("two-dots-one-astral", "^..$", "ab", "\U0001f600", "neither"),
    ("dot-lone-surrogate", "^.$", "\ud800", "\ud800\ud800", "neither"),
    ("negated-class-lone-surrogate", "^[^a]$", "\udc00", "a", "neither"),
    ("pattern-surrogate-pair-escape", r"^\uD83D\uDE00$", "\U0001f600", "\ud83d", "accepted"),
    ("braced-surrogate-escapes-stay-lone", r"\u{D83D}", "\ud83d", "\U0001f600", "syntax"),
    ("braced-code-point-escape", r"^\u{1F600}$", "\U0001f600", "u{1F600}", "syntax"),
    ("astral-range", r"^[\u{1F600}-\u{1F64F}]$", "\U0001f64f", "\U0001f650", "syntax"),
    ("negated-astral-class", r"^[^\u{1F600}]$", "\U0001f601", "\U0001f600", "syntax"),
    ("p-L-unicode-16-letter", r"^\p{L}$", "\u1c89", "\u0378", "syntax"),
    ("p-L-unicode-17-letter", r"^\p{L}$", "\u088f", "\u0660", "syntax"),
    ("p-Lu-unicode-16-letter", r"^\p{Lu}$", "\ua7cb", "a", "syntax"),
    ("p-N-unicode-15-digit", r"^\p{N}$", "\U00011f50", "a", "syntax"),
    ("p-N-unicode-16-digit", r"^\p{N}$", "\U00010d40", "\U00010d3f", "syntax"),
    ("P-L", r"^\P{L}$", "\u0378", "\u088f", "syntax"),
    ("class-double-ampersand-literal", r"^[a&&b]$", "&", "c", "neither"),
    ("class-double-tilde-literal", r"^[a~~b]$", "~", "c", "neither"),
    ("empty-class", "^[]*$", "", "a", "syntax"),
    ("negated-empty-class", "^[^]$", "\n", "", "syntax"),
    ("control-letter-escape", r"^\cA$", "\x01", "cA", "syntax"),
    ("nul-escape", r"^\0$", "\x00", "0", "neither"),
    ("named-group", r"^(?<year>\d{4})$", "2024", "202", "syntax"),
    ("iso-country-unicode-digit", ISO, "US1", "US\u0663", "rejected"),
    ("iso-country-final-newline", ISO, "US", "US\n", "rejected"),
    ("uuid-final-newline", UUID, GOOD_UUID, GOOD_UUID + "\n", "rejected"),
    ("name-final-newline", NAME, "Jo", "Jo\n", "syntax"),
    ("name-unicode-16-letter", NAME, "\u1c89\ua7cb", " \u1c89", "syntax"),
    ("name-unicode-15-digit", NAME, "\U00011f50", "\U00011f50 ", "syntax"),
    ("name-astral-as-pair", NAME, "\ud83a\udd00", "\ud83d\ude00", "syntax"),
]


@pytest.mark.parametrize(
    ("pattern", "accepted", "rejected", "re_wrong"),
    [pytest.param(*case[1:], id=case[0]) for case in DIFFERENCES],
)
def test_difference(pattern: str, accepted: str, rejected: str, re_wrong: str) -> None:
    node = ecma_verdicts(pattern, [accepted, rejected])
    assert node == [True, False]
    assert_agrees_with_engines(pattern, [accepted, rejected])
    plain = [python_re_verdict(pattern, accepted), python_re_verdict(pattern, rejected)]
    if re_wrong == "syntax":
        assert None in plain
    else:
        wrong = [plain[0] != node[0], plain[1] != node[1]]
        expected = {
            "accepted": [True, False],
            "rejected": [False, True],
            "both": [True, True],
            "neither": [False, False],
        }[re_wrong]
        assert wrong == expected, plain


# ---------------------------------------------------------------- constructs, synthetic

SAMPLES = [
    "",
    "a",
    "A",
    "z",
    "Z",
    "_",
    "0",
    "9",
    "\u0663",
    "\u00b2",
    " ",
    "\t",
    "\n",
    "\r",
    "\v",
    "\f",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\x85",
    "\xa0",
    "\u180e",
    "\x1c",
    "\u3000",
    "é",
    "\u0130",
    "\u212a",
    "ß",
    "\U0001f600",
    "\ud83d\ude00",
    "\ud800",
    "\udfff",
    "\udc00\ud800",
    "\ud83d",
    "\ude00",
    "ab",
    "aab",
    "aaa",
    "abc",
    "abcabc",
    "a1",
    "1a",
    "-",
    "]",
    "[",
    "{",
    "}",
    "\\",
    "/",
    "a b",
    "ab ",
    " ab",
    "aé",
    "\x00",
    "\x01",
    "\x08",
    "x\U0001f600y",
    "\U00010d40",
    "\u1c89",
    "foo.bar",
    "2024-01-31",
    "A-Z",
    "\U0001f64f",
    "\U0010ffff",
]

CONSTRUCTS = [
    r"\d",
    r"\D",
    r"\w",
    r"\W",
    r"\s",
    r"\S",
    r"^\d+$",
    r"^\w*$",
    r"^\S+$",
    "[abc]",
    "^[a-c]+$",
    "[^abc]",
    "^[^a-c]*$",
    r"[\d\s]",
    r"[^\d\s]",
    r"[\w-]",
    r"[-\w]",
    r"^[\u{41}-\u{5A}]$",
    r"^[\x41-\x5a]+$",
    r"[\u0041-\u005A]",
    r"^\u{1F600}$",
    r"^\u{D83D}\uDE00$",
    r"\u{D83D}\uDE00",
    "^\ud83d\ude00$",
    r"^[\uD83D-\uDE00]$",
    r"^[\u{1F600}-\u{1F64F}]+$",
    r"^[^\u{1F600}-\u{1F64F}]$",
    r"[\uD83D\uDE00]",
    r"\uD800",
    r"[\uD800-\uDFFF]",
    r"^[\p{L}]$",
    r"^[^\p{L}\p{N}]$",
    r"[\P{N}]",
    r"\p{Nd}",
    r"\p{No}",
    r"\p{Lt}",
    r"\p{Lm}",
    r"\p{Nl}",
    r"\p{gc=Lo}",
    r"\p{General_Category=Letter}",
    r"\p{Cased_Letter}",
    r"\p{digit}",
    "^a*$",
    "^a+$",
    "^a?b$",
    "^a{2}$",
    "^a{2,}$",
    "^a{1,2}$",
    "^(a|b)+$",
    "^(?:ab)*$",
    "a*?b",
    "a+?",
    "a??",
    "^(a{1,2}?)b$",
    "^a{2,}?$",
    "^(?:a|ab)(?:c|bc)$",
    "ab|cd",
    "^$",
    "^",
    "$",
    "(?=a)",
    "(?!a)",
    "a(?=b)",
    "a(?!b)",
    "(?<=a)b",
    "(?<!a)b",
    r"(?<=\d)\w",
    "^.$",
    "^.+$",
    "^...$",
    r"\b",
    r"\B",
    r"\ba",
    r"a\b",
    r"\Ba",
    r"[\b]",
    r"\t\n\v\f\r",
    r"[\t\n]",
    r"\cJ",
    r"\0",
    r"[\0]",
    r"\x1c",
    r"\/",
    r"\\",
    r"\.",
    r"\^\$",
    r"[\^\]\[\\]",
    r"\{\}",
    "[]",
    "[^]",
    "^[]*$",
    "^[^]+$",
    "^(?:)$",
    "()",
    "a|",
    "^(?<name>a)(?<other>b)?$",
    r"^[\-a]$",
    r"^[a-]$",
]


@pytest.mark.parametrize("pattern", CONSTRUCTS)
def test_construct_agrees_with_engines(pattern: str) -> None:
    assert_agrees_with_engines(pattern, SAMPLES)


@pytest.mark.parametrize("pattern", FRAGMENT_PATTERNS)
def test_fragment_pattern_agrees_with_engines_on_samples(pattern: str) -> None:
    edges = [GOOD_UUID, GOOD_UUID.upper(), GOOD_UUID[:-1], "US", "USA1", "usa", "U", "US12"]
    names = ["Jo", "José", "J", " J", "J ", "Jo-Anne", "O'Brien & Co.", "\u0663\u0664", "a|b"]
    assert_agrees_with_engines(pattern, SAMPLES + edges + names)


# ---------------------------------------------------------------- rejected syntax

# Not ECMA-262 in Unicode mode: Node throws SyntaxError, the translator must refuse too.
INVALID = [
    "{",
    "a{",
    "a{1",
    "a{,5}",
    "a{2,1}",
    "}",
    "]",
    "[[a]]",
    "x**",
    "x{2}{3}",
    "^*",
    "$?",
    r"\b+",
    "(?=a)*",
    "(",
    ")",
    "[",
    "[a",
    r"\-",
    r"\_",
    r"\a",
    r"\e",
    r"\z",
    r"\Z",
    r"\A",
    r"\x4",
    r"\x{41}",
    r"\u00",
    r"\u{}",
    r"\u{110000}",
    r"\c1",
    "\\c\u212a",
    "\\c\u0130",
    r"[\c1]",
    r"\00",
    r"[\00]",
    r"\8",
    r"[\B]",
    r"\p{L",
    r"\p{lu}",
    r"\p{Foo}",
    r"[\d-z]",
    r"[a-\d]",
    r"[\p{L}-z]",
    "[z-a]",
    "[a--b]",
    "(?P<n>a)",
    "(?i)a",
    "(?i:a)",
    "(?#c)a",
    "(?>a)",
    "a*+",
    "(?<n>a)(?<n>b)",
    "(?<1>a)",
    r"\k<n>",
]

# Valid ECMA-262 that the old hand-written translator refused; regress runs all of it.
BEYOND_THE_OLD_TRANSLATOR = [
    r"(a)\1",
    r"\1(a)",
    r"(?<n>a)\k<n>",
    r"\p{Script=Latin}",
    r"\p{Any}",
    r"\p{Mn}",
    r"(?<=a+)b",
    r"(?<=a|bc)d",
    r"a{99999999999}",  # the translator's re.compile raised OverflowError here
    r"^a{2,99999999999}$",
]
NO_LONE_SURROGATES = ["", "a", "aa", "ab", "bcd", "ad", "\u0301", "\u00e9", "\U0001f600", "a\u0301"]

# Patterns that tell a lone surrogate from U+FFFF (our stand-in for it): they refuse such a
# value instead of guessing; every other pattern judges it (see dynamic_sdk_runtime.ecma).
TELLS_SURROGATES_APART = [r"\p{Cs}", r"^\p{Cn}$", r"\p{Mn}", r"[\uD800-\uDFFF]", r"\uFFFF"]


@pytest.mark.parametrize("pattern", INVALID)
def test_invalid_pattern_is_refused_like_node(pattern: str) -> None:
    assert node_syntax_error(pattern) is not None
    with pytest.raises(UnsupportedPatternError):
        compile_pattern(pattern)


@pytest.mark.parametrize("pattern", BEYOND_THE_OLD_TRANSLATOR)
def test_valid_pattern_agrees_with_engines(pattern: str) -> None:
    assert node_syntax_error(pattern) is None
    assert_agrees_with_engines(pattern, NO_LONE_SURROGATES)


@pytest.mark.parametrize("pattern", TELLS_SURROGATES_APART)
def test_a_lone_surrogate_is_refused_where_it_cannot_be_judged(pattern: str) -> None:
    assert_agrees_with_engines(pattern, NO_LONE_SURROGATES)
    with pytest.raises(UnsupportedPatternError, match="lone surrogate"):
        ecma_test(pattern, "a\udc00")


# ---------------------------------------------------------------- random strings

INTERESTING = [
    *"aZz_09-.,:!?&%@/+'| ",
    "\t",
    "\n",
    "\r",
    "\v",
    "\f",
    "\x1c",
    "\x1f",
    "\x85",
    "\xa0",
    "\u1680",
    "\u180e",
    "\u2000",
    "\u200b",
    "\u2028",
    "\u2029",
    "\u202f",
    "\u3000",
    "\ufeff",
    "\u0663",
    "\u06f5",
    "\u0967",
    "\u0e51",
    "\uff13",
    "\U0001d7d9",
    "\U00011f50",
    "\U00010d40",
    "\u00b2",
    "\u2167",
    "é",
    "ß",
    "\u0130",
    "\u212a",
    "\u1c89",
    "\u088f",
    "\ua7cb",
    "\u0378",
    "\U0001f600",
    "\U00020000",
    "\U0010ffff",
    "\ud800",
    "\udbff",
    "\udc00",
    "\udfff",
    "\ud83d",
    "\ude00",
    "ABCDEF",
    "abcdef",
    "A",
    "F",
    "f",
    "g",
]
characters = st.one_of(
    st.sampled_from(INTERESTING),
    st.integers(min_value=0, max_value=0x10FFFF).map(chr),
)
texts = st.one_of(
    st.lists(characters, max_size=12).map("".join),
    st.tuples(
        st.lists(characters, max_size=2).map("".join),
        st.sampled_from([GOOD_UUID, "US", "USA1", "Jo Anne", "\u0663", "\u1c89"]),
        st.lists(characters, max_size=2).map("".join),
    ).map("".join),
)


@settings(PURE)
@given(values=st.lists(texts, min_size=1, max_size=40))
def test_random_strings_agree_with_node(values: list[str]) -> None:
    for pattern in FRAGMENT_PATTERNS:
        assert [ecma_test(pattern, value) for value in values] == ecma_verdicts(pattern, values)
