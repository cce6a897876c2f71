"""WP001: frontmatter missing, unclosed, not valid YAML, not a mapping, or a key given twice."""

from __future__ import annotations

import pytest

from auditor.model import Severity
from tests.auditor.helpers import CLEAN, assert_clean, assert_defect, variant

FRONTMATTER, BODY = CLEAN.split("---\n# ", 1)
UNCLOSED = FRONTMATTER + "# " + BODY
NO_FRONTMATTER = "# " + BODY


@pytest.mark.parametrize(
    "text, needle, fragment",
    [
        pytest.param(NO_FRONTMATTER, "# DEMO-WP-0001", "no YAML frontmatter", id="missing"),
        pytest.param(UNCLOSED, "---", "not closed", id="unclosed"),
        pytest.param(variant(CLEAN, "owner: team", "owner team"), "owner team", "could not find expected ':'", id="key-without-colon"),
        pytest.param(variant(CLEAN, "id: DEMO-WP-0001\n", "id: [DEMO-WP-0001\n"), "id: [", "flow sequence", id="unclosed-bracket"),
        pytest.param(variant(CLEAN, 'title: "Demo plan"', "title: Demo: plan"), "title: Demo", "mapping values", id="colon-in-value"),
        pytest.param(variant(CLEAN, "owner: team\n", "owner: team\nowner: other\n"), "owner: other", "given twice", id="duplicate-key"),
        pytest.param(variant(CLEAN, "owner: team", "owner: !!timestamp soon"), "owner:", "'soon' is not a valid timestamp", id="bad-tag"),
        pytest.param("---\n- id\n- title\n---\n" + NO_FRONTMATTER, "---", "not a mapping", id="list"),
        pytest.param("---\n---\n" + NO_FRONTMATTER, "---", "not a mapping", id="empty"),
    ],
)
def test_bad_frontmatter_is_reported_at_its_line(text, needle, fragment):
    assert_defect(text, "WP001", line=needle, fragment=fragment, severity=Severity.error)


@pytest.mark.parametrize(
    "text",
    [
        CLEAN,
        variant(CLEAN, "---\nid:", "--- \n\nid:"),
        variant(CLEAN, "owner: team\n", "owner: team\nextra_key: {nested: [1, 2]}\n"),
    ],
    ids=["clean", "spaces-and-blank-line", "unknown-key"],
)
def test_good_frontmatter_is_not_reported(text):
    assert_clean(text, "WP001")
