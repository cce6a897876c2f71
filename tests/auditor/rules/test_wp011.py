"""WP011: a task id that is not '<workplan id>-T<two or more digits>' (and a malformed workplan id)."""

from __future__ import annotations

import pytest

from auditor.model import Severity
from tests.auditor.helpers import CLEAN, assert_clean, assert_defect, variant

T02_ID = "id: DEMO-WP-0001-T02\n"


@pytest.mark.parametrize("task_id", ["DEMO-WP-0001-T2", "DEMO-WP-0002-T02", "T02", "DEMO-WP-0001-02", "DEMO-WP-0001-T02a"])
def test_a_malformed_task_id_is_reported_at_its_line(task_id):
    text = variant(CLEAN, T02_ID, f"id: {task_id}\n")
    fragment = f"task id '{task_id}' is not 'DEMO-WP-0001-T<nn>'"
    assert_defect(text, "WP011", line=f"id: {task_id}", fragment=fragment, severity=Severity.error, task_id=task_id)


@pytest.mark.parametrize("workplan_id", ["DEMO-WP-1", "demo-WP-0001", "DEMO-0001"])
def test_a_malformed_workplan_id_is_reported_at_its_line(workplan_id):
    text = variant(CLEAN, "id: DEMO-WP-0001\n", f"id: {workplan_id}\n")
    fragment = f"workplan id '{workplan_id}' is not '<PREFIX>-WP-<4 digits>'"
    assert_defect(text, "WP011", line=f"id: {workplan_id}", fragment=fragment, severity=Severity.error)


@pytest.mark.parametrize("task_id", ["DEMO-WP-0001-T02", "DEMO-WP-0001-T002", "DEMO-WP-0001-T10"])
def test_a_well_formed_task_id_is_not_reported(task_id):
    assert_clean(variant(CLEAN, T02_ID, f"id: {task_id}\n"), "WP011")
