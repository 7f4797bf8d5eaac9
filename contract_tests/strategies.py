"""Hypothesis strategies for the fragment's constrained fields, with ECMA-262 semantics.

Every strategy isolates ONE rule: a value that is valid except for exactly one reason, or
valid and on a boundary. Character sets never come from Python's `re` (whose `\\d`, `\\s`,
`$` and missing `\\p{..}` disagree with JSON Schema): letters and numbers come from the
committed table `unicode_ages.py`, and only those that have been letters or numbers since
the baseline (Unicode 15.0) are drawn by default, because the server's Unicode version is
unknown. Newer ones go to separate version-dependent families (`unicode_since`). Other
categories come from `unicodedata2`, minus every code point that was a letter or number in
any version since the baseline. `contract_tests/test_strategies.py`
checks each family against real ECMA engines (regress, and V8 when Node is present).

A `Family` names a field, the rule it probes, the side of the boundary (`accept`) and its
strategy; `FAMILIES` lists them all, which is what the constraint tests iterate over.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable
from dataclasses import dataclass

import unicodedata2
from hypothesis import settings
from hypothesis import strategies as st

from ._engine import BODY_RULES, PATH_RULES, FieldRule, code_point_length, ecma_test
from .unicode_ages import BASELINE, LETTER_NUMBER_SINCE, NOT_LETTER_NUMBER_UNSTABLE, VERSIONS

__all__ = [
    "ALLOWED_PUNCTUATION",
    "BASELINE_FAMILIES",
    "ECMA_WHITESPACE",
    "FAMILIES",
    "FIELD_RULES",
    "VERSION_FAMILIES",
    "Family",
    "raw_requests",
    "valid_bodies",
    "valid_environment_ids",
    "valid_uuids",
]

Ranges = tuple[tuple[int, int], ...]

FIELD_RULES: dict[str, FieldRule] = {
    "environmentId": PATH_RULES[0],
    **{rule.name: rule for rule in BODY_RULES if rule.pattern is not None},
}
"""The five constrained fields, by wire name (path `environmentId` plus four body fields)."""

UUID_FIELDS = ("environmentId", "verificationUUID")
NAME_FIELDS = ("phoneCountryCode", "phoneNumber")
ISO_FIELD = "isoCountryCode"

ALLOWED_PUNCTUATION = " _.,:!?&%@/+-'|"
"""Every non-letter, non-number character the name pattern's class admits (space included)."""

ECMA_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
"""ECMA-262 WhiteSpace + LineTerminator: exactly what `\\S` excludes."""

FORBIDDEN_SYMBOLS = '$#*=;<>()[]{}"~^`\\'
"""ASCII symbols outside the name pattern's class (regex metacharacters and friends)."""

HEX = "0123456789abcdef"


def profile_max_examples() -> int:
    """max_examples of the loaded Hypothesis profile (dev or ci), to scale other budgets."""
    current = settings.default
    assert current is not None
    return current.max_examples


def _code_points(ranges: Ranges) -> st.SearchStrategy[str]:
    """One code point drawn from inclusive ranges, each range equally likely."""
    return st.sampled_from(ranges).flatmap(
        lambda bounds: st.integers(bounds[0], bounds[1]).map(chr)
    )


@functools.cache
def _all_category_ranges() -> dict[str, Ranges]:
    """Every General_Category's code point ranges in Unicode 17 (unicodedata2), one pass."""
    found: dict[str, list[tuple[int, int]]] = {}
    current, start = "", 0
    for code_point in range(0x110000):
        category = unicodedata2.category(chr(code_point))
        if category != current:
            if current:
                found.setdefault(current, []).append((start, code_point - 1))
            current, start = category, code_point
    found.setdefault(current, []).append((start, 0x10FFFF))
    return {category: tuple(ranges) for category, ranges in found.items()}


LETTER_NUMBER_CATEGORIES = ("Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl", "No")


def _merge(ranges: list[tuple[int, int]]) -> Ranges:
    out: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if out and low <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(high, out[-1][1]))
        else:
            out.append((low, high))
    return tuple(out)


def _subtract(ranges: Ranges, holes: Ranges) -> Ranges:
    """`ranges` without any code point of `holes` (both sorted, inclusive bounds)."""
    out: list[tuple[int, int]] = []
    for low, high in ranges:
        start = low
        for hole_low, hole_high in holes:
            if hole_high < start or hole_low > high:
                continue
            if hole_low > start:
                out.append((start, hole_low - 1))
            start = max(start, hole_high + 1)
        if start <= high:
            out.append((start, high))
    return tuple(out)


@functools.cache
def letter_number_ranges(category: str, since: str = BASELINE) -> Ranges:
    """Code points of an L*/N* category (or all of "L" / "N") that are letters/numbers since
    `since` exactly (the baseline: since 15.0 or earlier)."""
    cats = [c for c in LETTER_NUMBER_CATEGORIES if c.startswith(category)]
    return _merge([r for c in cats for r in LETTER_NUMBER_SINCE[c].get(since, ())])


@functools.cache
def _ever_letter_number() -> Ranges:
    """Every code point that is a letter or number in some version of the table."""
    every = [rs for by_version in LETTER_NUMBER_SINCE.values() for rs in by_version.values()]
    return _merge([r for rs in every for r in rs] + list(NOT_LETTER_NUMBER_UNSTABLE))


def unicode_since(char: str) -> str | None:
    """The version since which `char` is a letter or number (None: it is neither)."""
    code_point = ord(char)
    for by_version in LETTER_NUMBER_SINCE.values():
        for version, ranges in by_version.items():
            if any(low <= code_point <= high for low, high in ranges):
                return version
    return None


def category_chars(category: str) -> st.SearchStrategy[str]:
    """A character of one General_Category whose letter/number status is version-stable.

    L*/N* (and "L", "N"): letters/numbers since the baseline. Others: unicodedata2's
    category minus anything that was a letter or number in any tabled version.
    """
    if category in ("L", "N") or category in LETTER_NUMBER_CATEGORIES:
        return _code_points(letter_number_ranges(category))
    return _code_points(_subtract(_all_category_ranges()[category], _ever_letter_number()))


def newer_letters_numbers(version: str) -> st.SearchStrategy[str]:
    """A letter or number that became one in `version` (newer than the baseline)."""
    return _code_points(letter_number_ranges("L", version) + letter_number_ranges("N", version))


# Scripts the name fields must take: (label, ranges of letters or numbers in that script).
SCRIPT_SAMPLES: dict[str, Ranges] = {
    "greek": ((0x391, 0x3A1), (0x3A3, 0x3A9), (0x3B1, 0x3C9)),
    "cyrillic": ((0x410, 0x44F),),
    "arabic": ((0x627, 0x63A), (0x641, 0x64A), (0x660, 0x669)),
    "devanagari": ((0x905, 0x939), (0x966, 0x96F)),
    "cjk": ((0x4E00, 0x9FFF),),
    "hangul": ((0xAC00, 0xD7A3),),
    "math-letters-astral": ((0x1D400, 0x1D454), (0x1D456, 0x1D49B)),
    "deseret-astral": ((0x10400, 0x1044F),),
    "numbers-astral": ((0x1F100, 0x1F10C), (0x10107, 0x10133)),
}
"""Letters (Lu/Ll/Lo) and numbers (Nd/No) of many scripts, BMP and astral; every one is L or N."""


def name_core_chars() -> st.SearchStrategy[str]:
    """Any one non-space character the name pattern admits: a letter, a number or punctuation."""
    return st.one_of(
        st.sampled_from(string.ascii_letters + string.digits),
        st.sampled_from(ALLOWED_PUNCTUATION.strip()),
        category_chars("L"),
        category_chars("N"),
    )


def name_chars() -> st.SearchStrategy[str]:
    """Any character the name pattern's class admits, the interior space included."""
    return st.one_of(name_core_chars(), st.just(" "))


def valid_names(
    min_size: int = 1, max_size: int = 255, inner: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[str]:
    """Names the pattern accepts: non-space ends, interior drawn from `inner` (default: any)."""
    interior = inner if inner is not None else name_chars()

    def build(size: int) -> st.SearchStrategy[str]:
        if size == 1:
            return name_core_chars()
        return st.tuples(
            name_core_chars(),
            st.lists(interior, min_size=size - 2, max_size=size - 2).map("".join),
            name_core_chars(),
        ).map("".join)

    return st.integers(min_size, max_size).flatmap(build)


def valid_uuids() -> st.SearchStrategy[str]:
    """Lowercase-hex 8-4-4-4-12 UUIDs: the only strings the UUID pattern admits (36 long)."""
    groups = [st.text(alphabet=HEX, min_size=n, max_size=n) for n in (8, 4, 4, 4, 12)]
    return st.tuples(*groups).map("-".join)


def valid_environment_ids() -> st.SearchStrategy[str]:
    """Environment ids the path pattern admits (same rule as verificationUUID)."""
    return valid_uuids()


def valid_iso_codes() -> st.SearchStrategy[str]:
    """isoCountryCode values admitted by BOTH rules: 2-4 ASCII letters, or 2-3 and one digit."""
    letters = string.ascii_letters
    return st.one_of(
        st.text(alphabet=letters, min_size=2, max_size=4),
        st.tuples(
            st.text(alphabet=letters, min_size=2, max_size=3), st.sampled_from(string.digits)
        ).map("".join),
    )


def valid_bodies() -> st.SearchStrategy[dict[str, str]]:
    """Request bodies every documented rule admits (captchaToken sometimes present)."""
    required = st.fixed_dictionaries(
        {
            "verificationUUID": valid_uuids(),
            "phoneCountryCode": valid_names(1, 8),
            "phoneNumber": valid_names(1, 20),
            "isoCountryCode": valid_iso_codes(),
        },
        optional={"captchaToken": st.text(max_size=20)},
    )
    return required


def _replace_one(
    value: str, chars: st.SearchStrategy[str], *, interior: bool
) -> st.SearchStrategy[str]:
    """`value` with one character (interior ones only when asked) replaced by a draw of `chars`."""
    low, high = (1, len(value) - 2) if interior else (0, len(value) - 1)
    return st.tuples(st.integers(low, high), chars).map(
        lambda pair: value[: pair[0]] + pair[1] + value[pair[0] + 1 :]
    )


def _uuid_with_one(
    chars: st.SearchStrategy[str], *, position: str = "any"
) -> st.SearchStrategy[str]:
    """A valid UUID with one hex digit (first, last or any) replaced by a draw of `chars`."""
    hex_positions = [i for i in range(36) if i not in (8, 13, 18, 23)]
    if position == "first":
        hex_positions = [0]
    elif position == "last":
        hex_positions = [35]
    return st.tuples(valid_uuids(), st.sampled_from(hex_positions), chars).map(
        lambda t: t[0][: t[1]] + t[2] + t[0][t[1] + 1 :]
    )


def _name_with_interior(chars: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A valid 3-40 character name with one interior character replaced by a draw of `chars`."""
    return valid_names(3, 40).flatmap(lambda name: _replace_one(name, chars, interior=True))


def _with_interior(make: Callable[[], st.SearchStrategy[str]]) -> st.SearchStrategy[str]:
    return _name_with_interior(make())


def _category_text(category: str) -> st.SearchStrategy[str]:
    """1-12 characters all of one L*/N* category: every one is admitted by the name pattern."""
    return st.text(category_chars(category), min_size=1, max_size=12)


def _newer_text(version: str) -> st.SearchStrategy[str]:
    """1-12 letters/numbers that are letters/numbers only since `version`."""
    return st.text(newer_letters_numbers(version), min_size=1, max_size=12)


def _ranges_text(ranges: Ranges) -> st.SearchStrategy[str]:
    return st.text(_code_points(ranges), min_size=1, max_size=12)


def _exactly(size: int, inner: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[str]:
    return valid_names(size, size, inner)


_NAME_FORBIDDEN: dict[str, Callable[[], st.SearchStrategy[str]]] = {
    "control-char": lambda: category_chars("Cc").filter(lambda c: c not in ECMA_WHITESPACE),
    "ascii-symbol": lambda: st.sampled_from(FORBIDDEN_SYMBOLS),
    "emoji": lambda: _code_points(((0x1F600, 0x1F64F), (0x1F300, 0x1F5FF), (0x2600, 0x26FF))),
    "combining-mark-Mn": lambda: category_chars("Mn"),
    "combining-mark-Mc": lambda: category_chars("Mc"),
    "format-char-Cf": lambda: category_chars("Cf").filter(lambda c: c not in ECMA_WHITESPACE),
    "private-use": lambda: category_chars("Co"),
    "unassigned": lambda: category_chars("Cn"),
    "interior-whitespace-not-space": lambda: st.sampled_from(ECMA_WHITESPACE.replace(" ", "")),
    "other-symbols-and-punctuation": lambda: st.one_of(
        category_chars("Sm"), category_chars("Sc"), category_chars("So"), category_chars("Pd")
    ).filter(lambda c: c not in ALLOWED_PUNCTUATION),
}


@dataclass(frozen=True)
class Family:
    """One probe: field, rule, expected verdict, and a strategy of raw values for the field."""

    field: str
    rule: str
    reason: str
    accept: bool
    values: Callable[[], st.SearchStrategy[str]]
    unicode_since: str | None = None
    """Set on version-dependent families: accepted only by servers on this Unicode or newer."""

    @property
    def key(self) -> str:
        """Stable identifier used in test ids and in the contract summary."""
        side = "accept" if self.accept else "reject"
        return f"{self.field}:{self.rule}:{self.reason}:{side}"


def _uuid_families(field: str) -> list[Family]:
    families = [
        Family(field, "maxLength", "exactly-36-matching", True, valid_uuids),
        Family(
            field,
            "maxLength",
            "37-newline-python-only-match",
            False,
            lambda: valid_uuids().map(lambda u: u + "\n"),
        ),
        Family(
            field,
            "pattern",
            "uppercase-hex",
            False,
            lambda: _uuid_with_one(st.sampled_from("ABCDEF")),
        ),
        Family(
            field,
            "pattern",
            "non-hex-letter",
            False,
            lambda: _uuid_with_one(st.sampled_from("ghijklmnopqrstuvwxyz")),
        ),
        Family(
            field,
            "pattern",
            "non-ascii-digit",
            False,
            lambda: _uuid_with_one(category_chars("Nd").filter(lambda c: c not in string.digits)),
        ),
        Family(
            field,
            "pattern",
            "leading-whitespace",
            False,
            lambda: _uuid_with_one(st.sampled_from(ECMA_WHITESPACE), position="first"),
        ),
        Family(
            field,
            "pattern",
            "trailing-whitespace",
            False,
            lambda: _uuid_with_one(st.sampled_from(ECMA_WHITESPACE), position="last"),
        ),
        Family(
            field,
            "pattern",
            "hyphen-lookalike",
            False,
            lambda: st.tuples(
                valid_uuids(), st.sampled_from("\u2010\u2011\u2012\u2013\u2212_ ")
            ).map(lambda t: t[0][:8] + t[1] + t[0][9:]),
        ),
        Family(
            field,
            "pattern",
            "forbidden-char",
            False,
            lambda: _uuid_with_one(
                st.one_of(
                    st.sampled_from(FORBIDDEN_SYMBOLS),
                    category_chars("Cc").filter(lambda c: c != "\n"),
                    category_chars("L").filter(lambda c: c not in HEX),
                )
            ),
        ),
    ]
    if field != "environmentId":  # a URL path carries UTF-8, which has no lone surrogates
        families.append(
            Family(
                field,
                "pattern",
                "lone-surrogate",
                False,
                lambda: _uuid_with_one(st.integers(0xD800, 0xDFFF).map(chr)),
            )
        )
    return families


def _name_families(field: str) -> list[Family]:
    families = [
        Family(field, "maxLength", "exactly-255-any", True, lambda: _exactly(255)),
        Family(
            field,
            "maxLength",
            "exactly-255-astral",
            True,
            lambda: _exactly(255, _code_points(SCRIPT_SAMPLES["math-letters-astral"])),
        ),
        Family(field, "maxLength", "256-any", False, lambda: _exactly(256)),
        Family(
            field,
            "maxLength",
            "256-astral",
            False,
            lambda: _exactly(256, _code_points(SCRIPT_SAMPLES["deseret-astral"])),
        ),
        Family(
            field,
            "pattern",
            "leading-whitespace",
            False,
            lambda: st.tuples(st.sampled_from(ECMA_WHITESPACE), valid_names(1, 30)).map("".join),
        ),
        Family(
            field,
            "pattern",
            "trailing-whitespace",
            False,
            lambda: st.tuples(valid_names(1, 30), st.sampled_from(ECMA_WHITESPACE)).map("".join),
        ),
        Family(
            field,
            "pattern",
            "python-dollar-newline",
            False,
            lambda: valid_names(1, 30).map(lambda v: v + "\n"),
        ),
        Family(
            field,
            "pattern",
            "leading-space",
            False,
            lambda: valid_names(1, 30).map(lambda v: " " + v),
        ),
        Family(
            field,
            "pattern",
            "trailing-space",
            False,
            lambda: valid_names(1, 30).map(lambda v: v + " "),
        ),
        Family(
            field,
            "pattern",
            "lone-surrogate",
            False,
            lambda: _name_with_interior(st.integers(0xD800, 0xDFFF).map(chr)),
        ),
        Family(
            field,
            "pattern",
            "only-whitespace",
            False,
            lambda: st.text(ECMA_WHITESPACE, min_size=1, max_size=5),
        ),
    ]
    families += [
        Family(field, "pattern", reason, False, functools.partial(_with_interior, make))
        for reason, make in _NAME_FORBIDDEN.items()
    ]
    families += [
        Family(
            field,
            "pattern",
            f"category-{cat}",
            True,
            functools.partial(_category_text, cat),
        )
        for cat in ("Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl", "No")
    ]
    families += [
        Family(
            field,
            "pattern",
            f"script-{script}",
            True,
            functools.partial(_ranges_text, ranges),
        )
        for script, ranges in SCRIPT_SAMPLES.items()
    ]
    families += [
        Family(
            field,
            "pattern",
            f"unicode-{version}-letters-numbers",
            True,
            functools.partial(_newer_text, version),
            unicode_since=version,
        )
        for version in VERSIONS[1:]
    ]
    families += [
        Family(
            field,
            "pattern",
            "allowed-punctuation-and-interior-spaces",
            True,
            lambda: st.tuples(
                name_core_chars(),
                st.text(ALLOWED_PUNCTUATION, min_size=0, max_size=20),
                name_core_chars(),
            ).map("".join),
        ),
        Family(
            field,
            "pattern",
            "single-punctuation",
            True,
            lambda: st.sampled_from(ALLOWED_PUNCTUATION.strip()),
        ),
    ]
    return families


def _iso_families() -> list[Family]:
    letters = string.ascii_letters
    two_to_three = st.text(letters, min_size=2, max_size=3)
    return [
        Family(
            ISO_FIELD,
            "maxLength",
            "exactly-4-letters",
            True,
            lambda: st.text(letters, min_size=4, max_size=4),
        ),
        Family(
            ISO_FIELD,
            "maxLength",
            "exactly-4-with-digit",
            True,
            lambda: st.tuples(
                st.text(letters, min_size=3, max_size=3), st.sampled_from(string.digits)
            ).map("".join),
        ),
        Family(
            ISO_FIELD,
            "maxLength",
            "5-matching-pattern",
            False,
            lambda: st.tuples(
                st.text(letters, min_size=4, max_size=4), st.sampled_from(string.digits)
            ).map("".join),
        ),
        Family(ISO_FIELD, "pattern", "within-length-valid", True, valid_iso_codes),
        Family(
            ISO_FIELD,
            "pattern",
            "python-unicode-digit",
            False,
            lambda: st.tuples(
                two_to_three, category_chars("Nd").filter(lambda c: c not in string.digits)
            ).map("".join),
        ),
        Family(
            ISO_FIELD,
            "pattern",
            "python-dollar-newline",
            False,
            lambda: st.tuples(two_to_three, st.sampled_from(["", "1"])).map(
                lambda t: t[0][:2] + t[1] + "\n"
            ),
        ),
        Family(
            ISO_FIELD,
            "pattern",
            "non-ascii-letter",
            False,
            lambda: st.tuples(
                st.text(letters, min_size=1, max_size=2),
                category_chars("L").filter(lambda c: c not in letters),
            ).map("".join),
        ),
        Family(ISO_FIELD, "pattern", "one-letter", False, lambda: st.sampled_from(letters)),
        Family(
            ISO_FIELD,
            "pattern",
            "two-digits",
            False,
            lambda: st.tuples(
                st.text(letters, min_size=2, max_size=2),
                st.text(string.digits, min_size=2, max_size=2),
            ).map("".join),
        ),
        Family(
            ISO_FIELD,
            "pattern",
            "digit-first",
            False,
            lambda: st.tuples(
                st.sampled_from(string.digits), st.text(letters, min_size=2, max_size=3)
            ).map("".join),
        ),
        Family(
            ISO_FIELD,
            "pattern",
            "whitespace",
            False,
            lambda: st.tuples(
                st.sampled_from(ECMA_WHITESPACE),
                st.text(letters, min_size=2, max_size=3),
                st.booleans(),
            ).map(lambda t: t[0] + t[1] if t[2] else t[1] + t[0]),
        ),
    ]


FAMILIES: tuple[Family, ...] = (
    *(family for field in UUID_FIELDS for family in _uuid_families(field)),
    *(family for field in NAME_FIELDS for family in _name_families(field)),
    *_iso_families(),
)
"""Every probe family; test_strategies.py proves each one says what its name claims."""

BASELINE_FAMILIES: tuple[Family, ...] = tuple(f for f in FAMILIES if f.unicode_since is None)
"""The families whose verdict does not depend on the server's Unicode version."""
VERSION_FAMILIES: tuple[Family, ...] = tuple(f for f in FAMILIES if f.unicode_since is not None)
"""Letters/numbers newer than the baseline, one family per field and version."""


def expected_by_rules(field: str, value: str) -> bool:
    """The fragment's verdict on one field value: maxLength (code points) and ECMA pattern."""
    rule = FIELD_RULES[field]
    assert rule.max_length is not None
    assert rule.pattern is not None
    return code_point_length(value) <= rule.max_length and ecma_test(rule.pattern, value)


NON_STRING_JSON: st.SearchStrategy[object] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
"""JSON values that are not strings: each is a `type` violation for a string field."""

_ABSENT = object()


def _field_value(field: str) -> st.SearchStrategy[object]:
    """Anything a field might carry: a family value (either side), a non-string, or absence."""
    options = [family.values() for family in BASELINE_FAMILIES if family.field == field]
    return st.one_of(st.one_of(options), NON_STRING_JSON, st.just(_ABSENT))


def raw_requests() -> st.SearchStrategy[tuple[str, object]]:
    """(environmentId, raw JSON body) mixing valid and invalid fields, extra keys, non-objects."""
    environment_ids = st.one_of(
        valid_uuids(), *(f.values() for f in BASELINE_FAMILIES if f.field == "environmentId")
    )
    fields = ("verificationUUID", "phoneCountryCode", "phoneNumber", "isoCountryCode")

    def assemble(drawn: tuple[object, ...]) -> dict[str, object]:
        *values, captcha, extra = drawn
        body = {
            name: value for name, value in zip(fields, values, strict=True) if value is not _ABSENT
        }
        if captcha is not _ABSENT:
            body["captchaToken"] = captcha
        assert isinstance(extra, dict)
        return {**extra, **body}

    objects = st.tuples(
        *(st.one_of(_valid_field(name), _field_value(name)) for name in fields),
        st.one_of(st.just(_ABSENT), st.text(max_size=10), NON_STRING_JSON),
        st.dictionaries(
            st.sampled_from(["extra", "x-note", "locale"]), NON_STRING_JSON, max_size=2
        ),
    ).map(assemble)
    bodies: st.SearchStrategy[object] = st.one_of(
        objects, objects, objects, NON_STRING_JSON, st.text(max_size=5)
    )
    return st.tuples(environment_ids, bodies)


def _valid_field(field: str) -> st.SearchStrategy[str]:
    if field == "verificationUUID":
        return valid_uuids()
    if field == "isoCountryCode":
        return valid_iso_codes()
    return valid_names(1, 20)
