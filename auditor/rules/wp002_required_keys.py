"""WP002 — a required frontmatter key is missing or has the wrong type.

Required: ``id``, ``type`` (must be ``workplan``), ``title``, ``status``, ``repo`` (strings),
``created`` and ``updated`` (ISO dates, quoted or not).

PASS::

    id: ACTIVITY-WP-0009
    type: workplan
    title: "Intent gap closure"
    repo: activity-core
    status: blocked
    created: "2026-06-16"
    updated: 2026-06-18

FAIL::

    title: [Intent, gap]          (a list, not a string)
    type: note                    (not "workplan")
    (no "repo" key)
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.model import Severity, Workplan
from auditor.rules.base import Context, Hit
from auditor.parse.values import as_date

CODE = "WP002"
SEVERITY = Severity.error
SCOPE = "workplan"
SUMMARY = "required frontmatter key missing or of the wrong type"

TEXT_KEYS = ("id", "type", "title", "status", "repo")
DATE_KEYS = ("created", "updated")


def check(workplan: Workplan, ctx: Context) -> Iterator[Hit]:
    if not workplan.has_frontmatter or not workplan.frontmatter:
        return  # WP001 already says the frontmatter is missing or unreadable
    meta = workplan.frontmatter
    for key in (*TEXT_KEYS, *DATE_KEYS):
        if key not in meta:
            yield Hit(workplan, f"required key '{key}' is missing", workplan.frontmatter_line)
    for key in TEXT_KEYS:
        if key in meta and (not isinstance(meta[key], str) or not meta[key].strip()):
            yield Hit(workplan, f"'{key}' must be a non-empty string, not {_shown(meta[key])}", workplan.line_of(key))
    if isinstance(meta.get("type"), str) and meta["type"] != "workplan":
        yield Hit(workplan, f"'type' must be 'workplan', not '{meta['type']}'", workplan.line_of("type"))
    for key in DATE_KEYS:
        if key in meta and not isinstance(meta[key], str) and as_date(meta[key]) is None:
            yield Hit(workplan, f"'{key}' must be an ISO date, not {_shown(meta[key])}", workplan.line_of(key))


def _shown(value: object) -> str:
    return "an empty value" if value is None or value == "" else f"{type(value).__name__} {value!r}"[:80]
