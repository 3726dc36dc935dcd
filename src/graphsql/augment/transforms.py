"""Per-question augmentations: one training example in, a list of `Sample`s out, all through the inference prompt.

    >>> ctx = AugmentContext(PromptConfig(), value_index)
    >>> [s.source for s in graph_views(example, graph, ctx, random.Random(0))]   # ['aug:graph_views', ...]

Every augmentation has the signature ``(example, graph, ctx, rng) -> list[Sample]`` and is listed by name in
`AUGMENTATIONS`; `sql_sample` (the plain training sample, ``source`` = the example's own) has it too.

Schema shown at training time: what inference would show (`graphsql.prompting.prepare_schema` pruned around
the linked tables, ``max_tables`` in all), except that the gold tables are always among the seeds. Seeds are
the gold tables plus the linker's seeds (`choose_seeds`), pruning fills the budget less ``distractors``, then
``distractors`` random tables (FK neighbours first) are added, so a sample shows about ``max_tables`` tables,
as at inference. With ``prompt.prune`` off the whole schema is shown, exactly as at inference.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from graphsql.augment.samples import (
    Sample,
    build_task_messages,
    format_join_answer,
    format_tables_answer,
    gold_tables,
)
from graphsql.config import SCHEMA_FORMATS, PromptConfig
from graphsql.data.records import Example
from graphsql.prompting import PreparedSchema, build_messages, choose_seeds, prepare_schema
from graphsql.schema.graph import SchemaGraph, restrict_graph
from graphsql.schema.link import LinkResult, link_schema
from graphsql.schema.prune import add_distractors, select_tables
from graphsql.schema.values import ValueIndex
from graphsql.sql.parse import count_joins

# the selectors `demonstrations` draws one from per sample (what `ask` uses for a user's own examples, graph-similar,
# and random)
DEMONSTRATION_SELECTORS = ("question_similar", "graph_similar", "random")


@dataclass(frozen=True, eq=False)
class AugmentContext:
    """What augmentations of one database share: the prompt settings used at inference, the database's value
    index, the formats `graph_views` shows, distractor tables per sample, and whether linked tables seed the
    pruning along with the gold ones."""

    prompt: PromptConfig = field(default_factory=PromptConfig)
    value_index: ValueIndex | None = None
    view_formats: tuple[str, ...] = SCHEMA_FORMATS
    distractors: int = 1
    seed_with_linked: bool = True
    db_examples: tuple[Example, ...] = ()  # the database's train questions: the pool of `demonstrations`
    max_shots: int = 3
    shot_selectors: tuple[str, ...] = DEMONSTRATION_SELECTORS
    _links: dict = field(default_factory=dict, repr=False)
    _pools: dict = field(default_factory=dict, repr=False)

    def link(self, question: str, graph: SchemaGraph) -> LinkResult:
        """`link_schema` of ``question`` on ``graph``'s schema, computed once per (question, table order)."""
        key = (question, graph.schema.db_id, graph.schema.table_names)
        if key not in self._links:
            if len(self._links) > 4096:
                self._links.clear()
            self._links[key] = link_schema(question, graph.schema, self.value_index)
        return self._links[key]

    def demo_pool(self, graph: SchemaGraph):
        """A same-database `DemoPool` of ``db_examples`` on ``graph`` (built once), or None without examples."""
        from graphsql.demos import pool_from_examples

        key = graph.schema.db_id
        if key not in self._pools:
            items = [{"question": e.question, "sql": e.gold_sql} for e in self.db_examples
                     if e.db_id == key and gold_tables(e.gold_sql, graph) is not None]
            self._pools[key] = pool_from_examples(items, graph, self.prompt.schema_format) if items else None
        return self._pools[key]


Augmentation = Callable[[Example, SchemaGraph, AugmentContext, random.Random], list[Sample]]


def prepare_training_schema(
    question: str,
    gold: Sequence[str],
    graph: SchemaGraph,
    ctx: AugmentContext,
    rng: random.Random,
    schema_format: str | None = None,
    distractors: int | None = None,
    max_tables: int | None = None,
    gold_path: bool = False,
) -> PreparedSchema:
    """The schema ``question`` is asked with at training time (see the module docstring); the ``gold`` tables
    are always shown. ``gold_path``: seed pruning with the gold tables only, so the graph format's join lines
    are the gold join path (the linked tables are still shown, added after pruning)."""
    config = replace(ctx.prompt, schema_format=schema_format or ctx.prompt.schema_format)
    if not config.prune:
        return prepare_schema(question, graph, config, ctx.value_index)
    link = ctx.link(question, graph)
    linked = [t for t in choose_seeds(link) if t not in gold] if ctx.seed_with_linked else []
    n = ctx.distractors if distractors is None else distractors
    budget = max(1, (max_tables or config.max_tables) - n)
    seeds = list(gold) if gold_path else list(gold) + linked
    kept, _ = select_tables(
        graph, seeds, budget, table_scores=link.table_scores, use_inferred=config.infer_fks
    )
    extras = [t for t in linked if t not in kept] if gold_path else []
    if n:
        chosen = add_distractors(graph, list(kept) + extras, rng, n)
        extras += [
            t.name.lower()
            for t in chosen.tables
            if t.name.lower() not in kept and t.name.lower() not in extras
        ]
    return prepare_schema(
        question,
        graph,
        replace(config, max_tables=budget),
        ctx.value_index,
        seed_tables=seeds,
        extra_tables=extras,
    )


def shuffle_graph(graph: SchemaGraph, rng: random.Random) -> SchemaGraph:
    """The same schema graph with tables, and the columns inside each table, in a random order."""
    tables = list(graph.schema.tables)
    rng.shuffle(tables)
    tables = [replace(t, columns=tuple(rng.sample(t.columns, len(t.columns)))) for t in tables]
    shuffled = SchemaGraph(
        replace(graph.schema, tables=tuple(tables)), graph.graph, graph.tables, graph.inferred_fks
    )
    return restrict_graph(shuffled, [t.name for t in tables])


def _sql(example: Example, graph: SchemaGraph, prepared: PreparedSchema, source: str) -> Sample:
    messages = build_task_messages(
        "sql", example.question, prepared, answer=example.gold_sql, evidence=example.evidence
    )
    return Sample(messages, source, example.db_id, example.idx, count_joins(example.gold_sql), "sql")


def sql_sample(example: Example, graph: SchemaGraph, ctx: AugmentContext, rng: random.Random) -> list[Sample]:
    """The example itself, asked as at inference (main schema format); ``source`` stays the example's own."""
    gold = gold_tables(example.gold_sql, graph)
    if gold is None:
        return []
    prepared = prepare_training_schema(example.question, gold, graph, ctx, rng)
    return [_sql(example, graph, prepared, example.source or "spider:train")]


def graph_views(
    example: Example, graph: SchemaGraph, ctx: AugmentContext, rng: random.Random
) -> list[Sample]:
    """The question again with the schema in each of ``ctx.view_formats`` other than the main one; the graph
    format lists the gold join path."""
    gold = gold_tables(example.gold_sql, graph)
    if gold is None:
        return []
    out = []
    for fmt in ctx.view_formats:
        if fmt == ctx.prompt.schema_format:
            continue
        prepared = prepare_training_schema(
            example.question, gold, graph, ctx, rng, schema_format=fmt, gold_path=True
        )
        out.append(_sql(example, graph, prepared, "aug:graph_views"))
    return out


def perturb(example: Example, graph: SchemaGraph, ctx: AugmentContext, rng: random.Random) -> list[Sample]:
    """The question with tables and columns in a random order, and a random number of unrelated tables
    dropped (a smaller pruning budget) or added (0 to ``distractors + 1`` distractors); gold tables stay."""
    gold = gold_tables(example.gold_sql, graph)
    if gold is None:
        return []
    shuffled = shuffle_graph(graph, rng)
    top = ctx.prompt.max_tables
    budget = rng.randint(max(1, top - 2), top + 1)
    prepared = prepare_training_schema(
        example.question,
        gold,
        shuffled,
        ctx,
        rng,
        distractors=rng.randint(0, ctx.distractors + 1),
        max_tables=budget,
    )
    return [_sql(example, shuffled, prepared, "aug:perturb")]


def table_selection(
    example: Example, graph: SchemaGraph, ctx: AugmentContext, rng: random.Random
) -> list[Sample]:
    """Auxiliary task: answer the tables the gold SQL reads (``author, book, book_author``)."""
    gold = gold_tables(example.gold_sql, graph)
    if gold is None:
        return []
    prepared = prepare_training_schema(example.question, gold, graph, ctx, rng)
    answer = format_tables_answer(gold, graph.schema)
    messages = build_task_messages(
        "tables", example.question, prepared, answer=answer, evidence=example.evidence
    )
    return [Sample(messages, "aug:table_selection", example.db_id, example.idx, None, "tables")]


def join_path(example: Example, graph: SchemaGraph, ctx: AugmentContext, rng: random.Random) -> list[Sample]:
    """Auxiliary task, for questions over two or more tables: answer the join conditions of the gold SQL
    (``book.book_id = book_author.book_id; ...``)."""
    gold = gold_tables(example.gold_sql, graph)
    if gold is None or len(gold) < 2:
        return []
    answer = format_join_answer(example.gold_sql, graph.schema)
    if not answer:
        return []
    prepared = prepare_training_schema(example.question, gold, graph, ctx, rng)
    messages = build_task_messages(
        "join_path", example.question, prepared, answer=answer, evidence=example.evidence
    )
    return [Sample(messages, "aug:join_path", example.db_id, example.idx, None, "join_path")]


def _sql_key(sql: str) -> str:
    return " ".join(sql.lower().replace('"', "'").split()).rstrip(";")


def demonstrations(example: Example, graph: SchemaGraph, ctx: AugmentContext, rng: random.Random) -> list[Sample]:
    """The question asked with 1 to ``ctx.max_shots`` demonstrations from other train questions of its own
    database (a user's worked examples), chosen by one of ``ctx.shot_selectors`` (at random per sample), shown
    as `graphsql.inference.predict` shows them; no demonstration has the question's own SQL or words."""
    from graphsql.demos import as_demonstrations, build_schema_context, select_demos

    gold = gold_tables(example.gold_sql, graph)
    pool = ctx.demo_pool(graph) if gold is not None else None
    if pool is None:
        return []
    prepared = prepare_training_schema(example.question, gold, graph, ctx, rng)
    k = rng.randint(1, ctx.max_shots)
    selector = rng.choice(ctx.shot_selectors)
    context = build_schema_context(example.question, graph, prepared, value_index=ctx.value_index)
    own = _sql_key(example.gold_sql)
    chosen = [d for d in select_demos(selector, example.question, context, pool, k + 8, rng)
              if _sql_key(d.gold_sql) != own][:k]
    if not chosen:
        return []
    messages = build_messages(example.question, prepared, evidence=example.evidence, answer=example.gold_sql,
                              demonstrations=as_demonstrations(chosen))
    return [Sample(messages, "aug:demonstrations", example.db_id, example.idx, count_joins(example.gold_sql), "sql")]


def reword(example: Example, graph: SchemaGraph, ctx: AugmentContext, rng: random.Random) -> list[Sample]:
    """The question reworded by rule (`graphsql.data.reword`: WordNet synonyms, either any content word or the
    words of the schema's names), its values kept; nothing if no word could be replaced."""
    from graphsql.data.reword import REWORD_KINDS, reword_question, schema_words
    from graphsql.sql.parse import string_literals

    gold = gold_tables(example.gold_sql, graph)
    if gold is None:
        return []
    kind = rng.choice(REWORD_KINDS)
    result = reword_question(example.question, kind, rng, schema_words(graph.schema),
                             keep=string_literals(example.gold_sql, graph.schema))
    if not result.changes:
        return []
    new = replace(example, question=result.question)
    prepared = prepare_training_schema(new.question, gold, graph, ctx, rng)
    return [_sql(new, graph, prepared, "aug:reword")]


def knowledge(example: Example, graph: SchemaGraph, ctx: AugmentContext, rng: random.Random) -> list[Sample]:
    """The question reworded to need a little domain knowledge (`graphsql.data.knowledge`: a country by its
    capital or demonym, a continent by its adjective, a quantity by its adjectives, "the names of" left unsaid);
    nothing if no rule applies. The same rules make the `dev_knowledge` probe, which favours a model trained on them."""
    from graphsql.data.knowledge import reword_knowledge

    gold = gold_tables(example.gold_sql, graph)
    result = reword_knowledge(example.question, example.gold_sql) if gold is not None else None
    if result is None or not result.changes:
        return []
    new = replace(example, question=result.question)
    prepared = prepare_training_schema(new.question, gold, graph, ctx, rng)
    return [_sql(new, graph, prepared, "aug:knowledge")]


AUGMENTATIONS: dict[str, Augmentation] = {
    "graph_views": graph_views,
    "perturb": perturb,
    "table_selection": table_selection,
    "join_path": join_path,
    "demonstrations": demonstrations,
    "reword": reword,
    "knowledge": knowledge,
}
