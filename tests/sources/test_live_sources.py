"""Live State Hub, notes and issue-core sources: the same rows as the bundle files, and every
fault makes the checks that need them unknown, never ready, with the cause on one line."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from auditor.config import Config, RepoConfig, SourcesConfig
from auditor.evidence import Audit, audit, store
from auditor.evidence.sources import SOURCES, load, source_for
from auditor.evidence.sources.base import LoadTarget
from tests.evidence.builders import REPO, Bundle, make_workplan
from tests.sources.support import FAULTS, issue_core, notes, page, requests_to, state_hub

TODAY = dt.date(2026, 6, 20)
FEEDBACK = {"id": "f1", "kind": "calibration", "subject": "triage", "recorded_at": "2026-06-11T09:00:00Z"}
SPAWNED = {"run_id": "run-1", "definition": "stale-deps", "sink": "issue_core_rest", "spec_hash": "h1",
           "external_ref": "IC-1", "created_at": "2026-06-19T10:00:00Z"}


@dataclass(frozen=True)
class LiveCase:
    """One live source: a block that needs it, its endpoint, a good answer, and its config."""

    block: str
    endpoint: str
    answer: Any
    configure: Callable[[HTTPServer], SourcesConfig]


CASES = {
    "state_hub.feedback": LiveCase(
        "feedback: {kind: calibration, after: 2026-06-07}", "/api/feedback", page([FEEDBACK]),
        lambda server: SourcesConfig(state_hub=state_hub(server)),
    ),
    "notes": LiveCase(
        "note: {name: rollback-*, after: 2026-06-07}", "/api/notes", page([{"name": "rollback-drill", "date": "2026-06-10"}]),
        lambda server: SourcesConfig(notes=notes(server)),
    ),
    "issue_core": LiveCase(
        "spawn: {definition: stale-deps, sink: issue_core_rest, count: 1, refs_resolve: true}", "/api/tasks/IC-1",
        {"status": "open", "title": "Bump a stale dependency"},
        lambda server: SourcesConfig(issue_core=issue_core(server)),
    ),
}


def judge(tmp_path: Path, bundle: Bundle, case: LiveCase, sources: SourcesConfig, server: HTTPServer | None = None) -> Audit:
    """Judge the case's block; the other listings of a configured service answer empty pages."""
    bundle.append("task_spawn_log.jsonl", SPAWNED)  # the references issue-core resolves
    for listing in ("/api/progress", "/api/decisions", "/api/feedback", "/api/messages"):
        if server is not None and listing != case.endpoint:
            server.expect_request(listing).respond_with_json(page([]))
    workplan = make_workplan(tmp_path, case.block)
    return audit([workplan], evidence_dirs={REPO: bundle.root}, today=TODAY, config=Config(sources=sources))


def one_verdict(result: Audit) -> str:
    (verdict,) = result.verdicts
    return verdict.verdict


@pytest.mark.parametrize("name", CASES)
def test_a_live_source_that_answers_is_judged_on(tmp_path: Path, bundle: Bundle, httpserver: HTTPServer, token: str, name: str) -> None:
    case = CASES[name]
    httpserver.expect_request(case.endpoint).respond_with_json(case.answer)
    result = judge(tmp_path, bundle, case, case.configure(httpserver), httpserver)
    assert one_verdict(result) == "ready", result.findings
    assert requests_to(httpserver, case.endpoint)


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("name", CASES)
def test_a_failing_live_source_makes_its_checks_unknown_naming_source_and_cause(
    tmp_path: Path, bundle: Bundle, httpserver: HTTPServer, token: str, name: str, fault: str
) -> None:
    case = CASES[name]
    handler, cause = FAULTS[fault]
    httpserver.expect_request(case.endpoint).respond_with_handler(handler)
    result = judge(tmp_path, bundle, case, case.configure(httpserver), httpserver)
    assert one_verdict(result) == "unknown"
    (unknown,) = [finding for finding in result.findings if finding.code == "WP043"]
    (unreadable,) = [finding for finding in result.findings if finding.code == "WP044"]
    assert f"{name}: unreadable (GET {httpserver.url_for(case.endpoint)}" in unknown.message and cause in unknown.message
    assert unreadable.message.startswith(f"{name} (repo {REPO}): GET ") and cause in unreadable.message
    assert "\n" not in unknown.message + unreadable.message


@pytest.mark.parametrize("name", CASES)
def test_a_5xx_then_an_answer_is_retried_and_judged_on(tmp_path: Path, bundle: Bundle, httpserver: HTTPServer, token: str, name: str) -> None:
    case = CASES[name]
    httpserver.expect_oneshot_request(case.endpoint).respond_with_data("restarting", status=502)
    httpserver.expect_request(case.endpoint).respond_with_json(case.answer)
    assert one_verdict(judge(tmp_path, bundle, case, case.configure(httpserver), httpserver)) == "ready"
    assert len(requests_to(httpserver, case.endpoint)) == 2


STATE_HUB_RECORDS = {
    "state_hub.progress": ("/api/progress", "progress", [
        {"id": "p1", "key": "daily_triage", "for_date": "2026-06-08", "status": "done", "recorded_at": "2026-06-08T04:20:00Z"},
        {"id": "p2", "workstream_id": "w", "task_id": "t", "key": "daily_triage", "for_date": "2026-06-09",
         "status": "failed", "recorded_at": "2026-06-09T06:20:00+02:00", "workflow_id": "daily_triage-2026-06-09"},
        {"id": "p3", "key": "daily_triage", "for_date": "2026-06-10", "status": "done", "recorded_at": "2026-06-10T04:20:00Z"},
    ]),
    "state_hub.decisions": ("/api/decisions", "decisions", [
        {"id": "d1", "title": "Duplicate handling", "status": "accepted", "recorded_at": "2026-06-12T10:00:00Z"},
    ]),
    "state_hub.feedback": ("/api/feedback", "feedback", [FEEDBACK, {**FEEDBACK, "id": "f2", "subject": None}]),
    "state_hub.messages": ("/api/messages", "messages", [
        {"id": "m1", "subject": "triage report", "recorded_at": "2026-06-08T05:00:00Z"}, {"id": "m2", "recorded_at": "2026-06-09T05:00:00Z"},
    ]),
}


def rows(db: Any, table: str) -> list[tuple]:
    return db.execute(f"SELECT * EXCLUDE (path) FROM {table} ORDER BY ALL").fetchall()


def load_both(bundle: Bundle, sources: SourcesConfig) -> tuple[Any, Any]:
    """The store loaded from the bundle files, and loaded with the live sources configured."""
    from_files, live = store.create(), store.create()
    load(from_files, [LoadTarget(REPO, bundle.root)])
    load(live, [LoadTarget(REPO, bundle.root, sources=sources)])
    return from_files, live


def test_state_hub_listings_fill_the_same_rows_as_the_bundle_files(bundle: Bundle, httpserver: HTTPServer, token: str) -> None:
    for endpoint, _, records in STATE_HUB_RECORDS.values():
        bundle.append(f"state_hub/{endpoint.rsplit('/', 1)[1]}.jsonl", *records)
        # Two pages: the second is asked for with the cursor the first gave.
        httpserver.expect_request(endpoint, query_string="limit=100").respond_with_json(page(records[:1], "second"))
        httpserver.expect_request(endpoint, query_string="limit=100&cursor=second").respond_with_json(page(records[1:]))
    from_files, live = load_both(bundle, SourcesConfig(state_hub=state_hub(httpserver)))
    for name, (endpoint, table, records) in STATE_HUB_RECORDS.items():
        assert rows(live, table) == rows(from_files, table) and len(rows(live, table)) == len(records)
        assert live.execute(f"SELECT DISTINCT path FROM {table}").fetchall() == [(httpserver.url_for(endpoint),)]
        state = live.execute("SELECT state, location, records FROM source_states WHERE source = ?", [name]).fetchone()
        assert state == ("ok", httpserver.url_for(endpoint), len(records))


def test_live_notes_fill_the_same_rows_as_note_files(bundle: Bundle, httpserver: HTTPServer, token: str) -> None:
    bundle.note("daily-triage-2026-06-08")
    bundle.note("rollback-drill", "---\ndate: 2026-06-10\ntitle: Rollback drill\n---\nDone.\n")
    bundle.note("handover", "---\ncreated: 2026-06-11\n---\n")
    httpserver.expect_request("/api/notes").respond_with_json(page([
        {"name": "daily-triage-2026-06-08"}, {"name": "rollback-drill", "date": "2026-06-10", "title": "Rollback drill"},
        {"name": "handover", "created": "2026-06-11", "body": "ignored"},
    ]))
    from_files, live = load_both(bundle, SourcesConfig(notes=notes(httpserver)))
    assert rows(live, "notes") == rows(from_files, "notes") and len(rows(live, "notes")) == 3


def test_live_issue_core_resolves_the_spawn_log_references(bundle: Bundle, httpserver: HTTPServer, token: str) -> None:
    bundle.append(
        "task_spawn_log.jsonl", SPAWNED, {**SPAWNED, "spec_hash": "h2", "external_ref": "IC-2"}, {**SPAWNED, "spec_hash": "h3", "external_ref": "IC-404"}
    )
    bundle.append("issue_core/tasks.jsonl", {"ref": "IC-1", "status": "open"}, {"ref": "IC-2", "status": "done", "title": "t"})
    httpserver.expect_request("/api/tasks/IC-1").respond_with_json({"status": "open"})
    httpserver.expect_request("/api/tasks/IC-2").respond_with_json({"ref": "IC-2", "status": "done", "title": "t"})
    httpserver.expect_request("/api/tasks/IC-404").respond_with_data("no such task", status=404)
    from_files, live = load_both(bundle, SourcesConfig(issue_core=issue_core(httpserver)))
    assert rows(live, "issue_tasks") == rows(from_files, "issue_tasks") and len(rows(live, "issue_tasks")) == 2
    assert live.execute("SELECT state FROM source_states WHERE source = 'issue_core'").fetchone() == ("ok",)


def test_a_malformed_record_is_a_problem_at_its_position_and_the_rest_load(bundle: Bundle, httpserver: HTTPServer, token: str) -> None:
    httpserver.expect_request("/api/feedback").respond_with_json(page([FEEDBACK, {"id": "f2", "kind": "calibration"}, "f3"]))
    httpserver.expect_request("/api/notes").respond_with_json(page([{"name": "ok"}, {"title": "no name"}]))
    httpserver.expect_request(re.compile("/api/.*")).respond_with_json(page([]))  # the other listings
    _, live = load_both(bundle, SourcesConfig(state_hub=state_hub(httpserver), notes=notes(httpserver)))
    problems = live.execute("SELECT source, path, line, message FROM source_problems ORDER BY ALL").fetchall()
    assert problems == [
        ("notes", httpserver.url_for("/api/notes"), 2, "not a note: expected an object with a 'name' string"),
        ("state_hub.feedback", httpserver.url_for("/api/feedback"), 2, "'recorded_at' is missing"),
        ("state_hub.feedback", httpserver.url_for("/api/feedback"), 3, "not a JSON object"),
    ]
    assert [row[1] for row in rows(live, "feedback")] == ["f1"] and [row[1] for row in rows(live, "notes")] == ["ok"]


def test_a_configured_live_source_replaces_the_bundle_files(tmp_path: Path, bundle: Bundle, httpserver: HTTPServer, token: str) -> None:
    case = CASES["state_hub.feedback"]
    bundle.append("state_hub/feedback.jsonl", FEEDBACK)  # would make the check pass
    httpserver.expect_request(case.endpoint).respond_with_json(page([]))
    assert one_verdict(judge(tmp_path, bundle, case, SourcesConfig())) == "ready"
    assert one_verdict(judge(tmp_path, bundle, case, case.configure(httpserver), httpserver)) == "not_ready"


def test_the_repo_table_wins_over_the_workspace_table(tmp_path: Path, httpserver: HTTPServer) -> None:
    workspace = state_hub(httpserver, url="https://hub.example")
    config = Config(sources=SourcesConfig(state_hub=workspace), repos={
        REPO: RepoConfig(path=tmp_path, sources=SourcesConfig(state_hub=state_hub(httpserver))),
    })
    chosen = {name: type(source_for(name, LoadTarget(REPO, None, sources=config.sources_for(REPO)))).__name__ for name in SOURCES}
    assert config.sources_for(REPO).state_hub.url == httpserver.url_for("").rstrip("/")
    assert config.sources_for("another-repo").state_hub == workspace
    assert chosen["state_hub.progress"] == "StateHubListing" and chosen["notes"] == "NotesSource"


@pytest.mark.parametrize(("environment", "verdict"), [("production", "ready"), ("staging", "not_ready")])
def test_where_and_message_read_live_state_hub_records_whole(
    tmp_path: Path, bundle: Bundle, httpserver: HTTPServer, token: str, environment: str, verdict: str
) -> None:
    decision = {"id": "d1", "title": "issue-core credentials approved", "status": "accepted",
                "environment": environment, "recorded_at": "2026-06-19T10:00:00Z"}
    message = {"id": "m1", "subject": "llm-connect", "body": "fixture smoke passed", "recorded_at": "2026-06-18T09:41:00Z"}
    case = LiveCase(
        "decision: {id: d1, where: {environment: production}}\nmessage: {id: m1, after: 2026-06-17, contains: smoke passed}",
        "/api/decisions", page([decision]), lambda server: SourcesConfig(state_hub=state_hub(server)),
    )
    httpserver.expect_request("/api/decisions").respond_with_json(case.answer)
    httpserver.expect_request("/api/messages").respond_with_json(page([message]))
    for listing in ("/api/progress", "/api/feedback"):
        httpserver.expect_request(listing).respond_with_json(page([]))
    workplan = make_workplan(tmp_path, case.block)
    result = audit([workplan], evidence_dirs={REPO: bundle.root}, today=TODAY, config=Config(sources=case.configure(httpserver)))
    assert one_verdict(result) == verdict, result.findings


@pytest.mark.parametrize("name", CASES)
def test_a_repeated_json_key_in_a_live_answer_is_malformed(
    tmp_path: Path, bundle: Bundle, httpserver: HTTPServer, token: str, name: str
) -> None:
    case = CASES[name]
    text = json.dumps(case.answer)
    repeated = text.replace('"status": "open"', '"status": "closed", "status": "open"').replace(
        '"kind": "calibration"', '"kind": "other", "kind": "calibration"').replace('"name": "rollback-drill"', '"name": "x", "name": "rollback-drill"')
    assert repeated != text
    httpserver.expect_request(case.endpoint).respond_with_data(repeated, content_type="application/json")
    result = judge(tmp_path, bundle, case, case.configure(httpserver), httpserver)
    assert one_verdict(result) == "unknown"
    (unreadable,) = [finding for finding in result.findings if finding.code == "WP044"]
    assert "is given twice" in unreadable.message


@pytest.mark.parametrize(("records", "verdict", "code"), [
    ([{**FEEDBACK, "recorded_at": "2026-06-11T09:00:00+14:30"}], "unknown", "WP044"),
    ([FEEDBACK, {**FEEDBACK, "subject": "other"}], "unknown", "WP044"),
    ([FEEDBACK, FEEDBACK], "ready", "WP045"),
    ([{**FEEDBACK, "recorded_at": "2026-06-21T00:00:00Z"}], "not_ready", "WP046"),
])
def test_live_records_meet_the_same_contract_as_bundle_lines(
    tmp_path: Path, bundle: Bundle, httpserver: HTTPServer, token: str, records: list, verdict: str, code: str
) -> None:
    case = CASES["state_hub.feedback"]
    httpserver.expect_request(case.endpoint).respond_with_json(page(records))
    result = judge(tmp_path, bundle, case, case.configure(httpserver), httpserver)
    assert one_verdict(result) == verdict
    (finding,) = [finding for finding in result.findings if finding.code == code]
    assert (finding.path, finding.line) == (httpserver.url_for(case.endpoint), len(records))
