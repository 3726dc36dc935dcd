"""The vote across pruning budgets (`graphsql.experiments.budget_vote`), values typed by the word beside them
(`graphsql.experiments.typed_values`) and their appendix tables."""

import json
import sqlite3

from graphsql.experiments.budget_vote import voted
from graphsql.report.inference import budget_vote_section


def test_the_answer_two_budgets_agree_on_wins_and_a_three_way_split_keeps_the_default(tmp_path):
    db = tmp_path / "t.sqlite"
    with sqlite3.connect(db) as conn:
        conn.executescript("CREATE TABLE t (a INTEGER, b TEXT); INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'y');")
    default, other = "SELECT count(*) FROM t", "SELECT count(*) FROM t WHERE b = 'y'"
    assert voted([default, other, "SELECT count(a) FROM t WHERE b = 'y'"], db) == other  # 2 of 3 share a result
    assert voted([default, other, "SELECT max(a) FROM t"], db) == default  # all differ: the default's
    assert voted([default, "SELEC nonsense", "SELECT nothing FROM t"], db) == default  # the others do not run
    assert voted(["SELECT nothing FROM t", other, other], db) == other
    assert voted([default] * 3, db) == default


def test_the_report_shows_the_budget_vote_table(tmp_path):
    boot = {"n": 972, "a": 0.751, "b": 0.76, "diff": 0.009, "ci95": [0.001, 0.02], "p_b_not_better": 0.01}
    joins = {"n": 86, "a": 0.535, "b": 0.56, "diff": 0.0233, "ci95": [-0.01, 0.06], "p_b_not_better": 0.1}
    path = tmp_path / "results" / "analyses" / "budget_vote.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"budgets": [4, 3, 6], "sets": {"spider-dev-all": {
        "n": 972, "budgets": {"3": {"prompts_differ": 262}, "6": {"prompts_differ": 220}}, "changed_by_vote": 40,
        "versus_ask": {"t3": {"all": boot, "joins_2+": joins}, "vote": {"all": boot, "joins_2+": joins}}}}}))
    text = "\n".join(budget_vote_section(tmp_path / "results", tmp_path))
    assert "`ask` asked with 3, 6 tables kept besides its default 4" in text
    assert ("| `spider-dev-all` | 972 | 3: 262 / 6: 220 | 40 | vote | 75.1 | 76.0 | 0.9 [0.1, 2.0] | "
            "2.3 [-1.0, 6.0] (n=86) |") in text
    assert "| 3 tables | 75.1 |" in text


def test_the_report_shows_the_typed_values_table(tmp_path):
    """graphsql experiment typed-values' file as the appendix table (`graphsql.experiments.typed_values`)."""
    from graphsql.report.inference import typed_values_section

    boot = {"n": 877, "a": 0.569, "b": 0.58, "diff": 0.011, "ci95": [0.002, 0.021], "p_b_not_better": 0.01}
    templates = {**boot, "ci95": [-0.004, 0.03], "clusters": 200}
    joins = {"n": 0, "a": None, "b": None, "diff": None, "ci95": None, "p_b_not_better": None}
    path = tmp_path / "results" / "analyses" / "typed_values.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"settings": {"typed_values": True}, "sets": {"geo-all-all": {
        "n": 877, "prompts_differ": 133, "answers_changed": 40, "wrong_to_right": 15, "right_to_wrong": 5,
        "versus_ask": {"all": boot, "all_templates": templates, "joins_2+": joins}}}}))
    text = "\n".join(typed_values_section(tmp_path / "results", tmp_path))
    assert "| `geo-all-all` | 877 | 133 | 40 | 15 | 5 | 56.9 | 58.0 | 1.1 [0.2, 2.1] | [-0.4, 3.0] | – |" in text
    assert "`graphsql experiment typed-values`" in text
