"""Classify every change between two versions of the fragment for people who import the client.

    python -m specwatch.spec_diff [--base REF | --base-file FILE] [--head PATH]
                                  [--format md|text] [--fail-on-breaking]

The base defaults to the last release tag (`v*`), else `origin/main`, else `HEAD~1`.
String constraint changes (pattern, minLength, maxLength) are judged on generated values
with ECMA-262 semantics and each verdict comes with a witness value. The report ends with
the semantic-version bump and Keep-a-Changelog lines. It exits 0 (it is a report) unless
`--fail-on-breaking` is given and something breaks; 2 on usage errors.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dynamic_sdk_runtime.fragment import FragmentError, Operation, inline_refs
from specwatch import FRAGMENT_PATH
from specwatch.spec import SpecError, load_file, load_text, model
from specwatch.witness import Comparison, StringRule, compare, show, with_keyword

BREAKING = "breaking"
NON_BREAKING = "non-breaking"
LEVELS = {"major": 3, "minor": 2, "patch": 1, "none": 0}
WORDING = frozenset({"description", "summary", "title", "example", "examples", "externalDocs"})
# Keywords compared below; any other keyword that changes is flagged for a human.
HANDLED = frozenset(
    {
        "type",
        "pattern",
        "minLength",
        "maxLength",
        "enum",
        "properties",
        "required",
        "items",
        "additionalProperties",
        "format",
        "$ref",
    }
)


OPERATION_KEYS = frozenset({"operationId", "security", "parameters", "requestBody", "responses"})


@dataclass(frozen=True)
class Change:
    """One classified change: `level` is the semver part it forces, `section` its heading."""

    klass: str
    level: str
    section: str
    location: str
    what: str
    old: str
    new: str
    witness: str = ""
    witness_value: str | None = None

    def line(self) -> str:
        """The plain-text report line."""
        text = f"{self.klass.upper():<12} {self.location}: {self.what}: {self.old} -> {self.new}"
        return f"{text}; {self.witness}" if self.witness else text


def _fmt(value: Any) -> str:
    """Old and new values as a reader compares them: patterns verbatim, no escaping."""
    if value is None:
        return "(none)"
    if isinstance(value, str):
        if not value.isprintable():
            return show(value)
        return f"'{value}'" if len(value) <= 80 else f"'{value[:77]}...'"
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


class Differ:
    """Walks two resolved documents and collects Changes."""

    def __init__(self) -> None:
        self.changes: list[Change] = []

    def breaking(
        self,
        section: str,
        location: str,
        what: str,
        old: Any,
        new: Any,
        witness: str = "",
        witness_value: str | None = None,
    ) -> None:
        """Record a change that can break code written against the old client."""
        self.add(BREAKING, "major", section, location, what, old, new, witness, witness_value)

    def safe(
        self,
        level: str,
        section: str,
        location: str,
        what: str,
        old: Any,
        new: Any,
        witness: str = "",
        witness_value: str | None = None,
    ) -> None:
        """Record a non-breaking change (`level`: minor or patch)."""
        self.add(NON_BREAKING, level, section, location, what, old, new, witness, witness_value)

    def add(
        self,
        klass: str,
        level: str,
        section: str,
        location: str,
        what: str,
        old: Any,
        new: Any,
        witness: str = "",
        witness_value: str | None = None,
    ) -> None:
        """Record one change (values are formatted here so callers pass raw values)."""
        self.changes.append(
            Change(
                klass, level, section, location, what, _fmt(old), _fmt(new), witness, witness_value
            )
        )

    # --- documents and operations -------------------------------------------------------

    def documents(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        """Compare info wording, the component models and every operation of the model."""
        self._wording("info", old.get("info") or {}, new.get("info") or {})
        # The generator writes one model class per component schema, used or not.
        old_models = set((old.get("components") or {}).get("schemas") or {})
        new_models = set((new.get("components") or {}).get("schemas") or {})
        for name in sorted(old_models - new_models):
            where = f"#/components/schemas/{name}"
            self.breaking("Removed", where, "model removed", "present", None)
        for name in sorted(new_models - old_models):
            where = f"#/components/schemas/{name}"
            self.safe("minor", "Added", where, "new model", None, "present")
        for before, after in _paired(_operations(old, "base"), _operations(new, "head")):
            if after is None and before is not None:
                what = f"operation {before.model.operation_id} removed"
                self.breaking("Removed", before.location, what, before.model.operation_id, None)
            elif before is None and after is not None:
                what = f"new operation {after.model.operation_id}"
                self.safe("minor", "Added", after.location, what, None, after.model.operation_id)
            elif before is not None and after is not None:
                self.operation(before, after)

    def operation(self, before: Located, after: Located) -> None:
        """Route, operationId, security, parameters, request body, responses of one operation."""
        loc, old, new = after.location, before.node, after.node
        if before.location != after.location:
            self.breaking(
                "Changed",
                loc,
                "method or path changed (the client sends the request elsewhere)",
                before.location,
                after.location,
            )
        self._wording(loc, old, new)
        if old.get("operationId") != new.get("operationId"):
            self.breaking(
                "Changed",
                loc,
                "operationId renamed (the generated module and function names change)",
                old.get("operationId"),
                new.get("operationId"),
            )
        self._security(loc, before.model.security, after.model.security)
        self._parameters(loc, old.get("parameters") or [], new.get("parameters") or [])
        self._request_body(f"{loc} #/requestBody", old.get("requestBody"), new.get("requestBody"))
        self._responses(
            f"{loc} #/responses", old.get("responses") or {}, new.get("responses") or {}
        )
        self._leftovers(loc, old, new, OPERATION_KEYS)

    def _leftovers(
        self, loc: str, old: dict[str, Any], new: dict[str, Any], handled: frozenset[str]
    ) -> None:
        """Keys no rule above looked at: tags move the generated module, the rest is reviewed."""
        for key in sorted((set(old) | set(new)) - handled - WORDING):
            before, after = old.get(key), new.get(key)
            if before == after:
                continue
            if key.startswith("x-") or key == "servers":
                what = "vendor extension" if key.startswith("x-") else "servers"
                self.safe("patch", "Changed", f"{loc}/{key}", what, before, after)
            elif key == "deprecated":
                level = "minor" if after else "patch"
                self.safe(level, "Deprecated", f"{loc}/{key}", "deprecation", before, after)
            elif key == "tags":
                self.breaking(
                    "Changed",
                    f"{loc}/{key}",
                    "tags changed (the generated client's api/<tag>/ module moves)",
                    before,
                    after,
                )
            else:
                self.breaking(
                    "Changed",
                    f"{loc}/{key}",
                    "keyword changed (unclassified: review by hand)",
                    before,
                    after,
                )

    def _wording(self, loc: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        for key in sorted(WORDING | {"version"}):
            if isinstance(old, dict) and isinstance(new, dict) and old.get(key) != new.get(key):
                self.safe("patch", "Changed", f"{loc}/{key}", "wording", old.get(key), new.get(key))

    def _security(self, loc: str, old: tuple[str, ...], new: tuple[str, ...]) -> None:
        """The schemes that may authorize a call (the operation's, else the document's)."""
        if old == new:
            return
        if set(new) - set(old):
            what = "new authentication requirement"
            self.breaking("Changed", f"{loc} #/security", what, old, new)
        else:
            what = "authentication relaxed"
            self.safe("minor", "Changed", f"{loc} #/security", what, old, new)

    def _parameters(self, loc: str, old: list[Any], new: list[Any]) -> None:
        def keyed(params: list[Any]) -> dict[tuple[str, str], dict[str, Any]]:
            return {
                (str(p.get("in")), str(p.get("name"))): p for p in params if isinstance(p, dict)
            }

        old_by, new_by = keyed(old), keyed(new)
        for key in sorted(set(old_by) | set(new_by)):
            where = f"{loc} #/parameters/{key[0]}/{key[1]}"
            before, after = old_by.get(key), new_by.get(key)
            if after is None:
                self.breaking("Removed", where, "parameter removed", "present", None)
            elif before is None:
                if after.get("required") or key[0] == "path":
                    witness = f"witness: a call without {key[1]}: accepted before, rejected now"
                    what = f"new required {key[0]} parameter"
                    self.breaking("Added", where, what, None, "required", witness)
                else:
                    self.safe(
                        "minor",
                        "Added",
                        where,
                        f"new optional {key[0]} parameter",
                        None,
                        "optional",
                    )
            else:
                self._required_flag(
                    where, bool(before.get("required")), bool(after.get("required")), "request"
                )
                self._wording(where, before, after)
                self.schema(
                    where,
                    before.get("schema") or {},
                    after.get("schema") or {},
                    "request",
                    _seeds(before, after),
                )

    def _request_body(self, loc: str, old: Any, new: Any) -> None:
        if old is None and new is None:
            return
        if new is None:
            self.breaking("Removed", loc, "request body removed", "present", None)
            return
        if old is None:
            klass, level = (BREAKING, "major") if new.get("required") else (NON_BREAKING, "minor")
            self.add(klass, level, "Added", loc, "new request body", None, "present")
            return
        self._wording(loc, old, new)
        self._required_flag(loc, bool(old.get("required")), bool(new.get("required")), "request")
        self._content(loc, old.get("content") or {}, new.get("content") or {}, "request", old, new)

    def _content(
        self,
        loc: str,
        old: dict[str, Any],
        new: dict[str, Any],
        direction: str,
        old_parent: dict[str, Any],
        new_parent: dict[str, Any],
    ) -> None:
        for media in sorted(set(old) | set(new)):
            where = loc if media == "application/json" else f"{loc}/{media}"
            if media not in new:
                self.breaking("Removed", where, "media type removed", media, None)
            elif media not in old:
                self.safe("minor", "Added", where, "new media type", None, media)
            else:
                self._wording(where, old[media], new[media])
                seeds = _seeds(old[media], new[media], old_parent, new_parent)
                self.schema(
                    f"{where}/schema",
                    old[media].get("schema") or {},
                    new[media].get("schema") or {},
                    direction,
                    seeds,
                )

    def _responses(self, loc: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        old_ok = sorted(str(s) for s in old if str(s).startswith("2"))
        new_ok = sorted(str(s) for s in new if str(s).startswith("2"))
        if set(old_ok) - set(new_ok):
            self.breaking(
                "Changed",
                loc,
                "success status changed (a status the client returned before is gone)",
                old_ok,
                new_ok,
            )
        elif set(new_ok) - set(old_ok):
            self.safe("minor", "Added", loc, "new success status alongside", old_ok, new_ok)
        for status in sorted({str(s) for s in old} | {str(s) for s in new}):
            before, after = _get(old, status), _get(new, status)
            where = f"{loc}/{status}"
            if after is None:
                if not status.startswith("2"):
                    self.breaking("Removed", where, "response removed", "documented", None)
                continue
            if before is None:
                if not status.startswith("2"):
                    self.safe(
                        "minor", "Added", where, "new documented error response", None, "documented"
                    )
                continue
            self._wording(where, before, after)
            self._headers(where, before.get("headers") or {}, after.get("headers") or {})
            self._content(
                where,
                before.get("content") or {},
                after.get("content") or {},
                "response",
                before,
                after,
            )

    def _headers(self, loc: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        for name in sorted(set(old) | set(new)):
            if name not in new:
                self.breaking(
                    "Removed",
                    f"{loc}/headers/{name}",
                    "response header removed",
                    "documented",
                    None,
                )
            elif name not in old:
                self.safe(
                    "minor",
                    "Added",
                    f"{loc}/headers/{name}",
                    "new response header",
                    None,
                    "documented",
                )
            else:
                self._wording(f"{loc}/headers/{name}", old[name], new[name])

    # --- schemas ------------------------------------------------------------------------

    def _required_flag(self, loc: str, was: bool, now: bool, direction: str) -> None:
        if was == now:
            return
        if now:
            self.breaking("Changed", loc, "now required (tightened)", "optional", "required")
        elif direction == "response":
            self.breaking(
                "Changed",
                loc,
                "no longer guaranteed in responses (callers must handle its absence)",
                "required",
                "optional",
            )
        else:
            self.safe("minor", "Changed", loc, "now optional (loosened)", "required", "optional")

    def schema(
        self, loc: str, old: dict[str, Any], new: dict[str, Any], direction: str, seeds: list[str]
    ) -> None:
        """Compare two resolved schemas at one place; `direction` is request or response."""
        if not isinstance(old, dict) or not isinstance(new, dict):
            if old != new:
                self.breaking(
                    "Changed", loc, "schema changed (unclassified: review by hand)", old, new
                )
            return
        self._wording(loc, old, new)
        seeds = [*seeds, *_schema_seeds(old), *_schema_seeds(new)]
        if old.get("type") != new.get("type"):
            self.breaking(
                "Changed", f"{loc}/type", "type changed", old.get("type"), new.get("type")
            )
        if old.get("format") != new.get("format"):
            klass, level = (
                (NON_BREAKING, "minor") if new.get("format") is None else (BREAKING, "major")
            )
            self.add(
                klass,
                level,
                "Changed",
                f"{loc}/format",
                "format changed",
                old.get("format"),
                new.get("format"),
            )
        self._string_rule(loc, old, new, seeds)
        self._enum(loc, old.get("enum"), new.get("enum"))
        self._properties(loc, old, new, direction)
        if "items" in old or "items" in new:
            self.schema(
                f"{loc}/items", old.get("items") or {}, new.get("items") or {}, direction, []
            )
        self._additional(loc, old.get("additionalProperties"), new.get("additionalProperties"))
        self._leftovers(loc, old, new, HANDLED)

    def _string_rule(
        self, loc: str, old: dict[str, Any], new: dict[str, Any], seeds: list[str]
    ) -> None:
        """One line per changed keyword, each judged alone against the old rule, with a witness."""
        base = StringRule(old.get("pattern"), old.get("minLength"), old.get("maxLength"))
        for keyword in ("maxLength", "minLength", "pattern"):
            if old.get(keyword) == new.get(keyword):
                continue
            result = compare(base, with_keyword(base, keyword, new.get(keyword)), seeds)
            self._judged(f"{loc}/{keyword}", keyword, old.get(keyword), new.get(keyword), result)

    def _judged(self, loc: str, keyword: str, old: Any, new: Any, result: Comparison) -> None:
        if result.tightened is not None:
            extra = (
                f"; also newly accepted {show(result.loosened)}"
                if result.loosened is not None
                else ""
            )
            what = "tightened" if result.loosened is None else "changed (narrower and wider)"
            witness = f"witness {show(result.tightened)}: accepted before, rejected now{extra}"
            self.breaking("Changed", loc, f"{keyword} {what}", old, new, witness, result.tightened)
        elif result.loosened is not None:
            witness = f"witness {show(result.loosened)}: rejected before, accepted now"
            self.safe(
                "minor", "Changed", loc, f"{keyword} loosened", old, new, witness, result.loosened
            )
        else:
            witness = f"no value among {result.tried} tried is judged differently"
            verb = "added" if old is None else "removed" if new is None else "changed"
            what = f"{keyword} {verb}, same verdicts"
            self.safe("patch", "Changed", loc, what, old, new, witness)

    def _enum(self, loc: str, old: Any, new: Any) -> None:
        if old == new:
            return
        if new is None:
            self.safe("minor", "Changed", f"{loc}/enum", "enum removed (loosened)", old, None)
            return
        if old is None:
            self.breaking(
                "Changed",
                f"{loc}/enum",
                "enum added (tightened)",
                None,
                new,
                f"witness: values outside {new}",
            )
            return
        gone = [value for value in old if value not in new]
        added = [value for value in new if value not in old]
        if gone:
            self.breaking(
                "Removed",
                f"{loc}/enum",
                "enum values removed",
                old,
                new,
                f"witness {show(str(gone[0]))}: accepted before, rejected now",
                str(gone[0]),
            )
        if added:
            self.safe(
                "minor",
                "Added",
                f"{loc}/enum",
                "enum values added",
                old,
                new,
                f"witness {show(str(added[0]))}: rejected before, accepted now",
                str(added[0]),
            )

    def _properties(
        self, loc: str, old: dict[str, Any], new: dict[str, Any], direction: str
    ) -> None:
        old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
        old_req, new_req = set(old.get("required") or []), set(new.get("required") or [])
        for name in sorted(set(old_props) | set(new_props) | old_req | new_req):
            where = f"{loc}/{name}"
            if name in old_props and name not in new_props:
                self.breaking("Removed", where, "field removed", "present", None)
            elif name in new_props and name not in old_props:
                if name in new_req:
                    self.breaking("Added", where, "new required field", None, "required")
                else:
                    self.safe("minor", "Added", where, "new optional field", None, "optional")
            else:
                self._required_flag(where, name in old_req, name in new_req, direction)
                if name in old_props:
                    self.schema(where, old_props[name], new_props[name], direction, [])

    def _additional(self, loc: str, old: Any, new: Any) -> None:
        if old == new or isinstance(old, dict) or isinstance(new, dict):
            return
        if new is False:
            self.breaking(
                "Changed", f"{loc}/additionalProperties", "unknown fields now rejected", old, new
            )
        else:
            self.safe(
                "minor",
                "Changed",
                f"{loc}/additionalProperties",
                "unknown fields now allowed",
                old,
                new,
            )


def _get(mapping: dict[Any, Any], status: str) -> Any:
    for key, value in mapping.items():
        if str(key) == status:
            return value
    return None


def _schema_seeds(schema: dict[str, Any]) -> list[str]:
    """Example and enum values of a schema: the first values a witness search tries."""
    seeds = [schema.get("example"), *(schema.get("examples") or []), *(schema.get("enum") or [])]
    return [seed for seed in seeds if isinstance(seed, str)]


def _seeds(*owners: dict[str, Any]) -> list[str]:
    """String examples attached to a parameter, media type or body (whole-object examples too)."""
    found: list[str] = []
    for owner in owners:
        for example in [owner.get("example"), *((owner.get("examples") or {}).values())]:
            value = (
                example.get("value")
                if isinstance(example, dict) and "value" in example
                else example
            )
            if isinstance(value, str):
                found.append(value)
            elif isinstance(value, dict):
                found.extend(v for v in value.values() if isinstance(v, str))
    return found


@dataclass(frozen=True)
class Located:
    """One operation of the model and its resolved operation object (shared parameters in)."""

    model: Operation
    node: dict[str, Any]

    @property
    def location(self) -> str:
        return f"{self.model.method} {self.model.path}"


def _operations(document: dict[str, Any], source: str) -> dict[str, Located]:
    """Every operation of the document by operationId (the model's key: else method and path)."""
    try:
        resolved = inline_refs(document)
    except FragmentError as error:
        raise SpecError(f"{source}: {error}") from error
    found: dict[str, Located] = {}
    for operation in model(document, source).operations:
        item = resolved["paths"][operation.path]
        node = dict(item[operation.method.lower()])
        shared = {(p.get("in"), p.get("name")): p for p in item.get("parameters") or []}
        if shared:  # a path-level parameter applies unless the operation overrides it
            own = {(p.get("in"), p.get("name")): p for p in node.get("parameters") or []}
            node["parameters"] = list({**shared, **own}.values())
        found[operation.operation_id] = Located(operation, node)
    return found


def _paired(
    old: dict[str, Located], new: dict[str, Located]
) -> list[tuple[Located | None, Located | None]]:
    """(before, after) per operation, matched by operationId, else by method and path.

    An operationId that disappears while another appears at the same method and path is a
    rename of one operation, not a removal and an addition.
    """
    added = {(op.model.method, op.model.path): key for key, op in new.items() if key not in old}
    renamed = {
        key: added.pop((op.model.method, op.model.path))
        for key, op in old.items()
        if key not in new and (op.model.method, op.model.path) in added
    }
    pairs: list[tuple[Located | None, Located | None]] = [
        (before, new.get(renamed.get(key, key))) for key, before in old.items()
    ]
    taken = set(old) | set(renamed.values())
    pairs += [(None, after) for key, after in new.items() if key not in taken]
    return sorted(pairs, key=lambda pair: _route(*pair))


def _route(before: Located | None, after: Located | None) -> tuple[str, str]:
    """Report order: by path, then method (of the new operation, else the old one)."""
    shown = after or before
    return (shown.model.path, shown.model.method) if shown is not None else ("", "")


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every classified change from `old` to `new` (raw documents; refs are resolved here)."""
    differ = Differ()
    differ.documents(old, new)
    return differ.changes


# --- version bump and changelog ---------------------------------------------------------


def bump(changes: Iterable[Change]) -> str:
    """The semver part the changes force: major, minor, patch or none."""
    return max((change.level for change in changes), key=LEVELS.__getitem__, default="none")


def next_version(current: str | None, level: str) -> str | None:
    """Pre-1.0 rule: a breaking change bumps the minor part, everything else the patch part."""
    if current is None or level == "none":
        return current
    try:
        major, minor, patch = (int(part) for part in current.split(".")[:3])
    except ValueError:
        return None
    if major == 0:
        return f"0.{minor + 1}.0" if level == "major" else f"0.{minor}.{patch + 1}"
    if level == "major":
        return f"{major + 1}.0.0"
    return f"{major}.{minor + 1}.0" if level == "minor" else f"{major}.{minor}.{patch + 1}"


SECTIONS = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")


def changelog(changes: Sequence[Change]) -> list[str]:
    """Keep-a-Changelog lines grouped under their headings, breaking ones marked."""
    lines: list[str] = []
    for section in SECTIONS:
        entries = [change for change in changes if change.section == section]
        if not entries:
            continue
        lines += ["", f"### {section}"]
        for change in entries:
            mark = "**Breaking:** " if change.klass == BREAKING else ""
            example = ""
            if change.witness_value is not None:
                verdict = "now rejected" if change.klass == BREAKING else "now accepted"
                example = f"; e.g. {show(change.witness_value)} is {verdict}"
            values = f"{change.old} -> {change.new}{example}"
            lines.append(f"- {mark}`{change.location}`: {change.what} ({values}).")
    return lines


def report(
    changes: Sequence[Change], base_label: str, head_label: str, fmt: str, version: str | None
) -> str:
    """The whole report as Markdown (for a job summary) or plain text."""
    level = bump(changes)
    upcoming = next_version(version, level)
    breaking = sum(change.klass == BREAKING for change in changes)
    title = f"Spec diff: {base_label} -> {head_label}"
    summary = f"{len(changes)} change(s), {breaking} breaking; semver bump: {level}"
    if version and upcoming and upcoming != version:
        summary += f" ({version} -> {upcoming}; pre-1.0: breaking bumps the minor part)"
    lines: list[str] = []
    if fmt == "md":
        lines += [f"## {title}", "", summary, ""]
        if changes:
            lines += [
                "| class | location | change | old -> new | witness |",
                "|---|---|---|---|---|",
            ]
            for c in changes:
                cells = [c.klass, f"`{c.location}`", c.what, f"`{c.old}` -> `{c.new}`", c.witness]
                lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
        else:
            lines.append("No changes to the fragment.")
        if changes:
            lines += ["", "### CHANGELOG lines (paste under `## [Unreleased]`)", "", "```markdown"]
            lines += [*changelog(changes)[1:], "```"]
    else:
        lines += [title, summary, ""]
        lines += [change.line() for change in changes] or ["No changes to the fragment."]
        if changes:
            lines += ["", "CHANGELOG lines (paste under ## [Unreleased]):", *changelog(changes)]
    return "\n".join(lines) + "\n"


# --- git and the command line -----------------------------------------------------------


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed argv
        ["git", *args],  # noqa: S607 - git from PATH, as a developer runs it
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def default_base(root: Path) -> str | None:
    """Last release tag `v*`, else origin/main, else HEAD~1; None when none exists."""
    tag = _git(root, "describe", "--tags", "--abbrev=0", "--match", "v*")
    if tag.returncode == 0 and tag.stdout.strip():
        return tag.stdout.strip()
    for ref in ("origin/main", "HEAD~1"):
        if _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode == 0:
            return ref
    return None


def _version(path: Path) -> str | None:
    try:
        project = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    version = project.get("version")
    return version if isinstance(version, str) else None


def main(argv: Sequence[str] | None = None) -> int:
    """Print the report; see the module docstring for the exit codes."""
    parser = argparse.ArgumentParser(
        prog="python -m specwatch.spec_diff", description=__doc__.splitlines()[0]
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--base",
        metavar="REF",
        help="git ref to compare with (default: last v* tag, origin/main, HEAD~1)",
    )
    source.add_argument(
        "--base-file", type=Path, metavar="FILE", help="compare with this file instead of a git ref"
    )
    parser.add_argument(
        "--head",
        type=Path,
        metavar="PATH",
        help=f"the new fragment (default: {FRAGMENT_PATH} in the working tree)",
    )
    parser.add_argument("--format", choices=("md", "text"), default="text")
    parser.add_argument(
        "--fail-on-breaking", action="store_true", help="exit 1 when a change is breaking"
    )
    args = parser.parse_args(argv)

    top = _git(Path.cwd(), "rev-parse", "--show-toplevel")
    root = Path(top.stdout.strip()) if top.returncode == 0 else Path.cwd()
    head_path: Path = args.head or root / FRAGMENT_PATH
    if not head_path.is_file():
        parser.error(f"no fragment at {head_path}")
    try:
        new = load_file(head_path)
        if args.base_file is not None:
            if not args.base_file.is_file():
                parser.error(f"no file at {args.base_file}")
            old, base_label = load_file(args.base_file), str(args.base_file)
        else:
            ref = args.base or default_base(root)
            if ref is None:
                print("No base to compare with: no v* tag, no origin/main, no HEAD~1.")
                return 0
            shown = _git(root, "show", f"{ref}:{FRAGMENT_PATH}")
            if shown.returncode != 0:
                if (
                    _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode
                    != 0
                ):
                    parser.error(f"unknown git ref {ref!r}")
                print(f"{FRAGMENT_PATH} did not exist at {ref}: every operation in it is new.")
                return 0
            old, base_label = (
                load_text(shown.stdout, f"{ref}:{FRAGMENT_PATH}"),
                f"{ref}:{FRAGMENT_PATH}",
            )
    except SpecError as error:
        parser.error(str(error))
    changes = diff(old, new)
    try:
        head_label = f"working tree:{head_path.resolve().relative_to(root.resolve())}"
    except ValueError:
        head_label = str(head_path)
    version = _version(root / "pyproject.toml")
    sys.stdout.write(report(changes, base_label, head_label, args.format, version))
    if args.fail_on_breaking and any(change.klass == BREAKING for change in changes):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
