"""The one way a pydantic ``ValidationError`` becomes text, for config files and evidence blocks
alike: one line per problem, naming its key.

In a config file a problem reads ``activities[0].retries: Input should be less than or equal to
20`` (list positions in brackets); in an evidence block, where the key is a check's argument,
``'count': Input should be greater than or equal to 1``. Either way the message is pydantic's
without its ``Value error,`` prefix, an unexpected key is unknown, and a model-level validator
(which has no key path) names the keys in its message itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError
from pydantic_core import ErrorDetails


def key_path(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def describe(error: ErrorDetails, *, argument: bool = False) -> str:
    """One problem; ``argument``: the key is a check's argument, quoted inside the sentence."""
    where = key_path(error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    if not argument:
        message = "unknown key" if error["type"] == "extra_forbidden" else message
        return f"{where}: {message}" if where else message
    if error["type"] == "missing":
        return f"'{where}' is missing"
    if error["type"] == "extra_forbidden":
        return f"unknown argument '{where}'"
    return f"'{where}': {message}" if where else message


def describe_all(exc: ValidationError) -> list[str]:
    return [describe(error) for error in exc.errors()]
