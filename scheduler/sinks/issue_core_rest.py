"""The `issue_core_rest` sink: POST each task spec to the issue core's REST endpoint.

Request: `POST $ISSUE_CORE_URL` with the spec as the JSON body, `Authorization: Bearer
<token from $ISSUE_CORE_TOKEN>` (both variable names configurable under
`[sinks.issue_core_rest]`) and an `Idempotency-Key` derived from the run id and the spec's
hash, so a retried POST cannot create a second task.

Response assumed: a 2xx JSON object carrying the new task's reference as `"ref"` (preferred)
or `"id"`, e.g. `{"ref": "ISSUE-123"}` or `{"id": 123}`; that value, as a string, becomes
`task_spawn_log.external_ref`.

Connection errors and 5xx answers are retried a bounded number of times with exponential
backoff; 4xx answers are not (the request itself is wrong). The token never appears in an
error message, a log line or a repr.
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

    @classmethod
    def from_config(cls, sinks: SinksConfig) -> IssueCoreRestSink:
        settings = sinks.issue_core_rest
        return cls(settings, os.environ.get(settings.url_env), os.environ.get(settings.token_env))

    def deliver(self, delivery: TaskDelivery) -> str | None:
        import httpx

        from scheduler.sinks import SinkError

        if not self.url:
            raise SinkError(f"{self.settings.url_env} is not set")
        if not self.token:
            raise SinkError(f"{self.settings.token_env} is not set")
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Idempotency-Key": idempotency_key(delivery.run_id, delivery.spec_hash),
        }
        attempts = self.settings.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                response = httpx.post(
                    self.url, json=delivery.spec, headers=headers, timeout=self.settings.timeout.total_seconds()
                )
            except httpx.TransportError as exc:
                problem = f"cannot reach the issue core ({type(exc).__name__})"
            else:
                if response.is_success:
                    return _reference(response)
                if response.status_code < 500:
                    raise SinkError(f"the issue core refused the task: HTTP {response.status_code}")
                problem = f"the issue core answered HTTP {response.status_code}"
            if attempt < attempts:
                self.sleep((self.settings.retry_backoff * 2 ** (attempt - 1)).total_seconds())
        raise SinkError(f"{problem} (gave up after {attempts} attempts)")


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
