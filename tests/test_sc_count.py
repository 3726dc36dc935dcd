"""Self-consistency sample-count curve replayed from recorded candidates (no model)."""

import pytest

from graphsql.data.spider import load_dataset
from graphsql.errors import DataError
from graphsql.experiments.sc_count import sc_count_curve


@pytest.fixture()
def concert(mini_spider):
    ds = load_dataset("spider", "dev", root=mini_spider)
    return ds, [ex for ex in ds.runnable() if ex.db_id == "concert"][:3]


def test_vote_over_prefixes_and_oracle(concert):
    ds, examples = concert
    wrong = "SELECT name FROM stadium"
    records = {
        # right only at the 2nd sample; the 3rd agrees with the 2nd, so k = 3 votes it in
        examples[0].idx: {"candidates": [wrong, examples[0].gold_sql, examples[0].gold_sql], "pred_sql": "x"},
        # always right
        examples[1].idx: {"candidates": [examples[1].gold_sql] * 3, "pred_sql": examples[1].gold_sql},
        # never right (one broken candidate among them)
        examples[2].idx: {"candidates": [wrong, "SELEC nothing", wrong], "pred_sql": wrong},
    }
    out = sc_count_curve(examples, records, ds.schemas)
    by_k = out["by_k"]
    assert out["samples"] == 3 and set(by_k) == {"1", "2", "3"}
    assert by_k["1"]["ex"] == pytest.approx(1 / 3) and by_k["1"]["oracle_ex"] == pytest.approx(1 / 3)
    # k = 2: a 1-1 tie goes to the earlier sample (wrong); the oracle already has it
    assert by_k["2"]["ex"] == pytest.approx(1 / 3) and by_k["2"]["oracle_ex"] == pytest.approx(2 / 3)
    assert by_k["3"]["ex"] == pytest.approx(2 / 3) and by_k["3"]["oracle_ex"] == pytest.approx(2 / 3)
    assert by_k["3"]["agrees_with_run"] == 2
    assert sum(b["n"] for b in by_k["3"]["by_joins"].values()) == 3


def test_missing_candidates_is_a_clear_error(concert):
    ds, examples = concert
    with pytest.raises(DataError, match="no recorded candidates"):
        sc_count_curve(examples, {examples[0].idx: {"candidates": ["SELECT 1"]}}, ds.schemas)


def test_replayed_column_fix_repairs_a_wrong_qualifier(concert):
    ds, _ = concert
    ex = next(e for e in ds.runnable() if e.question.startswith("Show concert names and their stadium"))
    # stadium (T2) has no concert_name: the fix moves it to concert (T1), the one table of the SELECT that has it
    broken = ("SELECT T2.concert_name, T2.name FROM concert AS T1 JOIN stadium AS T2 "
              "ON T1.stadium_id = T2.stadium_id")
    records = {ex.idx: {"candidates": [broken], "pred_sql": broken}}
    plain = sc_count_curve([ex], records, ds.schemas)
    fixed = sc_count_curve([ex], records, ds.schemas, fix_columns=True)
    assert plain["by_k"]["1"]["ex"] == 0
    assert fixed["by_k"]["1"]["ex"] == 1


def test_replayed_join_fix_reroutes_a_shortcut_before_the_column_fix(concert):
    ds, _ = concert
    ex = next(e for e in ds.runnable() if e.question.startswith("Names of singers who performed in 2014"))
    shortcut = ("SELECT DISTINCT T1.name FROM singer AS T1 JOIN concert AS T2 ON T1.singer_id = T2.concert_id "
                "WHERE T2.year = 2014")
    records = {ex.idx: {"candidates": [shortcut], "pred_sql": shortcut}}
    assert sc_count_curve([ex], records, ds.schemas, fix_columns=True)["by_k"]["1"]["ex"] == 0
    assert sc_count_curve([ex], records, ds.schemas, fix_joins=True)["by_k"]["1"]["ex"] == 1
    assert sc_count_curve([ex], records, ds.schemas, fix_columns=True, fix_joins=True)["by_k"]["1"]["ex"] == 1
