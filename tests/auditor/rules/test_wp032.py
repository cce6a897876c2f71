"""WP032: depends_on names an unknown task, a done task depends on an open one, or a cycle."""

from __future__ import annotations

import pytest

from auditor.model import Severity
from tests.auditor.helpers import CLEAN, CLEAN_NAME, assert_clean, assert_defect, line_of, lint_texts, of_code, variant

T01 = "DEMO-WP-0001-T01"
T02 = "DEMO-WP-0001-T02"
T02_DEPENDS = f"depends_on: [{T01}]\n"


def with_dependencies(t01_status: str, t01_depends: str, t02_depends: str) -> str:
    text = variant(CLEAN, "status: done\n", f"status: {t01_status}\ndepends_on: {t01_depends}\n")
    return variant(text, T02_DEPENDS, f"depends_on: {t02_depends}\n")


@pytest.mark.parametrize(
    "t01_status, t01_depends, t02_depends, owner, fragment",
    [
        pytest.param("done", "[]", "[DEMO-WP-0001-T09]", T02, "depends on unknown task 'DEMO-WP-0001-T09'", id="unknown"),
        pytest.param("done", "[]", "DEMO-WP-0009-T01", T02, "depends on unknown task 'DEMO-WP-0009-T01'", id="unknown-as-string"),
        pytest.param("done", f"[{T02}]", "[]", T01, f"task is done but depends on '{T02}', which is 'wait'", id="done-on-open"),
        pytest.param("todo", f"[{T02}]", f"[{T01}]", T01, f"dependency cycle: {T01} -> {T02} -> {T01}", id="cycle"),
        pytest.param("todo", "[]", f"[{T02}]", T02, f"dependency cycle: {T02} -> {T02}", id="self"),
    ],
)
def test_a_bad_dependency_is_reported_at_the_depends_on_line(t01_status, t01_depends, t02_depends, owner, fragment):
    text = with_dependencies(t01_status, t01_depends, t02_depends)
    line = line_of(text, "depends_on", 1 if owner == T01 else 2)
    assert_defect(text, "WP032", line=line, fragment=fragment, severity=Severity.error, task_id=owner)


def test_a_cycle_across_files_is_reported_once():
    other = CLEAN.replace("DEMO-WP-0001", "DEMO-WP-0002").replace("0b0e5c1e", "1c1f6d2f")
    other = variant(other, "status: done\n", f"status: todo\ndepends_on: [{T01}]\n")
    first = with_dependencies("todo", "[DEMO-WP-0002-T01]", f"[{T01}]")
    findings = of_code(lint_texts({CLEAN_NAME: first, "DEMO-WP-0002-x.md": other}), "WP032")
    cycle = f"{T01} -> DEMO-WP-0002-T01 -> {T01}"
    assert [(f.path, f.line, f.message) for f in findings] == [(CLEAN_NAME, line_of(first, "depends_on"), f"dependency cycle: {cycle}")]


@pytest.mark.parametrize(
    "t01_status, t01_depends, t02_depends",
    [("done", "[]", f"[{T01}]"), ("done", "[]", T01), ("cancelled", "[]", f"[{T01}]"), ("todo", "[]", "[]")],
    ids=["open-on-done", "as-string", "open-on-cancelled", "none"],
)
def test_sound_dependencies_are_not_reported(t01_status, t01_depends, t02_depends):
    assert_clean(with_dependencies(t01_status, t01_depends, t02_depends), "WP032")
