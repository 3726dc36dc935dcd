"""Execution-guided self-consistency: run every candidate, group equal results, pick the largest group.

    >>> vote(["SELECT count(*) FROM singer", "SELECT count(singer_id) FROM singer", "SELEC x"], db_path)
    Vote(sql='SELECT count(*) FROM singer', ...)   # 2 agree, the broken one cannot win

Rules (written down because results depend on them):
- a candidate that fails to parse, errors, or times out is dropped; if all are dropped, ``sql`` is the first
  candidate and ``ok`` is False (the caller may repair);
- results are compared as multisets of rows (floats rounded), so row order does not split a group;
- ties go to the group whose first member was sampled earliest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from graphsql.data.sqlite import MAX_SQL_BYTES
from graphsql.eval.execute import ExecResult, execute_sql, normalize_value
from graphsql.sql.parse import try_parse


@dataclass(frozen=True)
class Candidate:
    """One sampled SQL and what running it gave."""

    sql: str
    result: ExecResult | None  # None when the SQL did not parse
    error: str = ""


@dataclass(frozen=True)
class Vote:
    """The winning SQL, its result, and every candidate in sampling order."""

    sql: str
    ok: bool
    result: ExecResult | None
    candidates: tuple[Candidate, ...]
    votes: int  # size of the winning group
    groups: int  # number of distinct results among the valid candidates


def result_key(rows: Iterable[Sequence]) -> frozenset:
    """A hashable key equal for two results with the same multiset of rows (floats rounded, order ignored); built
    in linear time (sorting rows by their text took seconds on a result of a few huge values)."""
    counts = Counter(tuple(normalize_value(v) for v in row) for row in rows)
    return frozenset(counts.items())


def run_candidates(candidates: Sequence[str], db_path: str | Path, timeout: float = 30.0,
                   max_rows: int | None = None) -> tuple[Candidate, ...]:
    """Parse and execute each candidate once (identical SQL strings run once), keeping at most ``max_rows``."""
    seen: dict[str, Candidate] = {}
    out = []
    for sql in candidates:
        if sql not in seen:
            if not sql.strip() or len(sql) > MAX_SQL_BYTES or try_parse(sql) is None:  # SQLite refuses longer
                seen[sql] = Candidate(sql, None, "parse_error")
            else:
                res = execute_sql(db_path, sql, timeout=timeout, max_rows=max_rows)
                seen[sql] = Candidate(sql, res, "" if res.ok else (res.error_kind or "execution_error"))
        out.append(seen[sql])
    return tuple(out)


def vote(candidates: Sequence[str], db_path: str | Path, timeout: float = 30.0, max_rows: int | None = None,
         accept: Callable[[ExecResult], bool] | None = None) -> Vote:
    """Pick the SQL whose execution result most candidates share (see the module docstring for the rules).
    With ``max_rows``, results are compared on their first ``max_rows`` rows; with ``accept``, only results it
    accepts take part (none accepted: not ok, as when nothing runs)."""
    if not candidates:
        raise ValueError("vote needs at least one candidate")
    ran = run_candidates(candidates, db_path, timeout, max_rows)
    groups: dict[tuple, list[int]] = {}
    for i, cand in enumerate(ran):
        if cand.result is not None and cand.result.ok and (accept is None or accept(cand.result)):
            groups.setdefault(result_key(cand.result.rows), []).append(i)
    if not groups:
        first = ran[0]
        return Vote(first.sql, False, first.result, ran, 0, 0)
    # largest group; ties broken by the earliest first member (dicts keep insertion order = first-seen order)
    best = max(groups.values(), key=lambda members: (len(members), -members[0]))
    winner = ran[best[0]]
    return Vote(winner.sql, True, winner.result, ran, len(best), len(groups))
