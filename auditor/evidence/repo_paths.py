"""Repo-relative globs (``src/**/*.py``): one meaning for the source that reads the checkout and
for the checks that judge what it read.

``*`` and ``?`` match within one path segment (hidden names too), ``[...]`` is a character
class, and a segment ``**`` matches zero or more whole segments. Nothing under ``.git/`` matches.
"""

from __future__ import annotations

import re
from functools import lru_cache

GLOB_CHARACTERS = frozenset("*?[")


def is_glob(path: str) -> bool:
    return any(character in GLOB_CHARACTERS for character in path)


def literal_prefix(pattern: str) -> str:
    """The leading directories of ``pattern`` that hold no glob character ('' for none)."""
    parts = pattern.split("/")
    fixed = []
    for part in parts[:-1]:
        if is_glob(part):
            break
        fixed.append(part)
    return "/".join(fixed)


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    pieces = []
    for index, part in enumerate(pattern.split("/")):
        last = index == len(pattern.split("/")) - 1
        if part == "**":
            pieces.append("(?:[^/]+/)*" if not last else "(?:[^/]+/)*[^/]+")
            continue
        pieces.append(_segment(part) + ("" if last else "/"))
    return re.compile("".join(pieces))


def _segment(part: str) -> str:
    out, index = [], 0
    while index < len(part):
        character = part[index]
        if character == "*":
            out.append("[^/]*")
            while index + 1 < len(part) and part[index + 1] == "*":
                index += 1
        elif character == "?":
            out.append("[^/]")
        elif character == "[" and (end := part.find("]", index + 2)) != -1:
            inside = part[index + 1 : end]
            negate = inside.startswith(("!", "^"))
            body = inside[1:] if negate else inside
            out.append(f"[{'^' if negate else ''}{re.escape(body).replace(chr(92) + '-', '-')}]")
            index = end
        else:
            out.append(re.escape(character))
        index += 1
    return "".join(out)


def may_hold(pattern: str, directory: str) -> bool:
    """Whether files under the repo-relative ``directory`` can match ``pattern``."""
    parts, wanted = directory.split("/"), pattern.split("/")
    if ".git" in parts:
        return False
    for index, part in enumerate(parts):
        if index < len(wanted) and wanted[index] == "**":
            return True
        if index >= len(wanted) - 1:
            return False
        if re.fullmatch(_segment(wanted[index]), part) is None:
            return False
    return True


def matches(pattern: str, path: str) -> bool:
    """Whether the repo-relative ``path`` is one of the files ``pattern`` names."""
    if ".git" in path.split("/"):
        return False
    return _regex(pattern).fullmatch(path) is not None if is_glob(pattern) else pattern == path
