"""Size and opening time of the HTML report with many slots, beside the floors.

    python bench/html_report.py [--checks 10] [--slots 1000]

Builds a report with ``checks`` tasks, each with one ``consecutive_runs`` check of ``slots``
daily slots (clean, unclean and missed slots with the provenance the judge writes: a history,
a run row, a progress record and a note each), renders it with ``--format html``, and opens it
in Debian's headless Chromium. Prints the page size beside its floor (under 2 MB) and the time
from navigation until the page's script has run and read the provenance (under 2 s).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from auditor.evidence.model import RunsResult, Verdict
from auditor.model import TaskSummary, WorkplanSummary
from auditor.report.html_format import render
from auditor.report.model import CheckReport, build_report

SIZE_FLOOR = 2_000_000
OPEN_FLOOR = 2.0
BUNDLE = "workplans/activity-core/evidence"
WORKPLAN = "workplans/activity-core/ACTIVITY-WP-0100-bench.md"
FIRST_DAY = dt.date(2023, 1, 2)


def _slot(activity: str, day: dt.date, number: int) -> dict:
    workflow = f"{activity}-{day}T04:00:00Z"
    state = "missed" if number % 11 == 5 else "unclean" if number % 7 == 3 else "clean"
    history = f"{BUNDLE}/temporal/{activity}-{day}T04-00-00Z.json"
    runs = [] if state == "missed" else [{
        "workflow_id": workflow, "run_id": f"0197{number:012d}-7000-8000-{number:012d}",
        "history": "failed" if state == "unclean" else "completed", "run_row": "success", "activity_failures": 0,
        "evidence": [
            {"source": "temporal", "reference": workflow, "path": history, "line": None, "event_id": 11},
            {"source": "activity_runs", "reference": f"run-{day}-s", "path": f"{BUNDLE}/activity_runs.jsonl", "line": number, "event_id": None},
        ],
    }]
    problems = {"missed": ["no scheduled run"], "unclean": [f"{workflow}: history ends failed ({history} event 11)"]}.get(state, [])
    return {
        "date": day.isoformat(), "start": f"{day}T04:00:00+00:00", "state": state,
        "sources": {"history": runs[0]["history"] if runs else "no run", "run_row": "success" if runs else "no run", "progress": "done", "note": "present"},
        "runs": runs, "problems": problems,
        "evidence": [
            {"source": "state_hub.progress", "reference": f"{activity} {day}", "path": f"{BUNDLE}/state_hub/progress.jsonl", "line": number, "event_id": None},
            {"source": "notes", "reference": f"{activity.replace('_', '-')}-{day}", "path": f"{BUNDLE}/notes/{activity.replace('_', '-')}-{day}.md", "line": None, "event_id": None},
        ],
    }


def large_report(checks: int = 10, slots: int = 1000) -> CheckReport:
    """A report of ``checks`` tasks with one ``consecutive_runs`` check of ``slots`` daily slots each."""
    tasks, verdicts = [], []
    for index in range(checks):
        task_id, activity = f"ACTIVITY-WP-0100-T{index + 1:02d}", f"activity_{index:02d}"
        table = [_slot(activity, FIRST_DAY + dt.timedelta(days=day), day + 1) for day in range(slots)]
        check = RunsResult.model_validate({
            "kind": "consecutive_runs", "line": 10 + index * 20, "result": "fail", "detail": f"{slots} slots",
            "missing": [f"3 consecutive clean scheduled {activity} slots"], "slots": table,
            "streak": {"needed": 3, "longest": 2, "current": 0},
        })
        tasks.append(TaskSummary(id=task_id, status="wait", priority="high", line=5 + index * 20, id_line=6 + index * 20, depends_on_line=0))
        verdicts.append(Verdict(task_id=task_id, task_status="wait", verdict="not_ready", checks=[check], unblocks=[],
                                workplan_id="ACTIVITY-WP-0100", repo="activity-core", path=WORKPLAN, line=9 + index * 20))
    workplan = WorkplanSummary(path=WORKPLAN, id="ACTIVITY-WP-0100", status="active", repo="activity-core", tasks=tasks, id_line=2, status_line=3)
    return build_report([workplan], [], verdicts)


def open_seconds(page: Path, repeats: int = 3) -> list[float]:
    """Seconds from asking headless Chromium for the page until its script has read the
    provenance, once per repeat (the first with a fresh profile)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as profile:
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}"):
            options.add_argument(flag)
        driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
        try:
            timings = []
            for _ in range(repeats):
                started = time.perf_counter()
                driver.get(page.resolve().as_uri())
                WebDriverWait(driver, 60, poll_frequency=0.01).until(lambda d: d.execute_script("return document.documentElement.dataset.ready"))
                timings.append(time.perf_counter() - started)
            return timings
        finally:
            driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=10)
    parser.add_argument("--slots", type=int, default=1000)
    args = parser.parse_args()
    report = large_report(args.checks, args.slots)
    started = time.perf_counter()
    text = render(report)
    rendered = time.perf_counter() - started
    started = time.perf_counter()
    report.to_json()
    as_json = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as directory:
        page = Path(directory) / "report.html"
        page.write_text(text, encoding="utf-8")
        size = page.stat().st_size
        timings = open_seconds(page)
    print(f"{args.checks} checks x {args.slots} slots")
    print(f"page size        {size / 1e6:6.2f} MB   floor {SIZE_FLOOR / 1e6:.2f} MB")
    print(f"open in browser  {statistics.median(timings):6.2f} s    floor {OPEN_FLOOR:.2f} s   (median of {len(timings)}; each: {', '.join(f'{t:.2f}' for t in timings)})")
    print(f"render html      {rendered:6.2f} s    (the JSON report of the same data: {as_json:.2f} s)")

if __name__ == "__main__":
    main()
