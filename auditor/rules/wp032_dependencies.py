"""WP032 — ``depends_on`` names an unknown task, a done task depends on an open one, or
dependencies form a cycle.

PASS::

    id: ACTIVITY-WP-0006-T03
    status: wait
    depends_on: [ACTIVITY-WP-0009-T01]

FAIL::

    depends_on: [ACTIVITY-WP-0009-T99]                  (no such task)
    status: done  depends_on: [<a task still in wait>]
    T01 depends on T02, T02 depends on T01              (cycle)
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.config import CLOSED_TASK_STATUSES
from auditor.model import Severity, TaskSummary, WorkplanSummary
from auditor.rules.base import Context, Hit, Workspace

CODE = "WP032"
SEVERITY = Severity.error
SCOPE = "workspace"
SUMMARY = "unknown dependency, done task depending on an open one, or a dependency cycle"


def check(workspace: Workspace, ctx: Context) -> Iterator[Hit]:
    tasks: dict[str, tuple[WorkplanSummary, TaskSummary]] = {}
    for workplan in workspace.workplans:
        for task in workplan.tasks:
            if task.id:
                tasks.setdefault(task.id, (workplan, task))
    for workplan, task in tasks.values():
        if task.depends_on is None:
            continue
        line = task.depends_on_line
        for dependency in task.depends_on:
            if dependency not in tasks:
                yield Hit(workplan, f"depends on unknown task '{dependency}'", line, task_id=task.id)
                continue
            status = tasks[dependency][1].status
            if task.status == "done" and status not in CLOSED_TASK_STATUSES:
                yield Hit(workplan, f"task is done but depends on '{dependency}', which is '{status}'", line, task_id=task.id)
    graph = {task_id: task.depends_on for task_id, (_, task) in tasks.items() if task.depends_on is not None}
    for cycle in _cycles(graph):
        workplan, task = tasks[cycle[0]]
        yield Hit(workplan, "dependency cycle: " + " -> ".join([*cycle, cycle[0]]), task.depends_on_line, task_id=task.id)


def _cycles(graph: dict[str, list[str]]) -> Iterator[list[str]]:
    """Each dependency cycle once, starting at its smallest id (iterative DFS, no recursion limit)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    seen_cycles: set[tuple[str, ...]] = set()
    for start in sorted(graph):
        if start in state:
            continue
        path: list[str] = []
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(graph[start]))]
        state[start] = 1
        path.append(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif child not in graph:
                continue
            elif state.get(child) == 1:
                cycle = path[path.index(child):]
                pivot = cycle.index(min(cycle))
                key = tuple(cycle[pivot:] + cycle[:pivot])
                if key not in seen_cycles:
                    seen_cycles.add(key)
                    yield list(key)
            elif child not in state:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(graph[child])))
