"""``all:`` and ``any:``: lists of checks, for nesting.

Example::

    any:
      - spawn: {definition: triage, sink: issue_core_rest, count: 1}
      - decision: {title_contains: null-sink mode accepted, status: accepted}

Three-valued, failing closed: ``all`` fails when one check fails, else is unknown when one is
unknown; ``any`` passes when one check passes, else is unknown when one is unknown. The top
level of an evidence block is an implicit ``all``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from auditor.evidence.model import CheckResult, Result


def all_of(results: Sequence[Result]) -> Result:
    """Every listed check passes."""
    if "fail" in results:
        return "fail"
    return "unknown" if "unknown" in results else "pass"


def any_of(results: Sequence[Result]) -> Result:
    """At least one listed check passes."""
    if "pass" in results:
        return "pass"
    return "unknown" if "unknown" in results else "fail"


COMBINATORS: dict[str, Callable[[Sequence[Result]], Result]] = {"all": all_of, "any": any_of}


def describe(name: str, children: Sequence[CheckResult]) -> str:
    tally = {result: sum(child.result == result for child in children) for result in ("pass", "fail", "unknown")}
    counts = ", ".join(f"{number} {result}" for result, number in tally.items() if number)
    return f"{name} of {len(children)} checks: {counts}"
