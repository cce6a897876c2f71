"""Targets resolve to workplan files; loading reads them (on every core when there are many);
cross-file rules see every workplan of the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor import workspace
from auditor.config import Config, ConfigError
from auditor.linter import lint_workspace
from auditor.workspace import load, resolve_targets
from tests.auditor.helpers import BUNDLED_WORKSPACE, CLEAN, CLEAN_NAME, config_from_toml, line_of, variant, write_workplan


def renumbered(number: int) -> str:
    """CLEAN under the id DEMO-WP-<number>, with its own State Hub ids."""
    return CLEAN.replace("DEMO-WP-0001", f"DEMO-WP-{number:04d}").replace("0b0e5c1e", f"{number:08x}")


def names(target) -> list[str]:
    return [item.path.name for item in target.files]


@pytest.fixture
def config_with_repo(tmp_path: Path) -> Config:
    write_workplan(tmp_path / "core" / "workplans", CLEAN)
    return config_from_toml(tmp_path, '[repos.core]\npath = "core"\n')


def test_a_configured_repo_name_resolves_to_its_workplans(tmp_path, config_with_repo):
    [target] = resolve_targets(["core"], config_with_repo)
    assert (target.repo_name, names(target)) == ("core", [CLEAN_NAME])
    assert target.files[0].repo_root == (tmp_path / "core").resolve()


def test_no_target_means_every_configured_repo(config_with_repo):
    assert [target.name for target in resolve_targets([], config_with_repo)] == ["core"]


def test_a_directory_resolves_to_its_markdown_files_only(tmp_path):
    write_workplan(tmp_path, CLEAN)
    write_workplan(tmp_path, renumbered(2), "DEMO-WP-0002-second.md")
    write_workplan(tmp_path, "# About these plans\n", "README.md")
    write_workplan(tmp_path / "nested", renumbered(3), "DEMO-WP-0003-nested.md")
    (tmp_path / "notes.txt").write_text("not a workplan\n")
    [target] = resolve_targets([str(tmp_path)], Config())
    assert names(target) == [CLEAN_NAME, "DEMO-WP-0002-second.md"]
    assert target.files[0].repo_root is None


def test_a_checkout_directory_resolves_to_its_workplans_with_the_root_known(checkout):
    write_workplan(checkout / "workplans", CLEAN)
    [target] = resolve_targets([str(checkout)], Config())
    assert names(target) == [CLEAN_NAME]
    assert target.files[0].repo_root == checkout.resolve()


def test_a_file_resolves_to_itself_with_its_checkout_root(checkout):
    path = write_workplan(checkout / "workplans", CLEAN)
    [target] = resolve_targets([str(path)], Config())
    assert [item.path for item in target.files] == [path]
    assert target.files[0].repo_root == checkout.resolve()


def test_a_bare_name_without_config_is_a_bundled_workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    [target] = resolve_targets(["activity-core"], Config())
    assert target.repo_name == "activity-core"
    assert [name[:16] for name in names(target)] == ["ACTIVITY-WP-0006", "ACTIVITY-WP-0009", "ACTIVITY-WP-0010"]
    assert all(item.path.parent == BUNDLED_WORKSPACE for item in target.files)


def test_the_bundled_workspace_has_no_findings(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = [item for target in resolve_targets(["activity-core"], Config()) for item in target.files]
    loaded = load(files, Config())
    findings = loaded.findings + lint_workspace(loaded.summaries, Config())
    assert [(f.path, f.line, f.code, f.message) for f in findings] == []
    assert sum(len(workplan.tasks) for workplan in loaded.summaries) == 11


@pytest.mark.parametrize(
    "targets, toml, fragment",
    [
        (["no-such-target"], None, "'no-such-target' is not a configured repo, a directory or a file"),
        (["sub/dir/missing"], None, "'sub/dir/missing' is not a configured repo"),
        ([], None, "no target given and no [repos.NAME]"),
        (["gone"], '[repos.gone]\npath = "gone"\n', "workplan directory"),
    ],
    ids=["unknown-name", "missing-path", "nothing-to-check", "repo-without-workplans"],
)
def test_an_unresolvable_target_is_a_config_error(tmp_path, monkeypatch, targets, toml, fragment):
    monkeypatch.chdir(tmp_path)
    config = config_from_toml(tmp_path, toml) if toml else Config()
    with pytest.raises(ConfigError) as raised:
        resolve_targets(targets, config)
    assert fragment in str(raised.value)


def test_cross_file_rules_see_every_workplan_of_the_run(tmp_path):
    second = variant(renumbered(2), "id: DEMO-WP-0002-T02\n", "id: DEMO-WP-0001-T02\n")
    write_workplan(tmp_path, CLEAN)
    write_workplan(tmp_path, second, "DEMO-WP-0002-second.md")
    files = resolve_targets([str(tmp_path)], Config())[0].files
    loaded = load(files, Config())
    findings = loaded.findings + lint_workspace(loaded.summaries, Config())
    duplicates = [(Path(f.path).name, f.line, f.message) for f in findings if f.code == "WP012"]
    first_line = line_of(CLEAN, "id: DEMO-WP-0001-T02")
    assert duplicates == [
        ("DEMO-WP-0002-second.md", line_of(second, "id: DEMO-WP-0001-T02"), f"id 'DEMO-WP-0001-T02' is already used at {files[0].display}:{first_line}")
    ]


def test_parallel_loading_gives_the_same_result_as_serial(tmp_path, monkeypatch):
    for number in range(1, 41):  # more than one chunk of files per worker
        text = renumbered(number) if number % 3 else variant(renumbered(number), "status: wait\n", "status: waiting\n")
        write_workplan(tmp_path, text, f"DEMO-WP-{number:04d}-plan.md")
    write_workplan(tmp_path, b"\x89PNG\r\n\x1a\n\x00", "DEMO-WP-0099-image.md")
    files = resolve_targets([str(tmp_path)], Config())[0].files
    serial = load(files, Config())

    pools = []

    class CountingPool(workspace.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(workspace, "PARALLEL_THRESHOLD", 4)
    monkeypatch.setattr(workspace.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(workspace, "ProcessPoolExecutor", CountingPool)
    parallel = load(files, Config())

    assert len(pools) == 1
    assert [w.path for w in parallel.summaries] == [item.display for item in files]
    assert parallel.summaries == serial.summaries  # every field, the internal ones too
    assert parallel.findings == serial.findings
    assert {f.code for f in parallel.findings} == {"WP000", "WP003"}


class _Unlookable:
    """A directory entry whose type cannot be looked up, as when the directory denies search."""

    def __init__(self, entry) -> None:
        self.name = entry.name

    def is_file(self) -> bool:
        raise PermissionError(13, "Permission denied", self.name)


def test_an_entry_that_cannot_be_looked_at_is_a_finding_not_a_traceback(tmp_path, monkeypatch):
    directory = tmp_path / "workplans"
    write_workplan(directory, CLEAN)
    (directory / "DEMO-WP-0002-loop.md").symlink_to("DEMO-WP-0002-loop.md")
    (directory / "DEMO-WP-0003-locked.md").write_text(renumbered(3))
    scandir = workspace.os.scandir

    def denying(path):
        return [_Unlookable(entry) if entry.name.endswith("locked.md") else entry for entry in scandir(path)]

    monkeypatch.setattr(workspace.os, "scandir", denying)
    (target,) = resolve_targets([str(directory)], Config())
    assert names(target) == [CLEAN_NAME, "DEMO-WP-0002-loop.md", "DEMO-WP-0003-locked.md"]
    loaded = load(target.files, Config())
    (unreadable,) = [finding for finding in loaded.findings if finding.code == "WP000"]
    assert unreadable.path.endswith("DEMO-WP-0002-loop.md")
    assert "Too many levels of symbolic links" in unreadable.message
