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
LogFormatOption = Annotated[
    str | None, typer.Option("--log-format", help="Event log on stderr: text or json (default: $SCHEDULER_LOG_FORMAT, else text).")
]
ListenOption = Annotated[str | None, typer.Option(help="Serve /metrics, /healthz and /readyz on HOST:PORT.")]


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
    fail_on: Annotated[
        Literal["failed", "missed", "never"],
        typer.Option("--fail-on", help="Exit 1 when a run failed (failed), also when a slot was missed (missed), or never."),
    ] = "failed",
    log_format: LogFormatOption = None,
    textfile: Annotated[Path | None, typer.Option(help="Write the metrics here for node-exporter's textfile collector.")] = None,
) -> None:
    """Run every due slot, record missed ones, and exit (what a CronJob runs)."""
    from scheduler.commands.tick import tick as command

    _exit_with(lambda: command(config, now, fail_on=fail_on, log_format=log_format, textfile=textfile))


@app.command()
def serve(config: ConfigOption = DEFAULT_CONFIG_PATH, log_format: LogFormatOption = None, listen: ListenOption = None) -> None:
    """Tick in a loop, sleeping until the next slot; SIGTERM stops it cleanly."""
    from scheduler.commands.serve import serve as command

    _exit_with(lambda: command(config, log_format=log_format, listen=listen))


@app.command()
def trigger(
    name: Annotated[str, typer.Argument(help="Activity name.")], config: ConfigOption = DEFAULT_CONFIG_PATH,
    log_format: LogFormatOption = None,
) -> None:
    """Run an activity now, as a manual run."""
    from scheduler.commands.trigger import trigger as command

    _exit_with(lambda: command(config, name, log_format=log_format))


@app.command()
def backfill(
    name: Annotated[str, typer.Argument(help="Activity name.")],
    start: Annotated[str, typer.Option("--from", help="First day or instant (ISO 8601; the activity's zone if no offset).")],
    end: Annotated[str, typer.Option("--to", help="Last day or instant, included.")],
    config: ConfigOption = DEFAULT_CONFIG_PATH,
    log_format: LogFormatOption = None,
) -> None:
    """Run the past slots in a range now, as scheduled runs of those slots."""
    from scheduler.commands.backfill import backfill as command

    _exit_with(lambda: command(config, name, start, end, log_format=log_format))


@app.command()
def runs(
    config: ConfigOption = DEFAULT_CONFIG_PATH,
    activity: Annotated[str | None, typer.Option(help="Only this activity.")] = None,
    output_format: Annotated[Literal["text", "json"], typer.Option("--format", help="text, or JSON (schema scheduler.runs/v1).")] = "text",
    status: Annotated[str | None, typer.Option(help="Only this status (success, failed, timed_out, cancelled, running, missed).")] = None,
    trigger: Annotated[str | None, typer.Option(help="Only this trigger (schedule, manual, backfill).")] = None,
    since: Annotated[str | None, typer.Option(help="Only slots from this day or instant (ISO 8601, UTC if no offset).")] = None,
    until: Annotated[str | None, typer.Option(help="Only slots up to this day (included) or instant.")] = None,
    limit: Annotated[int, typer.Option(help="The newest N matching runs; 0 for all.")] = 50,
) -> None:
    """List recorded runs and missed slots: the 50 newest by default, oldest of them first."""
    from scheduler.commands.runs import RunFilter
    from scheduler.commands.runs import runs as command

    selection = RunFilter(activity, status, trigger, since, until, limit)
    _exit_with(lambda: command(config, activity, output_format, selection))


@app.command()
def status(config: ConfigOption = DEFAULT_CONFIG_PATH) -> None:
    """Per activity: schedule, last run, next slot, clean streak, missed and failed in the last 7 days."""
    from scheduler.commands.status import status as command

    _exit_with(lambda: command(config))


@app.command()
def logs(run_id: Annotated[str, typer.Argument(help="Run id (or workflow id) of a run.")], config: ConfigOption = DEFAULT_CONFIG_PATH) -> None:
    """Print the stored stdout and stderr tails of a run."""
    from scheduler.commands.logs import logs as command

    _exit_with(lambda: command(config, run_id))


@app.command()
def history(workflow_id: Annotated[str, typer.Argument(help="Workflow id of a run.")], config: ConfigOption = DEFAULT_CONFIG_PATH) -> None:
    """Print a run's history as `temporal workflow show --output json` does."""
    from scheduler.commands.history import history as command

    _exit_with(lambda: command(config, workflow_id))


@app.command()
def export(
    directory: Annotated[Path, typer.Argument(help="Directory to write the evidence bundle to.")],
    config: ConfigOption = DEFAULT_CONFIG_PATH,
    start: Annotated[str | None, typer.Option("--from", help="Window start (ISO 8601; UTC if no offset). Default: the first recorded slot.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Window end, included. Default: now.")] = None,
    temporal_address: Annotated[str | None, typer.Option(help="Temporal frontend host:port: activities with a Schedule there get its slots.")] = None,
    namespace: NamespaceOption = "default",
) -> None:
    """Write activity_runs.jsonl, task_spawn_log.jsonl, schedule_slots.jsonl and temporal/*.json for the auditor."""
    from scheduler.commands.export import export as command

    _exit_with(lambda: command(config, directory, start, end, temporal_address, namespace))


@app.command()
def report(
    html: Annotated[Path, typer.Option("--html", help="Write a self-contained HTML page of the runs to this file.")],
    days: Annotated[int, typer.Option(help="Days shown, up to today.")] = 90,
    config: ConfigOption = DEFAULT_CONFIG_PATH,
) -> None:
    """Per activity a calendar of its runs by outcome, with failures' output on focus."""
    from scheduler.commands.report import report as command

    _exit_with(lambda: command(config, html, days))


def _temporal_command(name: str, summary: str, listens: bool = False) -> None:
    """`scheduler temporal NAME`: both subcommands take the same connection options; the worker also `--listen`."""

    def run_with(config: Path, address: str, namespace: str, task_queue: str, **extra: object) -> None:
        try:
            module = importlib.import_module(f"scheduler.commands.temporal_{name}")
            run: Callable[..., int] = getattr(module, f"temporal_{name}")
            _exit_with(lambda: run(config, address, namespace, task_queue, **extra))
        except ModuleNotFoundError as missing:
            if (missing.name or "").partition(".")[0] != "temporalio":
                raise
            print_error("the Temporal SDK is not installed: pip install 'workplan-auditor[temporal]'")
            raise typer.Exit(2) from None

    def command(
        config: ConfigOption = DEFAULT_CONFIG_PATH,
        address: AddressOption = "localhost:7233",
        namespace: NamespaceOption = "default",
        task_queue: TaskQueueOption = "scheduler",
    ) -> None:
        run_with(config, address, namespace, task_queue)

    def listening_command(
        config: ConfigOption = DEFAULT_CONFIG_PATH,
        address: AddressOption = "localhost:7233",
        namespace: NamespaceOption = "default",
        task_queue: TaskQueueOption = "scheduler",
        listen: ListenOption = None,
    ) -> None:
        run_with(config, address, namespace, task_queue, listen=listen)

    chosen = listening_command if listens else command
    chosen.__doc__ = summary
    temporal_app.command(name)(chosen)


_temporal_command("apply", "Create or update one Temporal Schedule per activity.")
_temporal_command("worker", "Run a worker that executes the activities' commands for Temporal Schedules.", listens=True)


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write it.")] = DEFAULT_CONFIG_PATH,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write a commented starter scheduler.toml. Exit 0 written, 2 not written."""
    from scheduler.commands.init import init as command

    _exit_with(lambda: command(path, force))


@app.command()
def schema(name: Annotated[str, typer.Argument(help="config")]) -> None:
    """Print the JSON Schema of scheduler.toml ('config'); schemas/ holds it."""
    from scheduler.commands.schema import schema as command

    _exit_with(lambda: command(name))


def _print_version(requested: bool) -> None:
    if requested:
        from auditor import version

        typer.echo(f"scheduler (workplan-auditor) {version()}")
        raise typer.Exit()


@app.callback()
def _options(
    _version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Run activities on cron schedules and record them with Temporal-style history."""


def main() -> None:
    from scheduler.temporal.shutdown import run_and_exit

    run_and_exit(app)
