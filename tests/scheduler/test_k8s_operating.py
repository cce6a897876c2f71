"""k8s/ Deployments, Service and ServiceAccount: probes and ports match what the CLI serves."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.health import HEALTH_PATH, METRICS_PATH, READY_PATH, parse_listen
from tests.scheduler.test_k8s import K8S, _all_resources, _cronjobs, _pod_spec


def _deployments() -> list[dict[str, Any]]:
    return [d for d in _all_resources() if d["kind"] == "Deployment"]


def _pod_specs() -> list[dict[str, Any]]:
    return [d["spec"]["template"]["spec"] for d in _deployments()] + [_pod_spec(c) for c in _cronjobs()]


@pytest.mark.parametrize("deployment", _deployments(), ids=lambda d: d["metadata"]["name"])
def test_probes_ask_the_port_and_paths_the_cli_listens_on(deployment: dict[str, Any]) -> None:
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    args = container["args"]
    _, port = parse_listen(args[args.index("--listen") + 1])
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports["metrics"] == port
    for probe, path in (("startupProbe", HEALTH_PATH), ("livenessProbe", HEALTH_PATH), ("readinessProbe", READY_PATH)):
        http = container[probe]["httpGet"]
        assert http["path"] == path
        assert ports.get(http["port"], http["port"]) == port
    # The CLI accepts exactly these arguments (an unknown option fails before --help is honoured).
    result = CliRunner().invoke(app, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert deployment["spec"]["strategy"]["type"] == "Recreate" and deployment["spec"]["replicas"] == 1


def test_the_service_scrapes_the_metrics_port_of_both_deployments() -> None:
    [service] = [d for d in _all_resources() if d["kind"] == "Service"]
    annotations = service["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true" and annotations["prometheus.io/path"] == METRICS_PATH
    [port] = service["spec"]["ports"]
    for deployment in _deployments():
        pod = deployment["spec"]["template"]
        assert all(pod["metadata"]["labels"].get(k) == v for k, v in service["spec"]["selector"].items())
        [container] = pod["spec"]["containers"]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert ports[port["targetPort"]] == int(annotations["prometheus.io/port"]) == port["port"]


def test_every_pod_runs_as_the_dedicated_account_without_a_token() -> None:
    [account] = [d for d in _all_resources() if d["kind"] == "ServiceAccount"]
    assert account["automountServiceAccountToken"] is False
    for pod in _pod_specs():
        assert pod["serviceAccountName"] == account["metadata"]["name"]
        assert pod["automountServiceAccountToken"] is False


def test_the_image_is_pinned_by_digest() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", image["digest"]) for image in kustomization["images"])


def test_the_audit_job_does_not_rerun_on_findings() -> None:
    [audit] = [c for c in _cronjobs() if c["metadata"]["name"] == "auditor-check"]
    assert audit["spec"]["jobTemplate"]["spec"]["backoffLimit"] == 0
    check = _pod_spec(audit)["containers"][0]
    assert check["args"][check["args"].index("--fail-on") + 1] == "error"
