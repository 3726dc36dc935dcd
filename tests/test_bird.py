"""BIRD format end to end on a small fixture: loading with descriptions, BIRD's EX rule, schema-level fallback."""

import shutil

from graphsql.cli import main
from graphsql.data.spider import load_dataset
from graphsql.eval.metrics import evaluate
from graphsql.eval.schema_level import schema_level_metrics


def test_bird_folder_loads_with_evidence_difficulty_and_descriptions(mini_bird):
    ds = load_dataset("bird", "dev", root=mini_bird)
    assert [e.difficulty for e in ds.examples] == ["simple", "moderate", "challenging"]
    assert ds.examples[0].evidence.startswith("France refers to")
    col = ds.schemas["concert"].table("singer").column("country")
    assert col.description == "the country the singer comes from" and col.natural_name == "nation"
    assert len(ds.runnable()) == 3


def test_bird_ex_compares_sets_unlike_spider(mini_bird):
    ds = load_dataset("bird", "dev", root=mini_bird)
    preds = [
        "SELECT COUNT(singer_id) FROM singer WHERE country = 'France'",       # same result
        "SELECT DISTINCT country FROM singer WHERE age > 30",                  # same set, fewer rows
        "SELECT name FROM singer",                                             # wrong
    ]
    bird = evaluate(ds.examples, preds, ds.schemas, dataset="bird")
    spider = evaluate(ds.examples, preds, ds.schemas, dataset="spider")
    assert [i["ex"] for i in bird["items"]] == [True, True, False]
    assert [i["ex"] for i in spider["items"]] == [True, False, False]
    assert bird["em"] is None and set(bird["by_difficulty"]) == {"simple", "moderate", "challenging"}
    assert bird["by_difficulty"]["moderate"]["ex"] == 1.0


def test_bird_without_databases_falls_back_to_schema_level(mini_bird, tmp_path, capsys):
    root = tmp_path / "bird"
    shutil.copytree(mini_bird, root)
    (root / "dev_databases" / "concert" / "concert.sqlite").unlink()
    ds = load_dataset("bird", "dev", root=root)
    assert ds.runnable() == ()
    golds = [e.gold_sql for e in ds.examples]
    m = schema_level_metrics(ds.examples, golds[:2] + ["SELECT nope FROM singer"], ds.schemas)
    assert m["n"] == 3 and abs(m["executable"] - 2 / 3) < 1e-9
    preds = tmp_path / "preds.sql"
    preds.write_text("\n".join(golds) + "\n")
    rc = main(["evaluate", "--gold", str(root / "dev.json"), "--pred", str(preds), "--db-dir",
               str(root / "dev_databases"), "--dataset", "bird", "--out", str(tmp_path / "m.json")])
    assert rc == 0 and "schema-level" in capsys.readouterr().err


# ------------------------------------------------------------------- BIRD schema level with an LLM, offline


def test_llm_predictions_on_empty_databases_score_at_the_schema_level(mini_bird, tmp_path):
    """What `python -m graphsql.experiments.bird_schema` does, with a scripted generator: empty databases from the
    schemas, predictions through the normal pipeline (with BIRD's evidence), schema-level scores."""
    from graphsql.data.spider import load_dataset
    from graphsql.eval.schema_level import schema_level_metrics
    from graphsql.experiments.bird_schema import bird_subset, with_empty_databases
    from graphsql.inference.batch import predict_examples
    from tests.fake_generator import ScriptedGenerator

    ds = load_dataset("bird", "dev", root=mini_bird)
    examples, subset = bird_subset(ds, None)
    assert subset == "all" and len(examples) == len(ds.examples)
    empty = with_empty_databases(ds, tmp_path / "empty")
    path = empty.db_path("concert")
    assert path.parent == tmp_path / "empty" and path.stat().st_size > 0
    import sqlite3

    with sqlite3.connect(path) as conn:  # the schema, no rows
        assert conn.execute("SELECT count(*) FROM singer").fetchone() == (0,)
    gen = ScriptedGenerator(default=["SELECT COUNT(*) FROM singer WHERE country = 'France'"])
    records = predict_examples(examples, empty, gen, tmp_path / "preds.sql")
    assert all(r["ok"] for r in records) and len(gen.calls) == len(examples)
    assert any("Hint:" in c["messages"][-1]["content"] for c in gen.calls)  # the evidence reached the prompt
    m = schema_level_metrics(examples, [r["pred_sql"] for r in records], ds.schemas)
    assert m["n"] == len(examples) and m["executable"] == 1.0 and 0 < m["tables"]["f1"] <= 1


def test_repairs_replay_on_recorded_predictions(mini_bird, tmp_path):
    """`bird_schema --repairs`: no model; the recorded queries get `graphsql ask`'s repairs on the empty databases'
    graphs; a misplaced qualifier is moved and the query then runs; an unfinished variant is refused."""
    import pytest

    from graphsql.config import InferConfig
    from graphsql.errors import DataError
    from graphsql.experiments.bird_schema import replay_repairs, with_empty_databases
    from graphsql.inference.batch import predict_examples
    from tests.fake_generator import ScriptedGenerator

    ds = load_dataset("bird", "dev", root=mini_bird)
    empty = with_empty_databases(ds, tmp_path / "empty")
    examples = list(ds.examples)
    wrong = "SELECT T2.country FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id"
    with pytest.raises(DataError, match="not predicted yet"):
        replay_repairs(examples, tmp_path / "preds.sql", empty)
    predict_examples(examples, empty, ScriptedGenerator(default=[wrong]), tmp_path / "preds.sql",
                     infer_config=InferConfig(fix_columns=False, fix_joins=False))  # as bird_schema predicts
    before = schema_level_metrics(examples, [wrong] * len(examples), ds.schemas)
    sqls, changed = replay_repairs(examples, tmp_path / "preds.sql", empty)
    after = schema_level_metrics(examples, sqls, ds.schemas)
    assert changed == len(examples) and all("T1.country" in s for s in sqls)
    assert before["executable"] == 0.0 and after["executable"] == 1.0


def test_few_shot_on_bird_shows_other_questions_of_the_same_database(mini_bird, tmp_path):
    """`bird_schema --variant <few-shot>_bird`: the demonstrations are BIRD dev questions of the asked database that
    are not evaluated (and whose gold tables can be read), given as an examples file with db_id."""
    import dataclasses
    import json

    import pytest

    from graphsql.config import InferConfig, PromptConfig
    from graphsql.errors import DataError
    from graphsql.experiments.bird_schema import bird_demo_file, variant_settings, with_empty_databases
    from graphsql.inference.batch import predict_examples
    from tests.fake_generator import ScriptedGenerator

    ds = load_dataset("bird", "dev", root=mini_bird)
    unreadable = dataclasses.replace(ds.examples[1], question="Which?", gold_sql="SELECT x FROM no_such_table", idx=9)
    ds = dataclasses.replace(ds, examples=(*ds.examples, unreadable))
    evaluated = [ds.examples[0]]
    path = bird_demo_file(ds, evaluated, tmp_path / "demos.json")
    items = json.loads(path.read_text())
    assert [it["question"] for it in items] == [e.question for e in ds.examples[1:3]]
    assert {it["db_id"] for it in items} == {"concert"}
    prompt_kw, _ = variant_settings("compact_pruned_qsim3_bird", path)
    assert prompt_kw["shot_pool"] == str(path) and prompt_kw["shots"] == 3
    for bad in ("as_trained_bird", "no_such_variant"):  # not a few-shot variant / not a variant
        with pytest.raises(DataError, match="unknown variant"):
            variant_settings(bad, path)
    empty = with_empty_databases(ds, tmp_path / "empty")
    gen = ScriptedGenerator(default=["SELECT COUNT(*) FROM singer"])
    predict_examples(evaluated, empty, gen, tmp_path / "preds.sql", PromptConfig(**prompt_kw),
                     InferConfig(fix_columns=False, fix_joins=False))
    shown = [m["content"] for m in gen.calls[0]["messages"] if m["role"] == "assistant"]
    assert sorted(shown) == sorted(e.gold_sql for e in ds.examples[1:3])  # 2 of 3 asked: all the pool has


def test_rerun_results_keep_their_provenance_unless_a_figure_changes(tmp_path):
    from graphsql.provenance import write_result

    path = tmp_path / "r" / "as_trained.json"
    assert write_result(path, {"n": 2, "tables": {"f1": 0.5}, "provenance": {"utc": "first"}})
    assert not write_result(path, {"n": 2, "tables": {"f1": 0.5}, "provenance": {"utc": "rerun"}})
    assert '"first"' in path.read_text()  # the rerun left the file as it was
    assert write_result(path, {"n": 2, "tables": {"f1": 0.75}, "provenance": {"utc": "changed"}})
    assert '"changed"' in path.read_text() and "0.75" in path.read_text()
