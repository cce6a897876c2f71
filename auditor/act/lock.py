"""One exclusive lock per workspace, so that two closers never judge and write the same files.

The lock is a ``.auditor-close.lock`` file in each directory that holds a workplan being
closed (the directory as named and, for a symlinked file, its target's directory), taken in
sorted order so that two closers never wait on each other. It is an advisory ``flock``
(``filelock``): the kernel drops it when its holder dies, ``kill -9`` included, so a crash
never leaves a stale lock. The file itself stays; it is never read as a workplan.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_NAME = ".auditor-close.lock"
WAIT_SECONDS = 600.0
"""How long a closer waits for another one to finish before it gives up."""


class LockTimeout(Exception):
    """Another closer held the lock for longer than the wait."""


@contextmanager
def workspace_lock(
    directories: Iterable[Path], *, on_wait: Callable[[Path], None], wait_seconds: float = WAIT_SECONDS
) -> Iterator[None]:
    """Hold the lock of every directory; ``on_wait`` is told of each one that is busy."""
    with ExitStack() as stack:
        for directory in sorted({Path(os.path.realpath(directory)) for directory in directories}):
            lock = FileLock(directory / LOCK_NAME)
            try:
                lock.acquire(timeout=0)
            except Timeout:
                on_wait(directory)
                try:
                    lock.acquire(timeout=wait_seconds)
                except Timeout:
                    raise LockTimeout(
                        f"another `auditor close --apply` held {directory / LOCK_NAME} for over {wait_seconds:g} s; nothing written"
                    ) from None
            stack.callback(lock.release)
        yield
