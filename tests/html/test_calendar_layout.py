"""How a calendar places its cells: weeks as columns for daily slots, days as columns when a
day holds more than one; outside cells for the days in between; the provenance packed."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import re

from common.html_page import Cell, Page, State, esc

STATES = (State("clean", "clean"), State("missed", "missed"), State("outside", "outside"))


def cells_of(markup: str) -> list[tuple[str, str]]:
    return re.findall(r'<i(?: class="o")? data-date="([^"]+)" data-state="([^"]+)"></i>', markup)


def packed(page: str) -> list:
    data = re.search(r'<script type="application/octet-stream" id="cal-data">([^<]*)</script>', page).group(1)
    return json.loads(gzip.decompress(base64.b64decode(data)))


def test_daily_slots_fill_weeks_monday_to_sunday() -> None:
    page = Page("t", STATES)
    wednesday = dt.date(2026, 6, 10)
    markup = page.calendar("c", [Cell(wednesday + dt.timedelta(days=n), "clean", [f"slot {n}"]) for n in range(6)])
    cells = cells_of(markup)
    assert len(cells) == 14 and 'data-rows="7"' in markup
    assert cells[0] == ("2026-06-08", "outside") and cells[2] == ("2026-06-10", "clean")
    assert cells[7:] == [(f"2026-06-{day}", "clean") for day in range(15, 16)] + [(f"2026-06-{day}", "outside") for day in range(16, 22)]
    assert markup.count("<div role=\"row\"") == 2 and 'data-month="Jun 2026"' in markup
    assert packed(page.render(markup)) == [[None, None, ["slot 0"], ["slot 1"], ["slot 2"], ["slot 3"], ["slot 4"], ["slot 5"], *[None] * 6]]


def test_a_day_with_two_slots_makes_days_the_columns() -> None:
    page = Page("t", STATES)
    day = dt.date(2026, 6, 10)
    markup = page.calendar("c", [Cell(day, "clean", []), Cell(day, "missed", []), Cell(day + dt.timedelta(days=2), "clean", [])])
    assert 'data-rows="2"' in markup and "weekdays" not in markup
    assert cells_of(markup) == [
        ("2026-06-10", "clean"), ("2026-06-10", "missed"), ("2026-06-11", "outside"), ("2026-06-11", "outside"),
        ("2026-06-12", "clean"), ("2026-06-12", "outside"),
    ]


def test_a_span_widens_the_calendar_and_an_empty_one_says_so() -> None:
    page = Page("t", STATES)
    markup = page.calendar("c", [], span=(dt.date(2026, 6, 1), dt.date(2026, 6, 7)))
    assert cells_of(markup) == [(f"2026-06-0{day}", "outside") for day in range(1, 8)]
    assert "nothing here" in page.calendar("c", [], empty="nothing here")


def test_outlined_cells_and_escaped_captions() -> None:
    page = Page("<t>", STATES, outline_label="</script><b>")
    markup = page.calendar('<b a="1">', [Cell(dt.date(2026, 6, 8), "clean", ["</script>"], outlined=True)])
    assert '<i class="o" data-date="2026-06-08" data-state="clean"></i>' in markup
    assert '<b a="1">' not in markup and esc('<b a="1">') in markup
    rendered = page.render(markup)
    assert "<title>&lt;t&gt;</title>" in rendered
    labels = rendered.split('id="cal-labels">')[1].split("</script>")[0]
    assert json.loads(labels)["outline"] == "</script><b>"
