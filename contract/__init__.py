"""The record contract between the scheduler and the auditor.

The scheduler writes evidence records through these models (``scheduler export``); the
auditor checks every record it reads, from bundle files and from live services, against the
same models before anything reaches its store. One place says what a record is:

- :mod:`contract.timestamps`: the one strict timestamp and date grammar;
- :mod:`contract.jsontext`: JSON text in which an object with a repeated key is malformed;
- :mod:`contract.vocabulary`: run statuses, triggers, sink names, Temporal search attributes;
- :mod:`contract.records`: one pydantic model per bundle record kind, with its natural key.
"""
