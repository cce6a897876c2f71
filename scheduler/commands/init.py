"""`scheduler init [FILE]`: write a commented starter `scheduler.toml`.

One daily activity through the null sink (nothing leaves the machine), every other setting
shown commented out at its default. An existing file is left alone unless `--force`.
"""

from __future__ import annotations

from pathlib import Path

from auditor.act.files import replace_file
from scheduler.commands import UsageError

STARTER = '''\
# scheduler.toml: the activities `scheduler tick` and `scheduler serve` run (docs/scheduler.md).
# Its JSON Schema is `scheduler schema config`. Durations read like "10m", "1h30m", "250ms".

[store]
path = ".scheduler/activity.duckdb"       # relative to this file
# lock_timeout = "30s"

[[activity]]
name = "daily_triage"                     # letters, digits, _ . -; used in workflow ids
schedule = "0 6 * * *"                    # cron: minute hour day-of-month month day-of-week
timezone = "Europe/Berlin"                # IANA zone the schedule is read in (default UTC)
command = ["python", "-m", "triage"]
# timeout = "10m"                         # per attempt
# retries = 0
# retry_backoff = "10s"                   # doubled before each next attempt
# overlap = "skip"                        # skip | buffer_one | allow
# catchup_window = "1h"                   # how late a slot still runs; older ones are recorded missed
sink = "null"                             # null (record only) | issue_core_rest
# workflow_type = "DailyTriageWorkflow"

# [sinks.issue_core_rest]                 # where the issue_core_rest sink sends tasks
# url_env = "ISSUE_CORE_URL"              # names of environment variables, never the values
# token_env = "ISSUE_CORE_TOKEN"
'''


def init(path: Path, force: bool) -> int:
    if (path.exists() or path.is_symlink()) and not force:
        raise UsageError(f"{path} exists; not overwritten (--force replaces it)")
    try:
        replace_file(path, STARTER.encode("utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    print(f"wrote {path}")
    return 0
