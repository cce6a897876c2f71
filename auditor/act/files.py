"""Writing edited files: atomically, and only over the bytes the edits were planned on."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


class NotWritten(Exception):
    """A file was refused: it is left exactly as it was."""


class StaleFile(NotWritten):
    """The file changed on disk after it was read."""


class ReadOnlyFile(NotWritten):
    """The file's mode says it must not be written."""


def write_atomically(path: Path, data: bytes, *, expected: bytes) -> None:
    """Replace the file ``path`` names with ``data`` if it still holds ``expected``.

    A symlink is followed: its target gets the new bytes and the link stays a link. The mode
    bits are kept. A file without any write bit (0444) is refused: renaming over it only needs
    the directory to be writable, so the file's own mode is checked here, for root too.
    The new bytes go to a temporary file beside the target, are flushed to disk, and are
    renamed over it, so a crash at any point leaves either the old or the new file, never a
    mix. The directory is synced too, so the rename itself survives a power cut.
    """
    target = Path(os.path.realpath(path))
    current, mode = _read_regular(target, limit=len(expected) + 1)
    if not mode & 0o222 or not os.access(target, os.W_OK):
        raise ReadOnlyFile(f"{path} is read-only (mode {mode:04o}); not written")
    if current != expected:
        raise StaleFile(f"{path} changed on disk since it was read; not written")
    replace_file(target, data, mode=mode)


def _read_regular(path: Path, *, limit: int) -> tuple[bytes, int]:
    """Up to ``limit`` bytes of ``path`` and its mode bits, refusing anything but a regular
    file (a FIFO put in its place would block the read forever)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise StaleFile(f"{path} is no longer a regular file; not written")
        chunks: list[bytes] = []
        remaining = limit
        while remaining > 0 and (chunk := os.read(descriptor, min(remaining, 1 << 20))):
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks), stat.S_IMODE(status.st_mode)
    finally:
        os.close(descriptor)


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
