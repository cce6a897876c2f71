"""WP031 — a back-ticked repo-relative path does not exist in the repo checkout.

Only checked when the repo root is known (a repo from auditor.toml, or a ``workplans/``
directory whose parent is a git checkout). URLs, ``KEY=value`` settings, ``~/`` and absolute
paths, globs and ids are not paths.

PASS::

    `docs/runbook.md` documents the fallback-first posture.    (the file exists)

FAIL::

    `docs/runbok.md` documents ...                              (no such file)
"""

from __future__ import annotations

import os
from pathlib import Path
from collections.abc import Iterator

from auditor.model import Severity, Workplan
from auditor.rules.base import Context, Hit

CODE = "WP031"
SEVERITY = Severity.warning
SCOPE = "workplan"
SUMMARY = "back-ticked repo path does not exist in the checkout"
CACHEABLE = False
"""The checkout changes without the workplan changing: looked up on every check."""


def check(workplan: Workplan, ctx: Context) -> Iterator[Hit]:
    if not workplan.repo_root:
        return
    root = Path(workplan.repo_root)
    for reference in workplan.references:
        # os.path.exists, not Path.exists: a name too long for the file system is simply absent;
        # os.path.join, not Path /: this runs for every path of every file on every check.
        if reference.kind == "path" and not os.path.exists(os.path.join(workplan.repo_root, reference.value)):
            yield Hit(
                workplan,
                f"'{reference.value}' does not exist in {root.name}",
                reference.line,
                reference.column,
                task_id=reference.task_id,
            )
