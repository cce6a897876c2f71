"""Closing a task edits exactly the bytes it must: status, one note, `updated`, the roll-up."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from auditor.act.closing import NOTE_PREFIX, apply_closing, plan_closing
from auditor.act.edits import SourceText
from auditor.act.files import NotWritten
from auditor.evidence.model import Verdict
from auditor.parse.workplan import parse_workplan
from tests.auditor.helpers import CLEAN, variant

TODAY = dt.date(2026, 6, 20)
NOTE = f"2026-06-20: {NOTE_PREFIX}"


def ready(task_id: str, unblocks: tuple[str, ...] = ()) -> Verdict:
    return Verdict(
        task_id=task_id, task_status="wait", verdict="ready", checks=[], unblocks=list(unblocks),
        workplan_id=task_id.rsplit("-T", 1)[0], repo=None, path="", line=1,
    )


def plan_for(path: Path, *verdicts: Verdict):
    data = path.read_bytes()
    summary = parse_workplan(data, path.name).summary()
    return apply_closing(plan_closing([summary], list(verdicts)), {path.name: data}, TODAY, write=lambda *_: None)


def with_blank_lines(data: bytes) -> bytes:
    """The reference with a blank line after every line of prose (not inside fences or frontmatter)."""
    out, in_block = [], False
    for line in data.split(b"\n"):
        out.append(line)
        if line.startswith((b"```", b"---")):
            in_block = not in_block if line.startswith(b"```") else in_block
            continue
        if not in_block and line.startswith((b"#", b"Current", b"Acceptance")):
            out.append(b"")
    return b"\n".join(out)


VARIANTS = {
    "as-received": lambda data: data,
    "blank-lines": with_blank_lines,
    "crlf": lambda data: data.replace(b"\n", b"\r\n"),
    "bom": lambda data: b"\xef\xbb\xbf" + data,
    "crlf-bom": lambda data: b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"),
}


def expected_after_closing_t01(data: bytes) -> bytes:
    """Built by hand from the bytes: what closing the reference's T01 must produce."""
    bom = data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    eol = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(eol)
    t01 = lines.index("id: ACTIVITY-WP-0009-T01")
    status = lines.index("status: wait", t01)
    lines[status] = "status: done"
    lines[lines.index('updated: "2026-06-18"')] = 'updated: "2026-06-20"'
    next_section = lines.index("## Promote Issue-Core Task Emission Safely")
    last = next_section - 1
    while not lines[last].strip():
        last -= 1
    lines.insert(last + 1, NOTE + "done")
    rebuilt = eol.join(lines).encode("utf-8")
    return b"\xef\xbb\xbf" + rebuilt if bom else rebuilt


@pytest.mark.parametrize("name", list(VARIANTS))
def test_closing_reference_t01_changes_exactly_its_lines(tmp_path: Path, reference_bytes: bytes, name: str) -> None:
    original = VARIANTS[name](reference_bytes)
    path = tmp_path / "ACTIVITY-WP-0009-intent-gap-closure.md"
    path.write_bytes(original)
    verdict = ready("ACTIVITY-WP-0009-T01")
    plan = plan_for(path, verdict)
    [file_plan] = plan.files
    edited = file_plan.edited()
    expected = expected_after_closing_t01(original).replace(
        (NOTE + "done").encode(), (NOTE + "every evidence check passed").encode()
    )
    assert edited == expected
    before, after = SourceText.from_bytes(original).lines, SourceText.from_bytes(edited).lines
    assert len(after) == len(before) + 1
    added, removed = Counter(after) - Counter(before), Counter(before) - Counter(after)
    assert sum(added.values()) == 3 and sum(removed.values()) == 2  # status and updated replaced, one note
    assert b"status: blocked" in edited  # T02 still waits: the workplan stays blocked


def test_a_second_plan_on_the_closed_file_has_nothing_left_for_that_task(tmp_path: Path, reference_bytes: bytes) -> None:
    path = tmp_path / "ACTIVITY-WP-0009-intent-gap-closure.md"
    path.write_bytes(reference_bytes)
    path.write_bytes(plan_for(path, ready("ACTIVITY-WP-0009-T01")).files[0].edited())
    summary = parse_workplan(path.read_bytes(), path.name).summary()
    assert {task.id: task.status for task in summary.tasks}["ACTIVITY-WP-0009-T01"] == "done"


@pytest.mark.parametrize(
    ("statuses", "rolled_up"),
    [
        (("wait", "todo"), "active"),  # nothing waits any more, work remains
        (("wait", "done"), "done"),  # every task done
        (("wait", "wait"), "blocked"),  # another task still waits
    ],
)
def test_workplan_status_rolls_up(tmp_path: Path, statuses: tuple[str, str], rolled_up: str) -> None:
    text = variant(CLEAN, "status: active\n", "status: blocked\n")
    text = variant(text, "T01\nstatus: done\n", f"T01\nstatus: {statuses[0]}\n")
    text = variant(text, "T02\nstatus: wait\n", f"T02\nstatus: {statuses[1]}\n")
    path = tmp_path / "DEMO-WP-0001-demo-plan.md"
    path.write_text(text, encoding="utf-8")
    edited = plan_for(path, ready("DEMO-WP-0001-T01")).files[0].edited().decode()
    assert f"\nstatus: {rolled_up}\n" in edited.split("---")[1] + "\n"


def test_quoting_and_trailing_text_of_a_value_are_kept(tmp_path: Path) -> None:
    text = variant(CLEAN, "status: done\n", "status: 'wait'   # waiting on review\n")
    text = variant(text, 'updated: "2026-06-10"\n', "updated: 2026-06-10\n")
    path = tmp_path / "DEMO-WP-0001-demo-plan.md"
    path.write_text(text, encoding="utf-8")
    edited = plan_for(path, ready("DEMO-WP-0001-T01")).files[0].edited().decode()
    assert "status: 'done'   # waiting on review\n" in edited
    assert "updated: 2026-06-20\n" in edited


def test_updated_never_moves_back(tmp_path: Path) -> None:
    path = tmp_path / "DEMO-WP-0001-demo-plan.md"
    path.write_text(variant(CLEAN, 'updated: "2026-06-10"', 'updated: "2026-07-01"').replace("status: done", "status: wait", 1), encoding="utf-8")
    edited = plan_for(path, ready("DEMO-WP-0001-T01")).files[0].edited().decode()
    assert 'updated: "2026-07-01"' in edited


def test_a_line_that_cannot_be_edited_safely_refuses_the_file(tmp_path: Path) -> None:
    block = 'id: DEMO-WP-0001-T01\nstatus: done\npriority: high\nstate_hub_task_id: "0b0e5c1e-2222-4000-8000-000000000001"\n'
    text = variant(CLEAN, block, "{id: DEMO-WP-0001-T01, status: wait}\n")
    path = tmp_path / "DEMO-WP-0001-demo-plan.md"
    path.write_text(text, encoding="utf-8")
    plan = plan_for(path, ready("DEMO-WP-0001-T01"))
    assert plan.files == []
    assert "does not read 'status: <value>'" in plan.refused[path.name]


def test_a_released_task_without_evidence_closes_when_nothing_else_holds_it(tmp_path: Path) -> None:
    text = variant(CLEAN, "status: done\n", "status: wait\n")
    path = tmp_path / "DEMO-WP-0001-demo-plan.md"
    path.write_text(text, encoding="utf-8")
    plan = plan_for(path, ready("DEMO-WP-0001-T01", unblocks=("DEMO-WP-0001-T02",)))
    [file_plan] = plan.files
    assert [(c.task_id, c.reason) for c in file_plan.closures] == [
        ("DEMO-WP-0001-T01", "every evidence check passed"),
        ("DEMO-WP-0001-T02", "released by DEMO-WP-0001-T01"),
    ]
    closed = parse_workplan(file_plan.edited(), path.name)
    assert [task.status for task in closed.tasks] == ["done", "done"]


def test_a_released_task_with_other_open_dependencies_stays_open(tmp_path: Path) -> None:
    text = variant(CLEAN, "status: done\n", "status: wait\n")
    text = variant(text, "depends_on: [DEMO-WP-0001-T01]", "depends_on: [DEMO-WP-0001-T01, DEMO-WP-0001-T03]")
    text += "## Third\n```task\nid: DEMO-WP-0001-T03\nstatus: todo\n```\n"
    path = tmp_path / "DEMO-WP-0001-demo-plan.md"
    path.write_text(text, encoding="utf-8")
    plan = plan_for(path, ready("DEMO-WP-0001-T01", unblocks=("DEMO-WP-0001-T02",)))
    assert plan.waiting == {"DEMO-WP-0001-T02": "still waits for DEMO-WP-0001-T03"}
    assert [c.task_id for c in plan.files[0].closures] == ["DEMO-WP-0001-T01"]


def two_files_with_releases() -> dict[str, bytes]:
    """DEMO-WP-0001-T01 waits on evidence and releases T02 in its own file and DEMO-WP-0002-T01
    in another; neither released task has evidence of its own."""
    first = variant(CLEAN, "T01\nstatus: done\n", "T01\nstatus: wait\n")
    second = CLEAN.replace("DEMO-WP-0001", "DEMO-WP-0002").replace("0b0e5c1e-2222-4000-8000-00000000000", "0b0e5c1e-3333-4000-8000-00000000000")
    second = variant(second, "DEMO-WP-0002-T01\nstatus: done\n", "DEMO-WP-0002-T01\nstatus: wait\n")
    second = variant(second, "priority: high\n", "priority: high\ndepends_on: [DEMO-WP-0001-T01]\n")
    return {"first.md": first.encode(), "second.md": second.encode()}


def close_two_files(refuse: str | None = None) -> tuple[list[str], object]:
    sources = two_files_with_releases()
    summaries = [parse_workplan(data, name).summary() for name, data in sources.items()]
    releases = ready("DEMO-WP-0001-T01", unblocks=("DEMO-WP-0001-T02", "DEMO-WP-0002-T01"))
    written: list[str] = []

    def write(display: str, original: bytes, edited: bytes) -> None:
        if display == refuse:
            raise NotWritten(f"{display} is read-only")
        written.append(display)

    return written, apply_closing(plan_closing(summaries, [releases]), sources, TODAY, write)


def test_a_release_in_another_file_is_written_after_its_releaser_and_one_in_the_same_file_with_it() -> None:
    written, result = close_two_files()
    assert written == ["first.md", "second.md"]
    assert [[closure.task_id for closure in step.closures] for step in result.files] == [
        ["DEMO-WP-0001-T01", "DEMO-WP-0001-T02"], ["DEMO-WP-0002-T01"],
    ]
    assert result.refused == {} and result.waiting == {}


def test_a_refused_releaser_releases_nothing() -> None:
    written, result = close_two_files(refuse="first.md")
    assert written == []
    assert result.refused == {"first.md": "first.md is read-only"}
    assert result.waiting == {"DEMO-WP-0002-T01": "DEMO-WP-0001-T01 was not closed"}


def test_a_refused_release_leaves_its_releaser_closed() -> None:
    written, result = close_two_files(refuse="second.md")
    assert written == ["first.md"]
    assert result.refused == {"second.md": "second.md is read-only"}
    assert "DEMO-WP-0001-T02" in {closure.task_id for step in result.files for closure in step.closures}
