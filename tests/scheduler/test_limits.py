"""Out-of-range durations and instants are one-line usage errors (exit 2), never an OverflowError."""

from __future__ import annotations

import pytest

from tests.scheduler.support import Cli, Workspace, activity


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"timeout": "99999999999d"}, "activity[0].timeout: duration '99999999999d' is longer than the limit of 1000d"),
        ({"retry_backoff": "99999d", "retries": 3}, "activity[0].retry_backoff: duration '99999d' is longer than the limit"),
        ({"catchup_window": "999999999999999999999d"}, "activity[0].catchup_window: duration"),
        ({"retries": 20, "retry_backoff": "1d"}, "timeout, retries and retry_backoff add up to"),
    ],
    ids=["huge-timeout", "huge-backoff", "huge-catchup", "doubling-backoff"],
)
def test_durations_past_the_limit_are_config_errors(workspace: Workspace, cli: Cli, overrides: dict[str, object], message: str) -> None:
    workspace.write(activity("daily", **overrides))
    result = cli("tick", "--config", workspace.config)
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert message in line


def test_store_lock_timeout_is_bounded_too(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("daily"))
    workspace.config.write_text(workspace.config.read_text().replace('lock_timeout = "20s"', 'lock_timeout = "4000d"'))
    result = cli("tick", "--config", workspace.config)
    assert (result.exit_code, len(result.stderr.splitlines())) == (2, 1)
    assert "store.lock_timeout" in result.stderr


@pytest.mark.parametrize("now", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "1969-12-31"])
def test_tick_now_out_of_range_is_a_usage_error(workspace: Workspace, cli: Cli, now: str) -> None:
    workspace.write(activity("daily", schedule="* * * * *"))
    result = cli("tick", "--config", workspace.config, "--now", now)
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "--now" in line and "out of range" in line
    assert workspace.runs() == []


@pytest.mark.parametrize(("start", "end"), [("0001-01-01", "0001-01-02"), ("2026-01-01", "9999-12-31")])
def test_backfill_range_out_of_range_is_a_usage_error(workspace: Workspace, cli: Cli, start: str, end: str) -> None:
    workspace.write(activity("daily"))
    result = cli("backfill", "daily", "--config", workspace.config, "--from", start, "--to", end)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "out of range" in result.stderr


def test_the_longest_allowed_run_still_schedules(workspace: Workspace, cli: Cli) -> None:
    workspace.write(activity("daily", schedule="0 9 * * *", timeout="150d", retries=1, retry_backoff="60d"))
    result = cli("tick", "--config", workspace.config, "--now", "8999-06-19T09:00:05Z")
    assert result.exit_code == 0, result.stderr
    [run] = workspace.runs()
    assert run.status == "success"
