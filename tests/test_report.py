"""Paired bootstrap and the report: every number in the report comes from a results file."""

import json
import re

from graphsql.eval.compare import paired_bootstrap
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


def _fake_metrics(variant, flags):
    items = [{"idx": i, "ex": bool(f), "em": bool(f), "joins_bucket": ["0", "1", "2", "3+"][i % 4]}
             for i, f in enumerate(flags)]
    n = len(items)
    by_joins = {}
    for k in ("0", "1", "2", "3+"):
        sub = [it for it in items if it["joins_bucket"] == k]
        by_joins[k] = {"n": len(sub), "ex": sum(it["ex"] for it in sub) / len(sub), "em": None}
    return {"variant": variant, "n": n, "ex": sum(flags) / n, "em": sum(flags) / n, "by_joins": by_joins,
            "by_hardness": {"easy": {"n": n, "ex": sum(flags) / n}}, "items": items,
            "prompt_tokens_per_question": 123.4, "seconds_per_question": 0.912}


def _numbers(text):
    """Decimal figures, not digits inside names such as Qwen2.5-Coder-0.5B."""
    return set(re.findall(r"(?<![\w.])-?\d+\.\d+(?![\w.])", text))


def test_report_numbers_all_come_from_results(tmp_path):
    results = tmp_path / "results"
    folder = results / "eval" / "base" / "spider-dev-all"
    folder.mkdir(parents=True)
    (folder / "ddl_full.json").write_text(json.dumps(_fake_metrics("ddl_full", [1, 0, 0, 1] * 10)))
    (folder / "graph_pruned_sc5.json").write_text(json.dumps(_fake_metrics("graph_pruned_sc5", [1, 1, 0, 1] * 10)))
    (folder / "ddl_pruned.json").write_text(json.dumps(_fake_metrics("ddl_pruned", [1, 0, 0, 0] * 10)))
    (folder / "ddl_pruned_t2.json").write_text(json.dumps(_fake_metrics("ddl_pruned_t2", [0, 0, 0, 1] * 10)))
    (folder / "ddl_pruned_graph3.json").write_text(json.dumps(_fake_metrics("ddl_pruned_graph3", [1, 0, 1, 0] * 10)))
    lora = results / "eval" / "graph-lora" / "spider-dev-all"
    lora.mkdir(parents=True)
    (lora / "as_trained.json").write_text(json.dumps(_fake_metrics("as_trained", [1, 1, 1, 0] * 10)))
    balanced = results / "eval" / "graph-balanced-lora" / "spider-dev-all"   # the reference of the ablations
    balanced.mkdir(parents=True)
    (balanced / "as_trained.json").write_text(json.dumps(_fake_metrics("as_trained", [1, 1, 1, 0] * 10)))
    ablated = results / "eval" / "graph-balanced-lora-no_synthetic" / "spider-dev-all"
    ablated.mkdir(parents=True)
    (ablated / "as_trained.json").write_text(json.dumps(_fake_metrics("as_trained", [1, 1, 0, 0] * 10)))
    (results / "llm_published.json").write_text(json.dumps({"systems": [{
        "system": "GPT-4o", "parameters": "undisclosed", "citation": {"authors": "A. Author, B. Author",
                                                                       "venue": "arXiv", "year": 2025},
        "figures": [{"dataset": "Spider", "split": "dev", "metric": "spider_ex", "value": 81.25,
                     "verified_in_session": True}, {"dataset": "BIRD", "split": "dev", "value": None}]}]}))
    out = write_report(results, tmp_path / "docs" / "report.md")
    text = out.read_text()
    main = text.split("## Main results on `spider-dev-all`")[1].split("\n## ")[0]
    assert "| Qwen2.5-Coder-0.5B zero-shot, full DDL | 40 | 50.0 |" in main
    assert "| graph LoRA (graph-pruned prompt, augmented) | 40 | 75.0 |" in main
    assert "graph-lora:as_trained vs base:ddl_full | 40 | 50.0 | 75.0 | 25.0 |" in main
    assert (tmp_path / "docs" / "figures" / "main_joins_spider-dev-all.png").stat().st_size > 5000
    assert "| synthetic | spider-dev-all | 40 | 75.0 | 50.0 | -25.0 |" in text
    assert "| ddl | graph-similar (same join structure) | 25.0 (0.0) | 50.0 (100.0) |" in text
    assert "| ddl_pruned_graph3 | ddl_pruned | 40 | 25.0 | 50.0 | 25.0 |" in text
    budget = text.split("## Ablation: pruning budget")[1].split("\n## ")[0]
    assert "| ddl | full | 40 | 50.0 |" in budget and "| ddl | 2 | 40 | 25.0 | 0.0 | 0.0 | 0.0 | 100.0 | 123.4 |" in budget   # few-shot vs zero-shot, bootstrap
    assert "| GPT-4o | undisclosed | Spider | dev | spider_ex | – | 81.25 (published) | A. Author et al., arXiv 2025 | yes |" in text
    assert "BIRD" not in text.split("## LLM systems")[1].split("\n## ")[0].split("|---|")[1].split("Source")[0]
    assert "results/eval/base/spider-dev-all/ddl_full.json" in text or "ddl_full.json" in text
    assert (tmp_path / "docs" / "figures" / "joins_base_spider-dev-all.png").stat().st_size > 5000
    allowed = set()
    for path in results.rglob("*.json"):
        for raw in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", path.read_text()):
            value = float(raw)
            allowed |= {f"{value:.1f}", f"{100 * value:.1f}", f"{value:.3f}", raw}
    missing = sorted(n for n in _numbers(text) if n not in allowed)
    assert not missing, f"numbers in the report not found in results: {missing}"
    assert write_report(results, tmp_path / "docs" / "report.md").read_text() == text   # identical on rebuild


def test_committed_report_is_what_the_committed_results_give(tmp_path):
    """docs/report.md is rebuilt from results/ byte for byte, and every decimal figure in it is in a results file."""
    import shutil

    from graphsql.config import REPO_ROOT

    results = tmp_path / "results"
    shutil.copytree(REPO_ROOT / "results", results)
    out = write_report(results, tmp_path / "docs" / "report.md")
    committed = (REPO_ROOT / "docs" / "report.md").read_text()
    assert out.read_text().replace(str(tmp_path) + "/", "") == committed, "run `graphsql report` and commit"
    allowed = set()
    for path in results.rglob("*.json"):
        for raw in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", path.read_text()):
            value = float(raw)
            allowed |= {f"{value:.1f}", f"{100 * value:.1f}", f"{value:.3f}", raw}
    assert not sorted(n for n in _numbers(committed) if n not in allowed)
