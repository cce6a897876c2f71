"""A command's output is captured in bounded memory, whatever its line structure."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.capture import MAX_SPEC_LINE, NOTE_ROOM, StreamCapture
from scheduler.store import TAIL_BYTES
from tests.scheduler.support import PY, Workspace, activity, scheduler_argv

SPEC = json.dumps({"task": "follow-up", "n": 1}).encode()


def _captured(*chunks: bytes) -> StreamCapture:
    capture = StreamCapture(find_specs=True)
    for chunk in chunks:
        capture.feed(chunk)
    capture.close()
    return capture


@given(st.lists(st.integers(0, 200), max_size=8), st.binary(max_size=300))
def test_specs_are_found_however_the_output_is_chunked(cuts: list[int], noise: bytes) -> None:
    noise = noise.replace(b"\n", b" ")
    text = noise + b"\n" + SPEC + b"\nplain line\n" + SPEC.replace(b"1", b"2")  # the last one has no newline
    points = sorted({min(c, len(text)) for c in cuts})
    chunks = [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]
    capture = _captured(*chunks)
    assert [s.spec["n"] for s in capture.specs] == [1, 2]
    assert capture.total == len(text)


def test_a_line_longer_than_the_limit_is_skipped_and_the_next_one_read() -> None:
    huge = b"{" + b"x" * (MAX_SPEC_LINE + 10)
    capture = _captured(huge[: MAX_SPEC_LINE // 2], huge[MAX_SPEC_LINE // 2 :], b"\n" + SPEC + b"\n")
    assert [s.spec for s in capture.specs] == [json.loads(SPEC)]


def test_the_tail_says_how_much_came_before_it_and_stays_within_the_limit() -> None:
    capture = _captured("é".encode() * TAIL_BYTES, b"end\n")
    tail = capture.tail()
    note, body = tail.split("\n", 1)
    assert len(tail.encode()) <= TAIL_BYTES
    assert body.endswith("end\n") and "\ufffd" not in body  # cut on a character boundary
    assert note == f"[{capture.total - len(body.encode())} earlier bytes not kept]"
    assert len(body.encode()) >= TAIL_BYTES - NOTE_ROOM - 1


def test_a_short_output_is_kept_whole() -> None:
    assert _captured(b"one\n", b"two").tail() == "one\ntwo"


def test_carriage_returns_only_are_one_line_and_never_held() -> None:
    progress = b"\r".join(b"%d%%" % i for i in range(200_000))  # a progress bar: no newline at all
    capture = _captured(progress)
    assert capture.specs == [] and len(capture.tail().encode()) <= TAIL_BYTES


PRINT_ONE_LINE = """
import sys
block = b"y" * (1024 * 1024)
for _ in range(int(sys.argv[1])):
    sys.stdout.buffer.write(block)
sys.stdout.buffer.write(b"\\n" + sys.argv[2].encode() + b"\\n")
sys.stderr.buffer.write(block * 8)
"""


def _peak_rss_of_a_run(workspace: Workspace, megabytes: int) -> tuple[int, int]:
    """(exit code, peak RSS in bytes) of `scheduler trigger` running a command that prints one line of `megabytes`."""
    workspace.write(activity("chatty", command=[PY, "-c", PRINT_ONE_LINE, str(megabytes), SPEC.decode()], timeout="5m"))
    process = subprocess.Popen(scheduler_argv("trigger", "chatty", "--config", workspace.config),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_maxrss * 1024


@pytest.mark.skipif(not hasattr(os, "wait4"), reason="needs os.wait4 for the peak RSS")
def test_one_300_mb_line_does_not_grow_memory(workspace: Workspace) -> None:
    small_code, small_rss = _peak_rss_of_a_run(workspace, 1)
    huge_code, huge_rss = _peak_rss_of_a_run(workspace, 300)
    assert (small_code, huge_code) == (0, 0)
    assert huge_rss - small_rss < 64 * 1024 * 1024, (small_rss, huge_rss)
    runs = workspace.runs()
    assert [r.status for r in runs] == ["success", "success"]
    huge = max(runs, key=lambda r: int(r.stdout_tail.split(" ", 1)[0][1:]))
    assert huge.stdout_tail.startswith(f"[{300 * 1024 * 1024 + 2 + len(SPEC) - len(huge.stdout_tail.split(chr(10), 1)[1])} earlier")
    assert huge.stdout_tail.endswith(SPEC.decode() + "\n")
    assert huge.stderr_tail.startswith(f"[{8 * 1024 * 1024 - len(huge.stderr_tail.split(chr(10), 1)[1])} earlier bytes not kept]")
    assert len(workspace.spawn_log()) == 2  # the spec after the huge line was found both times
