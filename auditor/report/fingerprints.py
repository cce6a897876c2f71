"""Stable identities of findings, for CI systems that track a problem across runs.

A fingerprint hashes what the finding is about (rule, file, task, message), not where it is:
adding a line above a finding keeps its fingerprint. Identical findings in one file are told
apart by their order.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from auditor.model import Finding


def fingerprints(findings: list[Finding]) -> list[str]:
    """One hex SHA-256 per finding, in the order given."""
    seen: Counter[str] = Counter()
    result = []
    for finding in findings:
        key = "\0".join((finding.code, finding.path, finding.task_id or "", finding.message))
        seen[key] += 1
        result.append(hashlib.sha256(f"{key}\0{seen[key]}".encode("utf-8")).hexdigest())
    return result
