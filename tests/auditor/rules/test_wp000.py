"""WP000: a file that cannot be read as a workplan (binary, not UTF-8, too large, unreadable)."""

from __future__ import annotations

import pytest

from auditor.config import Config, Limits
from auditor.linter import lint_workplan
from auditor.model import Severity
from auditor.parse.workplan import read_workplan
from tests.auditor.helpers import CLEAN, assert_clean, assert_defect, lint_text, line_of

BACKGROUND = "Background lives in"


@pytest.mark.parametrize(
    "data, line, fragment",
    [
        pytest.param(CLEAN.replace(BACKGROUND, "Backgr\0und").encode(), line_of(CLEAN, BACKGROUND), "binary", id="nul"),
        pytest.param(CLEAN.replace(BACKGROUND, "Gr\u00fc\u00dfe").encode("latin-1"), line_of(CLEAN, BACKGROUND), "not UTF-8", id="latin-1"),
        pytest.param(b"\xff" + CLEAN.encode(), 1, "byte 0xff at offset 0", id="invalid-first-byte"),
    ],
)
def test_unreadable_bytes_are_reported_at_their_line(data, line, fragment):
    assert_defect(data, "WP000", line=line, fragment=fragment, severity=Severity.error)


def test_nothing_else_is_checked_in_an_unreadable_file():
    data = b"no frontmatter, no title\n\xc3\x28\n"
    assert {finding.code for finding in lint_text(data)} == {"WP000"}


def test_a_file_over_the_configured_limit_is_reported():
    config = Config(limits=Limits(max_file_bytes=100))
    assert_defect(CLEAN, "WP000", line=1, fragment="over the 100-byte limit", severity=Severity.error, config=config)


def test_a_file_that_cannot_be_read_is_reported(tmp_path):
    workplan = read_workplan(tmp_path / "DEMO-WP-0001-missing.md")
    findings = lint_workplan(workplan, Config())
    assert [(finding.code, finding.line) for finding in findings] == [("WP000", 1)]
    assert "cannot read file" in findings[0].message


@pytest.mark.parametrize(
    "text",
    [CLEAN, CLEAN.replace(BACKGROUND, "Gr\u00fc\u00dfe \u2014 \U0001f680 live in")],
    ids=["ascii", "non-ascii-utf8"],
)
def test_utf8_text_is_readable(text):
    assert_clean(text, "WP000")
