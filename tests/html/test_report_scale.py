"""10 checks x 1,000 slots: the page stays under 2 MB and opens in the browser (a generous
bound here; bench/html_report.py prints the figure beside its 2 s floor)."""

from __future__ import annotations

import importlib.util
import re
import time
from pathlib import Path

from auditor.report.html_format import render

ROOT = Path(__file__).resolve().parents[2]
SIZE_FLOOR = 2_000_000
GENEROUS_OPEN_SECONDS = 20.0


def bench_module():
    spec = importlib.util.spec_from_file_location("html_report_bench", ROOT / "bench" / "html_report.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ten_thousand_slots_stay_small_and_open_quickly(tmp_path: Path, open_page) -> None:
    page = tmp_path / "large.html"
    page.write_text(render(bench_module().large_report(checks=10, slots=1000)), encoding="utf-8")
    assert page.stat().st_size < SIZE_FLOOR
    started = time.perf_counter()
    opened = open_page(page)
    assert time.perf_counter() - started < GENEROUS_OPEN_SECONDS
    driver = opened.driver
    counts = driver.execute_script(
        """return [document.querySelectorAll('.cal').length,
                   document.querySelectorAll('.cal [data-date]:not([data-state=outside])').length,
                   document.querySelectorAll('.cal [aria-label]').length, document.querySelectorAll('.cal [data-date]').length]"""
    )
    assert counts[:2] == [10, 10_000] and counts[2] == counts[3]
    last = driver.find_element("css selector", '[data-task-id="ACTIVITY-WP-0100-T10"] .cal [data-date="2025-09-27"]')
    driver.execute_script("arguments[0].focus()", last)
    assert "activity_09-2025-09-27T04-00-00Z.json, event 11" in driver.find_element("css selector", '[data-task-id="ACTIVITY-WP-0100-T10"] .prov').text


def test_the_outline_is_the_window_the_verdict_names() -> None:
    report = bench_module().large_report(checks=1, slots=40)
    page = render(report)
    outlined = re.findall(r'<i class="o" data-date="([^"]+)"', page)
    slots = report.verdicts[0].checks[0].slots  # type: ignore[attr-defined]
    clean = [slot.state == "clean" for slot in slots]
    latest = max(start for start in range(len(slots) - 2) if all(clean[start : start + 3]))
    assert outlined == [slot.date for slot in slots[latest : latest + 3]]
    assert latest > 0
