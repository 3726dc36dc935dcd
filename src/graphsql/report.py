"""Rebuild ``docs/report.md`` and its plots from the files under ``results/`` (formatting only).

    $ graphsql report                     # writes results/comparisons.json, docs/report.md, docs/figures/*.png

Every table names the results file it came from; no figure is typed by hand. The only computation here is the
paired bootstrap of `graphsql.eval.compare`, written to ``results/comparisons.json`` before the report reads it.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Container
from pathlib import Path

from graphsql.config import REPO_ROOT
from graphsql.eval.compare import paired_bootstrap
from graphsql.experiments.registry import load_registry
from graphsql.sql.parse import query_template

JOIN_KEYS = ("0", "1", "2", "3+")
HARDNESS = ("easy", "medium", "hard", "extra")
# (baseline variant, compared variant) pairs the text talks about
COMPARISONS = (("ddl_full", "graph_pruned"), ("ddl_full", "graph_pruned_sc5"), ("graph_pruned", "graph_pruned_sc5"),
               ("ddl_full", "ddl_pruned"), ("ddl_full", "ddl_pruned_sc5"), ("ddl_pruned", "ddl_pruned_sc5"),
               ("ddl_full", "compact_pruned_t2_c4"), ("compact_pruned", "compact_pruned_t2_c4"))
# the shipped adapter merged into the base weights, one tag per GGUF format (experiments.yaml)
MERGED_TAG = "graph-balanced-gpu-merged-"
_REGISTRY = load_registry()  # experiments.yaml: labels, the main table, the comparisons
SYSTEMS = _REGISTRY.systems  # the main table's rows: (label, tag, variant), from experiments.yaml
# Augmentation ablations: an adapter retrained with augmentations off is evaluated under the tag
# "<full adapter's tag>-no_<augmentations>" (scripts/ablation_experiments.sh, scripts/gpu_runs_evaluate.sh) and
# compared with that full adapter, trained with the same budget.
# an adapter retrained without augmentations (<full>-no_<off>), or with the full recipe and another training seed
# (<full>-seed<N>: how far two runs of one recipe differ, beside what an ablation changes)
ABLATION_TAG = re.compile(r"^(?P<full>.+?)-(?:no_(?P<off>\w+)|seed(?P<seed>\d+))$")
# the training run (results/train/<run>.json) of each full adapter that ablations are compared with; an ablated
# adapter's run is graph_no_<off> plus the full adapter's device suffix, a reseeded one <run>_seed<N>_<device>
ABLATION_FULL_RUNS = {"graph-balanced-gpu-lora": "graph_balanced_gpu", "graph-balanced-lora": "graph_balanced_cpu"}
# (a, b) pairs of (tag, variant) across model settings, bootstrapped on the items both ran (experiments.yaml)
SYSTEM_COMPARISONS = _REGISTRY.comparisons["systems"]
# (a, b) pairs of (tag, replay) from results/sc_count: two systems with the same fixes replayed, at the largest k
# BIRD at the schema level: (a, b) systems as (tag, variant), each also with the repairs replayed (_fixj), and the
# measures compared per item (`graphsql.experiments.bird_schema` items)
BIRD_COMPARISONS = _REGISTRY.comparisons["bird_schema"]
BIRD_MEASURES = (("executable", "runs on the schema"), ("tables.f1", "tables F1"), ("columns.f1", "columns F1"))
REPLAY_COMPARISONS = _REGISTRY.comparisons["replays"]


def _rel(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def load_eval_results(results_dir: Path) -> dict[tuple[str, str], dict[str, tuple[Path, dict]]]:
    """{(tag, subset): {variant: (path, metrics)}} for every ``results/eval/<tag>/<subset>/<variant>.json``."""
    out: dict = {}
    for path in sorted((results_dir / "eval").glob("*/*/*.json")):
        tag, subset = path.parent.parent.name, path.parent.name
        out.setdefault((tag, subset), {})[path.stem] = (path, json.loads(path.read_text()))
    return out


def _bootstrap_entry(ia: list[dict], ib: list[dict], templates: dict[int, str] | None = None) -> dict:
    """EX overall and by JOIN bucket; with ``templates`` (idx -> query template of the gold SQL) also overall with
    whole templates resampled (``all_templates``)."""
    entry = {"all": paired_bootstrap(ia, ib)}
    if templates:
        entry["all_templates"] = paired_bootstrap(ia, ib, cluster=lambda it: templates.get(it["idx"], f"#{it['idx']}"))
    for key in JOIN_KEYS:
        entry[f"joins_{key}"] = paired_bootstrap(ia, ib, subset=key)
    entry["joins_2+"] = paired_bootstrap(ia, ib, subset=("2", "3+"))
    return entry


def _is_complete(metrics: dict) -> bool:
    progress = metrics.get("progress") or {}
    return not progress or progress.get("done", 0) >= progress.get("total", 0)


# the Spider dev databases whose failures (of the default adapter, 2+ JOIN questions) were read while writing the
# join repairs; their gain is also shown on the items of every other database ("<subset>-uninspected")
FIX_INSPECTED_DBS = ("concert_singer", "pets_1", "car_1", "flight_2", "course_teach", "museum_visit",
                     "student_transcripts_tracking", "tvshow", "voter_1", "world_1", "network_1")
REPLAY_SUFFIXES = ("_fixj", "_fix", "_joins")  # graphsql.experiments.sc_count: join + column fix, column, join


def _seed_spreads(comparisons: dict) -> dict:
    """Run-to-run spread of a recipe: ``seed_spread/<subset>/<full adapter>`` with the EX of each training seed
    (seed 0 is the full adapter itself, the others its ``-seedN`` retrainings), their mean, SD and max − min, and
    the EX of each ablation of that adapter with where it lies against the seeds' range (below, inside, above)."""
    spreads: dict[str, dict] = {}
    ablated: dict[str, dict[str, float]] = {}
    for key, c in comparisons.items():
        if not key.startswith("ablations/"):
            continue
        _, subset, pair = key.split("/")
        match = ABLATION_TAG.match(pair.split(":")[0])
        where = f"seed_spread/{subset}/{match['full']}"
        if match["seed"]:
            spreads.setdefault(where, {"ex_by_seed": {"0": c["all"]["a"]}})["ex_by_seed"][match["seed"]] = c["all"]["b"]
        else:
            ablated.setdefault(where, {})[match["off"]] = c["all"]["b"]
    for where, spread in spreads.items():
        values = list(spread["ex_by_seed"].values())
        lo, hi = min(values), max(values)
        spread.update(runs=len(values), mean=round(statistics.mean(values), 4),
                      sd=round(statistics.stdev(values), 4), range=round(hi - lo, 4),
                      ablations={off: {"ex": ex, "seed_range": "below" if ex < lo else "above" if ex > hi else "inside"}
                                 for off, ex in sorted(ablated.get(where, {}).items())})
    return spreads


def _replay_parts(stem: str) -> tuple[str, str]:
    """A replay file's stem as (variant, fix suffix), e.g. ("as_trained", "_fixj")."""
    suffix = next((x for x in REPLAY_SUFFIXES if stem.endswith(x)), "")
    return stem.removesuffix(suffix) if suffix else stem, suffix


def compute_comparisons(results_dir: Path) -> Path:
    """Paired bootstrap CIs (EX, overall and per JOIN bucket) for `COMPARISONS` in every evaluated setting and
    for `SYSTEM_COMPARISONS` across settings on the same subset."""
    out = {}
    results = load_eval_results(results_dir)
    templates: dict[str, dict[int, str]] = {}  # subset -> idx -> query template of its gold SQL
    for (_tag, subset), variants in sorted(results.items()):
        for _path, metrics in variants.values():
            for it in metrics["items"]:
                if it.get("gold_sql") and it["idx"] not in templates.setdefault(subset, {}):
                    templates[subset][it["idx"]] = query_template(it["gold_sql"])
    for (tag, subset), variants in results.items():
        for a, b in COMPARISONS:
            if a in variants and b in variants:
                out[f"{tag}/{subset}/{b}-vs-{a}"] = _bootstrap_entry(variants[a][1]["items"], variants[b][1]["items"],
                                                                     templates.get(subset))
    for subset in sorted({s for _, s in results}):
        for (ta, va), (tb, vb) in SYSTEM_COMPARISONS:
            a = results.get((ta, subset), {}).get(va)
            b = results.get((tb, subset), {}).get(vb)
            if a and b and _is_complete(a[1]) and _is_complete(b[1]):
                out[f"systems/{subset}/{tb}:{vb}-vs-{ta}:{va}"] = _bootstrap_entry(a[1]["items"], b[1]["items"],
                                                                                   templates.get(subset))
    for (tag, subset), variants in sorted(results.items()):  # augmentation ablations against their full adapter
        match = ABLATION_TAG.match(tag)
        full = results.get((match["full"], subset), {}).get("as_trained") if match else None
        if full and "as_trained" in variants and _is_complete(full[1]) and _is_complete(variants["as_trained"][1]):
            out[f"ablations/{subset}/{tag}:as_trained-vs-{match['full']}:as_trained"] = _bootstrap_entry(
                full[1]["items"], variants["as_trained"][1]["items"], templates.get(subset))
    out.update(_seed_spreads(out))
    replays = {(p.parent.parent.name, p.parent.name, p.stem): json.loads(p.read_text())["by_k"]
               for p in sorted((results_dir / "sc_count").glob("*/*/*.json"))}
    for (tag, subset, stem), b in replays.items():  # replayed fixes vs none, and the join fix on top of the column fix
        variant, suffix = _replay_parts(stem)
        for ref in {"_fix": ("",), "_joins": ("",), "_fixj": ("", "_fix")}.get(suffix, ()):
            a = replays.get((tag, subset, variant + ref))
            if a:
                k = max(set(a) & set(b), key=int)
                out[f"sc_count/{tag}/{subset}/{stem}-vs-{variant + ref}"] = _bootstrap_entry(
                    a[k]["items"], b[k]["items"], templates.get(subset))
                if suffix == "_fixj" and ref == "_fix":  # the join fix on databases not read while writing it
                    keep = [i for i, it in enumerate(a[k]["items"]) if it.get("db_id", "") not in FIX_INSPECTED_DBS]
                    if len(keep) < len(a[k]["items"]):
                        out[f"sc_count/{tag}/{subset}-uninspected/{stem}-vs-{variant + ref}"] = _bootstrap_entry(
                            [a[k]["items"][i] for i in keep], [b[k]["items"][i] for i in keep], templates.get(subset))
    bird = {(p.parent.parent.name, p.parent.name, p.stem): json.loads(p.read_text()).get("items")
            for p in sorted((results_dir / "bird_schema").glob("*/*/*.json"))}
    bird_variants: dict[tuple[str, str], set[str]] = {}
    for tag, subset, variant in bird:
        bird_variants.setdefault((tag, subset), set()).add(variant)
    for subset in sorted({s for _, s, _ in bird}):  # BIRD schema level: per-item runs / tables F1 / columns F1
        for (ta, va), (tb, vb) in BIRD_COMPARISONS:
            for suffix in ("", "_fixj"):
                a, b = bird.get((ta, subset, va + suffix)), bird.get((tb, subset, vb + suffix))
                if a and b:
                    out[f"bird/{subset}/{tb}:{vb}{suffix}-vs-{ta}:{va}{suffix}"] = {
                        key: paired_bootstrap(a, b, key=key) for key, _ in BIRD_MEASURES}
        for tag, sub, name in sorted(bird):  # few-shot on BIRD vs the same model zero-shot and vs random demos
            match = FEWSHOT.match(name)
            if sub != subset or not match:
                continue
            fmt, sel, k, pool = match.groups()
            variants = bird_variants[(tag, subset)]
            for ref in _fewshot_refs(tag, fmt, sel, k, pool, variants):
                if ref in variants:
                    out[f"bird/{subset}/{tag}:{name}-vs-{tag}:{ref}"] = {
                        key: paired_bootstrap(bird[(tag, subset, ref)], bird[(tag, subset, name)], key=key)
                        for key, _ in BIRD_MEASURES}
    for (ta, va), (tb, vb) in REPLAY_COMPARISONS:  # systems with the same replayed fixes, on the same items
        for (tag, subset, stem), b in replays.items():
            a = replays.get((ta, subset, va))
            if (tag, stem) == (tb, vb) and a:  # each system at its own largest k (greedy: 1; SC5: the vote of 5)
                out[f"replays/{subset}/{tb}:{vb}-vs-{ta}:{va}"] = _bootstrap_entry(
                    a[max(a, key=int)]["items"], b[max(b, key=int)]["items"], templates.get(subset))
    for (tag, subset), variants in results.items():  # each demonstration selector vs zero-shot and vs random
        for name, (_path, m) in sorted(variants.items()):
            match = FEWSHOT.match(name)
            if not match or not _is_complete(m):
                continue
            fmt, sel, k, pool = match.groups()
            for ref in _fewshot_refs(tag, fmt, sel, k, pool, variants):
                if ref in variants and _is_complete(variants[ref][1]):
                    out[f"fewshot/{tag}/{subset}/{name}-vs-{ref}"] = _bootstrap_entry(
                        variants[ref][1]["items"], m["items"], templates.get(subset))
    out.update(_robust_comparisons(results, replays, templates))
    path = results_dir / "comparisons.json"
    path.write_text(json.dumps({"note": "EX differences (b - a) with paired bootstrap 95% CIs, 2000 resamples, "
                                        "seed 0; written by `graphsql report`", "comparisons": out}, indent=1) + "\n")
    return path


ROBUST_SUBSET = re.compile(r"^spider-(?P<split>dev_[a-z_]+)-(?P<rest>all|strat\d+-seed\d+)$")


def _robust_comparisons(results: dict, replays: dict, templates: dict) -> dict:
    """Each model on a robustness probe (`graphsql.data.robust`: Spider dev reworded) against the same model on the
    same items as Spider wrote them: ``robust/<tag>/<probe subset>/<variant>-vs-original`` (greedy as generated;
    ``<variant>_fixj``: with `ask`'s repairs replayed), overall, by JOIN bucket and on the reworded items alone
    (``reworded``)."""
    out = {}
    pairs = []
    for (tag, subset), variants in results.items():
        match = ROBUST_SUBSET.match(subset)
        original = results.get((tag, f"spider-dev-{match['rest']}"), {}) if match else {}
        for name, (_path, m) in variants.items():
            if name in original and _is_complete(m) and _is_complete(original[name][1]):
                pairs.append((tag, subset, name, original[name][1]["items"], m["items"], match["rest"]))
    for (tag, subset, stem), b in replays.items():
        match = ROBUST_SUBSET.match(subset)
        a = replays.get((tag, f"spider-dev-{match['rest']}", stem)) if match else None
        if a and stem.endswith("_fixj"):
            k = max(set(a) & set(b), key=int)
            pairs.append((tag, subset, stem, a[k]["items"], b[k]["items"], match["rest"]))
    for tag, subset, name, items_a, items_b, rest in pairs:
        entry = _bootstrap_entry(items_a, items_b, templates.get(f"spider-dev-{rest}"))
        entry["reworded"] = paired_bootstrap(items_a, items_b, subset="True", subset_key="reworded")
        out[f"robust/{tag}/{subset}/{name}-vs-original"] = entry
    return out


def _robust_section(results_dir: Path, comparisons: dict, root: Path) -> list[str]:
    """The robustness probes: how they were made (counts and examples from ``results/robust/spider-dev.json``) and
    each model's EX on them beside the same questions as Spider wrote them."""
    info_path = results_dir / "robust" / "spider-dev.json"
    rows = [(key.split("/"), c) for key, c in comparisons.items() if key.startswith("robust/")]
    if not info_path.exists() or not rows:
        return []
    info = json.loads(info_path.read_text())["splits"]
    lines = ["## Robustness probes: Spider dev questions reworded by rule", "",
             "Built by `graphsql data robust` (`graphsql.data.robust`, rules in `graphsql.data.reword`, written "
             "against Spider train and never tuned on these outputs): every Spider dev question again, content words "
             "swapped for their most frequent WordNet 3.0 synonym (`dev_synonym`: any content word, each with "
             "probability 1/2; `dev_schema_synonym`: every word that is part of a table or column name, so the "
             "question stops naming its columns), values and the words an SQL query depends on kept, same gold SQL. "
             "The probes are noisy (a rule sometimes picks a sense the question did not mean), so part of a drop is "
             "the probe's own; they are this project's stand-in for the held-out reworded and synonym test sets, "
             "which it never sees. The `reword` training augmentation uses the same rules (on Spider train), so a "
             "model trained with it is favoured on these probes.", "",
             "| probe | questions | reworded | words replaced | most frequent replacements |", "|---|---|---|---|---|"]
    for split, d in info.items():
        lines.append(f"| `{split}` | {d['items']} | {d['reworded']} ({_pct(d['reworded_share'])}%) | "
                     f"{d['words_replaced']} | {', '.join(d['top_replacements'][:6])} |")
    example = next(iter(info.values()))["examples"][:3]
    lines += ["", "Examples (`dev_synonym`): " + "; ".join(f"“{e['original']}” → “{e['reworded']}”" for e in example),
              "", "EX on the stratified items, reworded against the same items as written (paired bootstrap; "
              "“with repairs”: `ask`'s join and column repairs replayed on the same queries):", "",
              "| model | probe | setting | n | EX original | EX reworded | diff | 95% CI | reworded items: n | diff | "
              "95% CI | 2+ JOIN: n | diff | 95% CI |", "|---" * 14 + "|"]
    for (_, tag, subset, pair), c in sorted(rows):
        name = pair.removesuffix("-vs-original")
        setting = "with repairs" if name.endswith("_fixj") else "greedy, as generated"
        probe = ROBUST_SUBSET.match(subset)
        whole = c["all"]
        lines.append(f"| `{tag}` | `{probe['split']}` ({probe['rest']}) | {setting} | {whole['n']} | {_pct(whole['a'])} "
                     f"| {_pct(whole['b'])} | {_pct(whole['diff'])} | [{_pct(whole['ci95'][0])}, "
                     f"{_pct(whole['ci95'][1])}] |{_subset_cells(c, 'reworded')}{_subset_cells(c, 'joins_2+')}")
    lines += ["", f"Sources: `{_rel(info_path, root)}`, `results/comparisons.json` (`robust/...`), "
              "`results/eval/<model>/spider-dev_*` and `results/sc_count/<model>/spider-dev_*` "
              "(`graphsql run spider-dev_synonym-strat300-seed0 spider-dev_schema_synonym-strat300-seed0`).", ""]
    return lines


README_START = "<!-- headline: generated by `graphsql report` from results/ and experiments.yaml; do not edit -->"
README_END = "<!-- /headline -->"


def _run_items(results_dir: Path, subset: str, tag: str, name: str) -> tuple[list[dict] | None, dict]:
    """The per-question items of a run (``results/eval``) or of a replay (``results/sc_count``, its largest k), and
    the run's metrics (for a replay: those of the run it replays); (None, {}) if absent."""
    path = results_dir / "eval" / tag / subset / f"{name}.json"
    if path.exists():
        m = json.loads(path.read_text())
        return m["items"], m
    replay = results_dir / "sc_count" / tag / subset / f"{name}.json"
    if not replay.exists():
        return None, {}
    by_k = json.loads(replay.read_text())["by_k"]
    base = results_dir / "eval" / tag / subset / f"{_replay_parts(name)[0]}.json"
    return by_k[max(by_k, key=int)]["items"], json.loads(base.read_text()) if base.exists() else {}


def _ex(items: list[dict] | None, buckets: tuple[str, ...] | None = None) -> tuple[float | None, int]:
    if not items:
        return None, 0
    chosen = [it for it in items if buckets is None or str(it.get("joins_bucket")) in buckets]
    return (sum(bool(it["ex"]) for it in chosen) / len(chosen), len(chosen)) if chosen else (None, 0)


def _ci(c: dict) -> str:
    return f"{_pct(c['diff'])} [{_pct(c['ci95'][0])}, {_pct(c['ci95'][1])}]" if c.get("ci95") else "–"


def headline_rows(results_dir: Path) -> list[dict]:
    """The headline's rows (experiments.yaml ``headline``) with their figures: EX on Spider dev, on its 2+ JOIN
    questions and per JOIN bucket, on GeoQuery, each model's difference to the bare model (first row) with a paired
    95% interval, seconds a question; [] when the first row has no results."""
    head = _REGISTRY.headline
    if not head.get("rows"):
        return []
    spider = _REGISTRY.experiment(head["spider"]).subset
    geo = _REGISTRY.experiment(head["geo"]).subset
    rows = []
    for label, tag, name in head["rows"]:
        items, metrics = _run_items(results_dir, spider, tag, name)
        geo_items, _ = _run_items(results_dir, geo, tag, name)
        rows.append({"label": label, "tag": tag, "name": name, "items": items, "geo_items": geo_items,
                     "spider": spider, "geo": geo, "seconds": metrics.get("seconds_per_question")})
    if rows[0]["items"] is None:
        return []
    base, base_geo = rows[0]["items"], rows[0]["geo_items"]
    for i, row in enumerate(rows):
        items, geo_items = row["items"], row["geo_items"]
        row["ex"], row["n"] = _ex(items)
        row["ex_2plus"], row["n_2plus"] = _ex(items, ("2", "3+"))
        row["ex_by_joins"] = {k: _ex(items, (k,)) for k in JOIN_KEYS}
        row["geo_ex"], row["geo_n"] = _ex(geo_items)
        row["vs_base"] = paired_bootstrap(base, items) if i and items else None
        row["geo_vs_base"] = paired_bootstrap(base_geo, geo_items) if i and geo_items and base_geo else None
    return rows


def headline_lines(results_dir: Path) -> list[str]:
    """The first table of the README and the report (experiments.yaml ``headline``: EX on Spider dev, on its
    2+ JOIN questions and on GeoQuery, seconds a question, the difference to the bare model with a paired 95%
    interval), then five findings, each from a results file."""
    rows = headline_rows(results_dir)
    if not rows:
        return []
    first = rows[0]
    lines = [f"| system | Spider dev EX ({first['n']}) | vs the bare model: diff [95% CI] | 2+ JOIN EX "
             f"({first['n_2plus']}) | GeoQuery EX ({first['geo_n']}) | vs the bare model | s / question |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        sec = row["seconds"]
        lines.append(f"| {row['label']} | {_pct(row['ex'])} | {_ci(row['vs_base']) if row['vs_base'] else '–'} | "
                     f"{_pct(row['ex_2plus'])} | {_pct(row['geo_ex'])} | "
                     f"{_ci(row['geo_vs_base']) if row['geo_vs_base'] else '–'} | {sec if sec is not None else '–'} |")
    spider, geo = first["spider"], first["geo"]
    lines += ["", f"EX in %: execution accuracy on all {first['n']} runnable Spider dev questions and on a stratified "
              f"{first['geo_n']} of GeoQuery (a database no model here trained on); intervals: paired bootstrap "
              "over the same questions. Seconds a question as measured in those runs (a 2-core CPU shared with other "
              "jobs; a replayed row shows the seconds of the run it replays). Sources: "
              f"`results/eval/*/{spider}/`, `results/eval/*/{geo}/`, `results/sc_count/` (rows: `experiments.yaml`, "
              "`headline`).", ""]
    lines += _headline_findings(results_dir, rows)
    return lines


def _headline_joins_figure(rows: list[dict], path: Path) -> Path:
    """EX by JOIN count of the headline's rows on Spider dev (bars), as PNG or PDF (by ``path``'s suffix)."""
    fig, ax = _pyplot().subplots(figsize=(7.5, 3.8))
    width = 0.8 / len(rows)
    for i, row in enumerate(rows):
        values = [100 * (row["ex_by_joins"][k][0] or 0) for k in JOIN_KEYS]
        xs = [j + (i - (len(rows) - 1) / 2) * width for j in range(len(JOIN_KEYS))]
        ax.bar(xs, values, width, label=row["label"])
    ax.set_xticks(range(len(JOIN_KEYS)), [f"{k} JOIN\n(n={rows[0]['ex_by_joins'][k][1]})" for k in JOIN_KEYS])
    ax.set_ylabel("execution accuracy (%)")
    ax.set_ylim(0, 100)
    ax.set_title(f"EX by JOIN count, {rows[0]['spider']}")
    ax.legend(fontsize=6.5, loc="upper right")
    ax.grid(axis="y", alpha=0.3)
    if path.suffix == ".pdf":
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, bbox_inches="tight", metadata={"CreationDate": None, "ModDate": None})
        _pyplot().close(fig)
        return path
    return _save_figure(fig, path)


def _tex(text: str) -> str:
    return (text.replace("\\", "\\textbackslash{}").replace("&", "\\&").replace("%", "\\%").replace("_", "\\_")
            .replace("#", "\\#").replace("`", ""))


def write_latex(results_dir: Path, out_dir: Path) -> list[Path]:
    """The main tables as LaTeX (booktabs: ``\\input`` them into a paper) and the JOIN figure as PDF, in
    ``out_dir``: ``headline.tex`` (EX with intervals, Spider dev, 2+ JOIN, GeoQuery), ``joins.tex`` (EX per JOIN
    bucket) and ``joins.pdf``."""
    rows = headline_rows(results_dir)
    if not rows:
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    first = rows[0]

    def pct(x):
        return "--" if x is None else _pct(x)

    def ci(c):
        return "--" if not c else f"{_pct(c['diff'])} [{_pct(c['ci95'][0])}, {_pct(c['ci95'][1])}]"

    head = ["% generated by `graphsql report --latex` from results/ and experiments.yaml; do not edit",
            "\\begin{tabular}{lrrrrr}", "\\toprule",
            "System & Spider EX & $\\Delta$ vs bare [95\\% CI] & 2+ JOIN EX & GeoQuery EX & $\\Delta$ vs bare \\\\",
            f" & ($n={first['n']}$) & & ($n={first['n_2plus']}$) & ($n={first['geo_n']}$) & \\\\", "\\midrule"]
    for row in rows:
        head.append(f"{_tex(row['label'])} & {pct(row['ex'])} & {ci(row['vs_base'])} & {pct(row['ex_2plus'])} & "
                    f"{pct(row['geo_ex'])} & {ci(row['geo_vs_base'])} \\\\")
    head += ["\\bottomrule", "\\end{tabular}"]
    joins = ["% generated by `graphsql report --latex`; do not edit", "\\begin{tabular}{l" + "r" * len(JOIN_KEYS) + "}",
             "\\toprule", "System & " + " & ".join(f"{k} JOIN ($n={first['ex_by_joins'][k][1]}$)" for k in JOIN_KEYS)
             + " \\\\", "\\midrule"]
    for row in rows:
        joins.append(_tex(row["label"]) + " & " + " & ".join(pct(row["ex_by_joins"][k][0]) for k in JOIN_KEYS)
                     + " \\\\")
    joins += ["\\bottomrule", "\\end{tabular}"]
    paths = [out_dir / "headline.tex", out_dir / "joins.tex"]
    for path, lines in zip(paths, (head, joins)):
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    paths.append(_headline_joins_figure(rows, out_dir / "joins.pdf"))
    return paths


def _headline_findings(results_dir: Path, rows: list[dict]) -> list[str]:
    """Five findings with their numbers: the graph adapter against the plain one (Spider, GeoQuery), what the repairs
    do on 2+ JOIN questions, the robustness probe, and speed."""
    out = []
    base_geo = rows[0]["geo_items"]
    plain, graph, _sc, repairs = ((r["label"], r["tag"], r["name"], r["items"], None, r["geo_items"])
                                  for r in rows[1:5])
    if plain[3] and graph[3]:
        c = paired_bootstrap(plain[3], graph[3])
        out.append(f"- **Graph augmentation pays on Spider**: the graph LoRA leads the plain LoRA trained on the same "
                   f"tokens by {_ci(c)} EX points ({c['n']} questions).")
    if graph[5] and plain[5] and base_geo:
        c = paired_bootstrap(plain[5], graph[5])
        out.append(f"- **And on a schema never trained on** (GeoQuery): graph LoRA {_pct(_ex(graph[5])[0])} EX, plain "
                   f"LoRA {_pct(_ex(plain[5])[0])}, bare model {_pct(_ex(base_geo)[0])}; graph vs plain {_ci(c)}.")
    if graph[3] and repairs[3]:
        c = paired_bootstrap(graph[3], repairs[3], subset=("2", "3+"))
        out.append(f"- **Repairs along the schema graph** lift 2+ JOIN questions from {_pct(c['a'])} to "
                   f"{_pct(c['b'])} EX ({c['n']} questions, diff {_ci(c)}).")
    robust = sorted((k, v) for k, v in json.loads((results_dir / "comparisons.json").read_text())["comparisons"].items()
                    if k.startswith("robust/") and k.endswith("as_trained-vs-original")) \
        if (results_dir / "comparisons.json").exists() else []
    if robust:
        key, c = robust[0]
        sub = c.get("reworded") or c["all"]
        out.append(f"- **Weak where Spider's wording stops** (our rule-based probe `{key.split('/')[2]}`, model "
                   f"`{key.split('/')[1]}`): on the {sub['n']} reworded questions EX goes from {_pct(sub['a'])} to "
                   f"{_pct(sub['b'])} ({_ci(sub)}).")
    bench = results_dir / "bench_speed.json"
    if bench.exists():
        b = json.loads(bench.read_text())
        default = b["targets"]["default"]
        ratio = b["ratios"][default]["mean_over_bare_generation"]
        out.append(f"- **Speed on a 2-core CPU**: `graphsql ask` (the adapter merged into a {default.split('_', 1)[1]} "
                   f"GGUF, llama.cpp) takes {b['systems'][default]['p50_s']} s a question at the median, "
                   f"{ratio}x the bare model's generation time (`results/bench_speed.json`).")
    return out + [""] if out else []


def update_readme(readme: Path, lines: list[str]) -> bool:
    """Replace the README's generated block (between `README_START` and `README_END`) with ``lines``; True if the
    file changed. A README without the markers is left alone."""
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        return False
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    new = head + README_START + "\n" + "\n".join(lines).rstrip() + "\n" + README_END + tail
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


def _fewshot_refs(tag: str, fmt: str, sel: str, k: str, pool: str | None, variants: Container[str]) -> list[str]:
    """What a few-shot variant is compared with: the same prompt zero-shot, random demonstrations (same k and
    pool), and for similar-question ones graph-similar ones (the two selectors `auto` chooses between)."""
    refs = [_zero_shot_name(tag, fmt, variants)]
    if sel != "rand":
        refs.append(f"{fmt}_pruned_rand{k}{pool or ''}")
    if sel == "qsim":
        refs.append(f"{fmt}_pruned_graph{k}{pool or ''}")
    return refs


def _pct(x) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def _comparison_cells(c: dict) -> str:
    """Table cells of one bootstrap comparison: n | a | b | b − a | CI | 2+ JOIN n | b − a | CI |"""
    whole = c["all"]
    return (f"{whole['n']} | {_pct(whole['a'])} | {_pct(whole['b'])} | {_pct(whole['diff'])} | "
            f"[{_pct(whole['ci95'][0])}, {_pct(whole['ci95'][1])}] |{_subset_cells(c, 'joins_2+')}")


def _template_cells(c: dict) -> str:
    """Table cell `` [lo, hi] (templates) |``: the overall interval with whole query templates resampled."""
    t = c.get("all_templates") or {}
    return f" [{_pct(t['ci95'][0])}, {_pct(t['ci95'][1])}] ({t['clusters']}) |" if t.get("ci95") else " – |"


def _subset_cells(c: dict, key: str) -> str:
    """Table cells `` n | b − a | CI |`` of one subset (``joins_2+``, ``joins_1``) of a bootstrap comparison."""
    sub = c.get(key) or {}
    ci = f"[{_pct(sub['ci95'][0])}, {_pct(sub['ci95'][1])}]" if sub.get("ci95") else "–"
    return f" {sub.get('n', 0)} | {_pct(sub.get('diff'))} | {ci} |"


def _comparison_rows(rows: list[tuple[str, dict]]) -> list[str]:
    lines = ["| comparison (b vs a) | n | a | b | b − a | 95% CI | 2+ JOIN: n | b − a | 95% CI |",
             "|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {label} | {_comparison_cells(c)}" for label, c in rows]
    return lines


def _main_section(results: dict, comparisons: dict, out: Path, root: Path, subsets: Container[str] | None = None,
                  exclude: Container[str] = ()) -> list[str]:
    """Per subset (those in ``subsets`` if given, none in ``exclude``): every system of `SYSTEMS` that was run on
    it, one table, one JOIN chart, the comparisons."""
    lines: list[str] = []
    for subset in sorted({s for _, s in results}):
        if (subsets is not None and subset not in subsets) or subset in exclude:
            continue
        rows = {label: results[(tag, subset)][variant] for label, tag, variant in SYSTEMS
                if variant in results.get((tag, subset), {})}
        if len({tag for _, tag, v in SYSTEMS if v in results.get((tag, subset), {})}) < 2:
            continue  # one model setting only: its own section below says it all
        lines += [f"## Main results on `{subset}`", ""]
        lines += _eval_table(rows, root, first="system")
        fig = _joins_figure(rows, out.parent / "figures" / f"main_joins_{subset}.png",
                            f"EX by JOIN count, {subset}")
        lines += ["", f"![EX by JOIN count, every system]({_rel(fig, out.parent)})", ""]
        found = [(key.split("/")[-1].replace("-vs-", " vs "), c) for key, c in comparisons.items()
                 if key.startswith(f"systems/{subset}/")]
        if found:
            lines += _comparison_rows(found)
            lines += ["", "Source: `results/comparisons.json` (paired bootstrap over the same questions; "
                          "tag:variant names the results file `results/eval/<tag>/" + subset + "/<variant>.json`).", ""]
    return lines


def _published_llm_section(results_dir: Path, root: Path) -> list[str]:
    """Published figures of LLM systems (GPT-4o, LearNAT, Qwen2.5-Coder, ...), from ``llm_published.json``."""
    path = results_dir / "llm_published.json"
    if not path.exists():
        return []
    data = json.loads(path.read_text())
    lines = ["## LLM systems: published figures (not measured here)", "",
             "| system | parameters | dataset | split | metric | setting | value | citation | checked against a source here |",
             "|---|---|---|---|---|---|---|---|---|"]
    for system in data.get("systems", []):
        ref = _citation(system.get("citation", {}))
        for fig in system.get("figures", []):
            if fig.get("value") is None:
                continue
            lines.append(f"| {system.get('system')} | {system.get('parameters', '–')} | {fig['dataset']} | "
                         f"{fig['split']} | {fig['metric']} | {fig.get('setting', '–')} | {fig['value']} (published) | {ref} | "
                         f"{'yes' if fig.get('verified_in_session') else 'no'} |")
    lines += ["", f"Source: `{_rel(path, root)}`; metric definitions and caveats are in that file. Published EX "
                  "figures are on all of Spider dev (1,034 questions) or its hidden test set; ours are on the "
                  "subsets named above.", ""]
    return lines


def _citation(cite: dict) -> str:
    """"First author et al., venue year" of a published figure's citation."""
    return f"{cite.get('authors', '').split(',')[0]} et al., {cite.get('venue', '')} {cite.get('year', '')}".strip()


def _eval_table(variants: dict, root: Path, first: str = "variant") -> list[str]:
    lines = [f"| {first} | n | EX | EM | " + " | ".join(HARDNESS) + " | " + " | ".join(f"{k} JOIN" for k in JOIN_KEYS)
             + " | prompt tokens | s/question |",
             "|---" * (6 + len(HARDNESS) + len(JOIN_KEYS)) + "|"]
    for name, (_path, m) in variants.items():
        progress = m.get("progress") or {}
        if progress and progress.get("done", 0) < progress.get("total", 0):
            name = f"{name} (partial: {progress['done']} of {progress['total']} done)"
        hard = [_pct(m.get("by_hardness", {}).get(h, {}).get("ex")) for h in HARDNESS]
        joins = [_pct(m["by_joins"].get(k, {}).get("ex")) for k in JOIN_KEYS]
        lines.append(f"| {name} | {m['n']} | {_pct(m['ex'])} | {_pct(m['em'])} | " + " | ".join(hard) + " | "
                     + " | ".join(joins) + f" | {m.get('prompt_tokens_per_question') or '–'} | "
                     f"{m.get('seconds_per_question') or '–'} |")
    lines.append("")
    lines.append("Sources: " + ", ".join(f"`{_rel(p, root)}`" for p, _ in variants.values()) + ". EX and EM in %; "
                 "JOIN columns: EX by the number of JOINs in the gold query.")
    return lines


def _pyplot():
    """matplotlib's pyplot on the file-only Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save_figure(fig, path: Path) -> Path:
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight")  # long tick labels and outside legends stay in the image
    _pyplot().close(fig)
    return path


def _joins_figure(variants: dict, path: Path, title: str) -> Path:
    fig, ax = _pyplot().subplots(figsize=(7, 4))
    width = 0.8 / max(len(variants), 1)
    for i, (name, (_p, m)) in enumerate(variants.items()):
        values = [100 * (m["by_joins"].get(k, {}).get("ex") or 0) for k in JOIN_KEYS]
        xs = [j + (i - (len(variants) - 1) / 2) * width for j in range(len(JOIN_KEYS))]
        ax.bar(xs, values, width, label=name)
    ns = [next(iter(variants.values()))[1]["by_joins"].get(k, {}).get("n", 0) for k in JOIN_KEYS]
    ax.set_xticks(range(len(JOIN_KEYS)), [f"{k} JOIN\n(n={n})" for k, n in zip(JOIN_KEYS, ns)])
    ax.set_ylabel("execution accuracy (%)")
    ax.set_ylim(0, 100)
    ax.set_title(title)
    ax.legend(fontsize=7)
    ax.grid(axis="y", alpha=0.3)
    return _save_figure(fig, path)


def write_report(results_dir: Path | None = None, out: Path | None = None) -> Path:
    """Write the report (``out``: the paper's results, headline first) and its appendix (``report_appendix.md``
    beside it: every other table), with their figures in ``figures/`` beside them, from ``results_dir``."""
    root = REPO_ROOT
    results_dir = results_dir or root / "results"
    out = out or root / "docs" / "report.md"
    appendix_path = out.with_name(f"{out.stem}_appendix{out.suffix}")
    comparisons_path = compute_comparisons(results_dir)
    comparisons = json.loads(comparisons_path.read_text())["comparisons"]
    results = load_eval_results(results_dir)
    head = _REGISTRY.headline
    main_subsets = {_REGISTRY.experiment(head[k]).subset for k in ("spider", "geo") if k in head}
    lines = ["# GraphSQL: results", "",
             "Generated by `graphsql report` from the files under `results/` (experiments declared in "
             "`experiments.yaml`); every table names its source file. Figures in %; n = questions; intervals are "
             "paired bootstrap 95% intervals over the same questions. Every other table (per-variant results, all "
             f"generated findings, the error analysis, training runs) is in [`{appendix_path.name}`]"
             f"({appendix_path.name}).", ""]
    lines += ["## Headline", ""] + headline_lines(results_dir)
    rows = headline_rows(results_dir)
    if rows:
        fig = _headline_joins_figure(rows, out.parent / "figures" / "headline_joins.png")
        lines += [f"![EX by JOIN count, the headline's systems]({_rel(fig, out.parent)})", "",
                  "| system | " + " | ".join(f"{k} JOIN (n={rows[0]['ex_by_joins'][k][1]})" for k in JOIN_KEYS) + " |",
                  "|---" * (len(JOIN_KEYS) + 1) + "|"]
        lines += [f"| {r['label']} | " + " | ".join(_pct(r["ex_by_joins"][k][0]) for k in JOIN_KEYS) + " |"
                  for r in rows]
        lines += [""]
    lines += _targets_section(comparisons)
    lines += _beside_published_section(results, results_dir, root)
    lines += _main_section(results, comparisons, out, root, subsets=main_subsets)
    lines += _robust_section(results_dir, comparisons, root)
    lines += _ablation_section(comparisons, results_dir, out)
    lines += _fewshot_section(results, comparisons, out)
    lines += _repairs_heldout_section(results_dir, root)
    lines += _speed_section(results_dir, comparisons, root)
    lines += _cost_section(results_dir, root)

    appendix = ["# GraphSQL: results, appendix", "",
                f"Generated by `graphsql report` with [`{out.name}`]({out.name}), from the same files. Seconds per "
                "question were measured on a 2-core CPU shared with other jobs (training, other evaluations); "
                "`results/bench_pipeline.json` and `results/bench_backends.json` hold timings taken as ratios within "
                "one run.", ""]
    appendix += _findings_section(comparisons)
    appendix += _main_section(results, comparisons, out, root, exclude=main_subsets)
    appendix += _setup_section(results)
    appendix += _published_llm_section(results_dir, root)
    for (tag, subset), variants in results.items():
        appendix += [f"## Model `{tag}` on `{subset}`: every variant", ""]
        appendix += _eval_table(variants, root)
        fig = _joins_figure(variants, out.parent / "figures" / f"joins_{tag}_{subset}.png",
                            f"EX by JOIN count: {tag}, {subset}")
        appendix += ["", f"![EX by JOIN count]({_rel(fig, out.parent)})", ""]
        rows = [(k.split("/")[-1].replace("-vs-", " vs "), v) for k, v in comparisons.items()
                if k.startswith(f"{tag}/{subset}/")]
        if rows:
            appendix += _comparison_rows(rows)
            appendix += ["", f"Source: `{_rel(comparisons_path, root)}` (paired bootstrap over the same questions).", ""]
    appendix += _learnat_section(comparisons, results_dir, root)
    appendix += _budget_section(results, root)
    appendix += _prompt_size_section(results_dir, results, root)
    appendix += _sc_count_section(results_dir, comparisons, out, root)
    appendix += _training_section(results_dir, out, root)
    appendix += _dpo_section(results_dir, comparisons, root)
    appendix += _bird_schema_section(results_dir, root, comparisons, out)
    appendix += _error_section(results_dir, root)
    appendix += _baseline_section(results_dir, root)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    appendix_path.write_text("\n".join(appendix) + "\n", encoding="utf-8")
    return out


def _baseline_section(results_dir: Path, root: Path) -> list[str]:
    """Our pre-LLM baseline (measured) and the published figures of pre-LLM models."""
    lines: list[str] = []
    measured = sorted((results_dir / "baseline").glob("*.json"))
    if measured:
        lines += ["## Pre-LLM baseline trained here (no pretrained language model)", "",
                  "| model | set | n | EX | EM | 0 JOIN | 1 JOIN | 2 JOIN | 3+ JOIN | parameters |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for path in measured:
            data = json.loads(path.read_text())
            m = data.get("metrics", {})
            if "ex" not in m:
                continue
            joins = [_pct(m.get("by_joins", {}).get(k, {}).get("ex")) for k in JOIN_KEYS]
            params = (data.get("training") or {}).get("parameters", "–")
            lines.append(f"| {data.get('model', path.stem)} | {data.get('dataset')} {data.get('split')} | {m['n']} | "
                         f"{_pct(m['ex'])} | {_pct(m.get('em'))} | " + " | ".join(joins) + f" | {params} |")
        lines += ["", "Sources: " + ", ".join(f"`{_rel(p, root)}`" for p in measured) + ".", ""]
    published = results_dir / "baselines_published.json"
    if published.exists():
        data = json.loads(published.read_text())
        lines += ["## Pre-LLM models: published figures (not measured here)", "",
                  "| model | dataset | split | metric | value | citation | checked against a source here |",
                  "|---|---|---|---|---|---|---|"]
        for model in data.get("models", []):
            cite = model.get("citation", {})
            ref = f"{cite.get('authors', '').split(',')[0]} et al., {cite.get('venue', '')} {cite.get('year', '')}"
            for fig in model.get("figures", []):
                if fig.get("value") is None:
                    continue
                lines.append(f"| {model['model']} | {fig['dataset']} | {fig['split']} | {fig['metric']} | "
                             f"{fig['value']} (published) | {ref} | {'yes' if fig.get('verified_in_session') else 'no'} |")
        lines += ["", f"Source: `{_rel(published, root)}` (each entry says whether it was checked against its source).", ""]
    return lines


def _error_section(results_dir: Path, root: Path) -> list[str]:
    """Failure categories per evaluated variant (``error_analysis.json``), with one example per category."""
    path = results_dir / "error_analysis.json"
    if not path.exists():
        return []
    data = json.loads(path.read_text())
    categories = data["categories"]
    analyses = data["analyses"]
    lines = ["## Error analysis", "",
             "Each wrong answer gets one category, the first that applies in this order (decided from the SQL by "
             "`graphsql.eval.errors`): " + ", ".join(f"`{c}`" for c in categories) + ". Counts of questions. The last "
             "column splits every wrong answer (execution errors included) by the tables it reads: a strict "
             "superset of the gold's (it joins tables the question does not need), a strict subset, or another set.", "",
             "| results | n | wrong | " + " | ".join(c.replace("_", " ") for c in categories)
             + " | top execution errors | wrong answers reading extra / missing / other tables |",
             "|---" * (5 + len(categories)) + "|"]
    for key, a in analyses.items():
        kinds = ", ".join(f"{k} {v}" for k, v in list(a["execution_kinds"].items())[:3]) or "–"
        rel = a.get("tables_vs_gold") or {}
        lines.append(f"| {key} | {a['n']} | {a['failed']} | " + " | ".join(str(a["counts"].get(c, 0)) for c in categories)
                     + f" | {kinds} | {rel.get('extra', '–')} / {rel.get('missing', '–')} / {rel.get('different', '–')} |")
    # examples from the most developed system that has an analysis (graph LoRA + SC first)
    preferred = [k for _, tag, variant in reversed(SYSTEMS) for k in analyses
                 if k.startswith(f"{tag}/") and k.endswith(f"/{variant}")]
    key = preferred[0] if preferred else next(iter(analyses), None)
    if key:
        a = analyses[key]
        lines += ["", f"One example of each category, from `{key}`:", ""]
        for category in categories:
            for ex in a["examples"].get(category, [])[:1]:
                message = f" — error: {ex['error_message']}" if ex.get("error_message") else ""
                lines += [f"- **{category.replace('_', ' ')}** ({ex['db_id']}){message}",
                          f"  - gold: `{ex['gold_sql']}`", f"  - predicted: `{ex['pred_sql']}`"]
    lines += ["", f"Source: `{_rel(path, root)}` (`python -m graphsql.experiments.error_analysis`).", ""]
    return lines


def merged_accuracy(comparisons: dict) -> dict[str, list[tuple[str, str, dict]]]:
    """{GGUF format: [(subset, "greedy" | "repairs", comparison)]}: each merged model against the run-time adapter."""
    out: dict[str, list] = {}
    for key, c in sorted(comparisons.items()):
        kind, subset, pair = key.split("/", 2)
        b, _, a = pair.partition("-vs-")
        ref = {"systems": "graph-balanced-gpu-lora:as_trained", "replays": "graph-balanced-gpu-lora:as_trained_fixj"}
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
    path = results_dir / "bench_speed.json"
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
    lines += ["", "Accuracy source: `results/comparisons.json` (`systems/...` and `replays/...` entries of "
                  f"`{MERGED_TAG}<format>`; `graphsql run --model {MERGED_TAG}<format> ...`).", ""]
    return lines


def _cost_section(results_dir: Path, root: Path) -> list[str]:
    """Parameters, memory, seconds and tokens per question, and a hosted model's price for the same tokens."""
    path = results_dir / "cost.json"
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
                  "source: `results/llm_published.json`.", ""]
    speed = results_dir / "bench_speed.json"
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
                      "`results/linking_recall.json`.", ""]
        lines += [f"### `{tag}` on `{subset}`", "",
                  "| format | tables kept (at most) | n | EX | " + " | ".join(f"EX {k} JOIN" for k in JOIN_KEYS)
                  + " | prompt tokens |", "|---" * (5 + len(JOIN_KEYS)) + "|"]
        for fmt, entries in sorted(rows.items()):
            full = variants.get(f"{fmt}_full", (None, None))[1]
            for budget, _name, m in ([("full", None, full)] if full else []) + entries:
                lines.append(f"| {fmt} | {budget} | {m['n']} | {_pct(m['ex'])} | "
                             + " | ".join(_pct(m["by_joins"].get(k, {}).get("ex")) for k in JOIN_KEYS)
                             + f" | {m.get('prompt_tokens_per_question') or '–'} |")
        lines += ["", f"Sources: `results/eval/{tag}/{subset}/<variant>.json`.", ""]
    return lines


def _prompt_size_section(results_dir: Path, results: dict, root: Path) -> list[str]:
    """Prompt tokens of each pruned configuration against the full-DDL prompt (the benchmark), with the EX of the
    same configurations wherever an evaluation ran them (variants carry the benchmark's configuration names)."""
    path = results_dir / "bench_pipeline.json"
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
                  "`results/eval/<tag>/<subset>/<prompt>.json`.", ""]
    return lines


# the DPO adapters' evaluations (scripts/dpo_experiments.sh: on the CPU adapter; GPU_SFT=1: on the default one)
DPO_TAGS = ("graph-balanced-dpo-lora", "graph-balanced-gpu-dpo-lora")


def _num(row: dict, key: str) -> str:
    """A logged training value to 3 decimals, or – when it was not logged."""
    return f"{row[key]:.3f}" if isinstance(row.get(key), (int, float)) else "–"


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
              + " (`graphsql dpo train`); `results/comparisons.json`.", ""]
    return lines


TARGET_TAG = "graph-balanced-gpu-lora"  # the default adapter, as issue 5's targets measure it
TARGET_PLAIN = "plain-gpu-lora"  # the plain adapter trained with the same budget
# (comparison kind, default adapter's variant or replay, plain adapter's, how it ran); the replays (results/sc_count)
# add the join and column repairs that `graphsql ask` applies, to both adapters' recorded candidates
TARGET_ROWS = (
    ("systems", "as_trained", "as_trained", "greedy"),
    ("systems", "as_trained_sc5", "as_trained", "self-consistency (5); plain LoRA greedy"),
    ("replays", "as_trained_fixj", "as_trained_fixj", "greedy + join and column repairs (as `graphsql ask`); "
                                                        "plain LoRA with the same fixes"),
    ("replays", "as_trained_sc5_fixj", "as_trained_fixj", "self-consistency (5) + both fixes; plain LoRA greedy + "
                                                            "both fixes"),
    ("systems", "as_trained_sc5", "as_trained_sc5", "self-consistency (5), both adapters"),
    ("replays", "as_trained_sc5_fixj", "as_trained_sc5_fixj", "self-consistency (5) + both fixes, both adapters"),
)
TARGET_EX, TARGET_EX_2PLUS = 0.60, 0.40  # issue 5: Spider dev EX overall, and on questions with 2+ JOINs


def _targets_section(comparisons: dict) -> list[str]:
    """Issue 5's targets for the default adapter (greedy, with self-consistency, with the fixes of `ask`), per Spider
    dev subset where it and the equal-budget plain adapter both ran: EX >= 60, EX on 2+ JOIN >= 40, above plain
    LoRA on 2+ JOIN (with the bootstrap interval)."""
    rows = []
    subsets = sorted({key.split("/")[1] for key in comparisons if key.startswith(("systems/spider", "replays/spider"))})
    for subset in subsets:
        for kind, variant, plain_variant, how in TARGET_ROWS:
            c = comparisons.get(f"{kind}/{subset}/{TARGET_TAG}:{variant}-vs-{TARGET_PLAIN}:{plain_variant}")
            if not c or not (c.get("joins_2+") or {}).get("n"):
                continue
            ex, two = c["all"]["b"], c["joins_2+"]
            lo, hi = two["ci95"]
            above = ("yes, the interval excludes 0" if lo > 0 else "not shown: the interval includes 0" if hi >= 0
                     else "no")
            rows.append(f"| `{subset}` | {how} | {c['all']['n']} | {_pct(ex)} "
                        f"({'met' if ex >= TARGET_EX else 'missed'}) | {two['n']} | {_pct(two['b'])} "
                        f"({'met' if two['b'] >= TARGET_EX_2PLUS else 'missed'}) | {_pct(two['a'])} | "
                        f"{_pct(two['diff'])} [{_pct(lo)}, {_pct(hi)}] ({above}) |")
    if not rows:
        return []
    return ["## Issue 5 targets: the default adapter", "",
            f"`{TARGET_TAG}` against plain LoRA = `{TARGET_PLAIN}`, trained with the same budget. The measurement "
            "protocol of the main tables has neither the join repairs nor the column fix that `graphsql ask` "
            "applies; the rows with fixes replay them on the recorded candidates of both adapters "
            "(`python -m graphsql.experiments.sc_count --fix-joins --fix-columns`). The join repairs were written "
            "after reading the default adapter's failures on Spider dev (see the replay section for their gain on "
            "the databases not read). "
            f"Targets: EX ≥ {TARGET_EX * 100:.0f}, EX on questions with 2+ JOINs ≥ {TARGET_EX_2PLUS * 100:.0f}, "
            "and above plain LoRA on those questions.", "",
            "| subset | inference | n | EX | 2+ JOIN: n | 2+ JOIN EX | plain LoRA, 2+ JOIN EX | "
            "graph − plain, 2+ JOIN, 95% CI |",
            "|---|---|---|---|---|---|---|---|", *rows, "",
            "Source: `results/comparisons.json` (paired bootstrap over the same questions).", ""]


# our systems on every runnable Spider dev item: (label, results file under results/), the replays at their largest k
OURS_BESIDE_PUBLISHED = (
    ("Qwen2.5-Coder-0.5B zero-shot, full DDL (bare model)", "eval/base/spider-dev-all/ddl_full.json"),
    ("default adapter, greedy (measurement protocol)", "eval/graph-balanced-gpu-lora/spider-dev-all/as_trained.json"),
    ("default adapter, greedy + repairs (as `graphsql ask`; replayed)",
     "sc_count/graph-balanced-gpu-lora/spider-dev-all/as_trained_fixj.json"),
    ("default adapter, self-consistency (5)", "eval/graph-balanced-gpu-lora/spider-dev-all/as_trained_sc5.json"),
    ("default adapter, self-consistency (5) + repairs (replayed)",
     "sc_count/graph-balanced-gpu-lora/spider-dev-all/as_trained_sc5_fixj.json"),
)
# published Spider dev EX shown beside them (system names in results/llm_published.json, by prefix)
PUBLISHED_BESIDE = ("GPT-4o (direct", "LearNAT (Qwen2.5-Coder-7B", "Qwen2.5-Coder-7B-Instruct (direct",
                    "Qwen2.5-Coder-0.5B-Instruct (untuned", "SLM-SQL (Qwen2.5-Coder-0.5B")


def _published_spider_dev_ex(path: Path, prefixes: tuple[str, ...]) -> list[tuple[dict, dict]]:
    """(system, figure) for every published Spider dev EX figure in ``path`` (``llm_published.json``) of a system
    whose name starts with one of ``prefixes``."""
    systems = json.loads(path.read_text())["systems"] if path.exists() else []
    return [(s, f) for s in systems if s["system"].startswith(prefixes) for f in s.get("figures", [])
            if (f.get("dataset"), f.get("split"), f.get("metric")) == ("Spider", "dev", "spider_ex")
            and f.get("value") is not None]


# LearNAT's three parts as switches of our system, each against the graph method it is added to (issue 8):
# (part, how it ran here, comparison kind, pair) -> results/comparisons.json keys "<kind>/<subset>/<pair>"
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
    published_path = results_dir / "llm_published.json"
    learnat = [f"{s['system']}: {f['value']}" for s, f in _published_spider_dev_ex(published_path, ("LearNAT",))]
    if learnat:
        lines += ["", "LearNAT with all three parts, published Spider dev EX (all of dev, its own prompts): "
                      + "; ".join(learnat) + f" (`{_rel(published_path, root)}`)."]
    lines += ["", "Source: `results/comparisons.json`.", ""]
    return lines


def _beside_published_section(results: dict, results_dir: Path, root: Path) -> list[str]:
    """Our Spider dev EX beside published Spider dev EX of GPT-4o, LearNAT and small models: point figures from
    different protocols, never a paired comparison."""
    ours = []
    for label, rel in OURS_BESIDE_PUBLISHED:
        path = results_dir / rel
        if not path.exists():
            continue
        data = json.loads(path.read_text())
        if "by_k" in data:
            data = {"n": data["n"], "ex": data["by_k"][max(data["by_k"], key=int)]["ex"]}
        elif not _is_complete(data):
            continue
        size = "0.5B" if "/base/" in rel else "0.5B + LoRA (17 MiB)"
        ours.append(f"| {label} | {size} | {data['n']} | {_pct(data['ex'])} | measured here | `{_rel(path, root)}` |")
    published_path = results_dir / "llm_published.json"
    theirs = [f"| {s['system']} | {s.get('parameters', '–')} | – | {f['value']} (published) | "
              f"{f.get('setting') or '–'} | {_citation(s.get('citation') or {})} |"
              for s, f in _published_spider_dev_ex(published_path, PUBLISHED_BESIDE)]
    if not ours or not theirs:
        return []
    return ["## Beside published figures: Spider dev execution accuracy", "",
            "Point figures only. Ours run on the 972 Spider dev questions whose databases are here (of 1,034) with "
            "our prompts and evaluator; the published ones on all of Spider dev with their authors' prompts and "
            "evaluators. No interval can be put on a difference between them.", "",
            "| system | parameters | n | EX | how | source |", "|---|---|---|---|---|---|", *ours, *theirs, "",
            f"Sources: the files named, and `{_rel(published_path, root)}`.", ""]


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


def _gpu_name(run: dict) -> str:
    """`` (NVIDIA H200)`` for a run that recorded its GPU."""
    name = run["metrics"].get("gpu")
    return f" ({name})" if name else ""


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


def _sc_count_section(results_dir: Path, comparisons: dict, out: Path, root: Path) -> list[str]:
    """EX of the self-consistency vote, and of an oracle, as the number of samples grows, with and without the
    column-qualifier fix (all replayed from recorded candidates)."""
    paths = sorted((results_dir / "sc_count").glob("*/*/*.json"))
    if not paths:
        return []
    lines = ["## Ablation: number of self-consistency samples, the column-qualifier fix and the join repairs", "",
             "The vote over the first k of the N candidates one run sampled (temperature 0.7), replayed without "
             "the model (`python -m graphsql.experiments.sc_count`); the oracle counts a question right when any of "
             "the first k candidates is. For a self-consistency run k = 1 is one sample, not greedy decoding; a greedy "
             "run has k = 1 only. Variants ending in `_fix` replay the column-qualifier fix of `graphsql ask` (a "
             "qualified column its table lacks moves to the one table of the SELECT that has it) on the same "
             "candidates; `_joins` replays the join repairs (a JOIN on columns that no foreign key links, declared "
             "or inferred, is rerouted along the schema graph's FK path, bridge tables added; a column that no table "
             "of its SELECT has is read from the one table a foreign key away that has it, joined in); `_fixj` all "
             "of them in the order `graphsql ask` runs them (`graphsql.inference.fix.repair_sql`). The join repairs "
             "were written after reading the default adapter's failures on 2+ JOIN questions of Spider dev "
             "(shortcut joins that skip a bridge table, columns read from a table not joined), so their gains there "
             "are not a held-out measurement; the rows on `<subset>-uninspected` leave out the databases whose "
             "failures were read ("
             + ", ".join(f"`{db}`" for db in FIX_INSPECTED_DBS) + "). The "
             "measurement protocol of the main tables runs without either fix. Items the run repaired "
             "(re-prompted after every candidate failed) are not replayed.", "",
             "| model | subset | variant | k | EX | oracle EX | 2 JOIN EX | 2 JOIN oracle |", "|---" * 8 + "|"]
    fig, ax = _pyplot().subplots(figsize=(6, 4))
    for path in paths:
        data = json.loads(path.read_text())
        tag, subset, variant = path.parent.parent.name, path.parent.name, path.stem
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
        lines += ["", "Source: `results/comparisons.json`.", ""]
    return lines


def _repairs_heldout_section(results_dir: Path, root: Path) -> list[str]:
    """The repairs of `graphsql ask` on sampled candidates of Spider train questions (never read while writing them)."""
    path = results_dir / "repairs_heldout.json"
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


def _bird_schema_section(results_dir: Path, root: Path, comparisons: dict, out: Path) -> list[str]:
    """BIRD dev without its databases: schema-level scores of every system run on it, and paired bootstrap
    differences between systems."""
    paths = sorted((results_dir / "bird_schema").glob("*/*/*.json"))
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
    loaded = {path: json.loads(path.read_text()) for path in paths}
    for path, m in loaded.items():
        tag, subset, variant = path.parent.parent.name, path.parent.name, path.stem
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
        lines += ["", "Source: `results/comparisons.json`.", ""]
    return lines


def _bird_fewshot_runs(loaded: dict[Path, dict]) -> dict[tuple[str, str], dict[str, dict]]:
    """Per (tag, subset) with few-shot runs on BIRD (``loaded``: each results file's metrics): the zero-shot run
    first, then each few-shot run, by label."""
    by_run: dict[tuple[str, str], dict[str, dict]] = {}
    for p, m in loaded.items():
        by_run.setdefault((p.parent.parent.name, p.parent.name), {})[p.stem] = m
    out: dict[tuple[str, str], dict[str, dict]] = {}
    for (tag, subset), variants in sorted(by_run.items()):
        shots = {name: match.groups() for name in sorted(variants) if (match := FEWSHOT.match(name))}
        if not shots:
            continue
        runs: dict[str, dict] = {}
        for name, (fmt, sel, k, _pool) in shots.items():
            zero = _zero_shot_name(tag, fmt, variants)
            if zero in variants:
                runs.setdefault(f"zero-shot ({zero})", variants[zero])
            runs[f"{SELECTOR_NAMES.get(sel, sel)}, k = {k}"] = variants[name]
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


FEWSHOT = re.compile(r"^(ddl|compact)_pruned_(rand|qsim|mqsim|graph|skel)(\d+)(_geo|_bird)?$")
POOL_NAMES = {None: "Spider train (other databases)", "_geo": "GeoQuery query-split train (same database)",
              "_bird": "other BIRD dev questions (same database, none evaluated)"}
POOL_WHERE = {None: "", "_geo": " from GeoQuery train", "_bird": " from other BIRD dev questions"}
SELECTOR_NAMES = {"rand": "random", "qsim": "similar question", "mqsim": "similar question (values masked)",
                  "graph": "graph-similar (same join structure)", "skel": "similar SQL skeleton"}


def _zero_shot_name(tag: str, fmt: str, variants: Container[str]) -> str:
    """The variant a few-shot variant adds demonstrations to: the adapter's own prompt, or the pruned prompt."""
    return "as_trained" if "as_trained" in variants and tag != "base" else f"{fmt}_pruned"


def _fewshot_section(results: dict, comparisons: dict, out: Path) -> list[str]:
    """Few-shot EX by selector (rows) and number of demonstrations (columns), per model setting and subset; the
    zero-shot column is the same prompt format without demonstrations."""
    lines: list[str] = []
    for (tag, subset), variants in results.items():
        cells: dict[tuple[str, str, str], dict[int, dict]] = {}
        for name, (_path, m) in variants.items():
            match = FEWSHOT.match(name)
            if match:
                fmt, sel, k, pool = match.groups()
                cells.setdefault((fmt, pool or "", sel), {})[int(k)] = m
        if not cells:
            continue
        ks = sorted({k for row in cells.values() for k in row})
        if not lines:
            lines += ["## Few-shot demonstrations on unseen schemas", "",
                      "Demonstrations come from Spider train (other databases than the asked one: cross-database) or, "
                      "on GeoQuery's query-split test questions, from its query-split train questions (the same "
                      "database, as a user with a few worked examples of their own database would give them; no SQL "
                      "program of the test questions is among them). No model here was trained on GeoQuery. EX (%) by "
                      "selector and number of demonstrations k, with EX on 2-JOIN questions in brackets. k = 0 is the "
                      "same prompt without demonstrations.", ""]
        lines += [f"### `{tag}` on `{subset}`", "",
                  "| format | demonstrations from | selector | k = 0 | " + " | ".join(f"k = {k}" for k in ks) + " |",
                  "|---" * (4 + len(ks)) + "|"]
        series: dict[str, list[tuple[int, float]]] = {}
        for (fmt, pool, sel), row in sorted(cells.items()):
            zero = variants.get(_zero_shot_name(tag, fmt, variants), (None, None))[1]

            def cell(m):
                return "–" if m is None else f"{_pct(m['ex'])} ({_pct(m['by_joins'].get('2', {}).get('ex'))})"

            lines.append(f"| {fmt} | {POOL_NAMES[pool or None]} | {SELECTOR_NAMES.get(sel, sel)} | {cell(zero)} | "
                         + " | ".join(cell(row.get(k)) for k in ks) + " |")
            series[_fewshot_series_label(fmt, pool, sel, cells)] = (
                [(0, zero["ex"])] if zero else []) + [(k, row[k]["ex"]) for k in sorted(row)]
        fig = _fewshot_figure(series, out.parent / "figures" / f"fewshot_{tag}_{subset}.png",
                              f"Few-shot EX by demonstrations: {tag}, {subset}")
        lines += ["", f"![EX by number of demonstrations]({_rel(fig, out.parent)})",
                  "", f"Sources: `results/eval/{tag}/{subset}/<variant>.json`.", ""]
        pairs = [(key.split("/")[-1], c) for key, c in comparisons.items()
                 if key.startswith(f"fewshot/{tag}/{subset}/")]
        if pairs:
            lines += ["Paired bootstrap (b − a, same items):", "",
                      "| b | a | n | a EX | b EX | b − a | 95% CI | 2+ JOIN: n | b − a | 95% CI | 95% CI, query "
                      "templates resampled (templates) |", "|---" * 11 + "|"]
            lines += [f"| {pair.split('-vs-')[0]} | {pair.split('-vs-')[1]} | {_comparison_cells(c)}{_template_cells(c)}"
                      for pair, c in pairs]
            lines += ["", "Source: `results/comparisons.json`.", ""]
    return lines


def _fewshot_series_label(fmt: str, pool: str | None, sel: str, cells: Container[tuple[str, str, str]]) -> str:
    """A plot label for one selector: the selector, where its demonstrations come from, and the prompt format
    where a section mixes formats."""
    where = POOL_NAMES[pool or None].split(" (")[0]
    formats = {f for f, _, _ in cells}
    return f"{SELECTOR_NAMES.get(sel, sel)} ({where}" + (f", {fmt} prompt)" if len(formats) > 1 else ")")


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


def _ablation_section(comparisons: dict, results_dir: Path, out: Path) -> list[str]:
    """Augmentations switched off against the full graph adapter, with the training tokens each adapter saw."""
    rows = [(ABLATION_TAG.match(key.split("/")[-1].split(":")[0]), key.split("/")[1], c)
            for key, c in comparisons.items() if key.startswith("ablations/")]
    if not rows:
        return []

    def tokens(run: str | None) -> str:
        path = results_dir / "train" / f"{run}.json"
        if not run or not path.is_file():
            return "–"
        r = json.loads(path.read_text())
        return f"{r['metrics']['tokens'] / 1e6:.1f}M ({r['epochs_seen']})"

    def runs(m: re.Match) -> tuple[str | None, str | None]:
        """The training runs of the full and the ablated adapter (None where the full adapter is not known)."""
        full = ABLATION_FULL_RUNS.get(m["full"])
        if full is None:
            return None, None
        if m["seed"]:
            recipe, device = full.rsplit("_", 1)
            return full, f"{recipe}_seed{m['seed']}_{device}"
        return full, f"graph_no_{m['off']}" + ("_gpu" if full.endswith("_gpu") else "")

    lines = ["## Ablations: the graph adapter retrained without augmentations", "",
             "Each adapter is one training run. A row \"nothing: the same recipe, training seed N\" retrains the full "
             "adapter with another seed (LoRA initialisation, data order): how far two runs of one recipe differ.", "",
             "| full adapter | without | subset | tokens (epochs): full | ablated | n | full adapter EX | ablated EX | "
             "ablated − full | 95% CI | 2+ JOIN: n | ablated − full | 95% CI | 1 JOIN: n | ablated − full | 95% CI | "
             "95% CI, query templates resampled (templates) |",
             "|---" * 17 + "|"]

    lines += [f"| `{m['full']}` | {_ablation_without(m)} | {subset} | "
              + " | ".join(tokens(run) for run in runs(m))
              + f" | {_comparison_cells(c)}{_subset_cells(c, 'joins_1')}{_template_cells(c)}"
              for m, subset, c in rows]
    lines += ["", "Query templates: the gold SQL with its values masked; resampling them whole asks whether a "
                  "difference rests on enough distinct queries (see Findings).",
              "", "Source: `results/comparisons.json` (paired bootstrap; adapters from "
                  "`scripts/ablation_experiments.sh` (CPU) or `scripts/gpu_runs_evaluate.sh` (GPU-trained); tokens "
                  "seen and epochs from `results/train/<run>.json`: an ablation trains for the full adapter's "
                  "tokens unless its run says otherwise, e.g. `2ep` = two passes over its smaller sample set).", ""]
    fig = _ablation_figure(rows, out.parent / "figures" / "ablations.png")
    lines += [f"![EX difference of each ablation]({_rel(fig, out.parent)})", ""]
    return lines + _seed_spread_lines(comparisons, {m["full"] for m, _, _ in rows})


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
    return lines + ["Source: `results/comparisons.json` (`seed_spread/<subset>/<full adapter>`).", ""]


def _ablation_without(m: re.Match) -> str:
    """What an ablation row switched off, from its tag's ABLATION_TAG match."""
    return m["off"].replace("_", " ") if m["off"] else f"nothing: the same recipe, training seed {m['seed']}"


def _ablation_figure(rows: list[tuple[re.Match, str, dict]], path: Path) -> Path:
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
    ax.set_yticks(range(len(rows)), [_ablation_label(m) for m, _, _ in rows], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("retrained − full adapter, execution accuracy (points; 95% CI)")
    ax.set_title("Ablations and reseeded runs: EX difference to the full adapter")
    handles = [Line2D([], [], color=color, marker="o", label=subset) for subset, color in colors.items()]
    handles.append(Line2D([], [], color="black", linestyle=":", label="query templates resampled"))
    ax.legend(handles=handles, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.5 / len(rows) - 0.08),
              ncol=len(handles))
    ax.grid(axis="x", alpha=0.3)
    return _save_figure(fig, path)


def _ablation_label(m: re.Match) -> str:
    """A forest-plot row's label: the full adapter and what its retrained run changed."""
    return f"{m['full']}: " + (f"without {_ablation_without(m)}" if m["off"] else f"training seed {m['seed']}")


def _claim(label_a: str, label_b: str, c: dict, what: str) -> str:
    """One sentence on a paired difference that says only what its 95% interval supports."""
    lo, hi = c["ci95"]
    diff = f"{_pct(c['diff'])} points (95% CI [{_pct(lo)}, {_pct(hi)}], n = {c['n']})"
    if lo > 0:
        return f"{label_b} beats {label_a} {what} by {diff}."
    if hi < 0:
        return f"{label_b} is worse than {label_a} {what}: {diff}."
    return f"{label_b} vs {label_a} {what}: {diff}; the interval includes 0, so no difference is shown."


def _fewshot_label(tag: str, variant: str) -> str:
    match = FEWSHOT.match(variant)
    if not match:
        return f"{tag}:{variant} (zero-shot)"
    where = POOL_WHERE[match.group(4)]
    return (f"{tag}:{variant} ({match.group(3)} {SELECTOR_NAMES.get(match.group(2), match.group(2))} "
            f"demonstrations{where})")


REPLAY_LABELS = {"": "", "_fix": " + column fix (replayed)", "_joins": " + join repairs (replayed)",
                 "_fixj": " + join and column repairs (replayed)"}


def _replay_label(labels: dict, tag_variant: str) -> str:
    """``tag:variant<fix suffix>`` as the system's label plus the fixes replayed on its candidates."""
    tag, stem = tag_variant.split(":")
    variant, suffix = _replay_parts(stem)
    fallback = _fewshot_label(tag, variant) if FEWSHOT.match(variant) else f"{tag}:{variant}"
    return labels.get(f"{tag}:{variant}", fallback) + REPLAY_LABELS[suffix]


FINDINGS_HEAD = [
    "## Findings (generated from the bootstrap intervals)", "",
    "Intervals resample questions. A benchmark that asks one query many times (GeoQuery asks most of its queries "
    "of several values or in several wordings; Spider dev pairs its questions) holds fewer independent queries "
    "than questions, so where a difference is shown, a second interval resamples whole query templates (the gold "
    "SQL with its values masked; Finegan-Dollak et al., ACL 2018) and says whether the difference survives it.", ""]


def _template_note(c: dict) -> str:
    """For a difference whose question-level interval excludes 0: its interval with whole query templates
    resampled, and whether that still excludes 0. "" otherwise."""
    whole, by_template = c["all"], c.get("all_templates")
    if not by_template or not whole.get("ci95") or whole["ci95"][0] <= 0 <= whole["ci95"][1]:
        return ""
    lo, hi = by_template["ci95"]
    verdict = ("still excludes 0" if not lo <= 0 <= hi
               else "includes 0, so the difference rests on too few distinct queries to be shown")
    return (f" Resampling whole query templates ({by_template['clusters']} of them): 95% CI [{_pct(lo)}, "
            f"{_pct(hi)}], which {verdict}.")


def _findings_section(comparisons: dict) -> list[str]:
    """Generated sentences for every cross-system comparison: better / worse / not shown, overall and 2+ JOIN."""
    labels = {f"{tag}:{variant}": label for label, tag, variant in SYSTEMS}
    lines = []
    for key, c in comparisons.items():
        if key.startswith("systems/"):
            _, subset, pair = key.split("/")
            b, a = pair.split("-vs-")
            la, lb = labels.get(a, a), labels.get(b, b)
        elif key.startswith("fewshot/"):  # demonstrations, one model setting
            _, tag, subset, pair = key.split("/")
            b, a = pair.split("-vs-")
            la, lb = _fewshot_label(tag, a), _fewshot_label(tag, b)
        elif key.startswith("replays/"):  # two systems with the same replayed fixes
            _, subset, pair = key.split("/")
            b, a = pair.split("-vs-")
            la, lb = _replay_label(labels, a), _replay_label(labels, b)
        elif (key.startswith("sc_count/") and key.split("-vs-")[0].endswith("_fixj")
              and key.split("/")[2].startswith("spider-dev-all")):  # what the join fix adds, on every item
            _, tag, subset, pair = key.split("/")
            b, a = pair.split("-vs-")
            la, lb = _replay_label(labels, f"{tag}:{a}"), _replay_label(labels, f"{tag}:{b}")
        elif key.startswith("bird/"):  # BIRD schema level: one sentence per measure, no JOIN breakdown
            _, subset, pair = key.split("/")
            la, lb = (_replay_label(labels, x) for x in pair.split("-vs-")[::-1])
            if not lines:
                lines = FINDINGS_HEAD.copy()
            lines.append(f"- `{subset}` (schema level): " + _claim(la, lb, c["tables.f1"], "on tables F1"))
            lines += ["  - " + _claim(la, lb, c[k], f"on {name}") for k, name in BIRD_MEASURES if k != "tables.f1"]
            continue
        else:
            continue
        if not lines:
            lines = FINDINGS_HEAD.copy()
        lines.append(f"- `{subset}`: " + _claim(la, lb, c["all"], "overall") + _template_note(c))
        two = c.get("joins_2+") or {}
        if two.get("n"):
            lines.append("  - " + _claim(la, lb, two, "on questions with 2+ JOINs"))
    return lines + [""] if lines else []


def _setup_section(results: dict) -> list[str]:
    """How each system of the main tables was run: prompt and inference settings, commit, command (from the
    results files' own records)."""
    rows = []
    for label, tag, variant in SYSTEMS:
        for (t, subset), variants in results.items():
            if t != tag or variant not in variants:
                continue
            m = variants[variant][1]
            prompt, infer, prov = m.get("prompt") or {}, m.get("infer") or {}, m.get("provenance") or {}
            shape = (f"{prompt.get('schema_format', '–')}, {'pruned to ' + str(prompt.get('max_tables')) + ' tables' if prompt.get('prune') else 'full schema'}"
                     if prompt else "–")
            rows.append(f"| {label} | {subset} | {infer.get('adapter') or ('–' if not infer else 'none')} | {shape} | "
                        f"{infer.get('samples', '–')} | {(prov.get('git_commit') or '')[:10] or '–'} | "
                        f"`{prov.get('command', '–')}` |")
    if not rows:
        return []
    return ["### How each system was run", "",
            "| system | subset | adapter | schema in the prompt | samples | commit | command |",
            "|---|---|---|---|---|---|---|", *rows, ""]
