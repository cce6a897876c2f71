"""Scale-out on Temporal: the same scheduler.toml as Temporal Schedules plus a worker.

Imported only by the `scheduler temporal ...` commands, so the local scheduler never pays
for importing temporalio.
"""
