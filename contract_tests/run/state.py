"""The state file (`--state`): the plan carried across scheduled runs against one server.

Why: a remote run sends about 60 requests, and a run that starts from nothing sends the
same first ones every night; the probes beyond them are never sent. The state remembers,
per plan probe, when it was answered and what it got (status, content type, verdict), and
what the runs learned (`ServerProfile` evidence: the lookup order per member, the content
types; the Unicode estimate). The next run re-sends every probe that failed, then a few
sentinels that show whether the server still answers as recorded, then the plan's next
unsent probes; checks judged earlier count as judged, with their date.

What it never holds: a token, a path value or phone number from the environment, a
response body. Probes are named by a hash of what they sent (the plan rebuilds them from
the seed); places by a hash of their schema, so a fragment change drops only the evidence
of the places it changed. A file this run cannot use is set aside (renamed, never
deleted) with one line saying why, and the run starts fresh; writes go to a temporary file
renamed over the old one, so a killed run leaves the old state whole.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import math
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import attrs

from contract_tests.core.model import Probe
from contract_tests.judge.statuses import ServerProfile
from contract_tests.plan.mutants import tally
from contract_tests.plan.planner import requests_to_kill
from contract_tests.run.pacing import Budget, plan_requests
from contract_tests.run.results import Outcome, RunReport
from contract_tests.run.runner import asked, expected_verdict
from dynamic_sdk_runtime.fragment import Fragment

__all__ = [
    "FORMAT",
    "SENTINELS",
    "Carried",
    "Cumulative",
    "State",
    "fragment_hash",
    "fragment_places",
    "peek_seed",
    "probe_id",
    "save_state",
]

FORMAT = 1
"""The file's format version: a newer one is set aside, never misread."""
SENTINELS = 2
"""Probes answered before and re-sent to see the server still answers as recorded: one
refused at a member (validation), one valid-shaped (the lookup miss); two requests of 60."""


def probe_id(probe: Probe) -> str:
    """A probe's name in the file: a hash of its check and of what it sends (no value of
    the request is kept, so no phone number either)."""
    text = probe.check.key + "\n" + probe.request_key
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def fragment_places(fragment: Fragment) -> dict[str, str]:
    """`operation:where` -> a hash of everything that place's checks are read from (its
    schema and whether it is required); `operation:*` the rest of the operation (method,
    path, responses, security, lookup field): a change there touches every place."""
    places: dict[str, str] = {}
    for operation in fragment.operations:
        name = operation.operation_id
        rest = (operation.method, operation.path, operation.responses, operation.security)
        more = (operation.lookup_field, operation.body_required, operation.lookup_misses)
        places[f"{name}:*"] = _hash(_text((rest, more)))
        body = operation.body
        if body is not None:
            members = tuple(p.name for p in body.properties)
            places[f"{name}:body"] = _hash(
                _text((body.type, body.required_names, members, body.additional_properties))
            )
        places[f"{name}:auth"] = _hash(_text(operation.security))
        for place in operation.places():
            places[f"{name}:{place.where}"] = _hash(_text((place.schema, place.required)))
    return places


def _text(value: object) -> str:
    """A stable text of model values, examples left out (an example is no rule)."""

    def plain(item: object) -> object:
        if attrs.has(type(item)):
            kind = cast("type[attrs.AttrsInstance]", type(item))
            names = [f.name for f in attrs.fields(kind) if f.name != "example"]
            return {name: plain(getattr(item, name)) for name in names}
        if isinstance(item, (tuple, list)):
            return [plain(i) for i in item]
        if isinstance(item, dict):
            return {str(k): plain(v) for k, v in item.items()}
        return item if isinstance(item, (str, int, float, bool, type(None))) else repr(item)

    return json.dumps(plain(value), sort_keys=True)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _fragment_hash(places: dict[str, str]) -> str:
    return _hash(json.dumps(places, sort_keys=True))


def fragment_hash(fragment: Fragment) -> str:
    """The fragment's part of a state file's name in a cache (action.yml's key): what its
    checks are read from, examples and descriptions left out."""
    return _fragment_hash(fragment_places(fragment))


def _day(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def _when(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


@dataclass
class Answered:
    """What one plan probe got when it was last answered."""

    check: str
    places: list[str]
    """`operation:where` of the check (and of a composed probe's members)."""
    at: str
    run: int
    order: int
    status: int | None
    content_type: str
    verdict: str
    agreed: bool | None
    failed_since: str | None = None
    """When it first failed, while it fails (a pass after it is "fixed since")."""


@dataclass
class State:
    """Everything one file holds (see the module's docstring for what it never holds)."""

    base_url: str
    fragment_hash: str
    places: dict[str, str]
    seed: int
    since: str
    runs: list[dict[str, Any]] = field(default_factory=list)
    probes: dict[str, Answered] = field(default_factory=dict)
    learned: dict[str, Any] = field(default_factory=dict)
    """ownTypes / refusedAt / parsedAt: {value: when}; lookupMissed: when or None;
    unicode: [estimate, when]."""

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "baseUrl": self.base_url,
            "fragmentHash": self.fragment_hash,
            "places": self.places,
            "seed": self.seed,
            "since": self.since,
            "runs": self.runs,
            "probes": {key: dataclasses.asdict(value) for key, value in self.probes.items()},
            "learned": self.learned,
        }

    @classmethod
    def from_json(cls, data: Any) -> State:
        """The state of a parsed file; ValueError/KeyError/TypeError when it is not one."""
        if not isinstance(data, dict):
            raise TypeError("not a JSON object")
        probes = {str(k): Answered(**v) for k, v in dict(data["probes"]).items()}
        learned = dict(data.get("learned", {}))
        for key in ("ownTypes", "refusedAt", "parsedAt"):
            learned[key] = {str(k): str(v) for k, v in dict(learned.get(key, {})).items()}
        state = cls(
            str(data["baseUrl"]),
            str(data["fragmentHash"]),
            {str(k): str(v) for k, v in dict(data["places"]).items()},
            int(data["seed"]),
            str(data["since"]),
            [dict(run) for run in data["runs"]],
            probes,
            learned,
        )
        for record in probes.values():
            _when(record.at)
        _when(state.since)
        return state


def peek_seed(path: Path) -> int | None:
    """The plan seed of a state file, or None (no file, or not one this version reads):
    the run's seed must be the one the carried plan was built with."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if int(data.get("format", 0)) > FORMAT:
            return None
        return int(data["seed"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def save_state(path: Path, state: State) -> None:
    """Write atomically: a temporary file beside it, flushed, then renamed over the old one
    (a run killed mid-write leaves the old file whole)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(state.as_json(), indent=1, sort_keys=True) + "\n"
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - renamed, not closed by a with
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            _write(handle, text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise


def _write(handle: Any, text: str) -> None:
    handle.write(text)


def _set_aside(path: Path, now: dt.datetime) -> str:
    """Rename an unusable file out of the way (never delete a user's file): where it went."""
    aside = path.with_name(f"{path.name}.{now.strftime('%Y%m%dT%H%M%SZ')}.set-aside")
    try:
        path.rename(aside)
    except OSError as error:
        return f"it could not be set aside ({error.strerror or error}); it is left as it was"
    return f"kept as {aside.name}"


@dataclass(frozen=True)
class Cumulative:
    """The score of every probe sent across the runs of one state file."""

    killed: int
    distinguishable: int
    unlimited: int
    """What the whole plan kills: the most the runs can reach."""
    runs: int
    since: str
    more_runs: int | None
    """Runs at this budget until the unlimited plan's score, or None (not at this budget)."""

    def line(self) -> str:
        date = self.since[:10]
        runs = f"{self.runs} run{'s' if self.runs != 1 else ''}"
        head = f"kills {self.killed} of {self.distinguishable} across {runs} since {date}"
        if self.killed >= self.unlimited:
            reached = "100 %" if self.unlimited == self.distinguishable else "all the plan kills"
            return f"{head}; {reached} reached"
        goal = (
            "100 %"
            if self.unlimited == self.distinguishable
            else f"{self.unlimited} (all the plan kills)"
        )
        if self.more_runs is None:
            return f"{head}; {goal} is out of reach at this budget"
        more = f"{self.more_runs} more run{'s' if self.more_runs != 1 else ''}"
        return f"{head}; {goal} after about {more} at this budget"


@dataclass
class Carried:
    """One run's use of a state file: the order it sends, what it carries, what it writes."""

    path: Path
    state: State
    fragment: Fragment
    plan: list[Probe]
    now: dt.datetime
    notes: list[str] = field(default_factory=list)
    """One line each: a file set aside, evidence dropped, the server changed, fixed since."""
    fixed: list[str] = field(default_factory=list)
    changed: str | None = None
    """Why the sentinels say the server no longer answers as recorded (the run started over)."""
    fresh: bool = True
    _by_id: dict[str, Probe] = field(default_factory=dict)
    _carried: set[int] = field(default_factory=set)
    """The outcomes `carry` added (earlier runs' verdicts): never recorded as this run's."""

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        base_url: str,
        fragment: Fragment,
        plan: Sequence[Probe],
        seed: int,
        now: dt.datetime,
        max_age_days: float,
    ) -> Carried:
        """The state of `path` for this run, or a fresh one: a file this run cannot use is set
        aside with one note; evidence older than `max_age_days` or at a place the fragment
        changed is dropped (a note says how much)."""
        places = fragment_places(fragment)
        fresh = State(base_url, _fragment_hash(places), places, seed, _day(now))
        carried = cls(path, fresh, fragment, list(plan), now)
        carried._by_id = {probe_id(p): p for p in plan}
        if not path.exists():
            return carried
        why = None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            version = data.get("format") if isinstance(data, dict) else None
            if isinstance(version, int) and version > FORMAT:
                why = f"it was written in format {version}, newer than this version's {FORMAT}"
            else:
                old = State.from_json(data)
                if version != FORMAT:
                    why = f"its format {version!r} is not {FORMAT}"
                elif old.base_url != base_url:
                    why = f"it is for another server ({old.base_url}, this run: {base_url})"
                elif not {k.split(":")[0] for k in old.places} & {k.split(":")[0] for k in places}:
                    why = "it is for another fragment (no operation in common)"
                elif old.seed != seed:
                    why = f"its plan seed is {old.seed}, this run's {seed} (--hypothesis-seed)"
        except (OSError, UnicodeDecodeError) as error:
            why = f"it could not be read ({error.__class__.__name__})"
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            why = f"it is not a state file ({error.__class__.__name__}: {str(error)[:80]})"
        if why is not None:
            kept = _set_aside(path, now)
            carried.notes.append(f"state: {path} not used: {why}; {kept}; starting afresh")
            return carried
        carried.state = old
        carried.fresh = False
        carried._forget(places, max_age_days)
        return carried

    def _forget(self, places: dict[str, str], max_age_days: float) -> None:
        """Drop evidence older than the limit, and evidence at places the fragment changed."""
        state, limit = self.state, self.now - dt.timedelta(days=max_age_days)
        changed = {
            k for k in set(state.places) | set(places) if state.places.get(k) != places.get(k)
        }
        touched_ops = {k.split(":")[0] for k in changed if k.endswith(":*")}

        def stale(record_places: list[str], at: str) -> bool:
            return _when(at) < limit

        def moved(record_places: list[str]) -> bool:
            return any(p in changed or p.split(":")[0] in touched_ops for p in record_places)

        old, expired, edited = len(state.probes), 0, 0
        for key, record in list(state.probes.items()):
            if stale(record.places, record.at):
                expired += 1
                del state.probes[key]
            elif moved(record.places):
                edited += 1
                del state.probes[key]
        operations = {k.split(":")[0] for k in places}
        learned = state.learned
        for kind in ("ownTypes", "refusedAt", "parsedAt"):
            kept = {}
            for value, at in dict(learned.get(kind, {})).items():
                member_places = [f"{op}:{value}" for op in operations]
                if _when(at) < limit:
                    continue
                if kind != "ownTypes" and any(moved([p]) for p in member_places):
                    continue
                if kind == "ownTypes" and touched_ops:
                    continue
                kept[value] = at
            learned[kind] = kept
        missed = learned.get("lookupMissed")
        if isinstance(missed, str) and (_when(missed) < limit or touched_ops):
            learned["lookupMissed"] = None
        estimate = learned.get("unicode")
        if isinstance(estimate, list) and len(estimate) == 2 and _when(str(estimate[1])) < limit:
            learned["unicode"] = None
        if expired:
            self.notes.append(
                f"state: {expired} of {old} answers older than {max_age_days:g} days dropped"
            )
        if edited:
            where = sorted(k for k in changed if k in places or k in state.places)
            self.notes.append(
                f"state: the fragment changed at {', '.join(where[:6])}: {edited} answers "
                "there dropped, the rest kept"
            )
        state.places, state.fragment_hash = places, _fragment_hash(places)

    # -- one run -----------------------------------------------------------------------

    def seed_profile(self, report: RunReport, target: str) -> None:
        """What earlier runs learned about the server, as this run's starting evidence."""
        profile = report.profiles.setdefault(target, ServerProfile())
        learned = self.state.learned
        profile.own_types |= set(learned.get("ownTypes", {}))
        profile.refused_at |= set(learned.get("refusedAt", {}))
        profile.parsed_at |= set(learned.get("parsedAt", {}))
        profile.lookup_missed = profile.lookup_missed or bool(learned.get("lookupMissed"))

    def _answered(self) -> dict[str, Answered]:
        return {k: v for k, v in self.state.probes.items() if k in self._by_id}

    def order(self, report: RunReport, target: str) -> Iterator[Probe]:
        """The probes in this run's order: every probe that failed before, the sentinels,
        then the plan's unsent probes, then (budget left) those answered before; a lookup
        miss answered before its member's evidence goes again as soon as the evidence is
        there. When a sentinel's answer differs from the recorded one, the server changed:
        the evidence is dropped and the plan is sent from its start."""
        answered = self._answered()
        failed = [p for p in self.plan if (r := answered.get(probe_id(p))) and r.agreed is False]
        sentinels = self._sentinels(answered, failed)
        profile = report.profiles.setdefault(target, ServerProfile())
        pending = [
            p
            for p in self.plan
            if (r := answered.get(probe_id(p))) is not None
            and r.verdict == "no-verdict"
            and not p.members
            and r.status in self._miss_statuses(p)
        ]
        """Lookup misses answered before the evidence that judges them: each is sent again
        as soon as the evidence is there (from an earlier run, or from this one)."""
        sent: set[int] = set()
        for probe in [*failed, *sentinels]:
            sent.add(id(probe))
            yield probe
        self.changed = self._check(report, target, sentinels, answered)
        if self.changed is not None:
            self.notes.append(
                f"state: the server no longer answers as recorded ({self.changed}): "
                "the earlier runs' evidence is dropped and the plan starts over"
            )
            self.state.probes.clear()
            self.state.learned = {}
            self.state.runs = []
            self.state.since = _day(self.now)
            for name, value in dataclasses.asdict(ServerProfile()).items():
                setattr(profile, name, value)
            answered, pending = {}, []
        done = set(answered)
        unsent = [p for p in self.plan if id(p) not in sent and not self._known(p, done)]
        again = [p for p in self.plan if id(p) not in sent and self._known(p, done)]
        for probe in [*unsent, *again]:
            judged_now = [p for p in pending if profile.passed_validation(asked(p))]
            for waiting in judged_now:
                pending.remove(waiting)
                sent.add(id(waiting))
                yield waiting
            if id(probe) not in sent:
                sent.add(id(probe))
                yield probe

    def _miss_statuses(self, probe: Probe) -> set[int]:
        operation = self.fragment.operation(probe.check.operation)
        return {miss.status for miss in operation.lookup_misses}

    @staticmethod
    def _known(probe: Probe, done: set[str]) -> bool:
        if probe.members:
            return all(probe_id(m) in done for m in probe.members)
        return probe_id(probe) in done

    def _sentinels(self, answered: dict[str, Answered], failed: list[Probe]) -> list[Probe]:
        """Earliest answered probes that agreed: one refused with 400 (validation shown), one
        valid-shaped (the lookup miss or the success)."""
        chosen: list[Probe] = []
        records = sorted(
            ((r.run, r.order, k) for k, r in answered.items() if r.agreed is True),
        )
        for want in ("reject", "accept"):
            for _run, _order, key in records:
                probe = self._by_id[key]
                record = answered[key]
                if probe.members or probe in failed or probe in chosen:
                    continue
                if probe.check.side != want or probe.auth != "token":
                    continue
                if want == "reject" and record.status != 400:
                    continue
                chosen.append(probe)
                break
        return chosen[:SENTINELS]

    def _check(
        self, report: RunReport, target: str, sentinels: list[Probe], answered: dict[str, Answered]
    ) -> str | None:
        """Why a sentinel's answer differs from the recorded one, or None."""
        for probe in sentinels:
            outcome = _last(report, target, probe)
            if outcome is None or outcome.answer is None or outcome.status in (429, None):
                continue  # not sent, or no answer that tells: nothing to compare
            if outcome.status >= 500:
                continue
            record = answered[probe_id(probe)]
            content_type = outcome.answer.content_type or ""
            if (outcome.status, content_type) != (record.status, record.content_type):
                return (
                    f"{probe.check.key} got {outcome.status} {content_type or '-'}, "
                    f"{record.status} {record.content_type or '-'} on {record.at[:10]}"
                )
        return None

    def carry(self, report: RunReport, target: str) -> int:
        """Add the verdicts of earlier runs for the probes this run did not answer: they count
        as judged, dated. Returns how many were carried."""
        here = {probe_id(o.probe) for o in report.outcomes if o.target == target}
        carried = 0
        for key, record in self._answered().items():
            if key in here or record.verdict not in ("refused", "accepted", "server-error"):
                continue
            probe = self._by_id[key]
            report.outcomes.append(
                outcome := Outcome(
                    probe,
                    target,
                    record.status,
                    "refused"
                    if record.verdict == "refused"
                    else "accepted"
                    if record.verdict == "accepted"
                    else "server-error",
                    expected_verdict(probe.check, report.pinned_version),
                    note=f"judged {record.at[:10]} (an earlier run)",
                    why=f"judged {record.at[:10]}",
                )
            )
            self._carried.add(id(outcome))
            carried += 1
        return carried

    def record(self, report: RunReport, target: str, *, sent: int, unicode: str) -> None:
        """Take this run's answers and evidence into the state (before `save`)."""
        state, now = self.state, _day(self.now)
        run = len(state.runs) + 1
        fresh = ServerProfile()
        order = 0
        for outcome in report.outcomes:
            if outcome.target != target or id(outcome) in self._carried:
                continue
            told = outcome.answer is not None and outcome.status != 429
            if not (told or outcome.verdict == "server-error"):
                continue  # no answer that says anything: sent again another night
            probe = outcome.probe
            key = probe_id(probe)
            if key not in self._by_id:
                continue
            if outcome.answer is not None:
                operation = self.fragment.operation(probe.check.operation)
                fresh.learn(operation, asked(probe), outcome.answer)
            before = state.probes.get(key)
            failed_since = None
            if outcome.agreed is False:
                failed_since = before.failed_since if before and before.failed_since else now
            elif outcome.agreed is True and before is not None and before.failed_since:
                self.fixed.append(
                    f"fixed since {before.at[:10]}: {probe.check.key} failed from "
                    f"{before.failed_since[:10]}, passes now ({outcome.status})"
                )
            order += 1
            members = [m.check for m in probe.members] or [probe.check]
            state.probes[key] = Answered(
                probe.check.key,
                sorted({f"{c.operation}:{c.where}" for c in members}),
                now,
                run,
                order,
                outcome.status,
                (outcome.answer.content_type if outcome.answer else "") or "",
                outcome.verdict,
                outcome.agreed,
                failed_since,
            )
        learned = state.learned
        for kind, values in (
            ("ownTypes", fresh.own_types),
            ("refusedAt", fresh.refused_at),
            ("parsedAt", fresh.parsed_at),
        ):
            learned.setdefault(kind, {})
            for value in values:
                learned[kind][value] = now
        if fresh.lookup_missed:
            learned["lookupMissed"] = now
        if not unicode.startswith("not estimated"):
            learned["unicode"] = [unicode, now]
        state.runs.append({"at": now, "requests": sent})

    def sent_order(self) -> list[Probe]:
        """Every probe answered across the runs, in the order they were first sent."""
        records = sorted((r.run, r.order, k) for k, r in self._answered().items())
        return [self._by_id[k] for _run, _order, k in records]

    def cumulative(self, *, per_run: int | None, safe: bool) -> Cumulative:
        """Kills of every probe sent across the runs; the runs left until the unlimited
        plan's score, sending `per_run` plan requests a run (the sentinels and the re-sent
        failures first)."""
        sent = self.sent_order()
        killed_keys = set(requests_to_kill(self.fragment, sent, safe=safe))
        score = tally(self.fragment, killed_keys)
        unlimited = tally(self.fragment, set(requests_to_kill(self.fragment, self.plan, safe=safe)))
        done = {id(p) for p in sent}
        ahead = sent + [p for p in self.plan if id(p) not in done]
        killed_at = requests_to_kill(self.fragment, ahead, safe=safe)
        sent_requests = len({p.request_key for p in sent})
        wanted = [n for key, n in killed_at.items() if key not in killed_keys]
        more: int | None = 0
        failing = sum(1 for r in self._answered().values() if r.agreed is False)
        fresh_per_run = None if per_run is None else per_run - SENTINELS - failing
        if wanted and score.killed < unlimited.killed:
            remaining = max(wanted) - sent_requests
            if fresh_per_run is None:
                more = 1
            elif fresh_per_run <= 0:
                more = None
            else:
                more = max(1, math.ceil(remaining / fresh_per_run))
        return Cumulative(
            score.killed,
            score.distinguishable,
            unlimited.killed,
            len(self.state.runs),
            self.state.since,
            more,
        )

    def this_run(self, report: RunReport, target: str, *, safe: bool) -> int:
        """Mutants this run's own requests kill (the earlier runs' verdicts left out)."""
        sent = [
            o.probe
            for o in report.outcomes
            if o.target == target
            and id(o) not in self._carried
            and o.status != 429
            and (o.answer is not None or o.verdict == "server-error")
        ]
        return tally(self.fragment, set(requests_to_kill(self.fragment, sent, safe=safe))).killed

    def summary(
        self, report: RunReport, target: str, *, per_run: int | None, safe: bool
    ) -> tuple[list[str], dict[str, Any]]:
        """The state's lines for the summary (after `carry` and `record`), and its JSON."""
        total = self.cumulative(per_run=per_run, safe=safe)
        mine = self.this_run(report, target, safe=safe)
        carried = len(self._carried)
        lines = [*self.notes]
        lines.append(
            f"state ({self.path.name}): this run kills {mine} of {total.distinguishable} "
            f"mutants; cumulative: {total.line()}"
            + (f"; {carried} answers of earlier runs carried (dated)" if carried else "")
        )
        lines += [f"finding: {fixed}" for fixed in self.fixed]
        data = {
            "file": str(self.path),
            "this_run_killed": mine,
            "cumulative": total.line(),
            "killed": total.killed,
            "distinguishable": total.distinguishable,
            "unlimited": total.unlimited,
            "runs": total.runs,
            "since": total.since,
            "more_runs": total.more_runs,
            "carried": carried,
            "fixed_since": list(self.fixed),
            "notes": list(self.notes),
            "server_changed": self.changed,
        }
        return lines, data

    def start(self, report: RunReport, target: str) -> Iterator[Probe]:
        """What `run_plan` sends to the state's target: earlier evidence first, then `order`."""
        self.seed_profile(report, target)
        return self.order(report, target)

    def finish(
        self, report: RunReport, target: str, budget: Budget, *, unicode: str
    ) -> tuple[list[str], dict[str, Any]]:
        """After the run (`carry` done): record it, write the file, and say what it holds."""
        self.record(report, target, sent=budget.sent, unicode=unicode)
        per_run = None if budget.max_requests is None else plan_requests(budget.max_requests)
        lines, data = self.summary(report, target, per_run=per_run, safe=budget.valid_requests == 0)
        not_saved = self.save()
        if not_saved is not None:
            lines.append(not_saved)
        return lines, data

    def save(self) -> str | None:
        """Write the state; a line saying why not (a read-only place, a full disk), or None."""
        try:
            save_state(self.path, self.state)
        except OSError as error:
            return f"state: not saved to {self.path} ({error.strerror or error})"
        return None


def _last(report: RunReport, target: str, probe: Probe) -> Outcome | None:
    found = None
    for outcome in report.outcomes:
        if outcome.target == target and outcome.probe is probe:
            found = outcome
    return found
