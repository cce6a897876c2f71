"""Every rule, by code. Adding a rule is writing one module and naming it here."""

from __future__ import annotations

import importlib
from types import ModuleType

RULE_MODULES = (
    "wp000_unreadable",
    "wp001_frontmatter",
    "wp002_required_keys",
    "wp003_vocabulary",
    "wp004_file_name",
    "wp005_title",
    "wp006_dates",
    "wp010_task_block",
    "wp011_task_id",
    "wp012_duplicate_ids",
    "wp013_state_hub_ids",
    "wp020_status_rollup",
    "wp021_wait_reason",
    "wp022_completion_note",
    "wp030_references",
    "wp031_paths",
    "wp032_dependencies",
    "wp040_violated",
    "wp041_ready",
    "wp042_evidence_block",
    "wp043_unknown",
    "wp044_source_unreadable",
    "wp045_duplicate_record",
    "wp046_future_record",
    "wp050_state_hub_drift",
)

RULES: dict[str, ModuleType] = {
    module.CODE: module for module in (importlib.import_module(f"auditor.rules.{name}") for name in RULE_MODULES)
}


def rules_of_scope(scope: str) -> list[ModuleType]:
    return [rule for rule in RULES.values() if rule.SCOPE == scope]
