"""The mutant model: the plausible ways a server mis-implements each documented rule.

Why: a plan that sends only witnesses breaking exactly one rule leaves common server
mistakes unprobed (uppercase hex in a UUID, Python's `$`, a dash made optional). Each
`Mutant` is one such server, derived from the operation model: per (operation, place) a
named, typed mutated check `accepts(value)` of that place's value, next to the documented
one (`Operation.violations` through `schema_violations`). Three families:

- per pattern node (`pattern_nodes.variants`): quantifier bounds moved by one, class
  members added or removed (case swaps too), anchors, lookarounds, alternatives, `.`
  with line terminators, `$` as Python's;
- per dialect: case-insensitive, unanchored search, Python `$`, Unicode `\\d` `\\w`,
  Python `\\s`, `\\p{..}` on older Unicode tables, NFC/NFKC or trimming first, lengths in
  UTF-16 units or UTF-8 bytes;
- per keyword: lengths or pattern unchecked, minLength ignored, "" accepted, null for an
  optional member, a required member optional, enum case-insensitive,
  additionalProperties ignored, a number coerced to a string.

Mutated patterns run on the ECMA engine (`dynamic_sdk_runtime.ecma`), never Python `re`.
Each mutant gets a witness (a value the documented rule and the mutant judge differently,
by construction first, then by bounded search) or is classified equivalent (no value
found) or unsendable (only values that cannot travel in that place tell it apart).
`kills` and `score` say which mutants the requests of a plan tell apart.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import json
import math
import re
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from contract_tests.core.model import Probe, changes_the_route
from contract_tests.core.pattern_nodes import Variant, dialect_variants, variants
from contract_tests.core.pattern_nodes import witnesses as pattern_witnesses
from contract_tests.core.unicode_ages import BASELINE, VERSIONS
from contract_tests.plan.strategies import unicode_since
from contract_tests.plan.values import SAMPLE_CHARACTERS, accepted_value, newer_letter
from dynamic_sdk_runtime.ecma import (
    UNICODE_VERSION,
    UnsupportedPatternError,
    code_point_length,
    compile_pattern,
)
from dynamic_sdk_runtime.fragment import ABSENT, Fragment, Operation, Place
from dynamic_sdk_runtime.schema import Schema, schema_violations

__all__ = [
    "DECODERS",
    "STACKS",
    "UUID_PARSERS",
    "Kind",
    "Mutant",
    "Score",
    "accept_rule",
    "candidates",
    "every_kind_within",
    "fewest_requests",
    "independent",
    "kill_set",
    "kills",
    "maximal_accept",
    "mutants",
    "newer_letters",
    "operation_mutants",
    "parsed_as_uuid",
    "representatives",
    "score",
    "shares",
    "tally",
    "weight",
]


class Kind(enum.Enum):
    """What a mutant gets wrong; the value names the family and the mistake."""

    QUANTIFIER_BOUND = "node:quantifier-bound"
    CLASS_MEMBER_ADDED = "node:class-member-added"
    CLASS_MEMBER_REMOVED = "node:class-member-removed"
    CASE_SWAPPED = "node:case-swapped"
    ANCHOR_DROPPED = "node:anchor-dropped"
    LOOKAROUND_DROPPED = "node:lookaround-dropped"
    ALTERNATIVE_DROPPED = "node:alternative-dropped"
    ALTERNATIVE_WIDENED = "node:alternative-widened"
    DOT_LINE_TERMINATORS = "node:dot-line-terminators"
    PYTHON_DOLLAR = "node:python-dollar"
    CASE_INSENSITIVE = "dialect:case-insensitive"
    PYTHON_DOLLAR_EVERYWHERE = "dialect:python-dollar"
    UNANCHORED = "dialect:unanchored"
    FULL_MATCH = "dialect:full-match"
    UNICODE_DIGIT = "dialect:unicode-digit"
    UNICODE_WORD = "dialect:unicode-word"
    PYTHON_SPACE = "dialect:python-space"
    OLD_UNICODE = "dialect:old-unicode"
    NFC = "dialect:nfc"
    NFKC = "dialect:nfkc"
    TRIMMED = "dialect:trimmed"
    UTF16_LENGTH = "dialect:utf16-length"
    UTF8_LENGTH = "dialect:utf8-length"
    LENGTH_UNCHECKED = "keyword:length-unchecked"
    MAX_LENGTH_IGNORED = "keyword:maxLength-ignored"
    MIN_LENGTH_IGNORED = "keyword:minLength-ignored"
    PATTERN_UNCHECKED = "keyword:pattern-unchecked"
    EMPTY_ACCEPTED = "keyword:empty-accepted"
    NULL_ACCEPTED = "keyword:null-accepted"
    REQUIRED_OPTIONAL = "keyword:required-optional"
    ENUM_CASE_INSENSITIVE = "keyword:enum-case-insensitive"
    ADDITIONAL_PROPERTIES_IGNORED = "keyword:additionalProperties-ignored"
    NUMBER_COERCED = "keyword:number-coerced"

    @property
    def family(self) -> str:
        return self.value.split(":", 1)[0]


STACKS: dict[str, frozenset[Kind]] = {
    "Node + AJV 8 (hand-written checks beside it)": frozenset(
        {Kind.UTF16_LENGTH, Kind.OLD_UNICODE}
    ),
    "Node + AJV 6, or new RegExp(p) without u": frozenset(
        {Kind.CLASS_MEMBER_REMOVED, Kind.CLASS_MEMBER_ADDED, Kind.UTF16_LENGTH}
    ),
    "Go regexp (RE2), Envoy and RE2 gateways": frozenset(
        {Kind.LOOKAROUND_DROPPED, Kind.UTF8_LENGTH}
    ),
    "Rust regex, pydantic 2 (rust-regex)": frozenset(
        {Kind.LOOKAROUND_DROPPED, Kind.UNICODE_DIGIT, Kind.UTF8_LENGTH}
    ),
    "Python re (pydantic python-re, Django, Flask)": frozenset(
        {
            Kind.CLASS_MEMBER_ADDED,  # \p{L}\p{N} replaced by \w: `_` let in
            Kind.CLASS_MEMBER_REMOVED,  # ... or dropped
            Kind.PYTHON_DOLLAR,
            Kind.PYTHON_DOLLAR_EVERYWHERE,
            Kind.UNICODE_DIGIT,
            Kind.PYTHON_SPACE,
            Kind.ANCHOR_DROPPED,  # re.match without `$`: a prefix match
            Kind.TRIMMED,  # .strip() before the check
        }
    ),
    "Python regex module": frozenset({Kind.PYTHON_DOLLAR, Kind.PYTHON_DOLLAR_EVERYWHERE}),
    "Java String.matches / find()": frozenset({Kind.UNANCHORED, Kind.UTF16_LENGTH}),
    ".NET Regex": frozenset(
        {Kind.PYTHON_DOLLAR, Kind.PYTHON_DOLLAR_EVERYWHERE, Kind.UNICODE_DIGIT, Kind.UTF16_LENGTH}
    ),
    "PHP preg_match (PCRE2)": frozenset(
        {Kind.PYTHON_DOLLAR, Kind.PYTHON_DOLLAR_EVERYWHERE, Kind.UTF8_LENGTH}
    ),
    "Ruby": frozenset({Kind.PYTHON_DOLLAR, Kind.PYTHON_DOLLAR_EVERYWHERE}),
}
"""The mistakes each common server stack makes running the fragment's patterns, as the
shared reference `regex-by-stack.md` lists them (its "likely mistakes" column, and
the `$` and `\\d` / `\\s` columns where they differ from ECMA-262). The one home of the
weights: `weight` counts the rows."""

UUID_PARSERS: dict[str, frozenset[Kind]] = {
    stack: frozenset({Kind.CASE_SWAPPED, Kind.CASE_INSENSITIVE})
    for stack in ("Python uuid.UUID", "Java UUID.fromString", "Go uuid.Parse")
}
"""A UUID place is rarely checked by pattern: stacks parse it, and each of these parsers
accepts uppercase hex (the same reference). Their other leniencies (braces, `urn:uuid:`,
no dashes) are no kind of the model."""

DECODERS: dict[str, frozenset[Kind]] = {
    "Java Jackson (JSON null binds a String to null; a number to its text)": frozenset(
        {Kind.NULL_ACCEPTED, Kind.NUMBER_COERCED}
    ),
    "Go encoding/json (a null into a string is a no-op, no error)": frozenset({Kind.NULL_ACCEPTED}),
    "pydantic (an optional member typed Optional[str] takes None)": frozenset({Kind.NULL_ACCEPTED}),
    "pydantic 1 (str coerces a number)": frozenset({Kind.NUMBER_COERCED}),
}
"""The member-level mistakes the same stacks' JSON decoders make before any pattern runs
(not in the pattern reference: docs/contract.md cites each library's own words)."""

_UUID = str(uuid.UUID(int=0x1F))
"""A canonical UUID no fragment shows: only judged here, never sent."""


@functools.cache
def parsed_as_uuid(place: Place) -> bool:
    """A place whose documented rules take exactly the canonical lowercase UUID form (what
    stacks check with a UUID parser, not the pattern), read from the model."""
    if not isinstance(place.schema.pattern, str) or place.schema.type not in ("string", None):
        return False
    return (
        documented(place, _UUID)
        and not documented(place, _UUID[:-1] + "g")
        and not documented(place, _UUID + "0")
        and not documented(place, _UUID.replace("-", ""))
    )


def weight(place: Place, kind: Kind) -> int:
    """How likely a real server makes this mistake at this place: one, plus each common
    stack that makes it there (`STACKS`, or at a UUID place `UUID_PARSERS`, the pattern
    engines having no say there; and `DECODERS`). Every mutant of the place and kind shares
    it, so a pattern with many nodes weighs no more than one with few."""
    stacks = {**(UUID_PARSERS if parsed_as_uuid(place) else STACKS), **DECODERS}
    return 1 + sum(kind in kinds for kinds in stacks.values())


Status = Literal["distinguishable", "equivalent", "unsendable", "version-dependent"]
"""`version-dependent`: only values with letters newer than the baseline tell it apart, and
a correct server on older Unicode tables judges those as the mutant does (not a defect a
run can hold against a server without `--unicode-version`)."""
_NOT_FOUND: Any = object()


@dataclass(frozen=True)
class Mutant:
    """One way a server mis-implements one place's rules, with the value that shows it."""

    operation: str
    place: str
    kind: Kind
    name: str
    """Unique within the place, e.g. `n2:case-swapped:A-F`."""
    description: str
    weight: int
    """The place's weight for the kind (`weight`), shared by the kind's mutants there."""
    accepts: Callable[[object], bool] = field(compare=False, repr=False)
    """The mutated check of the place's value (`ABSENT` when the member is left out)."""
    status: Status = "distinguishable"
    witness: Any = field(default=None, compare=False)
    """A value the documented rule and the mutant judge differently (distinguishable)."""
    breaks: tuple[str, ...] = ()
    """The documented rules the witness breaks (empty: the documented rule accepts it)."""
    evidence: str = ""
    """How the witness was found (construction, search), or why there is none."""

    @property
    def key(self) -> str:
        return f"{self.operation}:{self.place}:{self.name}"

    @property
    def node(self) -> str | None:
        """The pattern node the mutant changes (`n2`), or None for a mutant of no node."""
        first = self.name.split(":", 1)[0]
        return first if re.fullmatch(r"n\d+", first) else None

    @property
    def target(self) -> str:
        """What a probe of this mutant's witness says it is for (keys, descriptions)."""
        node = self.node
        named = f"pattern node {node}" if node is not None else "pattern"
        rules = [named if rule == "pattern" else rule for rule in self.breaks]
        broken = " and ".join(rules) if rules else "no rule"
        together = " together" if len(self.breaks) > 1 else ""
        return f"mutant {self.name} ({self.description}): breaks {broken}{together}"


# -- the documented rule and the mutated checks ----------------------------------------


def documented(place: Place, value: object) -> bool:
    """The documented verdict on one place's value (the model's checker)."""
    if value is ABSENT:
        return not place.required
    return not schema_violations(place.schema, value, "value")


def broken_rules(place: Place, value: object) -> tuple[str, ...]:
    """Every documented rule of the place the value breaks, each judged on its own."""
    if value is ABSENT:
        return () if not place.required else ("required",)
    schema = place.schema
    if not isinstance(value, str):
        return tuple(dict.fromkeys(v.rule for v in schema_violations(schema, value, "value")))
    found = []
    size = code_point_length(value)
    if schema.pattern is not None and not _test(schema.pattern, value):
        found.append("pattern")
    if schema.max_length is not None and size > schema.max_length:
        found.append("maxLength")
    if schema.min_length is not None and size < schema.min_length:
        found.append("minLength")
    rest = schema_violations(
        Schema(type=schema.type, enum=schema.enum, format=schema.format), value, "value"
    )
    return (*found, *dict.fromkeys(v.rule for v in rest))


def _test(pattern: str, value: str, flags: str = "u") -> bool:
    try:
        return compile_pattern(pattern, flags).test(value)
    except UnsupportedPatternError:
        return False  # a lone surrogate the mutated pattern cannot judge: no verdict


@dataclass(frozen=True)
class _StringCheck:
    """A server's string check: its pattern, flags, lengths, length unit and preparation."""

    schema: Schema
    pattern: str | None
    flags: str = "u"
    min_length: int | None = None
    max_length: int | None = None
    length: Callable[[str], int] = code_point_length
    prepare: Callable[[str], str] | None = None

    def __call__(self, value: str) -> bool:
        if self.prepare is not None:
            value = self.prepare(value)
        size = self.length(value)
        if self.max_length is not None and size > self.max_length:
            return False
        if self.min_length is not None and size < self.min_length:
            return False
        if self.pattern is not None and not _test(self.pattern, value, self.flags):
            return False
        rest = Schema(type=self.schema.type, enum=self.schema.enum, format=self.schema.format)
        return not schema_violations(rest, value, "value")


def _string_mutant(place: Place, check: _StringCheck) -> Callable[[object], bool]:
    """Strings through the mutated check; anything else as documented."""

    def accepts(value: object) -> bool:
        if isinstance(value, str):
            return check(value)
        return documented(place, value)

    return accepts


def _utf16_length(value: str) -> int:
    return len(value.encode("utf-16-le", "surrogatepass")) // 2


def _utf8_length(value: str) -> int:
    return len(value.encode("utf-8", "surrogatepass"))


_STAND_IN = "\u0378"
"""Unassigned in every Unicode version the suite knows: a letter a table lacks."""


def _older_tables(version: str) -> Callable[[str], str]:
    """Letters and numbers newer than `version` read as unassigned code points."""

    def prepare(value: str) -> str:
        if value.isascii():
            return value
        return "".join(
            _STAND_IN if (since := _since(c)) is not None and since > version else c for c in value
        )

    return prepare


@functools.cache
def _since(char: str) -> str | None:
    """`unicode_since`, cached: it scans the whole table."""
    return unicode_since(char)


def newer_letters(value: object) -> str | None:
    """The newest Unicode version after the baseline whose letters `value` holds, if any:
    such a witness is version-dependent (a correct server on older tables refuses it)."""
    if not isinstance(value, str) or value.isascii():
        return None
    ages = {_since(c) for c in value} - {None, BASELINE}
    return max(a for a in ages if a is not None) if ages else None


# -- enumeration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Draft:
    kind: Kind
    name: str
    description: str
    accepts: Callable[[object], bool]
    constructed: tuple[object, ...] = ()
    pattern: str | None = None
    """The mutated pattern (pattern mutants), whose own witnesses seed the search."""
    masking: bool = False
    """A pattern mutant: when lengths mask it, drop the masking length rules."""


def _node_kind(variant: Variant) -> Kind:
    return Kind("node:" + variant.kind) if variant.node else Kind("dialect:" + variant.kind)


def _pattern_drafts(place: Place) -> Iterator[_Draft]:
    schema = place.schema
    pattern = schema.pattern
    if pattern is None:
        return
    try:
        node_variants = variants(pattern) + dialect_variants(pattern)
    except UnsupportedPatternError:
        return
    seen = {pattern}
    for variant in node_variants:
        if variant.pattern in seen:
            continue  # a dialect that changes one node is that node's mutant
        seen.add(variant.pattern)
        check = _StringCheck(schema, variant.pattern, "u", schema.min_length, schema.max_length)
        label = variant.node or "pattern"
        kind = _node_kind(variant)
        yield _Draft(
            kind,
            f"{label}:{variant.kind}:{variant.change}",
            f"pattern {label}: {variant.change}",
            _string_mutant(place, check),
            _line_terminated(place) if kind is Kind.DOT_LINE_TERMINATORS else (),
            pattern=variant.pattern,
            masking=True,
        )
    lengths = (schema.min_length, schema.max_length)
    insensitive = _StringCheck(schema, pattern, "ui", *lengths)
    yield _Draft(
        Kind.CASE_INSENSITIVE,
        "case-insensitive",
        "the pattern matched case-insensitively (flag i)",
        _string_mutant(place, insensitive),
        masking=True,
        pattern=pattern,
    )
    if "\\p{" in pattern or "\\P{" in pattern:
        for version in VERSIONS:
            if version >= UNICODE_VERSION:
                break
            older = _StringCheck(schema, pattern, "u", *lengths, prepare=_older_tables(version))
            newer = [
                letter
                for since in VERSIONS
                if version < since <= UNICODE_VERSION
                and (letter := newer_letter(since)) is not None
            ]
            yield _Draft(
                Kind.OLD_UNICODE,
                f"unicode-{version}",
                f"\\p{{..}} on Unicode {version} tables",
                _string_mutant(place, older),
                tuple(seed[:-1] + letter for seed in _seeds(place)[:2] for letter in newer),
            )


def _line_terminated(place: Place) -> tuple[str, ...]:
    """Accepted values with a line terminator inside or before their end: where ECMA's `.`
    stops and a wider one runs on (`a\\r ` against `(?!.*\\s$)`)."""
    return tuple(
        value
        for seed in _seeds(place)[:2]
        for end in ("\r", "\u2028", "\u2029", "\n")
        for value in (seed + end + " ", seed + end, end + seed, seed[:1] + end + seed[1:])
    )


def _string_drafts(place: Place) -> Iterator[_Draft]:
    schema = place.schema
    low, high = schema.min_length, schema.max_length
    yield from _pattern_drafts(place)

    def draft(kind: Kind, name: str, description: str, check: _StringCheck) -> _Draft:
        return _Draft(kind, name, description, _string_mutant(place, check))

    pattern = schema.pattern
    forms: tuple[tuple[Kind, Literal["NFC", "NFKC"]], ...] = (
        (Kind.NFC, "NFC"),
        (Kind.NFKC, "NFKC"),
    )
    for kind, form in forms:
        normalise = functools.partial(unicodedata.normalize, form)
        check = _StringCheck(schema, pattern, "u", low, high, prepare=normalise)
        yield draft(kind, form.lower(), f"{form}-normalised before the check", check)
    trimmed = _StringCheck(schema, pattern, "u", low, high, prepare=str.strip)
    yield draft(Kind.TRIMMED, "trimmed", "whitespace trimmed before the check", trimmed)
    if low is not None or high is not None:
        for kind, unit, length in (
            (Kind.UTF16_LENGTH, "UTF-16 units", _utf16_length),
            (Kind.UTF8_LENGTH, "UTF-8 bytes", _utf8_length),
        ):
            check = _StringCheck(schema, pattern, "u", low, high, length=length)
            yield draft(kind, kind.value.split(":")[1], f"lengths counted in {unit}", check)
        if pattern is not None:
            unchecked = _StringCheck(schema, pattern)
            yield draft(
                Kind.LENGTH_UNCHECKED,
                "length-unchecked",
                "pattern checked, lengths not",
                unchecked,
            )
    if high is not None:
        check = _StringCheck(schema, pattern, "u", low, None)
        yield draft(
            Kind.MAX_LENGTH_IGNORED, "maxLength-ignored", f"maxLength {high} ignored", check
        )
    if low:
        check = _StringCheck(schema, pattern, "u", None, high)
        yield draft(Kind.MIN_LENGTH_IGNORED, "minLength-ignored", f"minLength {low} ignored", check)
    if pattern is not None:
        check = _StringCheck(schema, None, "u", low, high)
        yield draft(
            Kind.PATTERN_UNCHECKED, "pattern-unchecked", "lengths checked, pattern not", check
        )
    if not documented(place, ""):
        yield _Draft(
            Kind.EMPTY_ACCEPTED,
            "empty-accepted",
            "the empty string accepted",
            lambda v: v == "" or documented(place, v),
            ("",),
        )
    members = [m for m in schema.enum or () if isinstance(m, str)]
    if members:
        folded = {m.casefold() for m in members}
        yield _Draft(
            Kind.ENUM_CASE_INSENSITIVE,
            "enum-case-insensitive",
            "enum compared case-insensitively",
            lambda v: (isinstance(v, str) and v.casefold() in folded) or documented(place, v),
            tuple(m.swapcase() for m in members),
        )
    if place.location == "body" and schema.type == "string":

        def coerced(value: object) -> bool:
            if isinstance(value, int | float) and not isinstance(value, bool):
                return documented(place, json.dumps(value))
            return documented(place, value)

        yield _Draft(
            Kind.NUMBER_COERCED,
            "number-coerced",
            "a JSON number coerced to its string",
            coerced,
            (*range(10), 12, 123, 1234, 12345, 1.5),
        )


def _place_drafts(place: Place) -> Iterator[_Draft]:
    schema = place.schema
    if schema.type == "string" or (schema.type is None and schema.pattern is not None):
        yield from _string_drafts(place)
    body_member = place.location == "body"
    if body_member and not place.required and not schema.nullable:
        yield _Draft(
            Kind.NULL_ACCEPTED,
            "null-accepted",
            "null accepted for an optional member",
            lambda v: v is None or documented(place, v),
            (None,),
        )
    if place.required and place.location != "path":
        yield _Draft(
            Kind.REQUIRED_OPTIONAL,
            "required-optional",
            "a required member treated as optional",
            lambda v: v is ABSENT or documented(place, v),
            (ABSENT,),
        )
    if schema.additional_properties is False:
        known = {p.name for p in schema.properties}

        def ignoring(value: object) -> bool:
            if isinstance(value, dict):
                value = {k: v for k, v in value.items() if k in known}
            return documented(place, value)

        extra = {**accepted_value(schema), "unexpectedMember": "1"}
        yield _Draft(
            Kind.ADDITIONAL_PROPERTIES_IGNORED,
            "additionalProperties-ignored",
            "members beyond the documented ones accepted",
            ignoring,
            (extra,),
        )


# -- witnesses -----------------------------------------------------------------------------

_SPECIALS = (
    "\r",
    "\n",
    "\u2028",
    "\u2029",
    "\x1c",
    "\x85",
    "\ufeff",
    "\u212a",
    "e\u0301",
    "\uff21",
    "\uff11",
    "\ufb01",
    "\u0663",
    "\U00010400",
    "\U0001f600",
    "\u00e9",
)
"""Characters that tell dialects apart: line terminators, Python-only spaces, a BOM,
NFC/NFKC-changed forms, a non-ASCII digit, astral characters (two UTF-16 units)."""


def _seeds(place: Place) -> list[str]:
    """Accepted strings of the place: its example, enum members, pattern accept witnesses."""
    schema = place.schema
    found = [m for m in schema.enum or () if isinstance(m, str)]
    if schema.pattern is not None:
        with contextlib.suppress(UnsupportedPatternError):
            found += [
                w.value
                for w in pattern_witnesses(
                    schema.pattern, min_length=schema.min_length, max_length=schema.max_length
                )
                if w.side == "accept"
            ]
    found.append("a" * (schema.min_length or 1))
    if isinstance(schema.example, str):
        found.append(schema.example)  # last: a lookup member's example may name a resource
    return [s for s in dict.fromkeys(found) if documented(place, s)][:12]


def _edits(seed: str) -> Iterator[str]:
    """Local edits of an accepted value: case swaps, a character dropped or doubled,
    junk around it, special characters in place of or beside its characters."""
    yield seed.swapcase()
    for index, char in enumerate(seed):
        if char.swapcase() != char:
            yield seed[:index] + char.swapcase() + seed[index + 1 :]
    for index in range(len(seed)):
        yield seed[:index] + seed[index + 1 :]
        yield seed[:index] + seed[index] + seed[index:]
    for junk in ("x", "0", " ", "\n", "-", "_", "\t"):
        yield junk + seed
        yield seed + junk
    for char in (*_SPECIALS, *SAMPLE_CHARACTERS.values()):
        yield seed + char
        yield char + seed
        if seed:
            yield seed[:-1] + char
            yield char + seed[1:]
            middle = len(seed) // 2
            yield seed[:middle] + char + seed[middle + 1 :]
            yield seed[:middle] + char + seed[middle:]
            yield char * len(seed)
            if len(seed) > 2:
                yield seed[0] + char * (len(seed) - 2) + seed[-1]


def _mutant_pattern_values(pattern: str) -> list[str]:
    """Witnesses of the mutated pattern, no length rule: values it is built to judge."""
    try:
        return [w.value for w in pattern_witnesses(pattern)]
    except UnsupportedPatternError:
        return []


def _sendable(place: Place, value: object) -> bool:
    """A value that can travel unchanged in this place of a request."""
    if value is ABSENT or place.location == "body":
        return True
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False  # a lone surrogate has no percent-encoding
    if place.location == "path":
        return not changes_the_route({place.where: value})  # a router would answer it
    if place.location == "header":
        return value == value.strip() and all(" " <= c <= "~" for c in value)
    return True


@dataclass
class _Search:
    """One place's candidate values, their documented verdicts computed once."""

    place: Place
    pool: list[object]
    verdicts: dict[str, bool] = field(default_factory=dict)

    def verdict(self, value: object) -> bool:
        key = _key(value)
        if key not in self.verdicts:
            self.verdicts[key] = documented(self.place, value)
        return self.verdicts[key]

    def find(
        self,
        accepts: Callable[[object], bool],
        first: Iterable[object],
        also: Callable[[object], bool] | None = None,
    ) -> tuple[object, str, bool]:
        """(witness, how, sendable): the differing value breaking the fewest rules (and, with
        `also`, one it holds for)."""
        best: tuple[int, int, object, str] | None = None
        unsendable = False
        for how, values in (("construction", first), ("search", self.pool)):
            count = 0
            for value in values:
                count += 1
                if accepts(value) == self.verdict(value) or (also is not None and not also(value)):
                    continue
                if not _sendable(self.place, value):
                    unsendable = True
                    continue
                breaks = len(broken_rules(self.place, value))
                if best is None or breaks < best[0]:
                    best = (breaks, count, value, how)
                if breaks <= 1:
                    break
            if best is not None:
                return best[2], f"{best[3]} ({best[1]} values tried)", True
        return _NOT_FOUND, "", not unsendable


def _key(value: object) -> str:
    return "ABSENT" if value is ABSENT else json.dumps(value, sort_keys=True)


def _pool(place: Place) -> list[object]:
    seeds = _seeds(place)
    values: list[object] = list(seeds)
    schema = place.schema
    if schema.pattern is not None:
        for limits in ({}, {"min_length": schema.min_length, "max_length": schema.max_length}):
            with contextlib.suppress(UnsupportedPatternError):
                values += [w.value for w in pattern_witnesses(schema.pattern, **limits)]
    for seed in seeds[:4]:
        values += _edits(seed)
    values += ["", " ", None, ABSENT, 0, 1, 12345]
    return list({_key(v): v for v in values}.values())


def _judge(search: _Search, operation: str, draft: _Draft) -> Mutant:
    place = search.place
    heft = weight(place, draft.kind)
    first = list(draft.constructed)
    if draft.pattern is not None:
        first += _mutant_pattern_values(draft.pattern)
    witness, how, sendable = search.find(draft.accepts, first)
    name, description, accepts = draft.name, draft.description, draft.accepts
    if witness is _NOT_FOUND and draft.masking and draft.pattern is not None:
        # Lengths mask the node: the server that drops them too is the one to catch.
        schema = place.schema
        for dropped, low, high in (
            ("maxLength", schema.min_length, None),
            ("minLength", None, schema.max_length),
            ("maxLength and minLength", None, None),
        ):
            if (low, high) == (schema.min_length, schema.max_length):
                continue
            flags = "ui" if draft.kind is Kind.CASE_INSENSITIVE else "u"
            check = _StringCheck(schema, draft.pattern, flags, low, high)
            compound = _string_mutant(place, check)
            # the node must matter: a value the documented pattern, with the same lengths
            # dropped, judges alike shows only the dropped length (maxLength-ignored's own)
            unmutated = _StringCheck(schema, schema.pattern, "u", low, high)

            def node_matters(
                value: object, check: _StringCheck = check, unmutated: _StringCheck = unmutated
            ) -> bool:
                return not isinstance(value, str) or check(value) != unmutated(value)

            witness, how, sendable = search.find(compound, first, node_matters)
            if witness is not _NOT_FOUND:
                name += f"+{dropped.replace(' and ', '+')}-unchecked"
                description += f", with {dropped} unchecked (no value breaks only the node)"
                accepts = compound
                break
    if witness is _NOT_FOUND:
        status: Status = "equivalent" if sendable else "unsendable"
        evidence = (
            f"no differing value among {len(first)} constructed and {len(search.pool)} "
            "searched values (bounded search)"
            if sendable
            else "only values that cannot travel in this place tell it apart"
        )
        return Mutant(operation, place.where, draft.kind, name, description, heft,
                      accepts, status, None, (), evidence)  # fmt: skip
    return Mutant(
        operation,
        place.where,
        draft.kind,
        name,
        description,
        heft,
        accepts,
        "distinguishable" if newer_letters(witness) is None else "version-dependent",
        witness,
        broken_rules(place, witness),
        how,
    )


@functools.cache
def operation_mutants(operation: Operation) -> tuple[Mutant, ...]:
    """Every mutant of every place of one operation, judged; deterministic."""
    found: list[Mutant] = []
    for place in operation.places():
        search = _Search(place, _pool(place))
        seen: set[str] = set()
        for draft in _place_drafts(place):
            if draft.name in seen:
                continue
            seen.add(draft.name)
            found.append(_judge(search, operation.operation_id, draft))
    return tuple(found)


def mutants(fragment: Fragment) -> tuple[Mutant, ...]:
    """Every mutant of every operation of the fragment."""
    return tuple(m for op in fragment.operations for m in operation_mutants(op))


def representatives(fragment: Fragment) -> tuple[Mutant, ...]:
    """One distinguishable mutant of every kind, spread over the places (each kind at the
    place served least so far), then one more for each place no kind reached.

    Why: a few dozen servers that each get the whole plan (`broken_servers.breakages`)
    cover every kind of mistake and every place; the score covers every mutant.
    """
    judged = [m for m in mutants(fragment) if m.status == "distinguishable"]
    served: Counter[tuple[str, str]] = Counter()
    chosen: list[Mutant] = []
    for kind in Kind:
        mine = [m for m in judged if m.kind is kind]
        if mine:
            pick = min(mine, key=lambda m: served[(m.operation, m.place)])
            served[(pick.operation, pick.place)] += 1
            chosen.append(pick)
    for mutant in judged:
        if not served[(mutant.operation, mutant.place)]:
            served[(mutant.operation, mutant.place)] += 1
            chosen.append(mutant)
    return tuple(chosen)


@functools.cache
def independent(operation: Operation) -> tuple[Mutant, ...]:
    """Reject-side mutants no one value tells apart together (among each place's witnesses
    and search pool), chosen greedily, those with the fewest killing values first.

    Why: a request's verdict is its status, and it tells a too-lax mutant apart only when
    the rest of it is valid, so it kills only mutants that all accept its one wrong value.
    Each of these needs a request of its own, whatever the plan (`fewest_requests`).
    """
    chosen: list[Mutant] = []
    for place in operation.places():
        mine = _reject_side(operation, place)
        values = candidates(operation, place)
        killers: dict[str, set[int]] = {m.key: set() for m in mine}
        for index, value in enumerate(values):
            if not documented(place, value):
                for mutant in mine:
                    if mutant.accepts(value):
                        killers[mutant.key].add(index)
        used: set[int] = set()
        for mutant in sorted(mine, key=lambda m: len(killers[m.key])):
            if not killers[mutant.key] & used:
                used |= killers[mutant.key]
                chosen.append(mutant)
    return tuple(chosen)


def _reject_side(operation: Operation, place: Place) -> list[Mutant]:
    return [
        m
        for m in operation_mutants(operation)
        if m.place == place.where and m.status == "distinguishable" and m.breaks
    ]


def candidates(operation: Operation, place: Place) -> list[object]:
    """The values `independent` weighs for a place: its search pool and the witnesses of
    its reject-side mutants (docs/contract.md quotes how many)."""
    return [*_pool(place), *(m.witness for m in _reject_side(operation, place))]


def fewest_requests(fragment: Fragment, share: float) -> int:
    """A lower bound on the requests any run judged by status needs to kill `share` of the
    distinguishable mutants: the independent ones beyond the survivors it may leave."""
    total = sum(1 for m in mutants(fragment) if m.status == "distinguishable")
    spare = total - math.ceil(share * total)
    alone = sum(len(independent(operation)) for operation in fragment.operations)
    return max(0, alone - spare)


@functools.cache
def maximal_accept(operation: Operation, where: str) -> tuple[str, frozenset[str]] | None:
    """(value, the mutants refusing it): one value the documented rules accept that as many
    accept-side mutants of the place as possible refuse (classes narrowed, bounds lowered,
    lengths in UTF-16 units or bytes ...), or None when the place has none.

    Why: each accept-side mutant has its own witness, one request each; a valid request
    carrying this value kills them together. Built greedily from their witnesses: a
    character of one put at each position of the value, or inserted, or the value grown to
    the witness's length, kept while the set of refusing mutants only grows.
    """
    place = next((p for p in operation.places() if p.where == where), None)
    if place is None:
        return None
    side = [
        m
        for m in operation_mutants(operation)
        if m.place == where
        and m.status == "distinguishable"
        and not m.breaks
        and isinstance(m.witness, str)
    ]
    if not side:
        return None

    def refusing(value: str) -> frozenset[str]:
        if not documented(place, value):
            return frozenset()
        return frozenset(m.key for m in side if not m.accepts(value))

    best = max((m.witness for m in side), key=lambda w: (len(refusing(w)), -len(w)))
    found = refusing(best)
    for mutant in sorted(side, key=lambda m: -m.weight):
        if mutant.key in found:
            continue
        for candidate in _merges(best, mutant.witness):
            more = refusing(candidate)
            if more > found:
                best, found = candidate, more
                break
    return best, found


def _merges(value: str, witness: str) -> Iterator[str]:
    """`value` changed toward `witness`: each of its new characters at a spread of
    positions (replacing, then inserted), and `value` grown to the witness's length."""
    size = len(value)
    step = max(1, size // 32)
    positions = [*range(0, size, step), size - 1]
    for char in dict.fromkeys(witness):
        for index in positions:
            yield value[:index] + char + value[index + 1 :]
        for index in positions[1:]:
            yield value[:index] + char + value[index:]
    if len(witness) > size:
        yield value + witness[size:]
        yield value[:-1] + witness[size - 1 :]


def accept_rule(schema: Schema, mutant: Mutant) -> str:
    """The rule a witness the documented rule accepts is filed under (its check key)."""
    lengths = (Kind.UTF16_LENGTH, Kind.UTF8_LENGTH, Kind.MAX_LENGTH_IGNORED, Kind.LENGTH_UNCHECKED)
    if mutant.kind in lengths and (schema.max_length is not None or schema.min_length):
        return "maxLength" if schema.max_length is not None else "minLength"
    if schema.pattern is not None:
        return "pattern"
    return "enum" if schema.enum is not None else "type"


# -- kill accounting -----------------------------------------------------------------------


def _rest_accepted(operation: Operation, probe: Probe, place: Place) -> bool:
    """True when every documented rule outside the place accepts the request, so the
    request's verdict is the place's own (a defect there changes the answer)."""
    request = probe.request
    if probe.auth != "token" or (not request.body_sent and operation.body is not None):
        return False
    if place.location == "body":
        node: Any = probe.body
        for parent in place.names[:-1]:
            node = node.get(parent, {}) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            return False  # a body (or parent) of another type: refused for that alone
    return not operation.violations(request.with_value(place.where, accepted_value(place.schema)))


@functools.cache
def _distinguishable(operation: Operation) -> dict[str, tuple[Place, tuple[Mutant, ...]]]:
    """Place -> (the place, its distinguishable mutants)."""
    found: dict[str, tuple[Place, tuple[Mutant, ...]]] = {}
    for place in operation.places():
        mine = tuple(
            m
            for m in operation_mutants(operation)
            if m.place == place.where and m.status == "distinguishable"
        )
        if mine:
            found[place.where] = (place, mine)
    return found


@functools.lru_cache(maxsize=65_536)
def _value_kills(operation: Operation, where: str, key: str) -> frozenset[str]:
    """The mutants of one place that judge the value (by its JSON key) otherwise."""
    place, mine = _distinguishable(operation)[where]
    value = ABSENT if key == "ABSENT" else json.loads(key)
    verdict = documented(place, value)
    return frozenset(m.key for m in mine if m.accepts(value) != verdict)


_KILL_SETS: dict[tuple[Operation, str], frozenset[str]] = {}
"""kill_set by request content: the planner, the score and the summary ask for the same
requests again (each plan build re-creates its probes)."""


def kill_set(operation: Operation, probe: Probe) -> frozenset[str]:
    """Every mutant of the operation that this request tells from the documented rule:
    the place's value is judged otherwise while the rest of the request is accepted."""
    key = (
        operation,
        json.dumps([probe.check.operation, probe.check.unicode_since]) + probe.request_key,
    )
    found = _KILL_SETS.get(key)
    if found is None:
        if len(_KILL_SETS) > 200_000:
            _KILL_SETS.clear()
        found = _KILL_SETS[key] = _kill_set(operation, probe)
    return found


def _kill_set(operation: Operation, probe: Probe) -> frozenset[str]:
    if probe.check.operation != operation.operation_id or probe.check.unicode_since is not None:
        return frozenset()  # a version-dependent probe has no expected verdict unpinned
    if changes_the_route(probe.path):
        return frozenset()  # a router answers it, never the operation
    found: set[str] = set()
    for where, (place, _) in _distinguishable(operation).items():
        if _rest_accepted(operation, probe, place):
            found |= _value_kills(operation, where, _key(probe.request.value(where)))
    return frozenset(found)


def kills(operation: Operation, probes: Sequence[Probe]) -> dict[str, Probe]:
    """Mutant key -> the first request that tells the mutant from the documented rule."""
    found: dict[str, Probe] = {}
    for probe in probes:
        for key in kill_set(operation, probe):
            found.setdefault(key, probe)
    return found


@dataclass(frozen=True)
class Score:
    """What a plan's requests tell apart: killed and distinguishable, overall and split, and
    the likely mistakes caught (each mutant its share of its place's weight for its kind)."""

    killed: int
    distinguishable: int
    survivors: tuple[Mutant, ...]
    """Each with the witness that would kill it."""
    by_place: dict[str, tuple[int, int]]
    by_kind: dict[str, tuple[int, int]]
    weighted: Fraction = Fraction(0)
    """The killed mutants' shares (`shares`), of `weighted_total`."""
    weighted_total: Fraction = Fraction(0)
    unprobed: tuple[tuple[str, str, int], ...] = ()
    """(operation:place, kind, weight) of each mistake kind no mutant of which at the place
    is killed, the likeliest first."""

    @property
    def fraction(self) -> float:
        return self.killed / self.distinguishable if self.distinguishable else 1.0

    @property
    def likely(self) -> float:
        """The share of likely mistakes caught: a server making one mistake, drawn by the
        weights, fails the run with this probability."""
        return float(self.weighted / self.weighted_total) if self.weighted_total else 1.0


@functools.cache
def shares(operation: Operation) -> dict[str, Fraction]:
    """Distinguishable mutant key -> its share of its place's weight for its kind: the
    weight split evenly among the kind's distinguishable mutants at the place."""
    mine = [m for m in operation_mutants(operation) if m.status == "distinguishable"]
    sizes = Counter((m.place, m.kind) for m in mine)
    return {m.key: Fraction(m.weight, sizes[(m.place, m.kind)]) for m in mine}


def every_kind_within(fragment: Fragment, killed_at: dict[str, int]) -> int | None:
    """The fewest plan requests within which every mistake kind is probed on every place
    where it is distinguishable (some mutant of each (place, kind) killed), from each
    mutant's `planner.requests_to_kill`; None when some kind is never probed."""
    first: dict[tuple[str, str, Kind], int | None] = {}
    for operation in fragment.operations:
        for m in operation_mutants(operation):
            if m.status == "distinguishable":
                pair = (m.operation, m.place, m.kind)
                sent = killed_at.get(m.key)
                known = first.get(pair)
                first[pair] = sent if known is None else known if sent is None else min(known, sent)
    if not first:
        return 0
    if any(n is None for n in first.values()):
        return None
    return max(n for n in first.values() if n is not None)


def score(fragment: Fragment, plan: Sequence[Probe]) -> Score:
    """Killed / distinguishable mutants of the fragment for the requests of `plan`."""
    killed: set[str] = set()
    for operation in fragment.operations:
        mine = [p for p in plan if p.check.operation == operation.operation_id]
        killed |= set(kills(operation, mine))
    return tally(fragment, killed)


def tally(fragment: Fragment, killed: set[str] | frozenset[str]) -> Score:
    """The score of a set of killed mutant keys: overall, per place, per kind, survivors,
    and weighted by how likely each mistake is (`shares`)."""
    total = [
        m
        for operation in fragment.operations
        for m in operation_mutants(operation)
        if m.status == "distinguishable"
    ]
    share = {k: v for operation in fragment.operations for k, v in shares(operation).items()}
    places: Counter[str] = Counter()
    place_kills: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    kind_kills: Counter[str] = Counter()
    for mutant in total:
        where = f"{mutant.operation}:{mutant.place}"
        places[where] += 1
        kinds[mutant.kind.value] += 1
        if mutant.key in killed:
            place_kills[where] += 1
            kind_kills[mutant.kind.value] += 1
    weights = {(f"{m.operation}:{m.place}", m.kind.value): m.weight for m in total}
    probed = {(f"{m.operation}:{m.place}", m.kind.value) for m in total if m.key in killed}
    unprobed = sorted(
        ((where, kind, n) for (where, kind), n in weights.items() if (where, kind) not in probed),
        key=lambda row: (-row[2], row[0], row[1]),
    )
    return Score(
        len([m for m in total if m.key in killed]),
        len(total),
        tuple(m for m in total if m.key not in killed),
        {k: (place_kills[k], n) for k, n in places.items()},
        {k: (kind_kills[k], n) for k, n in kinds.items()},
        sum((share[m.key] for m in total if m.key in killed), Fraction(0)),
        sum((share[m.key] for m in total), Fraction(0)),
        tuple(unprobed),
    )
