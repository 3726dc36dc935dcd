"""Throw-away database servers: a PostgreSQL cluster or a MariaDB (MySQL) server in a temporary folder on a free
loopback port (Debian's `postgresql` and `mariadb-server` packages), removed when the block ends. The tests and
`graphsql.experiments.engines` load databases into them.

    >>> with temporary_postgres() as url:        # postgresql://graphsql@127.0.0.1:<port>/postgres
    ...     copy_sqlite_database("concert.sqlite", url)
    >>> with temporary_mariadb() as url:         # mysql://root@127.0.0.1:<port>/
    ...     copy_sqlite_database("concert.sqlite", create_database(url, "concert"))
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from graphsql.errors import DataError
from graphsql.web.local import free_port


def postgres_bindir() -> Path | None:
    """The folder of PostgreSQL's server programs (initdb, pg_ctl), or None if it is not installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if found:
        return Path(found[-1])
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@contextlib.contextmanager
def temporary_postgres() -> Iterator[str]:
    """Start a cluster (trust authentication, loopback only, fsync off), yield its URL, stop and remove it."""
    bindir = postgres_bindir()
    if bindir is None:
        raise DataError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    tmp = Path(tempfile.mkdtemp(prefix="graphsql-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        user = pwd.getpwnam("postgres")
        os.chown(tmp, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    port, data = free_port(), tmp / "data"
    try:
        subprocess.run([*run_as, str(bindir / "initdb"), "-D", str(data), "-U", "graphsql", "--auth=trust",
                        "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
        subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(tmp / "log"), "-w", "-o",
                        f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                       check=True, capture_output=True)
        yield f"postgresql://graphsql@127.0.0.1:{port}/postgres"
    except subprocess.CalledProcessError as err:
        raise DataError(f"PostgreSQL did not start: {err.stderr.decode(errors='replace').strip()[:300]}") from None
    finally:
        if data.exists():
            subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                           capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def mariadb_programs() -> tuple[str, str] | None:
    """(mariadb-install-db, mariadbd) of the installed MariaDB server, or None."""
    install = shutil.which("mariadb-install-db") or shutil.which("mysql_install_db")
    server = shutil.which("mariadbd") or shutil.which("mariadbd", path="/usr/sbin:/usr/local/sbin") \
        or shutil.which("mysqld", path="/usr/sbin:/usr/local/sbin")
    return (install, server) if install and server else None


@contextlib.contextmanager
def temporary_mariadb(start_seconds: float = 60.0) -> Iterator[str]:
    """Start a MariaDB server (root without a password, loopback only, no durability), yield its URL (no database:
    `create_database` makes one), stop it and remove its folder."""
    programs = mariadb_programs()
    if programs is None:
        raise DataError("MariaDB is not installed (Debian: apt-get install mariadb-server)")
    install, server = programs
    tmp = Path(tempfile.mkdtemp(prefix="graphsql-mariadb-"))
    user = ["--user=root"] if os.geteuid() == 0 else []
    port, data = free_port(), tmp / "data"
    proc = None
    try:
        subprocess.run([install, "--no-defaults", f"--datadir={data}", *user, "--auth-root-authentication-method=normal",
                        "--skip-test-db"], check=True, capture_output=True)
        proc = subprocess.Popen([server, "--no-defaults", f"--datadir={data}", *user, f"--socket={tmp / 'sock'}",
                                 f"--port={port}", "--bind-address=127.0.0.1", "--skip-name-resolve",
                                 "--innodb-flush-log-at-trx-commit=0", f"--log-error={tmp / 'error.log'}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"mysql://root@127.0.0.1:{port}/"
        _wait_for(url, proc, start_seconds, tmp / "error.log")
        yield url
    except subprocess.CalledProcessError as err:
        raise DataError(f"MariaDB did not install: {err.stderr.decode(errors='replace').strip()[-300:]}") from None
    finally:
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def _wait_for(url: str, proc, seconds: float, log: Path) -> None:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    engine = sa.create_engine(make_url(url).set(drivername="mysql+pymysql"))
    deadline = time.monotonic() + seconds
    try:
        while True:
            try:
                with engine.connect():
                    return
            except sa.exc.OperationalError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    tail = log.read_text(errors="replace").strip()[-300:] if log.exists() else ""
                    raise DataError(f"MariaDB did not start: {tail}") from None
                time.sleep(0.2)
    finally:
        engine.dispose()


def create_database(url: str, name: str) -> str:
    """Create database ``name`` on the server of ``url`` (PostgreSQL or MySQL/MariaDB; an account that may); its
    URL."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    given = make_url(url)
    mysql = given.get_backend_name() in ("mysql", "mariadb")
    base = given.set(drivername="mysql+pymysql" if mysql else "postgresql+psycopg")
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4" if mysql else f'CREATE DATABASE "{name}"'))
    engine.dispose()
    plain = "mysql" if mysql else "postgresql"
    return base.set(database=name).set(drivername=plain).render_as_string(hide_password=False)
