"""The evidence block grammar: what parses, and every error with its exact line (WP042)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.evidence import audit
from auditor.evidence.block import json_schema, parse_block
from auditor.evidence.checks import CHECKS
from auditor.parse.workplan import parse_workplan
from tests.evidence.builders import BLOCK_LINE, make_workplan


def errors(text: str) -> list[tuple[int, str]]:
    return [(error.line, error.message) for error in parse_block(text, BLOCK_LINE).errors]


def test_a_block_becomes_a_tree_of_checks() -> None:
    spec = parse_block(
        "consecutive_runs: {activity: daily_triage, after: 2026-06-07, count: 3}\n"
        "any:\n"
        "  - spawn: {definition: triage, sink: null}\n"
        "  - all:\n"
        "      - progress: {key: probe, on: 2026-06-17}\n"
        "unblocks: [ACTIVITY-WP-0006-T03]\n",
        BLOCK_LINE,
    ).spec
    assert spec is not None and spec.unblocks == ("ACTIVITY-WP-0006-T03",)
    runs, alternatives = spec.checks
    assert (runs.kind, runs.line, runs.args.schedule, runs.args.note_template) == ("consecutive_runs", 21, "0 0 * * *", "daily-triage-{date}")
    spawn, nested = alternatives.children
    assert (spawn.args.sink, nested.kind, nested.children[0].args.on) == ("null", "all", dt.date(2026, 6, 17))
    assert [node.line for node in (alternatives, spawn, nested, nested.children[0])] == [22, 23, 24, 25]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("feedback: {kind: calibration}\n", [(21, "feedback: 'after' is missing")]),
        ("feedback:\n  kind: calibration\n  after: soon\n", [(23, "feedback: 'after': Input should be a valid date or datetime, input is too short")]),
        ("feedback: {kind: x, after: 2026-06-07, colour: red}\n", [(21, "feedback: unknown argument 'colour'")]),
        ("consecutive_run: {activity: x}\n", [(21, "unknown check 'consecutive_run' (known: consecutive_runs, feedback, decision, progress, message, note, spawn, file_exists, file_contains, heading, task, file_not_contains, manifest, all, any, unblocks)")]),
        ("note: daily-triage-*\n", [(21, "note: arguments must be a mapping (e.g. 'note: {...}')")]),
        ("consecutive_runs:\n  activity: x\n  after: 2026-06-07\n  count: 0\n", [(24, "consecutive_runs: 'count': Input should be greater than or equal to 1")]),
        ("consecutive_runs:\n  activity: x\n  after: 2026-06-07\n  count: 3\n  schedule: every day\n", [(25, "consecutive_runs: 'schedule': 'every day' is not a valid cron expression")]),
        ("consecutive_runs:\n  activity: x\n  after: 2026-06-07\n  count: 3\n  timezone: Mars/Olympus\n", [(25, "consecutive_runs: 'timezone': 'Mars/Olympus' is not an IANA time zone")]),
        ("consecutive_runs:\n  activity: x\n  after: 2026-06-07\n  count: 3\n  require: [history, rows]\n", [(25, "consecutive_runs: 'require[1]': Input should be 'history', 'run_row', 'progress' or 'note'")]),
        ("consecutive_runs:\n  activity: x\n  after: 2026-06-07\n  count: 3\n  note: triage-report\n", [(25, "consecutive_runs: 'note': the note template must hold {date}")]),
        ("decision: {id: a, title_contains: b}\n", [(21, "decision: give exactly one of 'id' and 'title_contains'")]),
        ("progress: {key: k}\n", [(21, "progress: give exactly one of 'on' and 'after'")]),
        ("spawn: {definition: d, sink: rest}\n", [(21, "spawn: 'sink': Input should be 'null' or 'issue_core_rest'")]),
        ("spawn: {definition: d, sink: null, count: 1, min: 1}\n", [(21, "spawn: give 'count' or 'min', not both")]),
        ("file_exists: {path: ../secrets.txt}\n", [(21, "file_exists: 'path': must be a path inside the repo, relative to its root (no '..', '/', '~' or '\\')")]),
        ("file_contains: {path: a.md, pattern: '(unclosed'}\n", [(21, "file_contains: 'pattern': not a valid regular expression: missing ), unterminated subpattern at position 0")]),
        ("any: []\n", [(21, "any: must be a non-empty list of checks")]),
        ("all:\n  - feedback: {kind: x, after: 2026-06-07}\n    note: {name: x}\n", [(22, "all: item 1 must be a mapping with exactly one check")]),
        ("all:\n  - feedback: {kind: x}\n", [(22, "feedback: 'after' is missing")]),
        ("unblocks: [T01, 3]\n", [(21, "unblocks: must be a list of task ids")]),
        ("unblocks: [T01]\n", [(BLOCK_LINE, "evidence block has no checks")]),
        ("- feedback\n", [(BLOCK_LINE, "evidence block must be a mapping of checks")]),
        ("", [(BLOCK_LINE, "evidence block must be a mapping of checks")]),
        ("feedback: {kind: x, after: 2026-06-07}\nfeedback: {kind: y, after: 2026-06-07}\n", [(22, "key 'feedback' is given twice; the last one wins")]),
        ("feedback: {kind: [x, after: 2026-06-07}\n", [(21, "invalid YAML: while parsing a flow sequence; did not find expected ',' or ']'")]),
        ("a: &a [1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
         [(21, "YAML expands to more than 10000 nodes (an alias bomb?)")]),
    ],
)
def test_invalid_blocks_are_errors_at_their_line(text: str, expected: list[tuple[int, str]]) -> None:
    assert errors(text) == expected


def test_yaml_boolean_spellings_of_argument_names_are_read_as_names() -> None:
    (check,) = parse_block("progress:\n  key: probe\n  on: 2026-06-17\n", BLOCK_LINE).spec.checks
    assert check.args.on == dt.date(2026, 6, 17)


def test_wp042_reports_block_errors_and_misplaced_blocks(tmp_path: Path) -> None:
    workplan = make_workplan(tmp_path, "feedback: {kind: calibration}")
    text = Path(workplan.path).read_text() + "\n## Notes\n\n```evidence\nfeedback: {kind: x, after: 2026-06-07}\n```\n"
    workplan = parse_workplan(text.encode(), workplan.path)
    result = audit([workplan], evidence_dirs={}, today=dt.date(2026, 6, 20))
    assert [(finding.code, finding.line, finding.message) for finding in result.findings] == [
        ("WP042", 26, "evidence block is not in a task's section"),
        ("WP042", 21, "evidence block: feedback: 'after' is missing"),
    ]
    assert result.verdicts == []


def test_the_schema_covers_every_check_kind_and_argument() -> None:
    schema = json_schema()
    json.dumps(schema)
    assert set(schema["properties"]) == {*CHECKS, "all", "any", "unblocks"}
    for kind, module in CHECKS.items():
        definition = schema["$defs"][module.ARGS.__name__]
        assert set(definition["properties"]) == set(module.ARGS.model_fields), kind
        assert definition["additionalProperties"] is False
    assert schema["$defs"]["Check"]["maxProperties"] == 1


BLOCK_PIECES = [
    "consecutive_runs:", "  activity: daily_triage", "  after: 2026-06-07", "  count: 3", "  schedule: '* * *'",
    "feedback: {kind: calibration, after: 2026-06-07}", "any:", "  - note: {name: 'x-{date}'}", "  - ", "all: [",
    "unblocks: [T01]", "spawn: {sink: null}", "&a [*a]", "on: yes", ": :", "\t", "'", "{date}", "- - -",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(BLOCK_PIECES) | st.text(max_size=20), max_size=12))
def test_any_text_gives_a_spec_or_located_errors(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    parsed = parse_block(text, BLOCK_LINE)
    assert (parsed.spec is None) == bool(parsed.errors)
    last_line = BLOCK_LINE + 1 + text.count("\n")
    assert all(BLOCK_LINE <= error.line <= last_line and error.message for error in parsed.errors)


@pytest.mark.parametrize(
    ("block", "valid"),
    [
        ("message: {id: 6a098e1e, after: '2026-06-17', contains: smoke, where: {sender: llm-connect}}", True),
        ("decision: {title_contains: approved, status: accepted, where: {environment: production}}", True),
        ("decision: {title_contains: approved, where: {environment: [a]}}", False),
        ("task: {id: ACTIVITY-WP-0010, status: [active, done]}", True),
        ("task: {id: ACTIVITY-WP-0010, status: active}", True),
        ("task: {id: ACTIVITY-WP-0010, status: [active, '']}", False),
        ("file_not_contains: {path: 'src/**/*.py', pattern: review_required}", True),
        ("manifest: {path: 'k8s/**/*.yaml', kind: Deployment, name: w, container: c, env: {A: b}}", True),
        ("manifest: {path: 'k8s/**/*.yaml', kind: Ingress, absent: true}", True),
        ("manifest: {path: 'k8s/**/*.yaml', kind: Ingress, missing: true}", False),
    ],
)
def test_the_schema_of_the_new_kinds_accepts_and_refuses(block: str, valid: bool) -> None:
    import jsonschema
    import yaml

    errors = list(jsonschema.Draft202012Validator(json_schema()).iter_errors(yaml.safe_load(block)))
    assert (not errors) is valid, errors


def nested(depth: int) -> str:
    """``depth`` nested ``all:`` lists around one check."""
    lines = ["all:"] + [f"{'  ' * level}- all:" for level in range(1, depth)]
    return "\n".join([*lines, f"{'  ' * depth}- feedback: {{kind: x, after: 2026-06-07}}"]) + "\n"


def test_combinators_nest_sixteen_deep() -> None:
    spec = parse_block(nested(16), BLOCK_LINE).spec
    assert spec is not None and spec.checks[0].kind == "all"


@pytest.mark.parametrize("depth", [17, 260, 490])
def test_deeper_nesting_is_an_error_at_the_first_combinator_too_deep(depth: int) -> None:
    assert errors(nested(depth)) == [(BLOCK_LINE + 17, "all: combinators nested more than 16 deep")]


@pytest.mark.parametrize("depth", [260, 490])
def test_deep_nesting_is_a_finding_from_the_command_line(tmp_path: Path, depth: int) -> None:
    from typer.testing import CliRunner

    from auditor.cli import app

    directory = tmp_path / "workplans"
    directory.mkdir()
    make_workplan(directory, nested(depth))
    result = CliRunner().invoke(app, ["check", str(directory), "--today", "2026-06-20", "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    codes = [finding["code"] for finding in json.loads(result.stdout)["findings"]]
    assert "WP042" in codes
