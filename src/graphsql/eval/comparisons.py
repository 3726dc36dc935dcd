"""Paired comparisons of everything evaluated: which results files are compared, bootstrapped, and written to
``results/analyses/comparisons.json`` (the report only formats them).

    >>> compute_comparisons(Path("results"))       # -> results/analyses/comparisons.json

Pairs come from ``experiments.yaml`` (systems, replays with the same repairs, BIRD at the schema level), from the
variant pairs of `COMPARISONS` within a model, from the models that ablate another (``ablates``: augmentations
off, another training seed), few-shot variants against zero-shot and random demonstrations, the replays of the repairs
against none, and the robustness probes against the same questions as written. Every entry is `paired_bootstrap`
over the same questions (overall, per JOIN bucket, and with whole query templates resampled where a benchmark
repeats them).
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Container
from pathlib import Path

from graphsql.eval.compare import paired_bootstrap
from graphsql.experiments import layout
from graphsql.experiments.registry import load_registry
from graphsql.sql.parse import query_template

JOIN_KEYS = ("0", "1", "2", "3+")


# (baseline variant, compared variant) pairs the text talks about
COMPARISONS = (("ddl_full", "graph_pruned"), ("ddl_full", "graph_pruned_sc5"), ("graph_pruned", "graph_pruned_sc5"),
               ("ddl_full", "ddl_pruned"), ("ddl_full", "ddl_pruned_sc5"), ("ddl_pruned", "ddl_pruned_sc5"),
               ("ddl_full", "compact_pruned_t2_c4"), ("compact_pruned", "compact_pruned_t2_c4"),
               ("as_trained", "as_trained_grammar"),  # decoding under the schema grammar (issue 25.4)
               ("ask_fb4", "ask_fb4_t6"),  # `ask` with the fallback: a pruning budget of 6 tables against 4
               ("ask_fb4_nokeys", "ask_fb4"),  # ... with keys inferred for databases that declare none
               ("ask_fb4", "ask_fb4_empty"),  # ... drawing the fallback samples for an empty answer too
               ("ask_fb4", "ask_fb4_pert"))  # ... linking values named by an adjective (French -> France)


_REGISTRY = load_registry()  # experiments.yaml: labels, the main table, the comparisons


# Augmentation ablations: a model that `ablates` another in experiments.yaml (its adapter retrained with
# augmentations off, or with the same recipe and another training seed: how far two runs of one recipe differ) is
# compared with that full adapter; what it changed is read from both models' train (`Registry.ablation`).
ablation_of = _REGISTRY.ablation


# (a, b) pairs of (tag, variant) across model settings, bootstrapped on the items both ran (experiments.yaml)
SYSTEM_COMPARISONS = _REGISTRY.comparisons["systems"]


# (a, b) pairs of (tag, replay) from the replays (results/<subset>/<tag>/replays): two systems with the same fixes
# replayed, at the largest k
# BIRD at the schema level: (a, b) systems as (tag, variant), each also with the repairs replayed (_repairs), and the
# measures compared per item (`graphsql.experiments.bird_schema` items)
BIRD_COMPARISONS = _REGISTRY.comparisons["bird_schema"]


BIRD_MEASURES = (("executable", "runs on the schema"), ("tables.f1", "tables F1"), ("columns.f1", "columns F1"))


REPLAY_COMPARISONS = _REGISTRY.comparisons["replays"]


def load_eval_results(results_dir: Path) -> dict[tuple[str, str], dict[str, tuple[Path, dict]]]:
    """{(tag, subset): {variant: (path, metrics)}} for every run (``results/<subset>/<tag>/<variant>.json``)."""
    out: dict = {}
    for path, subset, tag, variant in layout.results_files(results_dir, kind="eval", replays=False):
        out.setdefault((tag, subset), {})[variant] = (path, json.loads(path.read_text()))
    return out


def bootstrap_entry(ia: list[dict], ib: list[dict], templates: dict[int, str] | None = None) -> dict:
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


# graphsql.experiments.sc_count: all of ask's repairs before names were matched, all of them, the column fix, the joins
REPLAY_SUFFIXES = ("_repairs_exact", "_repairs", "_repairs_columns", "_repairs_joins")


def _seed_spreads(comparisons: dict, ablation=ablation_of) -> dict:
    """Run-to-run spread of a recipe: ``seed_spread/<subset>/<full adapter>`` with the EX of each training seed
    (seed 0 is the full adapter itself, the others its reseeded retrainings; ``ablation``: tag -> `Ablation`), their
    mean, SD and max − min, and the EX of each ablation of that adapter with where it lies against the seeds' range (below, inside, above)."""
    spreads: dict[str, dict] = {}
    ablated: dict[str, dict[str, float]] = {}
    for key, c in comparisons.items():
        if not key.startswith("ablations/"):
            continue
        _, subset, pair = key.split("/")
        change = ablation(pair.split(":")[0])
        where = f"seed_spread/{subset}/{change.full}"
        if not change.off:
            spreads.setdefault(where, {"ex_by_seed": {"0": c["all"]["a"]}})["ex_by_seed"][str(change.seed)] = \
                c["all"]["b"]
        else:
            ablated.setdefault(where, {})[change.off] = c["all"]["b"]
    for where, spread in spreads.items():
        values = list(spread["ex_by_seed"].values())
        lo, hi = min(values), max(values)
        spread.update(runs=len(values), mean=round(statistics.mean(values), 4),
                      sd=round(statistics.stdev(values), 4), range=round(hi - lo, 4),
                      ablations={off: {"ex": ex, "seed_range": "below" if ex < lo else "above" if ex > hi else "inside"}
                                 for off, ex in sorted(ablated.get(where, {}).items())})
    return spreads


def _replay_parts(stem: str) -> tuple[str, str]:
    """A replay file's stem as (variant, fix suffix), e.g. ("as_trained", "_repairs")."""
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
                out[f"{tag}/{subset}/{b}-vs-{a}"] = bootstrap_entry(variants[a][1]["items"], variants[b][1]["items"],
                                                                     templates.get(subset))
    for subset in sorted({s for _, s in results}):
        for (ta, va), (tb, vb) in SYSTEM_COMPARISONS:
            a = results.get((ta, subset), {}).get(va)
            b = results.get((tb, subset), {}).get(vb)
            if a and b and _is_complete(a[1]) and _is_complete(b[1]):
                out[f"systems/{subset}/{tb}:{vb}-vs-{ta}:{va}"] = bootstrap_entry(a[1]["items"], b[1]["items"],
                                                                                   templates.get(subset))
    for (tag, subset), variants in sorted(results.items()):  # augmentation ablations against their full adapter
        ablation = ablation_of(tag)
        full = results.get((ablation.full, subset), {}).get("as_trained") if ablation else None
        if full and "as_trained" in variants and _is_complete(full[1]) and _is_complete(variants["as_trained"][1]):
            out[f"ablations/{subset}/{tag}:as_trained-vs-{ablation.full}:as_trained"] = bootstrap_entry(
                full[1]["items"], variants["as_trained"][1]["items"], templates.get(subset))
    out.update(_seed_spreads(out))
    replays = {(tag, subset, stem): json.loads(p.read_text())["by_k"]
               for p, subset, tag, stem in layout.results_files(results_dir, kind="eval", replays=True)}
    for (tag, subset, stem), b in replays.items():  # replayed fixes vs none, and the join fix on top of the column fix
        variant, suffix = _replay_parts(stem)
        # (_repairs_exact: the repairs before names were matched, against all of them)
        refs = {"_repairs_columns": ("",), "_repairs_joins": ("",),
                "_repairs": ("", "_repairs_columns", "_repairs_exact")}
        for ref in refs.get(suffix, ()):
            a = replays.get((tag, subset, variant + ref))
            if a:
                k = max(set(a) & set(b), key=int)
                out[f"sc_count/{tag}/{subset}/{stem}-vs-{variant + ref}"] = bootstrap_entry(
                    a[k]["items"], b[k]["items"], templates.get(subset))
                # the join fix on databases not read while writing it
                if suffix == "_repairs" and ref == "_repairs_columns":
                    keep = [i for i, it in enumerate(a[k]["items"]) if it.get("db_id", "") not in FIX_INSPECTED_DBS]
                    if len(keep) < len(a[k]["items"]):
                        out[f"sc_count/{tag}/{subset}-uninspected/{stem}-vs-{variant + ref}"] = bootstrap_entry(
                            [a[k]["items"][i] for i in keep], [b[k]["items"][i] for i in keep], templates.get(subset))
    for (tag, subset, stem), b in replays.items():  # answer rules replayed on a run's answers, against without
        suffix = layout.rule_suffix(stem)
        if not suffix:
            continue
        ref = layout.rules_reference(stem)
        if ref.endswith(layout.NAMES_SUFFIX):  # the literal rule against the name rule alone
            base = replays.get((tag, subset, ref), {}).get("1", {}).get("items")
        else:
            run = results.get((tag, subset), {}).get(ref)
            base = run[1]["items"] if run and _is_complete(run[1]) else None
        if base:
            flag = layout.RULE_FLAGS[layout.RULE_SUFFIXES[suffix][0]]  # the rule this replay adds
            entry = bootstrap_entry(base, b["1"]["items"], templates.get(subset))
            entry["rewritten"] = sum(bool(it.get(flag)) for it in b["1"]["items"])
            out[f"{tag}/{subset}/{stem}-vs-{ref}"] = entry
    bird = {(tag, subset, name): json.loads(p.read_text()).get("items")
            for p, subset, tag, name in layout.results_files(results_dir, kind="bird_schema")}
    bird_variants: dict[tuple[str, str], set[str]] = {}
    for tag, subset, variant in bird:
        bird_variants.setdefault((tag, subset), set()).add(variant)
    for subset in sorted({s for _, s, _ in bird}):  # BIRD schema level: per-item runs / tables F1 / columns F1
        for (ta, va), (tb, vb) in BIRD_COMPARISONS:
            for suffix in ("", "_repairs"):
                a, b = bird.get((ta, subset, va + suffix)), bird.get((tb, subset, vb + suffix))
                if a and b:
                    out[f"bird/{subset}/{tb}:{vb}{suffix}-vs-{ta}:{va}{suffix}"] = {
                        key: paired_bootstrap(a, b, key=key) for key, _ in BIRD_MEASURES}
        for tag, sub, name in sorted(bird):  # few-shot on BIRD vs the same model zero-shot and vs random demos
            match = FEWSHOT.match(name)
            if sub != subset or not match:
                continue
            variants = bird_variants[(tag, subset)]
            for ref in _fewshot_refs(tag, match, variants):
                if ref in variants:
                    out[f"bird/{subset}/{tag}:{name}-vs-{tag}:{ref}"] = {
                        key: paired_bootstrap(bird[(tag, subset, ref)], bird[(tag, subset, name)], key=key)
                        for key, _ in BIRD_MEASURES}
    for (ta, va), (tb, vb) in REPLAY_COMPARISONS:  # systems with the same replayed fixes, on the same items
        for (tag, subset, stem), b in replays.items():
            a = replays.get((ta, subset, va))
            if (tag, stem) == (tb, vb) and a:  # each system at its own largest k (greedy: 1; SC5: the vote of 5)
                out[f"replays/{subset}/{tb}:{vb}-vs-{ta}:{va}"] = bootstrap_entry(
                    a[max(a, key=int)]["items"], b[max(b, key=int)]["items"], templates.get(subset))
    for (tag, subset), variants in results.items():  # each demonstration selector vs zero-shot and vs random
        for name, (_path, m) in sorted(variants.items()):
            match = FEWSHOT.match(name)
            if not match or not _is_complete(m):
                continue
            for ref in _fewshot_refs(tag, match, variants):
                if ref in variants and _is_complete(variants[ref][1]):
                    out[f"fewshot/{tag}/{subset}/{name}-vs-{ref}"] = bootstrap_entry(
                        variants[ref][1]["items"], m["items"], templates.get(subset))
    for (tag, subset, stem), b in replays.items():  # ... and with `ask`'s answer rules replayed on both
        suffix = layout.rule_suffix(stem)
        match = FEWSHOT.match(stem.removesuffix(suffix)) if suffix else None
        if match:
            zero = _zero_shot_name(tag, match["base"], results.get((tag, subset), {})) + suffix
            a = replays.get((tag, subset, zero))
            if a:
                out[f"fewshot/{tag}/{subset}/{stem}-vs-{zero}"] = bootstrap_entry(
                    a["1"]["items"], b["1"]["items"], templates.get(subset))
    out.update(_robust_comparisons(results, replays, templates))
    path = layout.analysis_file(results_dir, "comparisons.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"note": "EX differences (b - a) with paired bootstrap 95% CIs, 2000 resamples, "
                                        "seed 0; written by `graphsql report`", "comparisons": out}, indent=1) + "\n")
    return path


# the reworded probes (the renamed one, `dev_rename`, has its own items and is compared within itself)
ROBUST_SUBSET = re.compile(r"^spider-(?P<split>dev_(?!rename)[a-z_]+)-(?P<rest>all|strat\d+-seed\d+)$")


def _robust_comparisons(results: dict, replays: dict, templates: dict) -> dict:
    """Each model on a robustness probe (`graphsql.data.robust`: Spider dev reworded) against the same model on the
    same items as Spider wrote them: ``robust/<tag>/<probe subset>/<variant>-vs-original`` (greedy as generated;
    ``<variant>_repairs``: with `ask`'s repairs replayed), overall, by JOIN bucket, on the reworded items alone
    (``reworded``) and, where the probe records them, on the items each rule changed (``rule_<rule>``)."""
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
        if a and stem.endswith("_repairs"):
            k = max(set(a) & set(b), key=int)
            pairs.append((tag, subset, stem, a[k]["items"], b[k]["items"], match["rest"]))
    for tag, subset, name, items_a, items_b, rest in pairs:
        entry = bootstrap_entry(items_a, items_b, templates.get(f"spider-dev-{rest}"))
        entry["reworded"] = paired_bootstrap(items_a, items_b, subset="True", subset_key="reworded")
        combos = {it["rules"] for it in items_b if it.get("rules")}  # the knowledge probe: each rule's items
        for rule in sorted({r for combo in combos for r in combo.split("+")}):
            entry[f"rule_{rule}"] = paired_bootstrap(items_a, items_b, subset_key="rules",
                                                     subset=tuple(c for c in combos if rule in c.split("+")))
        out[f"robust/{tag}/{subset}/{name}-vs-original"] = entry
    return out


def _fewshot_refs(tag: str, match: re.Match, variants: Container[str]) -> list[str]:
    """What a few-shot variant (its `FEWSHOT` match) is compared with: the same setting zero-shot, the same
    demonstrations always shown as written (for a restyled one or one shown only for an empty answer), random
    demonstrations (same k, pool and style), for similar-question ones graph-similar ones (the two selectors `auto`
    chooses between), and for typed similar-question ones plain similar-question ones."""
    base, sel, k = match["base"], match["sel"], match["k"]
    pool, when, style = match["pool"] or "", match["when"] or "", match["style"] or ""
    refs = [_zero_shot_name(tag, base, variants)]
    if when or style:  # the same demonstrations always shown, as written
        refs.append(f"{base}_{sel}{k}{pool}")
    if sel != "rand":
        refs.append(f"{base}_rand{k}{pool}{when}{style}")
    if sel in ("qsim", "tqsim"):
        refs.append(f"{base}_{'graph' if sel == 'qsim' else 'qsim'}{k}{pool}{when}{style}")
    return refs


# (_empty: demonstrations only for an answer that fails or returns no rows, PromptConfig.shots_when; _style: the
# demonstrations' SQL shown in the adapters' training style, PromptConfig.restyle_shots)
FEWSHOT = re.compile(r"^(?P<base>ddl_pruned|compact_pruned|ask_fb4)_(?P<sel>rand|qsim|mqsim|tqsim|graph|skel)(?P<k>\d+)"
                     r"(?P<pool>_geo|_bird)?(?P<when>_empty)?(?P<style>_style)?$")


def _zero_shot_name(tag: str, base: str, variants: Container[str]) -> str:
    """The variant a few-shot variant adds demonstrations to: `ask`'s run, the adapter's own prompt, or the pruned
    prompt."""
    if base == "ask_fb4":
        return base
    return "as_trained" if "as_trained" in variants and tag != "base" else base
