"""One formatter for pydantic errors: config files of both applications and evidence blocks."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from auditor.config import ConfigError
from auditor.config import load_config as load_auditor_config
from common.validation import describe, describe_all
from scheduler.config import ConfigError as SchedulerConfigError
from scheduler.config import load_config as load_scheduler_config


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    count: int

    @field_validator("count")
    @classmethod
    def _positive(cls, count: int) -> int:
        if count < 1:
            raise ValueError("must be at least 1")
        return count


class Plan(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[Item]


def errors(value: object) -> ValidationError:
    with pytest.raises(ValidationError) as raised:
        Plan.model_validate(value)
    return raised.value


def test_a_problem_names_its_key_path_with_list_positions() -> None:
    assert describe_all(errors({"items": [{"count": 1}, {"count": 0, "colour": "red"}], "extra": 1})) == [
        "items[1].count: must be at least 1",
        "items[1].colour: unknown key",
        "extra: unknown key",
    ]


def test_an_argument_is_quoted_inside_the_sentence() -> None:
    missing, extra = errors({"items": [{"colour": "red"}]}).errors()
    assert describe(missing, argument=True) == "'items[0].count' is missing"
    assert describe(extra, argument=True) == "unknown argument 'items[0].colour'"


def test_both_applications_say_an_unknown_key_the_same_way(tmp_path: Path) -> None:
    auditor_toml, scheduler_toml = tmp_path / "auditor.toml", tmp_path / "scheduler.toml"
    auditor_toml.write_text("colour = 'red'\n")
    scheduler_toml.write_text("colour = 'red'\n")
    with pytest.raises(ConfigError) as auditor_error:
        load_auditor_config(auditor_toml)
    with pytest.raises(SchedulerConfigError) as scheduler_error:
        load_scheduler_config(scheduler_toml)
    assert str(auditor_error.value) == f"{auditor_toml}: colour: unknown key"
    assert f"{scheduler_toml}: colour: unknown key" in scheduler_error.value.lines
