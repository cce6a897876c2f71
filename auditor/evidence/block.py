"""The grammar of an ```evidence block: YAML in, a tree of checks (or located errors) out.

::

    consecutive_runs: {activity: daily_triage, after: 2026-06-07, count: 3}
    feedback: {kind: calibration, after: 2026-06-07}
    any:
      - spawn: {definition: triage, sink: issue_core_rest, count: 1}
      - decision: {title_contains: null-sink accepted}
    unblocks: [ACTIVITY-WP-0006-T03]

Top-level keys are checks (all must pass), ``all:``/``any:`` hold lists of one-check mappings,
``unblocks:`` lists the task ids this task's closure releases. Each check kind's arguments are
its pydantic model (:mod:`auditor.evidence.checks`), which also gives :func:`json_schema`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from auditor.evidence.checks import CHECKS
from auditor.evidence.checks.combinators import COMBINATORS
from auditor.parse import yamlsafe
from common.validation import describe

UNBLOCKS = "unblocks"
MAX_COMBINATOR_DEPTH = 16
"""``all:``/``any:`` nested deeper than this is refused (WP042): no block needs it, and the
verdict of a deeper tree could not be rendered or serialized."""


@dataclass(frozen=True)
class CheckNode:
    """One check of a block: a kind with its arguments, or a combinator with its children."""

    kind: str
    line: int
    args: BaseModel | None = None
    children: tuple[CheckNode, ...] = ()


@dataclass(frozen=True)
class BlockError:
    message: str
    line: int


@dataclass(frozen=True)
class EvidenceSpec:
    checks: tuple[CheckNode, ...]
    """The top-level checks; all of them must pass."""
    unblocks: tuple[str, ...]


@dataclass(frozen=True)
class ParsedBlock:
    spec: EvidenceSpec | None
    errors: tuple[BlockError, ...]


@lru_cache(maxsize=4096)
def parse_block(text: str, fence_line: int) -> ParsedBlock:
    """Read the YAML of a block whose opening fence is on ``fence_line``.

    Cached: the WP042 rule and the verdicts both read every block, and blocks are immutable text.
    """
    first_line = fence_line + 1
    loaded = yamlsafe.load(text, first_line)
    if loaded.error:
        return ParsedBlock(None, (BlockError(loaded.error, loaded.error_line),))
    if loaded.warnings:  # a key given twice: which check was meant is a guess, so refuse it
        return ParsedBlock(None, tuple(BlockError(message, line) for message, line in loaded.warnings))
    if not isinstance(loaded.value, dict) or not loaded.value:
        return ParsedBlock(None, (BlockError("evidence block must be a mapping of checks", fence_line),))
    # yamlsafe keeps the lines of top-level keys only; the node tree has every line. The text
    # already passed yamlsafe's alias-bomb guard, and composing does not expand aliases.
    root = yaml.compose(text, Loader=yaml.CSafeLoader)
    assert root is not None, "the text loaded as a non-empty mapping"
    reader = _Reader(root, text, first_line)
    checks: list[CheckNode] = []
    unblocks: tuple[str, ...] = ()
    for key, value in loaded.value.items():
        if key == UNBLOCKS:
            unblocks = reader.unblocks(value)
        else:
            checks += reader.check(str(key), value, (key,))
    if not checks and not reader.errors:
        reader.errors.append(BlockError("evidence block has no checks", fence_line))
    if reader.errors:
        return ParsedBlock(None, tuple(reader.errors))
    return ParsedBlock(EvidenceSpec(tuple(checks), unblocks), ())


class _Reader:
    def __init__(self, root: yaml.Node, text: str, first_line: int) -> None:
        self.root = root
        self.text = text
        self.first_line = first_line
        self.errors: list[BlockError] = []

    def error(self, message: str, path: tuple[Any, ...]) -> None:
        self.errors.append(BlockError(message, self.line(path)))

    def line(self, path: tuple[Any, ...]) -> int:
        """The line of the deepest key or item of ``path`` that the YAML holds.

        Counted in newlines of the text: YAML also breaks lines at U+2028 and the like, files do not.
        """
        return self.first_line + self.text.count("\n", 0, self.walk(path)[0].start_mark.index)

    def node(self, path: tuple[Any, ...]) -> yaml.Node | None:
        """The value node at ``path``, or None when the YAML does not hold all of it."""
        _, node, complete = self.walk(path)
        return node if complete else None

    def walk(self, path: tuple[Any, ...]) -> tuple[yaml.Node, yaml.Node, bool]:
        """(the deepest key or item node reached, its value node, whether all of ``path`` was)."""
        node = found = self.root
        for step in path:
            if isinstance(node, yaml.MappingNode):
                pair = next(((key, value) for key, value in node.value if getattr(key, "value", None) == str(step)), None)
                if pair is None:
                    return found, node, False
                found, node = pair
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                found = node = node.value[step]
            else:
                return found, node, False
        return found, node, True

    def check(self, kind: str, value: Any, path: tuple[Any, ...], depth: int = 0) -> list[CheckNode]:
        """The check ``kind: value`` found at ``path``, under ``depth`` combinators."""
        line = self.line(path)
        if kind in COMBINATORS:
            if depth >= MAX_COMBINATOR_DEPTH:
                self.error(f"{kind}: combinators nested more than {MAX_COMBINATOR_DEPTH} deep", path)
                return []
            return [CheckNode(kind, line, children=tuple(self.combined(kind, value, path, depth + 1)))]
        module = CHECKS.get(kind)
        if module is None:
            known = ", ".join([*CHECKS, *COMBINATORS, UNBLOCKS])
            self.error(f"unknown check '{kind}' (known: {known})", path)
            return []
        if not isinstance(value, dict):
            self.error(f"{kind}: arguments must be a mapping (e.g. '{kind}: {{...}}')", path)
            return []
        try:
            return [CheckNode(kind, line, args=module.ARGS.model_validate(self.named(value, path)))]
        except ValidationError as exc:
            for error in exc.errors():
                self.error(f"{kind}: {describe(error, argument=True)}", (*path, *error["loc"]))
            return []

    def named(self, arguments: dict[Any, Any], path: tuple[Any, ...]) -> dict[str, Any]:
        """``arguments`` keyed as written: YAML 1.1 reads a key ``on:`` (or ``yes:``) as a boolean."""
        node = self.node(path)
        if not isinstance(node, yaml.MappingNode) or len(node.value) != len(arguments):
            return arguments
        return {key.value: value for (key, _), value in zip(node.value, arguments.values(), strict=True)}

    def combined(self, name: str, value: Any, path: tuple[Any, ...], depth: int) -> list[CheckNode]:
        if not isinstance(value, list) or not value:
            self.error(f"{name}: must be a non-empty list of checks", path)
            return []
        children: list[CheckNode] = []
        for index, item in enumerate(value):
            if not isinstance(item, dict) or len(item) != 1:
                self.error(f"{name}: item {index + 1} must be a mapping with exactly one check", (*path, index))
                continue
            (kind, args), = item.items()
            children += self.check(str(kind), args, (*path, index, kind), depth)
        return children

    def unblocks(self, value: Any) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(item, str) and item for item in items):
            self.error(f"{UNBLOCKS}: must be a list of task ids", (UNBLOCKS,))
            return ()
        return tuple(items)


def window_errors(spec: EvidenceSpec, today: dt.date, max_slots: int) -> tuple[BlockError, ...]:
    """The ``consecutive_runs`` checks of ``spec`` whose window, judged on ``today``, holds more
    slots than ``max_slots``: counted from the cron fields, before any slot is computed."""
    from auditor.evidence.checks.consecutive_runs import ConsecutiveRunsArgs, slot_count

    errors = []
    for node in _nodes(spec.checks):
        if isinstance(node.args, ConsecutiveRunsArgs):
            count = slot_count(node.args, today)
            if count > max_slots:
                errors.append(BlockError(
                    f"{node.kind}: the window after {node.args.after} to {today} holds {count} slots of '{node.args.schedule}',"
                    f" more than [limits] max_slots = {max_slots}; move 'after' later", node.line,
                ))
    return tuple(errors)


def _nodes(nodes: tuple[CheckNode, ...]) -> Iterator[CheckNode]:
    for node in nodes:
        yield node
        yield from _nodes(node.children)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of an evidence block, from the check kinds' argument models."""
    from pydantic.json_schema import models_json_schema

    _, schema = models_json_schema(
        [(module.ARGS, "validation") for module in CHECKS.values()], ref_template="#/$defs/{model}"
    )
    definitions = schema["$defs"]
    checks = {kind: {"$ref": f"#/$defs/{module.ARGS.__name__}"} for kind, module in CHECKS.items()}
    check_list = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/Check"}}
    combinators = {
        name: {**check_list, "description": (function.__doc__ or "").strip()}
        for name, function in COMBINATORS.items()
    }
    definitions["Check"] = {
        "description": "One check: a mapping with exactly one key.",
        "type": "object",
        "properties": {**checks, **combinators},
        "additionalProperties": False,
        "minProperties": 1,
        "maxProperties": 1,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "auditor evidence block",
        "description": "Top-level keys are checks that must all pass; see docs/evidence.md.",
        "type": "object",
        "properties": {
            **checks,
            **combinators,
            UNBLOCKS: {"type": "array", "items": {"type": "string"}, "description": "Task ids this task's closure releases."},
        },
        "additionalProperties": False,
        "minProperties": 1,
        "$defs": definitions,
    }
