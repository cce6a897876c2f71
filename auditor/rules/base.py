"""What a rule is, and what it gets to look at.

A rule is a module in :mod:`auditor.rules` with four constants and one generator::

    CODE = "WP021"                 # stable; never reused for another meaning
    SEVERITY = Severity.warning    # default; auditor.toml can override it
    SCOPE = "workplan"             # what check() is given, one of:
                                   #   "workplan": one parsed file (runs in worker processes)
                                   #   "workspace": every workplan summary of the run (Workspace)
                                   #   "evidence": one judged task or one source problem
                                   #   "state_hub": one task beside its State Hub status
    SUMMARY = "one line for docs/rules.md and `auditor rules`"

    def check(subject, ctx) -> Iterator[Hit]: ...

A workplan rule whose result depends on more than the file's bytes and the configuration sets
``CACHEABLE = False``: it runs on every check, even for a file whose other results come from the
cache, and then sees only the file's path, id, directives, path references and repo
(an :class:`auditor.cache.CheckoutView`).

The module docstring holds PASS/FAIL examples: they are the rule's docs.
"""

from __future__ import annotations

from dataclasses import dataclass

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
