"""WP021: a wait/blocked task gives no reason in its section (warning)."""

from __future__ import annotations

import pytest

from auditor.model import Severity
from tests.auditor.helpers import CLEAN, COMPLETION_NOTE, NO_REASON, T02_STATUS, WAIT_REASON, assert_clean, assert_defect, variant


@pytest.mark.parametrize("status", ["wait", "blocked"])
def test_a_waiting_task_without_reason_is_reported_at_its_status(status):
    text = variant(NO_REASON, T02_STATUS, f"status: {status}\n")
    fragment = f"task is '{status}' but its section gives no reason"
    assert_defect(text, "WP021", line=f"status: {status}", fragment=fragment, severity=Severity.warning, task_id="DEMO-WP-0001-T02")


def test_a_reason_in_another_section_does_not_count():
    text = variant(NO_REASON, COMPLETION_NOTE, COMPLETION_NOTE + WAIT_REASON)
    assert_defect(text, "WP021", line=T02_STATUS, fragment="no reason", severity=Severity.warning)


def test_a_reason_inside_a_code_block_does_not_count():
    text = variant(NO_REASON, "Someone has to look at it.\n", "```text\nCurrent wait reason: in code\n```\n")
    assert_defect(text, "WP021", line=T02_STATUS, fragment="no reason", severity=Severity.warning)


@pytest.mark.parametrize(
    "reason",
    [
        WAIT_REASON,
        "Blocked by the vendor's review.\n",
        "- Waiting on the reviewer.\n",
        "It waits for the next release.\n",
        "Blocker reason: no access yet.\n",
        "## Review The Thing\n",  # the reason may also sit above the block
    ],
    ids=["wait-reason", "blocked-by", "waiting-on", "waits-for", "blocker-reason", "before-the-block"],
)
def test_a_stated_reason_is_accepted(reason):
    text = variant(CLEAN, WAIT_REASON, "")
    if reason.startswith("##"):
        text = variant(text, reason, reason + "Waiting on the reviewer.\n")
    else:
        text += reason
    assert_clean(text, "WP021")


def test_a_task_that_does_not_wait_needs_no_reason():
    assert_clean(variant(NO_REASON, T02_STATUS, "status: todo\n"), "WP021")
