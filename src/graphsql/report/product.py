"""Appendix sections on the product's robustness: other database engines (issue 29), hardening and hostile SQL
(issue 28), serving (issue 30)."""

from __future__ import annotations

import json
from pathlib import Path

from graphsql.experiments import layout
from graphsql.report.common import _rel


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def engines_section(results_dir: Path, root: Path) -> list[str]:
    """EX of the same answers on SQLite and other engines (`python -m graphsql.experiments.engines`)."""
    lines = []
    for path in sorted((results_dir / "engines").glob("*.json")):
        d = json.loads(path.read_text())
        if not lines:
            engines = [e for e in d["summary"] if e != "sqlite"]
            names = {"postgres": "PostgreSQL", "duckdb": "DuckDB", "mysql": "MySQL (a MariaDB server)"}
            listed = [names.get(e, e) for e in engines]
            listed = ", ".join(listed[:-1]) + " and " + listed[-1] if len(listed) > 1 else "".join(listed)
            lines = ["## Other engines: the same answers on " + listed, "",
                     "`python -m graphsql.experiments.engines`: each Spider database of the sample copied into "
                     "throw-away servers and a DuckDB file (`graphsql.data.engines.copy_sqlite_database`); "
                     "every question through `predict` on each engine with what the model wrote in its recorded "
                     "SQLite run (greedy: the same text a rerun gives) and the repairs of `ask`, then translated by "
                     "sqlglot (`EngineDatabase.to_dialect`) and run read-only. The gold runs on SQLite. A difference "
                     "is the translation or the engine: the items that differ include ties that an ORDER BY ... LIMIT "
                     "leaves to the engine to break.", ""]
        lines += [f"`{d['tag']}` on `{d['subset']}` ({d['databases']} databases):", "",
                  "| engine | EX | vs SQLite (paired, 95%) | failed to run | not translated | items that differ | "
                  "of which ran with ORDER BY |", "|---|---|---|---|---|---|---|"]
        for engine, s in d["summary"].items():
            vs = s.get("vs_sqlite")
            cell = "–" if vs is None else f"{100 * vs['diff']:+.1f} [{100 * vs['ci95'][0]:.1f}, {100 * vs['ci95'][1]:.1f}]"
            lines.append(f"| {engine} | {_pct(s['ex'])} | {cell} | {s['errors']} | {s['untranslated']} | "
                         f"{s.get('differ', '–')} | {s.get('differ_ran_with_order_by', '–')} |")
        lines += ["", f"Source: `{_rel(path, root)}`.", ""]
    return lines


HARDENING_KINDS = {
    "hostile_sql": "hostile SQL (writes, PRAGMAs, escapes, runaway and deep queries) through execute_sql, predict, "
                   "evaluate",
    "hostile_schemas": "hostile schemas (quoted, spaced, keyword and non-ASCII names, views, composite keys, Latin-1 "
                       "text, no tables, 1,000 tables)",
    "bad_command_lines": "bad command lines (unknown commands and options, missing or malformed arguments)",
    "bad_files": "bad files (corrupt, truncated, empty databases; broken questions, gold, predictions, configs)",
    "bad_requests": "bad web requests (broken uploads, path tricks, malformed JSON, unknown ids, no token)",
    "kills": "SIGKILLed jobs resumed (predict, train, dpo sample, augment)",
}


def hardening_section(results_dir: Path, root: Path) -> list[str]:
    """Every kind of hostile or bad input tried, counted (`python -m graphsql.eval.hardening --kills`)."""
    path = layout.analysis_file(results_dir, "hardening.json")
    if not path.exists():
        return []
    d = json.loads(path.read_text())
    limits = d["limits"]
    lines = ["## Hardening, counted", "",
             f"`{d['provenance']['command']}`: {d['tried']} cases tried, {d['handled']} handled as required "
             f"(hostile SQL: within its {limits['sql_timeout_s']:g} s timeout plus {limits['sql_margin_s']:g} s, "
             "the database file unchanged, no file created; bad input: one `error:` line or a usage message, the "
             "right exit code or a 4xx, never a traceback or a 5xx; killed jobs: resumed to the uninterrupted "
             f"run's output). Peak memory of the process {d['peak_rss_mb']} MB.", "",
             "| kind | tried | handled | slowest case (s) | open |", "|---|---|---|---|---|"]
    for kind, row in d["kinds"].items():
        lines.append(f"| {HARDENING_KINDS.get(kind, kind)} | {row['tried']} | {row['handled']} | "
                     f"{row['slowest_s']} ({row['slowest_case']}) | {', '.join(row['open']) or 'none'} |")
    lines += ["", f"Source: `{_rel(path, root)}` (every case with its outcome).", ""]
    return lines


def hostile_section(results_dir: Path, root: Path) -> list[str]:
    """The hostile-SQL corpus, counted (`python -m graphsql.eval.hostile`)."""
    path = results_dir / "hardening" / "hostile_sql.json"
    if not path.exists():
        return []
    d = json.loads(path.read_text())
    kinds = list(dict.fromkeys(k for per in d["counts"].values() for k in per))
    lines = ["## Hostile SQL, counted", "",
             f"`python -m graphsql.eval.hostile`: {d['statements']} statements (writes, PRAGMAs, escapes from the "
             "database, runaway and deeply nested queries, reads) on the demo database, each through `execute_sql`, "
             f"`predict` (as the model's whole answer) and `evaluate` (as a prediction), timeout {d['timeout_s']:g} s. "
             f"Database unchanged: {d['database_unchanged']}; files created: {len(d['files_created'])}; slowest call "
             f"{max(d['slowest_call_s'].values())} s; peak memory of the process {d['peak_rss_mb']} MB. What each "
             "statement came to (`predict` may run the reading part it extracts from an answer, e.g. the SELECT of "
             "an INSERT ... SELECT, never the write):", "",
             "| path | " + " | ".join(kinds) + " |", "|---" * (len(kinds) + 1) + "|"]
    for name, per in d["counts"].items():
        lines.append(f"| {name} | " + " | ".join(", ".join(f"{k} {v}" for k, v in per.get(kind, {}).items())
                                                 for kind in kinds) + " |")
    lines += ["", f"Source: `{_rel(path, root)}`.", ""]
    return lines


def serving_section(results_dir: Path, root: Path) -> list[str]:
    """In-process llama.cpp against an OpenAI-compatible server (`python -m graphsql.inference.bench_serving`)."""
    table = serving_table(results_dir, root)
    if not table:
        return []
    lines = ["## Serving through an OpenAI-compatible server", "", *table, ""]
    return lines


def serving_table(results_dir: Path, root: Path) -> list[str]:
    """What the serving benchmark measured, as a sentence and a table (the report's appendix and the README's
    "Scaling out" section)."""
    path = layout.benchmark_file(results_dir, "bench_serving.json")
    if not path.exists():
        return []
    d = json.loads(path.read_text())
    lines = [f"`python -m graphsql.inference.bench_serving`: {d['questions']} demo questions answered by the "
             f"shipped model (`{d['model']}`, the merged GGUF `ask` uses) in-process, then through "
             "llama-cpp-python's OpenAI-compatible server (`python -m llama_cpp.server`, the same GGUF) with "
             "`--backend openai`, one and several questions in flight, all in one run on this 2-core CPU. That "
             "server answers one request at a time, so questions in flight only contend for the same cores here.",
             "", "| run | questions in flight | questions / s | vs in-process | same SQL as in-process |",
             "|---|---|---|---|---|"]
    for name, run in d["runs"].items():
        same = d["same_sql_as_in_process"].get(name)
        lines.append(f"| {name} | {run['workers']} | {run['questions_per_second']} | {run['ratio_vs_in_process']}x | "
                     f"{'–' if same is None else str(same) + ' of ' + str(run['questions'])} |")
    lines += ["", f"Source: `{_rel(path, root)}`."]
    return lines
