"""Question + database in, voted SQL and its result out: link, prune, prompt, generate, execute, vote, repair.

    >>> gen = make_generator("auto", model="qwen2.5-coder-0.5b")
    >>> p = predict("How many books are there?", "demo.sqlite", gen)
    >>> p.pred_sql, p.result.rows

The CLI (`graphsql ask`, `graphsql predict`) and the web page call this same function.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Container
from dataclasses import dataclass, field, replace
from pathlib import Path

from graphsql.config import InferConfig, PromptConfig
from graphsql.data.records import DbSchema
from graphsql.data.sqlite import read_sqlite_schema
from graphsql.errors import DataError
from graphsql.eval.execute import ExecResult
from graphsql.inference.entity import named_answer
from graphsql.inference.extract import extract_sql
from graphsql.inference.generate import Generator
from graphsql.inference.grammar import sql_grammar
from graphsql.inference.literals import respelled_answer
from graphsql.inference.repairs import repair_sql
from graphsql.inference.vote import Vote, vote
from graphsql.prompting import PreparedSchema, build_messages, prepare_schema
from graphsql.schema.graph import SchemaGraph, build_schema_graph
from graphsql.schema.values import ValueIndex, build_value_index, engine_value_index

log = logging.getLogger(__name__)

REPAIR_TEMPLATE = "That query failed with: {error}\nWrite a corrected SQLite query. Reply with the SQL query only."


@dataclass(frozen=True, eq=False)
class Prediction:
    """What `predict` did for one question."""

    question: str
    db_id: str
    pred_sql: str
    ok: bool  # the chosen SQL executed without error
    result: ExecResult | None
    vote: Vote
    prepared: PreparedSchema
    messages: list = field(repr=False)
    repaired: bool = False
    seconds: float = 0.0
    generated: str = ""  # the chosen candidate as the model wrote it, before the schema repairs ("" if the same)
    # seconds by stage: setup (schema, graph, value index; once per database), prompt (linking, pruning,
    # demonstrations, messages), generate (the model, the error re-prompt included), execute (repairs, running
    # and voting on the candidates)
    timings: dict = field(default_factory=dict, repr=False)
    # infer.fallback: the SQL the answer would have been without the fallback samples ("" if they were not drawn)
    before_fallback: str = ""
    # prompt.shots_when "empty": the zero-shot answer the answer with demonstrations replaced ("" if it did not)
    before_shots: str = ""
    # ... the answer with demonstrations that was not kept (it failed or had no rows too; "" if none was asked for)
    after_shots: str = ""
    # why no demonstrations were shown though prompt.shots asks for them ("" when they were, or not needed)
    shots_skipped: str = ""
    # infer.reuse_examples: the worked example whose SQL, with this question's values, is the answer (no model ran)
    reused_example: str = ""
    # prompt.echo_schema_words: the question as asked, in the schema's words ("" if no word was replaced)
    asked_as: str = ""


def _value_index_or_none(target, engine: bool, cache_dir: Path | None = None) -> ValueIndex | None:
    """The value index of a SQLite file (cached) or of a database by URL (``engine``); None when it cannot be read:
    a value index is a help, never a requirement."""
    try:
        return engine_value_index(target) if engine else build_value_index(target, cache_dir=cache_dir)
    except Exception as err:
        log.warning("%s: no value index (%s)", getattr(target, "label", target), err)
        return None


class DatabaseCache:
    """Per-database work done once and reused across questions: schema, graph (with inferred FKs), value index."""

    def __init__(self, infer_fks: bool = True, value_cache_dir: Path | None = None, infer_keys: bool = True):
        self.infer_fks = infer_fks
        self.infer_keys = infer_keys
        self.value_cache_dir = value_cache_dir
        self._entries: dict[Path, tuple[SchemaGraph, ValueIndex | None]] = {}
        self._lock = threading.RLock()  # `predict --workers N` asks from several threads
        self._example_pools: dict[tuple[str, str, str], object] = {}
        self._named_pools: dict[tuple[str, str, bool], object] = {}
        self._templates: dict[tuple[int, str], tuple[object, list]] = {}

    def example_templates(self, pool, graph: SchemaGraph, index: ValueIndex) -> list:
        """`graphsql.demos.reuse` templates of ``pool``'s demonstrations on ``graph``'s database, built once."""
        from graphsql.demos.reuse import example_templates

        key = (id(pool), graph.db_id)
        with self._lock:
            if key not in self._templates:  # the pool is kept with them: its id stays its own
                demos = [d for d in pool.demos if d.db_id == graph.db_id]
                self._templates[key] = (pool, example_templates(demos, graph.schema, index))
            return self._templates[key][1]

    def get(self, db_path: str | Path, schema: DbSchema | None = None) -> tuple[SchemaGraph, ValueIndex | None]:
        """(graph, value index) of the database at ``db_path``; ``schema`` (e.g. from tables.json, with natural
        names) replaces the one read from the file."""
        with self._lock:
            return self._get(db_path, schema)

    def _get(self, db_path, schema):
        engine = hasattr(db_path, "read_schema")  # a database by URL (graphsql.data.engines), else a SQLite file
        key = db_path.label if engine else Path(db_path).resolve()
        if key not in self._entries:
            schema = schema or (db_path.read_schema() if engine else read_sqlite_schema(key))
            if not schema.tables:
                raise DataError(f"{key}: the database has no tables to ask about")
            graph = build_schema_graph(schema, infer_fks=self.infer_fks, db_path=None if engine else key,
                                       infer_keys=self.infer_keys)
            self._entries[key] = (graph, _value_index_or_none(db_path if engine else key, engine, self.value_cache_dir))
        return self._entries[key]

    def examples_pool(self, path: str, graph: SchemaGraph, schema_format: str):
        """The user's examples file as a demonstration pool on ``graph``'s database, built once per (file,
        database, format) (`graphsql.demos.examples_pool`)."""
        from graphsql.demos import examples_pool

        key = (str(Path(path).resolve()), graph.db_id, schema_format)
        if key not in self._example_pools:
            self._example_pools[key] = examples_pool(path, graph, schema_format)
        return self._example_pools[key]

    def named_pool(self, prompt_config: PromptConfig, strict: bool = False):
        """The demonstration pool ``prompt_config.shot_pool`` names (Spider train by default), loaded once; None,
        after one warning, where its dataset is not on this machine (the question is then answered zero-shot: the
        product cannot ship Spider's data). ``strict``: raise the `DataError` instead (a measurement never goes
        zero-shot for want of data)."""
        from graphsql.demos import load_demo_pool

        key = (prompt_config.shot_pool, prompt_config.schema_format, prompt_config.infer_fks)
        with self._lock:
            if key not in self._named_pools:
                try:
                    self._named_pools[key] = load_demo_pool(schema_format=prompt_config.schema_format,
                                                            infer_fks=prompt_config.infer_fks,
                                                            source=prompt_config.shot_pool)
                except DataError as err:
                    if strict:
                        raise
                    log.warning("no %s demonstrations on this machine (%s; set GRAPHSQL_DATA): answering zero-shot",
                                prompt_config.shot_pool, err)
                    self._named_pools[key] = None
            return self._named_pools[key]

    def demo_pool(self, prompt_config: PromptConfig, graph: SchemaGraph):
        """The pool demonstrations come from for a question on ``graph``'s database: the user's examples file or
        the named pool (None where it is not on this machine)."""
        if prompt_config.examples_file:
            return self.examples_pool(prompt_config.examples_file, graph, prompt_config.schema_format)
        return self.named_pool(prompt_config)


def prompt_messages(question: str, db_path: str | Path, prompt_config: PromptConfig, cache: DatabaseCache,
                    schema: DbSchema | None = None, evidence: str = "") -> list[dict]:
    """The messages `predict` sends for ``question`` when it has no demonstrations (``prompt_config.shots`` 0)."""
    graph, index = cache.get(db_path, schema)
    prepared = prepare_schema(question, graph, prompt_config, value_index=index, evidence=evidence)
    return build_messages(question, prepared, evidence=evidence, answer_format=prompt_config.answer_format)


def predict(
    question: str,
    db_path: str | Path,
    generator: Generator,
    prompt_config: PromptConfig | None = None,
    infer_config: InferConfig | None = None,
    cache: DatabaseCache | None = None,
    schema: DbSchema | None = None,
    evidence: str = "",
    demo_pool=None,
) -> Prediction:
    """Answer ``question`` on the SQLite database at ``db_path`` (opened read-only).

    Samples ``infer_config.samples`` candidates (1 = greedy), repairs them along the schema graph (joins that no
    foreign key backs rerouted and tables joined in for columns no table of their SELECT has:
    ``infer_config.fix_joins``; misplaced column qualifiers: ``infer_config.fix_columns``), votes by execution
    result, and, if every candidate fails and ``infer_config.repair`` is on, re-prompts once with the error; if still
    nothing runs, draws ``infer_config.fallback`` samples and keeps the voted one that runs (execution-guided
    decoding; the answer it replaces is kept in ``before_fallback``). An answer of every column (``SELECT *``) to a
    question about entities gets their name column(s) instead (``infer_config.names_for_star``; the ``generated``
    field keeps the ``*`` answer), and a literal its column never holds is respelled as the value it does hold
    (``infer_config.respell_literals``, `graphsql.inference.literals`). With ``prompt_config.shots_when`` "empty"
    (the default, with 3 shots) the question is first asked without demonstrations, and again with them only if
    that answer fails (not by a timeout) or returns no rows (the answer with them is kept if it returns rows;
    ``before_shots`` keeps the one it replaced). Demonstrations come from ``demo_pool``, else the user's examples
    file or the named pool (`DatabaseCache.demo_pool`); where neither is on this machine the answer is zero-shot."""
    if not question or not question.strip():
        raise DataError("the question is empty")
    prompt_config = prompt_config or PromptConfig()
    infer_config = infer_config or InferConfig()
    cache = cache or DatabaseCache(infer_fks=prompt_config.infer_fks, infer_keys=prompt_config.infer_keys)
    if infer_config.reuse_examples and prompt_config.shots > 0 and (demo_pool is not None or prompt_config.examples_file):
        # one of the user's worked examples with other values: no model
        reused = reuse_example(question, db_path, prompt_config, infer_config, cache, schema, evidence, demo_pool)
        if reused is not None:
            return reused
    if prompt_config.echo_schema_words:  # the question in the schema's words (vocalists -> singers), asked as such
        from graphsql.schema.synonyms import echo_question

        echoed, changes = echo_question(question, *cache.get(db_path, schema))
        pred = predict(echoed, db_path, generator, replace(prompt_config, echo_schema_words=False), infer_config,
                       cache, schema, evidence, demo_pool)
        return replace(pred, question=question, asked_as=echoed if changes else "")
    if prompt_config.shots > 0 and prompt_config.shots_when == "empty":  # demonstrations only for an empty answer
        zero = predict(question, db_path, generator, replace(prompt_config, shots=0, shots_when="always"),
                       infer_config, cache, schema, evidence)
        if zero.ok and zero.result is not None and zero.result.rows:
            return zero
        if zero.result is not None and zero.result.error_kind == "timeout":
            # asking again would double a wait the query's time bound already set (none measured timed out)
            return replace(zero, shots_skipped="the answer without them timed out")
        loading = time.perf_counter()  # the pool is loaded (once per cache) only for an answer like this one
        if demo_pool is None:
            demo_pool = cache.demo_pool(prompt_config, cache.get(db_path, schema)[0])
        if demo_pool is None:
            return replace(zero, shots_skipped=_no_pool(prompt_config))  # warned once
        loading = time.perf_counter() - loading
        shown = predict(question, db_path, generator, replace(prompt_config, shots_when="always"),
                        replace(infer_config, reuse_examples=False), cache, schema, evidence, demo_pool)
        timings = {k: zero.timings.get(k, 0.0) + shown.timings.get(k, 0.0) for k in {*zero.timings, *shown.timings}}
        timings["prompt"] = timings.get("prompt", 0.0) + loading
        seconds = zero.seconds + shown.seconds + loading
        if shown.ok and shown.result is not None and shown.result.rows:
            return replace(shown, seconds=seconds, timings=timings, before_shots=zero.pred_sql)
        return replace(zero, seconds=seconds, timings=timings, after_shots=shown.pred_sql)
    start = time.perf_counter()
    clock = _Stopwatch()
    graph, index = cache.get(db_path, schema)
    clock.lap("setup")
    prepared = prepare_schema(question, graph, prompt_config, value_index=index, evidence=evidence)
    demos = []
    if prompt_config.shots > 0 and demo_pool is None:
        demo_pool = cache.demo_pool(prompt_config, graph)  # None: no demonstrations here (zero-shot)
    if prompt_config.shots > 0 and demo_pool is not None:
        demos = _demonstrations(question, graph, prepared, index, evidence, generator, prompt_config, infer_config,
                                demo_pool)
    messages = build_messages(question, prepared, evidence=evidence, demonstrations=demos,
                              answer_format=prompt_config.answer_format)
    greedy = infer_config.samples == 1
    clock.lap("prompt")
    # a decomposed answer writes its steps before the query: room for both
    max_new_tokens = infer_config.max_new_tokens * (3 if prompt_config.answer_format == "decomposed" else 1)
    extra = {}
    if infer_config.grammar:
        if getattr(generator, "supports_grammar", False):
            extra["grammars"] = [sql_grammar(prepared.schema)]
        else:
            log.warning("%s cannot decode under a grammar: infer.grammar is ignored", type(generator).__name__)
    outputs = generator.generate(
        [messages],
        n=infer_config.samples,
        temperature=0.0 if greedy else infer_config.temperature,
        max_new_tokens=max_new_tokens,
        seed=infer_config.seed,
        **extra,
    )[0]
    clock.lap("generate")
    written, candidates, result = _candidates(outputs, graph, infer_config, db_path)
    clock.lap("execute")
    repaired = False
    tried = set(candidates)  # SQL already run without success is not run again
    if not result.ok and infer_config.repair:
        first = result.candidates[0]
        error = first.error if first.result is None else (first.result.error or first.error)
        repair_messages = messages + [
            {"role": "assistant", "content": first.sql},
            {"role": "user", "content": REPAIR_TEMPLATE.format(error=error or "it could not be parsed")},
        ]
        fixed = generator.generate([repair_messages], n=1, temperature=0.0,
                                   max_new_tokens=max_new_tokens, seed=infer_config.seed, **extra)[0]
        clock.lap("generate")
        _, (retried,), retry = _candidates(fixed[:1], graph, infer_config, db_path)
        tried.add(retried)
        if retry.ok:
            result = Vote(retry.sql, True, retry.result, result.candidates + retry.candidates, 1, 1)
            repaired = True
        clock.lap("execute")
    before_fallback = ""
    empty = infer_config.fallback_empty and result.ok and result.result is not None and not result.result.rows
    if (not result.ok or empty) and infer_config.fallback > 0:  # execution-guided: more samples, keep one that runs
        before_fallback = result.sql
        outputs = generator.generate([messages], n=infer_config.fallback, temperature=infer_config.temperature,
                                     max_new_tokens=max_new_tokens, seed=infer_config.seed + 1, **extra)[0]
        clock.lap("generate")
        # only a sample that returns rows replaces an empty answer
        more_written, more, drawn = _candidates(outputs, graph, infer_config, db_path, skip=tried,
                                                accept=_has_rows if empty else None)
        written, candidates = written + more_written, candidates + more
        if drawn is not None and drawn.ok:
            result = Vote(drawn.sql, True, drawn.result, result.candidates + drawn.candidates, drawn.votes,
                          drawn.groups)
        clock.lap("execute")
    if result.ok:  # the answer rules: a literal its column never holds, an entity question answered without names
        for _rule, rewritten in answer_rules(result.sql, question, graph, index, db_path,
                                             values=infer_config.respell_literals, names=infer_config.names_for_star,
                                             timeout=infer_config.timeout, max_rows=infer_config.max_rows):
            written, candidates = written + [result.sql], candidates + [rewritten.sql]
            result = Vote(rewritten.sql, True, rewritten.result, result.candidates + rewritten.candidates,
                          result.votes, result.groups)
        clock.lap("execute")
    as_written = dict(zip(candidates, written, strict=True)).get(result.sql, result.sql)
    return Prediction(question, graph.db_id, result.sql, result.ok, result.result, result, prepared, messages,
                      repaired, time.perf_counter() - start, "" if as_written == result.sql else as_written,
                      clock.seconds, before_fallback,
                      shots_skipped=_no_pool(prompt_config) if prompt_config.shots > 0 and demo_pool is None else "")


MAX_REUSED = 3  # matching examples' SQL tried, the one most of them give first


def reuse_example(question: str, db_path, prompt_config: PromptConfig, infer_config: InferConfig,
                   cache: DatabaseCache, schema, evidence: str, pool) -> Prediction | None:
    """The answer from one of the user's examples (``pool``, else the examples file) whose question is ``question``
    with other values (`graphsql.demos.reuse`): the first of their SQL that runs and returns rows; None if none
    does, if the pool is a benchmark's (Spider train, GeoQuery: not the user's), or if the database has no value
    index to check the values against."""
    start = time.perf_counter()
    graph, index = cache.get(db_path, schema)
    pool = pool if pool is not None else cache.demo_pool(prompt_config, graph)
    if index is None or pool is None or pool.settings.get("dataset") != "examples":
        return None
    found = first_reused(question, db_path, cache.example_templates(pool, graph, index), index, infer_config)
    if found is None:
        return None
    match, result = found
    prepared = prepare_schema(question, graph, prompt_config, value_index=index, evidence=evidence)
    seconds = time.perf_counter() - start
    return Prediction(question, graph.db_id, result.sql, True, result.result, result, prepared, [],
                      seconds=seconds, timings={"execute": seconds}, reused_example=match.example)


def first_reused(question: str, db_path, templates: list, index: ValueIndex, infer_config: InferConfig):
    """(the match, its run) of the first of the (at most MAX_REUSED) examples among ``templates`` that
    ``question`` matches whose SQL runs and returns rows; None if none does."""
    from graphsql.demos.reuse import match_examples

    for match in match_examples(question, templates, index)[:MAX_REUSED]:
        result = vote([match.sql], db_path, timeout=infer_config.timeout, max_rows=infer_config.max_rows)
        if result.ok and result.result is not None and result.result.rows:
            return match, result
    return None


def _no_pool(prompt_config: PromptConfig) -> str:
    """``Prediction.shots_skipped`` where the demonstration pool is not on this machine."""
    return f"no {prompt_config.shot_pool} pool on this machine"


ANSWER_RULES = ("values", "names")  # the rules applied to the final answer, in this order


def answer_rules(sql: str, question: str, graph: SchemaGraph, index: ValueIndex | None, db_path,
                 values: bool = True, names: bool = True, timeout: float = 30.0,
                 max_rows: int | None = None) -> list[tuple[str, Vote]]:
    """(rule, rewritten answer) for each answer rule (`ANSWER_RULES`) that rewrites ``sql`` into a query that
    runs, each reading the previous one's rewrite: ``values`` respells literals its columns never hold
    (`graphsql.inference.literals`), ``names`` answers an entity question with names (`graphsql.inference.entity`).
    `predict` and the replay on recorded answers (`graphsql.experiments.rules_replay`) both apply them here."""
    done = []
    for rule in ANSWER_RULES:
        if rule == "values" and values:
            rewritten = respelled_answer(sql, graph, index, db_path, timeout=timeout, max_rows=max_rows)
        elif rule == "names" and names:
            rewritten = named_answer(sql, question, graph.schema, db_path, timeout=timeout, max_rows=max_rows)
        else:
            continue
        if rewritten is not None:
            done.append((rule, rewritten))
            sql = rewritten.sql
    return done


class _Stopwatch:
    """Seconds spent per stage: ``lap(stage)`` adds the time since the previous lap to ``stage``."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self._last
        self._last = now


def _candidates(outputs: list[str], graph: SchemaGraph, infer_config: InferConfig, db_path,
                skip: Container[str] = (), accept=None) -> tuple[list[str], list[str], Vote | None]:
    """The SQL of each output as written, after the repairs, and the vote by execution over those not in ``skip``
    (SQL already run; None when nothing is left to run), among the results ``accept`` takes (`vote`)."""
    written = [extract_sql(text) for text in outputs]
    candidates = [_postprocess(sql, graph, infer_config) for sql in written]
    new = [sql for sql in candidates if sql not in skip]
    result = (vote(new, db_path, timeout=infer_config.timeout, max_rows=infer_config.max_rows, accept=accept)
              if new else None)
    return written, candidates, result


def _has_rows(result: ExecResult) -> bool:
    return bool(result.rows)


def _postprocess(sql: str, graph: SchemaGraph, infer_config: InferConfig) -> str:
    """The schema-aware repairs a candidate gets before it runs (`graphsql.inference.repairs.repair_sql`)."""
    return repair_sql(sql, graph, joins=infer_config.fix_joins, columns=infer_config.fix_columns,
                      names=infer_config.fix_names)


def _demonstrations(question, graph, prepared, index, evidence, generator, prompt_config, infer_config, pool):
    """The (schema, question, sql) demonstrations for one question (no gold SQL of the question is used)."""
    import random

    from graphsql.demos import as_demonstrations, build_schema_context, select_demos

    selector = prompt_config.selector_for(pool.cross_database)
    draft = ""
    if selector == "skeleton_similar":  # one extra greedy zero-shot pass gives the draft
        zero = build_messages(question, prepared, evidence=evidence)
        draft = extract_sql(generator.generate([zero], n=1, temperature=0.0, max_new_tokens=infer_config.max_new_tokens,
                                               seed=infer_config.seed)[0][0])
    context = build_schema_context(question, graph, prepared, draft_sql=draft, value_index=index, evidence=evidence)
    rng = random.Random(f"{infer_config.seed}:{graph.db_id}:{question}")
    return as_demonstrations(select_demos(selector, question, context, pool, prompt_config.shots, rng),
                             restyle=prompt_config.restyle_shots)
