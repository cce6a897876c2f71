"""Hostile input never raises: mutated workplans, alias bombs, huge, binary and broken files
all become findings with a line inside the file."""

from __future__ import annotations

import itertools
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.config import Config
from auditor.linter import lint_workplan, lint_workspace
from auditor.model import Severity, Workplan
from auditor.parse.workplan import parse_workplan, read_workplan
from tests.auditor.helpers import BUNDLED_WORKSPACE, CLEAN, REPO_ROOT, lint_text, only, variant

CONFIG = Config()
SEEDS = [
    CLEAN.encode().split(b"\n"),
    (BUNDLED_WORKSPACE / "ACTIVITY-WP-0009-intent-gap-closure.md").read_bytes().split(b"\n"),
]
NEIGHBOUR = parse_workplan(b"\n".join(SEEDS[1]), "ACTIVITY-WP-0009-intent-gap-closure.md")
PROBLEM_CODES = {"file": "WP000", "frontmatter": "WP001", "date": "WP006", "task": "WP010"}

NASTY_LINES = [
    b"---", b"```", b"````", b"```task", b"~~~task", b"```evidence",
    b"status: [wait", b"id: {ACTIVITY", b": : :", b"? [a, b]: c", b"  - nested: [", b"'unclosed",
    b"loop: &x [*x]", b"a: &a [x, x]\nb: [*a, *a, *a]", b"when: !!timestamp nope", b"bin: !!binary ***",
    b"created: 2026-02-30", b"updated: 1999-01-01", b"2026-13-45: Completed", b"2099-01-01 update: later",
    b"depends_on: [" + b"[" * 300 + b"]" * 301, b"title: " + b"x" * 200_000, b"priority: " + b"9" * 5_000,
    b"<!-- auditor: disable WP021 -->", b"<!-- auditor: disable-file WP0", b"<!--", b"-->", b"<div>",
    b"`docs/" + b"a" * 300 + b".md`", b"`~/x` `a=b` `*.md` `http://x/y.md`", b"ACTIVITY-WP-0009-T99 DEMO-WP-0001",
    b"> " * 300 + b"x", b"- " * 300 + b"y", b"#" * 7 + b" deep", b"## ", b"# ", b"\t\tstatus:\twait",
    b"\x00", b"\xff\xfe", b"\xc3\x28", b"\xe2\x80\xa8", b"\xc2\x85", b"\xef\xbb\xbf", b"\x0c\x0b\x1b[31m",
]  # fmt: skip
FENCE_BREAKS = [b"", b"``", b"````", b"~~~", b"```task", b"``` task", b"    ```"]


@st.composite
def mutated_workplans(draw: st.DrawFn) -> bytes:
    lines = list(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "break_fence", "insert", "bytes", "tabs", "cr"]))
        at = draw(st.integers(0, len(lines) - 1)) if lines else 0
        if kind == "insert" or not lines:
            nasty = st.sampled_from(NASTY_LINES) | st.binary(max_size=48) | st.text(max_size=48).map(str.encode)
            lines.insert(at, draw(nasty))
        elif kind == "delete":
            del lines[at]
        elif kind == "duplicate":
            lines.insert(at, lines[at])
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "break_fence":
            fences = [index for index, line in enumerate(lines) if line.startswith(b"```")] or [at]
            lines[draw(st.sampled_from(fences))] = draw(st.sampled_from(FENCE_BREAKS))
        elif kind == "bytes":
            lines[at] = draw(st.binary(max_size=48))
        elif kind == "tabs":
            lines[at] = lines[at].replace(b" ", b"\t")
        else:
            cut = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:cut] + b"\r" + lines[at][cut:]
    ending = draw(st.sampled_from([b"\n", b"\r\n"]))
    return draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + ending.join(lines)


def line_count(data: bytes) -> int:
    return len(re.split(rb"\r\n|\r|\n", data.removeprefix(b"\xef\xbb\xbf")))


def assert_findings_are_placed(workplan: Workplan, findings: list, data: bytes) -> None:
    last = line_count(data) + 1
    for finding in findings:
        assert 1 <= finding.line <= last, finding
        assert finding.column >= 1, finding
    reported = {(finding.code, finding.line) for finding in findings}
    for problem in workplan.problems:
        if problem.kind in PROBLEM_CODES:
            assert (PROBLEM_CODES[problem.kind], problem.line) in reported, problem


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=mutated_workplans())
def test_mutated_workplans_become_findings_never_exceptions(data):
    workplan = parse_workplan(data, "ACTIVITY-WP-0009-mutated.md")
    workplan.repo_root = str(REPO_ROOT)
    findings = lint_workplan(workplan, CONFIG) + lint_workspace([workplan.summary(), NEIGHBOUR.summary()], CONFIG)
    assert_findings_are_placed(workplan, [f for f in findings if f.path == workplan.path], data)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=2_000) | st.text(max_size=2_000).map(str.encode))
def test_random_bytes_and_text_become_findings_never_exceptions(data):
    workplan = parse_workplan(data, "DEMO-WP-0001-random.md")
    findings = lint_workplan(workplan, CONFIG) + lint_workspace([workplan.summary()], CONFIG)
    assert_findings_are_placed(workplan, findings, data)


def billion_laughs(indent: str = "") -> str:
    """Nine levels of nine aliases each: about 387 million nodes once expanded."""
    levels = "abcdefghi"
    lines = [f"{indent}lol_a: &a [{', '.join(['lol'] * 9)}]"]
    lines += [f"{indent}lol_{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]" for prev, cur in itertools.pairwise(levels)]
    return "\n".join(lines) + "\n"


FRONTMATTER_KEY = "owner: team\n"
TASK_KEY = "priority: high\n"


@pytest.mark.parametrize(
    "where, payload, code, fragment",
    [
        pytest.param(FRONTMATTER_KEY, billion_laughs(), "WP001", "alias bomb", id="bomb-in-frontmatter"),
        pytest.param(TASK_KEY, billion_laughs(), "WP010", "alias bomb", id="bomb-in-task"),
        pytest.param(FRONTMATTER_KEY, "loop: &x [*x]\n", "WP001", "refers to itself", id="recursive-list-in-frontmatter"),
        pytest.param(TASK_KEY, "loop: &x {self: *x}\n", "WP010", "refers to itself", id="recursive-map-in-task"),
    ],
)
def test_alias_bombs_are_findings_within_a_second(where, payload, code, fragment):
    text = variant(CLEAN, where, where + payload)
    started = time.process_time()  # CPU time: other processes on a loaded machine do not count
    finding = only(lint_text(text), code)
    assert time.process_time() - started < 1.0
    assert fragment in finding.message
    assert finding.severity == Severity.error


def test_a_50_mb_file_is_a_finding_within_a_second_without_being_read(tmp_path, monkeypatch):
    path = tmp_path / "DEMO-WP-0001-huge.md"
    with path.open("wb") as handle:
        handle.write(b"---\ntitle: ")
        handle.write(b"x" * (50 * 1024 * 1024))
        handle.write(b"\n---\n")

    def no_reading(self):
        raise AssertionError("an oversized file must not be read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    started = time.process_time()
    findings = lint_workplan(read_workplan(path), CONFIG)
    assert time.process_time() - started < 1.0
    assert [(f.code, f.line) for f in findings] == [("WP000", 1)]
    assert f"file is {path.stat().st_size} bytes, over the" in findings[0].message


def test_50_mb_of_bytes_is_a_finding_within_a_second():
    data = b"---\ntitle: " + b"x" * (50 * 1024 * 1024)
    started = time.process_time()
    findings = lint_text(data)
    assert time.process_time() - started < 1.0
    assert [(f.code, f.line) for f in findings] == [("WP000", 1)]


def test_a_binary_file_is_unreadable():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
    findings = lint_text(png)
    assert [(f.code, f.line) for f in findings] == [("WP000", 3)]
    assert "binary file" in findings[0].message
