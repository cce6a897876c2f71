"""Inline directives: ``<!-- auditor: disable CODES -->`` covers the next block (before a
heading, that heading's section); ``<!-- auditor: disable-file CODES -->`` the whole file."""

from __future__ import annotations

import pytest

from tests.auditor.helpers import CLEAN, NO_REASON, line_of, lint_text, of_code, variant

T01_HEADING = "## Build The Thing\n"
T02_HEADING = "## Review The Thing\n"
T02_FENCE = "```task\nid: DEMO-WP-0001-T02"
T02_PROSE = "Someone has to look at it.\n"
LATE_REFERENCE = NO_REASON + "Continues in DEMO-WP-0001-T09.\n"


def with_directive(text: str, directive: str, before: str | None) -> str:
    """``text`` with ``directive`` on its own line before ``before`` (None: at the end)."""
    line = f"<!-- auditor: {directive} -->\n"
    return text + line if before is None else variant(text, before, line + before)


@pytest.mark.parametrize(
    "text, code, directive, before, suppressed",
    [
        pytest.param(NO_REASON, "WP021", "disable WP021", T02_FENCE, True, id="before-the-block"),
        pytest.param(NO_REASON, "WP021", "disable WP021", T02_HEADING, True, id="before-the-section"),
        pytest.param(NO_REASON, "WP021", "disable WP022, WP021", T02_FENCE, True, id="two-codes"),
        pytest.param(NO_REASON, "WP021", "disable-file WP021", None, True, id="file-at-the-end"),
        pytest.param(NO_REASON, "WP021", "disable-file WP021", "## Context\n", True, id="file-at-the-top"),
        pytest.param(LATE_REFERENCE, "WP030", "disable WP030", T02_HEADING, True, id="section-covers-its-prose"),
        pytest.param(NO_REASON, "WP021", "disable WP021", T01_HEADING, False, id="another-section"),
        pytest.param(NO_REASON, "WP021", "disable WP021", T02_PROSE, False, id="the-block-after"),
        pytest.param(NO_REASON, "WP021", "disable WP022", T02_FENCE, False, id="another-code"),
        pytest.param(LATE_REFERENCE, "WP030", "disable WP030", T02_FENCE, False, id="block-does-not-cover-the-section"),
    ],
)
def test_a_directive_suppresses_only_what_it_covers(text, code, directive, before, suppressed):
    assert len(of_code(lint_text(text), code)) == 1  # the finding the directive is about
    remaining = of_code(lint_text(with_directive(text, directive, before)), code)
    assert (remaining == []) == suppressed, [(f.line, f.message) for f in remaining]


def test_a_directive_inside_a_code_block_is_not_a_directive():
    text = variant(NO_REASON, T02_FENCE, "```html\n<!-- auditor: disable-file WP021 -->\n```\n" + T02_FENCE)
    finding = of_code(lint_text(text), "WP021")
    assert [f.line for f in finding] == [line_of(text, "status: wait")]


def test_disable_file_keeps_the_other_rules(checkout):
    text = with_directive(NO_REASON, "disable-file WP031", None)
    assert of_code(lint_text(NO_REASON, repo_root=checkout), "WP031") != []
    findings = lint_text(text, repo_root=checkout)
    assert of_code(findings, "WP031") == []
    assert [f.code for f in findings] == ["WP021"]


def test_the_clean_workplan_needs_no_directive():
    assert lint_text(CLEAN) == []
