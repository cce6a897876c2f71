"""The HTML report of the bundled example, read from the DOM of a real headless Chromium."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.html.conftest import non_blank, save_screenshot

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-06-20"
READY_BUNDLE = "workplans/activity-core/evidence-ready"
T01, T02 = "ACTIVITY-WP-0009-T01", "ACTIVITY-WP-0009-T02"


def auditor(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "auditor", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module", params=["evidence", "evidence-ready"])
def example(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, dict]:
    """(bundle name, the HTML report, the JSON report) of the bundled example with that bundle."""
    bundle = ["--evidence", f"workplans/activity-core/{request.param}"]
    page = tmp_path_factory.mktemp("report") / "report.html"
    written = auditor("check", "activity-core", "--today", TODAY, *bundle, "--format", "html", "--output", str(page))
    assert written.returncode == 0, written.stderr
    as_json = auditor("check", "activity-core", "--today", TODAY, *bundle, "--format", "json")
    return request.param, page, json.loads(as_json.stdout)


def cells_of(driver, task_id: str) -> list[dict]:
    return driver.execute_script(
        """return Array.from(document.querySelectorAll(`[data-task-id="${arguments[0]}"] .cal [data-date]`)).map((c) => ({
             date: c.dataset.date, state: c.dataset.state, outlined: c.classList.contains('o'),
             label: c.getAttribute('aria-label'), role: c.getAttribute('role'), tabindex: c.getAttribute('tabindex')}))""",
        task_id,
    )


def test_tasks_and_verdicts_are_read_from_the_rendered_page(open_page, example) -> None:
    bundle, page, report = example
    opened = open_page(page)
    tasks = opened.driver.execute_script(
        "return Object.fromEntries(Array.from(document.querySelectorAll('[data-task-id]')).map((t) => [t.dataset.taskId, t.dataset.verdict]))"
    )
    expected = {"ready": "ready"} if bundle == "evidence-ready" else {"ready": "not_ready"}
    assert tasks[T01] == tasks[T02] == expected["ready"]
    listed = {task["id"]: "none" for workplan in report["workplans"] for task in workplan["tasks"]}
    listed |= {verdict["task_id"]: verdict["verdict"] for verdict in report["verdicts"]}
    assert tasks == listed
    assert len(tasks) == report["summary"]["tasks"] == 11
    waits = opened.driver.execute_script(
        f"return Array.from(document.querySelectorAll('[data-task-id=\"{T02}\"] > ul > li')).map((li) => li.textContent)"
    )
    if bundle == "evidence-ready":
        assert waits == [], "a ready task waits for nothing, though one check of its passing any: is unknown"
    else:
        assert any("duplicate handling" in item for item in waits)


def test_cells_carry_the_slot_states_and_the_streak_is_outlined(open_page, example) -> None:
    bundle, page, report = example
    cells = cells_of(open_page(page).driver, T01)
    slots = {cell["date"]: cell["state"] for cell in cells if cell["state"] != "outside"}
    (check,) = [check for verdict in report["verdicts"] for check in verdict["checks"] if verdict["task_id"] == T01 and "slots" in check]
    assert slots == {slot["date"]: slot["state"] for slot in check["slots"]}
    if bundle == "evidence":
        assert [slots[day] for day in ("2026-06-08", "2026-06-09", "2026-06-10", "2026-06-11", "2026-06-12")] == [
            "clean", "unclean", "clean", "unclean", "missed"]
        assert [cell["date"] for cell in cells if cell["outlined"]] == ["2026-06-08", "2026-06-09", "2026-06-10"]
    else:
        assert [cell["date"] for cell in cells if cell["outlined"]] == ["2026-06-08", "2026-06-09", "2026-06-10"]
        assert all(slots[day] == "clean" for day in ("2026-06-08", "2026-06-09", "2026-06-10"))
    # weeks as columns: June 8 2026 is a Monday, the 20th a Saturday, so the 21st pads the last week
    assert cells[0]["date"] == "2026-06-08" and cells[-1] == {**cells[-1], "date": "2026-06-21", "state": "outside"}
    assert len(cells) % 7 == 0
    for cell in cells:
        assert cell["role"] == "gridcell" and cell["label"].startswith(f"{cell['date']}: ")
        assert cell["state"].split("_")[0] in cell["label"] or cell["state"] == "outside"
    assert [cell["tabindex"] for cell in cells].count("0") == 1, "one tab stop per calendar"


def test_no_request_leaves_the_page(open_page, example) -> None:
    _, page, _ = example
    opened = open_page(page)
    driver = opened.driver
    assert opened.requests() == [opened.url]
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
    policy = driver.execute_script("return document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
    assert policy.startswith("default-src 'none'")
    assert driver.get_log("browser") == [], "no error, no blocked script or style"
    assert driver.execute_script("return document.documentElement.dataset.ready") == "true"


def test_focusing_a_cell_shows_the_provenance_explain_prints(open_page, example) -> None:
    bundle, page, _ = example
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    driver = open_page(page).driver
    cell = driver.find_element("css selector", f'[data-task-id="{T01}"] .cal [data-date="2026-06-09"]')
    driver.execute_script("arguments[0].focus()", cell)
    panel = driver.find_element("css selector", f'[data-task-id="{T01}"] .prov')
    WebDriverWait(driver, 10).until(lambda _: panel.get_attribute("data-date") == "2026-06-09")
    lines = driver.execute_script("return Array.from(arguments[0].querySelectorAll('li')).map((li) => li.textContent)", panel)
    explained = auditor("explain", T01, "activity-core", "--today", TODAY, "--evidence", f"workplans/activity-core/{bundle}").stdout
    history = "temporal/daily_triage-2026-06-09T04-00-00Z.json, event 11"
    assert any(history in line for line in lines)
    assert any(line.startswith("evidence: notes daily-triage-2026-06-09") for line in lines)
    provenance = [line for line in lines if not line.startswith(("slot start", "sources:"))]
    assert provenance and all(line in explained for line in provenance)
    # the arrow keys move a week (a column) and a day (a row)
    cell.send_keys(Keys.ARROW_RIGHT)
    assert driver.switch_to.active_element.get_attribute("data-date") == "2026-06-16"
    driver.switch_to.active_element.send_keys(Keys.ARROW_UP)
    assert driver.switch_to.active_element.get_attribute("data-date") == "2026-06-15"
    assert panel.get_attribute("data-date") == "2026-06-15"
    # hovering shows a cell as focusing does
    from selenium.webdriver.common.action_chains import ActionChains

    hovered = driver.find_element("css selector", f'[data-task-id="{T01}"] .cal [data-date="2026-06-11"]')
    ActionChains(driver).move_to_element(hovered).perform()
    WebDriverWait(driver, 10).until(lambda _: panel.get_attribute("data-date") == "2026-06-11")
    assert panel.get_attribute("data-state") == ("unclean" if bundle == "evidence" else "missed")


def test_findings_link_their_rule(open_page, example) -> None:
    bundle, page, report = example
    driver = open_page(page).driver
    findings = driver.execute_script(
        """return Array.from(document.querySelectorAll('[data-code]')).map((f) => [f.dataset.code, f.dataset.path,
             Number(f.dataset.line), f.querySelector('a').getAttribute('href')])"""
    )
    assert findings == [
        [finding["code"], finding["path"], finding["line"], f"docs/rules.md#{finding['code'].lower()}"] for finding in report["findings"]
    ]
    if bundle == "evidence-ready":
        assert [finding[0] for finding in findings] == ["WP041", "WP041"]
    headings = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert all(f"\n## {finding[0]}\n" in headings for finding in findings)


def test_a_screenshot_of_each_example_is_kept(open_page, example) -> None:
    bundle, page, _ = example
    driver = open_page(page).driver
    shot = save_screenshot(driver, f"report-activity-core-{bundle}")
    assert non_blank(shot)


def test_dark_when_the_system_is_dark(open_page, example) -> None:
    _, page, _ = example
    driver = open_page(page).driver
    background = "return getComputedStyle(document.body).backgroundColor"
    light = driver.execute_script(background)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    try:
        assert driver.execute_script(background) != light
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_each_calendar_is_one_tab_stop(open_page, example) -> None:
    _, page, _ = example
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    driver = open_page(page).driver
    for _ in range(10):  # past the evidence list a passing check shows before its calendar
        ActionChains(driver).send_keys(Keys.TAB).perform()
        active = driver.switch_to.active_element
        if active.get_attribute("role") == "gridcell":
            break
    assert active.get_attribute("role") == "gridcell" and active.get_attribute("data-date") == "2026-06-08"
    assert driver.find_element("css selector", f'[data-task-id="{T01}"] .prov').get_attribute("data-date") == "2026-06-08"
    ActionChains(driver).send_keys(Keys.TAB).perform()
    assert driver.switch_to.active_element.get_attribute("role") != "gridcell", "Tab leaves the calendar, the arrows move in it"
