"""Source names are one registered vocabulary: a check kind cannot ask for a source that does not exist."""

from __future__ import annotations

import re
from typing import get_args

import pytest

from auditor.evidence import sources
from auditor.evidence.block import parse_block
from auditor.evidence.checks import CHECKS, consecutive_runs, feedback
from auditor.evidence.sources import LIVE_SOURCES, SOURCES
from auditor.evidence.sources.base import SourceName
from tests.evidence.builders import Bundle


def test_the_registry_holds_exactly_the_declared_names() -> None:
    assert set(SOURCES) == set(get_args(SourceName))
    assert set(LIVE_SOURCES) <= set(SOURCES)


def test_a_registry_out_of_step_with_the_names_fails_on_import(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(SOURCES, "notes")
    with pytest.raises(ImportError, match=r"not registered \['notes'\]"):
        sources._check_registry()
    monkeypatch.setitem(SOURCES, "notes", sources.notes.SOURCE)
    monkeypatch.setitem(LIVE_SOURCES, "state_hub.feedbak", sources.live_state_hub.FEEDBACK)
    with pytest.raises(ImportError, match=r"not in SourceName \['state_hub.feedbak'\]"):
        sources._check_registry()


def _examples(kind: str) -> list[str]:
    """The examples in a check kind's docstring: its ``Example::`` block, one check a paragraph."""
    doc = CHECKS[kind].__doc__ or ""
    found = re.findall(r"::\n\n((?:    .*\n|\n)+)", doc + "\n")
    return [example for block in found for example in re.sub(r"^    ", "", block, flags=re.M).split("\n\n") if example.strip()]


@pytest.mark.parametrize("kind", list(CHECKS))
def test_every_check_kind_asks_only_for_registered_sources(kind: str) -> None:
    examples = _examples(kind)
    assert examples, f"{kind} has no example"
    for example in examples:
        parsed = parse_block(example, 1)
        assert parsed.spec is not None, parsed.errors
        for node in parsed.spec.checks:
            if node.kind == kind:
                assert node.args is not None
                assert set(CHECKS[kind].sources(node.args)) <= set(SOURCES), example


def test_every_requirement_of_consecutive_runs_is_a_registered_source() -> None:
    assert set(consecutive_runs.SOURCE_OF.values()) <= set(SOURCES)
    assert set(consecutive_runs.SOURCE_OF) == set(get_args(consecutive_runs.Requirement))


def test_a_misspelt_source_name_makes_a_check_unknown_never_failed(bundle: Bundle, judge, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle.append("state_hub/feedback.jsonl")  # readable and empty: judged alone, the check fails
    monkeypatch.setattr(feedback, "sources", lambda args: ("state_hub.feedbak",))
    result = judge("feedback: {kind: calibration, after: 2026-06-07}", today="2026-06-20")
    (verdict,) = result.verdicts
    assert verdict.verdict == "unknown"
    assert verdict.checks[0].missing == ["state_hub.feedbak: no such evidence source"]
