"""k8s/: every manifest validates offline (kubernetes-validate, strict), plus what that lets through."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from croniter import croniter

from scheduler.config import SchedulerConfig

K8S = Path(__file__).resolve().parents[2] / "k8s"
MANIFESTS = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
# The oldest release with CronJob.spec.timeZone, and the newest schema shipped with the validator.
VERSIONS = ["1.27.0", kubernetes_validate.utils.latest_version()]


def _documents(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def _all_resources() -> list[dict[str, Any]]:
    return [d for p in MANIFESTS for d in _documents(p)]


def _cronjobs() -> list[dict[str, Any]]:
    return [d for d in _all_resources() if d["kind"] == "CronJob"]


def _pod_spec(cronjob: dict[str, Any]) -> dict[str, Any]:
    return cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def _containers(cronjob: dict[str, Any]) -> list[dict[str, Any]]:
    pod = _pod_spec(cronjob)
    return pod.get("initContainers", []) + pod["containers"]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda p: p.name)
def test_manifest_is_valid_in_strict_mode(manifest: Path, version: str) -> None:
    for document in _documents(manifest):
        kubernetes_validate.validate(document, version, strict=True)


def test_kustomization_lists_every_manifest_and_pins_the_image() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert sorted(kustomization["resources"]) == sorted(p.name for p in MANIFESTS)
    assert all(image.get("newTag") not in (None, "", "latest") for image in kustomization["images"])


def test_the_expected_resources_are_there() -> None:
    kinds = sorted((d["kind"], d["metadata"]["name"]) for d in _all_resources())
    assert kinds == [("ConfigMap", "scheduler-config"), ("CronJob", "auditor-check"),
                     ("CronJob", "scheduler-tick"), ("Deployment", "scheduler-serve"), ("Deployment", "scheduler-worker"),
                     ("PersistentVolumeClaim", "scheduler-store"), ("Service", "scheduler-metrics"),
                     ("ServiceAccount", "scheduler")]


@pytest.mark.parametrize("cronjob", _cronjobs(), ids=lambda c: c["metadata"]["name"])
def test_cronjob_policies_the_schema_does_not_check(cronjob: dict[str, Any]) -> None:
    spec = cronjob["spec"]
    assert spec["concurrencyPolicy"] == "Forbid"
    assert spec["startingDeadlineSeconds"] > 0
    assert len(spec["schedule"].split()) == 5 and croniter.is_valid(spec["schedule"])
    pod = _pod_spec(cronjob)
    assert pod["securityContext"]["runAsNonRoot"] is True
    volumes = {v["name"]: v for v in pod["volumes"]}
    for container in _containers(cronjob):
        name, _, tag = container["image"].rpartition(":")
        assert name and tag and tag != "latest", container["image"]
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        assert "emptyDir" in volumes[mounts["/tmp"]]
        assert "persistentVolumeClaim" in volumes[mounts["/var/lib/scheduler"]]
        for variable in container.get("env", []):
            if "TOKEN" in variable["name"]:
                assert "value" not in variable and "secretKeyRef" in variable["valueFrom"]


def test_the_tick_cronjob_runs_tick_on_the_mounted_config() -> None:
    [tick] = [c for c in _cronjobs() if c["metadata"]["name"] == "scheduler-tick"]
    [container] = _containers(tick)
    assert container["command"] + container["args"] == ["scheduler", "tick", "--config", "/etc/scheduler/scheduler.toml"]
    assert {"name": "config", "mountPath": "/etc/scheduler", "readOnly": True} in container["volumeMounts"]


def test_the_audit_cronjob_writes_json() -> None:
    [audit] = [c for c in _cronjobs() if c["metadata"]["name"] == "auditor-check"]
    check = _pod_spec(audit)["containers"][0]
    command = check["command"] + check["args"]
    assert command[:2] == ["auditor", "check"]
    assert command[command.index("--format") + 1] == "json" and "--output" in command


def test_the_configmap_holds_a_valid_scheduler_toml_with_its_store_on_the_volume() -> None:
    [configmap] = [d for d in _all_resources() if d["kind"] == "ConfigMap"]
    config = SchedulerConfig.model_validate(tomllib.loads(configmap["data"]["scheduler.toml"]))
    assert str(config.store.path).startswith("/var/lib/scheduler/")
    assert config.activity
