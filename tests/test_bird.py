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
