"""Secret values kept out of everything the scheduler logs or sends.

A minimal stand-in for the project's central redaction: the secrets are the values of the
environment variables the config names as holding tokens.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

REDACTED = "[redacted]"
# Shorter values would turn ordinary words into "[redacted]".
MIN_SECRET_LENGTH = 4


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so that a secret containing another is replaced whole.
        self._secrets = sorted({s for s in secrets if len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True)

    @classmethod
    def from_env(cls, variables: Iterable[str]) -> Redactor:
        return cls(value for name in variables if (value := os.environ.get(name)))

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text
