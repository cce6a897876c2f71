"""How the project reaches its users: the wheel, the CLIs' --version, completion and init,
the pre-commit hook, the GitHub Action, the container image and the CI recipes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml

from tests.cli.test_check_cli import GOOD

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RECIPES = ROOT / "docs" / "ci"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def run(*command: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def workspace(directory: Path, text: str = GOOD) -> Path:
    (directory / "workplans").mkdir(parents=True, exist_ok=True)
    (directory / "workplans" / "DEMO-WP-0001-demo.md").write_text(text, encoding="utf-8")
    return directory


# The CLIs


@pytest.mark.parametrize("cli", ["auditor", "scheduler"])
def test_version(cli: str) -> None:
    result = run(BIN / cli, "--version")
    assert result.returncode == 0
    assert result.stdout == f"{cli} (workplan-auditor) {version('workplan-auditor')}\n"


@pytest.mark.parametrize("cli", ["auditor", "scheduler"])
def test_shell_completion_is_available(cli: str) -> None:
    script = run(BIN / cli, "--show-completion", "bash")
    assert script.returncode == 0 and f"_{cli}_completion" in script.stdout
    words = run(BIN / cli, env={"COMP_WORDS": f"{cli} sch", "COMP_CWORD": "1", f"_{cli.upper()}_COMPLETE": "complete_bash"})
    assert words.stdout.split() == ["schema"]


def test_auditor_init_writes_a_starter_that_checks_and_never_overwrites(tmp_path: Path) -> None:
    workspace(tmp_path)
    assert run(BIN / "auditor", "init", cwd=tmp_path).returncode == 0
    starter = (tmp_path / "auditor.toml").read_text(encoding="utf-8")
    assert starter.startswith("# auditor.toml") and f"[repos.{tmp_path.name}]" in starter
    checked = run(BIN / "auditor", "check", cwd=tmp_path)
    assert checked.returncode == 0 and "1 workplans, 1 tasks" in checked.stdout, checked.stdout + checked.stderr
    (tmp_path / "auditor.toml").write_text("# mine\n", encoding="utf-8")
    again = run(BIN / "auditor", "init", cwd=tmp_path)
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "exists" in again.stderr
    assert (tmp_path / "auditor.toml").read_text(encoding="utf-8") == "# mine\n"
    assert run(BIN / "auditor", "init", "--force", cwd=tmp_path).returncode == 0
    assert (tmp_path / "auditor.toml").read_text(encoding="utf-8") == starter
    blocked = run(BIN / "auditor", "init", "no/such/dir/auditor.toml", cwd=tmp_path)
    assert blocked.returncode == 2 and "cannot write" in blocked.stderr and "Traceback" not in blocked.stderr


def test_scheduler_init_writes_a_starter_the_scheduler_reads(tmp_path: Path) -> None:
    assert run(BIN / "scheduler", "init", cwd=tmp_path).returncode == 0
    assert (tmp_path / "scheduler.toml").read_text(encoding="utf-8").startswith("# scheduler.toml")
    runs = run(BIN / "scheduler", "runs", "--format", "json", cwd=tmp_path)
    assert runs.returncode == 0, runs.stderr
    again = run(BIN / "scheduler", "init", cwd=tmp_path)
    assert again.returncode == 2 and "exists" in again.stderr


def test_check_without_target_or_config_checks_the_workplans_directory(tmp_path: Path) -> None:
    nothing = run(BIN / "auditor", "check", cwd=tmp_path)
    assert nothing.returncode == 2 and "nor a ./workplans directory" in nothing.stderr
    workspace(tmp_path, GOOD.replace("status: todo", "status: someday"))
    found = run(BIN / "auditor", "check", cwd=tmp_path)
    assert found.returncode == 1 and "workplans/DEMO-WP-0001-demo.md:14:1 WP003 error" in found.stdout


# The wheel


def test_the_wheel_installs_and_checks_the_bundled_example_from_anywhere(tmp_path: Path) -> None:
    """A fresh venv, the wheel alone (no temporalio: checking does not need it), run elsewhere."""
    built = run(sys.executable, "-m", "build", "--wheel", "--outdir", tmp_path / "dist", ROOT, timeout=600)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheel = next((tmp_path / "dist").glob("workplan_auditor-*.whl"))
    venv = tmp_path / "venv"
    assert run(sys.executable, "-m", "venv", venv).returncode == 0
    installed = run(venv / "bin" / "pip", "install", "--quiet", "--disable-pip-version-check", wheel, timeout=900)
    assert installed.returncode == 0, installed.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    checked = run(venv / "bin" / "auditor", "check", "activity-core", cwd=elsewhere)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "3 workplans, 11 tasks: 0 errors" in checked.stdout and "ACTIVITY-WP-0009-T01 (wait): not_ready" in checked.stdout
    assert run(venv / "bin" / "scheduler", "--version", cwd=elsewhere).returncode == 0
    assert run(venv / "bin" / "python", "-c", "import temporalio").returncode == 1
    assert run(venv / "bin" / "scheduler", "init", cwd=elsewhere).returncode == 0
    missing = run(venv / "bin" / "scheduler", "temporal", "apply", "--address", "127.0.0.1:1", cwd=elsewhere)
    assert missing.returncode == 2 and "pip install 'workplan-auditor[temporal]'" in missing.stderr and "Traceback" not in missing.stderr


# pre-commit


def test_the_pre_commit_manifest_is_valid() -> None:
    assert run(BIN / "pre-commit", "validate-manifest", ROOT / ".pre-commit-hooks.yaml").returncode == 0
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["pass_filenames"] is False  # cross-file rules need the whole workspace


def test_pre_commit_try_repo_passes_a_good_workplan_and_fails_a_bad_one(tmp_path: Path) -> None:
    repo = workspace(tmp_path / "project")
    env = {**GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    assert run("git", "init", "--quiet", repo, env=env).returncode == 0
    assert run("git", "add", "-A", cwd=repo, env=env).returncode == 0
    good = run(BIN / "pre-commit", "try-repo", ROOT, "workplan-auditor", "--all-files", cwd=repo, env=env, timeout=900)
    assert good.returncode == 0, good.stdout[-3000:]
    assert re.search(r"workplan-auditor\.+Passed", good.stdout)
    workspace(repo, GOOD.replace("status: todo", "status: someday"))
    assert run("git", "add", "-A", cwd=repo, env=env).returncode == 0
    bad = run(BIN / "pre-commit", "try-repo", ROOT, "workplan-auditor", "--all-files", cwd=repo, env=env, timeout=900)
    assert bad.returncode == 1
    assert re.search(r"workplan-auditor\.+Failed", bad.stdout)
    assert "workplans/DEMO-WP-0001-demo.md:14:1 WP003 error unknown task status 'someday'" in bad.stdout


# The GitHub Action


def test_the_action_metadata_validates_against_the_actions_schema() -> None:
    result = run(BIN / "check-jsonschema", "--builtin-schema", "vendor.github-actions", ROOT / "action.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_actions_check_step_writes_annotations_sarif_and_its_output(tmp_path: Path) -> None:
    """The check step's script as the runner would run it, with this checkout's auditor."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    step = next(step for step in action["runs"]["steps"] if step.get("id") == "check")
    assert action["outputs"]["sarif-file"]["value"] == "${{ steps.check.outputs.sarif-file }}"
    assert "${{" not in step["run"]  # inputs reach the script through the environment only
    repo = workspace(tmp_path, GOOD.replace("status: todo", "status: someday"))
    outputs = tmp_path / "github-output"
    env = {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "GITHUB_OUTPUT": str(outputs), "TARGETS": "workplans",
           "CONFIG": "", "FAIL_ON": "error", "EXTRA_ARGS": "--strict-evidence", "SARIF_FILE": "out dir/*.sarif"}
    result = run("bash", "-e", "-c", step["run"], cwd=repo, env=env)
    assert result.returncode == 1
    assert result.stdout.startswith("::error file=workplans/DEMO-WP-0001-demo.md,line=14,col=1,endLine=14,title=WP003::")
    assert outputs.read_text(encoding="utf-8") == "sarif-file=out dir/*.sarif\n"
    assert json.loads((repo / "out dir" / "*.sarif").read_text(encoding="utf-8"))["runs"][0]["results"][0]["ruleId"] == "WP003"


# The container image (no Docker engine is needed: hadolint reads the Dockerfile)


def test_the_dockerfile_passes_hadolint() -> None:
    result = run(BIN / "hadolint", "--failure-threshold", "info", ROOT / "Dockerfile")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_is_the_one_the_manifests_run() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    stages = re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE)
    assert len(stages) == 2 and all(base.endswith("-slim") for base in stages)
    user = re.findall(r"^USER (\d+):(\d+)$", dockerfile, re.MULTILINE)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "--no-cache-dir" in dockerfile and "PYTHONDONTWRITEBYTECODE=1" in dockerfile and "HOME=/tmp" in dockerfile
    for manifest in sorted((ROOT / "k8s").glob("cronjob-*.yaml")):
        cronjob = yaml.safe_load(manifest.read_text(encoding="utf-8"))
        pod = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        assert user == [(str(pod["securityContext"]["runAsUser"]), str(pod["securityContext"]["runAsGroup"]))]
        for container in pod.get("initContainers", []) + pod["containers"]:
            if not container["image"].startswith("registry.k8s.io/git-sync/"):  # the upstream checkout helper
                assert container["image"] == f"{project['name']}:{project['version']}", manifest.name
            assert container["securityContext"]["readOnlyRootFilesystem"] is True


# The CI recipes of docs/ci.md


def test_every_recipe_is_in_the_ci_doc_verbatim() -> None:
    doc = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    recipes = sorted(path.name for path in RECIPES.iterdir())
    assert recipes == ["check.sh", "github-workflow.yml", "gitlab-ci.yml", "pre-commit-config.yaml"]
    for name in recipes:
        assert f"\n{(RECIPES / name).read_text(encoding='utf-8')}```" in doc, f"docs/ci.md does not show docs/ci/{name} as it is"


@pytest.mark.parametrize(("recipe", "schema"), [("github-workflow.yml", "vendor.github-workflows"), ("gitlab-ci.yml", "vendor.gitlab-ci")])
def test_ci_recipes_validate_against_their_ci_schemas(recipe: str, schema: str) -> None:
    result = run(BIN / "check-jsonschema", "--builtin-schema", schema, RECIPES / recipe)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_pre_commit_recipe_is_a_valid_config_for_this_hook() -> None:
    assert run(BIN / "pre-commit", "validate-config", RECIPES / "pre-commit-config.yaml").returncode == 0
    config = yaml.safe_load((RECIPES / "pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert {hook["id"] for repo in config["repos"] for hook in repo["hooks"]} <= hooks


def test_the_recipes_commands_run(tmp_path: Path) -> None:
    """The shell recipe as it is, and the GitLab script's auditor line."""
    repo = workspace(tmp_path)
    env = {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    assert run("sh", RECIPES / "check.sh", cwd=repo, env=env).returncode == 0
    assert json.loads((repo / "auditor-report.json").read_text())["summary"]["workplans"] == 1
    assert (repo / "auditor-junit.xml").is_file()
    workspace(repo, GOOD.replace("status: todo", "status: someday"))
    assert run("sh", RECIPES / "check.sh", cwd=repo, env=env).returncode == 1
    gitlab = yaml.safe_load((RECIPES / "gitlab-ci.yml").read_text(encoding="utf-8"))["workplans"]
    line = next(command for command in gitlab["script"] if command.startswith("auditor "))
    assert run("sh", "-c", line, cwd=repo, env=env).returncode == 1
    issues = json.loads((repo / "gl-code-quality.json").read_text())
    assert [issue["check_name"] for issue in issues] == ["WP003"]
    assert set(gitlab["artifacts"]["reports"].values()) == {"gl-code-quality.json", "auditor-junit.xml"}
