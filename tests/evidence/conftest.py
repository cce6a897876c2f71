"""Fixtures: an evidence bundle under construction, and a judge of one evidence block."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from auditor.evidence import Audit, audit
from auditor.evidence.model import Verdict
from tests.evidence.builders import REPO, Bundle, make_workplan


@pytest.fixture
def bundle(tmp_path: Path) -> Bundle:
    return Bundle(tmp_path / "evidence")


class Judging:
    """Judge one block against a bundle; the result's single verdict is ``.verdict``."""

    def __init__(self, tmp_path: Path, bundle: Bundle) -> None:
        self.tmp_path = tmp_path
        self.bundle = bundle

    def __call__(
        self,
        block: str,
        *,
        today: str,
        status: str = "wait",
        evidence: Path | str | None = "bundle",
        repo_root: Path | None = None,
        **options: Any,
    ) -> Audit:
        workplan = make_workplan(self.tmp_path, block, status)
        if repo_root is not None:
            workplan.repo_root = str(repo_root)
        directory = self.bundle.root if evidence == "bundle" else evidence
        return audit([workplan], evidence_dirs={REPO: directory}, today=dt.date.fromisoformat(today), **options)

    def verdict(self, block: str, **options: Any) -> Verdict:
        result = self(block, **options)
        assert len(result.verdicts) == 1, result.findings
        return result.verdicts[0]


@pytest.fixture
def judge(tmp_path: Path, bundle: Bundle) -> Judging:
    return Judging(tmp_path, bundle)
