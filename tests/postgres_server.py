"""A throwaway PostgreSQL server for the tests: Debian's ``postgresql`` binaries, a cluster made in a
temporary folder, listening on loopback only at a free port, stopped and removed at the end.

PostgreSQL refuses to run as root, and CI and this machine run the tests as root: then the cluster is made
and run as ``nobody`` (``setpriv``, else ``runuser``), in a folder handed to that user. ``.ci/run``
installs ``postgresql``; without its binaries the tests that need a server fail, they do not skip.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

import psycopg
import pytest

__all__ = ["PostgresServer", "free_port", "postgres_server"]

_USER = "postgres"


@dataclass(frozen=True, slots=True, kw_only=True)
class PostgresServer:
    port: int
    password: str
    _numbers: Iterator[int] = field(default_factory=count)

    def url(self, database: str = "postgres", *, password: str | None = None) -> str:
        """A SQLAlchemy URL of one of the server's databases (psycopg 3)."""
        secret = self.password if password is None else password
        return f"postgresql+psycopg://{_USER}:{secret}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database, so that each test starts from nothing; its URL."""
        name = f"test_{next(self._numbers)}"
        dsn = f"host=127.0.0.1 port={self.port} user={_USER} password={self.password} dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]  # a name made here
        return self.url(name)


def free_port() -> int:
    """A loopback port nothing listens on at the moment."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _binaries() -> Path:
    """The folder of ``initdb`` and ``pg_ctl``: on the PATH, else Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if versions:
        return versions[-1].parent
    pytest.fail("PostgreSQL is not installed: `apt-get install -y postgresql` (.ci/run installs it)")


def _as_owner(folder: Path) -> list[str]:
    """The command prefix that runs the server's programs as a user PostgreSQL accepts, owning ``folder``."""
    if os.geteuid() != 0:
        return []
    nobody = pwd.getpwnam("nobody")
    os.chown(folder, nobody.pw_uid, nobody.pw_gid)
    if shutil.which("setpriv"):
        return ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups", "--"]
    return ["runuser", "-u", "nobody", "--"]


def _run(command: Sequence[str], folder: Path, log: Path | None = None) -> None:
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        server_log = log.read_text(errors="replace") if log is not None and log.is_file() else ""
        pytest.fail(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}{server_log}")


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """A running server for the duration of the block: the superuser ``postgres`` with a random password
    over TCP on 127.0.0.1, its Unix socket inside the private folder."""
    binaries = _binaries()
    # /tmp, not pytest's folder: that one is private to root, and the server's user must reach its own
    folder = Path(tempfile.mkdtemp(prefix="lean-social-pg-", dir="/tmp" if os.geteuid() == 0 else None))
    try:
        owner = _as_owner(folder)
        server = PostgresServer(port=free_port(), password=secrets.token_hex(16))
        password_file = folder / "password"
        password_file.write_text(server.password + "\n")
        if owner:
            shutil.chown(password_file, "nobody")
        data, log = folder / "data", folder / "server.log"
        _run(
            [
                *owner,
                str(binaries / "initdb"),
                f"--pgdata={data}",
                f"--username={_USER}",
                f"--pwfile={password_file}",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            folder,
        )
        options = f"-h 127.0.0.1 -p {server.port} -k {folder} -F"  # -F: no fsync, a test's data is disposable
        _run(
            [*owner, str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start"],
            folder,
            log,
        )
        try:
            yield server
        finally:
            _run([*owner, str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], folder, log)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
