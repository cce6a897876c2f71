"""WP010: a task block that is not valid YAML, or lacks an id or a status."""

from __future__ import annotations

import pytest

from auditor.model import Severity
from tests.auditor.helpers import CLEAN, assert_clean, assert_defect, variant

T01_FIELDS = 'id: DEMO-WP-0001-T01\nstatus: done\npriority: high\nstate_hub_task_id: "0b0e5c1e-2222-4000-8000-000000000001"\n'
T01_FENCE = "```task\nid: DEMO-WP-0001-T01"


@pytest.mark.parametrize(
    "old, new, needle, fragment",
    [
        pytest.param("priority: high\n", "priority: [high\n", "priority: [high", "invalid YAML", id="unclosed-bracket"),
        pytest.param("priority: high\n", "priority high\n", "priority high", "invalid YAML", id="key-without-colon"),
        pytest.param("priority: high\n", "priority: high\npriority: low\n", "priority: low", "key 'priority' is given twice", id="duplicate-key"),
        pytest.param("id: DEMO-WP-0001-T01\n", "", "```task\nstatus: done", "'id' is missing", id="no-id"),
        pytest.param("status: done\n", "", T01_FENCE, "'status' is missing", id="no-status"),
        pytest.param("status: done\n", "status: [done]\n", "status: [done]", "'status' is not a string", id="list-status"),
        pytest.param(T01_FIELDS, "- a list\n- not fields\n", "```task\n- a list", "not a mapping", id="list-block"),
        pytest.param(T01_FIELDS, "", "```task\n```", "not a mapping", id="empty-block"),
        pytest.param("priority: high\n", "priority: !!bool nope\n", "priority: !!bool", "'nope' is not a valid bool", id="bad-bool-tag"),
        pytest.param("priority: high\n", 'priority: !!int ""\n', "priority: !!int", "'' is not a valid int", id="empty-int-tag"),
        pytest.param("priority: high\n", "priority: " + "9" * 5000 + "\n", "priority: 999", "is not a valid int", id="huge-int"),
    ],
)
def test_a_bad_task_block_is_reported_at_its_line(old, new, needle, fragment):
    assert_defect(variant(CLEAN, old, new), "WP010", line=needle.split("\n")[0], fragment=fragment, severity=Severity.error)


@pytest.mark.parametrize(
    "old, new",
    [
        ("priority: high\n", "priority: high\nnotes: {owner: ana, tags: [a, b]}\n"),
        ("```task\nid: DEMO-WP-0001-T01", "```task title=ignored\nid: DEMO-WP-0001-T01"),
    ],
    ids=["extra-fields", "fence-info-words"],
)
def test_a_good_task_block_is_not_reported(old, new):
    assert_clean(variant(CLEAN, old, new), "WP010")


def test_the_clean_workplan_is_not_reported():
    assert_clean(CLEAN, "WP010")
