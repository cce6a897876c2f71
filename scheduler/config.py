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

from common.validation import describe_all

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
# No setting of a scheduler needs years; a bound keeps every sum of durations (a
# run's deadline, a retry's wait) inside what datetime and the OS timers can represent.
MAX_DURATION = timedelta(days=1000)


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
    too_long = ValueError(f"duration {text!r} is longer than the limit of {format_duration(MAX_DURATION)}")
    try:
        value = sum((int(n) * _DURATION_UNITS[u] for n, u in parts), timedelta())
    except OverflowError:
        raise too_long from None
    if value > MAX_DURATION:
        raise too_long
    return value


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


def _check_http_url(url: str) -> str:
    if not re.match(r"^https?://[^\s/]+", url):
        raise ValueError(f"expected an http:// or https:// URL, got {url!r}")
    return url


HttpUrl = Annotated[str, AfterValidator(_check_http_url)]
AlertEvent = Literal["failed", "missed", "recovered"]


def _every_alert_event() -> list[AlertEvent]:
    return ["failed", "missed", "recovered"]


class AlertConfig(_Strict):
    """A webhook that receives alert payloads (see scheduler/alerts.py)."""

    url: HttpUrl
    token_env: str | None = None
    events: list[AlertEvent] = Field(default_factory=_every_alert_event, min_length=1)


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
    ping_url: HttpUrl | None = None

    @model_validator(mode="after")
    def _fill_workflow_type(self) -> ActivityConfig:
        if not self.workflow_type:
            object.__setattr__(self, "workflow_type", default_workflow_type(self.name))
        return self

    @model_validator(mode="after")
    def _bounded_run(self) -> ActivityConfig:
        # Backoff doubles per retry: 20 retries of a long backoff would outlast any calendar.
        budget = self.run_budget()
        if budget > MAX_DURATION:
            raise ValueError(
                f"timeout, retries and retry_backoff add up to {format_duration(budget)} for one run,"
                f" longer than the limit of {format_duration(MAX_DURATION)}"
            )
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def backoff_before(self, attempt: int) -> timedelta:
        """Wait before `attempt` (2, 3, ...): retry_backoff, then doubling, as Temporal's RetryPolicy."""
        wait: timedelta = self.retry_backoff * (2 ** (attempt - 2))
        return wait

    def run_budget(self) -> timedelta:
        """Longest a run can legitimately take: every attempt timing out plus every backoff."""
        attempts = self.retries + 1
        return self.timeout * attempts + sum((self.backoff_before(a) for a in range(2, attempts + 1)), timedelta())


class SchedulerConfig(_Strict):
    store: StoreConfig = StoreConfig()
    sinks: SinksConfig = SinksConfig()
    alert: list[AlertConfig] = Field(default_factory=list)
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
        raise ConfigError([f"{path}: {problem}" for problem in describe_all(exc)]) from None
    return LoadedConfig(path=path.resolve(), config=config)
