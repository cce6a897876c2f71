"""A verdict as plain text lines, from its JSON form (``Verdict.model_dump(mode="json")``).

The text report prints these under each verdict's headline; ``auditor explain`` prints them
with provenance (every file, line, event id and note) and the whole slot table. No colour is
decided here: callers style the lines as their console allows.
"""

from __future__ import annotations

from typing import Any

REPORT_SLOTS = 14
"""Slots the text report shows per slot table (the latest); ``auditor explain`` shows all."""
INDENT = "    "


def verdict_lines(verdict: dict[str, Any], *, provenance: bool = False, max_slots: int | None = REPORT_SLOTS) -> list[str]:
    """Every check with its result, what is missing, and the slot tables; then what it unblocks."""
    lines: list[str] = []
    for check in verdict["checks"]:
        lines += _check_lines(check, "", provenance, max_slots)
    if verdict["unblocks"]:
        lines.append("unblocks: " + ", ".join(verdict["unblocks"]))
    return lines


def _check_lines(check: dict[str, Any], indent: str, provenance: bool, max_slots: int | None) -> list[str]:
    lines = [f"{indent}[{check['result']}] {check['kind']} (line {check['line']}): {check['detail']}"]
    inner = indent + INDENT
    if "checks" in check:  # all / any: the nested checks say what they miss
        for child in check["checks"]:
            lines += _check_lines(child, inner, provenance, max_slots)
        return lines
    lines += [f"{inner}missing: {item}" for item in check["missing"]]
    if provenance:
        lines += [f"{inner}evidence: {reference(ref)}" for ref in check["evidence"]]
    if "slots" in check:
        lines += [inner + line for line in slot_table(check, provenance, max_slots)]
    return lines


def slot_table(check: dict[str, Any], provenance: bool = False, max_slots: int | None = REPORT_SLOTS) -> list[str]:
    """The slot table of a ``consecutive_runs`` check, aligned in columns, then its streak.

    With ``max_slots`` (the report), runs of missed slots fold into one row and only the
    latest rows are kept; without it (explain), every slot has its row.
    """
    slots = check["slots"]
    streak = check["streak"]
    tail = f"streak: longest {streak['longest']}, current {streak['current']}, needed {streak['needed']}"
    engine = f"slots: {check.get('slot_engine', 'local')}"
    if check.get("slot_window"):
        engine += " from {} to {} (local rules outside)".format(*check["slot_window"])
    if not slots:
        return [engine, "no expected slot yet", tail]
    groups = [[slot] for slot in slots] if max_slots is None else _fold_missed(slots)
    shown = groups if max_slots is None or len(groups) <= max_slots else groups[-max_slots:]
    header = ["date", "state", *slots[0]["sources"]]
    rows = [header] + [_row(group) for group in shown]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = [engine]
    if len(shown) < len(groups):
        hidden = sum(len(group) for group in groups[: len(groups) - len(shown)])
        lines.append(f"({hidden} earlier slots not shown; auditor explain shows all)")
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if provenance and index:
            (slot,) = shown[index - 1]
            lines += [INDENT + line for line in slot_provenance(slot)]
    lines.append(tail)
    return lines


def slot_provenance(slot: dict[str, Any]) -> list[str]:
    """A slot's problems, then every record it was judged on (``evidence: ...``)."""
    refs = [ref for run in slot["runs"] for ref in run["evidence"]] + slot["evidence"]
    return [*slot["problems"], *(f"evidence: {reference(ref)}" for ref in refs)]


FOLDED_MISSED = 3
"""Missed slots in a row (with the same source states) that the report shows as one row."""


def _fold_missed(slots: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Runs of missed slots whose sources say the same, as one group each; other slots alone."""
    groups: list[list[dict[str, Any]]] = []
    for slot in slots:
        previous = groups[-1][-1] if groups else None
        if previous and slot["state"] == previous["state"] == "missed" and slot["sources"] == previous["sources"]:
            groups[-1].append(slot)
        else:
            groups.append([slot])
    return [part for group in groups for part in ([group] if len(group) >= FOLDED_MISSED else [[slot] for slot in group])]


def _row(group: list[dict[str, Any]]) -> list[str]:
    first, last = group[0], group[-1]
    if len(group) == 1:
        return [first["date"], first["state"], *first["sources"].values()]
    return [f"{first['date']}..{last['date']}", f"missed x{len(group)}", *first["sources"].values()]


def reference(ref: dict[str, Any]) -> str:
    """``temporal daily_triage-2026-06-08 (temporal/x.json, event 11)``."""
    where = ref["path"] or ""
    if ref["line"] is not None:
        where += f":{ref['line']}"
    if ref["event_id"] is not None:
        where += f", event {ref['event_id']}"
    return f"{ref['source']} {ref['reference']}" + (f" ({where})" if where else "")
