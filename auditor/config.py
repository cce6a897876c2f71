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

Relative paths are relative to the directory holding the config file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from auditor.model import Severity
from auditor.parse.workplan import DEFAULT_MAX_FILE_BYTES

CONFIG_FILE_NAME = "auditor.toml"

WORKPLAN_STATUSES = ("draft", "planned", "active", "blocked", "done", "cancelled")
TASK_STATUSES = ("todo", "in_progress", "wait", "blocked", "done", "cancelled")
PRIORITIES = ("critical", "high", "medium", "low")
OPEN_TASK_STATUSES = ("todo", "in_progress", "wait", "blocked")
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


class RepoConfig(_Strict):
    path: Path
    workplans: str = "workplans"
    evidence: Path | None = None

    @property
    def workplan_dir(self) -> Path:
        return self.path / self.workplans


class Limits(_Strict):
    max_file_bytes: int = Field(default=DEFAULT_MAX_FILE_BYTES, gt=0)


class Config(_Strict):
    repos: dict[str, RepoConfig] = Field(default_factory=dict)
    rules: dict[str, RuleConfig] = Field(default_factory=dict)
    vocabulary: Vocabulary = Field(default_factory=Vocabulary)
    limits: Limits = Field(default_factory=Limits)
    source_path: Path | None = None
    """The file this configuration was read from, if any."""

    def rule(self, code: str) -> RuleConfig:
        return self.rules.get(code) or RuleConfig()


def load_config(path: Path | None, *, required: bool = False) -> Config:
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
        raise ConfigError(f"{path}: {describe_validation_error(exc)}") from None
    base = path.resolve().parent
    for repo in config.repos.values():
        repo.path = (base / repo.path).resolve()
        if repo.evidence is not None:
            repo.evidence = (base / repo.evidence).resolve()
    config.source_path = path
    return config


def describe_validation_error(exc: ValidationError) -> str:
    """One line per problem, each naming its key: ``repos.core.path: Field required``."""
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        problems.append(f"{where}: {error['msg']}")
    return "; ".join(problems)
