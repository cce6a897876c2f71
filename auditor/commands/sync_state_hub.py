"""``auditor sync-state-hub``: compare each task's status with State Hub's, and push the workplan's.

Every task with a ``state_hub_task_id`` is looked up in the State Hub of its repo
(``[sources.state_hub]``); a difference is a WP050 finding. Without ``--apply`` the command
says what it would push and changes nothing; with it, the workplan's status is pushed (the
workplan is the source of truth). Exit 0: no drift, or every drift pushed; 1: drift left (a dry
run), or State Hub could not be read or a push failed; a repo without State Hub configured is a
:class:`~auditor.config.ConfigError` (exit 2).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

from auditor.commands.check import read
from auditor.config import Config, ConfigError, StateHubConfig
from auditor.linter import run_rules
from auditor.model import TaskSummary, WorkplanSummary
from auditor.report.text_format import finding_line
from auditor.rules import wp050_state_hub_drift
from auditor.rules.wp050_state_hub_drift import TaskInStateHub

if TYPE_CHECKING:
    from auditor.evidence.sources.http_service import ServiceClient


def run(targets: list[str], *, config: Config, apply: bool, console: Console) -> int:
    from auditor.evidence.sources.http_service import ServiceError, connect

    checked = read(targets, config)
    by_repo: dict[str, list[tuple[WorkplanSummary, TaskSummary]]] = {}
    for workplan, task in _linked_tasks(checked.workplans):
        by_repo.setdefault(workplan.repo or "", []).append((workplan, task))
    settings = {repo: _state_hub_of(repo, config) for repo in by_repo}
    failed = False
    compared_count = 0
    drifted: list[TaskInStateHub] = []
    for repo, linked in by_repo.items():
        try:
            with connect(settings[repo]) as client:
                compared = [TaskInStateHub(workplan, task, _hub_status(client, settings[repo], task)) for workplan, task in linked]
                compared_count += len(compared)
                for subject in compared:
                    if _drift_reported(subject, config, console):
                        drifted.append(subject)
                        if apply and not _push(client, settings[repo], subject, console):
                            failed = True
        except ServiceError as exc:
            console.print(f"[bold red]cannot compare[/] repo {escape(repo or '(none)')} with State Hub: {escape(str(exc))}", highlight=False)
            failed = True
    if not apply:
        for subject in drifted:
            console.print(f"would set {_describe(subject)}", highlight=False)
    console.print(f"{compared_count} tasks compared with State Hub, {len(drifted)} drifted", highlight=False)
    return 1 if failed or (drifted and not apply) else 0


def _drift_reported(subject: TaskInStateHub, config: Config, console: Console) -> bool:
    """Print the WP050 findings about ``subject`` (the rule's settings and directives apply)."""
    findings = list(run_rules([wp050_state_hub_drift], subject, config))
    for finding in findings:
        console.print(finding_line(finding), highlight=False, soft_wrap=True)
    return bool(findings)


def _linked_tasks(workplans: Iterable[WorkplanSummary]) -> Iterable[tuple[WorkplanSummary, TaskSummary]]:
    """Tasks that name their State Hub task and have a status to compare."""
    for workplan in workplans:
        for task in workplan.tasks:
            if isinstance(task.state_hub_task_id, str) and task.status:
                yield workplan, task


def _state_hub_of(repo: str, config: Config) -> StateHubConfig:
    settings = config.sources_for(repo).state_hub
    if settings is None:
        where = f"[repos.{repo}.sources.state_hub] or " if repo else ""
        raise ConfigError(f"repo {repo or '(none)'} has tasks with a state_hub_task_id but no {where}[sources.state_hub] in auditor.toml")
    return settings


def _hub_status(client: ServiceClient, settings: StateHubConfig, task: TaskSummary) -> str | None:
    """State Hub's status of the task, None when it has no such task."""
    record = client.get(settings.paths.task, absent_ok=True, task_id=task.state_hub_task_id)
    if record is None:
        return None
    if not isinstance(record, dict) or not isinstance(record.get("status"), str):
        raise client.error(f"task {task.state_hub_task_id}: expected an object with a 'status' string")
    return str(record["status"])


def _push(client: ServiceClient, settings: StateHubConfig, subject: TaskInStateHub, console: Console) -> bool:
    """Set State Hub's status to the workplan's; say how it went."""
    from auditor.evidence.sources.http_service import ServiceError

    if subject.hub_status is None:
        console.print(f"[bold red]not pushed[/] {_describe(subject)}: State Hub has no such task", highlight=False)
        return False
    try:
        client.send("PATCH", settings.paths.task, {"status": subject.task.status}, task_id=subject.task.state_hub_task_id)
    except ServiceError as exc:
        console.print(f"[bold red]not pushed[/] {_describe(subject)}: {escape(str(exc))}", highlight=False)
        return False
    console.print(f"pushed {_describe(subject)}", highlight=False)
    return True


def _describe(subject: TaskInStateHub) -> str:
    task = subject.task
    return escape(f"{task.id}: State Hub task {task.state_hub_task_id} {subject.hub_status or '(none)'} -> {task.status}")
