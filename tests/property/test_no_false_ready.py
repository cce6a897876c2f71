"""Property: whatever is done to the ``evidence-ready`` bundle — records dropped, duplicated or
made to conflict, timestamps shifted, triggers flipped, offsets changed, records from the future
added, keys repeated — the auditor says ``ready`` only when the independent reference
(:mod:`tests.property.reference`, plain Python over the raw files) says ready too.

Four tests of 500 examples each (2,000 in all), derandomized, so that CI runs the same examples
every time and ``-n 2`` spreads them over both workers.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.property import reference

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "workplans" / "activity-core" / "evidence-ready"
WORKPLAN = ROOT / "workplans" / "activity-core" / "ACTIVITY-WP-0009-intent-gap-closure.md"
TASKS = ("ACTIVITY-WP-0009-T01", "ACTIVITY-WP-0009-T02")
EXAMPLES = settings(max_examples=500, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

RECORD_FILES = tuple(reference.RECORD_FIELDS)
DELTAS = tuple(dt.timedelta(**{unit: sign * size}) for unit, size in (
    ("seconds", 1), ("minutes", 1), ("minutes", 30), ("hours", 1), ("hours", 5), ("days", 1), ("days", 2), ("days", 9),
) for sign in (1, -1))
OFFSETS = ("Z", "+00:00", "+02:00", "-05:00", "+14:00", "-14:00", "+14:01", "+15:00", "+99:99", "-23:59", "", "+0530", "+05", "+00:60")
RECORD_OPS = ("drop", "duplicate", "conflict", "shift", "flip_trigger", "offset", "future", "repeat_key")
FILE_OPS = ("history_drop", "history_duplicate", "history_shift", "history_offset", "history_unschedule", "history_future",
            "note_drop", "note_future")


def mutation(ops: tuple[str, ...]) -> st.SearchStrategy[tuple[str, int, int, int, int]]:
    """An operation and four choices it interprets modulo what it finds (which file, which line,
    which field, which value), so that every draw is a valid mutation and shrinks well."""
    small = st.integers(min_value=0, max_value=40)
    return st.tuples(st.sampled_from(ops), small, small, small, small)


# -- mutations of record lines -----------------------------------------------------------------

def _instant_fields(name: str, record: dict[str, Any]) -> list[str]:
    fields, _ = reference.RECORD_FIELDS[name]
    return [field for field, (kind, _) in fields.items() if kind == "instant" and isinstance(record.get(field), str)]


def _shifted(text: str, delta: dt.timedelta) -> str | None:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment + delta).isoformat() if moment.tzinfo else None


def _other_value(name: str, field: str, value: Any, choice: int) -> Any:
    fields, _ = reference.RECORD_FIELDS[name]
    kind = fields.get(field, ("text", False))[0]
    if isinstance(kind, tuple):
        others = [item for item in kind if item != value]
        return others[choice % len(others)]
    if kind == "instant" and isinstance(value, str):
        return _shifted(value, DELTAS[choice % len(DELTAS)]) or value + "x"
    if kind == "day" and isinstance(value, str):
        return (dt.date.fromisoformat(value) + dt.timedelta(days=1 + choice % 3)).isoformat()
    return f"{value}-{choice}" if value is not None else f"v{choice}"


def mutate_records(bundle: Path, op: str, which: int, line: int, field: int, choice: int) -> None:
    name = RECORD_FILES[which % len(RECORD_FILES)]
    path = bundle / name
    lines = [text for text in path.read_text(encoding="utf-8").splitlines() if text.strip()]
    if not lines:
        return
    index = line % len(lines)
    text = lines[index]
    try:
        record = json.loads(text)
    except ValueError:
        return
    if not isinstance(record, dict):
        return
    present = [key for key, value in record.items() if value is not None] or ["id"]
    key = present[field % len(present)]
    if op == "drop":
        del lines[index]
    elif op == "duplicate":
        lines.insert(choice % (len(lines) + 1), text)
    elif op == "conflict":
        lines.insert(index + 1, json.dumps({**record, key: _other_value(name, key, record.get(key), choice)}))
    elif op == "shift":
        stamps = _instant_fields(name, record)
        if stamps:
            stamp = stamps[field % len(stamps)]
            record[stamp] = _shifted(record[stamp], DELTAS[choice % len(DELTAS)]) or record[stamp]
            lines[index] = json.dumps(record)
    elif op == "flip_trigger":
        if "trigger" in record:
            record["trigger"] = "manual" if record["trigger"] == "schedule" else ("schedule", "backfill")[choice % 2]
            lines[index] = json.dumps(record)
    elif op == "offset":
        stamps = _instant_fields(name, record)
        if stamps:
            stamp = stamps[field % len(stamps)]
            wall = record[stamp][:19]
            record[stamp] = wall + OFFSETS[choice % len(OFFSETS)]
            lines[index] = json.dumps(record)
    elif op == "future":
        _, natural_key = reference.RECORD_FIELDS[name]
        ahead = dict(record)
        ahead[natural_key[0]] = f"{record.get(natural_key[0])}-ahead"
        for stamp in _instant_fields(name, record):
            ahead[stamp] = _shifted(record[stamp], dt.timedelta(days=1 + choice * 40)) or record[stamp]
        if isinstance(record.get("for_date"), str):
            ahead["for_date"] = "2031-01-01"
        lines.insert(index + 1, json.dumps(ahead))
    elif op == "repeat_key":
        repeated = json.dumps(key) + ": " + json.dumps(_other_value(name, key, record.get(key), choice) if choice % 3 else record.get(key))
        lines[index] = text.rstrip()[:-1] + ", " + repeated + "}"
    path.write_text("".join(item + "\n" for item in lines), encoding="utf-8")


# -- mutations of histories and notes ------------------------------------------------------------

def _b64(value: Any) -> str:
    return base64.b64encode(json.dumps(value).encode()).decode()


def mutate_files(bundle: Path, op: str, which: int, line: int, field: int, choice: int) -> None:
    if op.startswith("note_"):
        notes = sorted((bundle / "notes").glob("*.md"))
        if not notes:
            return
        note = notes[which % len(notes)]
        if op == "note_drop":
            note.unlink()
        else:
            note.write_text(note.read_text(encoding="utf-8").replace("date: 2026-06", f"date: 20{31 + choice % 5}-06"), encoding="utf-8")
        return
    histories = sorted((bundle / "temporal").glob("*.json"))
    if not histories:
        return
    path = histories[which % len(histories)]
    if op == "history_drop":
        path.unlink()
        return
    if op == "history_duplicate":
        shutil.copy(path, path.with_name(f"copy-{choice}-{path.name}"))
        return
    document = json.loads(path.read_text(encoding="utf-8"))
    events = document["events"]
    started = events[0]["workflowExecutionStartedEventAttributes"]
    fields = started.get("searchAttributes", {}).get("indexedFields", {})
    delta = DELTAS[choice % len(DELTAS)]
    if op == "history_shift":
        if field % 2 and "TemporalScheduledStartTime" in fields:
            old = json.loads(base64.b64decode(fields["TemporalScheduledStartTime"]["data"]))
            fields["TemporalScheduledStartTime"]["data"] = _b64(_shifted(old, delta) or old)
        else:
            event = events[line % len(events)]
            event["eventTime"] = _shifted(event["eventTime"], delta) or event["eventTime"]
    elif op == "history_offset":
        event = events[line % len(events)]
        event["eventTime"] = event["eventTime"][:19] + OFFSETS[choice % len(OFFSETS)]
    elif op == "history_unschedule":
        if field % 2:
            started.pop("searchAttributes", None)  # started by hand, not by the schedule
        elif "TemporalScheduledStartTime" in fields:  # `temporal schedule trigger`: the trigger time
            fields["TemporalScheduledStartTime"]["data"] = _b64(events[0]["eventTime"])
    elif op == "history_future":
        for event in events:
            event["eventTime"] = _shifted(event["eventTime"], dt.timedelta(days=1 + choice * 30)) or event["eventTime"]
        if "TemporalScheduledStartTime" in fields:
            old = json.loads(base64.b64decode(fields["TemporalScheduledStartTime"]["data"]))
            fields["TemporalScheduledStartTime"]["data"] = _b64(_shifted(old, dt.timedelta(days=1 + choice * 30)) or old)
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")


def apply(bundle: Path, mutations: list[tuple[str, int, int, int, int]]) -> None:
    for op, *choices in mutations:
        (mutate_records if op in RECORD_OPS else mutate_files)(bundle, op, *choices)


# -- the auditor, on a store shared by a few examples at a time ---------------------------------

STORE_USES = 20
"""Examples judged on one store (one repo each) before a fresh one: creating a store costs a
dozen statements, and a store of many repos makes every query scan more."""


@cache
def workplan_blocks() -> tuple[Any, list[Any]]:
    from auditor.evidence.block import parse_block
    from auditor.parse.workplan import read_workplan

    workplan = read_workplan(WORKPLAN)
    return workplan, [(task, parse_block(task.evidence.text, task.evidence.line).spec) for task in workplan.tasks if task.id in TASKS]


_USES = itertools.count()
_STORE: list[Any] = []


def shared_store() -> Any:
    from auditor.evidence import store

    if next(_USES) % STORE_USES == 0:
        for old in _STORE:
            old.close()
        _STORE[:] = [store.create()]
        _STORE[0].execute("SET threads = 1")  # tiny stores: more threads only contend with the other test worker
    return _STORE[0]


_REPOS = itertools.count()


def sources_read(nodes: Any) -> set[str]:
    """The sources the checks of ``nodes`` read, combinators' children included."""
    from auditor.evidence.checks import CHECKS

    return {name for node in nodes for name in (CHECKS[node.kind].sources(node.args) if node.args else sources_read(node.children))}


def audited(bundle: Path, tasks: tuple[str, ...] = TASKS) -> dict[str, str]:
    """The auditor's verdicts on ``bundle`` for ``tasks``, judged as the audit of
    :data:`reference.TODAY` judges."""
    from auditor.evidence import sources
    from auditor.evidence.judge import Judge
    from auditor.evidence.sources.base import Horizon, LoadTarget

    workplan, blocks = workplan_blocks()
    db = shared_store()
    repo = f"mutated-{next(_REPOS)}"
    target = LoadTarget(repo, bundle, horizon=Horizon.of(reference.TODAY, dt.datetime.now(dt.UTC)))
    # What sources.load does, for the sources these tasks' checks read (in its order): a
    # source no check reads cannot change a verdict, and loading it costs statements.
    needed = set().union(*(sources_read(spec.checks) for task, spec in blocks if task.id in tasks))
    sources.record(db, [(repo, name, source.load(db, target)) for name, source in sources.SOURCES.items() if name in needed])
    judge = Judge(db, repo, reference.TODAY)
    return {task.id: judge.verdict(workplan, task, spec).verdict for task, spec in blocks if task.id in tasks}


def assert_no_false_ready(mutations: list[tuple[str, int, int, int, int]]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        bundle = Path(scratch) / "evidence"
        shutil.copytree(BUNDLE, bundle)
        apply(bundle, mutations)
        # Where the reference says ready the property holds whatever the auditor says: ask the
        # auditor about the other tasks only (a store load costs more than the reference).
        doubted = tuple(task for task in TASKS if not reference.ready(bundle, task))
        if doubted:
            verdicts = audited(bundle, doubted)
            for task in doubted:
                assert verdicts[task] != "ready", f"{task} is ready, but the reference disagrees after {mutations}"


def test_the_unchanged_bundle_is_ready_for_both() -> None:
    assert_no_false_ready([])
    with tempfile.TemporaryDirectory() as scratch:
        bundle = Path(scratch) / "evidence"
        shutil.copytree(BUNDLE, bundle)
        assert audited(bundle) == dict.fromkeys(TASKS, "ready")
        assert all(reference.ready(bundle, task) for task in TASKS)


@EXAMPLES
@given(st.lists(mutation(RECORD_OPS), min_size=1, max_size=3))
def test_mutated_records_never_give_a_false_ready(mutations) -> None:
    assert_no_false_ready(mutations)


@EXAMPLES
@given(st.lists(mutation(FILE_OPS), min_size=1, max_size=3))
def test_mutated_histories_and_notes_never_give_a_false_ready(mutations) -> None:
    assert_no_false_ready(mutations)


@EXAMPLES
@given(st.lists(mutation(RECORD_OPS + FILE_OPS), min_size=2, max_size=5))
def test_mixed_mutations_never_give_a_false_ready(mutations) -> None:
    assert_no_false_ready(mutations)


@EXAMPLES
@given(mutation(RECORD_OPS + FILE_OPS))
def test_any_single_mutation_never_gives_a_false_ready(one) -> None:
    assert_no_false_ready([one])
