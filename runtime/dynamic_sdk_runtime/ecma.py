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
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import regress

__all__ = [
    "UNICODE_VERSION",
    "EcmaPattern",
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


class UnsupportedPatternError(ValueError):
    """The pattern is not valid ECMA-262 (Unicode mode), or cannot be judged on this value."""


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
