"""The workplan model: what a parsed workplan file is, and what a finding about it is.

Values read from YAML are kept as they were loaded (``raw``); the rules decide whether a value
is valid, so that a wrong value becomes a located finding instead of a validation error.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator


class Severity(enum.IntEnum):
    """Finding severities, ordered so that ``>=`` compares seriousness."""

    info = 1
    warning = 2
    error = 3

    def __str__(self) -> str:
        return self.name


class Location(BaseModel):
    """A place in a file: 1-based line and column."""

    model_config = ConfigDict(frozen=True)

    path: str
    line: int = 1
    column: int = 1


class ParseProblem(BaseModel):
    """Something the reader could not make sense of; rules turn problems into findings.

    ``kind`` names the rule family that reports it: ``file`` (WP000), ``frontmatter`` (WP001),
    ``task`` (WP010), ``evidence`` (WP042).
    """

    kind: str
    message: str
    line: int
    column: int = 1
    task_id: str | None = None


class DatedNote(BaseModel):
    """A prose line that starts with a date: ``2026-06-18 update: ...``, ``2026-06-16: Completed``."""

    date: dt.date
    label: str
    text: str
    line: int


class Section(BaseModel):
    """An H2 section: its heading and the 1-based line range it spans (inclusive)."""

    title: str
    line: int
    end_line: int


class _YamlMapping:
    """Reads of a YAML mapping kept as it was loaded: a value counts only if it has the right
    type, and every key remembers its line."""

    def _values(self) -> dict[str, Any]:
        raise NotImplementedError

    def _lines(self) -> tuple[dict[str, int], int]:
        """The line of each key, and the line to point at for a missing key."""
        raise NotImplementedError

    def text_field(self, key: str) -> str | None:
        value = self._values().get(key)
        return value if isinstance(value, str) else None

    @property
    def id(self) -> str | None:
        return self.text_field("id")

    @property
    def status(self) -> str | None:
        return self.text_field("status")

    def line_of(self, key: str) -> int:
        lines, fallback = self._lines()
        return lines.get(key, fallback)


class Task(_YamlMapping, BaseModel):
    """One ```task block and the prose of the H2 section around it."""

    fields: dict[str, Any]
    field_lines: dict[str, int]
    line: int
    """Line of the opening fence."""
    readable: bool = True
    """False when the block is not a YAML mapping (then ``fields`` is empty)."""
    section: Section | None = None
    notes: list[DatedNote] = Field(default_factory=list)
    wait_reason_line: int | None = None
    """Line of a "wait reason" or "blocked" sentence in the section, if any."""
    evidence: EvidenceBlock | None = None

    def _values(self) -> dict[str, Any]:
        return self.fields

    def _lines(self) -> tuple[dict[str, int], int]:
        return self.field_lines, self.line

    @property
    def priority(self) -> str | None:
        return self.text_field("priority")

    @property
    def depends_on(self) -> list[str]:
        value = self.fields.get("depends_on")
        if isinstance(value, str):
            return [value]
        if isinstance(value, list):
            return [item for item in value if isinstance(item, str)]
        return []

    def summary(self) -> TaskSummary:
        return TaskSummary(
            id=self.id,
            status=self.status,
            priority=self.priority,
            line=self.line,
            id_line=self.line_of("id"),
            depends_on=self.depends_on if "depends_on" in self.fields else None,
            depends_on_line=self.line_of("depends_on"),
            state_hub_task_id=self.fields.get("state_hub_task_id"),
            state_hub_task_line=self.field_lines.get("state_hub_task_id"),
            has_evidence=self.evidence is not None,
        )


class EvidenceBlock(BaseModel):
    """The raw text of an ```evidence fence; :mod:`auditor.evidence` gives it meaning."""

    text: str
    line: int
    """Line of the opening fence; the YAML starts on the next line."""


class Directive(BaseModel):
    """An inline ``<!-- auditor: disable[-file] CODES -->`` comment."""

    scope: str  # "block" (the next block) or "file"
    codes: frozenset[str]
    line: int
    applies_from: int
    applies_to: int


class Reference(BaseModel):
    """A mention in prose: a workplan/task id or a back-ticked repo-relative path."""

    kind: str  # "id" or "path"
    value: str
    line: int
    column: int
    task_id: str | None = None


class Workplan(_YamlMapping, BaseModel):
    """A workplan file: frontmatter, H1, tasks, and what prose refers to."""

    path: str
    frontmatter: dict[str, Any] = Field(default_factory=dict)
    frontmatter_lines: dict[str, int] = Field(default_factory=dict)
    frontmatter_line: int = 1
    has_frontmatter: bool = False
    title_line: int | None = None
    title_text: str | None = None
    tasks: list[Task] = Field(default_factory=list)
    notes: list[DatedNote] = Field(default_factory=list)
    """Every dated note in the file, in or out of task sections."""
    references: list[Reference] = Field(default_factory=list)
    directives: list[Directive] = Field(default_factory=list)
    problems: list[ParseProblem] = Field(default_factory=list)
    repo_name: str | None = None
    """The workspace repo this file was loaded for, when it came from one."""
    repo_root: str | None = None
    """The repo checkout root, when known; path rules only look when it is."""

    def _values(self) -> dict[str, Any]:
        return self.frontmatter

    def _lines(self) -> tuple[dict[str, int], int]:
        return self.frontmatter_lines, self.frontmatter_line

    @property
    def repo(self) -> str | None:
        return self.text_field("repo") or self.repo_name

    def has_evidence(self) -> bool:
        """Whether the evidence stage has anything to read here: a block, or a misplaced one."""
        return any(task.evidence for task in self.tasks) or any(p.kind == "evidence" for p in self.problems)

    def _references_elsewhere(self) -> list[Reference]:
        """Id references the workspace rules must look up: not this workplan's own ids, which
        exist by being here."""
        own = {self.id, *(task.id for task in self.tasks)}
        return [reference for reference in self.references if reference.kind == "id" and reference.value not in own]

    def summary(self) -> WorkplanSummary:
        return WorkplanSummary(
            path=self.path,
            id=self.id,
            status=self.status,
            repo=self.repo,
            tasks=[task.summary() for task in self.tasks],
            id_line=self.line_of("id"),
            title_line=self.title_line,
            state_hub_workstream_id=self.frontmatter.get("state_hub_workstream_id"),
            state_hub_workstream_line=self.frontmatter_lines.get("state_hub_workstream_id"),
            references=self._references_elsewhere(),
            directives=self.directives,
        )


class TaskSummary(BaseModel):
    """What the workspace stage keeps of a task: enough for the rules that look across files,
    the reports, and following dependencies. Internal fields stay out of the JSON report."""

    id: str | None
    status: str | None
    priority: str | None
    line: int
    id_line: int = Field(exclude=True)
    depends_on: list[str] | None = Field(default=None, exclude=True)
    """None when the task block has no ``depends_on`` key."""
    depends_on_line: int = Field(exclude=True)
    state_hub_task_id: Any = Field(default=None, exclude=True)
    state_hub_task_line: int | None = Field(default=None, exclude=True)
    has_evidence: bool = Field(default=False, exclude=True)


class WorkplanSummary(BaseModel):
    """What the workspace stage keeps of a workplan once its own rules have run.

    A large workspace is read in worker processes; each sends back this rather than the whole
    parsed file, which keeps the run fast and its memory small. The full
    :class:`Workplan` is kept only where the evidence stage needs it.
    """

    path: str
    id: str | None
    status: str | None
    repo: str | None
    tasks: list[TaskSummary]
    id_line: int = Field(exclude=True)
    title_line: int | None = Field(default=None, exclude=True)
    state_hub_workstream_id: Any = Field(default=None, exclude=True)
    state_hub_workstream_line: int | None = Field(default=None, exclude=True)
    references: list[Reference] = Field(default_factory=list, exclude=True)
    """References to workplan and task ids other than this workplan's own."""
    directives: list[Directive] = Field(default_factory=list, exclude=True)


class Finding(BaseModel):
    """One reported problem: a rule code, a severity and a location."""

    code: str
    severity: Severity
    message: str
    path: str
    line: int
    column: int = 1
    workplan_id: str | None = None
    task_id: str | None = None

    @field_validator("severity", mode="before")
    @classmethod
    def _severity_from_name(cls, value: object) -> object:
        return Severity[value] if isinstance(value, str) and value in Severity.__members__ else value

    @field_serializer("severity")
    def _severity_name(self, severity: Severity) -> str:
        return severity.name

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)


Task.model_rebuild()
