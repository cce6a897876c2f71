"""WP005: the H1 does not read '<id> - <title>'."""

from __future__ import annotations

import pytest

from auditor.model import Severity
from tests.auditor.helpers import CLEAN, assert_clean, assert_defect, variant

H1 = "# DEMO-WP-0001 - Demo plan\n"


@pytest.mark.parametrize(
    "heading, fragment",
    [
        pytest.param("# Demo plan\n", "H1 'Demo plan' does not match 'DEMO-WP-0001 - Demo plan'", id="no-id"),
        pytest.param("# DEMO-WP-0001 - Demo plans\n", "does not match 'DEMO-WP-0001 - Demo plan'", id="other-title"),
        pytest.param("# DEMO-WP-0002 - Demo plan\n", "does not match 'DEMO-WP-0001 - Demo plan'", id="other-id"),
    ],
)
def test_a_mismatching_h1_is_reported_at_the_h1(heading, fragment):
    text = variant(CLEAN, H1, heading)
    assert_defect(text, "WP005", line=heading.strip(), fragment=fragment, severity=Severity.warning)


@pytest.mark.parametrize("replacement", ["", "## DEMO-WP-0001 - Demo plan\n"], ids=["none", "h2-only"])
def test_a_missing_h1_is_reported_at_the_title_key(replacement):
    assert_defect(variant(CLEAN, H1, replacement), "WP005", line="title:", fragment="no H1 heading; expected '# DEMO-WP-0001 - Demo plan'", severity=Severity.warning)


@pytest.mark.parametrize("heading", [H1, "#   DEMO-WP-0001  -  Demo plan  #\n"], ids=["exact", "spaces-and-closing-hash"])
def test_a_matching_h1_is_not_reported(heading):
    assert_clean(variant(CLEAN, H1, heading), "WP005")
