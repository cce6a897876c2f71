#!/bin/sh
# Any CI, a cron job, a git hook: the text report in the log, JSON and JUnit files beside it.
# Exit 0 nothing at or above FAIL_ON, 1 findings at or above it, 2 a usage or config error.
# Arguments are targets (default: auditor.toml's repos, else ./workplans).
set -eu
exec auditor check --fail-on "${FAIL_ON:-error}" \
    --format text --format json=auditor-report.json --format junit=auditor-junit.xml "$@"
