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
    loader = _Loader(text)
    line_at = _LineCounter(text, first_line)
    node = None
    try:
        node = loader.get_single_node()
        if node is None:
            return LoadedYaml(value=None)
        bomb = "*" in text and _expansion_problem(node)  # no '*', no alias, nothing to expand
        if bomb:
            return LoadedYaml(error=bomb, error_line=line_at(node.start_mark))
        value = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = _offending_mark(exc)
        return LoadedYaml(error=_describe(exc), error_line=line_at(mark) if mark else first_line)
    except yaml.reader.ReaderError as exc:  # a character YAML does not accept, such as a form feed
        character = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        index = text.find(character)
        line = first_line + text.count("\n", 0, index) if index >= 0 else first_line
        return LoadedYaml(error="invalid YAML: " + str(exc).splitlines()[0], error_line=line)
    except Exception as exc:
        # PyYAML's constructors raise plain ValueError, KeyError, IndexError or AttributeError
        # for values such as `!!int ""`, `!!bool nope` or `!!timestamp nope`.
        line, message = _unconstructable(loader, node, line_at) or (first_line, f"invalid YAML value: {exc}")
        return LoadedYaml(error=message, error_line=line)
    finally:
        loader.dispose()
    loaded = LoadedYaml(value=value)
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                loaded.key_lines[key_node.value] = line_at(key_node.start_mark)
    loaded.warnings = [(message, line_at(mark)) for message, mark in _repeated_keys(node)]
    return loaded


@dataclass
class YamlDocument:
    """One document of a YAML stream: its value, its node tree (for lines), and its first line."""

    value: Any
    node: yaml.Node
    line: int


@dataclass
class LoadedStream:
    """The documents of a multi-document YAML text, up to an error (``error`` and its line)."""

    documents: list[YamlDocument] = field(default_factory=list)
    error: str | None = None
    error_line: int = 1


def load_all(text: str) -> LoadedStream:
    """Load every document of ``text`` (``---``-separated, as Kubernetes manifests are), with
    the same limits as :func:`load`; a stream that fails anywhere says where."""
    loader = _Loader(text)
    line_at = _LineCounter(text, 1)
    stream = LoadedStream()
    node = None
    try:
        while loader.check_node():
            node = loader.get_node()
            assert node is not None  # check_node() said a node follows
            bomb = "*" in text and _expansion_problem(node)
            if bomb:
                stream.error, stream.error_line = bomb, line_at(node.start_mark)
                return stream
            stream.documents.append(YamlDocument(loader.construct_document(node), node, line_at(node.start_mark)))
    except yaml.MarkedYAMLError as exc:
        mark = _offending_mark(exc)
        stream.error, stream.error_line = _describe(exc), line_at(mark) if mark else 1
    except yaml.reader.ReaderError as exc:
        stream.error = "invalid YAML: " + str(exc).splitlines()[0]
    except Exception as exc:
        stream.error = f"invalid YAML value: {exc}"
        stream.error_line = line_at(node.start_mark) if node is not None else 1
    finally:
        loader.dispose()
    return stream


def line_of(text: str, node: yaml.Node) -> int:
    """The 1-based file line where ``node`` starts, counted in newlines of ``text``."""
    return 1 + text.count("\n", 0, node.start_mark.index)


def _repeated_keys(root: yaml.Node) -> list[tuple[str, yaml.Mark]]:
    """A message and the place of every key given a second time in one mapping, at any depth, in
    document order (``count: 30`` then ``count: 3`` under one check is as ambiguous as two checks)."""
    found: list[tuple[str, yaml.Mark]] = []
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, where = stack.pop()
        if id(node) in seen:  # an alias: its anchor was looked at
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key_node, value_node in node.value:
                name = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if name is not None and name in keys:
                    found.append((f"key '{name}'{where} is given twice; the last one wins", key_node.start_mark))
                if name is not None:
                    keys.add(name)
                stack.append((value_node, f" (in '{name}')" if name is not None else where))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, where) for item in node.value)
    return sorted(found, key=lambda item: item[1].index)


class _LineCounter:
    """The file line of a YAML mark, counted in the text rather than taken from ``mark.line``
    (YAML also breaks lines at U+0085, U+2028 and U+2029; the file does not). Counting goes on
    from the last mark asked, so asking for every key in order costs one pass over the text."""

    def __init__(self, text: str, first_line: int) -> None:
        self.text, self.first_line = text, first_line
        self.index, self.line = 0, first_line

    def __call__(self, mark: yaml.Mark) -> int:
        if mark.index < self.index:
            self.index, self.line = 0, self.first_line
        self.line += self.text.count("\n", self.index, mark.index)
        self.index = mark.index
        return self.line


class _Loader(yaml.CSafeLoader):
    """The C safe loader, except that a timestamp that is no real date (``2026-02-30``) stays a
    string, so that the date rules can point at its key instead of the whole block failing."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _unconstructable(loader: yaml.CSafeLoader, root: yaml.Node | None, line_at: _LineCounter) -> tuple[int, str] | None:
    """The line of the first top-level key or value that cannot be constructed, and why."""
    parts = [part for pair in root.value for part in pair] if isinstance(root, yaml.MappingNode) else []
    for part in parts:
        loader.constructed_objects, loader.recursive_objects = {}, {}
        try:
            loader.construct_object(part, deep=True)
        except Exception as exc:
            if isinstance(part, yaml.ScalarNode):
                shown = part.value if len(part.value) <= 40 else part.value[:37] + "..."
                message = f"invalid YAML value: '{shown}' is not a valid {part.tag.rsplit(':', 1)[-1]}"
            else:
                message = f"invalid YAML value: {exc}"
            return line_at(part.start_mark), message
    return None


def _offending_mark(exc: yaml.MarkedYAMLError) -> yaml.Mark | None:
    """Where the mistake is: for an unclosed quote or bracket, or a key without ':', that is
    where the scalar or flow collection started (the context), not where the scanner gave up."""
    if exc.context_mark and exc.context and exc.context.startswith(("while scanning", "while parsing a flow")):
        return exc.context_mark
    return exc.problem_mark or exc.context_mark


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
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
