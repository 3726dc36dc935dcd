"""A throw-away PostgreSQL server: a cluster in a temporary folder on a free loopback port (Debian's `postgresql`
package), removed when the block ends. The tests and `graphsql.experiments.engines` load databases into it.

    >>> with temporary_postgres() as url:        # postgresql://graphsql@127.0.0.1:<port>/postgres
    ...     copy_sqlite_database("concert.sqlite", url)
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
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


def create_database(url: str, name: str) -> str:
    """Create database ``name`` on the server of ``url`` (an account that may); its URL."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    base = make_url(url).set(drivername="postgresql+psycopg")
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).set(drivername="postgresql").render_as_string(hide_password=False)
