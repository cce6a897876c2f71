"""Lines are the file's lines: characters YAML counts as line breaks (U+0085, U+2028, U+2029)
or refuses (control characters), and a lone CR, do not move what follows or the finding."""

from __future__ import annotations

import pytest

from tests.auditor.helpers import CLEAN, line_of, parse, variant

FRONTMATTER_KEYS = ["id", "type", "title", "repo", "status", "owner", "created", "updated", "state_hub_workstream_id"]
T01_KEYS = ["id", "status", "priority", "state_hub_task_id"]
YAML_BREAKS = pytest.mark.parametrize("odd", ["\u0085", "\u2028", "\u2029"], ids=["NEL", "LS", "PS"])
TITLE = 'title: "Demo plan"'


def expected_lines(text: str, keys: list[str], after: str = "---") -> dict[str, int]:
    start = text.index(after)
    return {key: line_of(text[start:], f"{key}:") + text.count("\n", 0, start) for key in keys}


@YAML_BREAKS
def test_frontmatter_key_lines_ignore_yaml_line_breaks(odd):
    text = variant(CLEAN, TITLE, f'title: "Demo{odd}plan"')
    assert parse(text).frontmatter_lines == expected_lines(text, FRONTMATTER_KEYS)


@YAML_BREAKS
def test_task_field_lines_ignore_yaml_line_breaks(odd):
    text = variant(CLEAN, "id: DEMO-WP-0001-T01\n", f'id: DEMO-WP-0001-T01\nnote: "a{odd}b"\n')
    assert parse(text).tasks[0].field_lines == expected_lines(text, [*T01_KEYS, "note"], after="```task")


@YAML_BREAKS
def test_yaml_errors_after_yaml_line_breaks_keep_their_line(odd):
    text = variant(CLEAN, f"{TITLE}\nrepo: demo", f'title: "Demo{odd}plan"\nrepo demo')
    assert [(p.kind, p.line) for p in parse(text).problems] == [("frontmatter", line_of(text, "repo demo"))]


@pytest.mark.parametrize("control", ["\x0b", "\x0c", "\x1b"], ids=["VT", "FF", "ESC"])
def test_a_control_character_in_yaml_is_reported_at_its_line(control):
    text = variant(CLEAN, TITLE, f'title: "Demo{control}plan"')
    [problem] = parse(text).problems
    assert (problem.kind, problem.line) == ("frontmatter", line_of(text, "title:"))
    assert "unacceptable character" in problem.message


def test_a_lone_carriage_return_ends_a_line():
    text = CLEAN.replace("type: workplan\n", "type: workplan\r")
    assert parse(text).frontmatter_lines == expected_lines(CLEAN, FRONTMATTER_KEYS)
