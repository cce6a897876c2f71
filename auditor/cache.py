"""The content cache: per-file results of the per-file rules, reused while nothing they depend on
has changed.

One *shard* per workplan directory holds an entry per file. A shard's name is a digest of
everything every entry depends on besides its file: the directory, the whole configuration
(rules, severities, vocabulary, limits) and the tool itself (its version and the size and
modification time of each of its source files). An entry is used only when it was made from
the same bytes, display path, repo name and repo root. A shard is written whole, to a
temporary file renamed into place, so a reader sees an old shard or a new one, never half of
one; two concurrent checks each write a complete shard and the last rename wins.

A shard is trusted only when its header names the expected key and its payload matches the
digest it carries. Anything else — truncated, bit-flipped, from another version or another
directory — is ignored and rebuilt, so the cache can only ever return what a cold run returns.
Rules whose result depends on more than the file (``CACHEABLE = False``) and every rule that
looks across files run on every check.
"""

from __future__ import annotations

import contextlib

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from auditor.config import Config
from auditor.model import Finding, Workplan, WorkplanSummary

FORMAT = "workplan-auditor-cache/1"
PACKAGE_ROOT = Path(__file__).resolve().parent


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/workplan-auditor``, else ``~/.cache/workplan-auditor``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "workplan-auditor"


def _digest(*parts: str | bytes) -> str:
    encoded = [part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part for part in parts]
    lengths = b"".join(len(data).to_bytes(8, "little") for data in encoded)  # so parts cannot run into each other
    return hashlib.blake2b(lengths + b"".join(encoded), digest_size=20).hexdigest()


def tool_fingerprint() -> str:
    """The tool version, and every source file's size and modification time: an edited rule
    invalidates the cache even when the version number stays the same."""
    try:
        version = metadata.version("workplan-auditor")
    except metadata.PackageNotFoundError:
        version = "unknown"
    stamps = [version]
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        stat = path.stat()
        stamps.append(f"{path.relative_to(PACKAGE_ROOT)}:{stat.st_size}:{stat.st_mtime_ns}")
    return _digest(*stamps)


def entry_key(data: bytes, display: str, repo_name: str | None, repo_root: str | None) -> str:
    """What an entry was made from, besides the shard's key."""
    return _digest(data, display, repo_name or "\0", repo_root or "\0")


@dataclass
class Shard:
    """The entries of one workplan directory: file name -> (entry key, entry)."""

    path: Path
    key: str
    entries: dict[str, list[Any]] = field(default_factory=dict)
    changed: bool = False


@dataclass
class Cache:
    """The shards of one run, by workplan directory."""

    directory: Path
    tool: str
    config: str
    shards: dict[Path, Shard] = field(default_factory=dict)

    @classmethod
    def open(cls, directory: Path, config: Config) -> Cache:
        return cls(directory, tool_fingerprint(), _digest(config.model_dump_json()))

    def shard(self, workplan_dir: Path) -> Shard:
        """The shard of a directory, however it is spelled (asked once per file: memoised)."""
        if workplan_dir not in self.shards:
            resolved = workplan_dir.resolve()
            same = next((shard for directory, shard in self.shards.items() if directory.resolve() == resolved), None)
            if same is None:
                key = _digest(FORMAT, self.tool, self.config, str(resolved))
                path = self.directory / FORMAT.replace("/", "-") / f"{key}.json"
                same = Shard(path, key, _read_shard(path, key))
            self.shards[workplan_dir] = same
        return self.shards[workplan_dir]

    def save(self) -> None:
        """Write every shard that changed; a cache that cannot be written is simply not kept."""
        for shard in {id(shard): shard for shard in self.shards.values()}.values():
            if shard.changed:
                with contextlib.suppress(OSError):  # a cache that cannot be written is only slower next time
                    _write_shard(shard)


def _read_shard(path: Path, key: str) -> dict[str, list[Any]]:
    """The entries of a shard file, or none when it is absent, foreign or damaged."""
    try:
        raw = path.read_bytes()
    except OSError:
        return {}
    header, _, rest = raw.partition(b"\n")
    digest, _, payload = rest.partition(b"\n")
    if header != f"{FORMAT} {key}".encode() or digest != _digest(payload).encode():
        return {}
    try:
        entries = json.loads(payload)
    except ValueError:
        return {}
    if not isinstance(entries, dict) or not all(_well_formed(entry) for entry in entries.values()):
        return {}
    return entries


def _well_formed(entry: Any) -> bool:
    return isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str) and isinstance(entry[1], dict)


def _write_shard(shard: Shard) -> None:
    payload = json.dumps(shard.entries, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogateescape")
    shard.path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=shard.path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(f"{FORMAT} {shard.key}\n{_digest(payload)}\n".encode())
            out.write(payload)
        os.replace(temporary, shard.path)
    except BaseException:
        os.unlink(temporary)
        raise


class Uncacheable(Exception):
    """A value that JSON would not give back as it was (a YAML date in an id field, say)."""


def _plain(value: Any) -> Any:
    """``value`` as JSON data, every field included (excluded-from-report ones too)."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, BaseModel):
        return {name: _plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, frozenset) and all(isinstance(item, str) for item in value):
        return sorted(value)
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: _plain(item) for key, item in value.items()}
    raise Uncacheable(type(value).__name__)


FINDING_FIELDS = tuple(Finding.model_fields)


def finding_row(finding: Finding) -> list[Any]:
    """A finding as a row of plain values (field order: :data:`FINDING_FIELDS`): what crosses
    from a worker process and what the cache keeps, far cheaper to send than the model."""
    return [getattr(finding, name) for name in FINDING_FIELDS]


def finding_of(row: list[Any]) -> Finding:
    return Finding.model_validate(dict(zip(FINDING_FIELDS, row, strict=False)))


def to_entry(workplan: Workplan, findings: list[Finding]) -> dict[str, Any]:
    """What the cache keeps of a file: its summary, the cacheable rules' findings, and the
    path references the other per-file rules look up on every check."""
    return {
        "summary": _plain(workplan.summary()),
        "findings": [finding_row(finding) for finding in findings],
        "paths": [_plain(reference) for reference in workplan.references if reference.kind == "path"],
    }


def summary_of(entry: dict[str, Any]) -> WorkplanSummary:
    return WorkplanSummary.model_validate(entry["summary"])


def findings_of(entry: dict[str, Any]) -> list[Finding]:
    return [finding_of(row) for row in entry["findings"]]


@dataclass(frozen=True)
class _Mention:
    kind: str
    value: str
    line: int
    column: int
    task_id: str | None


@dataclass(frozen=True)
class _Directive:
    scope: str
    codes: frozenset[str]
    line: int
    applies_from: int
    applies_to: int


@dataclass(frozen=True)
class CheckoutView:
    """The part of a workplan that the rules depending on more than the file may look at, with
    the attribute names of :class:`~auditor.model.Workplan`. Plain data, built without
    validation: the entry was made from validated models and its shard's digest checked."""

    path: str
    id: str | None
    references: list[_Mention]
    directives: list[_Directive]
    repo_name: str | None
    repo_root: str | None


def checkout_view(entry: dict[str, Any], repo_name: str | None, repo_root: str | None) -> CheckoutView:
    summary = entry["summary"]
    return CheckoutView(
        path=summary["path"],
        id=summary["id"],
        references=[_Mention(**reference) for reference in entry["paths"]],
        directives=[_Directive(**{**directive, "codes": frozenset(directive["codes"])}) for directive in summary["directives"]],
        repo_name=repo_name,
        repo_root=repo_root,
    )
