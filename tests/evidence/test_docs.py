"""docs/evidence.md stays in step with the code: the store schema, every check kind and argument."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.config import Limits
from auditor.evidence.checks import CHECKS
from auditor.evidence.store import schema_markdown

DOC = (Path(__file__).resolve().parents[2] / "docs" / "evidence.md").read_text(encoding="utf-8")


def test_the_snapshot_schema_section_is_the_schema() -> None:
    assert schema_markdown() in DOC


@pytest.mark.parametrize("kind", list(CHECKS))
def test_every_check_kind_and_argument_is_documented(kind: str) -> None:
    row = next(line for line in DOC.splitlines() if line.startswith(f"| `{kind}` |"))
    for argument in CHECKS[kind].ARGS.model_fields:
        assert f"`{argument}`" in row, argument


@pytest.mark.parametrize("name", [name for name in Limits.model_fields if name.endswith("_bytes")])
def test_every_size_limit_is_documented_with_its_default(name: str) -> None:
    row = next(line for line in DOC.splitlines() if line.startswith(f"  | `{name}` |"))
    assert f"| {Limits.model_fields[name].default // (1024 * 1024)} MiB |" in row


def test_the_slot_limit_is_documented_with_its_default() -> None:
    assert set(Limits.model_fields) - {name for name in Limits.model_fields if name.endswith("_bytes")} == {"max_slots"}
    assert f"`max_slots` (default {Limits.model_fields['max_slots'].default:,})" in " ".join(DOC.split())
