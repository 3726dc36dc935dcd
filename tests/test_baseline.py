"""The seq2seq baseline: target encoding round trip, training (loss falls), exact resume, well-formed predictions.

A tiny configuration (embeddings 16, hidden 32) on the 20-question mini Spider; runs on CPU in seconds.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

torch = pytest.importorskip("torch")

from graphsql.baseline import load_baseline_config, predict_baseline, train_baseline  # noqa: E402
from graphsql.baseline.model import collate  # noqa: E402
from graphsql.baseline.train import list_checkpoints  # noqa: E402
from graphsql.baseline.vocab import build_vocab, encode_example, render_sql, sql_to_steps  # noqa: E402
from graphsql.data.records import Example  # noqa: E402
from graphsql.data.spider import load_dataset  # noqa: E402
from graphsql.data.sqlite import read_sqlite_schema  # noqa: E402
from graphsql.errors import ConfigError  # noqa: E402
from graphsql.eval.execute import execute_sql, has_order_by, results_match  # noqa: E402
from graphsql.sql.parse import tables_in_sql, try_parse  # noqa: E402

TINY = {
    "emb_dim": 16,
    "hidden": 32,
    "dropout": 0.0,
    "batch_size": 20,
    "learning_rate": 1e-2,
    "min_count": 1,
    "log_every": 1,
    "save_every": 5,
    "epochs": 1000,
    "max_decode_steps": 60,
}

# Gold SQL -> decoder steps, as data: (sql, expected steps with items as "table.column" / "table").
STEP_CASES = [
    ("SELECT count(*) FROM singer", ["select", "count", "(", "*", ")", "from", "@singer"]),
    (
        "SELECT T2.name FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id = T2.stadium_id",
        [
            "select",
            "t2",
            ".",
            "@stadium.name",
            "from",
            "@concert",
            "as",
            "t1",
            "join",
            "@stadium",
            "as",
            "t2",
            "on",
            "t1",
            ".",
            "@concert.stadium_id",
            "=",
            "t2",
            ".",
            "@stadium.stadium_id",
        ],
    ),
    (
        'SELECT avg(age) FROM singer WHERE country = "France"',
        [
            "select",
            "avg",
            "(",
            "@singer.age",
            ")",
            "from",
            "@singer",
            "where",
            "@singer.country",
            "=",
            "<v>",
            "$France",
            "</v>",
        ],
    ),
]


@pytest.fixture(scope="module")
def mini(mini_spider):
    ds = load_dataset("spider", "dev", root=mini_spider)
    return list(ds.examples), dict(ds.schemas)


@pytest.fixture(scope="module")
def trained(mini, tmp_path_factory):
    """A tiny model trained to (near) memorise the 20 questions."""
    examples, schemas = mini
    out = tmp_path_factory.mktemp("baseline") / "run"
    config = load_baseline_config(overrides={**TINY, "max_steps": 120})
    metrics = train_baseline(config, out, examples=examples, schemas=schemas)
    return out, metrics


def _steps_as_text(steps):
    out = []
    for kind, val in steps:
        if kind == "item":
            out.append("@" + (val.table if val.is_table else f"{val.table}.{val.column}").lower())
        elif kind == "value":
            out.append("$" + val)
        else:
            out.append(val)
    return out


@pytest.mark.parametrize("sql,expected", STEP_CASES)
def test_sql_to_steps(mini, sql, expected):
    _examples, schemas = mini
    assert _steps_as_text(sql_to_steps(sql, schemas["concert"])) == expected


def test_gold_targets_round_trip_to_the_same_result(mini):
    """Rendering each gold's own decoder targets gives SQL that returns the gold's rows."""
    examples, schemas = mini
    vocab = build_vocab(examples, schemas, min_count=1)
    for ex in examples:
        enc = encode_example(ex, schemas[ex.db_id], vocab)
        choices = [("out", out) if out is not None else ("pos", copies[0]) for out, copies in enc.targets]
        sql = render_sql(choices, enc, vocab)
        db = schemas[ex.db_id].db_path
        gold, pred = execute_sql(db, ex.gold_sql), execute_sql(db, sql)
        assert gold.ok and pred.ok, (ex.gold_sql, sql, pred.error_kind)
        assert results_match(gold.rows, pred.rows, has_order_by(ex.gold_sql)), (ex.gold_sql, sql)


def test_loss_decreases_and_run_folder_is_complete(trained):
    out, metrics = trained
    rows = [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]
    assert len(rows) == 120 and metrics["step"] == 120 and metrics["stop_reason"] == "max_steps"
    first = sum(r["loss"] for r in rows[:5]) / 5
    last = sum(r["loss"] for r in rows[-5:]) / 5
    assert last < 0.5 * first, (first, last)
    for name in ("config.yaml", "vocab.json", "model.pt", "metrics.json"):
        assert (out / name).exists()
    assert 0 < metrics["parameters"] < 1_000_000
    assert len(list_checkpoints(out)) <= 2


def test_resume_continues_exactly(mini, tmp_path):
    """4 steps, stop, resume to 8 == 8 steps in one go (model weights equal; dropout RNG restored)."""
    examples, schemas = mini
    config = load_baseline_config(overrides={**TINY, "dropout": 0.3, "save_every": 100})
    train_baseline(replace(config, max_steps=4), tmp_path / "a", examples=examples, schemas=schemas)
    metrics = train_baseline(replace(config, max_steps=8), tmp_path / "a", examples=examples, schemas=schemas)
    train_baseline(replace(config, max_steps=8), tmp_path / "b", examples=examples, schemas=schemas)
    assert metrics["step"] == 8
    a = torch.load(tmp_path / "a" / "model.pt", weights_only=True)
    b = torch.load(tmp_path / "b" / "model.pt", weights_only=True)
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_resume_refuses_a_different_model(mini, tmp_path):
    examples, schemas = mini
    config = load_baseline_config(overrides={**TINY, "max_steps": 2})
    train_baseline(config, tmp_path, examples=examples, schemas=schemas)
    with pytest.raises(ConfigError, match="hidden"):
        train_baseline(replace(config, hidden=64), tmp_path, examples=examples, schemas=schemas)
    with pytest.raises(ConfigError, match="holds a run"):
        train_baseline(config, tmp_path, resume=False, examples=examples, schemas=schemas)


def test_config_rejects_misspelled_keys(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("name: x\nbaseline:\n  hiden: 64\n")
    with pytest.raises(ConfigError, match="hiden"):
        load_baseline_config(path)


def test_predictions_are_well_formed_and_use_only_the_schema(trained, mini):
    out, _ = trained
    examples, schemas = mini
    preds = predict_baseline(out, examples, schemas)
    assert len(preds) == len(examples)
    assert all(p.strip() for p in preds)
    parsed = [p for p in preds if try_parse(p) is not None]
    assert len(parsed) >= 0.8 * len(preds), preds
    for ex, pred in zip(examples, preds):
        known = {t.name.lower() for t in schemas[ex.db_id].tables}
        assert tables_in_sql(pred) <= known, (ex.db_id, pred)
    # partly memorised: an untrained model gets none of these right
    correct = 0
    for ex, pred in zip(examples, preds):
        gold, got = (
            execute_sql(schemas[ex.db_id].db_path, ex.gold_sql),
            execute_sql(schemas[ex.db_id].db_path, pred),
        )
        correct += bool(got.ok and results_match(gold.rows, got.rows, has_order_by(ex.gold_sql)))
    assert correct >= 5, list(zip(preds, [e.gold_sql for e in examples]))


def test_predict_on_a_database_read_from_sqlite(trained, concert_db):
    """A new question over the concert database as read from its SQLite file: well-formed, its tables only."""
    out, _ = trained
    schema = read_sqlite_schema(concert_db, db_id="concert")
    questions = [
        Example("concert", "How many stadiums are there?"),
        Example("concert", "List all singer names."),
    ]
    preds = predict_baseline(out, questions, {"concert": schema})
    assert len(preds) == 2
    for pred in preds:
        assert pred.strip()
        assert tables_in_sql(pred) <= {t.name.lower() for t in schema.tables}


def test_collate_pads_targets(mini):
    examples, schemas = mini
    vocab = build_vocab(examples, schemas, min_count=1)
    encs = [encode_example(e, schemas[e.db_id], vocab) for e in examples[:3]]
    batch = collate(encs)
    assert batch.target_mask.sum().item() == sum(len(e.targets) for e in encs)
    assert batch.words.shape[:2] == (3, max(len(e.inputs) for e in encs))
