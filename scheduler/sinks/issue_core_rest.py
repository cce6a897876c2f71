"""The `issue_core_rest` sink: POST each task spec to the issue core's REST endpoint.

Request: `POST $ISSUE_CORE_URL` with the spec as the JSON body, `Authorization: Bearer
<token from $ISSUE_CORE_TOKEN>` (both variable names configurable under
`[sinks.issue_core_rest]`) and an `Idempotency-Key` derived from the run id and the spec's
hash, so a retried POST cannot create a second task.

Response assumed: a 2xx JSON object carrying the new task's reference as `"ref"` (preferred)
or `"id"`, e.g. `{"ref": "ISSUE-123"}` or `{"id": 123}`; that value, as a string, becomes
`task_spawn_log.external_ref`.

Requests go through `common.http.HttpClient`: one connection kept open for all the specs of a
run; connection errors, timeouts, 5xx and 429 answers retried a bounded number of times with
exponential backoff, or after what `Retry-After` asks (capped); other 4xx answers are not (the
request itself is wrong). The token never appears in an error message, a log line or a repr.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from common.http import HttpClient, RetriesExhausted
    from scheduler.config import IssueCoreRestConfig, SinksConfig
    from scheduler.sinks import TaskDelivery


def idempotency_key(run_id: str, spec_hash: str) -> str:
    return hashlib.sha256(f"{run_id}:{spec_hash}".encode()).hexdigest()


@dataclass
class IssueCoreRestSink:
    settings: IssueCoreRestConfig
    url: str | None
    token: str | None = field(repr=False)
    sleep: Callable[[float], None] = time.sleep
    _client: HttpClient | None = field(default=None, init=False, repr=False)

    @classmethod
    def from_config(cls, sinks: SinksConfig) -> IssueCoreRestSink:
        settings = sinks.issue_core_rest
        return cls(settings, os.environ.get(settings.url_env), os.environ.get(settings.token_env))

    def deliver(self, delivery: TaskDelivery) -> str | None:
        from common.http import RetriesExhausted
        from scheduler.sinks import SinkError

        if not self.url:
            raise SinkError(f"{self.settings.url_env} is not set")
        if not self.token:
            raise SinkError(f"{self.settings.token_env} is not set")
        headers = {"Idempotency-Key": idempotency_key(delivery.run_id, delivery.spec_hash)}
        try:
            response = self._http(self.token).request("POST", self.url, json=delivery.spec, headers=headers)
        except RetriesExhausted as exc:
            raise SinkError(f"{_problem(exc)} (gave up after {exc.attempts} attempts)") from None
        if not response.is_success:
            raise SinkError(f"the issue core refused the task: HTTP {response.status_code}")
        return _reference(response)

    def _http(self, token: str) -> HttpClient:
        """One client for every spec of the run, so that they share a connection."""
        from common.http import HttpClient, RetryPolicy

        if self._client is None:
            policy = RetryPolicy(self.settings.retries, self.settings.retry_backoff.total_seconds())
            headers = {"Authorization": f"Bearer {token}"}
            self._client = HttpClient(timeout=self.settings.timeout.total_seconds(), retry=policy, headers=headers, sleep=self.sleep)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def _problem(exc: RetriesExhausted) -> str:
    if exc.response is not None:
        return f"the issue core answered HTTP {exc.response.status_code}"
    return f"cannot reach the issue core ({type(exc.error).__name__})"


def _reference(response: httpx.Response) -> str:
    from scheduler.sinks import SinkError

    try:
        body = response.json()
    except ValueError:
        raise SinkError("the issue core's answer is not JSON") from None
    reference = body.get("ref", body.get("id")) if isinstance(body, dict) else None
    if reference is None:
        raise SinkError("the issue core's answer has neither 'ref' nor 'id'")
    return str(reference)
