"""The block structure of a workplan body: headings, fences, indented code, HTML blocks.

markdown-it-py is the authority on Markdown structure. Running its block parser over every
file of a large workspace costs more than everything else the check does, and most workplans
use only ATX headings, fences and plain prose. So :func:`blocks` first tries
:func:`scan_simple`, a line scan that understands exactly those constructs and gives up (returns
None) on any line that could start something else (an indented line, an HTML block); then
markdown-it-py decides. A property test holds the scan to markdown-it-py's answer on every text
it accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("zero", {"html": True}).enable(["heading", "lheading", "fence", "code", "html_block", "list"])
_PARSER.core.ruler.disable(["inline", "text_join"])

_FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)(.*)$")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_STRUCTURE_STARTS = frozenset(" \t`~#<")
"""First characters of every line that can be more than paragraph text (or a blank line)."""
_NEEDS_FULL_PARSER = re.compile(r"^(?: {0,3}\t| {4}| {0,3}<)")
_LIST_STARTS = frozenset("-+*0123456789")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-+*]|\d{1,9}[.)])(?:([ \t]+)|$)(.*)$")
_INDENTED = re.compile(r"^(?: {0,3}\t| {4})")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")


@dataclass(frozen=True)
class Block:
    """One block-level element; lines are 0-based, ``last`` inclusive."""

    kind: str  # "heading", "fence", "code", "html", "paragraph"
    first: int
    last: int
    level: int = 0
    info: str = ""
    content: str = ""


def blocks(text: str) -> list[Block]:
    """The blocks of ``text`` as markdown-it-py (as configured here) sees them. Paragraphs are
    listed only when markdown-it-py had to be asked; every other block is listed either way."""
    simple = scan_simple(text)
    return simple if simple is not None else parse_with_markdown_it(text)


def parse_with_markdown_it(text: str) -> list[Block]:
    tokens = _PARSER.parse(text)
    found = []
    for index, token in enumerate(tokens):
        if token.map is None or token.nesting == -1 or token.type == "inline":
            continue
        first, last = token.map[0], token.map[1] - 1
        if token.type == "heading_open":
            found.append(Block("heading", first, last, level=int(token.tag[1]), content=tokens[index + 1].content.strip()))
        elif token.type == "fence":
            found.append(Block("fence", first, last, info=token.info.strip(), content=token.content))
        elif token.type == "code_block":
            found.append(Block("code", first, last, content=token.content))
        elif token.type == "html_block":
            found.append(Block("html", first, last, content=token.content))
        elif token.type == "paragraph_open":
            found.append(Block("paragraph", first, last))
    return found


def scan_simple(text: str) -> list[Block] | None:
    """Headings and fences by a line scan, or None when the text holds anything else that
    could be structure (then only a real Markdown parser can say).

    It gives up on setext headings, indented lines that are not paragraph continuations
    (code), HTML blocks, list items that open with a fence, heading, HTML or code, and indented
    lines anywhere in a text with list items (they may belong to an item). Paragraphs are
    tracked, not returned: lists end and nest them in ways only the real parser follows.
    """
    lines = text.split("\n")
    # markdown-it-py reads no line after a final newline, nor a blank last line without one.
    unterminated_last_line = bool(lines[-1].strip(" \t"))
    if not unterminated_last_line:
        lines.pop()
    found: list[Block] = []
    in_paragraph = has_list = has_indented = False
    index = 0
    while index < len(lines):
        line = lines[index]
        first = line[:1]
        if in_paragraph and first in "=- " and _SETEXT_UNDERLINE.match(line):
            return None  # a setext heading (text underlined with === or ---)
        if first in _LIST_STARTS or (first == " " and line.lstrip(" ")[:1] in _LIST_STARTS):
            item = _LIST_ITEM.match(line)
            if item:
                if not _plain_item(item):
                    return None  # the item (or one nested on its line) opens with code, a fence, a heading or HTML
                has_list = in_paragraph = True
                index += 1
                continue
        if first and first not in _STRUCTURE_STARTS:  # plain prose: the common case, decided cheaply
            in_paragraph = True
            index += 1
            continue
        fence = _FENCE_OPEN.match(line)
        if fence and not (fence.group(2)[0] == "`" and "`" in fence.group(3)):
            has_indented = has_indented or bool(fence.group(1))
            in_paragraph = False
            after_fence = _scan_fence(lines, index, fence, found, unterminated_last_line)
            if after_fence is None:
                return None
            index = after_fence
            continue
        if _NEEDS_FULL_PARSER.match(line) and (not in_paragraph or line.lstrip(" ")[:1] == "<"):
            return None
        has_indented = has_indented or bool(_INDENTED.match(line))
        heading = _HEADING.match(line)
        if heading:
            content = _CLOSING_HASHES.sub("", heading.group(2)).strip()
            found.append(Block("heading", index, index, level=len(heading.group(1)), content=content))
            in_paragraph = False
        else:
            in_paragraph = bool(line.strip(" \t"))
        index += 1
    if has_list and has_indented:
        return None  # an indented line (or fence) may belong to a list item, which can end it early
    return found


def _plain_item(item: re.Match[str] | None) -> bool:
    """A list item whose content, and that of every item nested on the same line, is prose."""
    while item:
        gap, content = item.group(1) or "", item.group(2)
        if "\t" in gap or len(gap) > 4 or _FENCE_OPEN.match(content) or _HEADING.match(content) or content[:1] == "<":
            return False
        item = _LIST_ITEM.match(content)
    return True


def _scan_fence(
    lines: list[str], start: int, opening: re.Match[str], found: list[Block], unterminated_last_line: bool
) -> int | None:
    """Record the fence opened at ``start``; return the index of the line after it."""
    indent, marker = len(opening.group(1)), opening.group(2)
    end = start + 1
    while end < len(lines) and not _closes(lines[end], marker):
        end += 1
    body = [_strip_indent(line, indent) for line in lines[start + 1 : end]]
    if indent and any(line.startswith("\t") for line in body):
        return None  # tab stops inside an indented fence: leave them to the real parser
    last = min(end, len(lines) - 1)
    content = "".join(line + "\n" for line in body)
    if body and end >= len(lines) and unterminated_last_line:
        content = content[:-1]
    found.append(Block("fence", start, last, info=opening.group(3).strip(), content=content))
    return end + 1


def _closes(line: str, marker: str) -> bool:
    """A closing fence: up to 3 spaces, at least as many of the same marker, then only spaces."""
    text = line.lstrip(" ")
    if len(line) - len(text) > 3 or not text.startswith(marker):
        return False
    text = text.rstrip(" \t")
    return text == marker[0] * len(text)


def _strip_indent(line: str, indent: int) -> str:
    removable = len(line) - len(line.lstrip(" "))
    return line[min(indent, removable) :]
