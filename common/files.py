"""Replacing a file whole: what both applications write (reports, snapshots' neighbours,
starter configs, edited workplans) goes through a synced temporary file and a rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace_file(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` through a synced temporary file and a rename: readers see the
    old file or the new one, never a part."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    sync(path.parent)


def sync(path: Path) -> None:
    """Flush a file, or a directory's entries (a rename in it), to disk."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return  # a directory cannot be opened on every platform; the rename is still atomic
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
