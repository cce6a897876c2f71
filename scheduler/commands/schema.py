"""`scheduler schema config`: the JSON Schema of `scheduler.toml` (schemas/ holds it).

Generated from the config models; durations are strings as the file spells them ("10m",
"1h30m"), not the ISO 8601 durations pydantic would describe.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from scheduler.commands import UsageError
from scheduler.config import SchedulerConfig, format_duration

DIALECT = "https://json-schema.org/draft/2020-12/schema"
DURATION_PATTERN = r"^([0-9]+(ms|s|m|h|d))+$"


class _TomlSchema(GenerateJsonSchema):
    def timedelta_schema(self, schema: core_schema.TimedeltaSchema) -> JsonSchemaValue:
        return {"type": "string", "pattern": DURATION_PATTERN, "description": "digits and units ms, s, m, h, d: '10m', '1h30m'"}

    def encode_default(self, dft: Any) -> Any:
        return super().encode_default(_spelt(dft))


def _spelt(value: Any) -> Any:
    """A default with its durations spelt as in the file."""
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, BaseModel):
        value = dict(value)
    if isinstance(value, dict):
        return {key: _spelt(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_spelt(item) for item in value]
    return value


def config_schema() -> dict[str, Any]:
    schema = SchedulerConfig.model_json_schema(mode="validation", schema_generator=_TomlSchema)
    return {"$schema": DIALECT, **schema, "title": "scheduler.toml"}


SCHEMAS = {"config": config_schema}


def schema(name: str) -> int:
    if name not in SCHEMAS:
        raise UsageError(f"no schema '{name}'; known: {', '.join(SCHEMAS)}")
    print(json.dumps(SCHEMAS[name](), indent=2, ensure_ascii=False))
    return 0
