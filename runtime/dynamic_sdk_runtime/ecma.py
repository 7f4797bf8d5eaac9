"""ECMA-262 regular expressions for JSON Schema `pattern`s, evaluated by regress.

JSON Schema patterns are ECMA-262 regexes (Unicode mode), and Python's `re` differs from
them in `$`, `\\d`, `\\w`, `\\s`, `\\b`, `.`, `\\p{..}`, `{` and its Unicode tables
(docs/ecma-dialect.md). So patterns run on regress, Python bindings to a Rust ECMA-262
engine with Unicode 17.0 tables (the version of Node.js 20's V8 that the tests use as the
independent oracle).

One gap is closed here. regress reads UTF-8, so it cannot see a lone surrogate, which a
JSON string (and an ECMA string) may hold. Surrogate pairs left in a `str` are first
joined into the code point they encode; each remaining lone surrogate is then matched as
U+FFFF. Both are code points that are no letter, number, digit, word character, space or
line terminator, so every pattern gives them the same verdict unless it names surrogates,
U+FFFF, or a property that tells them apart; such a pattern raises
`UnsupportedPatternError` on a value with a lone surrogate instead of guessing.

regress backtracks, and some valid patterns make it run for hours or abort the whole
process (a failed multi-GB allocation Python cannot catch: `^(?:(?:a*){1,3})+$` on
"a c"). So a pattern is refused when compiled, before it ever runs, with
`UnsafePatternError` (an `UnsupportedPatternError`, so a ValueError) when a repeat
(upper bound above 1) has a body that can match the empty string, or when a loop of
variable count sits inside repeats whose upper bounds multiply past
`REPEAT_WITH_LOOP_MAX` (star height above 1: `(?:a+)+`, `(?:\\w+\\.){1,5}`).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from typing import NamedTuple

import regress

__all__ = [
    "REPEAT_WITH_LOOP_MAX",
    "UNICODE_VERSION",
    "EcmaPattern",
    "UnsafePatternError",
    "UnsupportedPatternError",
    "code_point_length",
    "compile_pattern",
    "ecma_test",
]

UNICODE_VERSION = "17.0"
"""The Unicode version of regress's `\\p{..}` tables (regress 2026.9; checked by the tests)."""

_SURROGATE = re.compile("[\ud800-\udfff]")
_STAND_IN = "\uffff"
# Property names whose sets treat a surrogate and U+FFFF alike (neither is in them).
_SAFE_PROPERTIES = frozenset(
    {
        *("L", "LC", "Lu", "Ll", "Lt", "Lm", "Lo", "N", "Nd", "Nl", "No"),
        *("Letter", "Cased_Letter", "Uppercase_Letter", "Lowercase_Letter"),
        *("Titlecase_Letter", "Modifier_Letter", "Other_Letter", "Number"),
        *("Decimal_Number", "digit", "Letter_Number", "Other_Number"),
    }
)
_SCRIPT_KEYS = frozenset({"Script", "sc", "Script_Extensions", "scx"})
_PROPERTY = re.compile(r"\\[pP]\{([^}]*)\}")
# Escapes or literals that name a surrogate or U+FFFF; a `\uHHHH\uLLLL` pair of escapes
# is one astral code point in Unicode mode, so it is removed before this search.
_ESCAPED_PAIR = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}")
_NAMES_STAND_IN = re.compile(
    r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}|\\u[fF]{4}|\\u\{0*(?:[dD][89a-fA-F][0-9a-fA-F]{2}|[fF]{4})\}"
    "|[\ud800-\udfff\uffff]"
)
# ECMA-262 syntax regress accepts but V8 (Node 20) rejects in Unicode mode: a quantified
# assertion (`\b+`, `^*`) and ES2025 modifier groups (`(?i:a)`).
_QUANTIFIER_START = "*+?{"

_BACKREFERENCE_DIGITS = tuple("123456789")
_BOUNDS = re.compile(r"\{(\d+)(,(\d*))?\}\??")
_LOOK_OPENERS = ("(?=", "(?!", "(?<=", "(?<!")

REPEAT_WITH_LOOP_MAX = 3
"""Repeats around a loop may multiply to this many rounds (`(?:\\s\\w+){0,3}`): backtracking
then costs about n**3 steps (0.03 s at 255 code points; `{1,4}` 1.3 s, `{1,5}` over 10 s)."""


class UnsupportedPatternError(ValueError):
    """The pattern is not valid ECMA-262 (Unicode mode), or cannot be judged on this value."""


class UnsafePatternError(UnsupportedPatternError):
    """Valid ECMA-262 that regress could backtrack on for hours or abort the process on."""


class EcmaPattern:
    """One compiled pattern: `test(value)` is JavaScript's `new RegExp(p, "u").test(value)`."""

    __slots__ = ("_regex", "pattern", "surrogate_safe")

    def __init__(self, pattern: str, flags: str = "u") -> None:
        """`flags` beyond "u" ("i", "s") model a server's dialect (the suite's mutants)."""
        self.pattern = pattern
        try:
            # A surrogate pair written as two literal halves is one code point, as in ECMA.
            self._regex = regress.Regex(_join_pairs(pattern), "u" + flags.replace("u", ""))
        except (regress.RegressError, UnicodeEncodeError) as error:
            raise UnsupportedPatternError(
                f"invalid ECMA-262 pattern {pattern!r}: {error}"
            ) from None
        _refuse_what_v8_refuses(pattern)
        _refuse_unsafe(pattern)
        self.surrogate_safe = not _NAMES_STAND_IN.search(_ESCAPED_PAIR.sub("", pattern)) and all(
            _surrogate_safe_property(name) for name in _PROPERTY.findall(pattern)
        )

    @property
    def ascii_search(self) -> Callable[[str], object | None]:
        """The engine's own search: for ASCII strings only, where no surrogate can appear.

        `test(value)` equals `ascii_search(value) is not None` for ASCII `value`; the hot
        path calls it directly to skip the checks that only non-ASCII values need.
        """
        return self._regex.find

    def test(self, value: str) -> bool:
        """True when the pattern matches somewhere in `value` (JSON Schema is unanchored)."""
        if value.isascii():
            return self._regex.find(value) is not None
        if _SURROGATE.search(value) is not None:
            value = _join_pairs(value)
            if _SURROGATE.search(value) is not None:
                if not self.surrogate_safe:
                    raise UnsupportedPatternError(
                        f"{self.pattern!r} names surrogates, U+FFFF or a property that tells "
                        "them apart; a value with a lone surrogate cannot be judged"
                    )
                value = _SURROGATE.sub(_STAND_IN, value)
        return self._regex.find(value) is not None


def _refuse_what_v8_refuses(pattern: str) -> None:
    """Scan outside classes and escapes for the two constructs regress is lenient about."""
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        following = pattern[index + 1 : index + 2]
        if char == "\\":
            escaped = following
            index += 2
            after = pattern[index : index + 1]
            if (
                not in_class
                and escaped
                and escaped in "bB"
                and after
                and after in _QUANTIFIER_START
            ):
                raise UnsupportedPatternError(
                    f"invalid ECMA-262 pattern {pattern!r}: quantified \\{escaped}"
                )
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "^$" and following and following in _QUANTIFIER_START:
            raise UnsupportedPatternError(
                f"invalid ECMA-262 pattern {pattern!r}: quantified {char}"
            )
        elif char == "(" and re.match(r"\(\?[ims-]+[:)]", pattern[index:]):
            raise UnsupportedPatternError(
                f"invalid ECMA-262 pattern {pattern!r}: modifier groups are ES2025 (not Node 20)"
            )
        index += 1


class _Part(NamedTuple):
    """One term of a pattern, as far as backtracking cost goes."""

    kind: str
    """"char" (matches one character), "empty" (an assertion or backreference: may match
    nothing), "group", "look" (a lookaround: atomic) or "repeat"."""
    source: str
    alternatives: tuple[tuple[_Part, ...], ...] = ()
    lower: int = 1
    upper: float = 1


class _Scanner:
    """Just enough of ECMA-262 Unicode-mode syntax to see groups and repeats; the engine has
    already checked the syntax."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def peek(self) -> str:
        return self.text[self.pos : self.pos + 1]

    def disjunction(self) -> tuple[tuple[_Part, ...], ...]:
        alternatives = [self.sequence()]
        while self.peek() == "|":
            self.pos += 1
            alternatives.append(self.sequence())
        return tuple(alternatives)

    def sequence(self) -> tuple[_Part, ...]:
        parts = []
        while self.peek() not in ("", "|", ")"):
            start = self.pos
            atom = self.atom()
            char = self.peek()
            if char in ("*", "+", "?"):
                self.pos += 2 if self.text[self.pos + 1 : self.pos + 2] == "?" else 1
                lower, upper = {"*": (0, math.inf), "+": (1, math.inf), "?": (0, 1)}[char]
            elif char == "{" and (bounds := _BOUNDS.match(self.text, self.pos)):
                self.pos = bounds.end()
                lower = int(bounds[1])
                upper = lower if bounds[2] is None else int(bounds[3]) if bounds[3] else math.inf
            else:
                parts.append(atom)
                continue
            source = self.text[start : self.pos]
            parts.append(_Part("repeat", source, ((atom,),), int(lower), upper))
        return tuple(parts)

    def atom(self) -> _Part:
        start, char = self.pos, self.peek()
        self.pos += 1
        kind = "char"
        if char == "(":
            kind = "look" if self.text.startswith(_LOOK_OPENERS, start) else "group"
            if self.text.startswith("(?", start):
                self.pos = (
                    self.text.index(">", start) + 1
                    if kind == "group" and self.text.startswith("(?<", start)
                    else start + (4 if self.text.startswith("(?<", start) else 3)
                )
            alternatives = self.disjunction()
            self.pos += 1  # the closing parenthesis
            return _Part(kind, self.text[start : self.pos], alternatives)
        if char == "[":
            while self.peek() not in ("]", ""):
                self.pos += 2 if self.peek() == "\\" else 1
            self.pos += 1
        elif char == "\\":
            escaped = self.peek()
            self.pos += 1
            if escaped in ("p", "P", "u", "k") and self.peek() in ("{", "<"):
                self.pos = self.text.index("}" if self.peek() == "{" else ">", self.pos) + 1
            while escaped in _BACKREFERENCE_DIGITS and self.peek().isdigit():
                self.pos += 1
            if escaped in ("b", "B", "k") or escaped in _BACKREFERENCE_DIGITS:
                kind = "empty"  # an assertion or a backreference: it may match nothing
        elif char in ("^", "$"):
            kind = "empty"
        return _Part(kind, self.text[start : self.pos])


def _refuse_unsafe(pattern: str) -> None:
    """UnsafePatternError for a pattern regress may hang on or abort the process on."""
    scanner = _Scanner(pattern)
    _nullable(pattern, scanner.disjunction(), 1, "")


def _nullable(
    pattern: str, alternatives: tuple[tuple[_Part, ...], ...], rounds: float, outer: str
) -> bool:
    """Whether the alternatives can match empty; raises on an unsafe repeat inside them.

    `rounds` is the product of the upper bounds of the repeats around, `outer` the
    outermost of those repeats (for the message).
    """
    nullable = False
    for sequence in alternatives:
        empty = True
        for part in sequence:
            if part.kind == "look":  # atomic: backtracking never re-enters it
                _nullable(pattern, part.alternatives, 1, "")
            elif part.kind == "group":
                empty &= _nullable(pattern, part.alternatives, rounds, outer)
                continue
            elif part.kind == "repeat":
                empty &= _repeat_nullable(pattern, part, rounds, outer)
                continue
            empty &= part.kind != "char"
        nullable |= empty
    return nullable


def _repeat_nullable(pattern: str, part: _Part, rounds: float, outer: str) -> bool:
    repeats = part.upper > 1
    if repeats and part.lower < part.upper and rounds > REPEAT_WITH_LOOP_MAX:
        raise UnsafePatternError(
            f"pattern {pattern!r} cannot run safely: {outer!r} repeats the loop "
            f"{part.source!r} (nested loops can make regress backtrack for hours)"
        )
    inner_rounds = rounds * part.upper if repeats else rounds
    inner_outer = outer or (part.source if repeats else "")
    body = _nullable(pattern, part.alternatives, inner_rounds, inner_outer)
    if repeats and body:
        raise UnsafePatternError(
            f"pattern {pattern!r} cannot run safely: {part.source!r} repeats a body that "
            "can match the empty string (regress may exhaust memory and abort the process)"
        )
    return body or part.lower == 0


def _surrogate_safe_property(name: str) -> bool:
    """A surrogate and U+FFFF share every script (Unknown) and are in no safe category."""
    key, _, value = name.rpartition("=")
    if key in _SCRIPT_KEYS:
        return True
    return key in ("", "gc", "General_Category") and value in _SAFE_PROPERTIES


def _join_pairs(value: str) -> str:
    """Join surrogate pairs into the code points they encode; lone surrogates stay."""
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


@functools.cache
def compile_pattern(pattern: str, flags: str = "u") -> EcmaPattern:
    """The compiled pattern, cached: the fragment has three distinct patterns."""
    return EcmaPattern(pattern, flags)


def ecma_test(pattern: str, value: str) -> bool:
    """JavaScript's `new RegExp(pattern, "u").test(value)`."""
    return compile_pattern(pattern).test(value)


def code_point_length(value: str) -> int:
    """Length in code points, as JSON Schema counts `maxLength` (a surrogate pair is one)."""
    if value.isascii() or _SURROGATE.search(value) is None:
        return len(value)
    return len(_join_pairs(value))
