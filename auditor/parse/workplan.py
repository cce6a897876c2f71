"""Read one workplan file into a :class:`~auditor.model.Workplan`. Never raises on bad input.

How the file is taken apart:

1. bytes → text: a size limit, NUL bytes (binary) and invalid UTF-8 are problems of kind
   ``file``; a UTF-8 BOM is dropped and CRLF is read as LF (line numbers stay the same).
2. frontmatter: python-frontmatter's YAML handler detects the ``---`` fences and splits the
   frontmatter from the body; its ``load`` is :mod:`auditor.parse.yamlsafe` (line numbers per
   key, alias-bomb limits) instead of PyYAML's plain safe load.
3. body: :mod:`auditor.parse.blocks` gives the block structure as markdown-it-py sees it
   (headings, fences, indented code, HTML blocks). H2 sections hold the ```task and
   ```evidence fences.
4. prose lines (everything outside code) are scanned for dated notes, wait reasons, ids and
   back-ticked paths.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import datetime as dt
import re
from pathlib import Path
from collections.abc import Iterator

from frontmatter.default_handlers import YAMLHandler

from auditor.model import (
    DatedNote,
    Directive,
    EvidenceBlock,
    ParseProblem,
    Reference,
    Section,
    Task,
    Workplan,
)
from auditor.parse import yamlsafe
from auditor.parse.blocks import Block, blocks

DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024


class _LinedYAMLHandler(YAMLHandler):
    """python-frontmatter's YAML handler, loading with the line of every key."""

    def __init__(self, first_line: int) -> None:
        self.first_line = first_line

    def load(self, fm: str, **kwargs: object) -> yamlsafe.LoadedYaml:  # type: ignore[override]  # the lines come too
        return yamlsafe.load(fm, self.first_line)


_DATED_NOTE = re.compile(  # from the newline before the line: a literal start is searched fast
    r"\n[ \t]*(?:[-*+][ \t]+)?(\d{4}-\d{2}-\d{2})(?:[ \t]+([A-Za-z][\w -]{0,40}?))?[ \t]*:[ \t]*([^\n]*)"
)
_WAIT_REASON = re.compile(
    r"(?i)\b(?:wait(?:ing)?\s+reason|block(?:ed|er|ing)?\s+reason|waits?\s+(?:on|for)|"
    r"waiting\s+(?:on|for)|blocked\s+(?:on|by))\b"
)
ID_PATTERN = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]*-WP-\d{4})(?:-(T\d{2,}))?(?![\w-])")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_DIRECTIVE = re.compile(r"<!--\s*auditor:\s*(disable-file|disable)\s+([A-Z0-9, ]+?)\s*-->")


def read_workplan(
    path: Path,
    *,
    display_path: str | None = None,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> Workplan:
    """Read and parse ``path``; every problem is recorded on the returned workplan."""
    return read_workplan_source(path, display_path=display_path, max_bytes=max_bytes)[0]


def read_workplan_source(
    path: Path,
    *,
    display_path: str | None = None,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> tuple[Workplan, bytes | None]:
    """:func:`read_workplan`, and the bytes it parsed (None when unreadable): ``auditor close``
    judges, edits and checks for changes against this one read."""
    shown = display_path or str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return _unreadable(shown, f"file is {size} bytes, over the {max_bytes}-byte limit"), None
        data = path.read_bytes()
    except OSError as exc:
        return _unreadable(shown, f"cannot read file: {exc.strerror or exc}"), None
    return parse_workplan(data, shown, max_bytes=max_bytes), data


def parse_workplan(data: bytes, path: str, *, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Workplan:
    """Parse workplan bytes; ``path`` is only used to label the result."""
    if len(data) > max_bytes:
        return _unreadable(path, f"file is {len(data)} bytes, over the {max_bytes}-byte limit")
    if b"\x00" in data:
        return _unreadable(path, "binary file (contains NUL bytes)", line=data.count(b"\n", 0, data.index(b"\x00")) + 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return _unreadable(path, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})", line=line)
    return _Parser(path, text.replace("\r\n", "\n").replace("\r", "\n")).parse()


def _unreadable(path: str, message: str, line: int = 1) -> Workplan:
    return Workplan(path=path, problems=[ParseProblem(kind="file", message=message, line=line)])


class _Parser:
    def __init__(self, path: str, text: str) -> None:
        self.workplan = Workplan(path=path)
        self.text = text
        self.lines = text.split("\n")

    def problem(self, kind: str, message: str, line: int, task_id: str | None = None) -> None:
        self.workplan.problems.append(ParseProblem(kind=kind, message=message, line=line, task_id=task_id))

    def parse(self) -> Workplan:
        body_start = self._frontmatter()
        self._body(body_start)
        return self.workplan

    # -- frontmatter -------------------------------------------------------------------------

    def _frontmatter(self) -> int:
        """Load the frontmatter; return the 0-based index of the first body line."""
        opening = YAMLHandler.FM_BOUNDARY.match(self.text)  # what the handler's detect() matches
        if not opening:
            self.problem("frontmatter", "no YAML frontmatter: the file must start with a '---' line", 1)
            return 0
        first_line = self.text.count("\n", 0, opening.end()) + 1
        handler = _LinedYAMLHandler(first_line)
        try:
            yaml_text, _ = handler.split(self.text)
        except ValueError:  # one boundary only
            self.problem("frontmatter", "frontmatter is not closed by a '---' line", 1)
            return 0
        loaded = handler.load(yaml_text)
        closing_index = self.text.count("\n", 0, opening.end() + len(yaml_text))
        self.workplan.has_frontmatter = True
        if loaded.error:
            self.problem("frontmatter", loaded.error, loaded.error_line)
            return closing_index + 1
        for message, line in loaded.warnings:
            self.problem("frontmatter", message, line)
        if not isinstance(loaded.value, dict):
            self.problem("frontmatter", "frontmatter is not a mapping of keys to values", first_line)
            return closing_index + 1
        self.workplan.frontmatter = {str(key): value for key, value in loaded.value.items()}
        self.workplan.frontmatter_lines = loaded.key_lines
        self.workplan.frontmatter_line = first_line
        return closing_index + 1

    # -- body --------------------------------------------------------------------------------

    def _body(self, body_start: int) -> None:
        try:
            found = blocks("\n".join(self.lines[body_start:]))
        except RecursionError:
            self.problem("file", "Markdown nesting too deep to read", body_start + 1)
            return
        offset = body_start + 1  # block lines are 0-based within the body; ours are 1-based
        code_lines: set[int] = set()
        sections: list[Section] = []
        section_tasks: dict[int, Task] = {}
        pending_evidence: list[tuple[int, EvidenceBlock]] = []

        for block in found:
            first, last = block.first + offset, block.last + offset
            if block.kind == "heading":
                if block.level <= 2 and sections:
                    sections[-1].end_line = first - 1
                if block.level == 1 and self.workplan.title_line is None:
                    self.workplan.title_line, self.workplan.title_text = first, block.content
                elif block.level == 2:
                    sections.append(Section(title=block.content, line=first, end_line=len(self.lines)))
            elif block.kind in ("code", "fence"):
                code_lines.update(range(first, last + 1))
            elif block.kind == "html":
                self._directive(block.content, first)
            if block.kind != "fence":
                continue
            kind = block.info.split(maxsplit=1)[0] if block.info else ""
            if kind == "task":
                task = self._task(block.content, first)
                if sections:
                    task.section = sections[-1]
                    section_tasks.setdefault(len(sections) - 1, task)
                self.workplan.tasks.append(task)
            elif kind == "evidence":
                pending_evidence.append((len(sections) - 1, EvidenceBlock(text=block.content, line=first)))

        for section_index, evidence in pending_evidence:
            owner = section_tasks.get(section_index)
            if owner is None:
                self.problem("evidence", "evidence block is not in a task's section", evidence.line)
            elif owner.evidence is not None:
                self.problem("evidence", "a task section holds a second evidence block", evidence.line, owner.id)
            else:
                owner.evidence = evidence
        self._resolve_block_directives(found, offset, sections)
        self._prose(body_start, code_lines, sections)

    def _task(self, content: str, fence_line: int) -> Task:
        loaded = yamlsafe.load(content, fence_line + 1)
        if loaded.error or not isinstance(loaded.value, dict):
            self.problem("task", loaded.error or "task block is not a mapping of fields", loaded.error_line if loaded.error else fence_line)
            return Task(fields={}, field_lines={}, line=fence_line, readable=False)
        fields = {str(key): value for key, value in loaded.value.items()}
        task = Task(fields=fields, field_lines=loaded.key_lines, line=fence_line)
        for message, line in loaded.warnings:
            self.problem("task", message, line, task.id)
        return task

    def _directive(self, content: str, line: int) -> None:
        """Record ``disable`` comments; a block directive's range is set once all blocks are known."""
        for match in _DIRECTIVE.finditer(content):
            whole_file = match.group(1) == "disable-file"
            codes = frozenset(code for code in re.split(r"[ ,]+", match.group(2)) if code)
            self.workplan.directives.append(
                Directive(
                    scope="file" if whole_file else "block",
                    codes=codes,
                    line=line,
                    applies_from=1 if whole_file else line,
                    applies_to=len(self.lines) if whole_file else line,
                )
            )

    def _resolve_block_directives(self, found: list[Block], offset: int, sections: list[Section]) -> None:
        """A block directive covers the next block; before an H2, that heading's whole section."""
        for directive in self.workplan.directives:
            if directive.scope != "block":
                continue
            following = next((block for block in found if block.first + offset > directive.line), None)
            if following is None:
                continue
            first = following.first + offset
            section = next((s for s in sections if s.line == first), None) if following.kind == "heading" else None
            directive.applies_from = first
            directive.applies_to = section.end_line if section else following.last + offset

    # -- prose -------------------------------------------------------------------------------

    def _prose(self, body_start: int, code_lines: set[int], sections: list[Section]) -> None:
        """Scan the prose for notes, wait reasons and references, with whole-text regexes.

        Scanning the text once per pattern (in C) instead of line by line (in Python) is what
        keeps this step cheap; matches inside code are dropped by line number.
        """
        # offset of each line: the lengths before it plus one newline per line (all in C)
        lengths_before = itertools.accumulate(map(len, self.lines[:-1]), initial=0)
        line_starts = list(map(operator.add, lengths_before, itertools.count()))
        body_offset = line_starts[body_start] if body_start < len(line_starts) else len(self.text)
        section_lines = [section.line for section in sections]
        tasks_by_section: dict[int, Task] = {}
        for task in self.workplan.tasks:
            if task.section:
                tasks_by_section.setdefault(id(task.section), task)  # the section's first task, as for evidence

        def place(position: int) -> tuple[int, int, Task | None] | None:
            number = bisect.bisect_right(line_starts, position)
            if number in code_lines:
                return None
            index = bisect.bisect_right(section_lines, number) - 1
            section = sections[index] if index >= 0 and number <= sections[index].end_line else None
            return number, position - line_starts[number - 1] + 1, tasks_by_section.get(id(section))

        for match, line_start in self._dated_note_matches(body_offset):
            if found := place(line_start):
                self._dated_note(match, found[0], found[2])
        for task in self.workplan.tasks:
            if task.status in ("wait", "blocked") and task.section:
                self._wait_reason(task, line_starts, code_lines)
        for match in _CODE_SPAN.finditer(self.text, body_offset):
            if looks_like_repo_path(match.group(1)) and (found := place(match.start(1))):
                self._reference("path", match.group(1), *found)
        for line_start, line_end in self._lines_with("-WP-", body_offset, line_starts):
            for match in ID_PATTERN.finditer(self.text, line_start, line_end):
                if found := place(match.start()):
                    self._reference("id", match.group(0), *found)

    def _dated_note_matches(self, body_offset: int) -> Iterator[tuple[re.Match[str], int]]:
        """Each dated-note match with the offset of its line."""
        if body_offset == 0 and (first := _DATED_NOTE.match("\n" + self.lines[0])):
            yield first, 0
        for match in _DATED_NOTE.finditer(self.text, max(body_offset - 1, 0)):
            yield match, match.start() + 1

    def _lines_with(self, needle: str, start: int, line_starts: list[int]) -> Iterator[tuple[int, int]]:
        """(start, end) offsets of the lines holding ``needle``: a plain substring search is far
        cheaper than running a pattern with a character class at every position."""
        position = self.text.find(needle, start)
        while position != -1:
            line_start = line_starts[bisect.bisect_right(line_starts, position) - 1]
            line_end = self.text.find("\n", position)
            if line_end == -1:
                yield line_start, len(self.text)
                return
            yield line_start, line_end
            position = self.text.find(needle, line_end)

    def _wait_reason(self, task: Task, line_starts: list[int], code_lines: set[int]) -> None:
        section = task.section
        assert section is not None, "every parsed task is in a section"
        start = line_starts[section.line - 1]
        end = line_starts[section.end_line] if section.end_line < len(line_starts) else len(self.text)
        for position in self._wait_reason_candidates(start, end):
            if _WAIT_REASON.match(self.text, position, end):
                number = bisect.bisect_right(line_starts, position)
                if number not in code_lines:
                    task.wait_reason_line = number
                    return

    def _wait_reason_candidates(self, start: int, end: int) -> list[int]:
        """Where a wait reason could start: every phrase begins with "wait" or "block", which a
        plain search finds far faster than a case-insensitive pattern tried at every offset."""
        lowered = self.text[start:end].lower()
        if len(lowered) != end - start:  # lower-casing changed the length: offsets would drift
            return [match.start() for match in _WAIT_REASON.finditer(self.text, start, end)]
        found = []
        for word in ("wait", "block"):
            position = lowered.find(word)
            while position != -1:
                found.append(start + position)
                position = lowered.find(word, position + 1)
        return sorted(found)

    def _reference(self, kind: str, value: str, line: int, column: int, task: Task | None) -> None:
        self.workplan.references.append(
            Reference(kind=kind, value=value, line=line, column=column, task_id=task.id if task else None)
        )

    def _dated_note(self, match: re.Match[str], number: int, task: Task | None) -> None:
        try:
            date = dt.date.fromisoformat(match.group(1))
        except ValueError:
            self.problem("date", f"'{match.group(1)}' is not a valid date", number, task.id if task else None)
            return
        note = DatedNote(date=date, label=(match.group(2) or "").strip(), text=match.group(3), line=number)
        self.workplan.notes.append(note)
        if task is not None:
            task.notes.append(note)


_FILE_NAME = re.compile(r"^[\w.-]+\.[A-Za-z0-9]{1,8}$")
_NOT_IN_PATHS = re.compile(r"[ =*?\[\]{}<>$:\\]")
_VERSION = re.compile(r"^v?\d+(?:\.\d+)+")
_HOST_SUFFIXES = (".local", ".internal", ".svc", ".com", ".org", ".net", ".io", ".dev")


def looks_like_repo_path(span: str) -> bool:
    """A back-ticked span that names a file in the repo: ``docs/runbook.md``, ``SCOPE.md``,
    ``./Makefile``-style relative paths.

    Not URLs, ``KEY=value`` settings, ``~/``, absolute or ``../`` paths, globs, commands with
    spaces, ids (``ACTIVITY-WP-0006-T03``), versions (``v1.2.3``) or host names.
    """
    if _NOT_IN_PATHS.search(span) or span.startswith(("~", "/", "-")):
        return False
    span = span.removeprefix("./")
    if ID_PATTERN.fullmatch(span) or _VERSION.match(span) or span.endswith(_HOST_SUFFIXES):
        return False
    if "/" in span:
        return all(part not in ("", ".", "..") for part in span.rstrip("/").split("/"))
    return bool(_FILE_NAME.match(span)) and not span.replace(".", "").isdigit()
