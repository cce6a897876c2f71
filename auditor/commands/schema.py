"""``auditor schema NAME``: print a JSON Schema.

``evidence``: the grammar of evidence blocks. ``report``: the JSON report of ``auditor check``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rich.console import Console


def _evidence() -> dict[str, Any]:
    from auditor.evidence.block import json_schema

    return json_schema()


def _report() -> dict[str, Any]:
    from auditor.report.model import CheckReport

    return CheckReport.model_json_schema(by_alias=True, mode="serialization")


SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {"evidence": _evidence, "report": _report}


def run(name: str, console: Console) -> int:
    """Print the schema called ``name``; 2 (usage error) when there is none by that name."""
    schema = SCHEMAS.get(name)
    if schema is None:
        console.print(f"error: no schema '{name}'; known: {', '.join(SCHEMAS)}", markup=False, highlight=False)
        return 2
    console.print_json(json.dumps(schema()))
    return 0
