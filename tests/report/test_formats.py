"""Every output format, on the bundled workspace and on one with planted defects."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import junitparser
import pytest

from auditor.report import FORMATS
from auditor.rules import RULES
from tests.report.conftest import ROOT, json_findings, run_check

READY_EVIDENCE = str(ROOT / "workplans" / "activity-core" / "evidence-ready")
CASES = {
    "bundled": ("activity-core", "--evidence", READY_EVIDENCE),  # two WP041 warnings and two verdicts
    "planted": ("planted",),
}
SARIF_SCHEMA_PLACES = [
    os.environ.get("AUDITOR_SARIF_SCHEMA", ""),
    str(ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"),
]
"""Where the official schema (oasis-tcs/sarif-spec, sarif-2.1/schema/sarif-schema-2.1.0.json)
is looked for: it is not part of this repository."""


@pytest.fixture(params=sorted(CASES))
def case(request: pytest.FixtureRequest, in_tmp: Path, defects: Path) -> tuple[str, ...]:
    return CASES[request.param]


def _unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


GITHUB_LINE = re.compile(r"::(error|warning|notice) file=([^,]*),line=(\d+),col=(\d+),endLine=(\d+),title=([^,:]*)::(.*)")


def test_github_annotations_are_the_json_findings_one_line_each(case: tuple[str, ...]) -> None:
    findings = json_findings(*case)
    assert findings, "each case has findings"
    code, out = run_check(*case, "--format", "github")
    lines = out.splitlines()
    assert len(lines) == len(findings)
    levels = {"error": "error", "warning": "warning", "info": "notice"}
    for line, finding in zip(lines, findings):
        match = GITHUB_LINE.fullmatch(line)
        assert match, line
        level, path, number, column, end, title, message = match.groups()
        assert (level, _unescape(path), int(number), int(column), int(end), title, _unescape(message)) == (
            levels[finding["severity"]], finding["path"], finding["line"], finding["column"], finding["line"],
            finding["code"], finding["message"],
        )


def test_a_message_cannot_start_another_workflow_command(in_tmp: Path, defects: Path) -> None:
    _, out = run_check("planted", "--format", "github")
    odd = [line for line in out.splitlines() if "pipe" in line]
    assert len(odd) == 1 and odd[0].startswith("::error file=planted/DEMO-WP-0002-broken.md,line=14,")
    assert "%0Anext line" in odd[0]  # the newline is escaped: the runner reads one command per line
    assert not any(line.startswith("next") for line in out.splitlines())


def test_the_job_summary_is_appended_with_counts_findings_and_what_tasks_wait_for(in_tmp: Path, defects: Path) -> None:
    summary = in_tmp / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    run_check("activity-core", "--format", "github", env=env)
    run_check("planted", "--format", "github", env=env)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n") and text.count("## Workplan audit") == 2
    assert "3 workplans, 11 tasks: 0 errors, 0 warnings, 0 info; verdicts: 2 not_ready" in text
    t01 = next(line for line in text.splitlines() if line.startswith("| ACTIVITY-WP-0009-T01 |"))
    assert "**not_ready**" in t01 and "calibration feedback recorded after 2026-06-07" not in t01  # the first three only
    assert t01.endswith("; and 1 more |")
    odd = next(line for line in text.splitlines() if "pipe" in line)
    assert "<b>" not in odd and "&lt;b&gt;" in odd
    assert len(re.split(r"(?<!\\)\|", odd)) == 6  # four cells: the message's pipes stay inside its cell


def test_an_unwritable_job_summary_is_a_warning_not_a_failure(in_tmp: Path, defects: Path) -> None:
    code, out = run_check("activity-core", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(in_tmp / "missing" / "s.md")})
    assert code == 0
    assert out.startswith("::warning::cannot append the job summary to ")


def test_markdown_is_the_job_summary(in_tmp: Path, defects: Path) -> None:
    summary = in_tmp / "summary.md"
    run_check("planted", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert run_check("planted", "--format", "markdown")[1] == summary.read_text(encoding="utf-8")


def _sarif(case: tuple[str, ...]) -> dict:
    return json.loads(run_check(*case, "--format", "sarif")[1])


def test_sarif_is_valid_against_the_official_schema(case: tuple[str, ...]) -> None:
    place = next((Path(p) for p in SARIF_SCHEMA_PLACES if p and Path(p).is_file()), None)
    if place is None:
        pytest.skip("the official SARIF 2.1.0 schema is not present (set AUDITOR_SARIF_SCHEMA)")
    schema = json.loads(place.read_text(encoding="utf-8"))
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    jsonschema.Draft4Validator(schema).validate(_sarif(case))


def test_sarif_carries_every_rule_and_one_located_result_per_finding(case: tuple[str, ...]) -> None:
    findings = json_findings(*case)
    run = _sarif(case)["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "workplan-auditor" and driver["version"]
    assert [rule["id"] for rule in driver["rules"]] == sorted(RULES)
    rules_doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in driver["rules"]:
        assert rule["name"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert rule["helpUri"] == f"docs/rules.md#{rule['id'].lower()}" and f"\n## {rule['id']}\n" in rules_doc
    assert len(run["results"]) == len(findings)
    for result, finding in zip(run["results"], findings):
        location = result["locations"][0]["physicalLocation"]
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"] == finding["code"]
        assert location["region"] == {"startLine": finding["line"], "startColumn": finding["column"]}
        from urllib.parse import unquote

        assert unquote(location["artifactLocation"]["uri"]) == finding["path"]
        assert result["message"]["text"] == finding["message"]


def test_sarif_paths_are_uri_references(in_tmp: Path, defects: Path) -> None:
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in _sarif(("planted",))["runs"][0]["results"]}
    assert "planted/DEMO-WP-0003%20a%2Cb%3Ac%23%25.md" in uris


def test_sarif_verdicts_are_run_properties(in_tmp: Path) -> None:
    verdicts = _sarif(("activity-core",))["runs"][0]["properties"]["verdicts"]
    assert [(v["taskId"], v["verdict"]) for v in verdicts] == [("ACTIVITY-WP-0009-T01", "not_ready"), ("ACTIVITY-WP-0009-T02", "not_ready")]
    assert "calibration feedback recorded after 2026-06-07" in verdicts[0]["waitsFor"]


def _fingerprints(target: str, form: str) -> list[str]:
    out = run_check(target, "--format", form)[1]
    if form == "sarif":
        return [r["partialFingerprints"]["workplanFinding/v1"] for r in json.loads(out)["runs"][0]["results"]]
    return [issue["fingerprint"] for issue in json.loads(out)]


@pytest.mark.parametrize("form", ["sarif", "gitlab"])
def test_fingerprints_are_unique_stable_and_survive_lines_moving(in_tmp: Path, defects: Path, form: str) -> None:
    first = _fingerprints("planted", form)
    assert len(set(first)) == len(first) == len(json_findings("planted"))
    assert _fingerprints("planted", form) == first
    broken = defects / "DEMO-WP-0002-broken.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("## First\n", "## First\nA new line of prose.\n"), encoding="utf-8")
    assert sorted(_fingerprints("planted", form)) == sorted(first)


def test_gitlab_code_quality_issues(case: tuple[str, ...]) -> None:
    findings = json_findings(*case)
    issues = json.loads(run_check(*case, "--format", "gitlab")[1])
    severities = {"error": "major", "warning": "minor", "info": "info"}
    assert [(i["check_name"], i["severity"], i["location"]) for i in issues] == [
        (f["code"], severities[f["severity"]], {"path": f["path"], "lines": {"begin": f["line"]}}) for f in findings
    ]
    assert all(i["description"].startswith(i["check_name"] + ": ") for i in issues)


@pytest.mark.parametrize("fail_on", ["error", "warning"])
def test_junit_is_read_by_junitparser(case: tuple[str, ...], in_tmp: Path, fail_on: str) -> None:
    findings = json_findings(*case)
    report = json.loads(run_check(*case, "--format", "json")[1])
    out = in_tmp / "junit.xml"
    run_check(*case, "--fail-on", fail_on, "--format", f"junit={out}")
    xml = junitparser.JUnitXml.fromfile(str(out))
    suites = list(xml)
    paths = {w["path"] for w in report["workplans"]}
    assert [suite.name for suite in suites] == sorted(paths)
    order = ["info", "warning", "error"]
    failing = [f for f in findings if order.index(f["severity"]) >= order.index(fail_on)]
    cases = [case for suite in suites for case in suite]
    failed = [c for c in cases if c.result and isinstance(c.result[0], junitparser.Failure)]
    assert len(failed) == len(failing) + sum(v["verdict"] == "violated" for v in report["verdicts"])
    assert sorted(c.result[0].type for c in failed) == sorted(f["code"] for f in failing)
    evidence = [c for c in cases if c.name.startswith("evidence ")]
    assert [c.name for c in evidence] == [f"evidence {v['task_id']}" for v in report["verdicts"]]
    assert all(c.system_out for c in evidence)
    assert xml.tests == len(cases) and xml.failures == len(failed)


def test_junit_replaces_characters_xml_cannot_carry(in_tmp: Path, defects: Path) -> None:
    broken = defects / "DEMO-WP-0002-broken.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("next line", "next\\vline\\x1b"), encoding="utf-8")
    out = in_tmp / "junit.xml"
    run_check("planted", "--format", f"junit={out}")
    messages = [c.result[0].message for suite in junitparser.JUnitXml.fromfile(str(out)) for c in suite if c.result]
    assert any("next\ufffdline\ufffd" in message for message in messages)


def test_an_empty_workspace_gives_empty_but_valid_reports(in_tmp: Path) -> None:
    (in_tmp / "empty").mkdir()
    assert run_check("empty", "--format", "github") == (0, "")
    assert json.loads(run_check("empty", "--format", "gitlab")[1]) == []
    assert json.loads(run_check("empty", "--format", "sarif")[1])["runs"][0]["results"] == []
    out = in_tmp / "junit.xml"
    run_check("empty", "--format", f"junit={out}")
    assert junitparser.JUnitXml.fromfile(str(out)).tests == 0


# Several formats in one run


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_writes_to_a_file_what_it_prints(in_tmp: Path, defects: Path, name: str) -> None:
    out = in_tmp / "out" / f"report.{name}"
    code, printed = run_check("planted", "--format", name)
    assert run_check("planted", "--format", f"{name}={out}") == (code, "")
    assert out.read_text(encoding="utf-8") == printed


def test_one_run_writes_each_format_to_its_own_place(in_tmp: Path, defects: Path) -> None:
    code, out = run_check("planted", "--format", "text", "--format", "sarif=auditor.sarif", "--format", "junit=junit.xml",
                          "--format", "gitlab=gl-code-quality.json", "--format", "json=report.json")
    assert code == 1
    assert out == run_check("planted")[1]
    assert json.loads((in_tmp / "auditor.sarif").read_text())["version"] == "2.1.0"
    assert junitparser.JUnitXml.fromfile(str(in_tmp / "junit.xml")).failures > 0
    assert json.loads((in_tmp / "report.json").read_text())["findings"] == json_findings("planted")
    assert len(json.loads((in_tmp / "gl-code-quality.json").read_text())) == len(json_findings("planted"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "--format xml: unknown format 'xml' (known: text, json, github"),
        (["--format", "=x.sarif"], "--format =x.sarif: unknown format ''"),
        (["--format", "sarif="], "--format sarif=: no file after '='"),
        (["--format", "text", "--format", "json"], "--format: text and json would both write stdout"),
        (["--format", "sarif=a.out", "--format", "junit=./a.out"], "--format: sarif and junit would both write a.out"),
        (["--format", "sarif=a.sarif", "--output", "x.txt"], "--output x.txt: every --format names its own file"),
        (["--format", "json", "--format", "text", "--output", "r.json"], "--format: json and text would both write r.json"),
    ],
)
def test_bad_format_values_are_exit_two_with_one_line(in_tmp: Path, defects: Path, args: list[str], message: str) -> None:
    result = subprocess.run([sys.executable, "-m", "auditor", "check", "planted", *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert sorted(p.name for p in in_tmp.iterdir()) == ["planted"]  # nothing was written


def test_an_unwritable_output_is_exit_two_after_the_others_are_written(in_tmp: Path, defects: Path) -> None:
    (in_tmp / "blocker").write_text("", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "auditor", "check", "planted", "--format", "sarif=blocker/x.sarif", "--format", "junit=junit.xml",
         "--format", "gitlab=out"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "cannot write blocker/x.sarif" in result.stderr
    assert (in_tmp / "junit.xml").is_file() and (in_tmp / "out").is_file()


def test_an_output_never_overwrites_a_workplan_being_checked(in_tmp: Path, defects: Path) -> None:
    workplan = defects / "DEMO-WP-0001-clean.md"
    before = workplan.read_bytes()
    result = subprocess.run([sys.executable, "-m", "auditor", "check", "planted", "--format", "text", "--format", f"json={workplan}"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "is a workplan being checked; not overwritten" in result.stderr
    assert workplan.read_bytes() == before


def test_a_fifo_output_is_written_through(in_tmp: Path, defects: Path) -> None:
    fifo = in_tmp / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    code, _ = run_check("planted", "--format", f"gitlab={fifo}")
    assert code == 1
    assert json.loads(reader.communicate(timeout=60)[0])[0]["check_name"]
    assert fifo.exists() and not fifo.is_file()
