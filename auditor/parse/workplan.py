"""Read one workplan file into a :class:`~auditor.model.Workplan`. Never raises on bad input.

How the file is taken apart:

1. bytes → text: a size limit, NUL bytes (binary) and invalid UTF-8 are problems of kind
   ``file``; a UTF-8 BOM is dropped and CRLF is read as LF (line numbers stay the same).
2. frontmatter: python-frontmatter's YAML boundary finds the ``---`` fences; the YAML between
   them is loaded with line numbers by :mod:`auditor.parse.yamlsafe`.
3. body: markdown-it-py's block parser (headings, fences, indented code, HTML blocks; no inline
   pass, which the rules do not need) gives the structure with line maps. H2 sections hold the
   ```task and ```evidence fences.
4. prose lines (everything outside code) are scanned for dated notes, wait reasons, ids and
   back-ticked paths.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from frontmatter.default_handlers import YAMLHandler
from markdown_it import MarkdownIt

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

DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024

_BLOCK_PARSER = MarkdownIt("zero", {"html": True}).enable(["heading", "fence", "code", "html_block"])
_BLOCK_PARSER.core.ruler.disable(["inline", "text_join"])

_FRONTMATTER_BOUNDARY = YAMLHandler.FM_BOUNDARY
_DATED_NOTE = re.compile(r"^\s*(?:[-*+]\s+)?(\d{4}-\d{2}-\d{2})(?:\s+([A-Za-z][\w -]{0,40}?))?\s*:\s*(.*)$")
_WAIT_REASON = re.compile(
    r"(?i)\b(?:wait(?:ing)?\s+reason|block(?:ed|er|ing)?\s+reason|waits?\s+(?:on|for)|"
    r"waiting\s+(?:on|for)|blocked\s+(?:on|by))\b"
)
ID_PATTERN = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]*-WP-\d{4})(?:-(T\d{2,}))?(?![\w-])")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_DIRECTIVE = re.compile(r"<!--\s*auditor:\s*(disable-file|disable)\s+([A-Z0-9, ]+?)\s*-->")
_CODE_TOKENS = {"fence", "code_block"}


def read_workplan(
    path: Path,
    *,
    display_path: str | None = None,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> Workplan:
    """Read and parse ``path``; every problem is recorded on the returned workplan."""
    shown = display_path or str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return _unreadable(shown, f"file is {size} bytes, over the {max_bytes}-byte limit")
        data = path.read_bytes()
    except OSError as exc:
        return _unreadable(shown, f"cannot read file: {exc.strerror or exc}")
    return parse_workplan(data, shown, max_bytes=max_bytes)


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
        opening = _FRONTMATTER_BOUNDARY.match(self.text)
        if not opening:
            self.problem("frontmatter", "no YAML frontmatter: the file must start with a '---' line", 1)
            return 0
        closing = _FRONTMATTER_BOUNDARY.search(self.text, opening.end())
        if not closing:
            self.problem("frontmatter", "frontmatter is not closed by a '---' line", 1)
            return 0
        first_line = self.text.count("\n", 0, opening.end()) + 1
        yaml_text = self.text[opening.end() : closing.start()]
        loaded = yamlsafe.load(yaml_text, first_line)
        closing_index = self.text.count("\n", 0, closing.start())
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
        body = "\n".join(self.lines[body_start:])
        try:
            tokens = _BLOCK_PARSER.parse(body)
        except RecursionError:
            self.problem("file", "Markdown nesting too deep to read", body_start + 1)
            return
        offset = body_start + 1  # token.map is 0-based within the body; lines are 1-based
        code_lines: set[int] = set()
        sections: list[Section] = []
        section_tasks: dict[int, Task] = {}
        pending_evidence: list[tuple[int, EvidenceBlock]] = []
        block_starts: list[tuple[int, int, bool]] = []  # (first line, last line, is_heading)

        for index, token in enumerate(tokens):
            if token.map is None or token.nesting == -1:
                continue
            first, last = token.map[0] + offset, token.map[1] + offset - 1
            if token.type == "heading_open":
                title = tokens[index + 1].content.strip()
                block_starts.append((first, last, True))
                if token.tag == "h1" and self.workplan.title_line is None:
                    self.workplan.title_line, self.workplan.title_text = first, title
                elif token.tag == "h2":
                    if sections:
                        sections[-1].end_line = first - 1
                    sections.append(Section(title=title, line=first, end_line=len(self.lines)))
                elif token.tag == "h1" and sections:
                    sections[-1].end_line = first - 1
                continue
            if token.type == "inline":
                continue
            block_starts.append((first, last, False))
            if token.type in _CODE_TOKENS:
                code_lines.update(range(first, last + 1))
            if token.type == "html_block":
                self._directive(token.content, first)
            if token.type != "fence":
                continue
            info = token.info.strip().split(maxsplit=1)
            kind = info[0] if info else ""
            if kind == "task":
                task = self._task(token.content, first)
                if sections:
                    task.section = sections[-1]
                    section_tasks.setdefault(len(sections) - 1, task)
                self.workplan.tasks.append(task)
            elif kind == "evidence":
                pending_evidence.append((len(sections) - 1, EvidenceBlock(text=token.content, line=first)))

        for section_index, block in pending_evidence:
            task = section_tasks.get(section_index)
            if task is None:
                self.problem("evidence", "evidence block is not in a task's section", block.line)
            elif task.evidence is not None:
                self.problem("evidence", "a task section holds a second evidence block", block.line, task.id)
            else:
                task.evidence = block
        self._resolve_block_directives(block_starts, sections)
        self._prose(body_start, code_lines, sections)

    def _task(self, content: str, fence_line: int) -> Task:
        loaded = yamlsafe.load(content, fence_line + 1)
        task = Task(fields={}, field_lines={}, line=fence_line)
        if loaded.error or not isinstance(loaded.value, dict):
            self.problem("task", loaded.error or "task block is not a mapping of fields", loaded.error_line if loaded.error else fence_line)
            task.readable = False
            return task
        task.fields = {str(key): value for key, value in loaded.value.items()}
        task.field_lines = loaded.key_lines
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

    def _resolve_block_directives(self, blocks: list[tuple[int, int, bool]], sections: list[Section]) -> None:
        """A block directive covers the next block; before a heading, that heading's section."""
        for directive in self.workplan.directives:
            if directive.scope != "block":
                continue
            following = next((block for block in blocks if block[0] > directive.line), None)
            if following is None:
                continue
            first, last, is_heading = following
            section = next((s for s in sections if s.line == first), None) if is_heading else None
            directive.applies_from = first
            directive.applies_to = section.end_line if section else last

    # -- prose -------------------------------------------------------------------------------

    def _prose(self, body_start: int, code_lines: set[int], sections: list[Section]) -> None:
        tasks_by_section = {id(task.section): task for task in self.workplan.tasks if task.section}
        section_index = 0
        for number in range(body_start + 1, len(self.lines) + 1):
            if number in code_lines:
                continue
            while section_index < len(sections) and sections[section_index].end_line < number:
                section_index += 1
            section = sections[section_index] if section_index < len(sections) and sections[section_index].line <= number else None
            task = tasks_by_section.get(id(section)) if section else None
            line = self.lines[number - 1]
            self._dated_note(line, number, task)
            if task is not None and task.wait_reason_line is None and _WAIT_REASON.search(line):
                task.wait_reason_line = number
            self._references(line, number, task)

    def _dated_note(self, line: str, number: int, task: Task | None) -> None:
        match = _DATED_NOTE.match(line)
        if not match:
            return
        try:
            date = dt.date.fromisoformat(match.group(1))
        except ValueError:
            self.problem("date", f"'{match.group(1)}' is not a valid date", number, task.id if task else None)
            return
        note = DatedNote(date=date, label=(match.group(2) or "").strip(), text=match.group(3), line=number)
        self.workplan.notes.append(note)
        if task is not None:
            task.notes.append(note)

    def _references(self, line: str, number: int, task: Task | None) -> None:
        task_id = task.id if task else None
        if "-WP-" in line:
            for match in ID_PATTERN.finditer(line):
                self.workplan.references.append(
                    Reference(kind="id", value=match.group(0), line=number, column=match.start() + 1, task_id=task_id)
                )
        if "`" in line:
            for match in _CODE_SPAN.finditer(line):
                if looks_like_repo_path(match.group(1)):
                    self.workplan.references.append(
                        Reference(kind="path", value=match.group(1), line=number, column=match.start(1) + 1, task_id=task_id)
                    )


_FILE_NAME = re.compile(r"^[\w.-]+\.[A-Za-z0-9]{1,8}$")


def looks_like_repo_path(span: str) -> bool:
    """A back-ticked span that names a file in the repo: ``docs/runbook.md``, ``SCOPE.md``.

    Not URLs, ``KEY=value`` settings, ``~/`` or absolute paths, globs, commands with spaces,
    or ids (``ACTIVITY-WP-0006-T03``).
    """
    if any(char in span for char in " =*?[]{}<>$:\\") or span.startswith(("~", "/", "-")):
        return False
    if ID_PATTERN.fullmatch(span):
        return False
    if "/" in span:
        return all(part not in ("", ".") for part in span.rstrip("/").split("/")[:-1]) and not span.startswith("//")
    return bool(_FILE_NAME.match(span)) and not span.replace(".", "").isdigit()
