"""The rules of one look at the clock: undecided slots, the catch-up window, overlap policies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scheduler.config import ActivityConfig, OverlapPolicy
from scheduler.planning import apply_overlap, split_by_window, undecided_slots

NOW = datetime(2026, 6, 19, 9, 30, tzinfo=UTC)
SLOTS = [NOW - timedelta(minutes=m) for m in (50, 40, 30)]


def hourly(**overrides: object) -> ActivityConfig:
    return ActivityConfig.model_validate({"name": "probe", "schedule": "0 * * * *", "command": ["true"], **overrides})


def test_a_new_activity_owes_only_its_latest_slot_in_the_window() -> None:
    assert undecided_slots(hourly(catchup_window="3h"), None, NOW) == [datetime(2026, 6, 19, 9, 0, tzinfo=UTC)]
    assert undecided_slots(hourly(catchup_window="10m"), None, NOW) == []


def test_a_known_activity_resumes_after_its_latest_claim() -> None:
    latest = datetime(2026, 6, 19, 6, 0, tzinfo=UTC)
    assert undecided_slots(hourly(), latest, NOW) == [latest + timedelta(hours=h) for h in (1, 2, 3)]


def test_slots_older_than_the_window_are_missed_the_rest_due() -> None:
    missed, due = split_by_window(SLOTS, NOW, timedelta(minutes=45))
    assert (missed, due) == (SLOTS[:1], SLOTS[1:])


@pytest.mark.parametrize(
    ("policy", "in_progress", "run", "skipped", "concurrent", "wait"),
    [
        ("skip", False, SLOTS[:1], SLOTS[1:], False, False),
        ("skip", True, [], SLOTS, False, False),
        ("buffer_one", False, SLOTS[:2], SLOTS[2:], False, False),
        ("buffer_one", True, SLOTS[:1], SLOTS[1:], False, True),
        ("allow", False, SLOTS, [], True, False),
        ("allow", True, SLOTS, [], True, False),
    ],
)
def test_overlap_policies(
    policy: OverlapPolicy, in_progress: bool, run: list[datetime], skipped: list[datetime], concurrent: bool, wait: bool
) -> None:
    decision = apply_overlap(policy, SLOTS, in_progress)
    assert (decision.run, decision.skipped, decision.concurrent, decision.wait_for_running) == (run, skipped, concurrent, wait)


def test_run_budget_covers_every_attempt_and_backoff() -> None:
    definition = hourly(timeout="10m", retries=2, retry_backoff="30s")
    assert definition.run_budget() == timedelta(minutes=30) + timedelta(seconds=30 + 60)
