"""Prompt building, voting and the predict pipeline, with a scripted fake generator (no model weights)."""

import json

import pytest

from graphsql.cli import main
from graphsql.config import InferConfig, PromptConfig, load_config
from graphsql.data.spider import load_dataset
from graphsql.data.sqlite import read_sqlite_schema
from graphsql.errors import ConfigError
from graphsql.inference.batch import PLACEHOLDER_SQL, predict_examples
from graphsql.inference.predict import predict
from graphsql.inference.vote import result_key, vote
from graphsql.prompting import SYSTEM_PROMPT, build_messages, prepare_schema
from graphsql.schema.graph import build_schema_graph
from graphsql.schema.values import build_value_index
from tests.fake_generator import ScriptedGenerator

CAMUS = "What are the titles of the books written by Albert Camus?"


@pytest.mark.parametrize("fmt", ["ddl", "compact", "graph"])
def test_pruned_prompt_keeps_linked_tables_and_join_path(demo_db, fmt):
    graph = build_schema_graph(read_sqlite_schema(demo_db))
    index = build_value_index(demo_db)
    prepared = prepare_schema(CAMUS, graph, PromptConfig(schema_format=fmt, max_tables=3), value_index=index)
    assert "author.name = 'Albert Camus'" in prepared.values_text
    assert set(prepared.tables) == {"book", "author", "book_author"}
    assert "customer" not in prepared.text and "store" not in prepared.text
    messages = build_messages(CAMUS, prepared)
    assert messages[0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert messages[-1]["content"].endswith(f"Question: {CAMUS}")
    again = prepare_schema(CAMUS, graph, PromptConfig(schema_format=fmt, max_tables=3), value_index=index)
    assert prepared.text == again.text


def test_unpruned_prompt_shows_every_table(demo_db):
    graph = build_schema_graph(read_sqlite_schema(demo_db))
    prepared = prepare_schema(CAMUS, graph, PromptConfig(prune=False))
    assert len(prepared.tables) == 8


def test_training_answer_is_last_turn(demo_db):
    msgs = build_messages("q?", "t(a integer)", answer="SELECT a FROM t")
    assert msgs[-1] == {"role": "assistant", "content": "SELECT a FROM t"}


def test_vote_picks_largest_result_group_and_failures_cannot_win(concert_db):
    cands = ["SELECT name FROM singer WHERE age > 40",      # group A (3 rows)
             "SELEC broken",                                 # parse error
             "SELECT nope FROM singer",                      # execution error
             "SELECT name FROM singer WHERE age >= 41",      # group A again, different text
             "SELECT name FROM singer"]                      # group B
    v = vote(cands, concert_db)
    assert v.ok and v.votes == 2 and v.groups == 2
    assert v.sql == cands[0]
    assert [c.error for c in v.candidates][:3] == ["", "parse_error", "execution_error"]


def test_vote_tie_goes_to_earliest_sample(concert_db):
    v = vote(["SELECT count(*) FROM singer", "SELECT count(*) FROM stadium"], concert_db)
    assert v.sql == "SELECT count(*) FROM singer" and v.votes == 1


def test_vote_counts_only_the_results_it_is_told_to_accept(concert_db):
    cands = ["SELECT name FROM singer WHERE 1 = 0", "SELECT name FROM singer WHERE 1 = 0", "SELECT count(*) FROM singer"]
    assert vote(cands, concert_db).sql == cands[0]            # the empty result has the most votes
    v = vote(cands, concert_db, accept=lambda r: bool(r.rows))
    assert v.ok and v.sql == cands[2] and v.votes == 1 and v.groups == 1 and len(v.candidates) == 3
    assert not vote(cands[:2], concert_db, accept=lambda r: bool(r.rows)).ok


def test_vote_all_failed_returns_first_not_ok(concert_db):
    v = vote(["SELECT x FROM nowhere", "garbage"], concert_db)
    assert not v.ok and v.sql == "SELECT x FROM nowhere"


def test_result_key_ignores_row_order_but_not_duplicates():
    assert result_key([(1,), (2,)]) == result_key([(2,), (1,)])
    assert result_key([(1,), (1,)]) != result_key([(1,)])
    assert result_key([(0.1 + 0.2,)]) == result_key([(0.3,)])


def test_predict_with_self_consistency(demo_db):
    gen = ScriptedGenerator({"Camus": [
        "```sql\nSELECT T1.title FROM book AS T1 JOIN book_author AS T2 ON T1.book_id = T2.book_id JOIN author AS T3 "
        "ON T2.author_id = T3.author_id WHERE T3.name = 'Albert Camus'\n```",
        "SELECT title FROM book WHERE title = 'Camus'",
        "SELECT b.title FROM book b, book_author ba, author a WHERE b.book_id = ba.book_id AND "
        "ba.author_id = a.author_id AND a.name = 'Albert Camus';"]})
    pred = predict(CAMUS, demo_db, gen, PromptConfig(), InferConfig(samples=3))
    assert pred.ok and pred.vote.votes == 2
    assert pred.pred_sql.startswith("SELECT T1.title")
    assert len(pred.result.rows) == 4
    assert gen.calls[0]["n"] == 3 and gen.calls[0]["temperature"] > 0


def test_predict_repairs_once_when_everything_fails(demo_db):
    gen = ScriptedGenerator({"That query failed": ["SELECT count(*) FROM book"]}, default=["SELECT count(*) FROM books"])
    pred = predict("How many books are there?", demo_db, gen, PromptConfig(), InferConfig(samples=1))
    assert pred.ok and pred.repaired and pred.result.rows == ((40,),)
    assert "no such table" in gen.calls[1]["messages"][-1]["content"]


class FailsGreedy(ScriptedGenerator):
    """Greedy answers (and the error re-prompt) name a table no schema has; sampled ones mostly run."""

    def generate(self, prompts, n=1, temperature=0.0, max_new_tokens=256, seed=0):
        self.calls.append({"n": n, "temperature": temperature, "seed": seed})
        if temperature == 0.0:
            return [["SELECT count(*) FROM nowhere_at_all"] for _ in prompts]
        drawn = ["SELECT x FROM nowhere_at_all", "SELECT count(*) FROM book", "SELECT count(*) FROM book",
                 "SELECT count(*) FROM author"]
        return [[drawn[i % len(drawn)] for i in range(n)] for _ in prompts]


def test_predict_fallback_samples_when_nothing_runs(demo_db):
    """infer.fallback (on by default: 4 samples): after greedy and the error re-prompt fail, draw samples and keep
    the voted one that runs; the answer it replaced is kept; off, nothing more is drawn."""
    gen = FailsGreedy()
    pred = predict("How many books are there?", demo_db, gen, PromptConfig(), InferConfig())
    assert pred.ok and pred.result.rows == ((40,),) and pred.pred_sql == "SELECT count(*) FROM book"
    assert pred.before_fallback == "SELECT count(*) FROM nowhere_at_all"
    assert [c["n"] for c in gen.calls] == [1, 1, 4] and gen.calls[2]["temperature"] > 0
    off = FailsGreedy()
    pred = predict("How many books are there?", demo_db, off, PromptConfig(), InferConfig(fallback=0))
    assert not pred.ok and pred.before_fallback == "" and [c["n"] for c in off.calls] == [1, 1]
    with pytest.raises(ConfigError, match="fallback"):
        InferConfig(fallback=-1)


class EmptyGreedy(ScriptedGenerator):
    """The greedy answer runs but returns no rows; samples: the same empty query, one with rows, one without."""

    def generate(self, prompts, n=1, temperature=0.0, max_new_tokens=256, seed=0):
        self.calls.append({"n": n, "temperature": temperature, "seed": seed})
        if temperature == 0.0:
            return [["SELECT title FROM book WHERE title = 'no such title'"] for _ in prompts]
        drawn = ["SELECT title FROM book WHERE title = 'no such title'", "SELECT count(*) FROM book",
                 "SELECT title FROM book WHERE 1 = 0"]
        return [[drawn[i % len(drawn)] for i in range(n)] for _ in prompts]


def test_predict_fallback_for_an_empty_answer_only_when_asked(demo_db):
    """infer.fallback_empty: an answer that runs but returns no rows also draws the samples, and only a sample that
    returns rows replaces it; off (the default), an empty answer stands and nothing is drawn."""
    gen = EmptyGreedy()
    pred = predict("How many books are there?", demo_db, gen, PromptConfig(), InferConfig(fallback_empty=True))
    assert pred.ok and pred.pred_sql == "SELECT count(*) FROM book" and pred.result.rows == ((40,),)
    assert pred.before_fallback == "SELECT title FROM book WHERE title = 'no such title'"
    assert [c["n"] for c in gen.calls] == [1, 4]
    default = EmptyGreedy()
    pred = predict("How many books are there?", demo_db, default, PromptConfig(), InferConfig())
    assert pred.ok and pred.result.rows == () and pred.before_fallback == "" and len(default.calls) == 1

    class AllEmpty(EmptyGreedy):
        def generate(self, prompts, n=1, temperature=0.0, max_new_tokens=256, seed=0):
            return [["SELECT title FROM book WHERE 1 = 0"] * n for _ in prompts]

    pred = predict("How many books are there?", demo_db, AllEmpty(), PromptConfig(), InferConfig(fallback_empty=True))
    assert pred.ok and pred.result.rows == () and pred.pred_sql == "SELECT title FROM book WHERE 1 = 0"


def test_predict_examples_records_the_answer_the_fallback_replaced(mini_spider, tmp_path):
    ds = load_dataset("spider", "dev", root=mini_spider)
    records = predict_examples(ds.examples[:2], ds, FailsGreedy(), tmp_path / "preds.sql",
                               infer_config=InferConfig(fallback=2))
    assert all(r["before_fallback"] == "SELECT count(*) FROM nowhere_at_all" for r in records)


def test_predict_examples_resumes_and_never_shifts_lines(mini_spider, tmp_path):
    ds = load_dataset("spider", "dev", root=mini_spider)
    gen = ScriptedGenerator(default=["SELECT count(*) FROM singer"])
    out = tmp_path / "preds.sql"
    first = predict_examples(ds.examples[:5], ds, gen, out)
    assert len(first) == 5 and len(gen.calls) == 5
    records = predict_examples(ds.examples, ds, gen, out)   # resumes: only 15 new calls
    failed = sum(1 for r in records[5:] if r.get("repaired") is not None and not r["ok"])
    assert len(gen.calls) == 5 + 15 + 2 * failed  # a question that fails: the error re-prompt, the fallback samples
    lines = out.read_text().splitlines()
    assert len(lines) == 20
    log = [json.loads(x) for x in (tmp_path / "preds.sql.jsonl").read_text().splitlines()]
    assert sorted(r["idx"] for r in log) == list(range(20))


def test_predict_examples_placeholder_for_missing_database(mini_spider, tmp_path):
    ds = load_dataset("spider", "dev", root=mini_spider)
    (mini_spider / "database" / "concert" / "concert.sqlite").rename(tmp_path / "away.sqlite")
    try:
        records = predict_examples(ds.examples[:2], ds, ScriptedGenerator(), tmp_path / "p.sql")
    finally:
        (tmp_path / "away.sqlite").rename(mini_spider / "database" / "concert" / "concert.sqlite")
    assert [r["pred_sql"] for r in records] == [PLACEHOLDER_SQL] * 2 and "not found" in records[0]["error"]


def test_config_layers_and_rejects_typos(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("prompt:\n  schema_format: graph\ninfer:\n  samples: 5\n")
    cfg = load_config(path, {"infer": {"samples": 3}})
    assert cfg.prompt.schema_format == "graph" and cfg.infer.samples == 3
    path.write_text("infer:\n  sampels: 5\n")
    with pytest.raises(ConfigError, match="unknown key.*sampels"):
        load_config(path)
    with pytest.raises(ConfigError, match="temperature"):
        InferConfig(samples=4, temperature=0)


@pytest.mark.parametrize(("text", "message"), [
    ("infer:\n  samples: many\n", "infer.samples: expected an integer, got 'many'"),
    ("infer:\n  samples: true\n", "infer.samples: expected an integer, got True"),
    ("infer:\n  temperature: hot\n", "infer.temperature: expected a number"),
    ("prompt:\n  prune: 3\n", "prompt.prune: expected true or false, got 3"),
    ("prompt:\n  schema_format: 7\n", "prompt.schema_format: expected text, got 7"),
])
def test_a_value_of_the_wrong_type_is_one_line_naming_the_key(tmp_path, text, message):
    """Plain scalar fields are type-checked where the file is read (issue 28: `epochs: many` used to surface as
    a Python comparison error); an int is accepted where a number is asked, null where the field is optional."""
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        load_config(path)
    path.write_text("infer:\n  temperature: 1\n  adapter: null\n")
    assert load_config(path).infer.temperature == 1


def test_cli_ask_rejects_a_non_database(tmp_path, capsys):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    assert main(["ask", "--db", str(bad), "How many?"]) == 1
    assert "not a SQLite database" in capsys.readouterr().err


def test_adapter_brings_its_prompt_settings_unless_overridden(tmp_path):
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "graphsql.yaml").write_text("prompt:\n  schema_format: graph\n  max_tables: 3\n  shots: 0\n"
                                           "  shot_selector: graph_similar\n")
    cfg = load_config(overrides={"infer": {"adapter": str(adapter)}})
    assert cfg.prompt.schema_format == "graph" and cfg.prompt.max_tables == 3
    # how demonstrations are shown is not the adapter's to say (its file records training: none)
    assert (cfg.prompt.shots, cfg.prompt.shot_selector) == (PromptConfig().shots, "auto") and cfg.prompt.shots == 3
    cfg = load_config(overrides={"infer": {"adapter": str(adapter)}, "prompt": {"schema_format": "ddl"}})
    assert cfg.prompt.schema_format == "ddl" and cfg.prompt.max_tables == 3
    assert load_config().prompt.schema_format == PromptConfig().schema_format


def test_predict_with_demonstrations_puts_them_before_the_question(demo_db, mini_spider):
    from graphsql.demos import build_demo_pool

    dev = load_dataset("spider", "dev", root=mini_spider)
    pool = build_demo_pool(dev.__class__("spider", "train", dev.examples, dev.schemas))
    gen = ScriptedGenerator(default=["SELECT count(*) FROM book"])
    cfg = PromptConfig(shots=2, shot_selector="question_similar", shots_when="always")
    pred = predict("How many books are there?", demo_db, gen, cfg, InferConfig(), demo_pool=pool)
    roles = [m["role"] for m in pred.messages]
    assert roles == ["system", "user", "assistant", "user", "assistant", "user"]
    demo_turns = [m["content"] for m in pred.messages[1:5:2]]
    assert all("singer" in t or "stadium" in t for t in demo_turns)      # from the other database only
    assert "book_author" not in " ".join(demo_turns)


BOOK_EXAMPLES = [
    {"question": "How many authors are there?", "sql": "SELECT count(*) FROM author"},
    {"question": "How many books are there in the shop?", "query": "SELECT count(*) FROM book"},
    {"question": "Titles of the books by Jane Austen?",
     "sql": "SELECT b.title FROM book AS b JOIN book_author AS ba ON b.book_id = ba.book_id "
            "JOIN author AS a ON ba.author_id = a.author_id WHERE a.name = 'Jane Austen'"},
]


def test_predict_with_the_users_own_examples(demo_db, tmp_path):
    path = tmp_path / "examples.json"
    path.write_text(json.dumps(BOOK_EXAMPLES))
    gen = ScriptedGenerator(default=["SELECT count(*) FROM book"])
    cfg = PromptConfig(shots=2, shot_selector="question_similar", shot_pool=str(path), shots_when="always")
    pred = predict("How many books are there?", demo_db, gen, cfg, InferConfig())
    answers = [m["content"] for m in pred.messages if m["role"] == "assistant"]
    assert answers == ["SELECT count(*) FROM author", "SELECT count(*) FROM book"]   # most similar one last
    # the asked question itself is never its own demonstration
    asked = predict("How many authors are there?", demo_db, gen, cfg, InferConfig())
    assert "SELECT count(*) FROM author" not in [m["content"] for m in asked.messages if m["role"] == "assistant"]


def test_auto_selector_picks_by_question_for_own_examples_and_by_graph_across_databases(demo_db, tmp_path):
    auto = PromptConfig(shots=2)
    assert auto.shot_selector == "auto"
    assert auto.selector_for(cross_database=False) == "question_similar"  # the asked database's own examples
    assert auto.selector_for(cross_database=True) == "graph_similar"      # Spider train, other databases
    assert PromptConfig(shot_selector="random").selector_for(cross_database=False) == "random"  # named: kept
    with pytest.raises(ConfigError, match="shot_selector"):
        PromptConfig(shot_selector="nearest")
    path = tmp_path / "examples.json"
    path.write_text(json.dumps(BOOK_EXAMPLES))
    gen = ScriptedGenerator(default=["SELECT count(*) FROM book"])
    pred = predict("How many books are there?", demo_db, gen, PromptConfig(shots=2, shot_pool=str(path),
                                                                          shots_when="always"), InferConfig())
    answers = [m["content"] for m in pred.messages if m["role"] == "assistant"]
    assert answers == ["SELECT count(*) FROM author", "SELECT count(*) FROM book"]  # as question_similar picks


def test_one_examples_file_can_serve_several_databases(demo_db):
    """Examples naming their database (``db_id``) are used on that database only; none for it is a clear error."""
    from graphsql.demos import pool_from_examples
    from graphsql.errors import DataError

    graph = build_schema_graph(read_sqlite_schema(demo_db))
    other = {"db_id": "planets", "question": "Planets?", "sql": "SELECT name FROM planet"}  # not valid here
    mine = {**BOOK_EXAMPLES[0], "db_id": graph.db_id}
    pool = pool_from_examples([other, mine, BOOK_EXAMPLES[1]], graph)
    assert [d.question for d in pool.demos] == [mine["question"], BOOK_EXAMPLES[1]["question"]]
    assert [d.idx for d in pool.demos] == [1, 2]  # positions in the file, as error messages name them
    with pytest.raises(DataError, match=f"no example for database {graph.db_id} .*planets"):
        pool_from_examples([other], graph)


@pytest.mark.parametrize(("content", "message"), [
    (None, "file not found"),
    ("[{", "malformed JSON"),
    ("[]", "non-empty JSON list"),
    (json.dumps([{"question": "How many?"}]), "example 0 needs"),
    (json.dumps([BOOK_EXAMPLES[0], {"question": "Planets?", "sql": "SELECT name FROM planet"}]),
     "example 1: its SQL reads no table of database"),
])
def test_a_bad_examples_file_is_one_clear_error_before_the_model_loads(demo_db, tmp_path, capsys, content, message):
    path = tmp_path / "examples.json"
    if content is not None:
        path.write_text(content)
    code = main(["ask", "How many books?", "--db", str(demo_db), "--shot-pool", str(path),   # --shots: 3
                 "--model", "no-such-model-is-loaded"])
    err = capsys.readouterr().err
    assert code != 0 and message in err and str(path) in err.replace("\n", "")
    with pytest.raises(ConfigError, match="shot_pool"):
        PromptConfig(shot_pool="examples.txt")


def test_predict_examples_reuses_another_subsets_predictions(mini_spider, tmp_path):
    ds = load_dataset("spider", "dev", root=mini_spider)
    gen = ScriptedGenerator(default=["SELECT count(*) FROM singer"])
    predict_examples(ds.examples[:6], ds, gen, tmp_path / "small" / "preds.sql")
    log = tmp_path / "small" / "preds.sql.jsonl"
    lines = log.read_text().splitlines()
    changed = json.loads(lines[1]) | {"question": "another question"}   # must not be taken for item 1
    log.write_text("\n".join([lines[0], json.dumps(changed), *lines[2:]]) + "\n")
    calls = len(gen.calls)
    records = predict_examples(ds.examples[:10], ds, gen, tmp_path / "all" / "preds.sql", reuse={"small": log})
    assert [r.get("reused_from") for r in records] == ["small", None, "small", "small", "small", "small"] + [None] * 4
    assert len(gen.calls) - calls == 5
    assert records[1]["question"] == ds.examples[1].question


def test_variant_reuse_checks_settings_and_skips_a_finished_run(mini_spider, tmp_path):
    from graphsql.experiments.variants import run_variant

    ds = load_dataset("spider", "dev", root=mini_spider)
    gen = ScriptedGenerator(default=["SELECT count(*) FROM singer"])

    def run(variant, subset, examples, reuse=None):
        return run_variant(variant, ds, examples, gen, tmp_path / "runs" / subset / variant,
                           tmp_path / "results" / subset / f"{variant}.json", "m", None, reuse_from=reuse)

    partial = tmp_path / "results" / "small" / "as_trained.partial.json"
    partial.parent.mkdir(parents=True)
    partial.write_text("{}")   # what an interrupted run had evaluated
    run("as_trained", "small", ds.examples[:4])
    assert not partial.exists()
    small = {"small": (tmp_path / "results" / "small" / "as_trained.json",
                       tmp_path / "runs" / "small" / "as_trained" / "preds.sql.jsonl")}
    made = json.loads(small["small"][0].read_text())
    del made["infer"]["fix_joins"]   # as written before that setting existed: it is off now, so still the same
    del made["prompt"]["shot_pool"]  # ... or at its default now
    del made["prompt"]["shots_when"]  # ... or at what runs did before it existed (LEGACY_SETTINGS: "always")
    small["small"][0].write_text(json.dumps(made))
    from graphsql.experiments.variants import _same_settings
    few = tmp_path / "few.json"   # a few-shot run from before: "empty", the default now, is not what it did
    few.write_text(json.dumps({**made, "prompt": {**made["prompt"], "shots": 2}}))
    with pytest.raises(ConfigError, match="prompt"):
        _same_settings(few, "m", None, PromptConfig(shots=2), InferConfig(), ("prompt",))
    assert _same_settings(few, "m", None, PromptConfig(shots=2, shots_when="always"), InferConfig(), ("prompt",))
    calls = len(gen.calls)
    metrics = run("as_trained", "all", ds.examples, small)
    asked = [c for c in gen.calls[calls:] if len(c["messages"]) == 2]   # first attempts, not repairs
    assert metrics["reused"] == {"small": 4} and len(asked) == len(ds.examples) - 4
    with pytest.raises(ConfigError, match="infer"):   # greedy predictions are no stand-in for sampled ones
        run("as_trained_sc5", "all", ds.examples, {"small": (small["small"][0], small["small"][1])})
    path = tmp_path / "results" / "all" / "as_trained.json"
    stamp = path.stat().st_mtime_ns
    calls = len(gen.calls)
    assert run("as_trained", "all", ds.examples)["reused"] == {"small": 4}   # finished: kept as it was
    assert path.stat().st_mtime_ns == stamp and len(gen.calls) == calls


def test_shared_cli_options_are_declared_once_and_reach_the_config():
    """ask and predict take every shared flag, demo and serve the model's; each flag lands in its config field."""
    from typer.main import get_command

    from graphsql.cli import app, cli_config
    from graphsql.cli.options import FLAGS, MODEL_FLAGS

    commands = get_command(app).commands
    params = {name: {p.name for p in commands[name].params} for name in ("ask", "predict", "demo", "serve")}
    assert set(FLAGS) <= params["ask"] and set(FLAGS) <= params["predict"]
    assert set(MODEL_FLAGS) <= params["demo"] and set(MODEL_FLAGS) <= params["serve"]
    assert not (set(FLAGS) - set(MODEL_FLAGS)) & params["serve"]
    cfg = cli_config(samples=5, max_tables=3, timeout=2.5, shot_pool="spider", repairs=False, prompt_format="ddl",
                     fallback=3)
    assert (cfg.infer.samples, cfg.prompt.max_tables, cfg.infer.timeout, cfg.infer.fallback) == (5, 3, 2.5, 3)
    assert cfg.prompt.shots == 3 and cfg.prompt.schema_format == "ddl" and not cfg.infer.fix_names
    with pytest.raises(TypeError, match="unknown flags"):
        cli_config(fixes=False)


def test_cli_ask_no_repairs_flag_reaches_the_pipeline(demo_db, capsys, monkeypatch):
    """`ask` repairs a table written without its underscore by default; `--no-repairs` runs the model's SQL as
    written (and it fails)."""
    import graphsql.cli.answer as answer

    written = ScriptedGenerator(default=["SELECT COUNT(*) FROM bookauthor"])
    monkeypatch.setattr(answer, "load_generator", lambda cfg: written)
    assert main(["ask", "How many books?", "--db", str(demo_db), "--adapter", "none"]) == 0
    assert "FROM book_author" in capsys.readouterr().out
    assert main(["ask", "How many books?", "--db", str(demo_db), "--adapter", "none", "--no-repairs"]) == 1
    captured = capsys.readouterr()
    assert "FROM bookauthor" in captured.out and "no such table" in captured.err


def test_predict_answers_an_entity_question_with_names_not_every_column(demo_db):
    """infer.names_for_star (on by default): ``SELECT *`` for "which authors ..." becomes their names; the star
    answer stays as generated; a question that asks for every detail, or the rule off, keeps the star."""
    gen = ScriptedGenerator(default=["SELECT * FROM author WHERE birth_year > 1900"])
    pred = predict("Which authors were born after 1900?", demo_db, gen, PromptConfig(), InferConfig())
    assert pred.ok and pred.pred_sql == "SELECT name FROM author WHERE birth_year > 1900"
    assert pred.generated == "SELECT * FROM author WHERE birth_year > 1900" and len(pred.result.columns) == 1
    pred = predict("Show all the information about authors born after 1900.", demo_db, gen, PromptConfig(),
                   InferConfig())
    assert pred.pred_sql == "SELECT * FROM author WHERE birth_year > 1900"
    pred = predict("Which authors were born after 1900?", demo_db, gen, PromptConfig(),
                   InferConfig(names_for_star=False))
    assert pred.pred_sql == "SELECT * FROM author WHERE birth_year > 1900"


def test_predict_examples_copies_an_answer_only_where_the_prompt_is_the_same(mini_spider, tmp_path):
    """reuse_same_prompt: another prompt setting whose prompt comes out the same for a question gives the same
    answer, so it is copied; a question whose prompt changes is asked again (zero-shot runs)."""
    ds = load_dataset("spider", "dev", root=mini_spider)
    gen = ScriptedGenerator(default=["SELECT count(*) FROM singer"])
    predict_examples(ds.examples[:6], ds, gen, tmp_path / "a" / "preds.sql", PromptConfig(shots=0))
    log = tmp_path / "a" / "preds.sql.jsonl"
    lines = [json.loads(x) for x in log.read_text().splitlines()]
    lines[2]["messages"][-1]["content"] += " (another prompt)"   # as if this question's prompt had differed
    log.write_text("".join(json.dumps(r) + "\n" for r in lines))
    calls = len(gen.calls)
    records = predict_examples(ds.examples[:6], ds, gen, tmp_path / "b" / "preds.sql", PromptConfig(shots=0),
                               reuse_same_prompt={"a": log})
    assert [r.get("reused_from") for r in records] == ["a (same prompt)"] * 2 + [None] + ["a (same prompt)"] * 3
    assert len(gen.calls) - calls == 1
    fresh = predict_examples(ds.examples[:6], ds, gen, tmp_path / "c" / "preds.sql", PromptConfig(shots=0, max_tables=1),
                             reuse_same_prompt={"a": log})  # pruning to one table changes some prompts
    assert any(r.get("reused_from") is None for r in fresh)


def test_an_empty_answer_run_copies_the_zero_shot_answers_that_return_rows(mini_spider, tmp_path):
    """reuse_same_prompt with demonstrations only for an empty answer: a zero-shot answer with rows is what
    `predict` would stop at, so it is copied; an empty one is asked again (zero-shot, then with the examples)."""
    ds = load_dataset("spider", "dev", root=mini_spider)
    books = [e for e in ds.examples if e.db_id == "bookshop"][:4]
    path = tmp_path / "examples.json"
    path.write_text(json.dumps(BOOK_EXAMPLES))
    gen = ScriptedGenerator({books[1].question: ["SELECT title FROM book WHERE 1 = 0"]},
                            default=["SELECT count(*) FROM book"])
    predict_examples(books, ds, gen, tmp_path / "a" / "preds.sql", PromptConfig())
    log = tmp_path / "a" / "preds.sql.jsonl"
    calls = len(gen.calls)
    records = predict_examples(books, ds, gen, tmp_path / "b" / "preds.sql", PromptConfig(shots=2, shot_pool=str(path)),
                               reuse_same_prompt={"a": log})
    mark = "a (zero-shot answer with rows)"
    assert [r.get("reused_from") for r in records] == [mark, None, mark, mark]
    assert len(gen.calls) - calls == 2  # the empty one: zero-shot, then with its two examples
    always = predict_examples(books, ds, gen, tmp_path / "c" / "preds.sql",
                              PromptConfig(shots=2, shot_pool=str(path), shots_when="always"),
                              reuse_same_prompt={"a": log})
    assert not any(r.get("reused_from") for r in always)


class EmptyWithoutShots(ScriptedGenerator):
    """Without demonstrations (one user turn) an answer with no rows; with them, one with rows."""

    def generate(self, prompts, n=1, temperature=0.0, max_new_tokens=256, seed=0):
        self.calls.append({"n": n, "shots": sum(m["role"] == "user" for m in prompts[0]) - 1})
        if self.calls[-1]["shots"]:
            return [["SELECT count(*) FROM book"] * n for _ in prompts]
        return [["SELECT title FROM book WHERE 1 = 0"] * n for _ in prompts]


def test_demonstrations_only_for_an_empty_answer(demo_db, tmp_path):
    """prompt.shots_when "empty" (the default): asked zero-shot first; the demonstrations are shown only when that answer has no
    rows, and the answer with them replaces it only if it has rows; "always" shows them at once."""
    path = tmp_path / "examples.json"
    path.write_text(json.dumps(BOOK_EXAMPLES))
    cfg = PromptConfig(shots=2, shot_pool=str(path))
    assert cfg.shots_when == "empty"  # the default
    gen = EmptyWithoutShots()
    pred = predict("How many books are there?", demo_db, gen, cfg, InferConfig(fallback=0))
    assert pred.result.rows == ((40,),) and pred.before_shots == "SELECT title FROM book WHERE 1 = 0"
    assert [c["shots"] for c in gen.calls] == [0, 2]
    assert sum(m["role"] == "assistant" for m in pred.messages) == 2   # the demonstrations' prompt answered
    ran = ScriptedGenerator(default=["SELECT count(*) FROM author"])  # rows at once: no demonstrations shown
    pred = predict("How many books are there?", demo_db, ran, cfg, InferConfig())
    assert pred.before_shots == "" and len(ran.calls) == 1
    assert not any(m["role"] == "assistant" for m in pred.messages)
    always = EmptyWithoutShots()
    predict("How many books are there?", demo_db, always, PromptConfig(shots=2, shot_pool=str(path), shots_when="always"),
            InferConfig())
    assert [c["shots"] for c in always.calls] == [2]
    with pytest.raises(ConfigError, match="shots_when"):
        PromptConfig(shots_when="sometimes")


def test_ask_explain_says_whether_the_demonstrations_were_shown(demo_db, tmp_path, capsys, monkeypatch):
    """`ask --explain` with examples: how many demonstrations the answer saw and, when they were shown because
    the answer without them had no rows, that answer."""
    import graphsql.cli.answer as answer

    path = tmp_path / "examples.json"
    path.write_text(json.dumps(BOOK_EXAMPLES))
    monkeypatch.setattr(answer, "load_generator", lambda cfg: EmptyWithoutShots())
    assert main(["ask", "How many books are there?", "--db", str(demo_db), "--shot-pool", str(path), "--explain",
                 "--fallback", "0"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "the answer without demonstrations failed or returned no rows" in out
    assert "SELECT title FROM book WHERE 1 = 0" in out and "demonstrations: 3 shown" in out
    monkeypatch.setattr(answer, "load_generator", lambda cfg: ScriptedGenerator(default=["SELECT count(*) FROM book"]))
    assert main(["ask", "How many books are there?", "--db", str(demo_db), "--shot-pool", str(path), "--explain"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "demonstrations: 0 shown (prompt.shots_when empty: the answer without them returned rows)" in out


def test_ask_shows_spider_train_demonstrations_for_an_empty_answer_by_default(demo_db, mini_spider, tmp_path,
                                                                              monkeypatch, caplog, capsys):
    """`ask`'s defaults (3 shots, only for an empty answer, Spider train's pool): an answer with no rows is asked
    again with 3 graph-similar demonstrations of other databases; where no copy of Spider is on the machine the
    answer stays zero-shot, with one warning."""
    import logging
    import shutil

    import graphsql.cli.answer as answer
    import graphsql.demos.select as select

    cfg = load_config()
    assert (cfg.prompt.shots, cfg.prompt.shots_when, cfg.prompt.shot_pool) == (3, "empty", "spider")
    gen = EmptyWithoutShots()
    with caplog.at_level(logging.WARNING, logger="graphsql.inference.predict"):
        pred = predict("How many books are there?", demo_db, gen, cfg.prompt, InferConfig(fallback=0))
    assert pred.ok and pred.result.rows == () and [c["shots"] for c in gen.calls] == [0]   # conftest: no Spider
    assert pred.shots_skipped == "no spider pool on this machine" and pred.after_shots == ""
    assert caplog.text.count("answering zero-shot") == 1
    root = tmp_path / "data"
    spider = root / "spider"   # a Spider copy whose train split is mini-Spider's questions
    spider.mkdir(parents=True)
    shutil.copy(mini_spider / "tables.json", spider / "tables.json")
    (spider / "database").symlink_to(mini_spider / "database")
    shutil.copy(mini_spider / "dev.json", spider / "train_spider.json")
    monkeypatch.setattr(select, "data_root", lambda: root)
    gen = EmptyWithoutShots()
    pred = predict("How many books are there?", demo_db, gen, cfg.prompt, InferConfig(fallback=0))
    assert pred.result.rows == ((40,),) and [c["shots"] for c in gen.calls] == [0, 3]
    assert pred.before_shots == "SELECT title FROM book WHERE 1 = 0"
    demo_turns = " ".join(m["content"] for m in pred.messages[1:7:2])
    assert "singer" in demo_turns and "book_author" not in demo_turns   # other databases only
    empty = ScriptedGenerator(default=["SELECT title FROM book WHERE 1 = 0"])   # no rows with them either
    pred = predict("How many books are there?", demo_db, empty, cfg.prompt, InferConfig(fallback=0))
    assert len(empty.calls) == 2 and pred.after_shots == pred.pred_sql and pred.before_shots == ""
    assert not any(m["role"] == "assistant" for m in pred.messages)   # the zero-shot answer, as it was asked
    monkeypatch.setattr(answer, "load_generator", lambda cfg: EmptyWithoutShots())
    assert main(["ask", "How many books are there?", "--db", str(demo_db), "--explain", "--fallback", "0"]) == 0
    assert "demonstrations: 3 shown" in " ".join(capsys.readouterr().out.split())
    monkeypatch.setattr(answer, "load_generator", lambda cfg: ScriptedGenerator(
        default=["SELECT title FROM book WHERE 1 = 0"]))
    assert main(["ask", "How many books are there?", "--db", str(demo_db), "--explain", "--fallback", "0"]) == 0
    assert "their answer failed or had no rows too" in " ".join(capsys.readouterr().out.split())
    assert main(["ask", "How many books are there?", "--db", str(demo_db), "--shots", "0", "--fallback", "0"]) == 0
    assert "1 = 0" in " ".join(capsys.readouterr().out.split())   # --shots 0: zero-shot, as before


def test_a_measurement_with_a_named_pool_never_goes_zero_shot(mini_spider, tmp_path):
    """`predict_examples(strict_pool=True)` (every measured variant): a named pool whose dataset is missing is an
    error before any question is asked, where `ask` would answer zero-shot with a warning."""
    from graphsql.errors import DataError

    ds = load_dataset("spider", "dev", root=mini_spider)
    gen = ScriptedGenerator(default=["SELECT 1"])
    cfg = PromptConfig(shots=3, shots_when="always")
    with pytest.raises(DataError):   # conftest: no copy of Spider on this machine
        predict_examples(ds.examples[:1], ds, gen, tmp_path / "strict" / "preds.sql", cfg, strict_pool=True)
    assert gen.calls == [] and not (tmp_path / "strict" / "preds.sql").exists()
    records = predict_examples(ds.examples[:1], ds, gen, tmp_path / "lenient" / "preds.sql", cfg)
    assert len(records) == 1 and len(gen.calls) == 1   # answered zero-shot: one user turn, no demonstrations
    assert [m["role"] for m in gen.calls[0]["messages"]] == ["system", "user"]
