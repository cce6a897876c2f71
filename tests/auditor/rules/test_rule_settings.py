"""``[rules.CODE]`` in auditor.toml: severity overrides and ``enabled = false``."""

from __future__ import annotations

import pytest

from auditor.model import Severity
from tests.auditor.helpers import CLEAN, NO_REASON, config_from_toml, lint_text, of_code, variant

UNKNOWN_DEPENDENCY = variant(NO_REASON, "depends_on: [DEMO-WP-0001-T01]", "depends_on: [DEMO-WP-0001-T09]")
FOREIGN_REFERENCE = CLEAN + "See OTHER-WP-0003.\n"


@pytest.mark.parametrize(
    "text, code, default, configured",
    [
        pytest.param(NO_REASON, "WP021", Severity.warning, "error", id="raise-a-warning"),
        pytest.param(UNKNOWN_DEPENDENCY, "WP032", Severity.error, "info", id="lower-a-workspace-rule"),
        pytest.param(FOREIGN_REFERENCE, "WP030", Severity.info, "warning", id="override-a-per-hit-severity"),
    ],
)
def test_a_configured_severity_replaces_the_default(tmp_path, text, code, default, configured):
    assert [f.severity for f in of_code(lint_text(text), code)] == [default]
    config = config_from_toml(tmp_path, f'[rules.{code}]\nseverity = "{configured}"\n')
    assert [f.severity for f in of_code(lint_text(text, config=config), code)] == [Severity[configured]]


@pytest.mark.parametrize("code", ["WP021", "WP032"], ids=["workplan-rule", "workspace-rule"])
def test_a_disabled_rule_reports_nothing_and_the_others_still_run(tmp_path, code):
    before = {f.code for f in lint_text(UNKNOWN_DEPENDENCY)}
    assert {"WP021", "WP032"} <= before
    config = config_from_toml(tmp_path, f"[rules.{code}]\nenabled = false\n")
    assert {f.code for f in lint_text(UNKNOWN_DEPENDENCY, config=config)} == before - {code}


@pytest.mark.parametrize(
    ("code", "message"),
    [("WP21", "[rules.WP21]: no rule WP21; did you mean WP021?"),
     ("wp044", "[rules.wp044]: no rule wp044; did you mean WP044?"),
     ("NOPE", "[rules.NOPE]: no rule NOPE; `auditor rules` lists the codes")],
)
def test_a_misspelt_rule_code_is_a_config_error_with_a_suggestion(tmp_path, code, message):
    from typer.testing import CliRunner

    from auditor.cli import app

    (tmp_path / "auditor.toml").write_text(f'[rules.{code}]\nseverity = "error"\n', encoding="utf-8")
    (tmp_path / "DEMO-WP-0001-demo-plan.md").write_text(CLEAN, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(tmp_path / "DEMO-WP-0001-demo-plan.md"), "--config", str(tmp_path / "auditor.toml")])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: {tmp_path / 'auditor.toml'}: {message}"]
