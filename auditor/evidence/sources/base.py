"""What an evidence source is: something that fills store tables for one repo and says how it went.

Bundle sources read files under the repo's evidence directory; live sources (State Hub, notes,
issue-core, Temporal) fill the same tables from the network when the repo configures them. A
check only asks whether the sources it needs are ``ok``: anything else makes it unknown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

from auditor.config import Limits, SourcesConfig

if TYPE_CHECKING:
    import duckdb

    from auditor.evidence.sources.http_service import ServiceClient

State = Literal["ok", "not_configured", "missing", "unreadable"]
ProblemKind = Literal["malformed", "duplicate", "future"]
"""``malformed`` (WP044) makes its source unreadable; a collapsed exact ``duplicate`` (WP045)
and a record dated after the audit's today (``future``, WP046, left out) are only reported."""

SourceName = Literal[
    "temporal",
    "activity_runs",
    "state_hub.progress",
    "state_hub.decisions",
    "state_hub.feedback",
    "state_hub.messages",
    "notes",
    "task_spawn_log",
    "issue_core",
    "repo_files",
    "workspace",
    "schedule_slots",
]
"""Every source's name: what a check kind's ``sources()`` returns. The registry in
:mod:`auditor.evidence.sources` must hold exactly these (checked when it is imported), and the
type checker holds every ``sources()`` to them, so a misspelt name cannot reach a verdict."""

MAX_STORED_PROBLEMS = 100
"""Problems kept per source (all are counted): a broken file is not a million findings."""


@dataclass(frozen=True)
class LoadTarget:
    """One repo to load evidence for."""

    repo: str
    bundle: Path | None
    """The evidence directory; None when the repo has none configured."""
    repo_root: Path | None = None
    """The repo checkout, for the files that checks name; None when unknown."""
    repo_paths: frozenset[str] = frozenset()
    """Repo-relative paths that file checks name."""
    sources: SourcesConfig = field(default_factory=SourcesConfig)
    """The repo's live sources; each one configured replaces the bundle files of its tables."""
    runs: frozenset[RunQuery] = frozenset()
    """The scheduled runs that ``consecutive_runs`` checks ask about, for live Temporal."""
    workspace: tuple[WorkspaceEntry, ...] = ()
    """Every workplan and task read in this run, for ``task`` checks."""
    horizon: Horizon | None = None
    """Where evidence ends; None: nothing is from the future."""
    limits: Limits = field(default_factory=Limits)
    """The size limit of each kind of file read (``[limits]``)."""


@dataclass(frozen=True)
class WorkspaceEntry:
    """A workplan or task of the workspace and its status, where its id is written."""

    id: str
    kind: Literal["workplan", "task"]
    status: str | None
    path: str
    line: int


@dataclass(frozen=True)
class Horizon:
    """The audit's present: a record dated after it is not evidence yet, and is left out."""

    today: dt.date
    until: dt.datetime
    """The last instant that counts: now, or the end of ``today`` (UTC) for an audit of another day."""

    @classmethod
    def of(cls, today: dt.date, now: dt.datetime) -> Horizon:
        end_of_today = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), dt.UTC) - dt.timedelta(microseconds=1)
        # today is the clock's day in UTC or in the local zone (the default --today): the present is now
        is_today = today in (now.astimezone(dt.UTC).date(), now.astimezone().date())
        return cls(today, min(now, end_of_today) if is_today else end_of_today)

    def after(self, instants: Iterable[dt.datetime | None], days: Iterable[dt.date | None] = ()) -> str | None:
        """Why something carrying these instants and days is from the future, or None."""
        for instant in instants:
            if instant is not None and instant > self.until:
                return f"dated {instant.isoformat()}, after the audit's present {self.until.isoformat()}; left out"
        for day in days:
            if day is not None and day > self.today:
                return f"dated {day.isoformat()}, after the audit's today {self.today.isoformat()}; left out"
        return None


@dataclass(frozen=True)
class RunQuery:
    """The runs of one activity since a day: those its schedule started, and those of its workflow type."""

    activity: str
    schedule_id: str
    after: dt.date


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    kind: ProblemKind = "malformed"


@dataclass
class SourceReport:
    """How loading one source for one repo went."""

    state: State
    location: str | None
    records: int = 0
    problems: list[Problem] = field(default_factory=list)
    """The first :data:`MAX_STORED_PROBLEMS` problems."""
    problem_count: int = 0
    notices: list[Problem] = field(default_factory=list)
    """Duplicates collapsed and future records left out (the first :data:`MAX_STORED_PROBLEMS`)."""
    reason: str | None = None
    """Why the source is not configured, missing, or (a live source) could not be read."""

    def add(self, *problems: Problem, total: int | None = None) -> None:
        """Record problems; ``total`` counts those found beyond the ones given. Notices
        (duplicates, future records) are kept apart: they leave the source usable."""
        notices = [problem for problem in problems if problem.kind != "malformed"]
        self.notices += notices[: MAX_STORED_PROBLEMS - len(self.notices)]
        problems = tuple(problem for problem in problems if problem.kind == "malformed")
        if not problems and total is None:
            return
        room = MAX_STORED_PROBLEMS - len(self.problems)
        self.problems += problems[:room]
        self.problem_count += len(problems) if total is None else total
        if self.problem_count:
            self.state = "unreadable"

    def fail(self, cause: str) -> None:
        """The whole source could not be read (a live service failed): one problem, the cause."""
        self.reason = cause
        self.add(Problem(self.location or "", 1, cause))

    @property
    def detail(self) -> str | None:
        if self.reason:
            return self.reason
        if self.problem_count:
            return f"{self.problem_count} problem{'s' if self.problem_count != 1 else ''}, see WP044"
        return self.reason


class Source(Protocol):
    """Fills store tables for one repo."""

    @property
    def name(self) -> str: ...

    def load(self, db: duckdb.DuckDBPyConnection, target: LoadTarget) -> SourceReport: ...


class LiveSource(Source, Protocol):
    """A source read from a live service, used for a repo instead of the bundle source of the
    same name when the repo's config has its ``[sources.X]`` table."""

    def configured(self, target: LoadTarget) -> bool: ...


class ServiceSource:
    """A live source over HTTP: asks its service (``[sources.<service>]``) for everything at once
    and stores the answer; when the service fails, the source fails whole with the cause."""

    name: str
    service: str
    """The key of its table in ``[sources]``: ``state_hub``, ``notes``, ``issue_core``."""

    def configured(self, target: LoadTarget) -> bool:
        return self.settings(target) is not None

    def settings(self, target: LoadTarget) -> Any:
        return getattr(target.sources, self.service)

    def load(self, db: duckdb.DuckDBPyConnection, target: LoadTarget) -> SourceReport:
        from auditor.evidence.sources.http_service import fetch

        settings = self.settings(target)
        report = SourceReport("ok", self.location(settings))
        answer = fetch(report, settings, lambda client: self.ask(client, settings, db, target))
        if answer is not None:
            report.records = self.store(db, target, answer, report)
        return report

    def location(self, settings: Any) -> str:
        """The endpoint the source reads: its records' ``path``."""
        raise NotImplementedError

    def ask(self, client: ServiceClient, settings: Any, db: duckdb.DuckDBPyConnection, target: LoadTarget) -> list[Any]:
        raise NotImplementedError

    def store(self, db: duckdb.DuckDBPyConnection, target: LoadTarget, answer: list[Any], report: SourceReport) -> int:
        """Insert what the service answered; returns the records stored."""
        raise NotImplementedError


def first_line(exc: BaseException) -> str:
    """What an exception says, on one line (libraries raise multi-line messages)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def redact(text: str, secret: str | None) -> str:
    """``text`` without ``secret`` (registered, so redacted everywhere from now on) or any
    other secret: messages may quote what a server or a library said."""
    from common import redact as redaction

    redaction.register(secret)
    return redaction.redact(text)


class SourceFileError(ValueError):
    """A bundle file that cannot be read; ``line`` is where, when known."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


Read = TypeVar("Read")
Where = TypeVar("Where", Path, str)


def read_files(report: SourceReport, paths: Iterable[Where], read: Callable[[Where], Read]) -> list[tuple[Where, Read]]:
    """Read each file (or fetched document, named by its location); one that cannot be read is a
    problem in ``report``, and the rest go on."""
    found = []
    for path in paths:
        try:
            found.append((path, read(path)))
        except SourceFileError as exc:
            report.add(Problem(str(path), exc.line, str(exc)))
        except (OSError, UnicodeDecodeError) as exc:
            report.add(Problem(str(path), 1, f"cannot read: {exc}"))
    return found


def bundle_location(name: str, target: LoadTarget, relative: str) -> tuple[Path | None, SourceReport]:
    """The path of ``relative`` in the repo's bundle and a fresh report on it; without such a
    path, None and the report that says why."""
    if target.bundle is None:
        return None, SourceReport("not_configured", None, reason=f"no evidence directory configured for repo {target.repo}")
    from auditor.evidence.evidence_files import RefusedFile, inside

    path = target.bundle / relative
    if not path.exists():
        return None, SourceReport("missing", str(path), reason=f"{path} does not exist")
    report = SourceReport("ok", str(path))
    try:
        inside(path, target.bundle)
    except RefusedFile as exc:
        report.add(Problem(str(path), exc.line, str(exc)))
        return None, report
    return path, report
