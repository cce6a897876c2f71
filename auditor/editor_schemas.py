"""JSON Schemas for editors: the frontmatter, a task block, ``auditor.toml``.

The auditor reads YAML as it is and lets the rules judge it (a wrong value is a located
finding), so these models are not used to read workplans: they describe what the rules
accept, from the same vocabularies and patterns, for an editor to check while typing. The
vocabularies are the built-in ones; values added under ``[vocabulary]`` are not in them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from auditor.config import PRIORITIES, TASK_STATUSES, WORKPLAN_STATUSES, Config
from auditor.rules.wp011_task_id import WORKPLAN_ID
from auditor.rules.wp013_state_hub_ids import _UUID

DIALECT = "https://json-schema.org/draft/2020-12/schema"
WORKPLAN_ID_PATTERN = f"^{WORKPLAN_ID.pattern}$"
TASK_ID_PATTERN = f"^{WORKPLAN_ID.pattern}-T[0-9]{{2,}}$"
UUID_PATTERN = f"^{_UUID.pattern}$"


class Frontmatter(BaseModel):
    """The YAML frontmatter of a workplan (rules WP002, WP003, WP006, WP011, WP013)."""

    model_config = ConfigDict(extra="allow", title="auditor workplan frontmatter")

    id: str = Field(pattern=WORKPLAN_ID_PATTERN, description="<PREFIX>-WP-<4 digits>; the file name starts with it.")
    type: Literal["workplan"]
    title: str = Field(min_length=1, description="The H1 heading reads '<id> - <title>'.")
    status: Literal[WORKPLAN_STATUSES]  # type: ignore[valid-type]
    repo: str = Field(min_length=1)
    created: dt.date
    updated: dt.date = Field(description="Not before 'created'; no dated note is later.")
    state_hub_workstream_id: str = Field(default="", pattern=UUID_PATTERN, description="A UUID, unique in the workspace.")


class TaskBlock(BaseModel):
    """A ```task block (rules WP003, WP010, WP011, WP013, WP032)."""

    model_config = ConfigDict(extra="allow", title="auditor task block")

    id: str = Field(pattern=TASK_ID_PATTERN, description="<workplan id>-T<two or more digits>.")
    status: Literal[TASK_STATUSES]  # type: ignore[valid-type]
    priority: Literal[PRIORITIES] = "medium"  # type: ignore[valid-type]
    depends_on: str | list[str] = Field(default_factory=list, description="Task ids this task waits for.")
    state_hub_task_id: str = Field(default="", pattern=UUID_PATTERN, description="A UUID, unique in the workspace.")


def model_schema(model: type[BaseModel], title: str | None = None, hidden: tuple[str, ...] = ()) -> dict[str, Any]:
    """``model``'s validation schema with the dialect named, without the ``hidden`` fields."""
    schema = model.model_json_schema(mode="validation")
    for name in hidden:
        schema["properties"].pop(name, None)
    if title:
        schema["title"] = title
    return {"$schema": DIALECT, **schema}


def frontmatter_schema() -> dict[str, Any]:
    return model_schema(Frontmatter)


def task_schema() -> dict[str, Any]:
    return model_schema(TaskBlock)


def config_schema() -> dict[str, Any]:
    return model_schema(Config, "auditor.toml", hidden=("source_path",))
