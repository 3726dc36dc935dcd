"""Training samples: chat messages with their answer, where they came from, and what task they teach.

    >>> sample = Sample(build_messages(question, prepared, answer=gold_sql), "spider:train", "concert", 12, 1)
    >>> write_samples([sample], Path("runs/augment/graph/samples.jsonl"))

Three tasks share one prompt layout (`graphsql.prompting.build_messages`):

* ``sql``: question + schema -> SQL (the task used at inference);
* ``tables``: question + schema -> the tables the SQL needs (``author, book, book_author``);
* ``join_path``: question + schema -> the join conditions of the gold SQL (``book.book_id = book_author.book_id``).

The auxiliary tasks swap the system prompt's last sentence for their own instruction and append a one-line
instruction to the question, so the model can tell them apart from the SQL task.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from graphsql.data.records import DbSchema
from graphsql.prompting import SYSTEM_PROMPT, PreparedSchema, build_messages
from graphsql.schema.graph import SchemaGraph
from graphsql.sql.decompose import join_condition_texts
from graphsql.sql.parse import tables_in_sql

TASKS = ("sql", "tables", "join_path")

_SYSTEM_HEAD = SYSTEM_PROMPT.split(". ")[0] + "."  # "You are an expert in SQLite."
TASK_SYSTEM_PROMPTS = {
    "sql": SYSTEM_PROMPT,
    "tables": (
        f"{_SYSTEM_HEAD} Given a database schema and a question, name the tables a query answering the question "
        "must read. Reply with the table names only, separated by commas."
    ),
    "join_path": (
        f"{_SYSTEM_HEAD} Given a database schema and a question, give the join conditions a query answering the "
        "question needs. Reply with the conditions only, separated by semicolons."
    ),
}
TASK_INSTRUCTIONS = {
    "sql": "",
    "tables": "Which tables are needed?",
    "join_path": "Which join conditions are needed?",
}


@dataclass(frozen=True)
class Sample:
    """One training sample: ``messages`` (system, user, assistant answer), its ``source`` (``spider:train`` or
    ``aug:<name>``), database, ``idx`` of the example it came from (-1 for synthetic questions), ``n_joins`` of
    the answer SQL (None unless ``task == "sql"``) and ``task`` (one of `TASKS`)."""

    messages: list = field(hash=False)
    source: str
    db_id: str
    idx: int
    n_joins: int | None = None
    task: str = "sql"

    @property
    def prompt_chars(self) -> int:
        """Characters of every non-assistant message."""
        return sum(len(m["content"]) for m in self.messages if m["role"] != "assistant")

    @property
    def answer(self) -> str:
        return (
            self.messages[-1]["content"] if self.messages and self.messages[-1]["role"] == "assistant" else ""
        )

    def to_json(self) -> dict:
        return {
            "messages": self.messages,
            "source": self.source,
            "db_id": self.db_id,
            "task": self.task,
            "n_joins": self.n_joins,
            "idx": self.idx,
        }

    @classmethod
    def from_json(cls, obj: dict) -> Sample:
        return cls(
            obj["messages"],
            obj["source"],
            obj["db_id"],
            obj["idx"],
            obj.get("n_joins"),
            obj.get("task", "sql"),
        )


def build_task_messages(
    task: str, question: str, prepared: PreparedSchema | str, answer: str | None = None, evidence: str = ""
) -> list[dict]:
    """`build_messages` for ``task``: the SQL task is exactly `build_messages`; the auxiliary tasks get their
    own system prompt and a one-line instruction after the question."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}: choose {', '.join(TASKS)}")
    instruction = TASK_INSTRUCTIONS[task]
    text = f"{question}\n{instruction}" if instruction else question
    messages = build_messages(text, prepared, evidence=evidence, answer=answer)
    messages[0] = {"role": "system", "content": TASK_SYSTEM_PROMPTS[task]}
    return messages


def gold_tables(gold_sql: str, graph: SchemaGraph) -> tuple[str, ...] | None:
    """Lower-cased tables read by ``gold_sql``, in schema order; None if it names a table the schema lacks
    or cannot be parsed."""
    names = tables_in_sql(gold_sql)
    order = [t.name.lower() for t in graph.schema.tables]
    if not names or not names <= set(order):
        return None
    return tuple(t for t in order if t in names)


def format_tables_answer(tables: Iterable[str], schema: DbSchema) -> str:
    """Table names in their original spelling, alphabetical, comma-separated: ``author, book, book_author``."""
    names = sorted({schema.table(t).name for t in tables}, key=str.lower)
    return ", ".join(names)


def format_join_answer(gold_sql: str, schema: DbSchema) -> str:
    """The join conditions of ``gold_sql`` in original spelling, sorted, ``; ``-separated; "" if it has none
    or names a column the schema lacks."""
    return "; ".join(join_condition_texts(gold_sql, schema, strict=True) or [])


def write_samples(samples: Sequence[Sample], path: Path) -> Path:
    """One JSON object per line (messages, source, db_id, task, n_joins, idx), written atomically."""
    from graphsql.atomic import write_text_atomic

    return write_text_atomic(path, "".join(json.dumps(s.to_json(), ensure_ascii=False) + "\n" for s in samples))


def read_samples(path: str | Path) -> list[Sample]:
    """The samples of a ``samples.jsonl`` file."""
    with Path(path).open(encoding="utf-8") as fh:
        return [Sample.from_json(json.loads(line)) for line in fh if line.strip()]
