"""activity-core's PostgreSQL database as the source of ``activity_runs`` and ``task_spawn_log``,
against a real PostgreSQL server: the same rows as the bundle files, and every fault unknown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from auditor.config import Config
from auditor.evidence import audit
from auditor.evidence.sources import load, source_for
from auditor.evidence.sources.base import LoadTarget
from auditor.evidence.store import create
from tests.evidence.builders import REPO, Bundle, make_workplan
from tests.postgres_support import AUDITOR_PASSWORD, DATABASE, Postgres, postgres  # noqa: F401 - a fixture

DSN_ENV = "AUDITOR_TEST_ACTIVITY_DB_DSN"
SCHEMA = """
DROP SCHEMA IF EXISTS activity CASCADE;
CREATE SCHEMA activity;
CREATE TABLE activity.activity_runs (
    run_id uuid PRIMARY KEY, activity_name text NOT NULL, workflow_id text NOT NULL, workflow_run_id text,
    scheduled_for timestamptz, started_at timestamptz NOT NULL, finished_at timestamptz, status text NOT NULL,
    trigger text NOT NULL, attempts integer NOT NULL DEFAULT 1
);
CREATE TABLE activity.task_spawn_log (
    id bigserial PRIMARY KEY, run_id uuid NOT NULL, definition text NOT NULL, sink_type text NOT NULL,
    spec_hash text NOT NULL, external_ref text, created_at timestamptz NOT NULL
);
GRANT USAGE ON SCHEMA activity TO auditor;
GRANT SELECT ON ALL TABLES IN SCHEMA activity TO auditor;
"""
RUN = "0b4f2a52-8c1e-4c55-9a51-0d0a3c1f2e01"
RUNS = f"""
INSERT INTO activity.activity_runs VALUES
  ('{RUN}', 'daily_triage', 'daily_triage-2026-06-19T04:00:00Z', 'r-19', '2026-06-19 06:00+02', '2026-06-19 04:00:01+00',
   '2026-06-19 04:03:00+00', 'success', 'schedule', 1),
  ('1c5e3b63-9d2f-4d66-8b62-1e1b4d2a3f02', 'daily_triage', 'daily_triage-manual', NULL, NULL, '2026-06-19 10:00:00+00',
   NULL, 'running', 'manual', 1);
INSERT INTO activity.task_spawn_log (run_id, definition, sink_type, spec_hash, external_ref, created_at) VALUES
  ('{RUN}', 'stale-deps', 'issue_core_rest', 'h1', 'IC-1', '2026-06-20 10:00:00+00'),
  ('{RUN}', 'stale-deps', 'issue_core_rest', 'h2', 'IC-2', '2026-06-20 10:00:01+00');
"""
SPAWN = "spawn: {definition: stale-deps, sink: issue_core_rest, count: 2}"


@pytest.fixture
def database(postgres: Postgres, monkeypatch: pytest.MonkeyPatch) -> Postgres:
    postgres.execute(SCHEMA, RUNS)
    monkeypatch.setenv(DSN_ENV, postgres.dsn())
    return postgres


def config(**settings: object) -> Config:
    table = {"dsn_env": DSN_ENV, "schema": "activity", "connect_timeout": 5,
             "activity_runs": {"table": "activity_runs", "columns": {"activity": "activity_name"}},
             "task_spawn_log": {"table": "task_spawn_log", "columns": {"sink": "sink_type"}}, **settings}
    return Config.model_validate({"sources": {"activity_db": table}})


def judged(tmp_path: Path, block: str, settings: Config):
    workplan = make_workplan(tmp_path, block)
    return audit([workplan], evidence_dirs={REPO: tmp_path / "evidence"}, today=dt.date(2026, 6, 21), config=settings)


def rows(db, table: str) -> list[tuple]:
    return db.execute(f"SELECT * EXCLUDE (path, line) FROM {table} ORDER BY ALL").fetchall()


def test_the_database_fills_the_same_rows_as_the_bundle_files(database: Postgres, tmp_path: Path) -> None:
    bundle = Bundle(tmp_path / "bundle")
    bundle.append("activity_runs.jsonl",
                  {"run_id": RUN, "activity": "daily_triage", "workflow_id": "daily_triage-2026-06-19T04:00:00Z",
                   "workflow_run_id": "r-19", "scheduled_for": "2026-06-19T04:00:00Z", "started_at": "2026-06-19T04:00:01Z",
                   "finished_at": "2026-06-19T04:03:00Z", "status": "success", "trigger": "schedule"},
                  {"run_id": "1c5e3b63-9d2f-4d66-8b62-1e1b4d2a3f02", "activity": "daily_triage", "workflow_id": "daily_triage-manual",
                   "started_at": "2026-06-19T10:00:00Z", "status": "running", "trigger": "manual"})
    bundle.append("task_spawn_log.jsonl", *(
        {"run_id": RUN, "definition": "stale-deps", "sink": "issue_core_rest", "spec_hash": f"h{n}", "external_ref": f"IC-{n}",
         "created_at": f"2026-06-20T10:00:0{n - 1}Z"} for n in (1, 2)))
    live, files = create(), create()
    settings = config()
    live_target = LoadTarget(REPO, tmp_path / "none", sources=settings.sources_for(REPO))
    assert type(source_for("activity_runs", live_target)).__name__ == "ActivityDatabaseSource"
    load(live, [live_target])
    load(files, [LoadTarget(REPO, bundle.root)])
    for table in ("activity_runs", "task_spawn_log"):
        assert rows(live, table) == rows(files, table) and rows(live, table)
    states = dict(live.execute("SELECT source, state || ' ' || location FROM source_states").fetchall())
    assert states["activity_runs"] == f"ok postgresql://127.0.0.1:{database.port}/{DATABASE}/activity.activity_runs"
    assert live.execute("SELECT line, external_ref FROM task_spawn_log ORDER BY line").fetchall() == [(1, "IC-1"), (2, "IC-2")]


def test_a_check_passes_and_fails_on_database_rows_at_exact_positions(database: Postgres, tmp_path: Path) -> None:
    passing = judged(tmp_path, SPAWN, config()).verdicts[0]
    assert passing.verdict == "ready"
    assert [(ref.reference, ref.line) for ref in passing.checks[0].evidence] == [("IC-1", 1), ("IC-2", 2)]
    assert passing.checks[0].evidence[0].path.endswith("/activity.task_spawn_log")
    failing = judged(tmp_path, SPAWN.replace("count: 2", "count: 3"), config()).verdicts[0]
    assert failing.verdict == "not_ready"


def cause(result) -> str:
    (finding,) = [finding for finding in result.findings if finding.code == "WP043"]
    return finding.message


def test_a_server_that_is_down_is_unknown_with_a_one_line_cause(database: Postgres, tmp_path: Path, monkeypatch) -> None:
    from tests.temporal_support import free_port

    monkeypatch.setenv(DSN_ENV, database.dsn(port=free_port()))
    result = judged(tmp_path, SPAWN, config())
    assert result.verdicts[0].verdict == "unknown"
    message = cause(result)
    assert "task_spawn_log: unreadable (PostgreSQL: connection" in message and "\n" not in message
    assert AUDITOR_PASSWORD not in message


def test_bad_credentials_are_unknown_and_the_password_never_shows(database: Postgres, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(DSN_ENV, database.dsn(password="wrong-password-Zz9"))
    result = judged(tmp_path, SPAWN, config())
    assert result.verdicts[0].verdict == "unknown"
    message = cause(result)
    assert 'password authentication failed for user "auditor"' in message
    everything = result.model_dump_json()
    assert "wrong-password-Zz9" not in everything and "\n" not in message


RUN_ROW = (
    "consecutive_runs: {activity: daily_triage, after: 2026-06-18, count: 1, require: [run_row],"
    ' schedule: "0 6 * * *", timezone: Europe/Berlin}'
)


@pytest.mark.parametrize(
    ("statement", "block", "problem", "table"),
    [
        (f"UPDATE activity.activity_runs SET status = 'succeeded' WHERE run_id = '{RUN}'", RUN_ROW,
         "'status' is not one of success, failed, timed_out, cancelled, running, missed: succeeded", "activity_runs"),
        ("ALTER TABLE activity.task_spawn_log ALTER COLUMN created_at TYPE timestamp USING created_at AT TIME ZONE 'UTC'", SPAWN,
         "'created_at' is not an ISO 8601 timestamp with a UTC offset: 2026-06-20T10:00:00", "task_spawn_log"),
    ],
)
def test_a_malformed_value_is_unknown_at_its_row(
    database: Postgres, tmp_path: Path, statement: str, block: str, problem: str, table: str
) -> None:
    assert judged(tmp_path, block, config()).verdicts[0].verdict == "ready"
    database.execute(statement)
    result = judged(tmp_path, block, config())
    assert result.verdicts[0].verdict == "unknown"
    (first, *_) = [finding for finding in result.findings if finding.code == "WP044"]
    assert (first.line, problem in first.message, first.path.endswith(f"/activity.{table}")) == (1, True, True)


def test_a_row_written_twice_counts_once_and_a_conflicting_one_is_never_ready(database: Postgres, tmp_path: Path) -> None:
    insert = (
        "INSERT INTO activity.task_spawn_log (run_id, definition, sink_type, spec_hash, external_ref, created_at)"
        " VALUES ('{run}', 'stale-deps', 'issue_core_rest', 'h1', '{ref}', '2026-06-20 10:00:00+00')"
    )
    database.execute(insert.format(run=RUN, ref="IC-1"))
    result = judged(tmp_path, SPAWN.replace("count: 2", "count: 3"), config())
    assert result.verdicts[0].verdict == "not_ready"  # the exact repeat is one task, not a third
    assert [finding.code for finding in result.findings if finding.code.startswith("WP04")] == ["WP045"]
    database.execute(insert.format(run=RUN, ref="IC-9"))
    result = judged(tmp_path, SPAWN, config())
    assert result.verdicts[0].verdict == "unknown"
    assert any(finding.code == "WP044" and "conflicts with" in finding.message for finding in result.findings)


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"task_spawn_log": {"table": "spawn_log"}}, 'relation "activity.spawn_log" does not exist'),
        ({"task_spawn_log": {"table": "task_spawn_log", "columns": {"sink": "sink_name"}}}, 'column "sink_name" does not exist'),
    ],
)
def test_a_wrong_table_or_column_is_unknown_with_the_cause(database: Postgres, tmp_path: Path, settings: dict, words: str) -> None:
    result = judged(tmp_path, SPAWN, config(**settings))
    assert result.verdicts[0].verdict == "unknown" and words in cause(result)


def test_an_unset_connection_variable_is_unknown(database: Postgres, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(DSN_ENV)
    result = judged(tmp_path, SPAWN, config())
    assert f"environment variable {DSN_ENV} (the connection string) is not set" in cause(result)


def test_the_connection_is_read_only(database: Postgres) -> None:
    import psycopg

    from auditor.evidence.sources.live_activity_db import read_rows

    settings = config().sources.activity_db
    assert len(read_rows(settings, database.dsn(), "activity_runs")) == 2
    database.execute("GRANT INSERT ON activity.activity_runs TO auditor")
    with psycopg.connect(database.dsn(), options="-c default_transaction_read_only=on") as connection:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            connection.execute("DELETE FROM activity.activity_runs")


def test_a_query_over_the_statement_timeout_is_unknown(database: Postgres, tmp_path: Path) -> None:
    database.execute(
        "CREATE VIEW activity.slow_spawn_log AS SELECT * FROM activity.task_spawn_log WHERE (SELECT true FROM pg_sleep(5))",
        "GRANT SELECT ON activity.slow_spawn_log TO auditor",
    )
    settings = config(statement_timeout=0.2, task_spawn_log={"table": "slow_spawn_log", "columns": {"sink": "sink_type"}})
    result = judged(tmp_path, SPAWN, settings)
    assert result.verdicts[0].verdict == "unknown"
    assert "canceling statement due to statement timeout" in cause(result)
