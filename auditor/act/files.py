"""Writing edited files: atomically, and only over the bytes the edits were planned on."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class StaleFile(Exception):
    """The file changed on disk after it was read; it is left alone."""


def write_atomically(path: Path, data: bytes, *, expected: bytes) -> None:
    """Replace ``path`` with ``data`` if it still holds ``expected``.

    The new bytes go to a temporary file in the same directory, are flushed to disk, and are
    renamed over the old file, so a crash at any point leaves either the old or the new file,
    never a mix. The directory is synced too, so the rename itself survives a power cut.
    """
    if path.read_bytes() != expected:
        raise StaleFile(f"{path} changed on disk since it was read; not written")
    replace_file(path, data, mode=path.stat().st_mode & 0o7777)


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
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform; the rename is still atomic
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
