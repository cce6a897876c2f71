"""``manifest``: a Kubernetes object in YAML files, a container's env exactly, or no such object."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.evidence.builders import Bundle, only_check

RUNTIME = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: activity-core-config
data:
  ISSUE_SINK_TYPE: "null"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: activity-core-worker
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: activity-core:1
      containers:
        - name: worker
          image: activity-core:1
          env:
            - name: LLM_CONNECT_URL
              value: http://llm-connect.activity-core.svc.cluster.local:8080
            - name: LLM_CONNECT_TIMEOUT_SECONDS
              value: "300"
            - name: STATE_HUB_TOKEN
              valueFrom:
                secretKeyRef: {name: state-hub, key: token}
        - name: sidecar
          image: proxy:1
"""
URL = "http://llm-connect.activity-core.svc.cluster.local:8080"


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    (root / "k8s/railiance").mkdir(parents=True)
    (root / "k8s/railiance/20-runtime.yaml").write_text(RUNTIME, encoding="utf-8")
    (root / "k8s/railiance/10-service.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: activity-core\nspec:\n  type: ClusterIP\n", encoding="utf-8"
    )
    return root


def judged(judge, block: str, root: Path):
    verdict = judge.verdict(block, today="2026-06-21", repo_root=root)
    return verdict, only_check(verdict)


def block(**arguments: object) -> str:
    parts = {"path": "k8s/railiance/20-runtime.yaml", "kind": "Deployment", "name": "activity-core-worker", **arguments}
    lines = ["manifest:"]
    for key, value in parts.items():
        if isinstance(value, dict):
            lines.append(f"  {key}:")
            lines += [f"    {name}: {item!r}" for name, item in value.items()]
        else:
            lines.append(f"  {key}: {value!r}" if isinstance(value, str) else f"  {key}: {str(value).lower()}")
    return "\n".join(lines)


class TestPresentAndEnv:
    def test_the_env_holds_exactly_with_the_lines_of_each_variable(self, bundle: Bundle, judge, checkout: Path) -> None:
        verdict, check = judged(judge, block(container="worker", env={"LLM_CONNECT_URL": URL, "LLM_CONNECT_TIMEOUT_SECONDS": "300"}), checkout)
        assert (verdict.verdict, check.result) == ("ready", "pass")
        assert check.detail == "container worker of Deployment activity-core-worker sets LLM_CONNECT_URL, LLM_CONNECT_TIMEOUT_SECONDS"
        assert [(ref.path, ref.line) for ref in check.evidence] == [
            ("k8s/railiance/20-runtime.yaml", 9), ("k8s/railiance/20-runtime.yaml", 19), ("k8s/railiance/20-runtime.yaml", 22), ("k8s/railiance/20-runtime.yaml", 24)
        ]

    def test_another_value_fails_at_its_line(self, bundle: Bundle, judge, checkout: Path) -> None:
        verdict, check = judged(judge, block(container="worker", env={"LLM_CONNECT_URL": "http://llm-connect:8080"}), checkout)
        assert (verdict.verdict, check.result) == ("not_ready", "fail")
        assert check.detail == (
            f"LLM_CONNECT_URL is '{URL}' in container worker of Deployment activity-core-worker "
            "(k8s/railiance/20-runtime.yaml:22), not 'http://llm-connect:8080'"
        )

    @pytest.mark.parametrize(
        ("arguments", "detail"),
        [
            ({"container": "worker", "env": {"MISSING": "x"}}, "MISSING is not set in container worker of Deployment activity-core-worker"),
            ({"container": "worker", "env": {"STATE_HUB_TOKEN": "x"}},
             "STATE_HUB_TOKEN is not set to a value in container worker of Deployment activity-core-worker (k8s/railiance/20-runtime.yaml:26: valueFrom)"),
            ({"container": "sidecar", "env": {"LLM_CONNECT_URL": URL}}, "LLM_CONNECT_URL is not set in container sidecar of Deployment activity-core-worker"),
            ({"container": "api"}, "Deployment activity-core-worker has no container api (it has: worker, sidecar, migrate)"),
            ({"name": "activity-core-api"}, "no Deployment activity-core-api in k8s/railiance/20-runtime.yaml"),
            ({"kind": "StatefulSet"}, "no StatefulSet activity-core-worker in k8s/railiance/20-runtime.yaml"),
        ],
    )
    def test_what_fails(self, bundle: Bundle, judge, checkout: Path, arguments: dict, detail: str) -> None:
        _, check = judged(judge, block(**arguments), checkout)
        assert (check.result, check.detail) == ("fail", detail)

    def test_an_init_container_and_the_object_alone(self, bundle: Bundle, judge, checkout: Path) -> None:
        assert judged(judge, block(container="migrate"), checkout)[1].result == "pass"
        _, check = judged(judge, block(path="k8s/**/*.yaml", kind="ConfigMap", name="activity-core-config"), checkout)
        assert check.detail == "ConfigMap activity-core-config is at k8s/railiance/20-runtime.yaml:2"

    def test_env_without_container_in_a_pod_of_two_is_unknown(self, bundle: Bundle, judge, checkout: Path) -> None:
        verdict, check = judged(judge, block(env={"LLM_CONNECT_URL": URL}), checkout)
        assert (verdict.verdict, check.detail) == ("unknown", "Deployment activity-core-worker has 2 containers; name one with 'container'")

    def test_a_cronjob_pod_and_list_items(self, bundle: Bundle, judge, checkout: Path) -> None:
        (checkout / "k8s/audit.yaml").write_text(
            "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: batch/v1\n    kind: CronJob\n    metadata: {name: audit}\n"
            "    spec:\n      jobTemplate:\n        spec:\n          template:\n            spec:\n              containers:\n"
            "                - name: auditor\n                  env:\n                    - {name: SINK, value: 'null'}\n"
        )
        _, check = judged(judge, block(path="k8s/*.yaml", kind="CronJob", name="audit", env={"SINK": "null"}), checkout)
        assert check.result == "pass" and [ref.line for ref in check.evidence] == [5, 13, 15]


class TestAbsent:
    def test_no_ingress_passes_and_one_fails_at_its_line(self, bundle: Bundle, judge, checkout: Path) -> None:
        absent = "manifest: {path: 'k8s/**/*.yaml', kind: Ingress, absent: true}"
        verdict, check = judged(judge, absent, checkout)
        assert (verdict.verdict, check.detail) == ("ready", "no Ingress in 2 files matching k8s/**/*.yaml")
        (checkout / "k8s/railiance/30-ingress.yaml").write_text("# exposed\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: api\n")
        _, check = judged(judge, absent, checkout)
        assert (check.result, check.detail) == ("fail", "Ingress exists (k8s/railiance/30-ingress.yaml:4)")

    def test_an_empty_glob_fails(self, bundle: Bundle, judge, checkout: Path) -> None:
        _, check = judged(judge, "manifest: {path: 'deploy/**/*.yaml', kind: Ingress, absent: true}", checkout)
        assert (check.result, check.detail) == ("fail", "no file matches deploy/**/*.yaml")


class TestHostile:
    def test_a_malformed_file_is_unknown_with_its_location(self, bundle: Bundle, judge, checkout: Path) -> None:
        (checkout / "k8s/railiance/30-ingress.yaml").write_text("apiVersion: v1\nkind: Ingress\nmetadata: {name: [api\n")
        for arguments in ({"path": "k8s/**/*.yaml"}, {"path": "k8s/**/*.yaml", "kind": "Ingress", "absent": True, "name": "api"}):
            verdict, check = judged(judge, block(**arguments), checkout)
            assert verdict.verdict == "unknown"
            assert check.detail.startswith("cannot read every manifest: k8s/railiance/30-ingress.yaml:3: invalid YAML")

    def test_an_object_defined_twice_is_unknown(self, bundle: Bundle, judge, checkout: Path) -> None:
        (checkout / "k8s/railiance/21-copy.yaml").write_text(RUNTIME)
        verdict, check = judged(judge, block(path="k8s/**/*.yaml", container="worker", env={"LLM_CONNECT_URL": URL}), checkout)
        assert (verdict.verdict, check.result) == ("unknown", "unknown")
        assert check.detail == (
            "Deployment activity-core-worker is defined 2 times (k8s/railiance/20-runtime.yaml:9, k8s/railiance/21-copy.yaml:9)"
        )

    def test_a_variable_set_twice_is_unknown(self, bundle: Bundle, judge, checkout: Path) -> None:
        doubled = RUNTIME.replace('              value: "300"\n', f'              value: "300"\n            - name: LLM_CONNECT_URL\n              value: {URL}\n')
        (checkout / "k8s/railiance/20-runtime.yaml").write_text(doubled)
        verdict, _ = judged(judge, block(container="worker", env={"LLM_CONNECT_URL": URL}), checkout)
        assert verdict.verdict == "unknown"

    def test_an_alias_bomb_is_unknown(self, bundle: Bundle, judge, checkout: Path) -> None:
        bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{chr(98 + n)}: &{chr(98 + n)} [*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}]\n" for n in range(8)
        )
        (checkout / "k8s/railiance/99-bomb.yaml").write_text(bomb)
        verdict, check = judged(judge, block(path="k8s/**/*.yaml"), checkout)
        assert verdict.verdict == "unknown" and "alias bomb" in check.detail

    def test_a_symlinked_manifest_is_unknown(self, bundle: Bundle, judge, checkout: Path, tmp_path: Path) -> None:
        (tmp_path / "elsewhere.yaml").write_text(RUNTIME)
        (checkout / "k8s/railiance/20-runtime.yaml").unlink()
        (checkout / "k8s/railiance/20-runtime.yaml").symlink_to(tmp_path / "elsewhere.yaml")
        assert judged(judge, block(path="k8s/**/*.yaml"), checkout)[0].verdict == "unknown"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("manifest: {path: k8s/a.yaml, kind: Deployment}", "evidence block: manifest: 'name' is missing (only 'absent: true' may leave it out)"),
        ("manifest: {path: k8s/a.yaml, kind: Ingress, absent: true, container: x}", "evidence block: manifest: 'absent' takes no 'container' or 'env'"),
        ("manifest: {path: k8s/a.yaml, kind: Deployment, name: x, env: {A: [1]}}", "evidence block: manifest: 'env.A': Input should be a valid string"),
    ],
)
def test_bad_arguments_are_block_errors(bundle: Bundle, judge, text: str, message: str) -> None:
    result = judge(text, today="2026-06-21")
    (finding,) = [finding for finding in result.findings if finding.code == "WP042"]
    assert (finding.line, finding.message) == (21, message)
