"""Few-shot demonstrations chosen per question from a pool of *train* questions: Spider train (cross-database:
never a demo from the asked database), GeoQuery's query-split train (the same database, as a user with a few
worked examples of their own database would give; no SQL program of its test split is in it), or a user's own
file of worked examples on the asked database (`examples_pool`: ``graphsql ask --shots 3 --shot-pool ex.json``).

    >>> pool = load_demo_pool()                                   # built once, cached under cache_dir()/demos
    >>> context = build_schema_context(question, graph, prepared) # what is known at inference, no gold SQL
    >>> demos = select_demos("graph_similar", question, context, pool, k=3, rng=random.Random(0))
    >>> build_messages(question, prepared, demonstrations=as_demonstrations(demos))

A `Demo` is one train question with its gold SQL, its `sql_skeleton`, its gold tables, the `JoinShape` of
their join path in its schema graph, and its schema text (the schema pruned to its gold tables, serialized the
way the target is), so each demonstration shows the schema it was asked on.

Selectors (`SELECTORS`) share one signature, ``select(question, context, pool, k, rng) -> list[Demo]``, best
first; each returns up to ``k`` distinct demos (distinct questions): from a cross-database pool never one from the
target's database, from a same-database pool never the asked question itself:

* ``random``: uniform over the pool (the only one that uses ``rng``);
* ``question_similar``: BM25 over question words (our own Okapi BM25, k1=1.5, b=0.75);
* ``masked_question_similar``: BM25 over questions with their own schema's words dropped and numbers and
  names masked (`mask_question`: how a question asks, not what about), ties by plain question similarity;
* ``skeleton_similar``: skeleton similarity (weighted Jaccard of token uni/bigrams) to the skeleton of
  ``context.draft_sql`` (e.g. a zero-shot greedy prediction), ties by masked then plain question similarity;
  without a draft it *is* ``masked_question_similar``;
* ``graph_similar``: the predicted `JoinShape` (join path of the confidently linked tables) first, nearest
  shapes next (`shape_distance`), ties by masked then plain question similarity.

Relevance proxy (no model; `graphsql.experiments.demo_proxy`, 200 stratified Spider dev questions, k=3): the
top-1 demo has the gold skeleton / gold join shape for random 2% / 37%, question_similar 18% / 49%,
masked_question_similar 27% / 56%, graph_similar 28% / 67%.

The pool cache file is keyed by a hash of the pool's question and schema files (Spider: ``train_spider.json``,
``tables.json``; GeoQuery: ``geography_flat.json``) and the pool settings; a changed file or setting builds a new
pool and removes the stale one. (Spider's SQLite files, read for inferred FKs, are not hashed.)
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlglot import exp

from graphsql.config import cache_dir as default_cache_dir
from graphsql.config import data_root
from graphsql.data.records import DbSchema
from graphsql.data.spider import DEFAULT_DIRS, Dataset, load_dataset
from graphsql.demos.skeleton import (
    JoinShape,
    join_shape,
    shape_distance,
    skeleton_grams,
    skeleton_similarity,
    sql_skeleton,
)
from graphsql.errors import DataError
from graphsql.prompting import PreparedSchema
from graphsql.schema.graph import SchemaGraph, graphs_by_db, join_path, restrict_graph
from graphsql.schema.link import link_schema, split_identifier
from graphsql.schema.serialize import serialize_schema
from graphsql.schema.values import ValueIndex, singularize, tokenize
from graphsql.sql.parse import literal_comparisons, tables_in_sql, try_parse
from graphsql.sql.style import house_style

log = logging.getLogger(__name__)

POOL_VERSION = 4  # bump when what a Demo holds, or how it is computed, changes
BM25_K1 = 1.5
BM25_B = 0.75
# Words a masked question keeps even when a schema names a column after them.
STRUCTURE_WORDS = frozenset(
    """average avg maximum max minimum min highest lowest largest smallest most least total sum count number
    each all every different distinct and or not no is in of than more less first last order""".split()
)
_VALUE_WORD = "qqvalueqq"
_CAPITALIZED = re.compile(r"(?<=[^.?!\s] )[A-Z][\w'&-]*")
SHAPE_SEED_THRESHOLD = 0.8  # linked tables scoring at least this make the predicted join shape
MAX_SHAPE_SEEDS = 4
# pool name -> (dataset, train split, the files its cache key hashes, cross-database)
POOL_SOURCES: dict[str, tuple[str, str, tuple[str, ...], bool]] = {
    "spider": ("spider", "train", ("train_spider.json", "tables.json"), True),
    "geo": ("geo", "query_train", ("geography_flat.json",), False),
    # GeoQuery's question-split train: the same SQL templates as its question-split dev and test (example reuse)
    "geo_question": ("geo", "train", ("geography_flat.json",), False),
}


@dataclass(frozen=True)
class Demo:
    """One demonstration: a train question, its gold SQL and the schema text it is shown with."""

    db_id: str
    question: str
    gold_sql: str
    skeleton: str
    tables: tuple[str, ...]  # gold tables, lower-cased, schema order
    join_shape: JoinShape
    schema_text: str
    idx: int  # position in train_spider.json
    masked_tokens: tuple[str, ...] = ()  # `mask_question` of the question over its own schema
    restyled_sql: str = ""  # gold_sql in the adapters' training style (`graphsql.sql.style.house_style`)
    typed_tokens: tuple[str, ...] = ()  # `typed_question` of the question, its values typed by its gold SQL

    def as_triple(self, restyle: bool = False) -> tuple[str, str, str]:
        """(schema_text, question, gold_sql), as `graphsql.prompting.build_messages` takes demonstrations; with
        ``restyle`` the SQL in the adapters' training style."""
        return (self.schema_text, self.question, (self.restyled_sql or self.gold_sql) if restyle else self.gold_sql)

    def to_json(self) -> dict:
        return {"db_id": self.db_id, "question": self.question, "gold_sql": self.gold_sql,
                "skeleton": self.skeleton, "tables": list(self.tables), "join_shape": self.join_shape.to_json(),
                "schema_text": self.schema_text, "idx": self.idx, "masked_tokens": list(self.masked_tokens),
                "restyled_sql": self.restyled_sql, "typed_tokens": list(self.typed_tokens)}

    @classmethod
    def from_json(cls, data: dict) -> Demo:
        return cls(data["db_id"], data["question"], data["gold_sql"], data["skeleton"], tuple(data["tables"]),
                   JoinShape.from_json(data["join_shape"]), data["schema_text"], int(data["idx"]),
                   tuple(data.get("masked_tokens", ())), data.get("restyled_sql", ""),
                   tuple(data.get("typed_tokens", ())))


def question_tokens(question: str) -> list[str]:
    """Lower-cased, singularized words of a question (the BM25 vocabulary)."""
    return [singularize(w) for w in tokenize(question)]


def schema_words(schema: DbSchema) -> frozenset[str]:
    """Singularized words of every table and column name (original and natural) of ``schema``."""
    words = set()
    for table in schema.tables:
        for name in (table.name, table.natural_name, *(c.name for c in table.columns),
                     *(c.natural_name for c in table.columns)):
            words.update(singularize(w) for w in split_identifier(name or ""))
    return frozenset(words)


def mask_question(question: str, words: frozenset[str]) -> list[str]:
    """`question_tokens` with the words of the schema (``words``) dropped unless they say how to compute
    (`STRUCTURE_WORDS`), numbers as ``<num>`` and capitalized words past the first (names, places) as
    ``<val>``, so what is left is how the question asks (``how many``, ``for each``, ``most``), not what it
    asks about (DAIL-SQL's masked question similarity, with name matching instead of full schema linking)."""
    text = _CAPITALIZED.sub(_VALUE_WORD, " ".join(question.split()))
    out = []
    for tok in question_tokens(text):
        if tok == _VALUE_WORD:
            out.append("<val>")
        elif tok.replace(".", "", 1).isdigit():
            out.append("<num>")
        elif tok in STRUCTURE_WORDS or tok not in words:
            out.append(tok)
    return out


def typed_question(question: str, values: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    """`question_tokens` with each value the question names (``values``: (text, the columns that hold it))
    replaced by a ``<val>`` word and followed by a ``col=<column>`` word for each column that holds it: "how many
    people live in houston" and "... in mississippi" then differ in what they ask about (a city, a state), which
    BM25 over plain words cannot tell (neither word is in the other question)."""
    text = " " + " ".join(question.lower().split()) + " "
    types: list[str] = []
    for value, columns in sorted(values, key=lambda v: -len(v[0])):
        needle = " ".join(value.lower().split())
        if not needle:
            continue
        hit = re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", text)
        if hit:
            text = text[:hit.start()] + f" {_VALUE_WORD} " + text[hit.end():]
        types += [f"col={c.lower()}" for c in dict.fromkeys(columns)]
    return [("<val>" if tok == _VALUE_WORD else tok) for tok in question_tokens(text)] + types


def sql_values(sql: str, schema: DbSchema) -> list[tuple[str, tuple[str, ...]]]:
    """(text, (column,)) of each string literal ``sql`` compares a column with (`literal_comparisons`)."""
    tree = try_parse(sql)
    if tree is None:
        return []
    names = {c.name.lower() for c in schema.columns}
    return [(text, (col.name,)) for select in tree.find_all(exp.Select)
            for col, _lit, text in literal_comparisons(select, names)]


class _Bm25:
    """Okapi BM25 over tokenized documents, with an inverted index (scores only documents sharing a word)."""

    def __init__(self, docs: Sequence[Sequence[str]]):
        self.n_docs = len(docs)
        self.lengths = [len(d) for d in docs]
        self.avg_len = (sum(self.lengths) / self.n_docs) if self.n_docs else 0.0
        self.postings: dict[str, list[tuple[int, int]]] = {}
        for i, doc in enumerate(docs):
            for word, tf in Counter(doc).items():
                self.postings.setdefault(word, []).append((i, tf))
        self.idf = {w: math.log(1.0 + (self.n_docs - len(p) + 0.5) / (len(p) + 0.5)) for w, p in self.postings.items()}

    def scores(self, query: Sequence[str]) -> dict[int, float]:
        """{document index: score} for documents with at least one query word."""
        out: dict[int, float] = {}
        for word in query:  # repeated query words count again, as in Okapi BM25
            for i, tf in self.postings.get(word, ()):
                norm = tf + BM25_K1 * (1 - BM25_B + BM25_B * self.lengths[i] / self.avg_len)
                out[i] = out.get(i, 0.0) + self.idf[word] * tf * (BM25_K1 + 1) / norm
        return out


@dataclass(frozen=True, eq=False)
class DemoPool:
    """Demonstrations from one train split, with the BM25 and skeleton indexes selectors use."""

    demos: tuple[Demo, ...]
    settings: dict = field(default_factory=dict)
    _bm25: _Bm25 = field(init=False, repr=False)
    _masked_bm25: _Bm25 = field(init=False, repr=False)
    _typed_bm25: _Bm25 = field(init=False, repr=False)
    _grams: tuple[Counter, ...] = field(init=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "_bm25", _Bm25([question_tokens(d.question) for d in self.demos]))
        object.__setattr__(self, "_masked_bm25", _Bm25([d.masked_tokens for d in self.demos]))
        object.__setattr__(self, "_typed_bm25", _Bm25([d.typed_tokens for d in self.demos]))
        object.__setattr__(self, "_grams", tuple(skeleton_grams(d.skeleton) for d in self.demos))

    def __len__(self) -> int:
        return len(self.demos)

    @property
    def cross_database(self) -> bool:
        """True (the default): a demo never comes from the asked question's database."""
        return bool(self.settings.get("cross_database", True))

    def question_scores(self, question: str) -> dict[int, float]:
        """BM25 score of each demo (by position) sharing a word with ``question``; absent means 0."""
        return self._bm25.scores(question_tokens(question))

    def masked_question_scores(self, masked_tokens: Sequence[str]) -> dict[int, float]:
        """BM25 score of each demo's masked question for a masked question (`mask_question`)."""
        return self._masked_bm25.scores(masked_tokens)

    def typed_question_scores(self, typed_tokens: Sequence[str]) -> dict[int, float]:
        """BM25 score of each demo's typed question for a typed question (`typed_question`)."""
        return self._typed_bm25.scores(typed_tokens)

    def skeleton_scores(self, skeleton: str) -> list[float]:
        """`skeleton_similarity` of ``skeleton`` to every demo's skeleton, by position."""
        grams = skeleton_grams(skeleton)
        return [skeleton_similarity(grams, g) for g in self._grams]


# ------------------------------------------------------------------------------------------------ building


def gold_tables_of(gold_sql: str, graph: SchemaGraph) -> tuple[str, ...] | None:
    """Lower-cased tables ``gold_sql`` reads, in schema order; None if unparseable or naming unknown tables."""
    names = tables_in_sql(gold_sql)
    order = [t.name.lower() for t in graph.schema.tables]
    if not names or not names <= set(order):
        return None
    return tuple(t for t in order if t in names)


def build_demo(example_idx: int, db_id: str, question: str, gold_sql: str, graph: SchemaGraph,
               schema_format: str = "compact") -> Demo | None:
    """The `Demo` of one train question over its schema ``graph``; None if its gold tables are unknown."""
    tables = gold_tables_of(gold_sql, graph)
    if tables is None:
        return None
    path = join_path(graph, tables)
    view = restrict_graph(graph, tables)
    text = serialize_schema(view, schema_format, join_path=path if path.conditions else None)
    masked = tuple(mask_question(question, schema_words(graph.schema)))
    typed = tuple(typed_question(question, sql_values(gold_sql, graph.schema)))
    return Demo(db_id, question, gold_sql, sql_skeleton(gold_sql), tables, join_shape(path), text, example_idx,
                masked, house_style(gold_sql, graph.schema), typed)


def build_demo_pool(dataset: Dataset, schema_format: str = "compact", infer_fks: bool = True,
                    cross_database: bool = True) -> DemoPool:
    """A `DemoPool` of every train question of ``dataset`` whose gold tables can be read (others are skipped).
    DataError for a non-train split (``train`` or ``*_train``): dev/test questions must never become
    demonstrations. ``cross_database=False``: demos may come from the asked question's own database."""
    if dataset.split != "train" and not dataset.split.endswith("_train"):
        raise DataError(f"demonstrations come from a train split only, not {dataset.name}:{dataset.split}")
    graph_for = graphs_by_db(dataset.schemas, infer_fks=infer_fks)
    databases: set[str] = set()
    demos, skipped = [], 0
    for example in dataset.examples:
        if example.db_id not in dataset.schemas:
            skipped += 1
            continue
        databases.add(example.db_id)
        idx = example.idx if example.idx >= 0 else len(demos) + skipped
        demo = build_demo(idx, example.db_id, example.question, example.gold_sql, graph_for(example.db_id),
                          schema_format)
        if demo is None:
            skipped += 1
            continue
        demos.append(demo)
    log.info("demo pool: %d demos from %d databases (%d questions skipped)", len(demos), len(databases), skipped)
    settings = {"dataset": dataset.name, "split": dataset.split, "schema_format": schema_format,
                "infer_fks": infer_fks, "cross_database": cross_database, "version": POOL_VERSION}
    return DemoPool(tuple(demos), settings)


def examples_pool(path: str | Path, graph: SchemaGraph, schema_format: str = "compact") -> DemoPool:
    """A same-database `DemoPool` from a user's JSON file of worked examples on the database of ``graph``: a list
    of ``{"question": ..., "sql": ...}`` objects (``query`` or ``SQL`` also name the SQL). DataError, naming the
    file, for a missing or malformed file and as `pool_from_examples` does."""
    from graphsql.data.spider import read_json

    path = Path(path)
    return pool_from_examples(read_json(path), graph, schema_format, where=str(path))


def pool_from_examples(items, graph: SchemaGraph, schema_format: str = "compact", where: str = "examples"
                       ) -> DemoPool:
    """A same-database `DemoPool` from worked examples on the database of ``graph`` (a list of ``{"question":
    ..., "sql": ...}``). An example may name its database (``"db_id"``): one file can then hold examples of several
    databases, and only those of ``graph``'s database (or naming none) are used. DataError, starting with ``where``
    and naming the example, for an empty list, no example for this database, an example without question or SQL,
    or SQL that reads no table the database has."""
    if not isinstance(items, list) or not items:
        raise DataError(f"{where}: expected a non-empty JSON list of {{\"question\": ..., \"sql\": ...}} examples")
    named = sorted({str(it["db_id"]) for it in items if isinstance(it, dict) and it.get("db_id") is not None})
    mine = [(i, it) for i, it in enumerate(items) if not isinstance(it, dict) or it.get("db_id") in (None, graph.db_id)]
    if not mine:
        raise DataError(f"{where}: no example for database {graph.db_id} (its examples name {', '.join(named)})")
    demos = []
    for i, item in mine:  # i: the example's position in the file, for messages
        sql = next((item.get(k) for k in ("sql", "query", "SQL") if isinstance(item, dict) and item.get(k)), None)
        question = item.get("question") if isinstance(item, dict) else None
        if not isinstance(question, str) or not question.strip() or not isinstance(sql, str):
            raise DataError(f"{where}: example {i} needs a \"question\" and an \"sql\" string")
        demo = build_demo(i, graph.db_id, question, sql, graph, schema_format)
        if demo is None:
            known = ", ".join(t.name for t in graph.schema.tables)
            raise DataError(f"{where}: example {i}: its SQL reads no table of database {graph.db_id} that can be "
                            f"parsed ({' '.join(sql.split())[:80]!r}; tables: {known})")
        demos.append(demo)
    settings = {"dataset": "examples", "file": where, "db_id": graph.db_id, "schema_format": schema_format,
                "cross_database": False, "version": POOL_VERSION}
    return DemoPool(tuple(demos), settings)


def pool_cache_key(root: Path, schema_format: str, infer_fks: bool, files: Sequence[str] = POOL_SOURCES["spider"][2]
                   ) -> str:
    """12 hex digits of sha256 over the pool's ``files`` under ``root`` (default: Spider's train_spider.json and
    tables.json) and the pool settings."""
    digest = hashlib.sha256()
    for name in files:
        path = root / name
        if not path.exists():
            raise DataError(f"{path}: file not found")
        digest.update(path.read_bytes())
    digest.update(json.dumps([schema_format, infer_fks, POOL_VERSION]).encode())
    return digest.hexdigest()[:12]


def load_demo_pool(
    root: str | Path | None = None,
    schema_format: str = "compact",
    infer_fks: bool = True,
    cache_root: str | Path | None = None,
    use_cache: bool = True,
    source: str = "spider",
) -> DemoPool:
    """The demo pool ``source`` (a key of `POOL_SOURCES`: Spider train, or GeoQuery's query-split train) of the
    dataset at ``root`` (default: its folder under data_root()), from the cache file
    ``cache_root/<dataset>-<split>-<key>.json`` (default cache_root: cache_dir()/demos) when present, else built
    and written there (older pool files of the same source are removed)."""
    if source not in POOL_SOURCES:
        raise ValueError(f"unknown demo pool {source!r}: choose {', '.join(POOL_SOURCES)}")
    name, split, files, cross_database = POOL_SOURCES[source]
    root = Path(root) if root is not None else data_root() / DEFAULT_DIRS[name]
    folder = Path(cache_root) if cache_root is not None else default_cache_dir() / "demos"
    key = pool_cache_key(root, schema_format, infer_fks, files)
    path = folder / f"{name}-{split}-{key}.json"
    if use_cache and path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return DemoPool(tuple(Demo.from_json(d) for d in data["demos"]), data["settings"])
        except (OSError, ValueError, KeyError, TypeError) as err:
            log.warning("%s: unreadable demo pool cache, rebuilding (%s)", path, err)
    pool = build_demo_pool(load_dataset(name, split, root=root), schema_format, infer_fks, cross_database)
    if use_cache:
        _write_pool(pool, path, f"{name}-{split}-")
    return pool


def _write_pool(pool: DemoPool, path: Path, prefix: str) -> None:
    """Write atomically, then drop other pool files of the same source (``prefix``) in the folder."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        data = {"settings": pool.settings, "demos": [d.to_json() for d in pool.demos]}
        tmp.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as err:
        log.warning("%s: cannot write demo pool cache (%s)", path, err)
        return
    for old in path.parent.glob(f"{prefix}*.json"):
        if old != path:
            old.unlink(missing_ok=True)


# ------------------------------------------------------------------------------------------------ selecting


@dataclass(frozen=True, eq=False)
class SchemaContext:
    """What is known about the target question at inference (never its gold SQL): its database, the tables
    linking predicts, the `JoinShape` of their join path and, optionally, a draft SQL (a zero-shot prediction)."""

    db_id: str
    join_shape: JoinShape
    tables: tuple[str, ...] = ()
    draft_sql: str = ""
    graph: SchemaGraph | None = field(default=None, repr=False)
    prepared: PreparedSchema | None = field(default=None, repr=False)
    values: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (value, the columns holding it) the question names


def build_schema_context(
    question: str,
    graph: SchemaGraph,
    prepared: PreparedSchema | None = None,
    draft_sql: str = "",
    value_index: ValueIndex | None = None,
    evidence: str = "",
    shape_threshold: float = SHAPE_SEED_THRESHOLD,
) -> SchemaContext:
    """The `SchemaContext` of ``question`` on ``graph``. Predicted tables: the linked tables scoring at least
    ``shape_threshold`` (at most `MAX_SHAPE_SEEDS`, else the best one), from ``prepared``'s link result or a
    fresh `link_schema`; the predicted shape is `join_shape` of their `join_path`.

    The threshold is stricter than pruning's seed threshold (0.5, recall first): on 300 Spider *train*
    questions the predicted shape matched the gold tables' shape 40% of the time at 0.5 and 73% at 0.8
    (flat from 0.75 to 0.9)."""
    link = prepared.link if prepared is not None and prepared.link is not None else None
    link = link or link_schema(question, graph.schema, value_index, evidence)
    seeds = link.linked_tables(shape_threshold)[:MAX_SHAPE_SEEDS] or link.top_tables(1)
    path = join_path(graph, seeds) if seeds else None
    tables = path.tables if path is not None else ()
    held: dict[str, list[str]] = {}
    for match in link.matched_values:
        held.setdefault(match.value, []).append(match.column)
    values = tuple((value, tuple(columns)) for value, columns in held.items())
    return SchemaContext(graph.db_id, join_shape(path), tuple(tables), draft_sql, graph, prepared, values)


Selector = Callable[[str, SchemaContext, DemoPool, int, random.Random], list[Demo]]


def _question_key(question: str) -> str:
    """A question case-folded with its whitespace collapsed: two questions with one key are the same question."""
    return " ".join(question.lower().split())


def _eligible(context: SchemaContext, pool: DemoPool, question: str = "") -> list[int]:
    """Positions of the demos a question may be shown: from a cross-database pool none from the target's
    database; from a same-database pool, never the asked question itself."""
    target, asked = context.db_id.lower(), _question_key(question)
    return [i for i, d in enumerate(pool.demos)
            if d.db_id.lower() != target or not (pool.cross_database or _question_key(d.question) == asked)]


def _take(order: Sequence[int], pool: DemoPool, k: int) -> list[Demo]:
    """The first ``k`` demos in ``order`` with distinct (case-folded) questions."""
    out, seen = [], set()
    for i in order:
        q = _question_key(pool.demos[i].question)
        if q in seen:
            continue
        seen.add(q)
        out.append(pool.demos[i])
        if len(out) == k:
            break
    return out


def select_random(question: str, context: SchemaContext, pool: DemoPool, k: int, rng: random.Random) -> list[Demo]:
    """``k`` demos drawn uniformly (without replacement) with ``rng``."""
    eligible = _eligible(context, pool, question)
    return _take(rng.sample(eligible, len(eligible)), pool, k)


def select_question_similar(
    question: str, context: SchemaContext, pool: DemoPool, k: int, rng: random.Random
) -> list[Demo]:
    """The ``k`` demos whose questions score highest under BM25 for ``question``; ties by pool order."""
    scores = pool.question_scores(question)
    order = sorted(_eligible(context, pool, question), key=lambda i: (-scores.get(i, 0.0), i))
    return _take(order, pool, k)


def _masked_scores(question: str, context: SchemaContext, pool: DemoPool) -> dict[int, float]:
    words = schema_words(context.graph.schema) if context.graph is not None else frozenset()
    return pool.masked_question_scores(mask_question(question, words))


def select_masked_question_similar(
    question: str, context: SchemaContext, pool: DemoPool, k: int, rng: random.Random
) -> list[Demo]:
    """Like `select_question_similar`, over masked questions (`mask_question`: schema words of each
    question's own database dropped, numbers and names masked); ties by plain question similarity."""
    m_scores = _masked_scores(question, context, pool)
    q_scores = pool.question_scores(question)
    order = sorted(_eligible(context, pool, question), key=lambda i: (-m_scores.get(i, 0.0), -q_scores.get(i, 0.0), i))
    return _take(order, pool, k)


def select_typed_question_similar(
    question: str, context: SchemaContext, pool: DemoPool, k: int, rng: random.Random
) -> list[Demo]:
    """Like `select_question_similar`, over typed questions (`typed_question`: each value the question names
    replaced by the columns that hold it: the value index for the asked question, the gold SQL for a demo), for
    demonstrations from the asked database; ties by plain question similarity."""
    t_scores = pool.typed_question_scores(typed_question(question, context.values))
    q_scores = pool.question_scores(question)
    order = sorted(_eligible(context, pool, question), key=lambda i: (-t_scores.get(i, 0.0), -q_scores.get(i, 0.0), i))
    return _take(order, pool, k)


def select_skeleton_similar(
    question: str, context: SchemaContext, pool: DemoPool, k: int, rng: random.Random
) -> list[Demo]:
    """The ``k`` demos whose skeletons are most like ``context.draft_sql``'s, ties by masked then plain
    question similarity; without a draft SQL, `select_masked_question_similar`."""
    if not context.draft_sql.strip():
        return select_masked_question_similar(question, context, pool, k, rng)
    sk_scores = pool.skeleton_scores(sql_skeleton(context.draft_sql))
    m_scores = _masked_scores(question, context, pool)
    q_scores = pool.question_scores(question)
    order = sorted(_eligible(context, pool, question),
                   key=lambda i: (-sk_scores[i], -m_scores.get(i, 0.0), -q_scores.get(i, 0.0), i))
    return _take(order, pool, k)


def select_graph_similar(
    question: str, context: SchemaContext, pool: DemoPool, k: int, rng: random.Random
) -> list[Demo]:
    """Demos with the predicted join shape (``context.join_shape``) first, then the nearest shapes
    (`shape_distance`); ties by masked question similarity, then plain question similarity, then pool order."""
    m_scores = _masked_scores(question, context, pool)
    q_scores = pool.question_scores(question)
    target = context.join_shape
    order = sorted(_eligible(context, pool, question),
                   key=lambda i: (shape_distance(pool.demos[i].join_shape, target), -m_scores.get(i, 0.0),
                                  -q_scores.get(i, 0.0), i))
    return _take(order, pool, k)


SELECTORS: dict[str, Selector] = {
    "random": select_random,
    "question_similar": select_question_similar,
    "masked_question_similar": select_masked_question_similar,
    "typed_question_similar": select_typed_question_similar,
    "skeleton_similar": select_skeleton_similar,
    "graph_similar": select_graph_similar,
}


def select_demos(
    selector: str, question: str, context: SchemaContext, pool: DemoPool, k: int, rng: random.Random
) -> list[Demo]:
    """Run the selector named ``selector`` (a key of `SELECTORS`); ValueError for an unknown name."""
    if selector not in SELECTORS:
        raise ValueError(f"unknown demo selector {selector!r}: choose {', '.join(SELECTORS)}")
    if k <= 0:
        return []
    return SELECTORS[selector](question, context, pool, k, rng)


def as_demonstrations(demos: Sequence[Demo], nearest_last: bool = True, restyle: bool = False
                      ) -> list[tuple[str, str, str]]:
    """(schema_text, question, gold_sql) triples for `build_messages`; with ``nearest_last`` the best demo is
    the last turn before the question; with ``restyle`` each SQL in the adapters' training style."""
    triples = [d.as_triple(restyle) for d in demos]
    return triples[::-1] if nearest_last else triples
