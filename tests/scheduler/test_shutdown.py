"""Ending a process: the exit code and the output survive, with or without the Temporal SDK."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROGRAM = """
import sys
{load}
from scheduler.temporal.shutdown import run_and_exit
def main():
    print("report line")
    raise SystemExit({code})
run_and_exit(main)
"""


@pytest.mark.parametrize("load", ["", "import temporalio.bridge.temporal_sdk_bridge"], ids=["plain", "temporal-sdk-loaded"])
@pytest.mark.parametrize(("code", "expected"), [("0", 0), ("1", 1), ("2", 2), ("None", 0), ("'message'", 1)])
def test_exit_code_and_output_survive(load: str, code: str, expected: int) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM.format(load=load, code=code)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == expected
    assert result.stdout == "report line\n"
    assert ("message" in result.stderr) == (code == "'message'")
