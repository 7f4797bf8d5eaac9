"""ECMA-262 (Unicode mode) regular expressions, evaluated with Python's `re`.

JSON Schema `pattern`s are ECMA-262 regexes. Python's dialect differs: `$`
also matches before a final newline, `\\d`, `\\w`, `\\s` and `\\b` are Unicode-aware
with other sets, `.` stops only at `\\n`, `\\p{..}` is missing, `{` alone is a
literal, lookbehinds must be fixed-width, and Python's Unicode tables are those of
the running interpreter. `to_python` rewrites an ECMA pattern into a Python one
with the same verdict on every string: every escape and class is spelled out as
explicit code point ranges, and `\\p{..}` uses tables generated from a pinned
Unicode version (`_unicode_tables`). Anything outside the supported subset raises
`UnsupportedPatternError` instead of guessing.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterable

from ._unicode_tables import CATEGORY_RANGES, UNICODE_VERSION

__all__ = [
    "UNICODE_VERSION",
    "UnsupportedPatternError",
    "code_point_length",
    "compile_pattern",
    "ecma_test",
    "to_python",
]

Ranges = list[tuple[int, int]]

# ECMA-262 WhiteSpace and LineTerminator code points: what `\s` matches.
_WHITESPACE: Ranges = [
    (0x09, 0x0D),
    (0x20, 0x20),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
]
_DIGITS: Ranges = [(0x30, 0x39)]
_WORD: Ranges = [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)]
_LINE_TERMINATORS: Ranges = [(0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029)]
_MAX = 0x10FFFF
_MAX_REPEAT = 0xFFFF_FFFE  # Python's re rejects counts from MAXREPEAT (2**32 - 1) up
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
_GROUP_NAME = re.compile(r"\?<([A-Za-z_$][A-Za-z0-9_$]*)>")

_SYNTAX_CHARACTERS = set("^$\\.*+?()[]{}|/")
_CONTROL_ESCAPES = {"t": 0x09, "n": 0x0A, "v": 0x0B, "f": 0x0C, "r": 0x0D}
_CATEGORY_ALIASES = {
    "Letter": "L",
    "Cased_Letter": "LC",
    "Uppercase_Letter": "Lu",
    "Lowercase_Letter": "Ll",
    "Titlecase_Letter": "Lt",
    "Modifier_Letter": "Lm",
    "Other_Letter": "Lo",
    "Number": "N",
    "Decimal_Number": "Nd",
    "digit": "Nd",
    "Letter_Number": "Nl",
    "Other_Number": "No",
}


class UnsupportedPatternError(ValueError):
    """The pattern is not valid ECMA-262 (Unicode mode) or uses an unsupported construct."""


def _normalize(ranges: Iterable[tuple[int, int]]) -> Ranges:
    merged: Ranges = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _complement(ranges: Ranges) -> Ranges:
    result: Ranges = []
    next_low = 0
    for low, high in _normalize(ranges):
        if low > next_low:
            result.append((next_low, low - 1))
        next_low = high + 1
    if next_low <= _MAX:
        result.append((next_low, _MAX))
    return result


def _char(code_point: int) -> str:
    """Spell one code point so that no Python class or escape syntax can misread it."""
    if code_point <= 0xFFFF:
        return f"\\u{code_point:04x}"
    return f"\\U{code_point:08x}"


def _class(ranges: Ranges, *, negate: bool = False) -> str:
    ranges = _normalize(ranges)
    if negate:
        ranges = _complement(ranges)
    if not ranges:
        return "(?!)"  # an empty class matches nothing, as in ECMA-262
    parts = [_char(low) if low == high else f"{_char(low)}-{_char(high)}" for low, high in ranges]
    return "[" + "".join(parts) + "]"


def _property(name: str, *, negate: bool) -> Ranges:
    key = name
    for prefix in ("General_Category=", "gc="):
        key = key.removeprefix(prefix)
    key = _CATEGORY_ALIASES.get(key, key)
    if key not in CATEGORY_RANGES:
        raise UnsupportedPatternError(f"unsupported Unicode property \\p{{{name}}}")
    ranges = list(CATEGORY_RANGES[key])
    return _complement(ranges) if negate else ranges


class _Translator:
    """A recursive-descent reader of the ECMA-262 Unicode-mode grammar."""

    def __init__(self, source: str) -> None:
        # A JavaScript pattern string is read as code points in Unicode mode, so a
        # surrogate pair left in the Python str is one pattern character.
        self.source = _join_surrogates(source)
        self.pos = 0
        self.group_names: set[str] = set()

    def error(self, message: str) -> UnsupportedPatternError:
        return UnsupportedPatternError(f"{message} at offset {self.pos} in /{self.source}/u")

    def peek(self) -> str | None:
        return self.source[self.pos] if self.pos < len(self.source) else None

    def take(self) -> str:
        if self.pos >= len(self.source):
            raise self.error("unexpected end of pattern")
        char = self.source[self.pos]
        self.pos += 1
        return char

    def translate(self) -> str:
        result = self.disjunction()
        if self.pos != len(self.source):
            raise self.error(f"unexpected {self.source[self.pos]!r}")
        return result

    def disjunction(self) -> str:
        alternatives = [self.alternative()]
        while self.peek() == "|":
            self.pos += 1
            alternatives.append(self.alternative())
        return "|".join(alternatives)

    def alternative(self) -> str:
        parts: list[str] = []
        while self.peek() not in (None, "|", ")"):
            parts.append(self.term())
        return "".join(parts)

    def term(self) -> str:
        char = self.peek()
        if char == "^":
            self.pos += 1
            return r"\A"  # no multiline flag: start of input only
        if char == "$":
            self.pos += 1
            return r"\Z"  # Python's `$` would also match before a final "\n"
        if char == "(" and self.source.startswith(("(?=", "(?!", "(?<=", "(?<!"), self.pos):
            return self.lookaround()  # assertions take no quantifier in Unicode mode
        if char == "\\" and self.source.startswith(("\\b", "\\B"), self.pos):
            self.pos += 2
            word = _class(_WORD)
            boundary = f"(?:(?<={word})(?!{word})|(?<!{word})(?={word}))"
            if self.source[self.pos - 1] == "b":
                return boundary
            return f"(?!{boundary})"
        atom = self.atom()
        return atom + self.quantifier()

    def lookaround(self) -> str:
        for opener in ("(?<=", "(?<!", "(?=", "(?!"):
            if self.source.startswith(opener, self.pos):
                self.pos += len(opener)
                body = self.disjunction()
                if self.take() != ")":
                    raise self.error("unterminated group")
                if opener.startswith("(?<"):
                    try:
                        re.compile(f"{opener}{body})")
                    except re.error as exc:
                        raise self.error(f"variable-width lookbehind ({exc})") from None
                return f"{opener}{body})"
        raise self.error("unknown group")

    def quantifier(self) -> str:
        char = self.peek()
        if char in ("*", "+", "?"):
            self.pos += 1
            quant = char
        elif char == "{":
            match = re.compile(r"\{(\d+)(,(\d*))?\}").match(self.source, self.pos)
            if match is None:
                raise self.error("lone '{' (a syntax error in Unicode mode)")
            low, high = int(match.group(1)), match.group(3)
            if high and int(high) < low:
                raise self.error("numbers out of order in {} quantifier")
            if max(low, int(high or 0)) > _MAX_REPEAT:
                raise self.error("repetition count too large for Python's re")
            self.pos = match.end()
            quant = match.group(0)
        else:
            return ""
        if self.peek() == "?":
            self.pos += 1
            quant += "?"
        return quant

    def atom(self) -> str:
        char = self.take()
        if char == ".":
            return _class(_LINE_TERMINATORS, negate=True)
        if char == "(":
            self.group_name()
            body = self.disjunction()
            if self.take() != ")":
                raise self.error("unterminated group")
            # Every group is emitted non-capturing: without backreferences captures
            # cannot change a verdict.
            return "(?:" + body + ")"
        if char == "[":
            return self.character_class()
        if char == "\\":
            return self.atom_escape()
        if char in ")]}{*+?|":
            self.pos -= 1
            raise self.error(f"lone {char!r} (a syntax error in Unicode mode)")
        return _char(ord(char))

    def group_name(self) -> None:
        """Read what follows "(": nothing, "?:" or a group name "?<name>"."""
        if self.peek() != "?":
            return
        if self.source.startswith("?:", self.pos):
            self.pos += 2
            return
        match = _GROUP_NAME.match(self.source, self.pos)
        if match is None:
            raise self.error("unsupported group syntax")
        if match[1] in self.group_names:
            raise self.error(f"duplicate group name {match[1]!r}")
        self.group_names.add(match[1])
        self.pos = match.end()

    def atom_escape(self) -> str:
        char = self.peek()
        if char is not None and char in "123456789":
            raise self.error("backreferences are not supported")
        if char == "k":
            raise self.error("named backreferences are not supported")
        escape = self.class_escape()
        if escape is None:
            raise self.error("unsupported escape")
        return _class(escape[0])

    def class_escape(self) -> tuple[Ranges, bool] | None:
        """Read the escape after a backslash: its code points and whether it is one character.

        None means an escape this reader does not know (a syntax error in Unicode mode).
        """
        char = self.take()
        shorthand = {"d": _DIGITS, "s": _WHITESPACE, "w": _WORD}
        if char.lower() in shorthand:
            ranges = list(shorthand[char.lower()])
            return (_complement(ranges) if char.isupper() else ranges), False
        if char in ("p", "P"):
            match = re.compile(r"\{([A-Za-z_=]+)\}").match(self.source, self.pos)
            if match is None:
                raise self.error("malformed \\p{...}")
            self.pos = match.end()
            return _property(match.group(1), negate=char == "P"), False
        code: int | None = None
        if char in _CONTROL_ESCAPES:
            code = _CONTROL_ESCAPES[char]
        elif char == "0" and self.peek() not in tuple("0123456789"):
            code = 0
        elif char == "c":
            letter = self.take()
            if letter not in string.ascii_letters:
                raise self.error("invalid \\c escape")
            code = ord(letter) % 32
        elif char == "x":
            digits = self.source[self.pos : self.pos + 2]
            if not re.fullmatch(r"[0-9A-Fa-f]{2}", digits):
                raise self.error("invalid \\x escape")
            self.pos += 2
            code = int(digits, 16)
        elif char == "u":
            code = self.unicode_escape()
        elif char in _SYNTAX_CHARACTERS:
            code = ord(char)
        if code is None:
            self.pos -= 1
            return None
        return [(code, code)], True

    def unicode_escape(self) -> int:
        match = re.compile(r"\{([0-9A-Fa-f]+)\}|([0-9A-Fa-f]{4})").match(self.source, self.pos)
        if match is None:
            raise self.error("invalid \\u escape")
        self.pos = match.end()
        code = int(match.group(1) or match.group(2), 16)
        if code > _MAX:
            raise self.error("code point out of range")
        # Only the \uXXXX\uXXXX spelling of a surrogate pair is one code point;
        # \u{D83D}\uDE00 stays two lone surrogates (ECMA-262 RegExpUnicodeEscapeSequence).
        if match.group(2) and 0xD800 <= code <= 0xDBFF:
            trail = re.compile(r"\\u([dD][c-fC-F][0-9A-Fa-f]{2})").match(self.source, self.pos)
            if trail is not None:
                self.pos = trail.end()
                code = 0x10000 + ((code - 0xD800) << 10) + (int(trail.group(1), 16) - 0xDC00)
        return code

    def class_atom(self) -> tuple[Ranges, bool]:
        """One atom inside [...]: its code points, and whether it is one character.

        Only a single character may be a range bound; \\d, \\p{..} and the like may not.
        """
        char = self.take()
        if char != "\\":
            return [(ord(char), ord(char))], True
        if self.peek() == "-":
            self.pos += 1
            return [(0x2D, 0x2D)], True
        if self.peek() == "b":
            self.pos += 1
            return [(0x08, 0x08)], True
        escape = self.class_escape()
        if escape is None:
            raise self.error("unsupported escape in class")
        return escape

    def character_class(self) -> str:
        negate = False
        if self.peek() == "^":
            self.pos += 1
            negate = True
        ranges: Ranges = []
        while True:
            char = self.peek()
            if char is None:
                raise self.error("unterminated character class")
            if char == "]":
                self.pos += 1
                break
            low_set, low_single = self.class_atom()
            if self.peek() == "-" and self.source[self.pos + 1 : self.pos + 2] not in ("]", ""):
                self.pos += 1
                high_set, high_single = self.class_atom()
                if not (low_single and high_single):
                    raise self.error("class escape used as a range bound")
                low, high = low_set[0][0], high_set[0][0]
                if low > high:
                    raise self.error("range out of order in character class")
                ranges.append((low, high))
            else:
                ranges.extend(low_set)
        return _class(ranges, negate=negate)


@functools.cache
def to_python(pattern: str) -> str:
    """The Python `re` source that gives `pattern`'s ECMA-262 /u verdict on every string."""
    source = _Translator(pattern).translate()
    try:
        re.compile(source)
    except (re.error, OverflowError) as exc:  # a limit of Python's engine, not of ECMA-262
        raise UnsupportedPatternError(f"/{pattern}/u does not fit Python's re: {exc}") from None
    return source


@functools.cache
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile an ECMA-262 pattern for Python; cached, since patterns come from the spec."""
    return re.compile(to_python(pattern))


def code_point_length(value: str) -> int:
    """Length in Unicode code points, counting a surrogate pair left in a str as one."""
    if value.isascii():  # the common case, and no surrogates possible
        return len(value)
    pairs = len(_SURROGATE_PAIR.findall(value))
    return len(value) - pairs


def ecma_test(pattern: str, value: str) -> bool:
    """`new RegExp(pattern, "u").test(value)`, as JSON Schema's unanchored `pattern` needs."""
    return compile_pattern(pattern).search(_join_surrogates(value)) is not None


def _join_surrogates(value: str) -> str:
    """Turn surrogate pairs left in a str into the code points an ECMA engine would see."""
    if value.isascii() or not _SURROGATE_PAIR.search(value):
        return value
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
