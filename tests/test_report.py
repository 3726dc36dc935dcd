"""Paired bootstrap and the report: every number in the report comes from a results file."""

import json
import re

from graphsql.eval.compare import paired_bootstrap
from graphsql.eval.comparisons import _seed_spreads, ablation_of
from graphsql.experiments.registry import Ablation
from graphsql.report import write_report


def _items(flags, joins):
    return [{"idx": i, "ex": f, "joins_bucket": j} for i, (f, j) in enumerate(zip(flags, joins))]


def test_paired_bootstrap_difference_and_interval():
    a = _items([0, 0, 1, 1, 0, 0, 1, 0] * 10, ["0", "1"] * 40)
    b = _items([1, 0, 1, 1, 1, 0, 1, 1] * 10, ["0", "1"] * 40)
    out = paired_bootstrap(a, b)
    assert out["n"] == 80 and abs(out["diff"] - 0.375) < 1e-9
    assert out["ci95"][0] > 0 and out["ci95"][0] <= out["diff"] <= out["ci95"][1] and out["p_b_not_better"] == 0
    assert paired_bootstrap(a, b) == out                      # seeded: same inputs, same interval
    assert paired_bootstrap(a, b, subset="1")["n"] == 40
    assert paired_bootstrap(a, a)["diff"] == 0 and paired_bootstrap(a, a)["p_b_not_better"] == 1


def test_paired_bootstrap_of_a_graded_measure_at_a_dotted_key():
    a = [{"idx": i, "tables": {"f1": 0.5}} for i in range(20)]
    b = [{"idx": i, "tables": {"f1": 0.75 if i % 2 else 0.5}} for i in range(20)]
    out = paired_bootstrap(a, b, key="tables.f1")
    assert out["a"] == 0.5 and out["b"] == 0.625 and out["diff"] == 0.125 and out["ci95"][0] > 0


def test_cluster_bootstrap_resamples_whole_templates():
    a = _items([0] * 40, ["0"] * 40)
    b = _items([1] * 20 + [0] * 20, ["0"] * 40)
    by_item = paired_bootstrap(a, b)
    singletons = paired_bootstrap(a, b, cluster=lambda it: str(it["idx"]))
    assert {k: v for k, v in singletons.items() if k != "clusters"} == by_item and singletons["clusters"] == 40
    # the same 40 questions as 4 queries asked 10 times each: the same difference on far less evidence
    four = paired_bootstrap(a, b, cluster=lambda it: str(it["idx"] // 10))
    assert four["diff"] == by_item["diff"] == 0.5 and four["clusters"] == 4
    assert by_item["ci95"][0] > 0.3 and four["ci95"][0] <= 0.25 and four["ci95"][1] >= 0.75


def test_resamples_are_drawn_as_random_randrange_draws_them_one_at_a_time():
    import random

    from graphsql.eval.compare import _resampled_diffs

    rng = random.Random(5)
    for m, fractions in ((1, False), (3, True), (97, False), (300, True)):
        sums = [[rng.random() if fractions else rng.randint(0, 3), rng.random() if fractions else rng.randint(0, 3),
                 rng.randint(1, 3)] for _ in range(m)]
        one_by_one, draw = [], random.Random(0)
        for _ in range(200):
            sample = [sums[draw.randrange(m)] for _ in range(m)]
            one_by_one.append(sum(g[1] - g[0] for g in sample) / sum(g[2] for g in sample))
        assert _resampled_diffs(sums, 200, 0) == one_by_one, m  # every interval the report ever printed stands


def test_query_template_masks_values_only():
    from graphsql.sql.parse import query_template
    texas = query_template('SELECT RIVER.RIVER_NAME FROM RIVER WHERE RIVER.TRAVERSE = "texas" ;')
    assert texas == query_template("select river.river_name from river where river.traverse = 'ohio'")
    assert texas != query_template("SELECT river.length FROM river WHERE river.traverse = 'ohio'")
    assert query_template("SELECT a FROM t LIMIT 3") == query_template("SELECT a FROM t LIMIT 5")
    assert query_template("SELEC x frm 'a' 3") == "selec x frm ? ?"  # unparseable: masked token-wise


def _fake_metrics(variant, flags):
    items = [{"idx": i, "ex": bool(f), "em": bool(f), "joins_bucket": ["0", "1", "2", "3+"][i % 4],
              "gold_sql": f"SELECT c{i % 8} FROM t WHERE x = {i}"} for i, f in enumerate(flags)]  # 8 templates
    n = len(items)
    by_joins = {}
    for k in ("0", "1", "2", "3+"):
        sub = [it for it in items if it["joins_bucket"] == k]
        by_joins[k] = {"n": len(sub), "ex": sum(it["ex"] for it in sub) / len(sub), "em": None}
    return {"variant": variant, "n": n, "ex": sum(flags) / n, "em": sum(flags) / n, "by_joins": by_joins,
            "by_hardness": {"easy": {"n": n, "ex": sum(flags) / n}}, "items": items,
            "prompt_tokens_per_question": 123.4, "seconds_per_question": 0.912}


def _fake_replay(flags):
    m = _fake_metrics("x", flags)
    by_joins = {k: {"n": v["n"], "ex": v["ex"]} for k, v in m["by_joins"].items()}
    return {"n": m["n"], "samples": 1, "by_k": {"1": {"ex": m["ex"], "by_joins": by_joins, "oracle_ex": m["ex"],
                                                      "oracle_by_joins": by_joins, "items": m["items"]}}}


def _numbers(text):
    """Decimal figures, not digits inside names such as Qwen2.5-Coder-0.5B."""
    return set(re.findall(r"(?<![\w.])-?\d+\.\d+(?![\w.])", text))


def test_ablation_rows_read_what_each_retrained_run_changed_from_its_declared_training():
    """experiments.yaml: an ablation names the model it `ablates`; the change comes from both models' `train`."""
    seed1 = ablation_of("graph-balanced-lora-seed1")
    assert seed1.label() == "graph-balanced-lora: training seed 1" and seed1.run == "graph_balanced_seed1_cpu"
    off = ablation_of("graph-balanced-gpu-lora-no_table_selection_join_path")
    assert off.label() == "graph-balanced-gpu-lora: without table selection, join path"
    assert (off.full_run, off.run) == ("graph_balanced_gpu", "graph_no_table_selection_join_path_gpu")
    assert ablation_of("graph-balanced-gpu-lora-no_augmentation_2ep").off.endswith("; 2 epochs")
    assert ablation_of("graph-balanced-gpu-lora") is None and ablation_of("graph-unseen-gpu-lora") is None


def test_seed_spread_gathers_every_seed_of_a_recipe_and_places_its_ablations():
    def entry(a, b):
        return {"all": {"a": a, "b": b}}
    comparisons = {"ablations/dev/r-seed1:as_trained-vs-r:as_trained": entry(0.5, 0.56),
                   "ablations/dev/r-seed2:as_trained-vs-r:as_trained": entry(0.5, 0.53),
                   "ablations/dev/r-no_x:as_trained-vs-r:as_trained": entry(0.5, 0.52),
                   "ablations/dev/r-no_y:as_trained-vs-r:as_trained": entry(0.5, 0.4),
                   "ablations/dev/r-no_z:as_trained-vs-r:as_trained": entry(0.5, 0.6),
                   "ablations/geo/r-no_x:as_trained-vs-r:as_trained": entry(0.3, 0.2),
                   "systems/dev/a-vs-b": entry(0.1, 0.2)}
    def change(tag):  # r-seedN: reseeded; r-no_X: X switched off
        name = tag.removeprefix("r-")
        seed = int(name.removeprefix("seed")) if name.startswith("seed") else None
        return Ablation(tag, "r", () if seed else (name.removeprefix("no_"),), seed, None, "r", name)
    spreads = _seed_spreads(comparisons, change)
    assert list(spreads) == ["seed_spread/dev/r"]          # no reseeded run on geo: no spread there
    s = spreads["seed_spread/dev/r"]
    assert s["ex_by_seed"] == {"0": 0.5, "1": 0.56, "2": 0.53} and s["runs"] == 3
    assert s["mean"] == 0.53 and s["range"] == 0.06 and abs(s["sd"] - 0.03) < 1e-9
    assert s["ablations"] == {"x": {"ex": 0.52, "seed_range": "inside"}, "y": {"ex": 0.4, "seed_range": "below"},
                              "z": {"ex": 0.6, "seed_range": "above"}}


def test_report_numbers_all_come_from_results(tmp_path):
    results = tmp_path / "results"
    folder = results / "spider-dev-all" / "base"
    folder.mkdir(parents=True)
    (folder / "ddl_full.json").write_text(json.dumps(_fake_metrics("ddl_full", [1, 0, 0, 1] * 10)))
    (folder / "graph_pruned_sc5.json").write_text(json.dumps(_fake_metrics("graph_pruned_sc5", [1, 1, 0, 1] * 10)))
    (folder / "ddl_pruned.json").write_text(json.dumps(_fake_metrics("ddl_pruned", [1, 0, 0, 0] * 10)))
    (folder / "ddl_pruned_t2.json").write_text(json.dumps(_fake_metrics("ddl_pruned_t2", [0, 0, 0, 1] * 10)))
    (folder / "ddl_pruned_graph3.json").write_text(json.dumps(_fake_metrics("ddl_pruned_graph3", [1, 0, 1, 0] * 10)))
    lora = results / "spider-dev-all" / "graph-lora"
    lora.mkdir(parents=True)
    (lora / "as_trained.json").write_text(json.dumps(_fake_metrics("as_trained", [1, 1, 1, 0] * 10)))
    balanced = results / "spider-dev-all" / "graph-balanced-lora"   # the reference of the ablations
    balanced.mkdir(parents=True)
    (balanced / "as_trained.json").write_text(json.dumps(_fake_metrics("as_trained", [1, 1, 1, 0] * 10)))
    ablated = results / "spider-dev-all" / "graph-balanced-lora-no_perturb"
    ablated.mkdir(parents=True)
    (ablated / "as_trained.json").write_text(json.dumps(_fake_metrics("as_trained", [1, 1, 0, 0] * 10)))
    (results / "published").mkdir()
    (results / "published" / "llm_published.json").write_text(json.dumps({"systems": [{
        "system": "GPT-4o", "parameters": "undisclosed", "citation": {"authors": "A. Author, B. Author",
                                                                       "venue": "arXiv", "year": 2025},
        "figures": [{"dataset": "Spider", "split": "dev", "metric": "spider_ex", "value": 81.25,
                     "verified_in_session": True}, {"dataset": "BIRD", "split": "dev", "value": None}]},
        {"system": "GPT-4o (direct prompting, OmniSQL evaluation)", "parameters": "undisclosed",
         "citation": {"authors": "C. Author", "venue": "arXiv", "year": 2025},
         "figures": [{"dataset": "Spider", "split": "dev", "metric": "spider_ex", "value": 70.9, "setting": "greedy"}]}]}))
    (folder / "compact_pruned_t2_c4.json").write_text(json.dumps(_fake_metrics("compact_pruned_t2_c4",
                                                                                [1, 1, 0, 0] * 10)))
    (results / "benchmarks").mkdir()
    (results / "benchmarks" / "bench_pipeline.json").write_text(json.dumps({
        "n_questions": 40, "provenance": {"command": "python benchmarks/bench_pipeline.py ",
                                          "settings": {"max_tables": 4}},
        "prompt_sizes": {"ddl_full": {"mean_prompt_tokens": 306.9, "ratio_to_ddl_full": 1.0, "mean_schema_tokens": 231.3,
                                      "schema_ratio_to_ddl_full": 1.0, "gold_tables_kept": 1.0, "gold_columns_kept": 1.0},
                         "compact_pruned_t2_c4": {"mean_prompt_tokens": 149.6, "ratio_to_ddl_full": 0.487,
                                                  "mean_schema_tokens": 73.3, "schema_ratio_to_ddl_full": 0.317,
                                                  "gold_tables_kept": 0.9946, "gold_columns_kept": 0.9631}},
        "targets": {"pruned_tokens_at_most_half": {"best": "compact_pruned_t2_c4", "ratio": 0.487, "met": True}}}))
    dpo = results / "spider-dev-all" / "graph-balanced-dpo-lora"
    dpo.mkdir(parents=True)
    (dpo / "as_trained.json").write_text(json.dumps(_fake_metrics("as_trained", [1, 1, 1, 1] * 10)))
    (results / "dpo").mkdir()
    (results / "dpo" / "graph_cpu.json").write_text(json.dumps({
        "sampling": {"questions": 240, "candidates": 800, "candidates_right": 300, "candidates_failing": 50,
                     "questions_all_right": 20, "questions_none_right": 90, "pairs": 380, "pairs_chosen_is_gold": 150,
                     "pairs_multi_table": 170, "margin_median": 0.4},
        "training": {"steps": 48, "pairs": 380, "train_loss": 0.61, "first": {"step": 1, "loss": 0.6931},
                     "last": {"step": 48, "loss": 0.41, "rewards/margins": 0.77, "rewards/accuracies": 0.875}},
        "config": {"adapter": "models/x"}, "provenance": {}}))
    for tag, flags in (("graph-balanced-gpu-lora", [1, 1, 1, 0]), ("plain-gpu-lora", [1, 0, 0, 1]),
                       ("graph-decomposed-gpu-lora", [1, 1, 0, 0]), ("graph-balanced-gpu-dpo-lora", [1, 1, 1, 1])):
        folder_gpu = results / "spider-dev-all" / tag
        folder_gpu.mkdir(parents=True)
        (folder_gpu / "as_trained.json").write_text(json.dumps(_fake_metrics("as_trained", flags * 10)))
    gpu = results / "spider-dev-all" / "graph-balanced-gpu-lora"
    (gpu / "as_trained_sc5.json").write_text(json.dumps(_fake_metrics("as_trained_sc5", [1, 1, 1, 1] * 10)))
    for tag, stem, flags in (("graph-balanced-gpu-lora", "as_trained", [1, 1, 0, 0]),
                             ("graph-balanced-gpu-lora", "as_trained_repairs_columns", [1, 1, 1, 0]),
                             ("graph-balanced-gpu-lora", "as_trained_repairs", [1, 1, 1, 1]),
                             ("plain-gpu-lora", "as_trained_repairs", [1, 0, 0, 1])):
        replay = results / "spider-dev-all" / tag / "replays"
        replay.mkdir(parents=True, exist_ok=True)
        (replay / f"{stem}.json").write_text(json.dumps(_fake_replay(flags * 10)))
    gpu_ablated = results / "spider-dev-all" / "graph-balanced-gpu-lora-no_table_selection_join_path"
    gpu_ablated.mkdir(parents=True)
    (gpu_ablated / "as_trained.json").write_text(json.dumps(_fake_metrics("as_trained", [0, 1, 1, 0] * 10)))
    reseeded = results / "spider-dev-all" / "graph-balanced-lora-seed1"  # the same recipe, seed 1
    reseeded.mkdir(parents=True)
    (reseeded / "as_trained.json").write_text(json.dumps(_fake_metrics("as_trained", [1, 1, 0, 1] * 10)))
    (results / "train").mkdir()
    (results / "train" / "graph_gpu.json").write_text(json.dumps({
        "run": "graph_gpu", "config": {"samples": "runs/augment/g/samples.jsonl", "batch_tokens": 8192, "grad_accum": 4},
        "metrics": {"device": "cuda:0", "precision": "bf16", "steps": 305, "tokens": 9595495, "tokens_per_s": 28472.1,
                    "elapsed_s": 337.0, "stopped_by": "max_minutes", "first_loss": 0.4424, "final_loss": 0.0453},
        "epochs_seen": 1.003, "tokens_per_step": 32768, "minutes": 5.6,
        "log": [{"step": 1, "tokens": 31730, "loss": 0.4424, "lr": 1e-5}, {"step": 2, "tokens": 63000, "loss": 0.3, "lr": 2e-5}]}))
    for run, tokens, epochs, gpu in (("graph_balanced_gpu", 9595495, 1.003, "NVIDIA H100"),
                                     ("graph_no_table_selection_join_path_gpu", 3433470, 2.0, None),
                                     ("graph_balanced_seed1_cpu", 9612345, 1.005, None)):
        (results / "train" / f"{run}.json").write_text(json.dumps({
            "run": run, "config": {"samples": f"runs/augment/{run}/samples.jsonl"}, "epochs_seen": epochs,
            "metrics": {"device": "cuda:0", "gpu": gpu, "precision": "bf16", "steps": 110, "tokens": tokens,
                        "tokens_per_s": 3e4, "elapsed_s": 60.0, "stopped_by": "epochs"},
            "tokens_per_step": 32768, "minutes": 1.0, "log": []}))
    bird = results / "bird-dev-strat300-seed0-schema" / "graph-balanced-gpu-lora" / "replays"
    bird.mkdir(parents=True)
    scores = {"precision": 0.5, "recall": 0.25, "f1": 0.3125, "exact": 0.125}
    (bird / "as_trained_repairs.json").write_text(json.dumps({"n": 300, "executable": 0.7, "tables": scores,
                                                           "columns": scores}))
    bird_items = {"graph-balanced-gpu-lora": (1.0, 0.5), "plain-gpu-lora": (0.5, 0.25)}  # (tables F1, columns F1)
    for tag, (tf1, cf1) in bird_items.items():
        folder_bird = results / "bird-dev-strat100-seed0-schema" / tag
        folder_bird.mkdir(parents=True)
        items = [{"idx": i, "executable": i % 2 == 0, "tables": {"f1": tf1 if i % 4 else 0.0},
                  "columns": {"f1": cf1}} for i in range(40)]
        (folder_bird / "as_trained.json").write_text(json.dumps({"n": 40, "executable": 0.5, "tables": scores,
                                                                 "columns": scores, "items": items}))
    few = [{"idx": i, "executable": True, "tables": {"f1": 1.0}, "columns": {"f1": 0.5}} for i in range(40)]
    (results / "bird-dev-strat100-seed0-schema" / "graph-balanced-gpu-lora" / "compact_pruned_qsim3_bird.json"
     ).write_text(json.dumps({"n": 40, "executable": 1.0, "tables": scores, "columns": scores, "items": few}))
    geo = results / "geo-query_test-all" / "graph-balanced-gpu-lora"
    geo.mkdir(parents=True)
    for variant, flags in (("as_trained", [1, 0, 0, 0]), ("compact_pruned_qsim3_geo", [1, 1, 1, 0]),
                           ("compact_pruned_rand3_geo", [1, 1, 0, 0]), ("compact_pruned_graph3_geo", [1, 0, 0, 1])):
        (geo / f"{variant}.json").write_text(json.dumps(_fake_metrics(variant, flags * 10)))
    out = write_report(results, tmp_path / "docs" / "report.md")
    text = out.read_text() + (tmp_path / "docs" / "report_appendix.md").read_text()  # the report and its appendix
    assert ("| graph LoRA, rebalanced, 24x the tokens (9.6M, H100) + join and column repairs (replayed) | "
            "bird-dev-strat300-seed0 | 300 | 70.0 | 50.0 | 25.0 | 31.2 | 12.5 |") in text
    assert ("| bird-dev-strat100-seed0 | graph LoRA, rebalanced, 24x the tokens (9.6M, H100) | plain LoRA, 24x the "
            "tokens (9.6M, H100) | tables F1 | 40 | 37.5 | 75.0 | 37.5 | [") in text
    assert ("| plain LoRA, 24x the tokens (9.6M, H100) | columns F1 | 40 | 25.0 | 50.0 | 25.0 | [25.0, 25.0] |"
            in text)
    assert ("- `bird-dev-strat100-seed0` (schema level): graph LoRA, rebalanced, 24x the tokens (9.6M, H100) beats "
            "plain LoRA, 24x the tokens (9.6M, H100) on tables F1 by 37.5 points") in text
    assert ("vs plain LoRA, 24x the tokens (9.6M, H100) on runs on the schema: 0.0 points (95% CI [0.0, 0.0], n = 40); "
            "the interval includes 0") in text
    bird_fewshot = ("graph-balanced-gpu-lora:compact_pruned_qsim3_bird (3 similar question demonstrations from other "
                    "BIRD dev questions)")
    assert f"| {bird_fewshot} | bird-dev-strat100-seed0 | 40 | 100.0 |" in text
    assert (f"| bird-dev-strat100-seed0 | {bird_fewshot} | graph LoRA, rebalanced, 24x the tokens (9.6M, H100) | "
            "tables F1 | 40 | 75.0 | 100.0 | 25.0 | [") in text
    assert (f"{bird_fewshot} beats graph LoRA, rebalanced, 24x the tokens (9.6M, H100) on tables F1 by 25.0 "
            "points") in text
    targets = text.split("## Issue 5 targets")[1].split("\n## ")[0]
    assert "| `spider-dev-all` | greedy | 40 | 75.0 (met) | 20 | 50.0 (met) | 50.0 | 0.0 [-40.0, 40.0] (not shown: the interval includes 0) |" in targets
    assert "| `spider-dev-all` | self-consistency (5); plain LoRA greedy | 40 | 100.0 (met) | 20 | 100.0 (met) | 50.0 | 50.0 [" in targets
    assert ("| `spider-dev-all` | greedy + join and column repairs (as `graphsql ask`); plain LoRA with the same "
            "fixes | 40 | 100.0 (met) | 20 | 100.0 (met) | 50.0 | 50.0 [") in targets
    findings = text.split("## Findings")[1].split("\n## ")[0]
    assert ("graph LoRA, rebalanced, 24x the tokens (9.6M, H100) + join and column repairs (replayed) beats "
            "graph LoRA, rebalanced, 24x the tokens (9.6M, H100) + column fix (replayed) overall by 25.0") in findings
    assert "plain LoRA, 24x the tokens (9.6M, H100) + join and column repairs (replayed)" in findings
    assert "Resampling whole query templates (8 of them): 95% CI [" in findings  # beside each difference shown
    beside = text.split("## Beside published figures")[1].split("\n## ")[0]
    assert "| default adapter, greedy (measurement protocol) | 0.5B + LoRA (17 MiB) | 40 | 75.0 | measured here |" in beside
    assert "| default adapter, greedy + repairs (as `graphsql ask`; replayed) | 0.5B + LoRA (17 MiB) | 40 | 100.0 |" in beside
    assert "| GPT-4o (direct prompting, OmniSQL evaluation) | undisclosed | – | 70.9 (published) | greedy | C. Author et al., arXiv 2025 |" in beside
    assert "81.25" not in beside   # only the systems named for it
    learnat = text.split("## LearNAT's parts in our system")[1].split("\n## ")[0]
    assert "| AST-guided decomposition | trained to answer" in learnat
    assert "| spider-dev-all | 40 | 75.0 | 50.0 | -25.0 |" in learnat  # with decomposition vs without
    assert "| DPO from execution feedback |" in learnat and "GPT-4o" not in learnat
    assert "| DPO from execution feedback | the same, on the default adapter (sampled and trained on this CPU) | spider-dev-all | 40 | 75.0 | 100.0 | 25.0 |" in learnat
    training = text.split("## Training runs")[1].split("\n## ")[0]
    assert ("| `graph_gpu` | `runs/augment/g/samples.jsonl` | cuda:0 | bf16 | 32,768 | 305 | 9,595,495 | 1.003 | "
            "28,472 | 5.6 | max_minutes | 0.442 → 0.045 |") in training
    assert "| `graph_balanced_gpu` | `runs/augment/graph_balanced_gpu/samples.jsonl` | cuda:0 (NVIDIA H100) |" in training
    assert (tmp_path / "docs" / "figures" / "training_loss.png").stat().st_size > 5000
    dpo_text = text.split("## Preference training")[1].split("\n## ")[0]
    assert "spider-dev-all: graph-balanced-gpu-dpo-lora:as_trained vs graph-balanced-gpu-lora:as_trained | 40 |" in dpo_text
    assert "| `graph_cpu` | `models/x` | 240 | 800 | 300 | 50 | 90 | 380 | 150 | 170 | 48 | 0.693 → 0.410 | 0.610 | – → 0.770 | 0.875 |" in dpo_text
    assert "graph-balanced-dpo-lora:as_trained vs graph-balanced-lora:as_trained | 40 | 75.0 | 100.0 | 25.0 |" in dpo_text
    size = text.split("## Prompt size")[1].split("\n## ")[0]
    assert "| `compact_pruned_t2_c4` | 149.6 | 0.487 | 0.317 | 99.5 | 96.3 | 50.0 |" in size
    assert "| `ddl_full` | 306.9 | 1.0 | 1.0 | 100.0 | 100.0 | 50.0 |" in size
    assert "`compact_pruned_t2_c4`, 0.487 × the full-DDL prompt (target ≤ 0.5: met)" in size
    main = text.split("## Main results on `spider-dev-all`")[1].split("\n## ")[0]
    assert "| Qwen2.5-Coder-0.5B zero-shot, full DDL | 40 | 50.0 |" in main
    assert "| graph LoRA (graph-pruned prompt, augmented) | 40 | 75.0 |" in main
    assert "graph-lora:as_trained vs base:ddl_full | 40 | 50.0 | 75.0 | 25.0 |" in main
    assert (tmp_path / "docs" / "figures" / "main_joins_spider-dev-all.png").stat().st_size > 5000
    assert "| `graph-balanced-lora` | perturb | spider-dev-all | – | – | 40 | 75.0 | 50.0 | -25.0 |" in text
    assert ("| `graph-balanced-gpu-lora` | table selection, join path | spider-dev-all | 9.6M (1.003) | 3.4M (2.0) | "
            "40 | 75.0 | 50.0 | -25.0 |") in text  # tokens seen by the full and the ablated adapter
    assert ("| `graph-balanced-lora` | nothing: the same recipe, training seed 1 | spider-dev-all | – | "
            "9.6M (1.005) | 40 | 75.0 | 75.0 | 0.0 |") in text  # run-to-run spread beside the ablations
    # the spread of the reseeded recipe (seeds 0 and 1), and its ablation outside it; none for the unseeded one
    assert ("| `graph-balanced-lora` | spider-dev-all | 2 | 0: 75.0, 1: 75.0 | 75.0 | 0.0 | 0.0 | "
            "without perturb 50.0 (below) |") in text
    assert "No reseeded run yet of `graph-balanced-gpu-lora`: its ablation rows have no run-to-run spread" in text
    ablation_row = next(line for line in text.splitlines() if line.startswith("| `graph-balanced-gpu-lora` | table"))
    assert "| 20 | 0.0 | [0.0, 0.0] | [" in ablation_row  # 2+ JOIN (1 JOIN only in comparisons.json)
    assert ablation_row.endswith("] (8) |")  # then the interval with the 8 query templates resampled
    assert "| ddl | Spider train (other databases) | graph-similar (same join structure) | 25.0 (0.0) | 50.0 (100.0) |" in text
    assert "| ddl_pruned_graph3 | ddl_pruned | 40 | 25.0 | 50.0 | 25.0 |" in text
    fewshot_geo = text.split("### `graph-balanced-gpu-lora` on `geo-query_test-all`")[1].split("\n## ")[0]
    assert ("| compact | GeoQuery query-split train (same database) | similar question | 25.0 (0.0) | 75.0 (100.0) |"
            in fewshot_geo)
    assert "| compact_pruned_qsim3_geo | as_trained | 40 | 25.0 | 75.0 | 50.0 |" in fewshot_geo
    qsim_row = next(line for line in fewshot_geo.splitlines() if line.startswith("| compact_pruned_qsim3_geo | as_"))
    assert qsim_row.endswith("] (8) |")  # and with the 8 query templates resampled
    assert "| compact_pruned_qsim3_geo | compact_pruned_rand3_geo | 40 | 50.0 | 75.0 | 25.0 |" in fewshot_geo
    # similar-question against graph-similar demonstrations: the two selectors `auto` chooses between
    assert "| compact_pruned_qsim3_geo | compact_pruned_graph3_geo | 40 | 50.0 | 75.0 | 25.0 |" in fewshot_geo
    assert ("graph-balanced-gpu-lora:compact_pruned_qsim3_geo (3 similar question demonstrations from GeoQuery "
            "train) beats graph-balanced-gpu-lora:as_trained (zero-shot)") in text
    budget = text.split("## Ablation: pruning budget")[1].split("\n## ")[0]
    assert "| ddl | full | 40 | 50.0 |" in budget and "| ddl | 2 | 40 | 25.0 | 0.0 | 0.0 | 0.0 | 100.0 | 123.4 |" in budget   # few-shot vs zero-shot, bootstrap
    assert "| GPT-4o | undisclosed | Spider | dev | spider_ex | – | 81.25 (published) | A. Author et al., arXiv 2025 | yes |" in text
    assert "BIRD" not in text.split("## LLM systems")[1].split("\n## ")[0].split("|---|")[1].split("Source")[0]
    assert "results/spider-dev-all/base/ddl_full.json" in text or "ddl_full.json" in text
    assert (tmp_path / "docs" / "figures" / "joins_base_spider-dev-all.png").stat().st_size > 5000
    figures = tmp_path / "docs" / "figures"
    for name in ("ablations.png", "fewshot_base_spider-dev-all.png", "fewshot_graph-balanced-gpu-lora_geo-query_test-all.png",
                 "bird_fewshot_graph-balanced-gpu-lora_bird-dev-strat100-seed0.png"):
        assert (figures / name).stat().st_size > 5000, name
        assert f"(figures/{name})" in text, name  # linked from the report
    allowed = set()
    for path in results.rglob("*.json"):
        for raw in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", path.read_text()):
            value = float(raw)
            allowed |= {f"{value:.1f}", f"{100 * value:.1f}", f"{value:.3f}", raw}
    missing = sorted(n for n in _numbers(text) if n not in allowed)
    assert not missing, f"numbers in the report not found in results: {missing}"
    again = write_report(results, tmp_path / "docs" / "report.md")
    assert again.read_text() + (tmp_path / "docs" / "report_appendix.md").read_text() == text  # identical on rebuild


def test_committed_report_is_what_the_committed_results_give(tmp_path):
    """docs/report.md is rebuilt from results/ byte for byte, and every decimal figure in it is in a results file."""
    import shutil

    from graphsql.config import REPO_ROOT

    results = tmp_path / "results"
    shutil.copytree(REPO_ROOT / "results", results)
    out = write_report(results, tmp_path / "docs" / "report.md")
    committed = (REPO_ROOT / "docs" / "report.md").read_text()
    assert out.read_text().replace(str(tmp_path) + "/", "") == committed, "run `graphsql report` and commit"
    appendix = (REPO_ROOT / "docs" / "report_appendix.md").read_text()
    assert (tmp_path / "docs" / "report_appendix.md").read_text().replace(str(tmp_path) + "/", "") == appendix
    assert len(committed.encode()) < 32_000, "the main report should stay short: move tables to the appendix"
    committed += appendix
    allowed = set()
    for path in results.rglob("*.json"):
        for raw in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", path.read_text()):
            value = float(raw)
            allowed |= {f"{value:.1f}", f"{100 * value:.1f}", f"{value:.3f}", raw}
    assert not sorted(n for n in _numbers(committed) if n not in allowed)


def _merged_comparisons(intervals: dict[str, tuple[float, float]]) -> dict:
    """Hand-made comparisons of merged formats against the run-time adapter: {format: greedy interval}; the
    repairs interval of each is (-0.01, 0.01)."""
    out = {}
    for quant, ci in intervals.items():
        for kind, variant in (("systems", "as_trained"), ("replays", "as_trained_repairs")):
            key = (f"{kind}/spider-dev-strat300-seed0/graph-balanced-gpu-merged-{quant}:{variant}"
                   f"-vs-graph-balanced-gpu-lora:{variant}")
            out[key] = {"all": {"n": 300, "a": 0.66, "b": 0.65, "diff": -0.01,
                                "ci95": list(ci if kind == "systems" else (-0.01, 0.01))}}
    out["systems/spider-dev-strat300-seed0/plain-gpu-lora:as_trained-vs-base:ddl_full"] = {
        "all": {"n": 300, "a": 0.3, "b": 0.5, "diff": 0.2, "ci95": [0.1, 0.3]}}
    return out


def test_default_quant_is_the_fastest_format_whose_intervals_include_zero():
    from graphsql.report import merged_accuracy, pick_default_quant

    comparisons = _merged_comparisons({"q8_0": (-0.02, 0.02), "q4_k_m": (-0.04, 0.01), "q4_0": (-0.3, -0.1)})
    bench = {"systems": {"merged_q8_0": {"p50_s": 2.0}, "merged_q4_k_m": {"p50_s": 1.8}, "merged_q4_0": {"p50_s": 1.5}}}
    assert sorted(merged_accuracy(comparisons)) == ["q4_0", "q4_k_m", "q8_0"]
    assert pick_default_quant(comparisons, bench) == "q4_k_m"  # q4_0 is faster but its interval is below zero
    comparisons = _merged_comparisons({"q8_0": (-0.02, 0.02), "q4_k_m": (-0.04, -0.01)})
    assert pick_default_quant(comparisons, bench) == "q8_0"
    assert pick_default_quant(_merged_comparisons({"q8_0": (0.01, 0.02)}), bench) is None
    assert pick_default_quant(comparisons, {"systems": {}}) is None  # no speed measured: no pick


def test_speed_section_reports_the_benchmark_and_the_merged_accuracy(tmp_path):
    from graphsql.report.inference import _speed_section

    results = tmp_path / "results"
    results.mkdir()
    system = {"p50_s": 1.2, "p95_s": 2.5, "mean_s": 1.4, "n": 100, "prompt_tokens_per_s": 150.5,
              "generated_tokens_per_s": 25.5, "prompt_tokens_total": 200, "prompt_tokens_reused": 50,
              "stage_mean_s": {"prompt": 0.002, "generate": 1.39, "execute": 0.004}}
    bench = {"questions": {"n": 100, "subset": "strat100-seed0"},
             "systems": {"merged_q8_0": system, "bare_generation": {**system, "mean_s": 1.25}},
             "ratios": {"merged_q8_0": {"mean_over_bare_generation": 1.12}},
             "targets": {"default": "merged_q8_0", "default_p50_at_most_0.6s": {"p50_s": 1.2, "met": False}}}
    (results / "benchmarks").mkdir(parents=True, exist_ok=True)
    (results / "benchmarks" / "bench_speed.json").write_text(json.dumps(bench))
    text = "\n".join(_speed_section(results, _merged_comparisons({"q8_0": (-0.02, 0.02)}), tmp_path))
    assert "| q8_0 | spider-dev-strat300-seed0 | greedy | 300 | 66.0 | 65.0 | -1.0 | [-2.0, 2.0] |" in text
    assert "| `merged_q8_0` | 1.2 | 2.5 | 1.4 | 1.12 | 0.002 / 1.390 / 0.004 | 150.5 | 25.5 | 25% | – |" in text
    assert "that is **q8_0**" in text
    assert "- default_p50_at_most_0.6s: p50_s 1.2: not met" in text
    assert "plain-gpu-lora" not in text


def test_robust_probe_is_compared_item_by_item_with_the_original_questions(tmp_path):
    from graphsql.report import compute_comparisons

    results = tmp_path / "results"
    flags_a, flags_b = [1, 1, 0, 1] * 10, [1, 0, 0, 1] * 10          # the reworded items (odd idx) lose
    for subset, flags in (("spider-dev-strat40-seed0", flags_a), ("spider-dev_synonym-strat40-seed0", flags_b)):
        folder = results / subset / "m"
        folder.mkdir(parents=True)
        metrics = _fake_metrics("as_trained", flags)
        if "synonym" in subset:
            for it in metrics["items"]:
                it["reworded"] = it["idx"] % 2 == 1
                # rules as the knowledge probe records them: idx 1, 5, ... by two rules, 3, 7, ... by one
                it["rules"] = "" if it["idx"] % 2 == 0 else "value+omit_name" if it["idx"] % 4 == 1 else "value"
        (folder / "as_trained.json").write_text(json.dumps(metrics))
    (results / "robust").mkdir()
    (results / "robust" / "spider-dev.json").write_text(json.dumps({"splits": {"dev_synonym": {
        "items": 40, "reworded": 20, "reworded_share": 0.5, "words_replaced": 25, "top_replacements": ["a -> b (3)"],
        "examples": [{"original": "How many singers?", "reworded": "How many vocalists?"}]}}}))
    comparisons = json.loads(compute_comparisons(results).read_text())["comparisons"]
    entry = comparisons["robust/m/spider-dev_synonym-strat40-seed0/as_trained-vs-original"]
    assert entry["all"]["n"] == 40 and entry["all"]["diff"] == -0.25
    assert entry["reworded"]["n"] == 20 and entry["reworded"]["diff"] == -0.5
    assert entry["rule_value"]["n"] == 20 and entry["rule_omit_name"]["n"] == 10  # an item of two rules in both
    assert entry["rule_omit_name"]["diff"] == -1.0 and entry["rule_value"]["diff"] == -0.5
    text = write_report(results, tmp_path / "docs" / "report.md").read_text()
    assert "`omit_name` (10) 100.0 -> 0.0 (-100.0 [-100.0, -100.0]); `value` (20)" in text
    assert "## Robustness probes" in text and "How many vocalists?" in text
    assert "| `m` | `dev_synonym` (strat40-seed0) | greedy, as generated | 40 | 75.0 | 50.0 | -25.0 |" in text


def test_readme_results_table_is_what_the_committed_results_give(tmp_path):
    from graphsql.config import REPO_ROOT
    from graphsql.report import README_END, README_START, headline_lines, update_readme

    readme = (REPO_ROOT / "README.md").read_text()
    assert README_START in readme, "the README lost its generated results block"
    copy = tmp_path / "README.md"
    copy.write_text(readme)
    lines = headline_lines(REPO_ROOT / "results")
    assert lines and lines[0].startswith("| system |") and sum(line.startswith("- **") for line in lines) >= 4
    assert not update_readme(copy, lines), "run `graphsql report` and commit README.md"
    # the block is replaced, the rest kept
    copy.write_text(f"intro\n{README_START}\nold\n{README_END}\nrest\n")
    assert update_readme(copy, ["new"]) and copy.read_text() == f"intro\n{README_START}\nnew\n{README_END}\nrest\n"


def test_latex_tables_and_pdf_figure_carry_the_headline_numbers(tmp_path):
    from graphsql.config import REPO_ROOT
    from graphsql.report import headline_rows, write_latex

    paths = write_latex(REPO_ROOT / "results", tmp_path / "paper")
    assert [p.name for p in paths] == ["headline.tex", "joins.tex", "joins.pdf"]
    table = paths[0].read_text()
    assert "\\toprule" in table and "\\bottomrule" in table and table.count("\\\\\n") == 2 + len(headline_rows(
        REPO_ROOT / "results"))
    first = headline_rows(REPO_ROOT / "results")[1]
    assert f"& {100 * first['ex']:.1f} & {100 * first['vs_base']['diff']:.1f} [" in table
    assert paths[2].read_bytes().startswith(b"%PDF") and paths[2].stat().st_size > 5000
    again = write_latex(REPO_ROOT / "results", tmp_path / "again")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in paths]  # byte for byte


def test_readme_serving_measurements_are_what_the_committed_results_give(tmp_path):
    """The README's "Scaling out" section carries the serving benchmark's table, generated (never typed)."""
    from graphsql.config import REPO_ROOT
    from graphsql.report.headline import SCALING_END, SCALING_START, update_readme
    from graphsql.report.product import serving_table

    copy = tmp_path / "README.md"
    copy.write_text((REPO_ROOT / "README.md").read_text())
    lines = serving_table(REPO_ROOT / "results", REPO_ROOT)
    assert any(line.startswith("| server_workers_") for line in lines)
    assert not update_readme(copy, lines, SCALING_START, SCALING_END), "run `graphsql report` and commit README.md"


def test_fallback_section_pairs_each_run_with_its_own_answers_before_the_fallback(tmp_path):
    """The fallback variant's rows come from one run: its items against the answers the fallback replaced."""
    from graphsql.report.inference import fallback_section

    results = tmp_path / "results"
    m = _fake_metrics("ask_fb4", [1, 1, 0, 1] * 10)
    for it in m["items"][:8]:
        it["fallback"] = True
    m["without_fallback"] = {"ex": 0.55, "ex_items": {str(it["idx"]): it["ex"] and it["idx"] >= 8 for it in m["items"]}}
    folder = results / "geo-all-strat300-seed0" / "merged"
    folder.mkdir(parents=True)
    (folder / "ask_fb4.json").write_text(json.dumps(m))
    bird = results / "bird-dev-strat300-seed0-schema" / "merged"
    bird.mkdir(parents=True)
    items = [{"idx": i, "executable": True, "columns": {"f1": 0.5}, "fallback": i < 3} for i in range(10)]
    before = [{"idx": i, "executable": i >= 3, "columns_f1": 0.5 if i >= 3 else 0.0} for i in range(10)]
    (bird / "ask_fb4.json").write_text(json.dumps({"n": 10, "items": items, "without_fallback": {"items": before}}))
    comparisons = {"merged/geo-all-strat300-seed0/ask_fb4_t6-vs-ask_fb4": {
        "all": {"n": 40, "a": 0.75, "b": 0.8, "diff": 0.05, "ci95": [0.0, 0.1]},
        "joins_2+": {"n": 20, "a": 0.5, "b": 0.5, "diff": 0.0, "ci95": [-0.1, 0.1]}}}
    text = "\n".join(fallback_section(results, tmp_path, comparisons))
    # geo: 6 of the 8 replaced answers are right (items 0, 1, 3 of each four): 60.0 -> 75.0
    assert "Model `merged`, variant `ask_fb4`" in text
    assert "| `geo-all-strat300-seed0` | 40 | 8 | EX | 60.0 | 75.0 | +15.0 [" in text
    assert "| `bird-dev-strat300-seed0 (schema level)` | 10 | 3 | queries that run | 70.0 | 100.0 | +30.0 [" in text
    assert ("| a pruning budget of 6 tables (b) against 4 (a) | `geo-all-strat300-seed0` | 40 | 75.0 | 80.0 | "
            "+5.0 [0.0, 10.0] | – |") in text


def test_demonstrations_with_asks_defaults_are_compared_with_ask_zero_shot(tmp_path):
    """ask_fb4_<selector><k>_geo adds demonstrations to everything `ask` does: compared with ask_fb4, as run and
    with the answer rules replayed on both, and shown in the few-shot table with its own zero-shot column."""
    from graphsql.report import compute_comparisons

    results = tmp_path / "results"
    folder = results / "geo-query_test-all" / "m"
    (folder / "replays").mkdir(parents=True)
    zero, shots = [1, 0, 0, 1] * 10, [1, 1, 0, 1] * 10
    for name, flags in (("ask_fb4", zero), ("ask_fb4_graph3_geo", shots)):
        m = _fake_metrics(name, flags)
        m["without_fallback"] = {"ex": m["ex"], "ex_items": {str(it["idx"]): it["ex"] for it in m["items"]}}
        (folder / f"{name}.json").write_text(json.dumps(m))
    # the rules replayed: zero-shot gains a question in four, the demonstrations none
    (folder / "replays" / "ask_fb4_values_names.json").write_text(json.dumps(_fake_replay([1, 0, 1, 1] * 10)))
    (folder / "replays" / "ask_fb4_graph3_geo_values_names.json").write_text(json.dumps(_fake_replay(shots)))
    comparisons = json.loads(compute_comparisons(results).read_text())["comparisons"]
    assert comparisons["fewshot/m/geo-query_test-all/ask_fb4_graph3_geo-vs-ask_fb4"]["all"]["diff"] == 0.25
    replayed = comparisons["fewshot/m/geo-query_test-all/ask_fb4_graph3_geo_values_names-vs-ask_fb4_values_names"]
    assert replayed["all"]["diff"] == 0.0 and replayed["all"]["n"] == 40
    write_report(results, tmp_path / "docs" / "report.md")
    text = (tmp_path / "docs" / "report.md").read_text() + (tmp_path / "docs" / "report_appendix.md").read_text()
    assert ("| `ask` zero-shot | GeoQuery query-split train (same database) | graph-similar (same join structure) | "
            "50.0 (0.0) | 75.0 (0.0) |") in text
    assert "ask_fb4_graph3_geo_values_names (3 graph-similar (same join structure) demonstrations from GeoQuery" in text
    assert "| ask_fb4_graph3_geo_values_names | ask_fb4_values_names | 40 | 75.0 | 75.0 | 0.0 |" in text


def test_join_failures_say_whether_the_prompt_held_the_gold_tables(tmp_path):
    """graphsql experiment join-failures: of the wrong 2+ JOIN answers, those whose prompt lacked a gold table
    (inference could fix) apart from those that had them all (the model's doing), with the JOINs written."""
    from graphsql.experiments.join_failures import join_failures
    from graphsql.report.inference import join_failures_section

    three = ("SELECT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id "
             "JOIN concert AS T3 ON T2.concert_id = T3.concert_id WHERE T3.year = 2014")
    items = [
        {"idx": 0, "db_id": "c", "gold_sql": three, "pred_sql": three, "ex": True, "joins": 2,
         "tables_shown": ["singer", "singer_in_concert", "concert"]},
        {"idx": 1, "db_id": "c", "gold_sql": three, "pred_sql": "SELECT name FROM singer", "ex": False, "joins": 2,
         "error": "wrong_result", "tables_shown": ["singer", "singer_in_concert"]},          # concert pruned away
        {"idx": 2, "db_id": "c", "gold_sql": three, "pred_sql": "SELECT T1.name FROM singer AS T1 JOIN "
         "singer_in_concert AS T2 ON T1.singer_id = T2.singer_id", "ex": False, "joins": 2, "error": "wrong_result",
         "tables_shown": ["singer", "singer_in_concert", "concert"]},                        # all shown, one JOIN
        {"idx": 3, "db_id": "c", "gold_sql": "SELECT count(*) FROM singer", "pred_sql": "SELECT 1", "ex": False,
         "joins": 0, "error": "wrong_result", "tables_shown": ["singer"]},                   # not a 2+ JOIN question
    ]
    out = join_failures(items, {})
    assert (out["n"], out["right"], out["wrong"]) == (3, 1, 2)
    assert out["gold_tables_in_prompt"] == {"all_shown": 1, "some_pruned": 1, "unknown": 0}
    assert out["joins_written_vs_gold"] == {"fewer": 2, "same": 0, "more": 0}
    assert out["categories"]["wrong_tables"] == 2
    path = tmp_path / "results" / "analyses" / "join_failures.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"subset": "spider-dev-all", "min_joins": 2,
                                "systems": {"m:ask": {"label": "ask", **out}}}))
    text = "\n".join(join_failures_section(tmp_path / "results", tmp_path))
    assert "| ask (`m:ask`) | 3 | 1 | 2 | 1 | 1 | 2 / 0 / 0 | 0 | 2 | 0 | 0 | 0 |" in text


def test_detached_joins_counts_what_the_repair_changes_and_fixes(mini_spider, tmp_path):
    """graphsql experiment detached-joins: gold queries it changes, and recorded answers it changes, right before
    and after by execution; the report's table reads the file."""
    from graphsql.data.spider import load_dataset
    from graphsql.experiments.detached_joins import gold_queries, recorded_answers
    from graphsql.report.inference import detached_joins_section

    ds = load_dataset("spider", "dev", root=mini_spider)
    assert gold_queries(ds)["changed"] == 0   # the mini set's gold queries attach every join
    paris = ds.examples[6]
    detached = paris.gold_sql.replace("ON T2.concert_id = T3.concert_id", "ON T2.concert_id = T2.concert_id")
    items = [{"idx": paris.idx, "db_id": "concert", "pred_sql": detached, "ex": False},
             {"idx": 0, "db_id": "concert", "pred_sql": ds.examples[0].gold_sql, "ex": True}]
    run = recorded_answers(items, ds)
    assert (run["n"], run["changed"], run["right_before"], run["right_after"]) == (2, 1, 0, 1)
    total = {"runs": 1, "runs_changed": 1, **{k: run[k] for k in ("n", "changed", "right_before", "right_after")}}
    path = tmp_path / "results" / "analyses" / "detached_joins.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"gold": {"spider-dev": gold_queries(ds)}, "designed_on": [["s", 1]],
                                "design_tag": "m", "answers_designed_on": {"total": total, "runs": {}},
                                "answers_not_read": {"total": {**total, "changed": 0, "right_after": 0},
                                                     "runs": {}}}))
    text = "\n".join(detached_joins_section(tmp_path / "results", tmp_path))
    assert "| spider-dev | 20 | 0 | 0 |" in text and "| read while writing it | 1 | 2 | 1 | 0 | 1 |" in text
