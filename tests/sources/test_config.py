"""``[sources.X]`` and ``[repos.NAME.sources.X]`` in auditor.toml: defaults, merging, and refusals
that name the key (and never echo what looks like a secret)."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.config import ConfigError, load_config


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "auditor.toml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "core").mkdir(exist_ok=True)
    return path


def test_defaults_and_the_documented_endpoint_paths(tmp_path: Path) -> None:
    config = load_config(config_file(tmp_path, '[sources.state_hub]\nurl = "https://hub.example/base/"\n'
                                               '[sources.temporal]\naddress = "temporal.example:7233"\n'))
    hub, temporal = config.sources.state_hub, config.sources.temporal
    assert (hub.url, hub.token_env, hub.timeout, hub.retries, hub.backoff, hub.page_size) == ("https://hub.example/base", None, 10.0, 3, 0.5, 100)
    assert hub.endpoint(hub.paths.progress) == "https://hub.example/base/api/progress"
    assert hub.paths.task == "/api/tasks/{task_id}"
    assert (temporal.namespace, temporal.use_tls, temporal.timeout) == ("default", False, 10.0)
    assert config.sources.notes is None and config.sources.issue_core is None


def test_a_repo_table_overrides_the_workspace_table_key_by_key(tmp_path: Path) -> None:
    config = load_config(config_file(tmp_path, """
[sources.state_hub]
url = "https://hub.example"
token_env = "HUB_TOKEN"
paths = {progress = "/v2/progress"}

[repos.core]
path = "core"

[repos.core.sources.state_hub]
token_env = "CORE_HUB_TOKEN"
paths = {decisions = "/v2/decisions"}

[repos.core.sources.notes]
url = "https://notes.example"
"""))
    core, other = config.sources_for("core"), config.sources_for("other")
    assert (core.state_hub.url, core.state_hub.token_env) == ("https://hub.example", "CORE_HUB_TOKEN")
    assert (core.state_hub.paths.progress, core.state_hub.paths.decisions) == ("/v2/progress", "/v2/decisions")
    assert other.state_hub.token_env == "HUB_TOKEN" and other.notes is None
    assert core.notes.url == "https://notes.example"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[sources.state_hub]\nurl = "http://hub.example"', "sources.state_hub.url: must be https (plain http only to a loopback host)"),
        ('[sources.notes]\nurl = "https://me:pw@notes.example"', "sources.notes.url: must not hold credentials"),
        ('[sources.notes]\nurl = "https://notes.example?key=1"', "sources.notes.url: must not have a query"),
        ('[sources.issue_core]\nurl = "ftp://x"', "sources.issue_core.url: must be an http(s) URL"),
        ('[sources.issue_core]\nurl = "https://x"\nretries = 99', "sources.issue_core.retries: Input should be less than or equal to 10"),
        ('[sources.issue_core]\nurl = "https://x"\ntimeout = 0', "sources.issue_core.timeout: Input should be greater than 0"),
        ('[sources.state_hub]\nurl = "https://x"\npaths = {task = "/tasks/{id}"}', "sources.state_hub.paths.task: must contain {task_id}"),
        ('[sources.state_hub]\nurl = "https://x"\npaths = {feedback = "api/feedback"}', "sources.state_hub.paths.feedback: must start with /"),
        ('[sources.state_hub]\nurl = "https://x"\npaths = {bogus = "/x"}', "sources.state_hub.paths.bogus: unknown key"),
        ('[sources.temporal]\nnamespace = "n"', "sources.temporal.address: Field required"),
        ('[sources.temporal]\naddress = "t:7233"\ntls = "yes please"', "sources.temporal.tls: Input should be a valid boolean"),
        ('[sources.kafka]\nurl = "https://x"', "sources.kafka: unknown key"),
        ('[repos.core]\npath = "core"\n[repos.core.sources.notes]\ntoken_env = "T"', "repos.core.sources.notes.url: Field required"),
    ],
)
def test_a_bad_source_table_is_refused_naming_the_key(tmp_path: Path, toml: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(config_file(tmp_path, toml + "\n"))
    assert message in str(raised.value)


@pytest.mark.parametrize("key", ["token_env", "api_key_env"])
def test_a_secret_pasted_where_a_variable_name_belongs_is_refused_unechoed(tmp_path: Path, key: str) -> None:
    secret = "sk-live-9f8e7d6c5b4a"
    table = '[sources.state_hub]\nurl = "https://x"' if key == "token_env" else '[sources.temporal]\naddress = "t:7233"'
    with pytest.raises(ConfigError) as raised:
        load_config(config_file(tmp_path, f'{table}\n{key} = "{secret}"\n'))
    assert "must name an environment variable" in str(raised.value) and secret not in str(raised.value)


def test_allow_http_permits_plain_http_to_an_in_cluster_service(tmp_path: Path) -> None:
    config = load_config(config_file(tmp_path, """
[sources.state_hub]
url = "http://state-hub.state-hub.svc.cluster.local:8080"
allow_http = true
token_env = "STATE_HUB_TOKEN"
"""))
    assert config.sources.state_hub.url == "http://state-hub.state-hub.svc.cluster.local:8080"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[sources.notes]\nurl = "http://notes.svc.cluster.local"\nallow_http = false',
         "sources.notes.url: must be https (plain http only to a loopback host); allow_http = true permits it"),
        ('[sources.notes]\nurl = "http://notes.svc.cluster.local"\nallow_http = "yes"', "sources.notes.allow_http: Input should be a valid boolean"),
        ('[sources.activity_db]\nschema = "activity"', "sources.activity_db.dsn_env: Field required"),
        ('[sources.activity_db]\ndsn_env = "postgresql://u:p@h/db"', "sources.activity_db.dsn_env: must name an environment variable"),
        ('[sources.activity_db]\ndsn_env = "DSN"\nschema = "a; DROP"', "sources.activity_db.schema: must be a plain SQL name"),
        ('[sources.activity_db]\ndsn_env = "DSN"\nactivity_runs = {table = "runs", columns = {activity = "x y"}}',
         "sources.activity_db.activity_runs.columns.activity: must be a plain SQL name"),
        ('[sources.activity_db]\ndsn_env = "DSN"\ntask_spawn_log = {table = "log", columns = {sink_name = "x"}}',
         "task_spawn_log.columns: sink_name is not a column of task_spawn_log"),
    ],
)
def test_allow_http_and_the_database_source_are_checked(tmp_path: Path, toml: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(config_file(tmp_path, toml + "\n"))
    assert message in str(raised.value)
    assert "postgresql://u:p@h/db" not in str(raised.value)
