"""Find concrete values that one string rule accepts and another rejects.

A pattern edit cannot be judged by comparing regex text, and equivalence of ECMA-262
patterns is not decidable in general, so the rules are compared on generated values:
the seeds (examples, enum values), every alphabet character alone and repeated to the
lengths around each limit, single-character edits of accepted values, and seeded random
draws. The search is deterministic (fixed seed, fixed order), so a report is reproducible.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from specwatch._engine import code_point_length, ecma_test

SEED = 20261129
RANDOM_DRAWS = 1500

# ASCII letters, digits and punctuation; whitespace of several kinds; letters and digits
# from many scripts (BMP and astral), marks and symbols: the places where \p{L}, \d, \s,
# \w and explicit ranges disagree.
_ASCII = "".join(chr(c) for c in range(0x20, 0x7F))
_WHITESPACE = "\t\n\v\f\r\u0085\u00a0\u1680\u2000\u2007\u200b\u2028\u2029\u202f\u3000\ufeff"
_UNICODE = (
    "éÉßñøÆŁǅ"  # Latin beyond ASCII (ǅ is a titlecase letter)
    "ΩωЖжԱա"  # Greek, Cyrillic, Armenian
    "אعۀ"  # Hebrew, Arabic
    "अकกລཀ"  # Devanagari, Thai, Lao, Tibetan
    "ሀᏣᚠ"  # Ethiopic, Cherokee, Runic
    "日本語한글ひカ"  # Han, Hangul, kana
    "ªº"  # Lo in Latin-1
    "٣۴५๓０"  # non-ASCII decimal digits (Nd)
    "Ⅻⅷ²½"  # Nl, No
    "\u0301\u0903"  # combining marks (Mn, Mc)
    # punctuation and symbols: middle dot, hyphen, dashes, quotes, currency, signs
    "\u00b7\u2010\u2013\u2014\u2019\u201c\u20ac\u00a3\u00a5\u00a9\u00b0\u00d7\u00f7"
    "\U00010400\U0001d7d8\U00020000\U0001f600"  # astral: Deseret letter, math digit, Han, emoji
)
BASE_ALPHABET = _ASCII + _WHITESPACE + _UNICODE


@dataclass(frozen=True)
class StringRule:
    """The string constraints a JSON Schema puts on one value (None: not constrained)."""

    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None

    def accepts(self, value: str) -> bool:
        """All constraints hold at once, as a JSON Schema validator checks them."""
        length = code_point_length(value)
        if self.min_length is not None and length < self.min_length:
            return False
        if self.max_length is not None and length > self.max_length:
            return False
        return self.pattern is None or ecma_test(self.pattern, value)

    def limits(self) -> set[int]:
        """The lengths a boundary family should sit on and around."""
        found: set[int] = set()
        for limit in (self.min_length, self.max_length):
            if limit is not None:
                found.update(n for n in (limit - 1, limit, limit + 1) if n >= 0)
        return found


@dataclass(frozen=True)
class Comparison:
    """Witnesses of a rule change: each is the first one found, or None."""

    tightened: str | None
    loosened: str | None
    tried: int


def _is_surrogate(char: str) -> bool:
    return 0xD800 <= ord(char) <= 0xDFFF


def alphabet(*patterns: str | None) -> list[str]:
    """The base alphabet plus every character the patterns mention and its neighbours."""
    chars = dict.fromkeys(BASE_ALPHABET)
    for pattern in patterns:
        for char in pattern or "":
            for code in (ord(char) - 1, ord(char), ord(char) + 1):
                if 0x20 <= code <= 0x10FFFF and not _is_surrogate(chr(code)):
                    chars.setdefault(chr(code))
    return list(chars)


def _lengths(rules: Iterable[StringRule]) -> list[int]:
    lengths = {0, 1, 2, 3, 4, 5, 8}
    for rule in rules:
        lengths |= rule.limits()
    return sorted(lengths)


def _edits(value: str, chars: list[str], limits: list[int]) -> Iterator[str]:
    """Single-character substitutions, insertions at the ends, and cuts and pads to limits."""
    positions = sorted({*range(min(len(value), 4)), *range(max(len(value) - 4, 0), len(value))})
    if len(value) > 8:
        positions += [len(value) // 2]
    for index in positions:
        for char in chars:
            yield value[:index] + char + value[index + 1 :]
    for char in chars:
        yield char + value
        yield value + char
    yield value[1:]
    yield value[:-1]
    for limit in limits:
        if 0 < limit < len(value):
            yield value[:limit]
        elif value and limit > len(value):
            yield value + value[-1] * (limit - len(value))
            yield value[0] * (limit - len(value)) + value


def candidates(old: StringRule, new: StringRule, seeds: Iterable[str]) -> Iterator[str]:
    """Every value to try, in a fixed order (no lone surrogates: regress cannot take them)."""
    chars = alphabet(old.pattern, new.pattern)
    lengths = _lengths((old, new))
    seed_list = [seed for seed in dict.fromkeys(seeds) if not any(map(_is_surrogate, seed))]
    yield from seed_list
    yield from chars
    for length in lengths:
        for char in chars:
            yield char * length
    accepted = [seed for seed in seed_list if old.accepts(seed) or new.accepts(seed)]
    draws = random.Random(SEED)  # noqa: S311 - reproducible test data, not a secret
    for _ in range(RANDOM_DRAWS):
        length = draws.choice(lengths) if draws.random() < 0.5 else draws.randint(1, 12)
        yield "".join(draws.choice(chars) for _ in range(length))
    # Grow the seed set from what the rules accept, so a pattern without examples still
    # gets neighbours of accepted values.
    pool: list[str] = list(accepted)
    for length in lengths:
        for char in chars:
            value = char * length
            if len(pool) >= 8:
                break
            if (old.accepts(value) or new.accepts(value)) and value not in pool:
                pool.append(value)
    # Second round: extend one accepted value of each shape (sequence of Unicode categories),
    # which reaches values two edits away, such as "US" -> "US1" -> "US12".
    shapes: dict[tuple[str, ...], str] = {}
    for value in pool:
        for edited in _edits(value, chars, lengths):
            yield edited
            shape = tuple(unicodedata.category(char) for char in edited)
            if (
                shape not in shapes
                and len(shapes) < 48
                and (old.accepts(edited) or new.accepts(edited))
            ):
                shapes[shape] = edited
    for value in shapes.values():
        for char in chars:
            yield value + char
            yield char + value
    narrow = [char for char in chars if char.isascii() and char.isalnum()]
    for _ in range(RANDOM_DRAWS):
        length = draws.choice(lengths) if draws.random() < 0.5 else draws.randint(1, 12)
        yield "".join(draws.choice(narrow) for _ in range(length))
    for value in pool:
        for _ in range(RANDOM_DRAWS // 10):
            mutated = list(value)
            for _ in range(draws.randint(1, 3)):
                if mutated:
                    mutated[draws.randrange(len(mutated))] = draws.choice(chars)
            yield "".join(mutated)


def compare(old: StringRule, new: StringRule, seeds: Iterable[str] = ()) -> Comparison:
    """Search for a value old accepts and new rejects (tightened) and one the other way."""
    tightened: str | None = None
    loosened: str | None = None
    tried = 0
    seen: set[str] = set()
    for value in candidates(old, new, seeds):
        if value in seen:
            continue
        seen.add(value)
        tried += 1
        was, now = old.accepts(value), new.accepts(value)
        if was and not now and (tightened is None or _simpler(value, tightened)):
            tightened = value
        elif now and not was and (loosened is None or _simpler(value, loosened)):
            loosened = value
    return Comparison(tightened, loosened, tried)


def _rank(value: str) -> tuple[int, int]:
    return len(value), 0 if value.isascii() and value.isalnum() else 1


def _simpler(value: str, than: str) -> bool:
    """Prefer short witnesses, then ASCII letters and digits (easy to read and retype)."""
    return _rank(value) < _rank(than)


def with_keyword(rule: StringRule, keyword: str, value: Any) -> StringRule:
    """`rule` with one keyword (pattern, minLength, maxLength) replaced."""
    if keyword == "pattern":
        return replace(rule, pattern=value)
    if keyword == "minLength":
        return replace(rule, min_length=value)
    if keyword == "maxLength":
        return replace(rule, max_length=value)
    raise ValueError(f"not a string keyword: {keyword}")


def show(value: str) -> str:
    """A witness readable in a terminal and in Markdown: quoted, invisible characters named."""
    shown = "".join(
        char if char.isprintable() and char not in '"\\' else _escape(char) for char in value
    )
    names = [
        f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed')}"
        for char in dict.fromkeys(value)
        if not char.isascii()
    ]
    suffix = f" ({', '.join(names[:3])}{', ...' if len(names) > 3 else ''})" if names else ""
    if len(shown) > 60:
        shown = f"{shown[:40]}...{shown[-10:]}"
        suffix = f" [{code_point_length(value)} code points]{suffix}"
    return f'"{shown}"{suffix}'


def _escape(char: str) -> str:
    if char in '"\\':
        return "\\" + char
    return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(char, f"\\u{{{ord(char):X}}}")
