"""JSON text as evidence: an object that names a key twice is malformed.

Readers disagree on a repeated key (DuckDB keeps the first value, Python's ``json`` the last),
so a record holding one could be read two ways; the contract reads it no way at all.
"""

from __future__ import annotations

import json
from typing import Any


class RepeatedKey(ValueError):
    """A JSON object names a key twice."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise RepeatedKey(f"key {key!r} is given twice in one object")
        found[key] = value
    return found


def loads(text: str | bytes) -> Any:
    """Parse JSON text; ValueError (json.JSONDecodeError or :class:`RepeatedKey`) when malformed.

    ``NaN`` and ``Infinity`` are not JSON and are refused too.
    """
    return json.loads(text, object_pairs_hook=_object, parse_constant=_refuse_constant)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")
