"""Temporal, live: the executions ``consecutive_runs`` checks ask about, with their histories.

For each activity a check names, one visibility query lists the runs its schedule started and
the runs of its workflow type since the check's ``after`` day::

    (TemporalScheduledById = '<schedule_id>' OR WorkflowType = '<workflow type>')
      AND StartTime >= '<after>T00:00:00Z'

(a slot on a later day in any time zone starts after that instant). Each execution's history
is fetched and read by the same reader as the bundle's ``temporal/*.json`` exports, into the
same rows; ``path`` is ``temporal://<address>/<namespace>/<workflow id>/<run id>``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib.util
import os
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from auditor.config import TemporalConfig
from auditor.evidence.sources import temporal
from auditor.evidence.sources.base import LoadTarget, Problem, RunQuery, SourceReport, first_line, read_files, redact

if TYPE_CHECKING:
    import duckdb
    from temporalio.client import Client

CONCURRENT_FETCHES = 8
# Values are spliced into a visibility query; the scheduler's names are of this shape.
_QUERY_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


class LiveTemporalSource:
    name = temporal.NAME

    def configured(self, target: LoadTarget) -> bool:
        return target.sources.temporal is not None

    def load(self, db: duckdb.DuckDBPyConnection, target: LoadTarget) -> SourceReport:
        settings = target.sources.temporal
        assert settings is not None, "only chosen when configured"
        location = f"temporal://{settings.address}/{settings.namespace}"
        report = SourceReport("ok", location)
        queries = []
        for run in sorted(target.runs, key=lambda run: (run.activity, run.schedule_id, run.after)):
            query = visibility_query(run, settings)
            if query is None:
                report.add(Problem(location, 1, f"cannot ask for the runs of {run.activity!r}: ids must match {_QUERY_SAFE.pattern}"))
            else:
                queries.append(query)
        if not queries:  # no check asks about runs: nothing to connect for
            return report
        documents = ask(settings, report, lambda client, timeout: _fetch(client, timeout, queries))
        if documents is None:
            return report
        located = {f"{location}/{workflow_id}/{run_id}": (workflow_id, text) for (workflow_id, run_id), text in documents.items()}
        histories = read_files(report, sorted(located), lambda where: temporal.read_history(located[where][1], located[where][0]))
        report.records = temporal.insert_histories(db, target.repo, temporal.present(histories, target, report))
        return report


def visibility_query(run: RunQuery, settings: TemporalConfig) -> str | None:
    """The query for ``run``, or None when a value cannot be put in a query safely."""
    from contract.vocabulary import default_workflow_type

    workflow_type = settings.workflow_types.get(run.activity) or default_workflow_type(run.activity)
    if not (_QUERY_SAFE.fullmatch(run.schedule_id) and _QUERY_SAFE.fullmatch(workflow_type)):
        return None
    since = dt.datetime.combine(run.after, dt.time(), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"(TemporalScheduledById = '{run.schedule_id}' OR WorkflowType = '{workflow_type}') AND StartTime >= '{since}'"


Answer = TypeVar("Answer")


def ask(settings: TemporalConfig, report: SourceReport, work: Callable[[Client, dt.timedelta], Awaitable[Answer]]) -> Answer | None:
    """Connect to the cluster and do ``work`` with the client and the per-call timeout; when the
    cluster cannot be asked, None, and ``report`` fails with one line free of the API key."""
    api_key = os.environ.get(settings.api_key_env, "") if settings.api_key_env else None
    if api_key == "":
        report.fail(f"environment variable {settings.api_key_env} (the API key) is not set")
        return None
    if importlib.util.find_spec("temporalio") is None:
        report.fail("the Temporal SDK is not installed: pip install 'workplan-auditor[temporal]'")
        return None
    from temporalio.client import Client
    from temporalio.service import RPCError

    async def connected() -> Answer:
        client = await asyncio.wait_for(
            Client.connect(settings.address, namespace=settings.namespace, api_key=api_key, tls=settings.use_tls), settings.timeout
        )
        return await work(client, dt.timedelta(seconds=settings.timeout))

    try:
        return asyncio.run(connected())
    except TimeoutError:
        cause = f"Temporal at {settings.address} did not answer within {settings.timeout:g} s"
    except (RuntimeError, RPCError) as exc:  # the SDK's connection errors are RuntimeError, with a multi-line cause
        cause = f"Temporal at {settings.address} (namespace {settings.namespace}): {first_line(exc)}"
    report.fail(redact(cause, api_key))
    return None


async def _fetch(client: Client, timeout: dt.timedelta, queries: list[str]) -> dict[tuple[str, str], str]:
    """Every execution the queries list, as ``(workflow id, run id) -> history JSON``."""
    executions: dict[tuple[str, str], None] = {}
    for query in queries:
        async for execution in client.list_workflows(query, rpc_timeout=timeout):
            executions[(execution.id, execution.run_id)] = None
    limit = asyncio.Semaphore(CONCURRENT_FETCHES)
    texts = await asyncio.gather(*(_history(client, key, timeout, limit) for key in executions))
    return dict(zip(executions, texts, strict=True))


async def _history(client: Client, key: tuple[str, str], timeout: dt.timedelta, limit: asyncio.Semaphore) -> str:
    workflow_id, run_id = key
    async with limit:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history(rpc_timeout=timeout)
    return history.to_json()


SOURCE = LiveTemporalSource()
