"""The nightly audit in the cluster: the workplans checkout by git-sync, the live sources and
their tokens by reference, the report on the volume, production on the null sink."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from auditor.config import Config
from scheduler.config import SchedulerConfig
from tests.scheduler.test_k8s import _all_resources, _cronjobs, _pod_spec

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _audit_pod() -> dict[str, Any]:
    [audit] = [c for c in _cronjobs() if c["metadata"]["name"] == "auditor-check"]
    return _pod_spec(audit)


def _configmap() -> dict[str, str]:
    [configmap] = [d for d in _all_resources() if d["kind"] == "ConfigMap"]
    return configmap["data"]


def _flags(container: dict[str, Any]) -> dict[str, str]:
    return dict(arg.removeprefix("--").partition("=")[::2] for arg in container["args"])


def test_git_sync_puts_the_checkout_where_auditor_toml_reads_it_before_anything_else() -> None:
    git_sync = _audit_pod()["initContainers"][0]
    image, _, tag = git_sync["image"].rpartition(":")
    assert (git_sync["name"], image) == ("git-sync", "registry.k8s.io/git-sync/git-sync")
    assert tag.startswith("v4.") and tag.count(".") == 2
    flags = _flags(git_sync)
    assert "one-time" in flags
    checkout = f"{flags['root']}/{flags['link']}"
    config = Config.model_validate(tomllib.loads(_configmap()["auditor.toml"]))
    assert str(config.repos["activity-core"].path) == checkout
    assert {"name": "store", "mountPath": "/var/lib/scheduler"} in git_sync["volumeMounts"]


def test_git_sync_reads_its_repo_from_the_configmap_and_credentials_from_a_secret() -> None:
    env = {variable["name"]: variable for variable in _audit_pod()["initContainers"][0]["env"]}
    data = _configmap()
    for name in ("GITSYNC_REPO", "GITSYNC_REF"):
        assert env[name]["valueFrom"]["configMapKeyRef"]["key"] in data
    for name in ("GITSYNC_USERNAME", "GITSYNC_PASSWORD"):
        assert "value" not in env[name] and env[name]["valueFrom"]["secretKeyRef"]["name"] == "workplans-git"


def test_every_live_source_token_comes_from_a_secret_by_reference() -> None:
    config = Config.model_validate(tomllib.loads(_configmap()["auditor.toml"]))
    wanted = {
        getattr(source, "token_env", None) or getattr(source, "dsn_env", None)
        for source in (getattr(config.sources, name) for name in type(config.sources).model_fields)
        if source is not None
    }
    assert {"STATE_HUB_TOKEN", "NOTES_TOKEN", "ISSUE_CORE_TOKEN"} <= wanted
    check = _audit_pod()["containers"][0]
    env = {variable["name"]: variable for variable in check["env"]}
    for name in wanted:
        assert "value" not in env[name] and env[name]["valueFrom"]["secretKeyRef"]["name"] == "auditor-sources", name


def test_in_cluster_services_are_plain_http_only_by_allow_http() -> None:
    config = Config.model_validate(tomllib.loads(_configmap()["auditor.toml"]))
    for service in (config.sources.state_hub, config.sources.notes, config.sources.issue_core):
        assert service.url.startswith("http://") and ".svc.cluster.local" in service.url and service.allow_http


def test_the_report_is_kept_on_the_volume_where_the_docs_say() -> None:
    check = _audit_pod()["containers"][0]
    command = check["command"] + check["args"]
    report = command[command.index("--output") + 1]
    assert report.startswith("/var/lib/scheduler/audit/")
    assert report in (DOCS / "ci.md").read_text(encoding="utf-8")


def test_production_keeps_daily_triage_on_the_null_sink() -> None:
    config = SchedulerConfig.model_validate(tomllib.loads(_configmap()["scheduler.toml"]))
    [triage] = [activity for activity in config.activity if activity.name == "daily_triage"]
    assert triage.sink == "null"
