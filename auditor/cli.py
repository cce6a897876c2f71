"""The ``auditor`` command line: parse options, call a command, exit with its code.

Exit codes are an API: 0 nothing at or above ``--fail-on``, 1 findings at or above it,
2 a usage or configuration error.
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Annotated, NoReturn, cast

import typer
from rich.console import Console
from rich.markup import escape

from common import version
from auditor.config import ConfigError, load_config
from common.redact import RedactingWriter

app = typer.Typer(
    no_args_is_help=True,
    help="Check workplans for consistency and judge their evidence.",
    pretty_exceptions_enable=False,
)

EXIT_USAGE = 2


def _print_version(requested: bool) -> None:
    if requested:
        typer.echo(f"auditor (workplan-auditor) {version()}")
        raise typer.Exit()


@app.callback()
def _options(
    _version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Check workplans for consistency and judge their evidence."""


class FailOn(str, enum.Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


TargetsArgument = Annotated[list[str] | None, typer.Argument(help="Repo names from auditor.toml, directories or files.")]
ConfigOption = Annotated[Path | None, typer.Option("--config", help="Config file (default ./auditor.toml when present).")]
TodayOption = Annotated[dt.datetime | None, typer.Option("--today", formats=["%Y-%m-%d"], help="The audit's today (default: now).")]
EvidenceOption = Annotated[Path | None, typer.Option("--evidence", help="Evidence bundle directory for the targets.")]
FromSnapshotOption = Annotated[Path | None, typer.Option("--from-snapshot", help="Judge from a kept evidence database.")]


def _fail(message: str) -> NoReturn:
    _stderr().print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_USAGE)


def _exit_with(command: Callable[[], int]) -> NoReturn:
    """Run a command and exit with its code; a configuration problem is exit 2 with one line."""
    try:
        code = command()
    except ConfigError as exc:
        _fail(str(exc))
    raise typer.Exit(code)


def _stdout() -> Console:
    return Console(file=cast("IO[str]", RedactingWriter(sys.stdout)), soft_wrap=True, emoji=False)


def _stderr() -> Console:
    return Console(file=cast("IO[str]", RedactingWriter(sys.stderr)), stderr=True)


def _day(today: dt.datetime | None) -> dt.date | None:
    from auditor.evidence.checks.base import LATEST_DAY

    if today is not None and today.date() > LATEST_DAY:
        raise ConfigError(f"--today {today.date()}: must be on or before {LATEST_DAY}")
    return today.date() if today else None


@app.command()
def check(
    targets: TargetsArgument = None,
    config: ConfigOption = None,
    formats: Annotated[
        list[str] | None,
        typer.Option("--format", help="Report format, repeatable: NAME (to --output, else stdout) or NAME=FILE; docs/output.md lists them."),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the format given without =FILE to this file.")] = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="Lowest severity that makes the exit code 1.")] = FailOn.error,
    evidence: EvidenceOption = None,
    today: TodayOption = None,
    snapshot: Annotated[Path | None, typer.Option("--snapshot", help="Keep the evidence database in this file.")] = None,
    from_snapshot: FromSnapshotOption = None,
    strict_evidence: Annotated[bool, typer.Option("--strict-evidence", help="Unknown verdicts are errors.")] = False,
    cache_dir: Annotated[
        Path | None, typer.Option("--cache-dir", help="Where to keep per-file results (default $XDG_CACHE_HOME/workplan-auditor).")
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Read and lint every file afresh; neither use nor write the cache.")] = False,
) -> None:
    """Check workplans, judge their evidence, and report."""
    from auditor.cache import default_cache_dir
    from auditor.commands import check as command

    def run() -> int:
        outputs = command.destinations(formats or [], output)
        settings = load_config(config)
        options = command.EvidenceOptions(
            evidence_dir=evidence, today=_day(today), snapshot=snapshot, from_snapshot=from_snapshot, strict=strict_evidence
        )
        return command.run(
            targets or [],
            config=settings,
            outputs=outputs,
            fail_on=fail_on.value,
            console=_stdout(),
            # A bar on stderr would still land in a terminal capture of JSON: JSON gets none.
            status=None if any(destination.format == "json" for destination in outputs) else _stderr(),
            evidence=options,
            cache_dir=None if no_cache else cache_dir or default_cache_dir(),
        )

    _exit_with(run)


@app.command()
def close(
    targets: TargetsArgument = None,
    config: ConfigOption = None,
    apply: Annotated[bool, typer.Option("--apply", help="Write the changes (default: print the diff).")] = False,
    evidence: EvidenceOption = None,
    today: TodayOption = None,
    from_snapshot: FromSnapshotOption = None,
) -> None:
    """Close tasks whose evidence is ready, in place, and release what they unblock."""
    from auditor.commands import close as command
    from auditor.commands.check import EvidenceOptions

    _exit_with(
        lambda: command.run(
            targets or [],
            config=load_config(config),
            evidence=EvidenceOptions(evidence_dir=evidence, today=_day(today), from_snapshot=from_snapshot),
            apply=apply,
            console=_stdout(),
            status=_stderr(),
        )
    )


@app.command("sync-state-hub")
def sync_state_hub(
    targets: TargetsArgument = None,
    config: ConfigOption = None,
    apply: Annotated[bool, typer.Option("--apply", help="Push the workplans' statuses to State Hub (default: say what would change).")] = False,
) -> None:
    """Compare task statuses with State Hub (WP050); with --apply, push the workplans' statuses.
    Exit 0 no drift or all pushed, 1 drift left or a failure, 2 a usage or config error."""
    from auditor.commands import sync_state_hub as command

    _exit_with(lambda: command.run(targets or [], config=load_config(config), apply=apply, console=_stdout()))


@app.command()
def explain(
    task_id: Annotated[str, typer.Argument(help="The task whose verdict to explain, e.g. ACTIVITY-WP-0009-T01.")],
    targets: Annotated[list[str] | None, typer.Argument(help="Where to find it (default: every configured repo).")] = None,
    config: ConfigOption = None,
    evidence: EvidenceOption = None,
    today: TodayOption = None,
    from_snapshot: FromSnapshotOption = None,
    output_format: Annotated[str, typer.Option("--format", help="text, or json (schema auditor.explain/v1).")] = "text",
) -> None:
    """Print one task's evidence verdict in full, with provenance. Exit 0 verdict shown,
    1 the task has no evidence verdict, 2 no such task."""
    from auditor.commands import explain as command
    from auditor.commands.check import evidence_dirs, read

    def run() -> int:
        settings = load_config(config)
        checked = read(targets or [], settings)
        return command.run(
            task_id,
            workplans=checked.with_evidence,
            workspace=checked.workplans,
            evidence_dirs=evidence_dirs(checked.targets, checked.workplans, evidence),
            today=_day(today) or dt.date.today(),
            console=_stdout(),
            from_snapshot=from_snapshot,
            config=settings,
            output_format=output_format,
        )

    _exit_with(run)


@app.command()
def schema(name: Annotated[str, typer.Argument(help="task | evidence | frontmatter | config | report")]) -> None:
    """Print a JSON Schema: 'task', 'evidence' and 'frontmatter' (workplan blocks), 'config'
    (auditor.toml) or 'report' (the JSON report). schemas/ holds each."""
    from auditor.commands import schema as command

    raise typer.Exit(command.run(name, _stdout()))


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write it.")] = Path("auditor.toml"),
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write a commented starter auditor.toml. Exit 0 written, 2 not written."""
    from auditor.commands import init as command

    _exit_with(lambda: command.run(path, force=force, console=_stdout()))


@app.command("rules")
def list_rules(
    markdown: Annotated[bool, typer.Option("--markdown", help="Write docs/rules.md instead of the list.")] = False,
) -> None:
    """List every rule: code, default severity, summary."""
    from auditor.commands import rules as command

    raise typer.Exit(command.run(_stdout(), markdown=markdown))


def main() -> None:
    from scheduler.temporal.shutdown import run_and_exit

    try:
        run_and_exit(app)  # a live Temporal source loads the SDK, whose threads can break exit
    except KeyboardInterrupt:
        sys.exit(130)
