"""WP030: prose refers to a workplan or task id that does not exist (warning, or info when the
id's repo is not loaded)."""

from __future__ import annotations

import pytest

from auditor.model import Severity
from tests.auditor.helpers import CLEAN, CLEAN_NAME, assert_clean, assert_defect, lint_texts, of_code, position_of, variant

CONTEXT = "Background lives in `docs/guide.md`.\n"


def mentioning(sentence: str) -> str:
    return variant(CLEAN, CONTEXT, CONTEXT + sentence + "\n")


@pytest.mark.parametrize(
    "sentence, missing, severity, fragment",
    [
        pytest.param("Follows `DEMO-WP-0001-T09`.", "DEMO-WP-0001-T09", Severity.warning, "the workspace", id="task-of-loaded-plan"),
        pytest.param("Continued in DEMO-WP-0002.", "DEMO-WP-0002", Severity.warning, "the workspace", id="plan-of-loaded-repo"),
        pytest.param("See (OTHER-WP-0003-T01) first.", "OTHER-WP-0003-T01", Severity.info, "this workspace (its repo is not loaded)", id="repo-not-loaded"),
    ],
)
def test_a_missing_id_is_reported_at_its_position(sentence, missing, severity, fragment):
    text = mentioning(sentence)
    line, column = position_of(text, missing)
    assert_defect(text, "WP030", line=line, column=column, severity=severity, fragment=f"'{missing}' is not in {fragment}")


def test_the_reporting_task_is_named():
    text = variant(CLEAN, "Current wait reason:", "Current wait reason: DEMO-WP-0001-T07 first;")
    line, column = position_of(text, "DEMO-WP-0001-T07")
    assert_defect(text, "WP030", line=line, column=column, severity=Severity.warning, fragment="DEMO-WP-0001-T07", task_id="DEMO-WP-0001-T02")


@pytest.mark.parametrize(
    "sentence",
    [
        "Follows DEMO-WP-0001-T02 and DEMO-WP-0001.",
        "```text\nDEMO-WP-0009 inside code is not a reference\n```",
        "Not ids: DEMO-WP-00011, XDEMO-WP-0009-T1x, DEMO-WP-0009-T1.",
    ],
    ids=["existing", "in-code", "not-ids"],
)
def test_existing_or_non_ids_are_not_reported(sentence):
    assert_clean(mentioning(sentence), "WP030")


def test_an_id_defined_in_another_file_of_the_run_is_found():
    other = CLEAN.replace("DEMO-WP-0001", "DEMO-WP-0002").replace("0b0e5c1e", "1c1f6d2f")
    files = {CLEAN_NAME: mentioning("Continued in DEMO-WP-0002-T02."), "DEMO-WP-0002-x.md": other}
    assert of_code(lint_texts(files), "WP030") == []
