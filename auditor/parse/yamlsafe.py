"""YAML with line numbers and hard limits, on PyYAML's C safe loader.

Frontmatter, ```task and ```evidence blocks are small mappings written by people and agents.
Loading goes through the node graph so that every top-level key keeps its line, and so that
alias bombs (a few lines that expand to billions of nodes) and recursive aliases are refused
before anything walks the expanded value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_EXPANDED_NODES = 10_000
"""More nodes than any sane block holds once aliases are expanded; an alias bomb has billions."""


@dataclass
class LoadedYaml:
    """The value of a YAML document, the 1-based line of each top-level key, and what went wrong.

    ``error`` set means ``value`` is unusable; ``warnings`` are problems with a usable value
    (a key given twice keeps its last value, as YAML loaders do, but is still reported).
    """

    value: Any = None
    key_lines: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    error_line: int = 1
    warnings: list[tuple[str, int]] = field(default_factory=list)


def load(text: str, first_line: int) -> LoadedYaml:
    """Load one YAML document whose first line is file line ``first_line`` (1-based)."""
    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return LoadedYaml(value=None)
        bomb = _expansion_problem(node)
        if bomb:
            return LoadedYaml(error=bomb, error_line=first_line + node.start_mark.line)
        value = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else first_line
        return LoadedYaml(error=_describe(exc), error_line=line)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        # The constructor raises plain ValueError for values such as a 13th month.
        return LoadedYaml(error=f"invalid YAML value: {exc}", error_line=first_line)
    finally:
        loader.dispose()
    loaded = LoadedYaml(value=value)
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            line = first_line + key_node.start_mark.line
            if key_node.value in loaded.key_lines:
                loaded.warnings.append((f"key '{key_node.value}' is given twice; the last one wins", line))
            loaded.key_lines[key_node.value] = line
    return loaded


def _describe(exc: yaml.MarkedYAMLError) -> str:
    parts = [part for part in (exc.context, exc.problem) if part]
    return "invalid YAML: " + ("; ".join(parts) if parts else str(exc).splitlines()[0])


def _expansion_problem(root: yaml.Node) -> str | None:
    """Say why ``root`` must not be constructed: a recursive alias or too many expanded nodes.

    Sizes are memoised per node object (an alias is the same object as its anchor), so the walk
    costs the size of the document as written, not as expanded.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_EXPANDED_NODES:
                return f"YAML expands to more than {MAX_EXPANDED_NODES} nodes (an alias bomb?)"
            continue
        if key in sizes:
            continue
        if key in on_path:
            return "YAML alias refers to itself (a recursive structure)"
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                return "YAML alias refers to itself (a recursive structure)"
            if id(child) not in sizes:
                stack.append((child, False))
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
