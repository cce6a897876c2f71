"""`scheduler.toml`: the activity definitions, validated by pydantic.

Every problem in the file becomes a `ConfigError` whose lines name the key
(`activity[0].schedule: ...`), so the CLI can print them and exit 2 instead of
showing a traceback.
"""

from __future__ import annotations

import re
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails

from contract.vocabulary import default_workflow_type

DEFAULT_CONFIG_PATH = Path("scheduler.toml")

_DURATION_PART = re.compile(r"(\d+)(ms|s|m|h|d)")
_DURATION_UNITS = {
    "ms": timedelta(milliseconds=1),
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
}


class ConfigError(Exception):
    """The config file is missing, unreadable or invalid; `lines` name each problem."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def parse_duration(text: object) -> timedelta:
    """'10m', '1h30m', '250ms' -> timedelta. Bare numbers are refused: the unit is not guessable."""
    if not isinstance(text, str):
        raise ValueError(f"expected a duration string like '10m', got {text!r}")
    compact = text.strip()
    parts = _DURATION_PART.findall(compact)
    if not compact or "".join(n + u for n, u in parts) != compact:
        raise ValueError(f"invalid duration {text!r}: use digits and units ms, s, m, h, d (e.g. '10m', '1h30m')")
    return sum((int(n) * _DURATION_UNITS[u] for n, u in parts), timedelta())


def format_duration(value: timedelta) -> str:
    """timedelta -> the spelling parse_duration reads: 1h30m, 250ms."""
    remaining = round(value.total_seconds() * 1000)
    parts = []
    for unit in ("d", "h", "m", "s", "ms"):
        size = round(_DURATION_UNITS[unit].total_seconds() * 1000)
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


def _check_cron(expression: str) -> str:
    from scheduler.slots import check_schedule

    problem = "expected 5 fields: minute hour day month weekday"
    # Five fields only: the same expression must mean the same thing to croniter and to a
    # Temporal Schedule, and the optional seconds/year fields are read differently by each.
    if len(expression.split()) == 5:
        try:
            check_schedule(expression)
            return expression
        except ValueError as exc:
            problem = str(exc)
    raise ValueError(f"invalid cron expression {expression!r} ({problem})")


def _check_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as 'Europe/Berlin')") from None
    return name


def _check_sink(name: str) -> str:
    from scheduler.sinks import SINKS

    if name not in SINKS:
        raise ValueError(f"unknown sink {name!r} (known: {', '.join(sorted(SINKS))})")
    return name


def _check_positive(value: timedelta) -> timedelta:
    if value <= timedelta():
        raise ValueError("must be greater than zero")
    return value


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
PositiveDuration = Annotated[timedelta, BeforeValidator(parse_duration), AfterValidator(_check_positive)]
CronExpression = Annotated[str, AfterValidator(_check_cron)]
TimeZoneName = Annotated[str, AfterValidator(_check_zone)]
SinkName = Annotated[str, AfterValidator(_check_sink)]
OverlapPolicy = Literal["skip", "buffer_one", "allow"]


class _Strict(BaseModel):
    # Unknown keys are errors: a misspelt `retires = 3` must not silently mean "no retries".
    model_config = ConfigDict(extra="forbid", frozen=True)


class StoreConfig(_Strict):
    path: Path = Path(".scheduler/activity.duckdb")
    lock_timeout: PositiveDuration = Field(default=timedelta(seconds=30))


class IssueCoreRestConfig(_Strict):
    url_env: str = "ISSUE_CORE_URL"
    token_env: str = "ISSUE_CORE_TOKEN"
    timeout: PositiveDuration = Field(default=timedelta(seconds=10))
    retries: int = Field(default=3, ge=0, le=10)
    retry_backoff: Duration = Field(default=timedelta(seconds=1))


class SinksConfig(_Strict):
    issue_core_rest: IssueCoreRestConfig = IssueCoreRestConfig()


class ActivityConfig(_Strict):
    # Names end up in workflow ids and Temporal schedule ids, so keep them id-safe.
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=100)
    schedule: CronExpression
    timezone: TimeZoneName = "UTC"
    command: list[str] = Field(min_length=1)
    timeout: PositiveDuration = Field(default=timedelta(minutes=10))
    retries: int = Field(default=0, ge=0, le=20)
    retry_backoff: Duration = Field(default=timedelta(seconds=10))
    overlap: OverlapPolicy = "skip"
    catchup_window: PositiveDuration = Field(default=timedelta(hours=1))
    sink: SinkName = "null"
    workflow_type: str = ""

    @model_validator(mode="after")
    def _fill_workflow_type(self) -> ActivityConfig:
        if not self.workflow_type:
            object.__setattr__(self, "workflow_type", default_workflow_type(self.name))
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def backoff_before(self, attempt: int) -> timedelta:
        """Wait before `attempt` (2, 3, ...): retry_backoff, then doubling, as Temporal's RetryPolicy."""
        return self.retry_backoff * (2 ** (attempt - 2))

    def run_budget(self) -> timedelta:
        """Longest a run can legitimately take: every attempt timing out plus every backoff."""
        attempts = self.retries + 1
        return self.timeout * attempts + sum((self.backoff_before(a) for a in range(2, attempts + 1)), timedelta())


class SchedulerConfig(_Strict):
    store: StoreConfig = StoreConfig()
    sinks: SinksConfig = SinksConfig()
    activity: list[ActivityConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_names(self) -> SchedulerConfig:
        seen: set[str] = set()
        for index, activity in enumerate(self.activity):
            if activity.name in seen:
                raise ValueError(f"activity[{index}].name: duplicate activity name {activity.name!r}")
            seen.add(activity.name)
        return self

    def find(self, name: str) -> ActivityConfig | None:
        return next((a for a in self.activity if a.name == name), None)


class LoadedConfig(BaseModel):
    """A validated config plus where it came from (relative store paths resolve against it)."""

    model_config = ConfigDict(frozen=True)

    path: Path
    config: SchedulerConfig

    @property
    def store_path(self) -> Path:
        return self.path.parent / self.config.store.path

    def activity(self, name: str) -> ActivityConfig:
        found = self.config.find(name)
        if found is None:
            known = ", ".join(a.name for a in self.config.activity) or "none defined"
            raise ConfigError([f"{self.path}: unknown activity {name!r} (known: {known})"])
        return found


def _format_location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _format_error(error: ErrorDetails) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    location = _format_location(tuple(error["loc"]))
    # Model-level validators put the key into the message themselves.
    return f"{location}: {message}" if location else message


def load_config(path: Path) -> LoadedConfig:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"{path}: config file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: cannot read config: {exc}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: invalid TOML: {exc}"]) from None
    try:
        config = SchedulerConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError([f"{path}: {_format_error(e)}" for e in exc.errors()]) from None
    return LoadedConfig(path=path.resolve(), config=config)
