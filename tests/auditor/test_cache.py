"""The content cache returns only what a cold run returns: damaged, foreign and stale entries
are rebuilt, the rules that look beyond the file run on every check."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from rich.console import Console
from typer.testing import CliRunner

from auditor import cache as cache_module
from auditor import workspace
from auditor.cli import app
from auditor.commands.check import read
from auditor.config import Config, RuleConfig
from auditor.model import Severity
from auditor.progress import READING_BAR_FROM
from auditor.report.model import build_report
from tests.auditor.helpers import CLEAN, CLEAN_NAME

SECOND_NAME = "DEMO-WP-0002-second-plan.md"


def checkout(root: Path) -> Path:
    """A checkout with two workplans: one citing a missing path, one with a duplicate id."""
    (root / ".git").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "docs" / "guide.md").write_text("# Guide\n")
    plans = root / "workplans"
    plans.mkdir()
    (plans / CLEAN_NAME).write_text(CLEAN.replace("`docs/guide.md`", "`docs/guide.md` and `docs/missing.md`"))
    (plans / SECOND_NAME).write_text(CLEAN.replace("DEMO-WP-0001", "DEMO-WP-0002").replace("DEMO-WP-0002-T02", "DEMO-WP-0002-T01"))
    return root


def report_json(root: Path, config: Config, cache_dir: Path | None) -> str:
    checked = read([str(root)], config, cache_dir)
    return build_report(checked.workplans, checked.findings, []).to_json()


def shard_files(cache_dir: Path) -> list[Path]:
    return sorted(path for path in cache_dir.rglob("*.json"))


def test_warm_run_reads_from_the_cache_and_reports_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache_dir = checkout(tmp_path / "repo"), tmp_path / "cache"
    cold = report_json(root, Config(), None)
    assert "WP031" in cold and "WP012" in cold
    assert report_json(root, Config(), cache_dir) == cold
    monkeypatch.setattr(workspace, "read_workplan_source", lambda *args, **kwargs: pytest.fail("an unchanged file was parsed again"))
    assert report_json(root, Config(), cache_dir) == cold


def test_rules_beyond_the_file_run_on_every_check(tmp_path: Path) -> None:
    root, cache_dir = checkout(tmp_path / "repo"), tmp_path / "cache"
    report_json(root, Config(), cache_dir)
    (root / "docs" / "missing.md").write_text("now present\n")  # WP031 looks at the checkout
    (root / "workplans" / SECOND_NAME).unlink()  # WP012 looks across files
    warm = report_json(root, Config(), cache_dir)
    assert warm == report_json(root, Config(), None)
    assert "WP031" not in warm and "WP012" not in warm


def damaged(data: bytes) -> list[bytes]:
    """The shard with a byte flipped in its header, digest, structure and values, and truncated."""
    flips = [0, len(data) // 3, len(data) // 2, len(data) - 2, data.index(b"\n") + 3]
    versions = [data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :] for offset in flips]
    return [*versions, data[: len(data) // 2], data[:10], b""]


def test_corrupt_entries_are_ignored_and_rebuilt(tmp_path: Path) -> None:
    root, cache_dir = checkout(tmp_path / "repo"), tmp_path / "cache"
    cold = report_json(root, Config(), None)
    report_json(root, Config(), cache_dir)
    (shard,) = shard_files(cache_dir)
    good = shard.read_bytes()
    for version in damaged(good):
        shard.write_bytes(version)
        assert report_json(root, Config(), cache_dir) == cold
        assert shard.read_bytes() == good, "the damaged shard was not rebuilt"


def test_an_entry_saying_something_else_is_never_trusted(tmp_path: Path) -> None:
    """A well-formed shard whose content was changed (digest recomputed by hand) is trusted only
    if the digest matches; one edited without its digest is rebuilt."""
    root, cache_dir = checkout(tmp_path / "repo"), tmp_path / "cache"
    cold = report_json(root, Config(), None)
    report_json(root, Config(), cache_dir)
    (shard,) = shard_files(cache_dir)
    shard.write_bytes(shard.read_bytes().replace(b"Demo plan", b"Demo plam"))
    assert report_json(root, Config(), cache_dir) == cold


def test_a_foreign_shard_is_ignored(tmp_path: Path) -> None:
    """A shard of another workspace put in this one's place (same format, other key)."""
    root, other, cache_dir = checkout(tmp_path / "repo"), checkout(tmp_path / "other"), tmp_path / "cache"
    (other / "workplans" / CLEAN_NAME).write_text(CLEAN)
    report_json(other, Config(), cache_dir)
    (foreign,) = shard_files(cache_dir)
    cold = report_json(root, Config(), None)
    report_json(root, Config(), cache_dir)
    mine = next(path for path in shard_files(cache_dir) if path != foreign)
    mine.write_bytes(foreign.read_bytes())
    assert report_json(root, Config(), cache_dir) == cold


def test_no_cache_writes_nothing_and_cache_dir_is_used(tmp_path: Path) -> None:
    root = checkout(tmp_path / "repo")
    runner = CliRunner()
    result = runner.invoke(app, ["check", str(root), "--no-cache", "--fail-on", "never", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert not shard_files(cache_module.default_cache_dir().parent)
    result = runner.invoke(app, ["check", str(root), "--cache-dir", str(tmp_path / "mine"), "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    assert shard_files(tmp_path / "mine")
    result = runner.invoke(app, ["check", str(root), "--fail-on", "never"])
    assert shard_files(cache_module.default_cache_dir())


def test_default_cache_dir_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_module.default_cache_dir() == tmp_path / "workplan-auditor"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_module.default_cache_dir() == tmp_path / "home" / ".cache" / "workplan-auditor"


def test_two_concurrent_checks_leave_a_whole_shard(tmp_path: Path) -> None:
    root, cache_dir = checkout(tmp_path / "repo"), tmp_path / "cache"
    command = [sys.executable, "-m", "auditor", "check", str(root), "--cache-dir", str(cache_dir), "--fail-on", "never", "--format", "json"]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE) for _ in range(2)]
    outputs = [process.communicate(timeout=300)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0]
    assert outputs[0] == outputs[1]
    (shard,) = shard_files(cache_dir)
    assert not list(shard.parent.glob(".*.tmp"))
    assert cache_module._read_shard(shard, shard.stem), "the shard left behind is not a valid one"


EDITS = st.one_of(
    st.tuples(st.just("bytes"), st.sampled_from([CLEAN_NAME, SECOND_NAME]), st.sampled_from([
        ("status: done", "status: blocked"),
        ("`docs/guide.md`", "`docs/other.md`"),
        ("priority: high", "priority: urgent"),
        ('updated: "2026-06-10"', "updated: 2026-06-10"),
        ("Demo plan", "Demo plan\u00e9"),
        ("## Context", "## Context\n<!-- auditor: disable WP031 -->"),
        ('state_hub_workstream_id: "0b0e5c1e-1111-4000-8000-000000000001"', "state_hub_workstream_id: 2026-01-01"),
    ])),
    st.tuples(st.just("severity"), st.sampled_from(["WP031", "WP012", "WP003", "WP006"]), st.sampled_from(list(Severity))),
    st.tuples(st.just("disable"), st.sampled_from(["WP031", "WP012", "WP003", "WP006", "WP021"]), st.booleans()),
    st.tuples(st.just("version"), st.sampled_from(["0.1.0", "0.2.0", "9.9.9"]), st.none()),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(EDITS, min_size=1, max_size=6))
def test_cache_only_returns_what_a_cold_run_returns(edits, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    base = tmp_path_factory.mktemp("property")
    root, cache_dir = checkout(base / "repo"), base / "cache"
    rules: dict[str, RuleConfig] = {}
    version = ["0.1.0"]
    monkeypatch.setattr(cache_module.metadata, "version", lambda name: version[0])
    for kind, subject, value in edits:
        if kind == "bytes":
            path = root / "workplans" / subject
            old, new = value
            path.write_text(path.read_text().replace(old, new, 1))
        elif kind == "severity":
            rules[subject] = rules.get(subject, RuleConfig()).model_copy(update={"severity": value})
        elif kind == "disable":
            rules[subject] = rules.get(subject, RuleConfig()).model_copy(update={"enabled": value})
        else:
            version[0] = subject
        config = Config(rules=dict(rules))
        assert report_json(root, config, cache_dir) == report_json(root, config, None)


def test_progress_bar_only_on_a_terminal_for_many_files(tmp_path: Path) -> None:
    plans = tmp_path / "many"
    plans.mkdir()
    for number in range(READING_BAR_FROM):
        name = f"DEMO-WP-{number + 1:04d}-demo-plan.md"
        (plans / name).write_text(CLEAN.replace("DEMO-WP-0001", f"DEMO-WP-{number + 1:04d}"))

    def shown(count: int, terminal: bool) -> str:
        out = io.StringIO()
        console = Console(file=out, force_terminal=terminal, width=100)
        files = sorted(plans.iterdir())[:count]
        read([str(path) for path in files], Config(), None, console)
        return out.getvalue()

    assert "reading workplans" in shown(READING_BAR_FROM, terminal=True)
    assert shown(READING_BAR_FROM, terminal=False) == ""
    assert shown(READING_BAR_FROM - 1, terminal=True) == ""
