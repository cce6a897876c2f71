"""Self-contained HTML pages with slot calendars: what the auditor's and the scheduler's HTML
reports share.

A page is one file: its CSS and script are inline (allowed by hash in a Content-Security-Policy
that forbids every request), and what a calendar cell shows on focus travels with it as
gzip-compressed JSON. Every text put into markup goes through :func:`esc`; the script writes
provenance with ``textContent`` only, so no value from a workplan or a store becomes markup.

A calendar lays cells out GitHub-contribution style, weeks as columns and weekdays as rows,
when no day holds more than one cell; otherwise each day is a column and its cells are rows.
Days without a cell in the span are ``outside`` cells.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files

OUTSIDE = "outside"
WEEK = 7
WEEKDAYS = '<div class="weekdays" aria-hidden="true">' + "".join(f"<span>{day}</span>" for day in ("Mon", "", "Wed", "", "Fri", "", "Sun")) + "</div>"


def esc(value: object) -> str:
    """Text safe in element content and in double-quoted attribute values."""
    return html.escape(str(value), quote=True)


@dataclass(frozen=True)
class State:
    """A cell state as the legend names it; the page styles ``[data-state=name]``."""

    name: str
    label: str


@dataclass(frozen=True)
class Cell:
    day: dt.date
    state: str
    detail: list[str]
    """What focusing the cell shows, one line each: its provenance."""
    outlined: bool = False
    """In the outlined streak."""


@dataclass
class Page:
    """One report page: calendars are added while the body is built, then :meth:`render`."""

    title: str
    states: Sequence[State]
    outline_label: str = ""
    """What the outlined cells of a calendar are, for the legend and the cell labels."""
    _details: list[list[list[str] | None]] = field(default_factory=list, init=False, repr=False)

    def legend(self) -> str:
        items = "".join(f'<li><i data-state="{esc(s.name)}"></i> {esc(s.label)}</li>' for s in self.states)
        if self.outline_label:
            items += f'<li><i class="o" data-state="{OUTSIDE}"></i> {esc(self.outline_label)}</li>'
        return f'<ul class="legend" aria-label="Legend">{items}</ul>'

    def calendar(self, caption: str, cells: Iterable[Cell], span: tuple[dt.date, dt.date] | None = None, empty: str = "") -> str:
        """A calendar of ``cells`` (one per slot or run) with its legend and provenance panel;
        ``span`` (first and last day) widens it to days without cells; ``empty`` is said when
        there is no day to show."""
        placed, rows = _layout(sorted(cells, key=lambda cell: cell.day), span)
        index = len(self._details)
        self._details.append([cell.detail if cell else None for _, cell in placed])
        if not placed:
            return f'<figure class="calendar"><figcaption>{esc(caption)}</figcaption><p>{esc(empty)}</p></figure>'
        columns = [WEEKDAYS] if rows == WEEK else []
        month = None
        for start in range(0, len(placed), rows):
            column = "".join(_cell_markup(day, cell) for day, cell in placed[start : start + rows])
            first_day = placed[start][0]
            label = f' data-month="{first_day:%b %Y}"' if (first_day.year, first_day.month) != month else ""
            month = (first_day.year, first_day.month)
            columns.append(f'<div role="row"{label}>{column}</div>')
        return (
            f'<figure class="calendar"><figcaption>{esc(caption)}</figcaption>{self.legend()}'
            f'<div class="cal" role="grid" data-cal="{index}" data-rows="{rows}" aria-label="{esc(caption)}"'
            f'>{"".join(columns)}</div>'
            f'<div class="prov" aria-live="polite"><p>Focus or hover over a cell to see its provenance; arrow keys move between cells.</p></div>'
            "</figure>"
        )

    def render(self, body: str) -> str:
        style, script = _asset("html_page.css"), _asset("html_page.js")
        policy = (
            "default-src 'none'; base-uri 'none'; form-action 'none'; "
            f"style-src '{_digest(style)}'; script-src '{_digest(script)}'"
        )
        labels = {"labels": {state.name: state.label for state in self.states}, "outline": self.outline_label}
        details = json.dumps(self._details, separators=(",", ":")).encode("utf-8")
        packed = base64.b64encode(gzip.compress(details, mtime=0)).decode("ascii")
        return (
            "<!DOCTYPE html>\n"
            f'<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{esc(policy)}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(self.title)}</title><style>{style}</style></head>"
            f'<body><main>{body}</main>'
            f'<script type="application/json" id="cal-labels">{_script_json(labels)}</script>'
            f'<script type="application/octet-stream" id="cal-data">{packed}</script>'
            f"<script>{script}</script></body></html>\n"
        )


def _layout(cells: list[Cell], span: tuple[dt.date, dt.date] | None) -> tuple[list[tuple[dt.date, Cell | None]], int]:
    """The cells in column order, ``None`` for an outside position, and the column height."""
    days = [cell.day for cell in cells] + list(span or ())
    if not days:
        return [], WEEK
    by_day: dict[dt.date, list[Cell]] = {}
    for cell in cells:
        by_day.setdefault(cell.day, []).append(cell)
    first, last = min(days), max(days)
    per_day = max((len(day_cells) for day_cells in by_day.values()), default=1)
    rows = per_day
    if per_day == 1:  # weeks as columns, from the Monday before the first cell to the Sunday after the last
        rows, first = WEEK, first - dt.timedelta(days=first.weekday())
        last += dt.timedelta(days=WEEK - 1 - last.weekday())
    placed: list[tuple[dt.date, Cell | None]] = []
    day = first
    while day <= last:
        day_cells = by_day.get(day, [])
        placed += [(day, cell) for cell in day_cells] + [(day, None)] * (per_day - len(day_cells))
        day += dt.timedelta(days=1)
    return placed, rows


def _cell_markup(day: dt.date, cell: Cell | None) -> str:
    state = cell.state if cell else OUTSIDE
    outlined = ' class="o"' if cell and cell.outlined else ""
    return f'<i{outlined} data-date="{day.isoformat()}" data-state="{esc(state)}"></i>'


def _script_json(value: object) -> str:
    """JSON that cannot end its ``<script>`` element early."""
    return json.dumps(value).replace("<", "\\u003c")


def _asset(name: str) -> str:
    return files("common").joinpath(name).read_text(encoding="utf-8")


def _digest(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
