"""`scheduler report --html`: per activity a calendar of its runs by outcome, read in Chromium."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from selenium.webdriver.support.ui import WebDriverWait

from tests.html.conftest import non_blank, save_screenshot
from tests.scheduler.conftest import cli, workspace  # noqa: F401  (fixtures)
from tests.scheduler.support import Workspace, activity

FAILING = """
import os, sys
day = os.environ["SCHEDULER_SCHEDULED_FOR"][:10]
print("ranked <b>three</b> items")
if day == sys.argv[1]:
    sys.exit("source <script>window.__pwned=1</script> unavailable")
"""


def days_ago(count: int) -> date:
    return datetime.now(UTC).date() - timedelta(days=count)


def recorded(workspace: Workspace, cli) -> Path:  # noqa: F811
    """Five days of daily_triage: success, success, failed, missed, success; then a manual run."""
    failing_day = days_ago(3).isoformat()
    triage = activity("daily_triage", command=[sys.executable, "-c", FAILING, failing_day])
    workspace.write(triage)
    for back in (5, 4, 3, 1):
        result = cli("tick", "--config", workspace.config, "--now", f"{days_ago(back)}T09:00:05Z")
        assert result.exit_code in (0, 1), result.stderr
    assert cli("trigger", "daily_triage", "--config", workspace.config).exit_code == 0
    workspace.write(triage, activity("idle"))  # defined after the runs: it never ran
    page = workspace.root / "out" / "runs.html"
    result = cli("report", "--html", page, "--days", "10", "--config", workspace.config)
    assert result.exit_code == 0, result.stderr
    return page


def test_each_run_is_a_cell_by_outcome(workspace: Workspace, cli, open_page) -> None:  # noqa: F811
    page = recorded(workspace, cli)
    opened = open_page(page)
    driver = opened.driver
    states = driver.execute_script(
        """return Array.from(document.querySelectorAll('[data-activity="daily_triage"] .cal [data-date]'))
             .filter((c) => c.dataset.state !== 'outside').map((c) => [c.dataset.date, c.dataset.state])"""
    )
    today = datetime.now(UTC).date()
    assert states == [
        [days_ago(5).isoformat(), "success"], [days_ago(4).isoformat(), "success"], [days_ago(3).isoformat(), "failed"],
        [days_ago(2).isoformat(), "missed"], [days_ago(1).isoformat(), "success"], [today.isoformat(), "manual"],
    ]
    idle = driver.execute_script("return Array.from(document.querySelectorAll('[data-activity=\"idle\"] .cal [data-date]')).map((c) => c.dataset.state)")
    assert idle and set(idle) == {"outside"}, "an activity without runs shows its window, every day outside"
    dates = driver.execute_script("return Array.from(document.querySelectorAll('[data-activity=\"idle\"] .cal [data-date]')).map((c) => c.dataset.date)")
    assert (today - timedelta(days=9)).isoformat() in dates and today.isoformat() in dates
    assert opened.requests() == [opened.url]
    assert driver.get_log("browser") == []
    assert non_blank(save_screenshot(driver, "scheduler-report"))


def test_focusing_a_failed_run_shows_its_output_tail(workspace: Workspace, cli, open_page) -> None:  # noqa: F811
    driver = open_page(recorded(workspace, cli)).driver
    panel = driver.find_element("css selector", '[data-activity="daily_triage"] .prov')

    def focus(day: date) -> str:
        driver.execute_script(f"document.querySelector('[data-activity=\"daily_triage\"] .cal [data-date=\"{day}\"]').focus()")
        WebDriverWait(driver, 10).until(lambda _: panel.get_attribute("data-date") == day.isoformat())
        return panel.text

    failed = focus(days_ago(3))
    assert "stderr tail:\nsource <script>window.__pwned=1</script> unavailable" in failed
    assert "stdout tail:\nranked <b>three</b> items" in failed
    assert f"workflow daily_triage-{days_ago(3)}T09:00:00Z" in failed
    assert "tail:" not in focus(days_ago(4)), "a success shows no output"
    assert driver.execute_script("return window.__pwned") is None


def test_days_are_bounded_a_bad_file_is_refused_and_an_empty_store_still_renders(workspace: Workspace, cli) -> None:  # noqa: F811
    workspace.write(activity("daily_triage"))
    page = workspace.root / "runs.html"
    for days in ("0", "3661"):
        refused = cli("report", "--html", page, "--days", days, "--config", workspace.config)
        assert refused.exit_code == 2 and "--days" in refused.stderr and not page.exists()
    (workspace.root / "a-directory").mkdir()
    unwritable = cli("report", "--html", workspace.root / "a-directory", "--config", workspace.config)
    assert unwritable.exit_code == 2 and "cannot write" in unwritable.stderr
    assert [path.name for path in (workspace.root).iterdir() if path.name.endswith(".tmp")] == []
    assert cli("report", "--html", page, "--config", workspace.config).exit_code == 0
    assert 'data-activity="daily_triage"' in page.read_text(encoding="utf-8")
