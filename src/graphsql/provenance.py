"""Where a number came from: commit, dirty flag, library versions, command and settings of a run.

    >>> info = run_info("python -m graphsql.experiments.zero_shot", {"limit": 300})
    >>> info["git_commit"], info["git_dirty"]

Every results file embeds one of these, so any figure in a report can be traced to the code that made it.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from graphsql.atomic import write_text_atomic
from graphsql.config import REPO_ROOT

log = logging.getLogger(__name__)

LIBRARIES = ("graphsql", "sqlglot", "networkx", "torch", "transformers", "peft", "trl", "llama_cpp_python")


def git_state() -> tuple[str | None, bool | None]:
    """(HEAD commit, whether tracked files differ from it), or (None, None) outside a git checkout."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True,
                                check=True).stdout.strip()
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO_ROOT,
                                capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None, None
    return commit, bool(status)


def library_versions() -> dict[str, str]:
    """Installed versions of the libraries a result depends on (absent ones left out)."""
    out = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name.replace("_", "-"))
        except metadata.PackageNotFoundError:
            continue
    return out


def run_info(command: str, settings: dict | None = None) -> dict:
    """A JSON-able record of this run: command, settings, commit, versions, machine, UTC time."""
    commit, dirty = git_state()
    return {
        "command": command,
        "settings": settings or {},
        "git_commit": commit,
        "git_dirty": dirty,
        "python": sys.version.split()[0],
        "libraries": library_versions(),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "cpu_count": os.cpu_count(),
        "utc": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def write_result(path: Path, data: dict, key: str = "provenance") -> bool:
    """Write ``data`` as JSON to ``path`` unless the file already holds the same result apart from its ``key``
    record (a rerun of finished work then leaves the file, and the provenance of when it was made, as it was, and
    says so in the log). True when the file was written."""
    fresh = json.loads(json.dumps(data, default=str))  # as it reads back
    if path.is_file():
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            old = None
        if isinstance(old, dict) and {k: v for k, v in old.items() if k != key} == {
                k: v for k, v in fresh.items() if k != key}:
            log.info("%s: unchanged, kept (with the provenance of when it was written)", path)
            return False
    write_text_atomic(path, json.dumps(fresh, indent=1) + "\n")
    return True
