"""``auditor.toml``: repos of the workspace, rule overrides, vocabularies, limits.

Example::

    [repos.activity-core]
    path = "../activity-core"          # the checkout; workplans are under <path>/workplans/
    evidence = "../evidence/activity-core"

    [rules.WP021]
    severity = "error"                 # error | warning | info

    [rules.WP031]
    enabled = false

    [vocabulary]
    task_statuses = ["review"]         # added to the built-in vocabulary

    [limits]
    max_history_bytes = 33554432       # bytes per file of each kind; defaults in docs/evidence.md

    [sources.state_hub]                # live evidence, for every repo (docs/sources.md)
    url = "https://state-hub.example"
    token_env = "STATE_HUB_TOKEN"      # the variable's name; the token stays in the environment

    [repos.activity-core.sources.temporal]   # for one repo; its keys win over [sources.temporal]
    address = "temporal.example:7233"

Relative paths are relative to the directory holding the config file.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import unquote, urlsplit

from pydantic import AfterValidator, BaseModel, StrictBool, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from auditor.model import Severity
from common import redact
from auditor.parse.workplan import DEFAULT_MAX_FILE_BYTES
from common.validation import describe_all

CONFIG_FILE_NAME = "auditor.toml"

WORKPLAN_STATUSES = ("draft", "planned", "active", "blocked", "done", "cancelled")
TASK_STATUSES = ("todo", "in_progress", "wait", "blocked", "done", "cancelled")
PRIORITIES = ("critical", "high", "medium", "low")
CLOSED_TASK_STATUSES = ("done", "cancelled")


class ConfigError(Exception):
    """The configuration cannot be used; the message says where and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def parse_severity(value: Any) -> Severity:
    if isinstance(value, Severity):
        return value
    try:
        return Severity[str(value)]
    except KeyError:
        raise ValueError(f"'{value}' is not one of error, warning, info") from None


class RuleConfig(_Strict):
    enabled: bool = True
    severity: Severity | None = None

    @field_validator("severity", mode="before")
    @classmethod
    def _severity(cls, value: Any) -> Severity | None:
        return None if value is None else parse_severity(value)


class Vocabulary(_Strict):
    """Extra statuses and priorities, added to the built-in ones."""

    workplan_statuses: list[str] = Field(default_factory=list)
    task_statuses: list[str] = Field(default_factory=list)
    priorities: list[str] = Field(default_factory=list)

    def allowed_workplan_statuses(self) -> set[str]:
        return {*WORKPLAN_STATUSES, *self.workplan_statuses}

    def allowed_task_statuses(self) -> set[str]:
        return {*TASK_STATUSES, *self.task_statuses}

    def allowed_priorities(self) -> set[str]:
        return {*PRIORITIES, *self.priorities}


_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _plain_name(refusal: str) -> AfterValidator:
    """Letters, digits and ``_`` only; anything else is refused with ``refusal``, unechoed."""

    def check(value: str) -> str:
        if not _PLAIN_NAME.fullmatch(value):
            raise ValueError(refusal)
        return value

    return AfterValidator(check)


# A value that is not a variable name is most likely a pasted secret.
EnvName = Annotated[str, _plain_name("must name an environment variable (letters, digits, _), not hold a secret")]
SqlName = Annotated[str, _plain_name("must be a plain SQL name (letters, digits, _)")]


class HttpServiceConfig(_Strict):
    """A live evidence service over HTTP (State Hub, notes, issue-core)."""

    allow_http: StrictBool = Field(
        default=False,
        description="Allow plain http to any host (an in-cluster Service); the token then crosses the network unencrypted.",
    )
    url: str = Field(description="Base URL; each endpoint path is appended to it.")
    token_env: EnvName | None = Field(default=None, description="Environment variable holding the bearer token.")
    timeout: float = Field(default=10.0, gt=0, description="Seconds to connect, and to wait for each read.")
    retries: int = Field(default=3, ge=0, le=10, description="Retries after a 5xx or 429 answer, a timeout or a connection error.")
    backoff: float = Field(default=0.5, ge=0, le=60, description="Seconds before the first retry; doubled before each next one.")
    page_size: int = Field(default=100, ge=1, le=10_000, description="The `limit` asked of a listing endpoint.")

    @field_validator("url")
    @classmethod
    def _url(cls, url: str, info: ValidationInfo) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError("must be an http(s) URL with a host")
        if parts.username is not None or parts.password is not None:
            raise ValueError("must not hold credentials; name the token's variable in token_env")
        if parts.query or parts.fragment:
            raise ValueError("must not have a query or a fragment")
        if parts.scheme == "http" and not _loopback(parts.hostname) and not info.data.get("allow_http"):
            raise ValueError("must be https (plain http only to a loopback host); allow_http = true permits it, e.g. for an in-cluster Service")
        return url.rstrip("/")

    def endpoint(self, path: str) -> str:
        return self.url + path


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _EndpointPaths(_Strict):
    """Endpoint paths, appended to the service URL; ``{name}`` placeholders are filled per request."""

    @field_validator("*")
    @classmethod
    def _path(cls, path: str, info: ValidationInfo) -> str:
        if not path.startswith("/"):
            raise ValueError("must start with /")
        # A per-record endpoint has the placeholder of its default, and no other: it is how the
        # record is named, and the only value filled in.
        wanted = re.findall(r"\{\w+\}", cls.model_fields[str(info.field_name)].default)
        if re.findall(r"\{\w+\}", path) != wanted or path.count("{") != len(wanted) or path.count("}") != len(wanted):
            raise ValueError(f"must contain {wanted[0]} and no other {{...}}" if wanted else "must not contain {...}")
        return path


class StateHubPaths(_EndpointPaths):
    progress: str = "/api/progress"
    decisions: str = "/api/decisions"
    feedback: str = "/api/feedback"
    messages: str = "/api/messages"
    task: str = "/api/tasks/{task_id}"


class StateHubConfig(HttpServiceConfig):
    paths: StateHubPaths = Field(default_factory=StateHubPaths)


class NotesPaths(_EndpointPaths):
    notes: str = "/api/notes"


class NotesConfig(HttpServiceConfig):
    paths: NotesPaths = Field(default_factory=NotesPaths)


class IssueCorePaths(_EndpointPaths):
    task: str = "/api/tasks/{ref}"


class IssueCoreConfig(HttpServiceConfig):
    paths: IssueCorePaths = Field(default_factory=IssueCorePaths)


class TemporalConfig(_Strict):
    """A Temporal cluster read live with the temporalio client."""

    address: str = Field(min_length=1, description="host:port of the frontend.")
    namespace: str = "default"
    api_key_env: EnvName | None = Field(default=None, description="Environment variable holding an API key.")
    tls: bool | None = Field(default=None, description="Default: on when an API key is used.")
    timeout: float = Field(default=10.0, gt=0, description="Seconds for connecting and for each call.")
    workflow_types: dict[str, str] = Field(
        default_factory=dict, description="Activity -> workflow type (default: the scheduler's, daily_triage -> DailyTriageWorkflow)."
    )

    @property
    def use_tls(self) -> bool:
        return self.tls if self.tls is not None else self.api_key_env is not None


class DatabaseTableConfig(_Strict):
    """Where one store table's rows are in the database, and its columns' names there."""

    table: SqlName
    columns: dict[str, SqlName] = Field(default_factory=dict, description="Store column -> database column, where they differ.")


class ActivityDatabaseConfig(_Strict):
    """activity-core's PostgreSQL database, read for ``activity_runs`` and ``task_spawn_log``."""

    dsn_env: EnvName = Field(description="Environment variable holding the libpq connection string (it may hold the password).")
    db_schema: SqlName = Field(default="public", alias="schema", description="The schema holding both tables.")
    connect_timeout: int = Field(default=10, ge=1, le=600, description="Seconds to connect.")
    statement_timeout: float = Field(default=60.0, gt=0, le=3600, description="Seconds each query may run.")
    activity_runs: DatabaseTableConfig = Field(default_factory=lambda: DatabaseTableConfig(table="activity_runs"))
    task_spawn_log: DatabaseTableConfig = Field(default_factory=lambda: DatabaseTableConfig(table="task_spawn_log"))

    @model_validator(mode="after")
    def _known_columns(self) -> ActivityDatabaseConfig:
        from auditor.evidence.store import TABLE

        for name in ("activity_runs", "task_spawn_log"):
            known = {column.name for column in TABLE[name].columns}
            unknown = sorted(set(getattr(self, name).columns) - known)
            if unknown:
                raise ValueError(f"{name}.columns: {', '.join(unknown)} is not a column of {name} ({', '.join(sorted(known))})")
        return self


class SourcesConfig(_Strict):
    """Live evidence sources; each one configured replaces the bundle files of its tables."""

    state_hub: StateHubConfig | None = None
    notes: NotesConfig | None = None
    issue_core: IssueCoreConfig | None = None
    temporal: TemporalConfig | None = None
    activity_db: ActivityDatabaseConfig | None = None


class RepoConfig(_Strict):
    path: Path
    workplans: str = "workplans"
    evidence: Path | None = None
    sources: SourcesConfig = Field(default_factory=SourcesConfig)

    @property
    def workplan_dir(self) -> Path:
        return self.path / self.workplans


MIB = 1024 * 1024


class Limits(_Strict):
    """Size limits, in bytes, of each kind of file read. A workplan over its limit is WP000; an
    evidence file over its limit is not read (WP044), and the checks that need it are unknown.
    The defaults keep a run's peak memory under 500 MB with every file at its limit."""

    max_file_bytes: int = Field(default=DEFAULT_MAX_FILE_BYTES, gt=0, description="A workplan file.")
    max_repo_file_bytes: int = Field(default=5 * MIB, gt=0, description="A repo file that a file check names.")
    max_history_bytes: int = Field(default=16 * MIB, gt=0, description="A Temporal history file of the bundle (temporal/*.json).")
    max_note_bytes: int = Field(default=1 * MIB, gt=0, description="A working-memory note of the bundle (notes/**/*.md).")
    max_records_bytes: int = Field(default=64 * MIB, gt=0, description="A record file of the bundle (JSON lines, CSV or Parquet).")
    max_slots: int = Field(default=20_000, gt=0, description="Expected slots one consecutive_runs window may hold; a larger window is a WP042 error.")


class Config(_Strict):
    repos: dict[str, RepoConfig] = Field(default_factory=dict)
    rules: dict[str, RuleConfig] = Field(default_factory=dict)
    vocabulary: Vocabulary = Field(default_factory=Vocabulary)
    limits: Limits = Field(default_factory=Limits)
    sources: SourcesConfig = Field(default_factory=SourcesConfig)
    """Workspace defaults; ``[repos.NAME.sources.X]`` keys win over ``[sources.X]`` for that repo."""

    @model_validator(mode="before")
    @classmethod
    def _repo_sources_over_defaults(cls, raw: Any) -> Any:
        """Merge each repo's source tables over the workspace's, key by key, before validation:
        a repo may change one key (a token, a path) and keep the rest."""
        if not isinstance(raw, dict) or not isinstance(raw.get("sources"), dict) or not isinstance(raw.get("repos"), dict):
            return raw
        repos = {}
        for name, repo in raw["repos"].items():
            if isinstance(repo, dict) and isinstance(repo.get("sources"), dict):
                repo = {**repo, "sources": {
                    key: _merged(raw["sources"].get(key), table) for key, table in repo["sources"].items()
                }}
            repos[name] = repo
        return {**raw, "repos": repos}

    def secret_values(self) -> list[str]:
        """The values of every variable a source names for a secret (its ``*_env`` keys), where
        set, and the password inside a connection string."""
        names = {
            getattr(service, key)
            for sources in (self.sources, *(repo.sources for repo in self.repos.values()))
            for service in (getattr(sources, name) for name in SourcesConfig.model_fields)
            if service is not None
            for key in type(service).model_fields
            if key.endswith("_env") and getattr(service, key)
        }
        values = [os.environ[name] for name in sorted(names) if os.environ.get(name)]
        return [*values, *filter(None, map(_password_in, values))]

    def rule(self, code: str) -> RuleConfig:
        return self.rules.get(code) or RuleConfig()

    def sources_for(self, repo: str | None) -> SourcesConfig:
        """The live sources of ``repo``: its own tables, else the workspace's."""
        own = self.repos[repo].sources if repo in self.repos else SourcesConfig()
        return SourcesConfig(**{
            name: getattr(own, name) or getattr(self.sources, name) for name in SourcesConfig.model_fields
        })


def _password_in(value: str) -> str | None:
    """The password of a libpq connection string, URL (``postgresql://u:PASSWORD@h``) or
    key=value (``password=PASSWORD``) form; None when it holds none."""
    if "://" in value:
        try:
            password = urlsplit(value).password
        except ValueError:
            return None
        return unquote(password) if password else None
    found = re.search(r"(?:^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", value)
    return found.group(1).strip("'") if found else None


def _merged(base: Any, override: Any) -> Any:
    """``override`` over ``base``, nested tables merged key by key."""
    if not isinstance(base, dict) or not isinstance(override, dict):
        return override
    return {**base, **{key: _merged(base.get(key), value) for key, value in override.items()}}


def load_config(path: Path | None) -> Config:
    """Read ``path`` (or ``./auditor.toml`` when it exists); no file means the defaults."""
    if path is None:
        path = Path(CONFIG_FILE_NAME)
        if not path.is_file():
            return Config()
    elif not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {'; '.join(describe_all(exc))}") from None
    _check_rule_codes(config, path)
    base = path.resolve().parent
    for repo in config.repos.values():
        repo.path = (base / repo.path).resolve()
        if repo.evidence is not None:
            repo.evidence = (base / repo.evidence).resolve()
    redact.register(*config.secret_values())
    return config


def _check_rule_codes(config: Config, path: Path) -> None:
    """A ``[rules.CODE]`` table must name a rule: a misspelt code would silently do nothing."""
    import difflib

    from auditor.rules import RULES  # the rules import this module

    for code in config.rules:
        if code not in RULES:
            close = difflib.get_close_matches(code.upper(), RULES, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else "`auditor rules` lists the codes"
            raise ConfigError(f"{path}: [rules.{code}]: no rule {code}; {hint}")

