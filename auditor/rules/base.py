"""What a rule is, and what it gets to look at.

A rule is a module in :mod:`auditor.rules` with four constants and one generator::

    CODE = "WP021"                 # stable; never reused for another meaning
    SEVERITY = Severity.warning    # default; auditor.toml can override it
    SCOPE = "workplan"             # "workplan": one file at a time (runs in worker processes)
                                   # "workspace": sees every workplan loaded in the run
    SUMMARY = "one line for docs/rules.md and --list-rules"

    def check(subject, ctx) -> Iterator[Hit]: ...

A workplan rule whose result depends on more than the file's bytes and the configuration sets
``CACHEABLE = False``: it runs on every check, even for a file whose other results come from the
cache, and then sees only the file's path, id, directives, path references and repo
(an :class:`auditor.cache.CheckoutView`).

``subject`` is a :class:`~auditor.model.Workplan` for workplan rules and a :class:`Workspace`
(of :class:`~auditor.model.WorkplanSummary`) for workspace rules. The module docstring holds PASS/FAIL examples: they are the rule's docs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Protocol

from auditor.config import Config
from auditor.model import Severity, Workplan, WorkplanSummary


@dataclass(frozen=True)
class Hit:
    """One problem a rule found. ``severity`` overrides the rule's default for this hit only."""

    workplan: Workplan | WorkplanSummary
    message: str
    line: int
    column: int = 1
    task_id: str | None = None
    severity: Severity | None = None


@dataclass
class Workspace:
    """Every workplan of one run, for the rules that look across files."""

    workplans: list[WorkplanSummary]


@dataclass(frozen=True)
class Context:
    config: Config


class Rule(Protocol):
    CODE: str
    SEVERITY: Severity
    SCOPE: str
    SUMMARY: str
    __doc__: str | None

    def check(self, subject, ctx: Context) -> Iterator[Hit]: ...
