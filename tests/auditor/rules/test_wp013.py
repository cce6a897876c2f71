"""WP013: a State Hub id that is not a UUID, or is used twice in the workspace."""

from __future__ import annotations

import pytest

from auditor.model import Severity
from tests.auditor.helpers import CLEAN, CLEAN_NAME, assert_clean, assert_defect, line_of, variant

T01_UUID = "0b0e5c1e-2222-4000-8000-000000000001"
T02_UUID = "0b0e5c1e-2222-4000-8000-000000000002"
WORKSTREAM_UUID = "0b0e5c1e-1111-4000-8000-000000000001"


@pytest.mark.parametrize(
    "old, new, key, task_id",
    [
        pytest.param(T02_UUID, "7012e4fd", "state_hub_task_id", "DEMO-WP-0001-T02", id="short-task-id"),
        pytest.param(f'"{T02_UUID}"', "42", "state_hub_task_id", "DEMO-WP-0001-T02", id="number-task-id"),
        pytest.param(WORKSTREAM_UUID, "not-a-uuid", "state_hub_workstream_id", None, id="workstream-id"),
    ],
)
def test_a_non_uuid_is_reported_at_its_line(old, new, key, task_id):
    text = variant(CLEAN, old, new)
    finding = assert_defect(text, "WP013", line=new, fragment=f"'{key}' is not a UUID", severity=Severity.error)
    assert finding.task_id == task_id


@pytest.mark.parametrize("duplicate", [T01_UUID, T01_UUID.upper()], ids=["same", "other-case"])
def test_a_uuid_used_twice_is_reported_at_the_second_use(duplicate):
    text = variant(CLEAN, T02_UUID, duplicate)
    first = line_of(text, T01_UUID)
    fragment = f"is already used at {CLEAN_NAME}:{first}"
    second = line_of(text, "state_hub_task_id", 2)
    assert_defect(text, "WP013", line=second, fragment=fragment, severity=Severity.error, task_id="DEMO-WP-0001-T02")


@pytest.mark.parametrize(
    "old, new",
    [(T02_UUID, T02_UUID.upper()), (f'"{T02_UUID}"', T02_UUID), (f'state_hub_task_id: "{T02_UUID}"\n', "")],
    ids=["upper-case", "unquoted", "absent"],
)
def test_valid_or_absent_uuids_are_not_reported(old, new):
    assert_clean(variant(CLEAN, old, new), "WP013")
