"""WP002: a required frontmatter key is missing or of the wrong type."""

from __future__ import annotations

import pytest

from auditor.model import Severity
from tests.auditor.helpers import CLEAN, assert_clean, assert_defect, parse, variant

REQUIRED_LINES = {
    "id": "id: DEMO-WP-0001\n",
    "type": "type: workplan\n",
    "title": 'title: "Demo plan"\n',
    "status": "status: active\n",
    "repo": "repo: demo\n",
    "created": 'created: "2026-06-01"\n',
    "updated": 'updated: "2026-06-10"\n',
}


@pytest.mark.parametrize("key", REQUIRED_LINES)
def test_a_missing_required_key_is_reported_at_the_frontmatter(key):
    text = variant(CLEAN, REQUIRED_LINES[key], "")
    assert_defect(text, "WP002", line=1, fragment=f"required key '{key}' is missing", severity=Severity.error)


@pytest.mark.parametrize(
    "old, new, fragment",
    [
        pytest.param('title: "Demo plan"', "title: [Demo, plan]", "'title' must be a non-empty string, not list", id="list-title"),
        pytest.param("status: active", 'status: ""', "'status' must be a non-empty string, not an empty value", id="empty-status"),
        pytest.param("repo: demo", "repo: 42", "'repo' must be a non-empty string, not int", id="number-repo"),
        pytest.param("type: workplan", "type: note", "'type' must be 'workplan', not 'note'", id="wrong-type"),
        pytest.param('created: "2026-06-01"', "created: 20260601", "'created' must be an ISO date, not int", id="number-date"),
        pytest.param('updated: "2026-06-10"', "updated:", "'updated' must be an ISO date, not an empty value", id="empty-date"),
    ],
)
def test_a_key_of_the_wrong_type_is_reported_at_its_line(old, new, fragment):
    assert_defect(variant(CLEAN, old, new), "WP002", line=new, fragment=fragment, severity=Severity.error)


@pytest.mark.parametrize(
    "old, new",
    [
        ('created: "2026-06-01"', "created: 2026-06-01"),
        ('updated: "2026-06-10"', "updated: 2026-06-10 09:30:00"),
        ("owner: team", "owner: team\nreviewers: [ana, bo]"),
    ],
    ids=["unquoted-date", "datetime", "unknown-key"],
)
def test_valid_variants_are_not_reported(old, new):
    assert_clean(variant(CLEAN, old, new), "WP002")


def test_unknown_keys_are_kept():
    workplan = parse(variant(CLEAN, "owner: team", "owner: team\nreviewers: [ana, bo]"))
    assert workplan.frontmatter["reviewers"] == ["ana", "bo"]
    assert workplan.frontmatter_lines["reviewers"] == 8
