"""Reading dates from YAML values: unquoted ISO dates load as dates, quoted ones as strings."""

from __future__ import annotations

import datetime as dt


def as_date(value: object) -> dt.date | None:
    """The date a frontmatter value stands for, or None when it is not an ISO date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None
