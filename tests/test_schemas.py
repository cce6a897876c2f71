"""schemas/: generated from the models, in step with them, and saying what the rules say."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from auditor.commands.init import starter
from auditor.commands.schema import SCHEMAS, schema_text
from auditor.config import Config
from auditor.parse.workplan import read_workplan
from scheduler.commands.init import STARTER as SCHEDULER_STARTER
from scheduler.commands.schema import config_schema as scheduler_schema
from scheduler.config import SchedulerConfig
from tests.auditor.helpers import REFERENCE_WORKPLAN

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_DIR = ROOT / "schemas"
FILES = {
    "task.schema.json": ("auditor", "task"),
    "evidence.schema.json": ("auditor", "evidence"),
    "frontmatter.schema.json": ("auditor", "frontmatter"),
    "auditor-config.schema.json": ("auditor", "config"),
    "report.schema.json": ("auditor", "report"),
    "scheduler-config.schema.json": ("scheduler", "config"),
}
BUNDLED = sorted((ROOT / "workplans" / "activity-core").glob("*.md"))


def validator(file: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / file).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def as_json(value: Any) -> Any:
    """A YAML or TOML value as an editor's language server sees it: dates are strings."""
    return json.loads(json.dumps(value, default=lambda item: item.isoformat() if isinstance(item, dt.date) else str(item)))


def errors(file: str, value: Any) -> list[str]:
    return [error.message for error in validator(file).iter_errors(as_json(value))]


def test_schemas_dir_holds_exactly_the_generated_schemas() -> None:
    assert sorted(path.name for path in SCHEMA_DIR.iterdir()) == sorted(FILES)
    generated = {"scheduler": {"config": scheduler_schema}, "auditor": SCHEMAS}
    for file, (app, name) in FILES.items():
        assert (SCHEMA_DIR / file).read_text(encoding="utf-8") == schema_text(generated[app][name]()), (
            f"schemas/{file} is stale: run `{app} schema {name} > schemas/{file}`"
        )


@pytest.mark.parametrize("file", sorted(FILES))
def test_every_schema_is_a_valid_schema(file: str) -> None:
    schema = json.loads((SCHEMA_DIR / file).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_commands_print_the_files() -> None:
    for file, (app, name) in FILES.items():
        command = Path(sys.executable).parent / app  # the installed entry point
        printed = subprocess.run([str(command), "schema", name], capture_output=True, text=True, timeout=60, check=True).stdout
        assert printed == (SCHEMA_DIR / file).read_text(encoding="utf-8"), file


def _blocks(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    workplan = read_workplan(path, display_path=path.name)
    return workplan.frontmatter, [task.fields for task in workplan.tasks], [task.evidence.text for task in workplan.tasks if task.evidence]


@pytest.mark.parametrize("path", [*BUNDLED, REFERENCE_WORKPLAN], ids=lambda path: path.name)
def test_real_workplans_validate(path: Path) -> None:
    if not path.is_file():
        pytest.skip(f"{path} not present")
    frontmatter, tasks, evidence = _blocks(path)
    assert frontmatter and tasks
    assert errors("frontmatter.schema.json", frontmatter) == []
    for task in tasks:
        assert errors("task.schema.json", task) == [], task
    for text in evidence:
        assert errors("evidence.schema.json", yaml.safe_load(text)) == [], text


def _configmap_tomls() -> dict[str, dict[str, Any]]:
    configmap = next(d for d in yaml.safe_load_all((ROOT / "k8s" / "configmap.yaml").read_text()) if d and d["kind"] == "ConfigMap")
    return {key: tomllib.loads(value) for key, value in configmap["data"].items() if key.endswith(".toml")}


def test_bundled_configs_validate(tmp_path: Path) -> None:
    configs = _configmap_tomls()
    assert sorted(configs) == ["auditor.toml", "scheduler.toml"]
    assert errors("auditor-config.schema.json", configs["auditor.toml"]) == []
    assert errors("scheduler-config.schema.json", configs["scheduler.toml"]) == []
    auditor_starter = tomllib.loads(starter(tmp_path))
    assert errors("auditor-config.schema.json", auditor_starter) == []
    Config.model_validate(auditor_starter)
    scheduler_starter = tomllib.loads(SCHEDULER_STARTER)
    assert errors("scheduler-config.schema.json", scheduler_starter) == []
    SchedulerConfig.model_validate(scheduler_starter)


FRONTMATTER = {"id": "DEMO-WP-0001", "type": "workplan", "title": "Demo", "repo": "demo", "status": "active",
               "created": "2026-06-01", "updated": dt.date(2026, 6, 2), "owner": "anyone"}
TASK = {"id": "DEMO-WP-0001-T01", "status": "wait", "priority": "high", "depends_on": ["DEMO-WP-0001-T02"]}


@pytest.mark.parametrize(
    ("file", "value", "message"),
    [
        ("frontmatter.schema.json", {**FRONTMATTER, "status": "waiting"}, "'waiting' is not one of"),
        ("frontmatter.schema.json", {**FRONTMATTER, "type": "note"}, "'workplan' was expected"),
        ("frontmatter.schema.json", {**FRONTMATTER, "created": "2026-02-30"}, "is not a 'date'"),
        ("frontmatter.schema.json", {**FRONTMATTER, "id": "demo-wp-1"}, "does not match"),
        ("frontmatter.schema.json", {key: v for key, v in FRONTMATTER.items() if key != "repo"}, "'repo' is a required property"),
        ("frontmatter.schema.json", {**FRONTMATTER, "state_hub_workstream_id": "7012e4fd"}, "does not match"),
        ("task.schema.json", {**TASK, "id": "DEMO-WP-0001-T1"}, "does not match"),
        ("task.schema.json", {**TASK, "priority": "urgent"}, "'urgent' is not one of"),
        ("task.schema.json", {key: v for key, v in TASK.items() if key != "status"}, "'status' is a required property"),
        ("evidence.schema.json", {"consecutive_runs": {"activity": "x", "count": 3, "colour": 1}}, "Additional properties"),
        ("evidence.schema.json", {"no_such_check": {}}, "Additional properties"),
        ("auditor-config.schema.json", {"repos": {"x": {"pth": "."}}}, "'path' is a required property"),
        ("auditor-config.schema.json", {"rules": {"WP021": {"severity": "loud"}}}, "loud"),
        ("scheduler-config.schema.json", {"activity": [{"name": "a", "schedule": "0 6 * * *", "command": ["x"], "timeout": 10}]}, "10 is not of type 'string'"),
        ("scheduler-config.schema.json", {"activity": [{"name": "a", "schedule": "0 6 * * *", "command": ["x"], "timeout": "10 minutes"}]}, "does not match"),
        ("scheduler-config.schema.json", {"activity": [{"name": "a", "schedule": "* * * * *", "command": [], "overlap": "sometimes"}]}, "'sometimes' is not one of"),
    ],
)
def test_planted_errors_are_rejected(file: str, value: dict[str, Any], message: str) -> None:
    found = errors(file, value)
    assert any(message in error for error in found), found


def test_the_good_examples_pass() -> None:
    assert errors("frontmatter.schema.json", FRONTMATTER) == []
    assert errors("task.schema.json", TASK) == []
