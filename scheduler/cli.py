"""The `scheduler` command line: parses options, calls a command, exits with its code.

Command modules are imported inside each subcommand so that `scheduler tick` never imports
what only `runs`, `export` or `temporal` need.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Literal, NoReturn

import typer

from scheduler.config import DEFAULT_CONFIG_PATH, ConfigError
from scheduler.output import print_error

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    # Locals could hold a sink token: never show them, even for an unexpected error.
    pretty_exceptions_show_locals=False,
    help="Run activities on cron schedules and record them with Temporal-style history.",
)
temporal_app = typer.Typer(no_args_is_help=True, help="Run the same definitions on a Temporal cluster.")
app.add_typer(temporal_app, name="temporal")

ConfigOption = Annotated[Path, typer.Option("--config", "-c", help="Activity definitions (TOML).")]
AddressOption = Annotated[str, typer.Option(help="Temporal frontend host:port.")]
NamespaceOption = Annotated[str, typer.Option(help="Temporal namespace.")]
TaskQueueOption = Annotated[str, typer.Option(help="Task queue the schedules start workflows on.")]


def _exit_with(command: Callable[[], int]) -> NoReturn:
    from scheduler.commands import (
        EXIT_RUN_FAILED,
        EXIT_USAGE,
        OperationalError,
        UsageError,
    )
    from scheduler.store import StoreError

    try:
        code = command()
    except ConfigError as exc:
        for line in exc.lines:
            print_error(line)
        code = EXIT_USAGE
    except UsageError as exc:
        print_error(str(exc))
        code = EXIT_USAGE
    except (StoreError, OperationalError) as exc:
        print_error(str(exc))
        code = EXIT_RUN_FAILED
    raise typer.Exit(code)


@app.command()
def tick(
    config: ConfigOption = DEFAULT_CONFIG_PATH,
    now: Annotated[str | None, typer.Option(help="Pretend it is this instant (ISO 8601; UTC if no offset).")] = None,
) -> None:
    """Run every due slot, record missed ones, and exit (what a CronJob runs)."""
    from scheduler.commands.tick import tick as command

    _exit_with(lambda: command(config, now))


@app.command()
def serve(config: ConfigOption = DEFAULT_CONFIG_PATH) -> None:
    """Tick in a loop, sleeping until the next slot; SIGTERM stops it cleanly."""
    from scheduler.commands.serve import serve as command

    _exit_with(lambda: command(config))


@app.command()
def trigger(name: Annotated[str, typer.Argument(help="Activity name.")], config: ConfigOption = DEFAULT_CONFIG_PATH) -> None:
    """Run an activity now, as a manual run."""
    from scheduler.commands.trigger import trigger as command

    _exit_with(lambda: command(config, name))


@app.command()
def backfill(
    name: Annotated[str, typer.Argument(help="Activity name.")],
    start: Annotated[str, typer.Option("--from", help="First day or instant (ISO 8601; the activity's zone if no offset).")],
    end: Annotated[str, typer.Option("--to", help="Last day or instant, included.")],
    config: ConfigOption = DEFAULT_CONFIG_PATH,
) -> None:
    """Run the past slots in a range now, as scheduled runs of those slots."""
    from scheduler.commands.backfill import backfill as command

    _exit_with(lambda: command(config, name, start, end))


@app.command()
def runs(
    config: ConfigOption = DEFAULT_CONFIG_PATH,
    activity: Annotated[str | None, typer.Option(help="Only this activity.")] = None,
    output_format: Annotated[Literal["text", "json"], typer.Option("--format", help="text, or JSON (schema scheduler.runs/v1).")] = "text",
) -> None:
    """List recorded runs and missed slots."""
    from scheduler.commands.runs import runs as command

    _exit_with(lambda: command(config, activity, output_format))


@app.command()
def history(workflow_id: Annotated[str, typer.Argument(help="Workflow id of a run.")], config: ConfigOption = DEFAULT_CONFIG_PATH) -> None:
    """Print a run's history as `temporal workflow show --output json` does."""
    from scheduler.commands.history import history as command

    _exit_with(lambda: command(config, workflow_id))


@app.command()
def export(directory: Annotated[Path, typer.Argument(help="Directory to write the evidence bundle to.")], config: ConfigOption = DEFAULT_CONFIG_PATH) -> None:
    """Write activity_runs.jsonl, task_spawn_log.jsonl and temporal/*.json for the auditor."""
    from scheduler.commands.export import export as command

    _exit_with(lambda: command(config, directory))


@app.command()
def report(
    html: Annotated[Path, typer.Option("--html", help="Write a self-contained HTML page of the runs to this file.")],
    days: Annotated[int, typer.Option(help="Days shown, up to today.")] = 90,
    config: ConfigOption = DEFAULT_CONFIG_PATH,
) -> None:
    """Per activity a calendar of its runs by outcome, with failures' output on focus."""
    from scheduler.commands.report import report as command

    _exit_with(lambda: command(config, html, days))


def _temporal_command(name: str, summary: str) -> None:
    """`scheduler temporal NAME`: both subcommands take the same connection options."""

    def command(
        config: ConfigOption = DEFAULT_CONFIG_PATH,
        address: AddressOption = "localhost:7233",
        namespace: NamespaceOption = "default",
        task_queue: TaskQueueOption = "scheduler",
    ) -> None:
        module = importlib.import_module(f"scheduler.commands.temporal_{name}")
        run: Callable[[Path, str, str, str], int] = getattr(module, f"temporal_{name}")
        _exit_with(lambda: run(config, address, namespace, task_queue))

    command.__doc__ = summary
    temporal_app.command(name)(command)


_temporal_command("apply", "Create or update one Temporal Schedule per activity.")
_temporal_command("worker", "Run a worker that executes the activities' commands for Temporal Schedules.")


def main() -> None:
    from scheduler.temporal.shutdown import run_and_exit

    run_and_exit(app)
