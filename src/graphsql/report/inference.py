"""The report's sections on inference-time choices: self-consistency and the repairs (replayed, and on held-out
queries), few-shot demonstrations, BIRD at the schema level, speed, cost."""

from __future__ import annotations

import json
from collections.abc import Container
from pathlib import Path

from graphsql.eval.comparisons import BIRD_MEASURES, FEWSHOT, FIX_INSPECTED_DBS, _zero_shot_name
from graphsql.experiments import layout
from graphsql.report.common import (
    BASE_NAMES,
    MERGED_TAG,
    POOL_NAMES,
    SYSTEMS,
    _ci,
    _comparison_cells,
    _pct,
    _pyplot,
    _rel,
    _replay_label,
    _save_figure,
    _template_cells,
    selector_words,
)


def merged_accuracy(comparisons: dict) -> dict[str, list[tuple[str, str, dict]]]:
    """{GGUF format: [(subset, "greedy" | "repairs", comparison)]}: each merged model against the run-time adapter."""
    out: dict[str, list] = {}
    for key, c in sorted(comparisons.items()):
        kind, subset, pair = key.split("/", 2)
        b, _, a = pair.partition("-vs-")
        ref = {"systems": "graph-balanced-gpu-lora:as_trained", "replays": "graph-balanced-gpu-lora:as_trained_repairs"}
        if kind in ref and a == ref[kind] and b.startswith(MERGED_TAG):
            quant = b.split(":")[0].removeprefix(MERGED_TAG)
            out.setdefault(quant, []).append((subset, "greedy" if kind == "systems" else "repairs", c))
    return {q: sorted(rows, key=lambda r: (r[0], r[1])) for q, rows in out.items()}  # greedy, then with repairs


def pick_default_quant(comparisons: dict, bench: dict) -> str | None:
    """Issue 24's rule: the fastest merged format (lowest p50 s a question in ``bench``) whose every interval
    against the run-time adapter (each subset, greedy and with the repairs) includes zero; None if none does."""
    fits = [q for q, rows in merged_accuracy(comparisons).items()
            if rows and all(c["all"]["ci95"][0] <= 0 <= c["all"]["ci95"][1] for _, _, c in rows)
            and f"merged_{q}" in bench.get("systems", {})]
    return min(fits, key=lambda q: bench["systems"][f"merged_{q}"]["p50_s"], default=None)


def _speed_section(results_dir: Path, comparisons: dict, root: Path) -> list[str]:
    """The merged model's accuracy against the run-time adapter, and seconds a question for every way of running
    the default model (`benchmarks/bench_speed.py`)."""
    path = layout.benchmark_file(results_dir, "bench_speed.json")
    accuracy = merged_accuracy(comparisons)
    if not path.is_file() and not accuracy:
        return []
    bench = json.loads(path.read_text()) if path.is_file() else {}
    from graphsql.config import InferConfig

    lines = ["## Speed: the adapter merged into the base model", "",
             "`graphsql ask`, `predict`, `demo` and `serve` run the default adapter merged into the base weights "
             "(peft `merge_and_unload`, written as a GGUF by llama.cpp's converter, quantized by llama.cpp; built "
             "once and cached), instead of applying the LoRA at run time (`--no-merge`).", ""]
    if accuracy:
        lines += ["EX of each merged format against the same adapter applied at run time, on the same questions "
                  "(greedy; and with the repairs of `ask` replayed on both):", "",
                  "| format | subset | decoding | n | run-time adapter | merged | merged − run-time | 95% CI | "
                  "CI, templates resampled |", "|---|---|---|---|---|---|---|---|---|"]
        for quant, rows in accuracy.items():
            for subset, kind, c in rows:
                w = c["all"]
                lines.append(f"| {quant} | {subset} | {kind} | {w['n']} | {_pct(w['a'])} | {_pct(w['b'])} | "
                             f"{_pct(w['diff'])} | [{_pct(w['ci95'][0])}, {_pct(w['ci95'][1])}] |"
                             + _template_cells(c))
        pick = pick_default_quant(comparisons, bench)
        lines += ["", f"The rule (issue 24): the default is the fastest format whose every interval above includes "
                      f"zero. By the committed results that is **{pick or 'none'}**; the shipped default "
                      f"(`InferConfig.quant`) is **{InferConfig().quant}**.", ""]
    if bench:
        systems, ratios = bench["systems"], bench["ratios"]
        q = bench["questions"]
        lines += [f"Seconds a question end to end (`predict`, greedy, repairs on) on {q['n']} Spider dev questions "
                  f"(`{q['subset']}`), every system in one run on this 2-core CPU; the bare model is timed on "
                  "generation alone, given the prompts the default system built. Stages: prompt (linking, pruning, "
                  "messages), generate, execute (repairs, running, voting).", "",
                  "| system | p50 s | p95 s | mean s | mean × bare generation | prompt / generate / execute s | "
                  "prompt tokens/s | generated tokens/s | prompt tokens reused | greedy SQL changed |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for name, sy in systems.items():
            stages = sy.get("stage_mean_s") or {}
            split = " / ".join(f"{stages[k]:.3f}" for k in ("prompt", "generate", "execute") if k in stages)
            reused = (f"{100 * sy['prompt_tokens_reused'] / sy['prompt_tokens_total']:.0f}%"
                      if sy.get("prompt_tokens_total") else "–")
            lines.append(f"| `{name}` | {sy['p50_s']} | {sy['p95_s']} | {sy['mean_s']} | "
                         f"{(ratios.get(name) or {}).get('mean_over_bare_generation', '–')} | {split or '–'} | "
                         f"{sy.get('prompt_tokens_per_s') or '–'} | {sy.get('generated_tokens_per_s') or '–'} | "
                         f"{reused} | {sy.get('sql_differs_from_cached_run', '–')} |")
        cache = ratios.get("prefix_cache_second_question_same_db")
        if cache:
            lines += ["", f"Prefix cache: on the {cache['n']} questions asked right after one on the same database "
                          f"(as in `predict` over a benchmark, or a second question in `serve`), "
                          f"{cache['mean_prompt_tokens_reused']} prompt tokens of the previous prompt are reused on "
                          f"average (of {cache['mean_prompt_tokens_all_questions']} a prompt); without the cache "
                          f"such a question takes {cache['uncached_over_cached']}× the seconds "
                          f"({cache['mean_s_uncached']} vs {cache['mean_s_cached']} s)."]
        if "sc5_parallel" in ratios:
            lines += ["", f"Self-consistency (5 samples, on the first {systems['sc5_parallel']['n']} questions): "
                          f"{ratios['sc5_parallel']['mean_over_greedy']}× greedy decoded as parallel sequences, "
                          f"{ratios['sc5_sequential']['mean_over_greedy']}× one after another."]
        lines += ["", "Targets of issue 24 on this machine:", ""]
        for name, t in bench["targets"].items():
            if isinstance(t, dict):
                shown = {k: v for k, v in t.items() if k != "met"}
                lines.append(f"- {name}: {', '.join(f'{k} {v}' for k, v in shown.items())}: "
                             f"{'met' if t['met'] else 'not met'}")
        lines += ["", f"Source: `{_rel(path, root)}` (`python benchmarks/bench_speed.py`)."]
    lines += ["", "Accuracy source: `results/analyses/comparisons.json` (`systems/...` and `replays/...` entries of "
                  f"`{MERGED_TAG}<format>`; `graphsql run --model {MERGED_TAG}<format> ...`).", ""]
    return lines


def _web_section(results_dir: Path, root: Path) -> list[str]:
    """The web API under load (`python -m graphsql.web.bench`): one client, then N, for each generator."""
    path = layout.benchmark_file(results_dir, "bench_web.json")
    if not path.exists():
        return []
    d = json.loads(path.read_text())
    lines = ["## The web API under load", "",
             f"`python -m graphsql.web.bench`: the web app on a loopback port with the demo database, clients posting "
             f"the demo questions to `POST /api/ask` for {d['seconds']:g} s each, one client (the baseline) and then "
             f"{d['clients']}, queue of {d['max_pending']}; `scripted` answers at once (the server's own overhead), "
             f"`real` is the shipped model as `graphsql serve` runs it. Latency and queue wait in seconds. Load "
             f"average of this 2-core machine before / after: {d['load_average_before']} / "
             f"{d['load_average_after']}.", "",
             "| generator | clients | answered | refused (503) | errors | answers / s | latency p50 | p95 | "
             "queue wait p50 | p95 | p50 vs 1 client |", "|---" * 11 + "|"]
    for name, run in d["runs"].items():
        for key, r in run.items():
            if key == "ratios_vs_baseline":
                continue
            ratio = run["ratios_vs_baseline"].get("latency_p50") if r["clients"] > 1 else 1.0
            lines.append(f"| {name} | {r['clients']} | {r['answered']} | {r['refused_503']} | {r['errors']} | "
                         f"{r['answers_per_second']} | {r['latency_p50']} | {r['latency_p95']} | "
                         f"{r['queue_wait_p50']} | {r['queue_wait_p95']} | {ratio}x |")
    lines += ["", f"Source: `{_rel(path, root)}`.", ""]
    return lines


def _cost_section(results_dir: Path, root: Path) -> list[str]:
    """Parameters, memory, seconds and tokens per question, and a hosted model's price for the same tokens."""
    path = layout.analysis_file(results_dir, "cost.json")
    if not path.exists():
        return []
    data = json.loads(path.read_text())
    local = data["local"]
    lines = ["## Cost", "",
             f"Local model `{local['model']}`: {local['parameters'] / 1e6:.0f}M parameters as stored here, GGUF file "
             f"{local['gguf_mib']} MiB" + (f", adapter {local['adapter_mib']} MiB" if local.get("adapter_mib") else "")
             + "."]
    ask = local.get("ask")
    if ask:
        lines.append(f"One `graphsql ask` process (load the model, answer one demo question): peak memory "
                     f"{ask['peak_rss_mib']} MiB, {ask['wall_seconds_incl_loading']} s including loading.")
    hosted = data.get("hosted") or []
    header = "| system | subset | EX | s/question (this CPU) | prompt tokens | answer tokens | samples |"
    rule = "|---|---|---|---|---|---|---|"
    for price in hosted:
        header += f" {price['model']}: USD per 1,000 questions |"
        rule += "---|"
    lines += ["", header, rule]
    for s in data["systems"]:
        row = (f"| {s['system']} | {s['subset']} | {_pct(s['ex'])} | {s['seconds_per_question'] or '–'} | "
               f"{s['prompt_tokens_per_question'] or '–'} | {s['answer_tokens_per_question']} | "
               f"{s['samples_per_question']} |")
        for price in hosted:
            match = [p for p in price["same_prompts_per_1000_questions"]
                     if p["system"] == s["system"] and p["subset"] == s["subset"]]
            row += f" {match[0]['usd_per_1000_questions'] if match else '–'} |"
        lines.append(row)
    for price in hosted:
        lines += ["", f"{price['model']} at {price['input_usd_per_mtok']} USD per million input tokens and "
                      f"{price['output_usd_per_mtok']} per million output tokens (price as of {price['as_of']}), "
                      "with our prompts' token counts: an estimate of the API bill only."]
    lines += ["", f"Source: `{_rel(path, root)}` (`python -m graphsql.experiments.cost`); the price and its "
                  "source: `results/published/llm_published.json`.", ""]
    speed = layout.benchmark_file(results_dir, "bench_speed.json")
    if speed.is_file():  # the seconds column above predates the merged model; what it costs now, measured in one run
        bench = json.loads(speed.read_text())
        default = bench["targets"]["default"]
        now, before = bench["systems"][default], bench["systems"].get("runtime_lora")
        lines += [f"Since issue 24 `ask` runs the merged model (`{default}`): {now['p50_s']} s a question at the "
                  f"median, {now['mean_s']} s on average on this CPU"
                  + (f", against {before['p50_s']} and {before['mean_s']} s for the run-time adapter in the same run"
                     if before else "")
                  + f" (`{_rel(speed, root)}`; section Speed).", ""]
    return lines


def _sc_count_section(results_dir: Path, comparisons: dict, out: Path, root: Path) -> list[str]:
    """EX of the self-consistency vote, and of an oracle, as the number of samples grows, with and without the
    column-qualifier fix (all replayed from recorded candidates)."""
    found = [f for f in layout.results_files(results_dir, kind="eval", replays=True)
             if not f[3].endswith(tuple(layout.RULE_SUFFIXES))]  # answer rules' replays have no votes: fallback_section
    paths = [path for path, *_ in found]
    if not paths:
        return []
    lines = ["## Ablation: number of self-consistency samples, the column-qualifier fix and the join repairs", "",
             "The vote over the first k of the N candidates one run sampled (temperature 0.7), replayed without "
             "the model (`python -m graphsql.experiments.sc_count`); the oracle counts a question right when any of "
             "the first k candidates is. For a self-consistency run k = 1 is one sample, not greedy decoding; a greedy "
             "run has k = 1 only. Variants ending in `_repairs_columns` replay the column-qualifier fix of `graphsql ask` (a "
             "qualified column its table lacks moves to the one table of the SELECT that has it) on the same "
             "candidates; `_repairs_joins` replays the join repairs (a JOIN on columns that no foreign key links, declared "
             "or inferred, is rerouted along the schema graph's FK path, bridge tables added; a column that no table "
             "of its SELECT has is read from the one table a foreign key away that has it, joined in); `_repairs` all "
             "of them in the order `graphsql ask` runs them (`graphsql.inference.repairs.repair_sql`). The join repairs "
             "were written after reading the default adapter's failures on 2+ JOIN questions of Spider dev "
             "(shortcut joins that skip a bridge table, columns read from a table not joined), so their gains there "
             "are not a held-out measurement; the rows on `<subset>-uninspected` leave out the databases whose "
             "failures were read ("
             + ", ".join(f"`{db}`" for db in FIX_INSPECTED_DBS) + "). The "
             "measurement protocol of the main tables runs without either fix. Items the run repaired "
             "(re-prompted after every candidate failed) are not replayed.", "",
             "| model | subset | variant | k | EX | oracle EX | 2 JOIN EX | 2 JOIN oracle |", "|---" * 8 + "|"]
    fig, ax = _pyplot().subplots(figsize=(6, 4))
    for path, subset, tag, variant in found:
        data = json.loads(path.read_text())
        ks = sorted(data["by_k"], key=int)
        for k in ks:
            e = data["by_k"][k]
            lines.append(f"| {tag} | {subset} | {variant} | {k} | {_pct(e['ex'])} | {_pct(e['oracle_ex'])} | "
                         f"{_pct(e['by_joins']['2']['ex'])} | {_pct(e['oracle_by_joins']['2']['ex'])} |")
        if len(ks) < 2:
            continue
        xs = [int(k) for k in ks]
        line, = ax.plot(xs, [100 * data["by_k"][k]["ex"] for k in ks], marker="o", label=f"{tag}:{variant} vote")
        ax.plot(xs, [100 * data["by_k"][k]["oracle_ex"] for k in ks], marker="x", linestyle="--",
                color=line.get_color(), label=f"{tag}:{variant} oracle")
    ax.set_xlabel("self-consistency samples k")
    ax.set_ylabel("execution accuracy (%)")
    ax.set_xticks(range(1, max(int(k) for p in paths for k in json.loads(p.read_text())["by_k"]) + 1))
    ax.set_title("EX vs number of samples (vote and oracle)")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    fig_path = _save_figure(fig, out.parent / "figures" / "sc_count.png")
    lines += ["", f"![EX vs self-consistency samples]({_rel(fig_path, out.parent)})", "",
              "Sources: " + ", ".join(f"`{_rel(p, root)}`" for p in paths) + ".", ""]
    pairs = [(key.split("/", 1)[1], c) for key, c in comparisons.items() if key.startswith(("sc_count/", "replays/"))]
    if pairs:
        lines += ["Each fix against none (and the join repairs on top of the column fix), and two systems with the "
                  "same fixes, at the largest k of each run (paired bootstrap, b − a):", "",
                  "| model/subset/b-vs-a | n | a EX | b EX | b − a | 95% CI | 2+ JOIN: n | b − a | 95% CI |",
                  "|---" * 9 + "|"]
        lines += [f"| {pair} | {_comparison_cells(c)}" for pair, c in pairs]
        lines += ["", "Source: `results/analyses/comparisons.json`.", ""]
    return lines


def _repairs_heldout_section(results_dir: Path, root: Path) -> list[str]:
    """The repairs of `graphsql ask` on sampled candidates of Spider train questions (never read while writing them)."""
    path = layout.analysis_file(results_dir, "repairs_heldout.json")
    if not path.exists():
        return []
    d = json.loads(path.read_text())
    n, right = d["candidates"], d["correct"]

    def row(label: str, boot: dict, flips: dict | None, count: int) -> str:
        lo, hi = boot["ci95"]
        change = f"{flips['fixed']} / {flips['broken']}" if flips else "–"
        return (f"| {label} | {count} | {_pct(boot['a'])} | {_pct(boot['b'])} | {_pct(boot['diff'])} | "
                f"[{_pct(lo)}, {_pct(hi)}] | {change} |")

    joins, every = d["join_repairs_vs_columns"], d["all_repairs_vs_as_written"]
    return ["## The repairs on held-out queries (Spider train candidates)", "",
            f"The {n} distinct candidates that DPO sampling drew for {d['questions']} Spider *train* questions "
            "(another adapter, temperature 1.0), each run as written, with the column fix, and with every repair of "
            "`graphsql ask`, against the gold result. Neither these databases' failures nor these queries were read "
            "while writing the repairs. EX of the candidates in %; fixed / broken: candidates the change made right "
            "/ wrong.", "",
            "| change | candidates | EX before | EX after | after − before | 95% CI | fixed / broken |",
            "|---|---|---|---|---|---|---|",
            row("join repairs, on top of the column fix", joins["bootstrap"], joins, n),
            row("join repairs, on top of the column fix (gold with 2+ JOINs)", joins["bootstrap_2plus_joins"], None,
                joins["bootstrap_2plus_joins"]["n"]),
            row("every repair, against the query as written", every["bootstrap"], every, n), "",
            f"Source: `{_rel(path, root)}` (`python -m graphsql.experiments.repairs_heldout`; correct candidates: "
            f"{right['as_written']} as written, {right['columns']} with the column fix, {right['all_repairs']} with "
            "every repair).", ""]


SHOTS_CHOICES = {"zero_shot": "no demonstrations", "always": "demonstrations always",
                 "empty": "demonstrations for an empty answer (`ask`)", "likelier": "the likelier answer",
                 "empty_then_likelier": "rows first, then the likelier answer"}


def shots_confidence_section(results_dir: Path, root: Path) -> list[str]:
    """Whether the model's likelihood of its two answers (zero-shot, with demonstrations) picks the right one
    (`graphsql.experiments.shots_confidence`)."""
    path = layout.analysis_file(results_dir, "shots_confidence.json")
    if not path.exists():
        return []
    d = json.loads(path.read_text())
    splits = d["splits"]
    names = list(next(iter(splits.values()))["ex"])

    def label(name: str) -> str:
        if name.startswith("gated_"):
            return f"demonstrations for an empty answer or a zero-shot score below {name.removeprefix('gated_')}"
        return SHOTS_CHOICES.get(name, name)

    head = " | ".join(f"{s} ({v['n']}) EX | vs `ask` | templates ({v['templates']})" for s, v in splits.items())
    lines = ["## Few-shot: can the model's likelihood choose between its answers?", "",
             f"Model `{d['model']}` on GeoQuery's query-split dev (the design split) and test, 3 similar-question "
             "demonstrations of the same database. Each answer of the zero-shot run and of the run with "
             "demonstrations always shown is scored by the model (mean log-probability a token, as the reply to its "
             "own prompt); each row keeps one of the two answers a question by that choice. EX as recorded (the "
             "answer rules not replayed); differences against `ask`'s rule, paired over questions and over whole "
             "query templates.", "",
             f"| choice | {head} |", "|---" * (1 + 3 * len(splits)) + "|"]
    for name in names:
        cells = []
        for v in splits.values():
            vs = v["vs_empty"].get(name)
            cells += [_pct(v["ex"][name]), _ci(vs["questions"], signed=True) if vs else "–",
                      _ci(vs["templates"], signed=True) if vs else "–"]
        lines.append(f"| {label(name)} | " + " | ".join(cells) + " |")
    auc = "; ".join(f"{s}: zero-shot answers {v['auc_zero_shot']}, with demonstrations {v['auc_shown']}, the "
                    f"answer with demonstrations the likelier in {_pct(v['shown_likelier'])}%"
                    for s, v in splits.items())
    return lines + ["", f"How well the score ranks right answers above wrong ones (AUC) — {auc}.", "",
                    f"Source: `{_rel(path, root)}` (`graphsql experiment shots-confidence`).", ""]


def join_failures_section(results_dir: Path, root: Path) -> list[str]:
    """What `ask` gets wrong on 2+ JOIN questions, and whether the prompt held the tables
    (`graphsql.experiments.join_failures`)."""
    path = layout.analysis_file(results_dir, "join_failures.json")
    if not path.exists():
        return []
    d = json.loads(path.read_text())
    cats = ("execution_error", "wrong_tables", "wrong_join_path", "nesting")
    lines = [f"## {d['min_joins']}+ JOIN questions: what is wrong, and was it in the prompt?", "",
             f"The wrong answers on `{d['subset']}` whose gold query has {d['min_joins']} or more JOINs: whether every "
             "table of the gold query was in the pruned schema the model saw, how many JOINs the answer wrote "
             "against the gold's, and the failure category (Error analysis; the rest: aggregation, conditions, "
             "columns, ordering, values).", "",
             "| system | n | right | wrong | all gold tables shown | a gold table pruned | fewer / same / more JOINs | "
             + " | ".join(c.replace("_", " ") for c in cats) + " | other |", "|---" * (8 + len(cats)) + "|"]
    for key, v in d["systems"].items():
        j, c, t = v["joins_written_vs_gold"], v["categories"], v["gold_tables_in_prompt"]
        lines.append(f"| {v['label']} (`{key}`) | {v['n']} | {v['right']} | {v['wrong']} | {t['all_shown']} | "
                     f"{t['some_pruned']} | {j['fewer']} / {j['same']} / {j['more']} | "
                     + " | ".join(str(c[k]) for k in cats) + f" | {v['wrong'] - sum(c[k] for k in cats)} |")
    return lines + ["", f"Source: `{_rel(path, root)}` (`graphsql experiment join-failures`).", ""]


def example_reuse_section(results_dir: Path, root: Path) -> list[str]:
    """Answers from a user's worked examples, no model (`graphsql.experiments.example_reuse`)."""
    path = layout.analysis_file(results_dir, "example_reuse.json")
    if not path.exists():
        return []
    d = json.loads(path.read_text())
    lines = ["## Answers from the user's examples (no model)", "",
             "With a user's examples (`ask --shot-pool examples.json`, the web page's examples), `ask` first looks for "
             "an example whose question is the asked one with other values, and answers with its SQL and the asked "
             "values if that runs and returns rows (`graphsql.demos.reuse`; a value must be one the database holds, "
             "in columns named as the example value's). On GeoQuery, each split's train part as the examples file; "
             "where no example answers, the recorded answer of `ask` stands (zero-shot, or with 3 of the examples "
             "shown for an empty answer). EX in %, a -> b; paired bootstrap over questions and over whole query "
             "templates.", "",
             "| split, part | n | examples | answered from them | of those right | comparison | a | b "
             "| diff [95% CI] | templates resampled |", "|---" * 10 + "|"]
    for key, v in d["splits"].items():
        split, part = key.split("_", 1)
        head = f"| {split} split, {part} | {v['n']} | {v['pool']} | {v['answered']} | {v['right_when_answered']} |"
        if not v["versus"]:
            lines.append(head + " – | – | – | – | – |")
        for label, c in v["versus"].items():
            q, t = c["questions"], c["templates"]
            lines.append(f"{head} {label} | {_pct(q['a'])} | {_pct(q['b'])} | {_pct(q['diff'])} "
                         f"[{_pct(q['ci95'][0])}, {_pct(q['ci95'][1])}] | [{_pct(t['ci95'][0])}, {_pct(t['ci95'][1])}] |")
    loo = "; ".join(f"`{name}` {v['answered']} of {v['n']} answered ({v['right_when_answered']} right)"
                    for name, v in d.get("leave_one_out", {}).items())
    return lines + ["", "The question split shares SQL templates between its parts (the examples show the kind of "
                    "query asked); the query split does not, and there no example answers: reuse helps where a "
                    "user's examples hold the question with other values, and leaves the rest to the model. The "
                    "model's own use of demonstrations is the Few-shot section's."
                    + (f" Off GeoQuery, each Spider question asked with its database's other questions as the "
                       f"examples (no model answers there to compare with): {loo}." if loo else ""), "",
                    f"Source: `{_rel(path, root)}` (`graphsql experiment example-reuse`).", ""]


def synonym_linking_section(results_dir: Path, root: Path) -> list[str]:
    """WordNet synonyms of the schema's words in `ask`, linked or echoed, against `ask` without them
    (`graphsql.experiments.synonym_linking`)."""
    path = layout.analysis_file(results_dir, "synonym_linking.json")
    if not path.exists():
        return []
    d = json.loads(path.read_text())
    ways = {"link": "linked (`prompt.link_synonyms`)", "echo": "question in the schema's words (`prompt.echo_schema_words`)"}
    lines = ["## Question words that are WordNet synonyms of the schema's", "",
             "A question word whose usual WordNet noun sense a schema word shares (`graphsql.schema.synonyms`), and "
             "that the schema does not spell itself, either links to that word (\"vocalists\" to `singer`) or is replaced by it in the "
             "question `ask` asks (\"How many singers ...\"). Prompts and wordings built both ways for every "
             "question; `ask` answers the questions one changes both ways (the others keep `ask`'s recorded answer, "
             "the same both ways). EX in %, without -> with, paired bootstrap over every question of the set. The "
             "two rewording probes were made with WordNet synonyms too, so there both undo part of what the "
             "generator did: an upper bound for words a person would swap.", "",
             "| question set | n | synonyms | questions changed | gold tables now all shown | no longer all shown "
             "| EX without | EX with | diff [95% CI] | changed questions: right without / with |", "|---" * 10 + "|"]
    for name, v in d["sets"].items():
        for way, label in ways.items():
            w = v.get(way)
            if w is None:
                continue
            head = (f"| `{name}` | {w['n']} | {label} | {w['changed']} | {w['gold_tables_now_shown']} | "
                    f"{w['gold_tables_no_longer_shown']} |")
            if "versus" not in w:
                lines.append(head + " – | – | – | – |")
                continue
            a, c = w["versus"]["all"], w["versus"]["changed"]
            changed = f"{round(c['a'] * c['n'])} / {round(c['b'] * c['n'])} of {c['n']}" if c else "–"
            lines.append(f"{head} {_pct(a['a'])} | {_pct(a['b'])} | {_ci(a)} | {changed} |")
    return lines + ["", f"Source: `{_rel(path, root)}` (`graphsql experiment synonym-linking`).", ""]


def budget_vote_section(results_dir: Path, root: Path) -> list[str]:
    """`ask` at several pruning budgets and the vote across them (`graphsql.experiments.budget_vote`)."""
    path = layout.analysis_file(results_dir, "budget_vote.json")
    if not path.exists():
        return []
    d = json.loads(path.read_text())
    default, *others = d["budgets"]
    lines = ["## A vote across pruning budgets", "",
             f"`ask` asked with {', '.join(map(str, others))} tables kept besides its default {default}; the answer "
             "whose result most of them share wins (ties: the default's). A question whose prompt is the same at a "
             "budget as at the default keeps the default's answer there (same prompt, same answer). Budgets and tie "
             "rule fixed before any answer was seen; not part of `ask`. EX in %, against `ask` (paired bootstrap "
             "over questions).", "",
             "| question set | n | prompts differ | answers the vote changes | system | EX `ask` | EX | diff [95% CI] "
             "| 2+ JOIN diff [95% CI] |", "|---" * 9 + "|"]
    for name, v in d["sets"].items():
        differ = " / ".join(f"{b}: {x['prompts_differ']}" for b, x in v["budgets"].items())
        for system, c in v["versus_ask"].items():
            a, j = c["all"], c["joins_2+"]
            label = "vote" if system == "vote" else f"{system[1:]} tables"
            joins = f"{_ci(j)} (n={j['n']})" if j["n"] else "–"
            lines.append(f"| `{name}` | {v['n']} | {differ} | {v['changed_by_vote']} | {label} | {_pct(a['a'])} | "
                         f"{_pct(a['b'])} | {_ci(a)} | {joins} |")
    return lines + ["", f"Source: `{_rel(path, root)}` (`graphsql experiment budget-vote`).", ""]


def typed_values_section(results_dir: Path, root: Path) -> list[str]:
    """`ask` with values typed by the word beside them (`graphsql.experiments.typed_values`)."""
    path = layout.analysis_file(results_dir, "typed_values.json")
    if not path.exists():
        return []
    d = json.loads(path.read_text())
    lines = ["## Values typed by the word beside them", "",
             "A name several columns hold (\"mississippi\": a state, a river, every column referring to a state) links "
             "only to the columns whose name has the word the question puts beside it (\"the mississippi river\", "
             "\"the state of nevada\"; `prompt.typed_values`, `graphsql.schema.link.typed_values`). Written after "
             "reading `ask`'s wrong GeoQuery answers; only questions whose prompt changes are asked again, the others "
             "keep `ask`'s recorded answer. Off in `ask`, which takes a setting only if it loses no Spider dev "
             "answer. EX in %, against `ask` (paired bootstrap over questions; over whole query templates of the "
             "gold SQL).", "",
             "| question set | n | prompts differ | answers changed | wrong -> right | right -> wrong | EX `ask` | EX "
             "| diff [95% CI] | templates [95% CI] | 2+ JOIN diff |", "|---" * 11 + "|"]
    for name, v in d["sets"].items():
        a, t, j = v["versus_ask"]["all"], v["versus_ask"].get("all_templates") or {}, v["versus_ask"]["joins_2+"]
        templates = f"[{_pct(t['ci95'][0])}, {_pct(t['ci95'][1])}]" if t.get("ci95") else "–"
        joins = f"{_pct(j['diff'])} (n={j['n']})" if j["n"] else "–"
        lines.append(f"| `{name}` | {v['n']} | {v['prompts_differ']} | {v['answers_changed']} | {v['wrong_to_right']} "
                     f"| {v['right_to_wrong']} | {_pct(a['a'])} | {_pct(a['b'])} | {_ci(a)} | {templates} | {joins} |")
    return lines + ["", f"Source: `{_rel(path, root)}` (`graphsql experiment typed-values`).", ""]


def detached_joins_section(results_dir: Path, root: Path) -> list[str]:
    """The detached-join repair on gold queries and on recorded answers (`graphsql.experiments.detached_joins`)."""
    path = layout.analysis_file(results_dir, "detached_joins.json")
    if not path.exists():
        return []
    d = json.loads(path.read_text())
    lines = ["## Joins whose condition misses the joined table", "",
             "A JOIN whose condition names neither the joined table nor its alias (`JOIN activity AS T3 ON T2.actid "
             "= T2.actid`) joins that table to every row. Since this analysis the repairs attach it along a foreign "
             "key (`attach_detached_joins`, README). Gold queries it changes, and whether their result changes:", "",
             "| gold queries | n | changed | result changed |", "|---|---|---|---|"]
    for name, g in d["gold"].items():
        lines.append(f"| {name} | {g['n']} | {g['changed']} | {g['result_changed']} |")
    lines += ["", f"Answers recorded in `results/` (every run of every model), by execution against the gold: "
              f"those of `{d['design_tag']}` on the subsets where the repair was written after reading "
              f"{len(d['designed_on'])} of its answers, and all the others.", "",
              "| answers | runs | answers | changed | right before | right after |", "|---|---|---|---|---|---|"]
    for key, label in (("answers_designed_on", "read while writing it"), ("answers_not_read", "not read")):
        t = d[key]["total"]
        lines.append(f"| {label} | {t['runs']} | {t['n']} | {t['changed']} | {t['right_before']} | "
                     f"{t['right_after']} |")
    return lines + ["", f"Source: `{_rel(path, root)}` (`graphsql experiment detached-joins`).", ""]


def _bird_schema_section(results_dir: Path, root: Path, comparisons: dict, out: Path) -> list[str]:
    """BIRD dev without its databases: schema-level scores of every system run on it, and paired bootstrap
    differences between systems."""
    found = list(layout.results_files(results_dir, kind="bird_schema"))
    paths = [path for path, *_ in found]
    if not paths:
        return []
    labels = {f"{tag}:{variant}": label for label, tag, variant in SYSTEMS}
    lines = ["## BIRD dev at the schema level (its databases could not be had offline)", "",
             "Predictions run on empty databases built from `dev_tables.json` (with BIRD's evidence and column "
             "descriptions in the prompt); scored by whether they run, and by the precision / recall / F1 of the "
             "tables and (table, column) pairs they use against the gold query's. Not execution accuracy. Rows "
             "with repairs replay `graphsql ask`'s join and column repairs on the same recorded queries "
             "(`--repairs`; no BIRD item was read while the repairs were written). Few-shot rows show k "
             "demonstrations from the other BIRD dev questions of the asked database (none of the evaluated ones; "
             "BIRD has no train split here), as a user's worked examples of their own database would be given. No "
             "self-consistency rows: on empty databases every query returns no rows, so a vote over results would "
             "only pick a query that runs.", "",
             "| system | subset | n | runs on the schema | tables P | tables R | tables F1 | tables exact | "
             "columns P | columns R | columns F1 | columns exact |", "|---" * 12 + "|"]
    loaded = {(tag, subset, variant): json.loads(path.read_text()) for path, subset, tag, variant in found}
    for (tag, subset, variant), m in loaded.items():
        t, c = m["tables"], m["columns"]
        lines.append(f"| {_replay_label(labels, f'{tag}:{variant}')} | {subset} | {m['n']} | "
                     f"{_pct(m['executable'])} | " + " | ".join(_pct(t[k]) for k in ("precision", "recall", "f1", "exact"))
                     + " | " + " | ".join(_pct(c[k]) for k in ("precision", "recall", "f1", "exact")) + " |")
    lines += ["", "Sources: " + ", ".join(f"`{_rel(p, root)}`" for p in paths)
              + " (`python -m graphsql.experiments.bird_schema`).", ""]
    for (tag, subset), runs in _bird_fewshot_runs(loaded).items():
        fig = _bird_fewshot_figure(runs, out.parent / "figures" / f"bird_fewshot_{tag}_{subset}.png",
                                   f"BIRD dev, schema level, few-shot: {tag}, {subset}")
        lines += [f"![BIRD few-shot by selector]({_rel(fig, out.parent)})", ""]
    pairs = [(key.split("/")[1], key.split("/")[2], c) for key, c in comparisons.items() if key.startswith("bird/")]
    if pairs:
        lines += ["Paired bootstrap (b − a, same items):", "",
                  "| subset | b | a | measure | n | a | b | b − a | 95% CI |", "|---" * 9 + "|"]
        for subset, pair, c in pairs:
            b, a = (_replay_label(labels, x) for x in pair.split("-vs-"))
            lines += [f"| {subset} | {b} | {a} | {name} | {c[key]['n']} | {_pct(c[key]['a'])} | {_pct(c[key]['b'])} | "
                      f"{_pct(c[key]['diff'])} | [{_pct(c[key]['ci95'][0])}, {_pct(c[key]['ci95'][1])}] |"
                      for key, name in BIRD_MEASURES]
        lines += ["", "Source: `results/analyses/comparisons.json`.", ""]
    return lines


def _bird_fewshot_runs(loaded: dict[tuple[str, str, str], dict]) -> dict[tuple[str, str], dict[str, dict]]:
    """Per (tag, subset) with few-shot runs on BIRD (``loaded``: each (tag, subset, variant)'s metrics): the zero-shot
    run first, then each few-shot run, by label."""
    by_run: dict[tuple[str, str], dict[str, dict]] = {}
    for (tag, subset, variant), m in loaded.items():
        by_run.setdefault((tag, subset), {})[variant] = m
    out: dict[tuple[str, str], dict[str, dict]] = {}
    for (tag, subset), variants in sorted(by_run.items()):
        shots = {name: match for name in sorted(variants) if (match := FEWSHOT.match(name))}
        if not shots:
            continue
        runs: dict[str, dict] = {}
        for name, match in shots.items():
            zero = _zero_shot_name(tag, match["base"], variants)
            if zero in variants:
                runs.setdefault(f"zero-shot ({zero})", variants[zero])
            runs[f"{selector_words(match)}, k = {match['k']}"] = variants[name]
        out[(tag, subset)] = runs
    return out


def _bird_fewshot_figure(runs: dict[str, dict], path: Path, title: str) -> Path:
    """Grouped bars: each BIRD schema-level measure (x) for zero-shot and each demonstration selector."""
    fig, ax = _pyplot().subplots(figsize=(7, 4))
    width = 0.8 / len(runs)
    for i, (label, m) in enumerate(runs.items()):
        values = [100 * m["executable"], 100 * m["tables"]["f1"], 100 * m["columns"]["f1"]]
        ax.bar([j + (i - (len(runs) - 1) / 2) * width for j in range(3)], values, width,
               label=f"{label} (n={m['n']})")
    ax.set_xticks(range(3), [name for _, name in BIRD_MEASURES])
    ax.set_ylabel("% (runs) / F1 x 100")
    ax.set_ylim(0, 100)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(axis="y", alpha=0.3)
    return _save_figure(fig, path)


def _fewshot_section(results: dict, comparisons: dict, out: Path, keep=lambda tag, subset: True) -> list[str]:
    """Few-shot EX by selector (rows) and number of demonstrations (columns), per model setting and subset that
    ``keep(tag, subset)`` takes; the zero-shot column is the same prompt format without demonstrations."""
    lines: list[str] = []
    for (tag, subset), variants in results.items():
        if not keep(tag, subset):
            continue
        cells: dict[tuple[str, str, str], dict[int, dict]] = {}
        selectors: dict[str, str] = {}  # the selector and its suffixes (row order) -> in words
        for name, (_path, m) in variants.items():
            match = FEWSHOT.match(name)
            if match:
                sel = match["sel"] + (match["when"] or "") + (match["style"] or "")
                selectors[sel] = selector_words(match)
                cells.setdefault((match["base"], match["pool"] or "", sel), {})[int(match["k"])] = m
        if not cells:
            continue
        ks = sorted({k for row in cells.values() for k in row})
        if not lines:
            lines += ["## Few-shot demonstrations on unseen schemas", "",
                      "Demonstrations come from Spider train (other databases than the asked one) or, for GeoQuery's "
                      "query-split dev and test questions, from its query-split train (the same database, as a user's "
                      "own worked examples; no SQL program of the asked questions among them). No model here was "
                      "trained on GeoQuery or with demonstrations. EX (%) by selector and number of demonstrations k "
                      "(EX on 2-JOIN questions in brackets); k = 0: the same setting without them (`ask`'s defaults "
                      "without its answer rules, whose replays are in the paired table).", ""]
        lines += [f"### `{tag}` on `{subset}`", "",
                  "| zero-shot setting | demonstrations from | selector | k = 0 | "
                  + " | ".join(f"k = {k}" for k in ks) + " |",
                  "|---" * (4 + len(ks)) + "|"]
        series: dict[str, list[tuple[int, float]]] = {}
        for (base, pool, sel), row in sorted(cells.items()):
            zero = variants.get(_zero_shot_name(tag, base, variants), (None, None))[1]

            def cell(m):
                return "–" if m is None else f"{_pct(m['ex'])} ({_pct(m['by_joins'].get('2', {}).get('ex'))})"

            lines.append(f"| {BASE_NAMES[base]} | {POOL_NAMES[pool or None]} | {selectors[sel]} | {cell(zero)} | "
                         + " | ".join(cell(row.get(k)) for k in ks) + " |")
            series[_fewshot_series_label(base, pool, selectors[sel], cells)] = (
                [(0, zero["ex"])] if zero else []) + [(k, row[k]["ex"]) for k in sorted(row)]
        fig = _fewshot_figure(series, out.parent / "figures" / f"fewshot_{tag}_{subset}.png",
                              f"Few-shot EX by demonstrations: {tag}, {subset}")
        lines += ["", f"![EX by number of demonstrations]({_rel(fig, out.parent)})",
                  "", f"Sources: `results/{subset}/{tag}/<variant>.json`.", ""]
        pairs = [(key.split("/")[-1], c) for key, c in comparisons.items()  # (not the name rule's replay alone:
                 if key.startswith(f"fewshot/{tag}/{subset}/")                # the literal rule's comes after it)
                 and not _names_only(key.split("/")[-1].split("-vs-")[0])]
        joins = any((c.get("joins_2+") or {}).get("n", 0) > 1 for _, c in pairs)  # (GeoQuery: none or one)
        if pairs:
            lines += ["Paired bootstrap (b − a, same items):", "",
                      "| b | a | n | a EX | b EX | b − a | 95% CI | " + ("2+ JOIN: n | b − a | 95% CI | " if joins else "")
                      + "95% CI, query templates resampled (templates) |", "|---" * (11 if joins else 8) + "|"]
            lines += [f"| {pair.split('-vs-')[0]} | {pair.split('-vs-')[1]} | "
                      f"{_comparison_cells(c, joins)}{_template_cells(c)}" for pair, c in pairs]
            lines += ["", "Source: `results/analyses/comparisons.json`.", ""]
    return lines


def _names_only(stem: str) -> bool:
    """A replay of the name rule alone (``_names``, not ``_values_names``)."""
    return layout.rule_suffix(stem) == layout.NAMES_SUFFIX


def _fewshot_series_label(base: str, pool: str | None, selector: str, cells: Container[tuple[str, str, str]]) -> str:
    """A plot label for one selector (in words): the selector, where its demonstrations come from, and the
    zero-shot base (prompt format) where a section mixes them."""
    where = POOL_NAMES[pool or None].split(" (")[0]
    bases = {b for b, _, _ in cells}
    return f"{selector} ({where}" + (f", {BASE_NAMES[base]})" if len(bases) > 1 else ")")


def _fewshot_figure(series: dict[str, list[tuple[int, float]]], path: Path, title: str) -> Path:
    """EX against the number of demonstrations k (k = 0: the same prompt without them), a line per selector."""
    fig, ax = _pyplot().subplots(figsize=(6.5, 4))
    for label, points in series.items():
        ax.plot([k for k, _ in points], [100 * ex for _, ex in points], marker="o", label=label)
    ax.set_xticks(sorted({k for points in series.values() for k, _ in points}))
    ax.set_xlabel("demonstrations in the prompt (k)")
    ax.set_ylabel("execution accuracy (%)")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    return _save_figure(fig, path)


FALLBACK_VARIANT = "ask_fb4"


def _fallback_rows(results_dir: Path) -> list[dict]:
    """One row per run of the fallback variant: the same run's answers with and without the fallback samples,
    paired (Spider and GeoQuery: EX; BIRD at the schema level: queries that run, columns F1)."""
    from graphsql.eval.compare import paired_bootstrap

    rows = []
    for path, subset, tag, _ in layout.results_files(results_dir, kind="eval", replays=False, name=FALLBACK_VARIANT):
        m = json.loads(path.read_text())
        if any(not layout.SUBSET.fullmatch(source) for source in m.get("reused") or {}):
            continue  # most answers copied from another split's run (a probe): its pair is mostly that run's
        before = m["without_fallback"]["ex_items"]
        without = [{**it, "ex": before[str(it["idx"])]} for it in m["items"]]
        measures = {"EX": paired_bootstrap(without, m["items"], "ex")}
        rows.append({"path": path, "tag": tag, "subset": subset, "m": m,
                     "fired": sum(bool(it.get("fallback")) for it in m["items"]), "measures": measures})
    for path, subset, tag, _ in layout.results_files(results_dir, kind="bird_schema", replays=False,
                                                     name=FALLBACK_VARIANT):
        m = json.loads(path.read_text())
        before = {it["idx"]: it for it in m["without_fallback"]["items"]}
        without = [{"idx": it["idx"], **before[it["idx"]]} for it in m["items"]]
        after = [{"idx": it["idx"], "executable": it["executable"], "columns_f1": it["columns"]["f1"]}
                 for it in m["items"]]
        measures = {"queries that run": paired_bootstrap(without, after, "executable"),
                    "columns F1": paired_bootstrap(without, after, "columns_f1")}
        rows.append({"path": path, "tag": tag, "subset": subset + " (schema level)",
                     "m": m, "fired": sum(bool(it.get("fallback")) for it in m["items"]), "measures": measures})
    return rows


def fallback_section(results_dir: Path, root: Path, comparisons: dict) -> list[str]:
    """Execution-guided fallback (`infer.fallback`): what 4 samples drawn only when nothing runs add to `ask`."""
    rows = _fallback_rows(results_dir)
    if not rows:
        return []
    tags = ", ".join(sorted({f"`{r['tag']}`" for r in rows}))
    lines = ["## Execution-guided fallback: samples only when nothing runs", "",
             f"Model {tags}, variant `{FALLBACK_VARIANT}`: what `graphsql ask` does (greedy, every repair inside the run, the error "
             "re-prompt), and when still no query runs, 4 samples at temperature 0.7 with the same repairs, keeping "
             "the voted one that runs (`infer.fallback`, `--fallback`). Each run records the answer the fallback "
             "replaced, so both columns come from one run and are paired exactly. The fallback cannot turn a query "
             "that ran into one that fails; a question gains when a sample that runs is also right. None of these "
             "question sets was used to choose the setting (4 samples, 0.7 were fixed before the runs).", "",
             "| questions | n | fallback drawn | measure | without | with | with − without [95% CI] | s / question |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        for i, (measure, b) in enumerate(r["measures"].items()):
            head = f"`{r['subset']}` | {r['m']['n']} | {r['fired']}" if i == 0 else " | |"
            secs = (r["m"].get("seconds_per_question") or "–") if i == 0 else ""
            lines.append(f"| {head} | {measure} | {_pct(b['a'])} | {_pct(b['b'])} | {_ci(b, signed=True)} | {secs} |")
    lines += ["", f"Sources: `results/<questions>/<model>/{FALLBACK_VARIANT}.json` (BIRD: `<questions>-schema`).", ""]
    changes = {f"/{FALLBACK_VARIANT}-vs-{FALLBACK_VARIANT}_nokeys": "keys inferred for a database that declares none "
                                                                   "(b) against none (a)",
               f"/{FALLBACK_VARIANT}_t6-vs-{FALLBACK_VARIANT}": "a pruning budget of 6 tables (b) against 4 (a)",
               f"/{FALLBACK_VARIANT}_empty-vs-{FALLBACK_VARIANT}": "the fallback samples drawn for an answer that "
                                                                  "returns no rows too (b) against only for one "
                                                                  "that fails (a)"}
    found = [(what, key, c) for suffix, what in changes.items() for key, c in sorted(comparisons.items())
             if key.endswith(suffix)]
    if found:
        lines += ["Other settings of the same pipeline (two runs, paired by question; linking recall at 4 and 6 tables: "
                  "appendix, Linking on the probes; keys: `graphsql.schema.infer`, written after reading GeoQuery's "
                  "schema):", "",
                  "| change | questions | n | EX a | EX b | b − a [95% CI] | templates resampled |", "|---|---|---|---|---|---|---|"]
        for what, key, c in found:
            a, t = c["all"], c.get("all_templates") or {}
            cell = f"[{100 * t['ci95'][0]:.1f}, {100 * t['ci95'][1]:.1f}] ({t['clusters']})" if t.get("ci95") else "–"
            lines.append(f"| {what} | `{key.split('/')[1]}` | {a['n']} | {_pct(a['a'])} | {_pct(a['b'])} | "
                         f"{_ci(a, signed=True)} | {cell} |")
        lines += ["", "Source: `results/analyses/comparisons.json`.", ""]
    return lines + _rule_lines(comparisons, results_dir, layout.NAMES_SUFFIX) + _rule_lines(comparisons, results_dir, layout.VALUES_SUFFIX)


def _rule_parts(comparisons: dict, suffix: str) -> tuple[list[str], list[str]]:
    """(the questions where an answer rule rewrote answers, with their EX change; those where it rewrote none),
    from the comparisons of ``suffix``'s replays on `ask`'s runs; template-resampled intervals where there are."""
    ref = layout.rules_reference(FALLBACK_VARIANT + suffix)
    changed, same = [], []
    for key, c in sorted(comparisons.items()):
        if not key.endswith(f"/{FALLBACK_VARIANT}{suffix}-vs-{ref}"):
            continue
        subset, a = key.split("/")[1], c["all"]
        if not c["rewritten"]:
            same.append(f"`{subset}`")
        elif not a["diff"]:
            changed.append(f"`{subset}` {c['rewritten']} (EX unchanged)")
        else:
            t = c.get("all_templates") or {}
            shown = _ci(t, signed=True) if t.get("ci95") else ""
            cell = f", templates {shown}" if shown and shown != _ci(a, signed=True) else ""
            changed.append(f"`{subset}` {c['rewritten']} (EX {_pct(a['a'])} -> {_pct(a['b'])}, "
                           f"{_ci(a, signed=True)}{cell})")
    return changed, same


def _names_checked(data: dict, source: Path) -> str:
    c = data["names"]["counts"]
    return (f"On Spider {data['split']}'s gold queries (`{source}`), of {c.get('queries', 0)}: a star answer renamed "
            f"{c.get('star_rewritten', 0)} ({c.get('star_rewritten_other_result', 0)} with another result), a key "
            f"answer {c.get('key_rewritten', 0)} ({c.get('key_rewritten_other_result', 0)}): gold queries that answer "
            "an entity question with every column or an id.")


def _literals_checked(data: dict, source: Path) -> str:
    c = data["literals"]["counts"]
    return (f"On Spider {data['split']}'s gold queries with a string literal (no part of the rule was written on them; "
            f"`{source}`): {c.get('gold_rewritten', 0)} of {c.get('queries', 0)} rewritten, "
            f"{c.get('gold_rewritten_other_result', 0)} of them with another result (the gold's literal is not in the "
            f"database as written); a literal respelled on purpose restored: letter case {c.get('case_restored', 0)} "
            f"of {c.get('case_perturbed', 0)}, a country's other name {c.get('country_restored', 0)} of "
            f"{c.get('country_perturbed', 0)}.")


ANSWER_RULES = {  # replay suffix -> (what the rule does, its check on gold queries)
    layout.NAMES_SUFFIX: ("The name rule (`infer.names_for_star`, on in `ask`: a `SELECT *` answer to a question about "
                          "entities gets their name column, and so does an answer of one key column; "
                          "`graphsql.inference.entity`), replayed on `ask`'s answers (`_names`)", _names_checked),
    layout.VALUES_SUFFIX: ("The literal rule (`infer.respell_literals`, on in `ask`: a literal its column never holds "
                           "becomes the one value the database holds that it means; `graphsql.inference.literals`), "
                           "replayed on `ask`'s answers after the name rule (`_values_names` against `_names`)",
                           _literals_checked),
}


def _rule_lines(comparisons: dict, results_dir: Path, suffix: str) -> list[str]:
    """One paragraph on an answer rule of `ask` (`ANSWER_RULES`): replayed on each `ask` run's answers, and checked
    on Spider train's gold queries (`graphsql.experiments.rules_heldout`)."""
    changed, same = _rule_parts(comparisons, suffix)
    if not changed and not same:
        return []
    what, checked = ANSWER_RULES[suffix]
    check = layout.analysis_file(results_dir, "rules_heldout.json")
    held = " " + checked(json.loads(check.read_text()), check.relative_to(results_dir.parent)) if check.exists() else ""
    return [what + ", answers rewritten: " + "; ".join(changed) + (f"; none on the {len(same)} other sets" if same else "")
            + "." + held, ""]


def pertainym_section(results_dir: Path, comparisons: dict) -> list[str]:
    """One paragraph on linking values named by an adjective (`prompt.link_pertainyms`), against `ask` without it:
    on how many questions the prompt changed (the others' answers copied: same prompt, same answer) and EX."""
    parts = []
    for key, c in sorted(comparisons.items()):
        if not key.endswith(f"/{FALLBACK_VARIANT}_pert-vs-{FALLBACK_VARIANT}"):
            continue
        tag, subset = key.split("/")[:2]
        run = json.loads(layout.run_file(results_dir, subset, tag, f"{FALLBACK_VARIANT}_pert").read_text())
        changed = run["n"] - run.get("same_prompt", 0)
        parts.append(f"`{subset}` {changed} of {run['n']} (EX {_pct(c['all']['a'])} -> {_pct(c['all']['b'])})")
    if not parts:
        return []
    return ["## Values named by an adjective", "", "Values named by an adjective linked (`prompt.link_pertainyms`: French -> France, WordNet's "
            "pertainyms, `graphsql.schema.pertainyms`; off by default), `ask` with it against without it, prompts "
            "changed (the other questions' answers copied: same prompt, same answer): " + "; ".join(parts) + ".", ""]
