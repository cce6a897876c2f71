"""The fast block scan must agree with markdown-it-py on every text it accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.parse.blocks import Block, blocks, parse_with_markdown_it, scan_simple

LINES = [
    "```", "````", "~~~", "~~~~", "``` x", "```task", "```evidence", "  ```", " ```  ", "    ```",
    "```\t", "``` a`b", "# h", "## Section", "### ###", "# a #", "#  b  ##  ", "#", "#x",
    "####### seven", "text", "- item", "x\t", "", "  ", "\t", "\tindented", "    code",
    "<!-- auditor: disable WP021 -->", "<div>", "id: X-WP-0001-T01", "---",
    "- item", "  - nested", "1. first", "10) tenth", "* star", "+ plus", "- ```task", "- # h",
    "-     code", "  ```", "   text", "2026-06-18 update: note", "-", "1.", "===", "  --  ", "- - -",
]

texts = st.builds(
    lambda lines, ending: "\n".join(lines) + ending,
    st.lists(st.sampled_from(LINES) | st.text(alphabet=" \t`~#<x-", max_size=8), max_size=14),
    st.sampled_from(["", "\n", " ", "\t"]),
)


@settings(max_examples=1500, deadline=None)
@given(texts)
def test_scan_agrees_with_markdown_it_whenever_it_answers(text: str) -> None:
    simple = scan_simple(text)
    if simple is not None:
        assert simple == structure(parse_with_markdown_it(text))


def structure(found: list[Block]) -> list[Block]:
    """What the scan reports: every block but paragraphs."""
    return [block for block in found if block.kind != "paragraph"]


@pytest.mark.parametrize(
    "text",
    [
        "    indented code\n", "<!-- auditor: disable WP021 -->\n## Task\n", "# title\n\tcode\n", "text\n<div>\n",
        "- item\n\n    continued in the item\n", "- ```task\nid: x\n```\n", "Task\n----\n", "- - \t<\n", "* 1. ```x\n",
    ],
)
def test_scan_leaves_other_structure_to_markdown_it(text: str) -> None:
    assert scan_simple(text) is None
    assert blocks(text) == parse_with_markdown_it(text)


def test_scan_handles_the_bundled_workplans() -> None:
    for path in sorted(Path(__file__).resolve().parents[2].joinpath("workplans").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        body = text[text.index("\n---\n", 3) + 5 :]
        assert scan_simple(body) == structure(parse_with_markdown_it(body)), path


def test_text_indented_inside_a_list_item_is_prose_not_code() -> None:
    from auditor.parse.workplan import parse_workplan
    from tests.auditor.helpers import CLEAN, line_of, variant

    text = variant(
        CLEAN,
        "2026-06-05: Completed by building the thing.\n",
        "- built in two steps\n\n    2026-06-05: Completed, see `docs/build.md`.\n",
    )
    workplan = parse_workplan(text.encode(), "DEMO-WP-0001-demo-plan.md")
    note_line = line_of(text, "2026-06-05: Completed, see")
    assert [note.line for note in workplan.tasks[0].notes] == [note_line]
    assert ("path", "docs/build.md", note_line) in {(r.kind, r.value, r.line) for r in workplan.references}


def test_a_setext_heading_opens_a_task_section() -> None:
    from auditor.parse.workplan import parse_workplan
    from tests.auditor.helpers import CLEAN, line_of, variant

    text = variant(CLEAN, "## Review The Thing\n", "\nReview The Thing\n----------------\n")
    workplan = parse_workplan(text.encode(), "DEMO-WP-0001-demo-plan.md")
    section = workplan.tasks[1].section
    assert (section.title, section.line) == ("Review The Thing", line_of(text, "Review The Thing"))
    assert workplan.tasks[1].wait_reason_line == line_of(text, "Current wait reason")
