"""Verdicts as data: what the evidence says about each task with an evidence block.

``Verdict.model_dump(mode="json")`` is exactly what the JSON report carries in ``verdicts[]``
(docs/evidence.md describes the shape), and the text renderer reads that same JSON form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field, SerializeAsAny

from auditor.model import Workplan

Result = Literal["pass", "fail", "unknown"]
VerdictName = Literal["ready", "not_ready", "unknown", "holds", "violated"]
SlotState = Literal["clean", "unclean", "missed"]
Engine = Literal["local", "temporal"]


class EvidenceRef(BaseModel):
    """One record a check relied on, and where it is: enough to go and look."""

    source: str
    """Source name: ``temporal``, ``activity_runs``, ``state_hub.progress``, ``notes``, ``repo``..."""
    reference: str
    """What the record is: a workflow id, a record id, a note name, a file path."""
    path: str | None = None
    line: int | None = None
    event_id: int | None = None
    date: str | None = None
    """When the record was made: its timestamp (UTC) or its day, where the record has one."""


class CheckResult(BaseModel):
    """The outcome of one check of an evidence block."""

    kind: str
    line: int
    """Line of the check in the workplan file."""
    result: Result
    detail: str
    evidence: list[EvidenceRef] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    """What would have to exist (or be readable) for the check to pass."""


class CombinedResult(CheckResult):
    """An ``all:`` or ``any:`` check and the checks under it."""

    checks: list[SerializeAsAny[CheckResult]]


class SlotRun(BaseModel):
    """One scheduled run placed in a slot, with what each source says about it."""

    workflow_id: str
    run_id: str | None
    history: str
    """``completed``, ``failed``, ... from the Temporal history, or ``missing``."""
    run_row: str
    """The activity_runs status, or ``missing``."""
    activity_failures: int
    evidence: list[EvidenceRef]


class Slot(BaseModel):
    """One expected slot of a ``consecutive_runs`` schedule."""

    date: str
    start: str
    """The slot's instant (UTC, ISO 8601); a run belongs to it from here to the next slot."""
    state: SlotState
    sources: dict[str, str]
    """Per required source: ``history``, ``run_row``, ``progress``, ``note`` and its state."""
    runs: list[SlotRun]
    problems: list[str]
    """Why the slot is not clean, one line each (empty when clean)."""
    evidence: list[EvidenceRef]
    """The slot's progress record and note."""


class Streak(BaseModel):
    needed: int
    longest: int
    current: int
    """Clean slots in a row ending at the last slot."""
    satisfied_by: list[str] = Field(default_factory=list)
    """The days of the ``needed`` consecutive clean slots that pass the check (the latest such
    streak); empty when it fails."""


class RunsResult(CheckResult):
    """A ``consecutive_runs`` check and its slot table."""

    slots: list[Slot]
    slot_engine: Engine = "local"
    """Where the slots come from: ``temporal`` or ``local``, the engine whose fire times a source
    (``schedule_slots.jsonl``, live Temporal) provided; ``local`` also when none was provided and
    the local rules computed them."""
    slot_window: list[str] | None = None
    """[from, until]: the part of the window the engine's list covers; the local rules give the
    slots outside it. None when no list was provided."""
    streak: Streak


class Verdict(BaseModel):
    """What the evidence says about one task."""

    task_id: str
    task_status: str | None
    verdict: VerdictName
    checks: list[SerializeAsAny[CheckResult]]
    unblocks: list[str]
    workplan_id: str | None
    repo: str | None
    path: str
    line: int
    """Line of the evidence block's opening fence."""


@dataclass(frozen=True)
class JudgedTask:
    """The subject of the verdict rules (WP040, WP041, WP043): a verdict and where it belongs."""

    workplan: Workplan
    verdict: Verdict
    strict: bool = False
    """``--strict-evidence``: an unknown verdict is an error, not a warning."""


@dataclass(frozen=True)
class AuditedWorkplan:
    """The subject of WP042: a workplan whose evidence blocks are judged on ``today``."""

    workplan: Workplan
    today: dt.date


@dataclass(frozen=True)
class SourceProblem:
    """A malformed line, record or file in an evidence source: the subject of WP044."""

    repo: str
    source: str
    path: str
    line: int
    message: str
    kind: str = "malformed"
    """``malformed`` (WP044), ``duplicate`` (WP045) or ``future`` (WP046)."""
