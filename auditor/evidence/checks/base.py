"""What every check kind gets: its arguments' base model and the context it is judged in."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Self

from pathlib import PurePosixPath

from pydantic import (
    BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, ValidatorFunctionWrapHandler, WrapValidator, field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from auditor.evidence.model import CheckResult, EvidenceRef, Result
from auditor.evidence.store import TABLE

if TYPE_CHECKING:
    import duckdb


LATEST_DAY = dt.date(9998, 12, 31)
"""The last day a check argument or the audit's today may be: slot and day arithmetic goes a
few days past it, and must stay inside the calendar (which ends with 9999)."""


class CheckArgs(BaseModel):
    """Arguments of a check kind: unknown keys are errors, so a typo cannot weaken a check."""

    # An unquoted id such as 1234 loads as a number; it still names something.
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    one_of: ClassVar[tuple[tuple[str, str], ...]] = ()
    """Pairs of arguments of which exactly one must be given."""

    @field_validator("*")
    @classmethod
    def _in_the_calendar(cls, value: Any) -> Any:
        day = value.date() if isinstance(value, dt.datetime) else value
        if isinstance(day, dt.date) and day > LATEST_DAY:
            raise ValueError(f"must be on or before {LATEST_DAY}")
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        for first, second in self.one_of:
            if (getattr(self, first) is None) == (getattr(self, second) is None):
                raise ValueError(f"give exactly one of '{first}' and '{second}'")
        return self


class RepoPathArgs(CheckArgs):
    """Arguments naming a file of the repo checkout."""

    globs: ClassVar[bool] = False
    """Whether ``path`` may be a glob (:mod:`auditor.evidence.repo_paths`)."""

    path: str = Field(
        min_length=1, description="Path relative to the repo root, e.g. docs/runbook.md; where a check says so, a glob (src/**/*.py)."
    )

    @field_validator("path")
    @classmethod
    def _inside_repo(cls, path: str) -> str:
        parts = PurePosixPath(path).parts
        if path.startswith(("/", "~")) or "\\" in path or ".." in parts or (parts and parts[0].endswith(":")):
            raise ValueError("must be a path inside the repo, relative to its root (no '..', '/', '~' or '\\')")
        return str(PurePosixPath(path))

    @model_validator(mode="after")
    def _glob_allowed(self) -> Self:
        from auditor.evidence.repo_paths import is_glob

        if is_glob(self.path) and not self.globs:
            raise ValueError(f"'path' must name one file here, not a glob ({self.path})")
        return self


FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class RecordArgs(CheckArgs):
    """Arguments of a check on State Hub records: any of them can also require fields by value."""

    where: dict[str, str] | None = Field(
        default=None,
        min_length=1,
        description="Fields the record must have, each a string equal to the value given, e.g. {environment: production}.",
    )

    @field_validator("where")
    @classmethod
    def _field_names(cls, where: dict[str, str] | None) -> dict[str, str] | None:
        for name in where or {}:
            if not FIELD_NAME.fullmatch(name):
                raise ValueError(f"'{name}' is not a field name (letters, digits and '_')")
        return where

    def restrict(self, where: str, params: list[Any], wanted: str) -> tuple[str, list[Any], str]:
        """``where``, ``params`` and ``wanted`` narrowed by ``where:``: each field present in the
        record as read, a string, equal to its value."""
        for name, value in (self.where or {}).items():
            where += " AND json_type(record, ?) = 'VARCHAR' AND json_extract_string(record, ?) = ?"
            params += [f"$.{name}", f"$.{name}", value]
        if self.where:
            wanted += " where " + ", ".join(f"{name} = {value}" for name, value in self.where.items())
        return where, params, wanted


DATED_BY = {
    "progress": "recorded_at", "decisions": "recorded_at", "feedback": "recorded_at", "messages": "recorded_at",
    "task_spawn_log": "created_at", "notes": "note_date", "activity_runs": "started_at",
}
"""The column that says when a record of the table was made."""


def record_date(value: dt.date | None) -> str | None:
    """A record's date as evidence shows it: an instant in UTC, or a day."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class CheckContext:
    """What a check is judged against: the store, the repo whose records count, and the day."""

    db: duckdb.DuckDBPyConnection
    repo: str
    today: dt.date
    kind: str
    line: int

    def rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple[Any, ...]]:
        return self.db.execute(sql, params).fetchall()

    def refs(self, source: str, table: str, where: str, params: Sequence[Any], reference: str = "id") -> list[EvidenceRef]:
        """The records of ``table`` (this repo's) that match ``where``, in file order, as references."""
        line = "line" if any(column.name == "line" for column in TABLE[table].all_columns) else "NULL::BIGINT"
        dated = DATED_BY.get(table, "NULL")
        found = self.rows(
            f"SELECT {reference}, path, {line} AS line, {dated} AS dated FROM {table} WHERE repo = ? AND ({where}) ORDER BY path, 3",
            [self.repo, *params],
        )
        return [EvidenceRef(source=source, reference=str(ref), path=path, line=line, date=record_date(dated)) for ref, path, line, dated in found]

    def repo_file(self, path: str) -> str | None:
        """The text of a repo file, or None when it does not exist."""
        found = self.rows("SELECT content FROM repo_files WHERE repo = ? AND path = ? AND present", [self.repo, path])
        return found[0][0] if found else None

    def repo_files(self, pattern: str) -> list[tuple[str, str]]:
        """(path, text) of every repo file that ``pattern`` (a path or a glob) names, by path."""
        from auditor.evidence.repo_paths import matches

        found = self.rows("SELECT path, content FROM repo_files WHERE repo = ? AND present ORDER BY path", [self.repo])
        return [(path, content) for path, content in found if matches(pattern, path)]

    def result(self, result: Result, detail: str, evidence: Sequence[EvidenceRef] = (), missing: Sequence[str] = ()) -> CheckResult:
        return CheckResult(kind=self.kind, line=self.line, result=result, detail=detail, evidence=list(evidence), missing=list(missing))

    def found_records(self, source: str, table: str, where: str, params: list[Any], wanted: str) -> CheckResult:
        """:meth:`found` over the records of ``table`` that match ``where``, except that a match
        whose ``id`` is recorded more than once is unknown: which copy holds cannot be told."""
        evidence = self.refs(source, table, where, params)
        ids = sorted({ref.reference for ref in evidence})
        repeated = f"id IN (SELECT id FROM {table} WHERE repo = ? AND list_contains(?, id) GROUP BY id HAVING count(*) > 1)"
        copies = self.refs(source, table, repeated, [self.repo, ids]) if ids else []
        if copies:
            places = ", ".join(f"{ref.path}:{ref.line}" for ref in copies)
            detail = f"record {copies[0].reference} is recorded more than once in {source} ({places})"
            return self.result("unknown", detail, copies, [f"{wanted}, each record once"])
        return self.found(evidence, wanted)

    def found(self, evidence: list[EvidenceRef], wanted: str) -> CheckResult:
        """Pass when ``evidence`` is not empty; otherwise ``wanted`` is what is missing."""
        if evidence:
            count = f"{len(evidence)} record{'s' if len(evidence) != 1 else ''}"
            return self.result("pass", f"{wanted}: {count}", evidence)
        return self.result("fail", f"no {wanted}", missing=[wanted])


STREAK_END = "streak_end"
"""``after: streak_end``: the judge puts the last day of the streak that satisfied the block's
``consecutive_runs`` check in its place (:func:`auditor.evidence.judge.streak_end`)."""

def _day_or_streak_end(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """``streak_end`` as is; anything else read as a day, failing with the day's own error."""
    if value == STREAK_END:
        return value
    try:
        return _DAY.validate_python(value)
    except ValidationError as error:
        first = error.errors()[0]
        raise PydanticCustomError(first["type"], first["msg"]) from None


_DAY = TypeAdapter(dt.date)

AfterDay = Annotated[dt.date | Literal["streak_end"], WrapValidator(_day_or_streak_end)]
"""What ``after`` of a record check may be: a day, or ``streak_end``."""


def day_after(day: AfterDay) -> dt.datetime:
    """The first instant (UTC) after ``day``: ``after: D`` means on a UTC day later than D."""
    if not isinstance(day, dt.date):  # the judge puts a day in place of streak_end before judging
        raise TypeError(f"after: {day} was not resolved to a day")
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC)
