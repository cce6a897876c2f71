"""The words both sides of the contract use for the same things."""

from __future__ import annotations

import re

RUN_STATUSES = ("success", "failed", "timed_out", "cancelled", "running", "missed")
"""``activity_runs.status``; ``missed`` is a slot the scheduler skipped, not a run."""

RUN_TRIGGERS = ("schedule", "manual", "backfill")
"""``activity_runs.trigger``. Only ``schedule`` runs can fill a scheduled slot."""

SCHEDULED_TRIGGER = "schedule"

SINKS = ("null", "issue_core_rest")
"""``task_spawn_log.sink``: where a run handed its task specs."""

SCHEDULED_BY_ID = "TemporalScheduledById"
"""The search attribute a Temporal Schedule sets on the workflows it starts: the schedule id."""

SCHEDULED_START_TIME = "TemporalScheduledStartTime"
"""The search attribute with the slot a Schedule started a workflow for (``schedule trigger``
stamps the trigger time instead, which is why a run's slot must also be a fire time)."""


def default_workflow_type(activity: str) -> str:
    """The workflow type of an activity when its definition names none: daily_triage -> DailyTriageWorkflow."""
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", activity) if part) + "Workflow"
