"""Ending a process that used the Temporal SDK.

The SDK's Rust core keeps runtime threads that can still call into Python while the
interpreter finalizes; now and then that aborts the process ("PyGILState_Release: thread
state ... must be current", a known SDK issue), turning a clean exit into SIGABRT. Exit codes
are an interface here, so a process that loaded the SDK flushes its output and ends without
finalizing the interpreter: every file it wrote was closed before, and nothing is left to do.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def run_and_exit(main: Callable[[], object]) -> None:
    """Run ``main`` (which ends with SystemExit, as a Typer app does) and exit with its code,
    skipping interpreter finalization when the Temporal SDK was loaded."""
    try:
        main()
        code = 0
    except SystemExit as ended:
        if "temporalio.bridge" not in sys.modules:
            raise
        code = _code_of(ended.code)
    if "temporalio.bridge" not in sys.modules:
        sys.exit(code)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _code_of(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)  # sys.exit("message") prints the message and exits 1
    return 1
