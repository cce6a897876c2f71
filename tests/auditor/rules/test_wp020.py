"""WP020: the workplan status contradicts its tasks."""

from __future__ import annotations

import pytest

from auditor.model import Severity
from tests.auditor.helpers import CLEAN, T02_STATUS, assert_clean, assert_defect, variant

WORKPLAN_STATUS = "status: active\n"


def with_statuses(workplan: str, t02: str) -> str:
    return variant(variant(CLEAN, WORKPLAN_STATUS, f"status: {workplan}\n"), T02_STATUS, f"status: {t02}\n")


@pytest.mark.parametrize(
    "workplan, t02, fragment, severity",
    [
        pytest.param("done", "wait", "workplan is 'done' but tasks are still open: DEMO-WP-0001-T02 (wait)", Severity.error, id="done-with-open-task"),
        pytest.param("cancelled", "todo", "workplan is 'cancelled' but tasks are still open: DEMO-WP-0001-T02 (todo)", Severity.error, id="cancelled-with-open-task"),
        pytest.param("blocked", "in_progress", "workplan is 'blocked' but no task is in 'wait' or 'blocked'", Severity.error, id="blocked-without-waiting-task"),
        pytest.param("active", "done", "every task is done or cancelled but the workplan is still 'active'", Severity.warning, id="open-with-every-task-done"),
        pytest.param("planned", "cancelled", "every task is done or cancelled but the workplan is still 'planned'", Severity.warning, id="open-with-every-task-closed"),
    ],
)
def test_a_contradicting_status_is_reported_at_the_status_line(workplan, t02, fragment, severity):
    text = with_statuses(workplan, t02)
    assert_defect(text, "WP020", line=f"status: {workplan}", fragment=fragment, severity=severity)


@pytest.mark.parametrize(
    "workplan, t02",
    [("active", "wait"), ("blocked", "wait"), ("blocked", "blocked"), ("done", "done"), ("done", "cancelled"), ("cancelled", "cancelled")],
)
def test_a_consistent_status_is_not_reported(workplan, t02):
    assert_clean(with_statuses(workplan, t02), "WP020")


def test_a_workplan_without_tasks_is_not_reported():
    text = CLEAN.split("## Build The Thing")[0]
    assert_clean(variant(text, WORKPLAN_STATUS, "status: done\n"), "WP020")
