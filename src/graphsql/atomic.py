"""Files that a killed job never leaves half-written, and logs it can append to again after a kill.

    >>> write_text_atomic("results/x.json", text)      # readers see the old file or the new one, never half
    >>> with open_append("runs/x/preds.sql.jsonl") as fh:   # a line cut by a kill is dropped first
    ...     fh.write(json.dumps(record) + "\\n")

Every results file, samples file, manifest and metrics file is written with `write_text_atomic`; every
resumable log (predictions, DPO candidates, the training log) is appended to through `open_append` and read with
`read_jsonl` (which skips a cut last line), so a job killed at any moment resumes from what it had finished.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file beside it, flushed to disk, then renamed over it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def drop_cut_line(path: str | Path) -> int:
    """Remove a last line that a kill cut before its newline; returns the bytes removed (0 if none)."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return 0
    with path.open("rb+") as fh:
        size = fh.seek(0, os.SEEK_END)
        block = min(size, 1 << 16)
        while True:  # find the last newline, reading backwards in blocks
            fh.seek(size - block)
            chunk = fh.read(block)
            if chunk.endswith(b"\n"):
                return 0
            cut = chunk.rfind(b"\n")
            if cut >= 0 or block == size:
                keep = size - block + cut + 1 if cut >= 0 else 0
                fh.truncate(keep)
                return size - keep
            block = min(size, block * 2)


def open_append(path: str | Path) -> IO[str]:
    """``path`` opened for appending lines, after `drop_cut_line`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    drop_cut_line(path)
    return path.open("a", encoding="utf-8")


def read_jsonl(path: str | Path) -> list:
    """The JSON records of a log, one per line; a line that does not parse (cut by a kill) is skipped."""
    path = Path(path)
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out
