"""WP031: a back-ticked repo-relative path that does not exist in the checkout (warning; only
when the repo root is known)."""

from __future__ import annotations

import pytest

from auditor.model import Severity
from tests.auditor.helpers import CLEAN, assert_clean, assert_defect, position_of, variant

CONTEXT = "Background lives in `docs/guide.md`.\n"


def mentioning(span: str) -> str:
    return variant(CLEAN, CONTEXT, f"See `{span}` for details.\n")


@pytest.mark.parametrize("path", ["docs/guide.md", "SCOPE.md", "k8s/railiance/20-runtime.yaml", "history/", "a" * 300 + ".md"])
def test_a_missing_path_is_reported_at_its_position(checkout, path):
    text = mentioning(path)
    line, column = position_of(text, path)
    fragment = f"'{path}' does not exist in {checkout.name}"
    assert_defect(text, "WP031", line=line, column=column, fragment=fragment, severity=Severity.warning, repo_root=checkout)


@pytest.mark.parametrize("path", ["docs/guide.md", "SCOPE.md", "history/", "docs"])
def test_an_existing_path_is_not_reported(checkout, path):
    (checkout / "docs").mkdir()
    (checkout / "docs" / "guide.md").write_text("guide\n")
    (checkout / "SCOPE.md").write_text("scope\n")
    (checkout / "history").mkdir()
    assert_clean(mentioning(path), "WP031", repo_root=checkout)


def test_nothing_is_checked_when_the_repo_root_is_unknown():
    assert_clean(mentioning("docs/missing.md"), "WP031")


@pytest.mark.parametrize(
    "span",
    [
        "https://example.com/docs/guide.md",
        "LLM_CONNECT_URL=http://llm-connect.svc:8080",
        "ISSUE_SINK_TYPE=null",
        "~/state-hub",
        "/etc/hosts",
        "docs/*.md",
        "daily-triage-*",
        "make fix-consistency REPO=activity-core",
        "ACTIVITY-WP-0006-T03",
        "review_required",
        "1.2.3",
    ],
)
def test_spans_that_are_not_paths_are_not_reported(checkout, span):
    assert_clean(mentioning(span), "WP031", repo_root=checkout)


def test_paths_inside_code_blocks_are_not_reported(checkout):
    text = variant(CLEAN, CONTEXT, "```bash\ncat `docs/missing.md`\n```\n")
    assert_clean(text, "WP031", repo_root=checkout)
