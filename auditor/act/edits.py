"""Line edits as data, and applying them to a file's bytes without touching anything else.

A file is split into lines exactly where the workplan reader splits it (``\\r\\n``, ``\\r`` or
``\\n``), each line keeping its own ending, so line numbers agree with every finding and the
bytes between edits come back unchanged: BOM, line endings, quoting, trailing spaces.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

BOM = b"\xef\xbb\xbf"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


@dataclass(frozen=True)
class LineEdit:
    """Replace line ``line`` (1-based) with ``text``, or insert ``text`` as a new line after it.

    ``text`` has no line ending: the file's own is used.
    """

    line: int
    text: str
    insert_after: bool = False
    reason: str = ""


class EditConflict(Exception):
    """The planned edits cannot be applied to these bytes."""


@dataclass
class SourceText:
    """A file's bytes as lines, ready to edit and to put back together byte for byte."""

    bom: bool
    lines: list[str]

    @classmethod
    def from_bytes(cls, data: bytes) -> SourceText:
        bom = data.startswith(BOM)
        text = data[len(BOM) :].decode("utf-8") if bom else data.decode("utf-8")
        return cls(bom=bom, lines=_LINE.findall(text))

    def to_bytes(self) -> bytes:
        data = "".join(self.lines).encode("utf-8")
        return BOM + data if self.bom else data

    def line_ending(self) -> str:
        """The ending most lines use (what an inserted line gets)."""
        endings = [line[len(line.rstrip("\r\n")) :] for line in self.lines if line.endswith(("\n", "\r"))]
        return max(("\r\n", "\n", "\r"), key=endings.count) if endings else "\n"

    def text_of(self, line: int) -> str:
        """Line ``line`` (1-based) without its ending."""
        return self.lines[line - 1].rstrip("\r\n")


def apply_edits(data: bytes, edits: list[LineEdit]) -> bytes:
    """The bytes after ``edits``; replacements keep each line's ending, insertions use the file's."""
    source = SourceText.from_bytes(data)
    ending = source.line_ending()
    replaced = {edit.line for edit in edits if not edit.insert_after}
    if len(replaced) != sum(1 for edit in edits if not edit.insert_after):
        raise EditConflict("two edits replace the same line")
    out: list[str] = []
    inserts: dict[int, list[str]] = {}
    for edit in edits:
        if not 1 <= edit.line <= max(len(source.lines), 1):
            raise EditConflict(f"line {edit.line} is outside the file")
        if edit.insert_after:
            inserts.setdefault(edit.line, []).append(edit.text)
    replacements = {edit.line: edit.text for edit in edits if not edit.insert_after}
    for number, line in enumerate(source.lines, start=1):
        own_ending = line[len(line.rstrip("\r\n")) :]
        if number in replacements:
            out.append(replacements[number] + own_ending)
        else:
            out.append(line)
        for text in inserts.get(number, []):
            if not out[-1].endswith(("\n", "\r")):
                out[-1] += ending  # the last line had no ending: give it one before the new line
            out.append(text + (ending if own_ending or number < len(source.lines) else ""))
    source.lines = out
    return source.to_bytes()


def unified_diff(path: str, before: bytes, after: bytes) -> str:
    old = before.decode("utf-8-sig").splitlines(keepends=True)
    new = after.decode("utf-8-sig").splitlines(keepends=True)
    lines = difflib.unified_diff(old, new, fromfile=f"a/{path}", tofile=f"b/{path}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
