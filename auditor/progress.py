"""Progress bars for reading a large workspace and for long evidence collection: shown on a
terminal, silent otherwise (a pipe, a file, a CI log)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

ProgressCallback = Callable[[str, int, int], None]

READING_BAR_FROM = 300
"""Reading fewer files than this is quick enough to need no bar."""


@contextmanager
def reading_progress(console: Console | None, files: int) -> Iterator[ProgressCallback | None]:
    """A bar for reading ``files`` workplans, when there are enough of them to wait for."""
    with evidence_progress(console if files >= READING_BAR_FROM else None) as progress:
        yield progress


@contextmanager
def evidence_progress(console: Console | None) -> Iterator[ProgressCallback | None]:
    """Yield ``progress(description, done, total)``, or None when nobody can see a bar."""
    if console is None or not console.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def update(description: str, done: int, total: int) -> None:
            if description not in tasks:
                tasks[description] = bar.add_task(description, total=total)
            bar.update(tasks[description], completed=done, total=total)

        yield update
