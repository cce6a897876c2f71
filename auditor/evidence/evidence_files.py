"""Opening the files evidence is read from: repo files that file checks name, and bundle files.

A file is read only when

- its real path (every symlink followed) stays inside its root: the repo checkout for repo
  files, the evidence directory for bundle files;
- it is a regular file: a FIFO, a device, a socket or a directory is never opened for reading,
  so nothing blocks on a pipe or streams ``/dev/zero``;
- it is no larger than the limit of its kind (``[limits]`` in auditor.toml), and it does not
  grow past it while it is read.

Anything else is :class:`RefusedFile`, whose message says why; sources report it as a WP044
problem on that file. The file is opened with ``O_NONBLOCK`` and checked again with ``fstat``
on the open descriptor, so a file swapped for a FIFO after the first check still cannot block.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from auditor.evidence.sources.base import SourceFileError

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_NOFOLLOW", 0)
_CHUNK = 1024 * 1024
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


class RefusedFile(SourceFileError):
    """A file that is not read: outside its root, not a regular file, or over its size limit."""


def checked(path: Path, root: Path, limit: int) -> Path | None:
    """The real path of ``path`` when it may be read, None when it does not exist;
    :class:`RefusedFile` when it may not be read."""
    real = inside(path, root)
    try:
        info = os.stat(real)
    except FileNotFoundError:
        return None
    _check(info, limit)
    return real


def inside(path: Path, root: Path) -> Path:
    """The real path of ``path``; :class:`RefusedFile` when it is not inside ``root``'s."""
    real = Path(os.path.realpath(path))
    real_root = Path(os.path.realpath(root))
    if not real.is_relative_to(real_root):
        raise RefusedFile(f"refused: its real path {real} is outside {real_root}")
    return real


def read_bytes(path: Path, root: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` (checked as :func:`checked` does), or None when it does not exist."""
    real = checked(path, root, limit)
    if real is None:
        return None
    descriptor = os.open(real, _OPEN_FLAGS)
    try:
        _check(os.fstat(descriptor), limit)  # the file opened is the one checked, still
        chunks, size = [], 0
        while chunk := os.read(descriptor, min(_CHUNK, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise RefusedFile(f"refused: it grew past the {limit}-byte limit while read")
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def read_text(path: Path, root: Path, limit: int, errors: str = "strict") -> str | None:
    """The UTF-8 text of ``path``, or None when it does not exist (:class:`UnicodeDecodeError`
    when it is not UTF-8 and ``errors`` is strict)."""
    data = read_bytes(path, root, limit)
    return None if data is None else data.decode("utf-8", errors)


def require_text(path: Path, root: Path, limit: int) -> str:
    """As :func:`read_text`, for a file found by listing its directory: absent is an error."""
    text = read_text(path, root, limit)
    if text is None:
        raise FileNotFoundError(f"{path} vanished while it was read")
    return text


def _check(info: os.stat_result, limit: int) -> None:
    for is_kind, name in _KINDS:
        if is_kind(info.st_mode):
            raise RefusedFile(f"refused: not a regular file ({name})")
    if not stat.S_ISREG(info.st_mode):
        raise RefusedFile("refused: not a regular file")
    if info.st_size > limit:
        raise RefusedFile(f"refused: {info.st_size} bytes, over the {limit}-byte limit")
