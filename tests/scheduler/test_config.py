"""scheduler.toml validation: every problem is a one-line error naming the key, exit code 2."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.config import format_duration, load_config, parse_duration
from tests.scheduler.support import Cli, Workspace, activity


def test_defaults_fill_every_optional_key(workspace: Workspace) -> None:
    workspace.config.write_text('[[activity]]\nname = "daily_triage"\nschedule = "0 9 * * *"\ncommand = ["true"]\n')
    loaded = load_config(workspace.config)
    definition = loaded.activity("daily_triage")
    assert (definition.timezone, definition.timeout, definition.retries) == ("UTC", timedelta(minutes=10), 0)
    assert (definition.overlap, definition.catchup_window, definition.sink) == ("skip", timedelta(hours=1), "null")
    assert definition.workflow_type == "DailyTriageWorkflow"
    assert loaded.store_path == workspace.root / ".scheduler" / "activity.duckdb"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"schedule": "61 9 * * *"}, "activity[0].schedule: invalid cron expression '61 9 * * *'"),
        ({"schedule": "0 9 * * * *"}, "activity[0].schedule: invalid cron expression"),
        ({"timezone": "Europe/Berln"}, "activity[0].timezone: unknown time zone 'Europe/Berln'"),
        ({"timeout": "10 minutes"}, "activity[0].timeout: invalid duration '10 minutes'"),
        ({"catchup_window": "0s"}, "activity[0].catchup_window: must be greater than zero"),
        ({"timeout": 600}, "activity[0].timeout: expected a duration string"),
        ({"overlap": "buffer_all"}, "activity[0].overlap: Input should be 'skip', 'buffer_one' or 'allow'"),
        ({"sink": "kafka"}, "activity[0].sink: unknown sink 'kafka'"),
        ({"retries": -1}, "activity[0].retries: Input should be greater than or equal to 0"),
        ({"retires": 3}, "activity[0].retires: unknown key"),
        ({"command": []}, "activity[0].command: List should have at least 1 item"),
        ({"name": "has space"}, "activity[0].name: String should match pattern"),
    ],
)
def test_each_invalid_key_is_named_and_exits_2(workspace: Workspace, cli: Cli, overrides: dict, expected: str) -> None:
    workspace.write(activity("daily_triage", **overrides))
    result = cli("tick", "--config", workspace.config)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_errors_in_several_activities_are_all_reported(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("a", schedule="bad"), activity("b", timezone="Mars/Olympus"))
    result = cli("tick", "--config", workspace.config)
    assert result.exit_code == 2
    assert "activity[0].schedule" in result.stderr and "activity[1].timezone" in result.stderr


def test_duplicate_activity_names_are_refused(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("same"), activity("same"))
    result = cli("runs", "--config", workspace.config)
    assert result.exit_code == 2
    assert "activity[1].name: duplicate activity name 'same'" in result.stderr


def test_unknown_top_level_section_is_named(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("a"), extra="[stroe]\npath = 'x'\n")
    result = cli("tick", "--config", workspace.config)
    assert result.exit_code == 2
    assert "stroe: unknown key" in result.stderr


def test_invalid_toml_is_one_line_exit_2(workspace: Workspace, cli: Cli) -> None:
    workspace.config.write_text("[[activity]\nname = ")
    result = cli("tick", "--config", workspace.config)
    assert result.exit_code == 2
    assert "invalid TOML" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_config_file_exits_2(workspace: Workspace, cli: Cli) -> None:
    result = cli("tick", "--config", workspace.root / "absent.toml")
    assert result.exit_code == 2
    assert "config file not found" in result.stderr


@given(st.lists(st.sampled_from(["ms", "s", "m", "h", "d"]), min_size=1, max_size=5, unique=True), st.data())
def test_durations_round_trip(units: list[str], data: st.DataObject) -> None:
    order = ["d", "h", "m", "s", "ms"]
    limits = {"d": 400, "h": 23, "m": 59, "s": 59, "ms": 999}
    text = "".join(f"{data.draw(st.integers(1, limits[u]))}{u}" for u in sorted(units, key=order.index))
    assert format_duration(parse_duration(text)) == text
