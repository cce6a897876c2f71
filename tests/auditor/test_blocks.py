"""The fast block scan must agree with markdown-it-py on every text it accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.parse.blocks import blocks, parse_with_markdown_it, scan_simple

LINES = [
    "```", "````", "~~~", "~~~~", "``` x", "```task", "```evidence", "  ```", " ```  ", "    ```",
    "```\t", "``` a`b", "# h", "## Section", "### ###", "# a #", "#  b  ##  ", "#", "#x",
    "####### seven", "text", "- item", "x\t", "", "  ", "\t", "\tindented", "    code",
    "<!-- auditor: disable WP021 -->", "<div>", "id: X-WP-0001-T01", "---",
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
        assert simple == parse_with_markdown_it(text)


@pytest.mark.parametrize(
    "text",
    ["    indented code\n", "<!-- auditor: disable WP021 -->\n## Task\n", "# title\n\tcode\n", "text\n<div>\n"],
)
def test_scan_leaves_other_structure_to_markdown_it(text: str) -> None:
    assert scan_simple(text) is None
    assert blocks(text) == parse_with_markdown_it(text)


def test_scan_handles_the_bundled_workplans() -> None:
    for path in sorted(Path(__file__).resolve().parents[2].joinpath("workplans").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        body = text[text.index("\n---\n", 3) + 5 :]
        assert scan_simple(body) == parse_with_markdown_it(body), path
