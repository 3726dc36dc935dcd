"""Read the official gold / prediction file formats of Spider and BIRD.

    >>> golds = read_gold_file("dev_gold.sql")          # [("SELECT ...", "concert_singer"), ...]
    >>> preds = read_predictions("pred.sql", expected=len(golds))

Formats:
- Spider gold: one ``SQL<TAB>db_id`` per line.
- Spider predictions: one SQL per line, in question order (anything after a TAB is ignored).
- ``predictions.jsonl``: one JSON object per line with a ``pred_sql`` field.
- BIRD predictions: a JSON object ``{"0": "SQL\\t----- bird -----\\tdb_id", ...}``.
- Question files: a JSON list of objects with ``db_id`` and ``query`` (Spider) or ``SQL`` (BIRD).
Every problem raises `DataError` naming the file and, where it applies, the line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from graphsql.data.records import Example
from graphsql.data.spider import examples_from_items, read_json
from graphsql.errors import DataError

BIRD_SEPARATOR = "\t----- bird -----\t"


def _read_lines(path: str | Path) -> list[str]:
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found")
    if not path.is_file():
        raise DataError(f"{path}: not a file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise DataError(f"{path}: not UTF-8 text (byte {err.start})") from err
    lines = text.split("\n")
    if lines and lines[-1] == "":  # the final newline does not start a line
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def read_gold_file(path: str | Path) -> list[tuple[str, str]]:
    """Read a Spider gold file (``SQL<TAB>db_id`` per line) into ``[(gold_sql, db_id), ...]``.

    Blank lines are skipped, as the official evaluator does."""
    out = []
    for lineno, line in enumerate(_read_lines(path), start=1):
        if not line.strip():
            continue
        sql, sep, db_id = line.rpartition("\t")
        if not sep or not sql.strip() or not db_id.strip():
            raise DataError(f"{path}: line {lineno}: expected 'SQL<TAB>db_id', got {line[:60]!r}")
        out.append((sql.strip(), db_id.strip()))
    if not out:
        raise DataError(f"{path}: no gold queries")
    return out


def read_predictions(path: str | Path, expected: int | None = None) -> list[str]:
    """Read predicted SQL, one per question, from a ``.sql``/``.txt`` file (one per line), a ``.jsonl`` file
    (``pred_sql`` field) or a BIRD ``.json`` dict. A blank line is an empty prediction.

    If ``expected`` is given, a different count raises `DataError` naming both counts."""
    path = Path(path)
    if path.suffix == ".json":
        preds = [sql for sql, _db in read_bird_predictions(path)]
    elif path.suffix == ".jsonl":
        preds = []
        for lineno, line in enumerate(_read_lines(path), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise DataError(f"{path}: line {lineno}: malformed JSON ({err.msg})") from err
            if not isinstance(record, dict) or not isinstance(record.get("pred_sql"), str):
                raise DataError(f"{path}: line {lineno}: expected an object with a string 'pred_sql'")
            preds.append(record["pred_sql"])
    else:
        preds = [line.split("\t", 1)[0].strip() for line in _read_lines(path)]
    if expected is not None:
        check_counts(expected, len(preds), path)
    return preds


def check_counts(n_gold: int, n_pred: int, pred_path: str | Path = "predictions", gold_path: str | Path = "gold") -> None:
    """Raise `DataError` unless there is exactly one prediction per gold question."""
    if n_gold != n_pred:
        raise DataError(f"{pred_path}: {n_pred} predictions but {gold_path} has {n_gold} gold queries")


def read_bird_predictions(path: str | Path) -> list[tuple[str, str]]:
    """Read BIRD's prediction JSON ``{"0": "SQL\\t----- bird -----\\tdb_id"}`` into ``[(pred_sql, db_id)]`` in
    key order. A value without the separator is taken as bare SQL with an empty db_id."""
    path = Path(path)
    data = read_json(path)
    if isinstance(data, list) and all(isinstance(x, str) for x in data):
        items = list(enumerate(data))
    elif isinstance(data, dict):
        try:
            items = sorted((int(k), v) for k, v in data.items())
        except ValueError as err:
            raise DataError(f"{path}: BIRD prediction keys must be question numbers ({err})") from err
    else:
        raise DataError(f"{path}: expected a JSON object {{\"0\": \"SQL\\t----- bird -----\\tdb_id\"}}")
    if [k for k, _ in items] != list(range(len(items))):
        raise DataError(f"{path}: question numbers must run 0..{len(items) - 1} without gaps")
    out = []
    for key, value in items:
        if not isinstance(value, str):
            raise DataError(f"{path}: entry {key!r} is not a string")
        sql, _sep, db_id = value.partition(BIRD_SEPARATOR)
        out.append((sql.strip(), db_id.strip()))
    return out


def write_bird_predictions(path: str | Path, preds: Sequence[str], db_ids: Sequence[str]) -> Path:
    """Write predictions in BIRD's JSON format (what its official evaluator reads)."""
    path = Path(path)
    data = {str(i): f"{sql}{BIRD_SEPARATOR}{db}" for i, (sql, db) in enumerate(zip(preds, db_ids, strict=True))}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_questions(path: str | Path, source: str = "") -> list[Example]:
    """Read a Spider (``query``) or BIRD (``SQL``, ``evidence``, ``difficulty``) question JSON list."""
    path = Path(path)
    data = read_json(path)
    if not isinstance(data, list):
        raise DataError(f"{path}: expected a JSON list of questions")
    return list(examples_from_items(data, path, source, require_gold=True))


def examples_from_gold(golds: Sequence[tuple[str, str]], source: str = "") -> list[Example]:
    """`Example`s (without questions) from ``read_gold_file`` output, so `evaluate` can take a gold file."""
    return [Example(db_id, "", sql, source=source, idx=i) for i, (sql, db_id) in enumerate(golds)]
