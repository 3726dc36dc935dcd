"""The report's sections on training: ablations beside the run-to-run spread, LearNAT's parts, pruning budget,
prompt size, training runs, DPO."""

from __future__ import annotations

import json
import re
from pathlib import Path

from graphsql.eval.comparisons import JOIN_KEYS, _is_complete, ablation_of
from graphsql.experiments import layout
from graphsql.experiments.registry import Ablation
from graphsql.report.common import (
    _comparison_cells,
    _comparison_rows,
    _gpu_name,
    _num,
    _pct,
    _pyplot,
    _rel,
    _save_figure,
    _template_cells,
)
from graphsql.report.results import _published_spider_dev_ex

BUDGET = re.compile(r"^(ddl|compact)_pruned(?:_t(\d+))?$")


def _budget_section(results: dict, root: Path) -> list[str]:
    """Pruning budget (most tables kept) against EX and prompt size, per model setting, subset and format."""
    lines: list[str] = []
    for (tag, subset), variants in results.items():
        rows: dict[str, list] = {}
        for name, (_path, m) in variants.items():
            match = BUDGET.match(name)
            if match and _is_complete(m):
                budget = int(match.group(2)) if match.group(2) else m.get("prompt", {}).get("max_tables", 0)
                rows.setdefault(match.group(1), []).append((budget, name, m))
        rows = {fmt: sorted(r) for fmt, r in rows.items() if any(name.endswith(f"_t{n}") for n, name, _ in r)}
        if not rows:
            continue
        if not lines:
            lines += ["## Ablation: pruning budget", "",
                      "The graph-pruned schema keeps at most this many tables (linked tables, the join paths "
                      "between them, then neighbours); full = no pruning. Gold-table recall at each budget is in "
                      "`results/analyses/linking_recall.json`.", ""]
        lines += [f"### `{tag}` on `{subset}`", "",
                  "| format | tables kept (at most) | n | EX | " + " | ".join(f"EX {k} JOIN" for k in JOIN_KEYS)
                  + " | prompt tokens |", "|---" * (5 + len(JOIN_KEYS)) + "|"]
        for fmt, entries in sorted(rows.items()):
            full = variants.get(f"{fmt}_full", (None, None))[1]
            for budget, _name, m in ([("full", None, full)] if full else []) + entries:
                lines.append(f"| {fmt} | {budget} | {m['n']} | {_pct(m['ex'])} | "
                             + " | ".join(_pct(m["by_joins"].get(k, {}).get("ex")) for k in JOIN_KEYS)
                             + f" | {m.get('prompt_tokens_per_question') or '–'} |")
        lines += ["", f"Sources: `results/{subset}/{tag}/<variant>.json`.", ""]
    return lines


def _prompt_size_section(results_dir: Path, results: dict, root: Path) -> list[str]:
    """Prompt tokens of each pruned configuration against the full-DDL prompt (the benchmark), with the EX of the
    same configurations wherever an evaluation ran them (variants carry the benchmark's configuration names)."""
    path = layout.benchmark_file(results_dir, "bench_pipeline.json")
    if not path.is_file():
        return []
    bench = json.loads(path.read_text())
    sizes, target = bench["prompt_sizes"], bench.get("targets", {}).get("pruned_tokens_at_most_half", {})
    evaluated = {}
    for (tag, subset), variants in sorted(results.items()):
        for name in sizes:
            if name in variants and _is_complete(variants[name][1]):
                evaluated.setdefault((tag, subset), {})[name] = variants[name][1]
    measured = sorted({key for key, found in evaluated.items() if len(found) > 1})
    head = "| prompt | mean prompt tokens | × full DDL | schema block × full DDL | gold tables kept | gold columns kept |"
    head += "".join(f" EX `{tag}` `{subset}` |" for tag, subset in measured)
    lines = ["## Prompt size: pruned against full-DDL prompts", "",
             f"Tokens of the whole chat prompt (the model's template applied) on {bench['n_questions']} Spider dev "
             "questions; the schema block is the schema text plus matched values alone. `<fmt>_pruned` keeps at most "
             f"{bench['provenance']['settings']['max_tables']} tables (the default budget); `<fmt>_pruned_t2_c4` "
             "keeps at most 2 tables and 4 columns a table. EX columns: the same prompt evaluated (– where not run).",
             "", head, "|---" * (6 + len(measured)) + "|"]
    for name, v in sizes.items():
        cells = "".join(f" {_pct(evaluated[key][name]['ex']) if name in evaluated[key] else '–'} |" for key in measured)
        lines.append(f"| `{name}` | {v['mean_prompt_tokens']} | {v['ratio_to_ddl_full']} | "
                     f"{v['schema_ratio_to_ddl_full']} | {_pct(v['gold_tables_kept'])} | "
                     f"{_pct(v['gold_columns_kept'])} |{cells}")
    if target.get("best"):
        lines += ["", f"Smallest prompt that keeps at least 95% of gold tables: `{target['best']}`, "
                      f"{target['ratio']} × the full-DDL prompt (target ≤ 0.5: "
                      f"{'met' if target['met'] else 'missed'})."]
    lines += ["", f"Sources: `{_rel(path, root)}` (`{bench['provenance']['command'].strip()}`); EX from "
                  "`results/<subset>/<tag>/<prompt>.json`.", ""]
    return lines


# the DPO adapters' evaluations (scripts/dpo_experiments.sh: on the CPU adapter; GPU_SFT=1: on the default one)
DPO_TAGS = ("graph-balanced-dpo-lora", "graph-balanced-gpu-dpo-lora")


def _dpo_section(results_dir: Path, comparisons: dict, root: Path) -> list[str]:
    """Preference training from execution feedback: how sampling went, the DPO run, and the change it made."""
    paths = sorted((results_dir / "dpo").glob("*.json"))
    if not paths:
        return []
    lines = ["## Preference training from execution feedback (DPO)", "",
             "Candidates sampled from the SFT adapter on Spider-train questions, labelled by executing them against "
             "the gold query; (right, wrong) pairs weighted by a margin from the syntax-tree distance to the gold "
             "(pairs below the minimum margin dropped; the gold query is the chosen answer where no candidate was "
             "right), then DPO (trl) continues the SFT adapter against a frozen copy of it.", "",
             "| run | SFT adapter | questions | candidates | right | failing | none right | pairs | chosen = gold | "
             "multi-table pairs | steps | loss, first → last step | loss, mean of all steps | "
             "reward margin, first → last step | reward accuracy, last step |",
             "|---" * 15 + "|"]
    for path in paths:
        d = json.loads(path.read_text())
        st, tr, cfg = d["sampling"], d["training"], d["config"]
        first, last = tr.get("first") or {}, tr.get("last") or {}
        lines.append(f"| `{path.stem}` | `{cfg.get('adapter')}` | {st['questions']} | {st['candidates']} | "
                     f"{st['candidates_right']} | {st['candidates_failing']} | {st['questions_none_right']} | "
                     f"{st['pairs']} | {st['pairs_chosen_is_gold']} | {st['pairs_multi_table']} | {tr['steps']} | "
                     f"{_num(first, 'loss')} → {_num(last, 'loss')} | {_num(tr, 'train_loss')} | "
                     f"{_num(first, 'rewards/margins')} → "
                     f"{_num(last, 'rewards/margins')} | {_num(last, 'rewards/accuracies')} |")
    found = [(key.split("/")[1] + ": " + key.split("/")[-1].replace("-vs-", " vs "), c)
             for key, c in comparisons.items()
             if key.startswith(("systems/", "replays/")) and any(f"/{tag}:" in key for tag in DPO_TAGS)]
    if found:
        lines += ["", *_comparison_rows(found)]
    lines += ["", "Sources: " + ", ".join(f"`{_rel(p, root)}`" for p in paths)
              + " (`graphsql dpo train`); `results/analyses/comparisons.json`.", ""]
    return lines


# LearNAT's three parts as switches of our system, each against the graph method it is added to (issue 8):
# (part, how it ran here, comparison kind, pair) -> results/analyses/comparisons.json keys "<kind>/<subset>/<pair>"
LEARNAT_PARTS = (
    ("AST-guided decomposition", "trained to answer tables, joins, clauses, then the SQL (default recipe, GPU)",
     "systems", "graph-decomposed-gpu-lora:as_trained-vs-graph-balanced-gpu-lora:as_trained"),
    ("DPO from execution feedback", "pairs from sampled candidates, AST-margin filtered, on the CPU adapter",
     "systems", "graph-balanced-dpo-lora:as_trained-vs-graph-balanced-lora:as_trained"),
    ("DPO from execution feedback", "the same, on the default adapter (sampled and trained on this CPU)",
     "systems", "graph-balanced-gpu-dpo-lora:as_trained-vs-graph-balanced-gpu-lora:as_trained"),
    *((f"adaptive demonstrations: {name}", "3 from Spider train, prompted to the default adapter",
       "fewshot/graph-balanced-gpu-lora", f"compact_pruned_{code}3-vs-as_trained")
      for code, name in (("graph", "graph-similar"), ("qsim", "similar question"), ("rand", "random"))),
    *((f"adaptive demonstrations: {name}", "3 from GeoQuery's query-split train (same database), prompted to the "
       "default adapter", "fewshot/graph-balanced-gpu-lora", f"compact_pruned_{code}3_geo-vs-as_trained")
      for code, name in (("graph", "graph-similar"), ("qsim", "similar question"), ("rand", "random"))),
)


def _learnat_section(comparisons: dict, results_dir: Path, root: Path) -> list[str]:
    """Each LearNAT part added to the graph method, measured on the same questions, beside LearNAT's published
    Spider dev EX (a 7B model with all three parts: a point figure from another protocol)."""
    rows = [(part, how, key.split("/")[-2], c) for part, how, kind, pair in LEARNAT_PARTS
            for key, c in comparisons.items()
            if key.startswith(kind + "/") and key.endswith("/" + pair) and key.count("/") == kind.count("/") + 2]
    if not rows:
        return []
    lines = ["## LearNAT's parts in our system", "",
             "Each part of LearNAT (AST-guided decomposition, preference training from execution feedback, adaptive "
             "demonstrations) as a switch of the graph method, against the same adapter without it, on the same "
             "questions (paired bootstrap).", "",
             "| part | how it ran here | subset | n | without | with | with − without | 95% CI | 2+ JOIN: n | "
             "with − without | 95% CI | 95% CI, query templates resampled (templates) |", "|---" * 12 + "|"]
    lines += [f"| {part} | {how} | {subset} | {_comparison_cells(c)}{_template_cells(c)}"
              for part, how, subset, c in rows]
    published_path = layout.published_file(results_dir, "llm_published.json")
    learnat = [f"{s['system']}: {f['value']}" for s, f in _published_spider_dev_ex(published_path, ("LearNAT",))]
    if learnat:
        lines += ["", "LearNAT with all three parts, published Spider dev EX (all of dev, its own prompts): "
                      + "; ".join(learnat) + f" (`{_rel(published_path, root)}`)."]
    lines += ["", "Source: `results/analyses/comparisons.json`.", ""]
    return lines


def _training_section(results_dir: Path, out: Path, root: Path) -> list[str]:
    """Every SFT run: where it ran, its budget and speed, and the loss curves (``results/train/*.json``)."""
    paths = sorted((results_dir / "train").glob("*.json"))
    if not paths:
        return []
    runs = [json.loads(p.read_text()) for p in paths]
    lines = ["## Training runs (LoRA SFT)", "",
             "Each run as recorded where it ran (`graphsql train`; GPU runs on a lent GPU with "
             "`scripts/device_train.sh`, the runs of a call side by side with the same minutes: session 5 on an "
             "H100, session 8 on an H200; `gpu` names it where the run recorded it). Loss: mean "
             "cross-entropy over the answer tokens of one optimizer step; epochs = tokens seen / tokens of one pass.",
             "", "| run | samples | device | precision | tokens/step | steps | tokens seen | epochs | tokens/s | "
             "minutes | stopped by | loss, first → last step |", "|---" * 12 + "|"]
    for r in runs:
        m, c = r["metrics"], r["config"]
        lines.append(f"| `{r['run']}` | `{c.get('samples')}` | {m.get('device')}{_gpu_name(r)} | {m.get('precision')} | "
                     f"{r['tokens_per_step']:,} | {m['steps']} | {m['tokens']:,} | {r['epochs_seen']} | "
                     f"{m['tokens_per_s']:,.0f} | {r['minutes']} | {m['stopped_by']} | "
                     f"{_num(m, 'first_loss')} → {_num(m, 'final_loss')} |")
    fig = _loss_figure(runs, out.parent / "figures" / "training_loss.png")
    lines += ["", f"![training loss against tokens seen]({_rel(fig, out.parent)})", "",
              "Sources: " + ", ".join(f"`{_rel(p, root)}`" for p in paths)
              + " (`python -m graphsql.experiments.training_runs`).", ""]
    return lines


def _loss_figure(runs: list[dict], path: Path) -> Path:
    fig, ax = _pyplot().subplots(figsize=(7, 4))
    for r in runs:
        rows = [row for row in r["log"] if row.get("loss") is not None]
        ax.plot([row["tokens"] for row in rows], [row["loss"] for row in rows], label=r["run"], linewidth=1)
    ax.set_xscale("log")
    ax.set_xlabel("training tokens seen (log scale)")
    ax.set_ylabel("loss on answer tokens (cross-entropy)")
    ax.set_title("LoRA SFT loss by run")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    return _save_figure(fig, path)


def _ablation_section(comparisons: dict, results_dir: Path, out: Path) -> list[str]:
    """Augmentations switched off against the full graph adapter, with the training tokens each adapter saw."""
    rows = [(ablation_of(key.split("/")[-1].split(":")[0]), key.split("/")[1], c)
            for key, c in comparisons.items() if key.startswith("ablations/")]
    if not rows:
        return []

    def tokens(run: str | None) -> str:
        path = results_dir / "train" / f"{run}.json"
        if not run or not path.is_file():
            return "–"
        r = json.loads(path.read_text())
        return f"{r['metrics']['tokens'] / 1e6:.1f}M ({r['epochs_seen']})"

    lines = ["## Ablations: the graph adapter retrained without augmentations", "",
             "Each adapter is one training run. A row \"nothing: the same recipe, training seed N\" retrains the full "
             "adapter with another seed (LoRA initialisation, data order): how far two runs of one recipe differ.", "",
             "| full adapter | without | subset | tokens (epochs): full | ablated | n | full adapter EX | ablated EX | "
             "ablated − full | 95% CI | 2+ JOIN: n | ablated − full | 95% CI | "
             "95% CI, query templates resampled (templates) |",
             "|---" * 14 + "|"]

    lines += [f"| `{m.full}` | {m.describe()} | {subset} | "
              + " | ".join(tokens(run) for run in (m.full_run, m.run))
              + f" | {_comparison_cells(c)}{_template_cells(c)}"
              for m, subset, c in rows]
    lines += ["", "Query templates: the gold SQL with its values masked; resampling them whole asks whether a "
                  "difference rests on enough distinct queries (see Findings).",
              "", "Source: `results/analyses/comparisons.json` (paired bootstrap; 1 JOIN as `joins_1`; adapters from "
                  "`graphsql run --model TAG` (CPU) or `scripts/gpu_runs_evaluate.sh` (GPU-trained); tokens "
                  "seen and epochs from `results/train/<run>.json`: an ablation trains for the full adapter's "
                  "tokens unless its run says otherwise, e.g. `2ep` = two passes over its smaller sample set).", ""]
    fig = _ablation_figure(rows, out.parent / "figures" / "ablations.png")
    lines += [f"![EX difference of each ablation]({_rel(fig, out.parent)})", ""]
    return lines + _seed_spread_lines(comparisons, {m.full for m, _, _ in rows})


def _seed_spread_lines(comparisons: dict, fulls: set[str]) -> list[str]:
    """The run-to-run spread table: EX of each training seed of a recipe, and where its ablations fall."""
    spreads = [(key.split("/")[1], key.split("/")[2], s) for key, s in comparisons.items()
               if key.startswith("seed_spread/")]
    lines = ["### Run-to-run spread: the same recipe retrained with other seeds", ""]
    if spreads:
        lines += ["An ablation whose EX lies inside the range of the reseeded runs differs from the full adapter no "
                  "more than retraining it did. Lying outside is no test: of n + 1 runs of one recipe, the last falls "
                  "outside the range of the other n with probability 2 in n + 1 (it is the lowest or the highest), "
                  "so read the paired intervals of the ablation table for that.", "",
                  "| full adapter | subset | runs | EX by training seed | mean | SD | max − min | "
                  "ablations of that adapter: EX (below / inside / above the seeds' range) |", "|---" * 8 + "|"]
        for subset, full, s in spreads:
            by_seed = sorted(s["ex_by_seed"].items(), key=lambda x: int(x[0]))
            seeds = ", ".join(f"{seed}: {_pct(ex)}" for seed, ex in by_seed)
            abl = "; ".join(f"without {off.replace('_', ' ')} {_pct(a['ex'])} ({a['seed_range']})"
                            for off, a in s["ablations"].items()) or "–"
            lines.append(f"| `{full}` | {subset} | {s['runs']} | {seeds} | {_pct(s['mean'])} | {_pct(s['sd'])} | "
                         f"{_pct(s['range'])} | {abl} |")
        lines.append("")
    unseeded = sorted(fulls - {full for _, full, _ in spreads})
    if unseeded:
        lines += ["No reseeded run yet of " + ", ".join(f"`{f}`" for f in unseeded)
                  + ": its ablation rows have no run-to-run spread beside them.", ""]
    return lines + ["Source: `results/analyses/comparisons.json` (`seed_spread/<subset>/<full adapter>`).", ""]


def _ablation_figure(rows: list[tuple[Ablation, str, dict]], path: Path) -> Path:
    """Forest plot: ablated − full EX per ablation row, its 95% interval over questions (bar) and with query
    templates resampled (dotted), a colour per subset."""
    from matplotlib.lines import Line2D

    fig, ax = _pyplot().subplots(figsize=(8, 1.6 + 0.42 * len(rows)))
    colors = {subset: f"C{i}" for i, subset in enumerate(sorted({subset for _, subset, _ in rows}))}
    for y, (_m, subset, c) in enumerate(rows):
        diff, (lo, hi) = 100 * c["all"]["diff"], (100 * x for x in c["all"]["ci95"])
        ax.errorbar(diff, y, xerr=[[diff - lo], [hi - diff]], fmt="o", color=colors[subset], capsize=3)
        t = (c.get("all_templates") or {}).get("ci95")
        if t:
            ax.plot([100 * t[0], 100 * t[1]], [y + 0.22] * 2, color=colors[subset], linestyle=":", linewidth=1.2)
    ax.axvline(0, color="grey", linewidth=1)
    ax.set_yticks(range(len(rows)), [m.label() for m, _, _ in rows], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("retrained − full adapter, execution accuracy (points; 95% CI)")
    ax.set_title("Ablations and reseeded runs: EX difference to the full adapter")
    handles = [Line2D([], [], color=color, marker="o", label=subset) for subset, color in colors.items()]
    handles.append(Line2D([], [], color="black", linestyle=":", label="query templates resampled"))
    ax.legend(handles=handles, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.5 / len(rows) - 0.08),
              ncol=len(handles))
    ax.grid(axis="x", alpha=0.3)
    return _save_figure(fig, path)
