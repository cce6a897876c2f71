"""``manifest``: a Kubernetes object in the repo's YAML manifests, and what a container's env holds.

Example::

    manifest:
      path: k8s/railiance/20-runtime.yaml      # or a glob: k8s/**/*.yaml
      kind: Deployment
      name: activity-core-worker
      container: worker                        # optional
      env:                                     # optional: each variable set to exactly this value
        LLM_CONNECT_URL: http://llm-connect.activity-core.svc.cluster.local:8080
        LLM_CONNECT_TIMEOUT_SECONDS: "300"

    manifest: {path: 'k8s/**/*.yaml', kind: Ingress, absent: true}   # no Ingress at all

PASS: one document of the matching files is that object, and its container has
``- name: LLM_CONNECT_URL`` with ``value:`` exactly that text. FAIL: no such object, no such
container, the variable unset, set to another value or from ``valueFrom``; with ``absent``, the
object exists. UNKNOWN: a matching file is not valid YAML (its file:line is given), the object
or the variable is defined twice, or ``container`` is left out of a pod with several.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self, cast

import yaml
from pydantic import Field, model_validator

from auditor.evidence.checks.base import CheckContext, RepoPathArgs
from auditor.evidence.model import CheckResult, EvidenceRef
from auditor.parse import yamlsafe

if TYPE_CHECKING:
    from auditor.evidence.sources.base import SourceName

KIND = "manifest"
POD_SPECS = (("spec", "template", "spec"), ("spec", "jobTemplate", "spec", "template", "spec"), ("spec",))
"""Where workloads keep their pod spec: Deployment/StatefulSet/DaemonSet/Job, CronJob, Pod."""


class ManifestArgs(RepoPathArgs):
    globs = True
    kind: str = Field(min_length=1, description="The object's kind, e.g. Deployment (case matters).")
    name: str | None = Field(default=None, min_length=1, description="Its metadata.name; optional only with absent.")
    container: str | None = Field(default=None, min_length=1, description="A container (or init container) of its pod.")
    env: dict[str, str] | None = Field(default=None, min_length=1, description="Variables the container sets, each to exactly this value.")
    absent: bool = Field(default=False, description="Pass when no such object exists in the matching files.")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.absent and (self.container or self.env):
            raise ValueError("'absent' takes no 'container' or 'env'")
        if not self.absent and self.name is None:
            raise ValueError("'name' is missing (only 'absent: true' may leave it out)")
        return self


ARGS = ManifestArgs


def sources(args: ManifestArgs) -> tuple[SourceName, ...]:
    return ("repo_files",)


@dataclass(frozen=True)
class Found:
    """An object of a manifest: its value, and how to find lines in it."""

    value: dict[str, Any]
    node: yaml.Node
    path: str
    text: str

    def line(self, *steps: str | int) -> int:
        """The line of the item at ``steps`` below the object (the object's own line at worst)."""
        node = self.node
        for step in steps:
            if isinstance(node, yaml.MappingNode):
                node = next((value for key, value in node.value if getattr(key, "value", None) == step), node)
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                node = node.value[step]
        return yamlsafe.line_of(self.text, node)

    def ref(self, reference: str, *steps: str | int) -> EvidenceRef:
        return EvidenceRef(source="repo", reference=reference, path=self.path, line=self.line(*steps))


def judge(args: ManifestArgs, ctx: CheckContext) -> CheckResult:
    what = f"{args.kind} {args.name}" if args.name else args.kind
    files = ctx.repo_files(args.path)
    if not files:
        return ctx.result("fail", f"no file matches {args.path}", missing=[f"{what} in {args.path}"])
    objects, broken = [], []
    for path, text in files:
        stream = yamlsafe.load_all(text)
        if stream.error:
            broken.append(f"{path}:{stream.error_line}: {stream.error}")
        objects += list(_objects(path, text, stream))
    found = [item for item in objects if item.value.get("kind") == args.kind and (args.name is None or _name(item.value) == args.name)]
    if broken:
        return ctx.result("unknown", f"cannot read every manifest: {broken[0]}", missing=broken)
    if args.absent:
        if found:
            refs = [item.ref(f"{args.kind} {_name(item.value)}", "kind") for item in found]
            return ctx.result("fail", f"{what} exists ({refs[0].path}:{refs[0].line})", refs, [f"no {what} in {args.path}"])
        return ctx.result("pass", f"no {what} in {len(files)} file{'s' if len(files) != 1 else ''} matching {args.path}")
    if not found:
        return ctx.result("fail", f"no {what} in {args.path}", missing=[f"{what} in {args.path}"])
    if len(found) > 1:
        places = ", ".join(f"{item.path}:{item.line('kind')}" for item in found)
        return ctx.result("unknown", f"{what} is defined {len(found)} times ({places})", missing=[f"one {what} (defined at {places})"])
    return _judge_object(args, ctx, found[0], what)


def _judge_object(args: ManifestArgs, ctx: CheckContext, item: Found, what: str) -> CheckResult:
    evidence = [item.ref(what, "kind")]
    if args.container is None and args.env is None:
        return ctx.result("pass", f"{what} is at {item.path}:{evidence[0].line}", evidence)
    containers = _containers(item.value)
    if args.container is None:
        plain = [entry for entry in containers if entry.field == "containers"]
        if len(plain) != 1:
            detail = f"{what} has {len(plain)} containers; name one with 'container'"
            return ctx.result("unknown", detail, evidence, [f"'container' for {what}"])
        chosen = plain
    else:
        chosen = [entry for entry in containers if entry.value.get("name") == args.container]
    label = f"container {args.container} of {what}" if args.container else f"the container of {what}"
    if not chosen:
        names = ", ".join(str(entry.value.get("name")) for entry in containers) or "none"
        return ctx.result("fail", f"{what} has no container {args.container} (it has: {names})", evidence, [label])
    if len(chosen) > 1:
        return ctx.result("unknown", f"{what} has container {args.container} twice", evidence, [f"one {label}"])
    steps, container = chosen[0].steps, chosen[0].value
    evidence.append(item.ref(label, *steps, "name"))
    problems: list[str] = []
    unknowns: list[str] = []
    listed = container.get("env")
    env: list[Any] = listed if isinstance(listed, list) else []
    for variable, wanted in (args.env or {}).items():
        entries = [(index, entry) for index, entry in enumerate(env) if isinstance(entry, dict) and entry.get("name") == variable]
        if len(entries) > 1:
            unknowns.append(f"{variable} is set {len(entries)} times in {label}")
            continue
        if not entries:
            problems.append(f"{variable} is not set in {label}")
            continue
        (index, entry), = entries
        ref = item.ref(f"{variable}={entry.get('value')}", *steps, "env", index)
        if "value" not in entry:
            problems.append(f"{variable} is not set to a value in {label} ({item.path}:{ref.line}: valueFrom)")
        elif entry["value"] != wanted:
            problems.append(f"{variable} is {entry['value']!r} in {label} ({item.path}:{ref.line}), not {wanted!r}")
        else:
            evidence.append(ref)
    if problems:
        return ctx.result("fail", problems[0], evidence, problems)
    if unknowns:
        return ctx.result("unknown", unknowns[0], evidence, unknowns)
    detail = f"{label} sets {', '.join(args.env)}" if args.env else f"{label} exists"
    return ctx.result("pass", detail, evidence)


def _objects(path: str, text: str, stream: yamlsafe.LoadedStream) -> Iterator[Found]:
    """Every object (a mapping with a ``kind``) of the stream, the items of ``kind: List`` too."""
    for document in stream.documents:
        value = document.value
        if not isinstance(value, dict) or "kind" not in value:
            continue
        found = Found(value, document.node, path, text)
        items = value.get("items")
        if str(value.get("kind", "")).endswith("List") and isinstance(items, list):
            for index, entry in enumerate(items):
                if isinstance(entry, dict) and "kind" in entry:
                    yield Found(entry, _child(document.node, "items", index), path, text)
            continue
        yield found


def _child(node: yaml.Node, key: str, index: int) -> yaml.Node:
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if getattr(key_node, "value", None) == key and isinstance(value, yaml.SequenceNode) and index < len(value.value):
                return cast(yaml.Node, value.value[index])
    return node


def _name(value: dict[str, Any]) -> Any:
    metadata = value.get("metadata")
    return metadata.get("name") if isinstance(metadata, dict) else None


@dataclass(frozen=True)
class Container:
    field: str
    """``containers`` or ``initContainers``."""
    steps: tuple[str | int, ...]
    """Where it is in the object."""
    value: dict[str, Any]


def _containers(value: dict[str, Any]) -> list[Container]:
    """Every container and init container of the object's pod spec."""
    found: list[Container] = []
    for steps in POD_SPECS:
        spec: Any = value
        for step in steps:
            spec = spec.get(step) if isinstance(spec, dict) else None
        if not isinstance(spec, dict) or not any(isinstance(spec.get(field), list) for field in ("containers", "initContainers")):
            continue
        for field in ("containers", "initContainers"):
            entries = spec.get(field)
            for index, container in enumerate(entries if isinstance(entries, list) else []):
                if isinstance(container, dict):
                    found.append(Container(field, (*steps, field, index), container))
        break
    return found
