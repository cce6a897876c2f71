"""Connecting to a Temporal frontend, with a one-line error instead of a traceback."""

from __future__ import annotations

from temporalio.client import Client


class TemporalUnavailable(Exception):
    pass


async def connect(address: str, namespace: str) -> Client:
    try:
        return await Client.connect(address, namespace=namespace)
    except Exception as exc:  # the SDK raises RuntimeError with a multi-line cause
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise TemporalUnavailable(f"cannot connect to Temporal at {address} (namespace {namespace}): {first_line}") from None
