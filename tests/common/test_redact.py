"""Central redaction: a registered secret is replaced wherever it appears, however it is spelt."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from common import redact

SECRET = 'tok"en/with spaces&é'


@pytest.fixture(autouse=True)
def registered() -> Iterator[None]:
    redact.forget_all()
    redact.register(SECRET)
    yield
    redact.forget_all()


@pytest.mark.parametrize(
    "spelt",
    [SECRET, 'tok\\"en/with spaces&\\u00e9', 'tok\\"en/with spaces&é', "tok%22en%2Fwith%20spaces%26%C3%A9", "tok%22en/with%20spaces%26%C3%A9"],
    ids=["as is", "JSON ascii", "JSON", "URL component", "URL path"],
)
def test_every_spelling_is_redacted(spelt: str) -> None:
    assert redact.redact(f"before {spelt} after") == "before [secret] after"


class Inner(BaseModel):
    text: str
    items: list[str]


class Outer(BaseModel):
    inner: Inner
    mapping: dict[str, str]
    number: int


def test_data_is_redacted_in_every_string_and_keeps_its_types() -> None:
    value = Outer(inner=Inner(text=SECRET, items=["a", SECRET]), mapping={SECRET: SECRET}, number=3)
    scrubbed = redact.redact_data(value)
    assert isinstance(scrubbed, Outer) and isinstance(scrubbed.inner, Inner)
    assert scrubbed.model_dump() == {"inner": {"text": "[secret]", "items": ["a", "[secret]"]}, "mapping": {"[secret]": "[secret]"}, "number": 3}
    assert value.inner.text == SECRET  # the original is left alone


def test_every_log_record_is_redacted_whatever_the_logger(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("some.library").debug("sent %s", SECRET)
        try:
            raise ValueError(SECRET)
        except ValueError:
            logging.getLogger("other").exception("failed")
    assert SECRET not in caplog.text and caplog.text.count("[secret]") >= 2


def test_a_writer_redacts_what_passes_through_it() -> None:
    out = io.StringIO()
    redact.RedactingWriter(out).write(f"[{SECRET}]")
    assert out.getvalue() == "[[secret]]"


def test_the_configuration_names_every_secret_and_the_password_in_a_connection_string(monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor.config import Config

    monkeypatch.setenv("HUB_TOKEN", "hub-secret")
    monkeypatch.setenv("TEMPORAL_KEY", "temporal-secret")
    monkeypatch.setenv("RUNS_DSN", "postgresql://auditor:p%40ss@db.internal/runs")
    monkeypatch.setenv("OTHER_DSN", "host=db password='two words' user=x")
    config = Config.model_validate({
        "sources": {"state_hub": {"url": "https://hub.example", "token_env": "HUB_TOKEN"},
                    "temporal": {"address": "t.example:7233", "api_key_env": "TEMPORAL_KEY"},
                    "activity_db": {"dsn_env": "RUNS_DSN"}},
        "repos": {"core": {"path": ".", "sources": {"activity_db": {"dsn_env": "OTHER_DSN"}}}},
    })
    assert sorted(config.secret_values()) == sorted([
        "hub-secret", "temporal-secret", "postgresql://auditor:p%40ss@db.internal/runs", "p@ss",
        "host=db password='two words' user=x", "two words",
    ])
