"""The project's promises about itself: the README's commands, CI, generated docs."""

from __future__ import annotations

import re
from pathlib import Path

from auditor.commands.rules import rules_markdown

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", setup)


def test_readme_has_exactly_two_setup_commands_one_checks_one_tests() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    assert commands[0].endswith("auditor check activity-core")
    assert "pytest" in commands[1]
    for command in commands:
        assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install -e ")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci


def test_rules_doc_is_generated_from_the_rule_modules() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run `auditor rules --markdown > docs/rules.md`"
    )


def test_rules_doc_is_markdown_not_rest() -> None:
    """Outside its indented examples, docs/rules.md has no reST roles, ``literals`` or ``::``, and
    every rule's summary is whole (not cut at the docstring's first line break)."""
    text = rules_markdown()
    prose = [line for line in text.split("\n") if not line.startswith("    ")]
    assert not [line for line in prose if re.search(r":\w+:`|(?<!`)``(?!`)|::$", line)]
    summaries = re.findall(r"^## WP\d+\n\n\*\*(.+)\*\*\n\nDefault severity", text, re.M)
    assert len(summaries) == text.count("\n## WP")
    assert all(summary.endswith(".") for summary in summaries)
