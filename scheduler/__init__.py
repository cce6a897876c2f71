"""Run activities on cron schedules, record them with Temporal-style history (see docs/scheduler.md)."""
