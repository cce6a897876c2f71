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


class Task(BaseModel):
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

    def text_field(self, key: str) -> str | None:
        value = self.fields.get(key)
        return value if isinstance(value, str) else None

    @property
    def id(self) -> str | None:
        return self.text_field("id")

    @property
    def status(self) -> str | None:
        return self.text_field("status")

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

    def line_of(self, key: str) -> int:
        return self.field_lines.get(key, self.line)


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


class Workplan(BaseModel):
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

    def text_field(self, key: str) -> str | None:
        value = self.frontmatter.get(key)
        return value if isinstance(value, str) else None

    @property
    def id(self) -> str | None:
        return self.text_field("id")

    @property
    def status(self) -> str | None:
        return self.text_field("status")

    @property
    def repo(self) -> str | None:
        return self.text_field("repo") or self.repo_name

    def line_of(self, key: str) -> int:
        return self.frontmatter_lines.get(key, self.frontmatter_line)

    def drop_file_detail(self) -> None:
        """Forget what only the per-file rules read: dated notes, path references, problems.

        Workspace runs lint each file where it was parsed (often another process) and keep
        the rest, which is then cheaper to move and to hold. A command that needs the detail
        (closing a task) reads the file again.
        """
        self.notes = []
        self.problems = []
        self.references = [reference for reference in self.references if reference.kind == "id"]
        for task in self.tasks:
            task.notes = []


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
