"""WP003: unknown workplan status, task status or priority; vocabularies extend in config."""

from __future__ import annotations

import pytest

from auditor.model import Severity
from tests.auditor.helpers import CLEAN, T02_STATUS, assert_clean, assert_defect, config_from_toml, variant

WORKPLAN_STATUS = "status: active\n"
PRIORITY = "priority: medium\n"

# The vocabularies as the format defines them.
WORKPLAN_STATUSES = ["draft", "planned", "active", "blocked", "done", "cancelled"]
TASK_STATUSES = ["todo", "in_progress", "wait", "blocked", "done", "cancelled"]
PRIORITIES = ["critical", "high", "medium", "low"]

UNKNOWN = [
    pytest.param(WORKPLAN_STATUS, "ongoing", "unknown workplan status 'ongoing'", "workplan_statuses", id="workplan-status"),
    pytest.param(T02_STATUS, "waiting", "unknown task status 'waiting'", "task_statuses", id="task-status"),
    pytest.param(PRIORITY, "urgent", "unknown task priority 'urgent'", "priorities", id="priority"),
]


def with_value(line: str, value: str) -> str:
    key = line.split(":")[0]
    return variant(CLEAN, line, f"{key}: {value}\n")


@pytest.mark.parametrize("line, value, fragment, vocabulary", UNKNOWN)
def test_an_unknown_value_is_reported_at_its_line(line, value, fragment, vocabulary):
    text = with_value(line, value)
    finding = assert_defect(text, "WP003", line=f": {value}", fragment=fragment, severity=Severity.error)
    assert "expected one of" in finding.message


@pytest.mark.parametrize("line, value, fragment, vocabulary", UNKNOWN)
def test_an_extended_vocabulary_accepts_the_value(tmp_path, line, value, fragment, vocabulary):
    config = config_from_toml(tmp_path, f'[vocabulary]\n{vocabulary} = ["{value}"]\n')
    assert_clean(with_value(line, value), "WP003", config=config)


@pytest.mark.parametrize(
    "line, value",
    [(WORKPLAN_STATUS, value) for value in WORKPLAN_STATUSES]
    + [(T02_STATUS, value) for value in TASK_STATUSES]
    + [(PRIORITY, value) for value in PRIORITIES],
)
def test_every_built_in_value_is_known(line, value):
    assert_clean(with_value(line, value), "WP003")
