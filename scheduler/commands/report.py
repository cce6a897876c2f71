"""`scheduler report --html FILE [--days N]`: per activity a calendar of its recorded runs.

One cell per run or missed slot on the activity's local day of the slot, marked by outcome
(manual runs as manual, whatever their outcome); focusing a cell shows the run's record and,
for a run that did not succeed, the stored tails of its output. The page is the auditor's
HTML calendar page (common/html_page.py): self-contained, no request leaves it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from common.html_page import Cell, Page, State, esc
from scheduler.clock import rfc3339_seconds
from scheduler.commands import EXIT_OK, UsageError, store_of
from scheduler.config import ActivityConfig, load_config
from scheduler.store import RunRow

DEFAULT_DAYS = 90
MAX_DAYS = 3660
"""Ten years: a bound on the page's size, whatever ``--days`` asks for."""
RUN_STATES = (
    State("success", "success"),
    State("failed", "failed"),
    State("timed_out", "timed out"),
    State("cancelled", "cancelled"),
    State("running", "running"),
    State("missed", "missed: the slot was not run"),
    State("manual", "manual run"),
    State("outside", "no run recorded"),
)


def report(config_path: Path, html_path: Path, days: int = DEFAULT_DAYS) -> int:
    if not 1 <= days <= MAX_DAYS:
        raise UsageError(f"--days must be from 1 to {MAX_DAYS}, not {days}")
    loaded = load_config(config_path)
    with store_of(loaded).reader() as session:
        rows = session.runs() if session else []
    text = render(loaded.config.activity, rows, datetime.now(UTC), days)
    _replace(html_path, text)
    return EXIT_OK


def render(activities: list[ActivityConfig], rows: list[RunRow], now: datetime, days: int) -> str:
    """The page: a calendar per configured activity (then per activity only the store knows)."""
    page = Page("Scheduler runs", RUN_STATES)
    zones = {activity.name: activity.zone for activity in activities}
    names = list(zones) + sorted({row.activity for row in rows} - set(zones))
    sections = []
    for name in names:
        zone = zones.get(name, ZoneInfo("UTC"))
        last = now.astimezone(zone).date()
        first = last - timedelta(days=days - 1)
        cells = [_cell(row, zone) for row in rows if row.activity == name]
        shown = [cell for cell in cells if first <= cell.day <= last]
        caption = f"{name}: {len(shown)} runs and missed slots from {first} to {last} ({zone.key})"
        calendar = page.calendar(caption, shown, span=(first, last))
        sections.append(f'<section class="activity" data-activity="{esc(name)}"><h2>{esc(name)}</h2>{calendar}</section>')
    body = (
        f"<h1>Scheduler runs</h1><p>The last {days} days up to {rfc3339_seconds(now)}.</p>"
        + ("".join(sections) or "<p>No activity is configured and no run is recorded.</p>")
    )
    return page.render(body)


def _cell(row: RunRow, zone: ZoneInfo) -> Cell:
    state = "manual" if row.trigger == "manual" else row.status
    return Cell(day=row.scheduled_for.astimezone(zone).date(), state=state, detail=_detail(row))


def _detail(row: RunRow) -> list[str]:
    lines = [
        f"{row.status} ({row.trigger}, {row.attempts} attempt{'s' if row.attempts != 1 else ''})",
        f"scheduled for {rfc3339_seconds(row.scheduled_for)}",
        f"run {row.run_id}, workflow {row.workflow_id}" + (f", run id {row.workflow_run_id}" if row.workflow_run_id else ""),
    ]
    if row.started_at:
        lines.append(f"started {rfc3339_seconds(row.started_at)}" + (f", finished {rfc3339_seconds(row.finished_at)}" if row.finished_at else ""))
    if row.error:
        lines.append(f"error: {row.error}")
    if row.status != "success":
        lines += [f"{name} tail:\n{text}" for name, text in (("stdout", row.stdout_tail), ("stderr", row.stderr_tail)) if text]
    return lines


def _replace(path: Path, text: str) -> None:
    """Write the page whole: a reader sees the old file or the new one."""
    from common.files import replace_file

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, text.encode("utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
