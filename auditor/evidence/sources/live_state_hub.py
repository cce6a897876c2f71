"""State Hub over HTTP: progress, decisions, feedback and messages, one source per listing so
that a failing endpoint only makes the checks that read it unknown.

Each listing (``[sources.state_hub.paths]``, defaults in docs/sources.md) is a paged list of
records with the fields of the bundle's ``state_hub/*.jsonl`` lines, validated the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from auditor.config import StateHubConfig
from auditor.evidence.sources import state_hub
from auditor.evidence.sources.base import LoadTarget, ServiceSource, SourceReport
from auditor.evidence.sources.records import RecordSource, load_items

if TYPE_CHECKING:
    import duckdb

    from auditor.evidence.sources.http_service import ServiceClient


class StateHubListing(ServiceSource):
    service = "state_hub"

    def __init__(self, bundle: RecordSource, endpoint: str) -> None:
        self.bundle = bundle
        """The bundle source it stands in for: the same name, the same table."""
        self.name = bundle.name
        self.endpoint = endpoint
        """The key of its path in ``[sources.state_hub.paths]``."""

    def location(self, settings: StateHubConfig) -> str:
        return settings.endpoint(getattr(settings.paths, self.endpoint))

    def ask(self, client: ServiceClient, settings: StateHubConfig, db: duckdb.DuckDBPyConnection, target: LoadTarget) -> list[Any]:
        return client.items(getattr(settings.paths, self.endpoint))

    def store(self, db: duckdb.DuckDBPyConnection, target: LoadTarget, answer: list[Any], report: SourceReport) -> int:
        return load_items(db, self.bundle.table, target, report.location or "", answer, report)


PROGRESS = StateHubListing(state_hub.PROGRESS, "progress")
DECISIONS = StateHubListing(state_hub.DECISIONS, "decisions")
FEEDBACK = StateHubListing(state_hub.FEEDBACK, "feedback")
MESSAGES = StateHubListing(state_hub.MESSAGES, "messages")
