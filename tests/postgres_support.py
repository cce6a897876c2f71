"""A real PostgreSQL server for the tests that need one, from the system's PostgreSQL binaries.

Each module that uses :func:`postgres` gets its own cluster in a temporary directory, on a free
127.0.0.1 port, with password (scram-sha-256) authentication over TCP; it is stopped and
removed afterwards. PostgreSQL refuses to run as root, so as root the cluster is created and
run as the ``postgres`` user (``runuser``) in a directory that user owns.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.temporal_support import free_port

SUPERUSER_PASSWORD = "pg-super-secret"
AUDITOR_PASSWORD = "auditor-db-secret-7Qx"
DATABASE = "activity_core"


def server_binaries() -> Path:
    """The directory holding initdb and pg_ctl; skips the test when there is none."""
    found = shutil.which("initdb")
    candidates = [Path(found).parent] if found else []
    candidates += [Path(path).parent for path in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)]
    for directory in candidates:
        if (directory / "pg_ctl").exists():
            return directory
    pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's postgresql package")


@dataclass(frozen=True)
class Postgres:
    port: int

    def superuser_dsn(self, database: str = DATABASE) -> str:
        return f"postgresql://postgres:{SUPERUSER_PASSWORD}@127.0.0.1:{self.port}/{database}"

    def dsn(self, user: str = "auditor", password: str = AUDITOR_PASSWORD, port: int | None = None) -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{port or self.port}/{DATABASE}"

    def execute(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.superuser_dsn(), autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)


def _as_owner(argv: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *argv] if owner else argv


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    pytest.importorskip("psycopg", reason="psycopg (the postgres extra) is not installed")
    binaries = server_binaries()
    owner = "postgres" if os.geteuid() == 0 else None
    if owner is not None and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL as another user")
    root = Path(tempfile.mkdtemp(prefix="auditor-postgres-"))
    if owner is not None:
        account = pwd.getpwnam(owner)
        os.chown(root, account.pw_uid, account.pw_gid)
    data, password_file = root / "data", root / "superuser-password"
    password_file.write_text(SUPERUSER_PASSWORD + "\n")
    if owner is not None:
        os.chown(password_file, account.pw_uid, account.pw_gid)
    run = lambda *argv: subprocess.run(_as_owner([str(binaries / argv[0]), *argv[1:]], owner), check=True, capture_output=True, text=True)  # noqa: E731
    run("initdb", "-D", str(data), "-U", "postgres", f"--pwfile={password_file}", "--auth-local=scram-sha-256",
        "--auth-host=scram-sha-256", "--encoding=UTF8", "--no-instructions")
    port = None
    try:
        for _ in range(5):  # a free port can be taken between probing and binding
            port = free_port()
            options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off -c full_page_writes=off"
            started = subprocess.run(
                _as_owner([str(binaries / "pg_ctl"), "start", "-D", str(data), "-w", "-t", "120", "-l", str(root / "log"), "-o", options], owner),
                capture_output=True, text=True,
            )
            if started.returncode == 0:
                break
        else:
            pytest.fail(f"PostgreSQL did not start: {(root / 'log').read_text() if (root / 'log').exists() else started.stderr}")
        server = Postgres(port)
        import psycopg

        with psycopg.connect(server.superuser_dsn("postgres"), autocommit=True) as connection:
            connection.execute(f"CREATE ROLE auditor LOGIN PASSWORD '{AUDITOR_PASSWORD}'")
            connection.execute(f"CREATE DATABASE {DATABASE} OWNER postgres")
        yield server
    finally:
        subprocess.run(_as_owner([str(binaries / "pg_ctl"), "stop", "-D", str(data), "-m", "immediate", "-w"], owner), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
