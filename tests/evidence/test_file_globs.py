"""``file_contains`` over a glob, and ``file_not_contains``: exact lines, empty matches, hostile files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.config import Config, Limits
from auditor.evidence.sources import repo_files
from tests.evidence.builders import Bundle, only_check


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    files = {
        "src/activity_core/__init__.py": "",
        "src/activity_core/sinks/rest.py": "def payload(spec):\n    return {\n        'title': spec.title,\n    }\n",
        "src/activity_core/sinks/null.py": "# audit only\nreview_required = spec.review_required  # kept in the report\n",
        "src/activity_core/notes.txt": "review_required\n",
        ".git/hooks/pre-commit.py": "review_required = True\n",
    }
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return root


def judged(judge, block: str, root: Path):
    verdict = judge.verdict(block, today="2026-06-21", repo_root=root)
    return verdict, only_check(verdict)


class TestFileContainsGlob:
    def test_some_matching_file_holds_it_at_an_exact_line(self, bundle: Bundle, judge, checkout: Path) -> None:
        _, check = judged(judge, "file_contains: {path: 'src/**/*.py', text: review_required}", checkout)
        assert (check.result, check.detail) == ("pass", "src/activity_core/sinks/null.py:2 holds 'review_required'")

    def test_no_matching_file_holds_it(self, bundle: Bundle, judge, checkout: Path) -> None:
        _, check = judged(judge, "file_contains: {path: 'src/**/rest.py', pattern: 'review_required'}", checkout)
        assert (check.result, check.missing) == ("fail", ["a line matching /review_required/ in src/**/rest.py"])

    @pytest.mark.parametrize("path", ["src/**", "**", "src/*/sinks/null.py", "src/activity_core/*/*.py", "**/null.py"])
    def test_the_walk_reaches_every_file_the_glob_names(self, bundle: Bundle, judge, checkout: Path, path: str) -> None:
        _, check = judged(judge, f"file_contains: {{path: '{path}', text: kept in the report}}", checkout)
        assert check.detail == "src/activity_core/sinks/null.py:2 holds 'kept in the report'"

    def test_a_glob_matching_nothing_fails(self, bundle: Bundle, judge, checkout: Path) -> None:
        _, check = judged(judge, "file_contains: {path: 'lib/**/*.py', text: x}", checkout)
        assert (check.result, check.detail) == ("fail", "no file matches lib/**/*.py")


class TestFileNotContains:
    BLOCK = "file_not_contains: {{path: '{path}', pattern: '[\"'']review_required[\"'']'}}"

    def test_passes_when_no_matching_file_has_the_line(self, bundle: Bundle, judge, checkout: Path) -> None:
        verdict, check = judged(judge, self.BLOCK.format(path="src/**/sinks/*.py"), checkout)
        assert (verdict.verdict, check.result) == ("ready", "pass")
        assert check.detail == """2 files matching src/**/sinks/*.py, none holds a line matching /["']review_required["']/"""
        assert [ref.path for ref in check.evidence] == ["src/activity_core/sinks/null.py", "src/activity_core/sinks/rest.py"]

    def test_fails_at_every_line_that_has_it(self, bundle: Bundle, judge, checkout: Path) -> None:
        (checkout / "src/activity_core/sinks/rest.py").write_text("x = 1\nbody['review_required'] = True\nok = 2\n'review_required'\n")
        verdict, check = judged(judge, self.BLOCK.format(path="src/**/*.py"), checkout)
        assert (verdict.verdict, check.result) == ("not_ready", "fail")
        assert [(ref.path, ref.line) for ref in check.evidence] == [
            ("src/activity_core/sinks/rest.py", 2), ("src/activity_core/sinks/rest.py", 4)
        ]
        assert check.missing[1:] == ["src/activity_core/sinks/rest.py:2", "src/activity_core/sinks/rest.py:4"]

    def test_text_outside_the_glob_does_not_count_and_git_is_never_read(self, bundle: Bundle, judge, checkout: Path) -> None:
        _, check = judged(judge, "file_not_contains: {path: '**/*.py', text: review_required = True}", checkout)
        assert check.result == "pass"

    def test_a_glob_matching_nothing_fails_closed(self, bundle: Bundle, judge, checkout: Path) -> None:
        verdict, check = judged(judge, self.BLOCK.format(path="src/**/*.pyx"), checkout)
        assert (verdict.verdict, check.detail) == ("not_ready", "no file matches src/**/*.pyx")
        _, done = judged(judge, self.BLOCK.format(path="missing.py"), checkout)
        assert done.detail == "missing.py does not exist"

    def test_a_symlinked_file_is_unknown_never_ready(self, bundle: Bundle, judge, checkout: Path, tmp_path: Path) -> None:
        outside = tmp_path / "outside.py"
        outside.write_text("clean = True\n")
        os.symlink(outside, checkout / "src/activity_core/sinks/linked.py")
        result = judge(self.BLOCK.format(path="src/**/*.py"), today="2026-06-21", repo_root=checkout)
        assert result.verdicts[0].verdict == "unknown"
        (finding,) = [finding for finding in result.findings if finding.code == "WP044"]
        assert finding.path.endswith("sinks/linked.py") and "a symlink, matched by src/**/*.py; not read" in finding.message

    def test_a_symlinked_directory_is_unknown_never_ready(self, bundle: Bundle, judge, checkout: Path, tmp_path: Path) -> None:
        (tmp_path / "elsewhere").mkdir()
        (tmp_path / "elsewhere/hidden.py").write_text("body['review_required'] = True\n")
        os.symlink(tmp_path / "elsewhere", checkout / "src/activity_core/vendor")
        assert judge.verdict(self.BLOCK.format(path="src/**/*.py"), today="2026-06-21", repo_root=checkout).verdict == "unknown"
        # a directory the glob cannot reach does not matter
        assert judge.verdict(self.BLOCK.format(path="src/activity_core/sinks/*.py"), today="2026-06-21", repo_root=checkout).verdict == "ready"

    def test_a_fifo_is_unknown_and_never_opened(self, bundle: Bundle, judge, checkout: Path) -> None:
        os.mkfifo(checkout / "src/activity_core/sinks/pipe.py")
        assert judge.verdict(self.BLOCK.format(path="src/**/*.py"), today="2026-06-21", repo_root=checkout).verdict == "unknown"

    def test_an_oversized_file_is_unknown_never_ready(self, bundle: Bundle, judge, checkout: Path) -> None:
        (checkout / "src/activity_core/sinks/rest.py").write_text("x = 1\n" * 20)
        config = Config(limits=Limits(max_repo_file_bytes=40))
        result = judge(self.BLOCK.format(path="src/**/*.py"), today="2026-06-21", repo_root=checkout, config=config)
        assert result.verdicts[0].verdict == "unknown"

    def test_too_many_matches_is_unknown(self, bundle: Bundle, judge, checkout: Path, monkeypatch) -> None:
        monkeypatch.setattr(repo_files, "MAX_GLOB_FILES", 2)
        assert judge.verdict(self.BLOCK.format(path="src/**/*.py"), today="2026-06-21", repo_root=checkout).verdict == "unknown"

    def test_an_unknown_checkout_is_unknown(self, bundle: Bundle, judge) -> None:
        assert judge.verdict(self.BLOCK.format(path="src/**/*.py"), today="2026-06-21").verdict == "unknown"


@pytest.mark.parametrize("kind", ["file_exists", "heading"])
def test_checks_on_one_file_refuse_a_glob(bundle: Bundle, judge, kind: str) -> None:
    extra = ", text: Runbook" if kind == "heading" else ""
    result = judge(f"{kind}: {{path: 'docs/*.md'{extra}}}", today="2026-06-21")
    (finding,) = [finding for finding in result.findings if finding.code == "WP042"]
    assert finding.line == 21 and "must name one file here, not a glob (docs/*.md)" in finding.message


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("src/**/*.py", "src/a.py", True),
        ("src/**/*.py", "src/a/b/c.py", True),
        ("src/*.py", "src/a/b.py", False),
        ("k8s/[0-9]*.yaml", "k8s/20-runtime.yaml", True),
        ("k8s/[!0-9]*.yaml", "k8s/20-runtime.yaml", False),
        ("**/*.py", ".git/hooks/x.py", False),
        ("**/*.py", ".github/x.py", True),
        ("docs/runbook.md", "docs/runbook.md", True),
    ],
)
def test_glob_meaning(pattern: str, path: str, expected: bool) -> None:
    from auditor.evidence.repo_paths import matches

    assert matches(pattern, path) is expected


SEGMENTS = st.sampled_from(["src", "a", "b.py", "*", "**", "*.py", "?", "[ab]", "[!a]*", ".hidden", "x*y"])


@pytest.fixture(scope="module")
def glob_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("glob-tree")
    for relative in ("src/a/b.py", "src/b.py", "a/b.py", "a/a/a", "b.py", ".hidden/b.py", "src/.hidden", "xay/b.py",
                     "src/a/c/d.py", "c/src/b.py", ".git/b.py"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text("x\n")
    return root


@settings(max_examples=200, deadline=None)
@given(pattern=st.lists(SEGMENTS, min_size=1, max_size=4).map("/".join))
def test_the_walk_finds_exactly_the_files_the_glob_matches(glob_tree: Path, pattern: str) -> None:
    """Pruning the walk never hides a file: what it finds is every file of the tree that matches."""
    from auditor.evidence.repo_paths import matches
    from auditor.evidence.sources.base import SourceReport

    every = {path.relative_to(glob_tree).as_posix() for path in glob_tree.rglob("*") if path.is_file()}
    report = SourceReport("ok", str(glob_tree))
    assert set(repo_files._expand(glob_tree, pattern, report)) == {path for path in every if matches(pattern, path)}
    assert report.problems == []
