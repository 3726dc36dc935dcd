"""One prompt builder for training and inference: question + (pruned, serialized) schema -> chat messages.

    >>> graph = build_schema_graph(read_sqlite_schema("demo.sqlite"))
    >>> prepared = prepare_schema("Which books did Albert Camus write?", graph, PromptConfig())
    >>> build_messages("Which books did Albert Camus write?", prepared)

The model is always asked in the exact words it was trained on: `graphsql.augment` builds its samples with
these same two functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from graphsql.config import PromptConfig
from graphsql.data.records import DbSchema
from graphsql.schema.graph import JoinPath, SchemaGraph, join_path, restrict_graph
from graphsql.schema.link import LinkResult, link_schema
from graphsql.schema.prune import prune_schema
from graphsql.schema.serialize import format_value, serialize_schema
from graphsql.schema.values import ValueIndex

SYSTEM_PROMPT = (
    "You are an expert in SQLite. Given a database schema and a question, write one SQLite query that "
    "answers the question. Use only the tables and columns in the schema. Reply with the SQL query only."
)
# answer_format "decomposed" (AST-guided decomposition, `graphsql.sql.decompose`): think in named steps first
DECOMPOSED_SYSTEM_PROMPT = (
    "You are an expert in SQLite. Given a database schema and a question, write one SQLite query that answers "
    "the question. Use only the tables and columns in the schema. First name the tables, the join conditions, "
    "the subqueries and the clauses the query needs, one line each (Tables:, Joins:, Subqueries:, Clauses:), "
    "then write the query on a last line starting with SQL:."
)
ANSWER_FORMATS = ("sql", "decomposed")
SEED_THRESHOLD = 0.5  # linked tables scoring at least this seed the pruning (the best one always does)
MAX_SEEDS = 4
MAX_VALUE_LINES = 6


@dataclass(frozen=True, eq=False)
class PreparedSchema:
    """The schema text a question is asked with, and how it was chosen."""

    text: str
    schema: DbSchema  # what the text shows (pruned tables and columns)
    tables: tuple[str, ...]  # tables shown (lower-cased), in admission order
    seed_tables: tuple[str, ...]
    join_path: JoinPath | None
    link: LinkResult | None
    values_text: str = ""


def choose_seeds(link: LinkResult, threshold: float = SEED_THRESHOLD, max_seeds: int = MAX_SEEDS) -> list[str]:
    """Tables that seed pruning: those scoring >= ``threshold`` (best first, at most ``max_seeds``); at least
    the best-scoring table."""
    seeds = link.linked_tables(threshold)[:max_seeds]
    return seeds or link.top_tables(1)


def prepare_schema(
    question: str,
    graph: SchemaGraph,
    config: PromptConfig,
    value_index: ValueIndex | None = None,
    evidence: str = "",
    seed_tables: Iterable[str] | None = None,
    extra_tables: Sequence[str] = (),
) -> PreparedSchema:
    """Link ``question`` to the schema, prune the graph around the linked tables (``config.max_tables``),
    and serialize it in ``config.schema_format``.

    ``seed_tables`` replaces linking as the pruning seed (training uses the gold tables); ``extra_tables``
    are added after pruning (training-time distractors). With ``config.prune`` off the whole schema is shown."""
    link = (link_schema(question, graph.schema, value_index, evidence, pertainyms=config.link_pertainyms,
                        synonyms=config.link_synonyms, typed=config.typed_values)
            if (config.prune or value_index) else None)
    if config.prune:
        seeds = list(seed_tables) if seed_tables is not None else choose_seeds(link)
        pruned = prune_schema(graph, seeds, max_tables=config.max_tables, max_columns_per_table=config.max_columns,
                              table_scores=link.table_scores if link else None,
                              column_scores=link.column_scores if link else None, use_inferred=config.infer_fks)
        tables = tuple(dict.fromkeys(list(pruned.tables) + [graph.table_key(t) for t in extra_tables]))
        view = restrict_graph(graph, tables) if extra_tables else pruned.graph
        path = pruned.join_path
        seeds_out = pruned.seed_tables
    else:
        view = graph
        tables = tuple(t.name.lower() for t in graph.schema.tables)
        seeds_out = tuple(graph.table_key(t) for t in (seed_tables or ()))
        path = join_path(graph, seeds_out) if len(seeds_out) > 1 else None
    text = serialize_schema(
        view,
        config.schema_format,
        sample_values=config.sample_values,
        include_fks=config.include_fks,
        join_path=path if (config.include_join_path and path is not None and path.conditions) else None,
        include_inferred=config.infer_fks,
    )
    values_text = ""
    if config.matched_values and link is not None and link.matched_values:
        shown = set(tables)
        lines = []
        for m in link.matched_values:
            if m.table.lower() in shown:
                line = f"{m.table}.{m.column} = {format_value(m.value)}"
                if line not in lines:
                    lines.append(line)
        values_text = "\n".join(lines[:MAX_VALUE_LINES])
    return PreparedSchema(text, view.schema, tables, tuple(seeds_out), path, link, values_text)


def build_messages(
    question: str,
    prepared: PreparedSchema | str,
    evidence: str = "",
    demonstrations: Sequence[tuple[str, str, str]] = (),
    answer: str | None = None,
    answer_format: str = "sql",
) -> list[dict]:
    """Chat messages asking ``question`` over ``prepared`` (a PreparedSchema or schema text).

    ``answer_format``: "sql" (the query only) or "decomposed" (steps, then ``SQL: <query>``).
    ``demonstrations``: (schema_text, question, sql) triples shown before the question as earlier turns.
    ``answer``: if given, appended as the assistant turn (a training sample)."""
    schema_text = prepared if isinstance(prepared, str) else prepared.text
    values_text = "" if isinstance(prepared, str) else prepared.values_text
    if answer_format not in ANSWER_FORMATS:
        raise ValueError(f"answer_format must be one of {', '.join(ANSWER_FORMATS)}, not {answer_format!r}")
    system = DECOMPOSED_SYSTEM_PROMPT if answer_format == "decomposed" else SYSTEM_PROMPT
    messages = [{"role": "system", "content": system}]
    for demo_schema, demo_question, demo_sql in demonstrations:
        messages.append({"role": "user", "content": _user_text(demo_question, demo_schema, "", "")})
        messages.append({"role": "assistant", "content": demo_sql})
    messages.append({"role": "user", "content": _user_text(question, schema_text, evidence, values_text)})
    if answer is not None:
        messages.append({"role": "assistant", "content": answer})
    return messages


def _user_text(question: str, schema_text: str, evidence: str, values_text: str) -> str:
    parts = [f"Database schema:\n{schema_text}"]
    if values_text:
        parts.append(f"Values mentioned in the question:\n{values_text}")
    if evidence:
        parts.append(f"Hint: {evidence}")
    parts.append(f"Question: {question}")
    return "\n\n".join(parts)
