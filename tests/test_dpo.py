"""Preference pairs from execution feedback and DPO on a tiny random Qwen2 (no real weights)."""

from __future__ import annotations

import json

import pytest
import torch

from graphsql.training.dpo import DpoConfig, choose_questions, pair_stats, sample_candidates, train_dpo
from graphsql.training.preference import ast_distance, build_preference_pairs, label_candidates
from tests.fake_generator import ScriptedGenerator

GOLD = "SELECT name FROM singer WHERE country = 'France'"
SYSTEM = {"role": "system", "content": "You are a SQLite expert."}


def test_ast_distance_is_zero_for_the_same_tree_and_grows_with_the_edit():
    assert ast_distance("select  name from singer where country='France'", GOLD) == 0.0
    near = ast_distance("SELECT name FROM singer WHERE country = 'Spain'", GOLD)
    far = ast_distance("SELECT count(*) FROM concert GROUP BY year", GOLD)
    assert 0 < near < far <= 1.0
    assert ast_distance("SELEC name FROM", GOLD) == 1.0


def test_candidates_are_labelled_by_execution_and_deduplicated(concert_db):
    out = label_candidates([GOLD, "SELECT name FROM singer WHERE country='France'",  # same query, other spacing
                            "SELECT name FROM singer", "SELECT nme FROM singer",
                            "SELECT name FROM singer WHERE country = 'France' ORDER BY age"], GOLD, concert_db)
    assert [c["correct"] for c in out] == [True, False, False, True]
    assert out[2]["error"] and out[2]["margin"] > 0 and out[0]["margin"] == 0.0
    with pytest.raises(ValueError, match="gold query fails"):
        label_candidates([GOLD], "SELECT nothing FROM nowhere", concert_db)


def _record(idx, candidates, n_joins=0):
    return {"idx": idx, "db_id": "concert_singer", "n_joins": n_joins, "gold_sql": GOLD,
            "messages": [SYSTEM, {"role": "user", "content": f"question {idx}"}], "candidates": candidates}


def _cand(sql, correct, margin):
    return {"sql": sql, "correct": correct, "error": None, "margin": margin}


def test_pairs_use_right_answers_largest_margins_first_and_the_gold_when_none_is_right():
    records = [
        _record(0, [_cand("A", True, 0.0), _cand("B", False, 0.05), _cand("C", False, 0.9), _cand("D", False, 0.4)]),
        _record(1, [_cand("E", False, 0.5)], n_joins=2),
        _record(2, [_cand("F", True, 0.0)]),  # nothing wrong: no pair
    ]
    pairs = build_preference_pairs(records, min_margin=0.1, max_pairs_per_question=2)
    assert [(p["idx"], p["chosen"][0]["content"], p["rejected"][0]["content"]) for p in pairs] == [
        (0, "A", "C"), (0, "A", "D"), (1, GOLD, "E")]
    assert pairs[0]["prompt"][-1] == {"role": "user", "content": "question 0"}
    assert [p["chosen_is_gold"] for p in pairs] == [False, False, True]
    assert build_preference_pairs(records, min_margin=0.1, gold_when_none_right=False)[-1]["idx"] == 0
    stats = pair_stats(records, pairs)
    assert stats["pairs"] == 3 and stats["questions_none_right"] == 1 and stats["pairs_multi_table"] == 1


def test_sampling_resumes_after_the_last_finished_question(concert_db, tmp_path):
    samples = [{"messages": [SYSTEM, {"role": "user", "content": f"q{i}"}, {"role": "assistant", "content": GOLD}],
                "source": "spider:train", "task": "sql", "db_id": "concert_singer", "idx": i} for i in range(4)]
    samples.append({**samples[0], "idx": 9})  # a repeated question is used once
    samples.append({**samples[1], "idx": 10, "task": "tables"})  # not an SQL task
    questions = choose_questions(samples, ("spider:train",), n=10, seed=0)
    assert sorted(q["idx"] for q in questions) == [0, 1, 2, 3]
    gen = ScriptedGenerator(default=[GOLD, "SELECT name FROM singer"])

    class Stop(Exception):
        pass

    def stop_after_two(done, total):
        if done == 2:
            raise Stop

    out = tmp_path / "candidates.jsonl"
    with pytest.raises(Stop):
        sample_candidates(questions, gen, lambda db_id: concert_db, out, n=2, temperature=1.0,
                          progress=stop_after_two)
    assert len(out.read_text().splitlines()) == 2
    records = sample_candidates(questions, gen, lambda db_id: concert_db, out, n=2, temperature=1.0)
    assert [r["idx"] for r in records] == [q["idx"] for q in questions] and len(gen.calls) == 4
    assert all([c["correct"] for c in r["candidates"]] == [True, False] for r in records)
    assert gen.calls[0]["n"] == 2 and gen.calls[0]["temperature"] == 1.0


def test_config_checks():
    with pytest.raises(Exception, match="candidates"):
        DpoConfig(candidates=1)
    with pytest.raises(Exception, match="min_margin"):
        DpoConfig(min_margin=2)


@pytest.mark.slow
def test_dpo_moves_the_adapter_toward_the_chosen_answers_and_resumes(tmp_path):
    from peft import LoraConfig, get_peft_model
    from transformers import AutoTokenizer

    from tests.test_training import TINY_TOKENIZER, build_tiny_model

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(TINY_TOKENIZER)
    model = get_peft_model(build_tiny_model(tokenizer), LoraConfig(r=4, lora_alpha=8, target_modules="all-linear",
                                                                   task_type="CAUSAL_LM"))
    for name, param in model.named_parameters():  # a non-zero "SFT" adapter, so the reference is not the base
        if "lora_B" in name:
            torch.nn.init.normal_(param, std=0.02)
    pairs = [{"prompt": [SYSTEM, {"role": "user", "content": f"question {i}"}],
              "chosen": [{"role": "assistant", "content": "SELECT name FROM singer"}],
              "rejected": [{"role": "assistant", "content": "SELECT count(*) FROM concert"}], "margin": 1.0}
             for i in range(8)]
    config = DpoConfig(learning_rate=5e-2, batch_size=2, grad_accum=1, max_steps=4, save_every=2,
                       precision="fp32", max_length=64)
    before = {k: v.detach().clone() for k, v in model.named_parameters() if "lora_" in k and ".default." in k}
    metrics = train_dpo(model, tokenizer, pairs, config, tmp_path)
    assert metrics["steps"] == 4 and metrics["last"]["loss"] == metrics["last"]["loss"]
    log = [json.loads(line) for line in (tmp_path / "train_log.jsonl").read_text().splitlines()]
    margins = [row["rewards/margins"] for row in log if "rewards/margins" in row]
    assert margins[-1] > margins[0]  # chosen gains on rejected relative to the reference
    after = dict(model.named_parameters())
    assert any(not torch.equal(before[k], after[k]) for k in before)
    saved = json.loads((tmp_path / "adapter" / "adapter_config.json").read_text())
    assert saved["r"] == 4 and not (tmp_path / "adapter" / "ref").exists()
    # a longer run picks up from the newest checkpoint instead of starting over
    more = train_dpo(model, tokenizer, pairs, DpoConfig(**{**config.__dict__, "max_steps": 6}), tmp_path)
    assert more["steps"] == 6 and more["resumed_from"].endswith("checkpoint-4")
    logged = [json.loads(line) for line in (tmp_path / "train_log.jsonl").read_text().splitlines()]
    losses = [row["loss"] for row in logged if "loss" in row]
    assert len(losses) == 6 and more["train_loss"] == pytest.approx(sum(losses) / 6)  # every step, not the resumed 2
    # the report's summary: sampling statistics, the training settings and the logged DPO reward margins
    from graphsql.training.dpo import write_dpo_summary

    summary = json.loads(write_dpo_summary(tmp_path / "results" / "dpo.json", {"pairs": 8}, more).read_text())
    assert summary["sampling"] == {"pairs": 8} and summary["training"]["steps"] == 6
    assert summary["training"]["last"]["step"] == 6 and "rewards/margins" in summary["training"]["last"]
    assert summary["config"]["learning_rate"] == 5e-2 and summary["provenance"]["git_commit"]
    (tmp_path / "pairs_stats.json").write_text(json.dumps({"pairs": 8}))
    from graphsql.training.dpo import summarize_dpo_run

    again = json.loads(summarize_dpo_run(tmp_path, tmp_path / "results" / "again.json").read_text())
    assert again["training"] == summary["training"] and again["sampling"] == {"pairs": 8}


def test_shipped_dpo_config_loads_and_rejects_unknown_keys(tmp_path):
    from graphsql.config import REPO_ROOT
    from graphsql.errors import ConfigError
    from graphsql.training.dpo import load_dpo_config

    config = load_dpo_config(REPO_ROOT / "configs" / "dpo_graph_cpu.yaml", {"questions": 10})
    assert config.questions == 10 and config.candidates >= 2 and config.min_margin > 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("dpo:\n  betta: 0.2\n")
    with pytest.raises(ConfigError, match="betta"):
        load_dpo_config(bad)
