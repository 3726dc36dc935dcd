"""What the report's sections share: labels, table cells, figures, and reading results files."""

from __future__ import annotations

import json
import re
from pathlib import Path

from graphsql.eval.comparisons import _REGISTRY, FEWSHOT, JOIN_KEYS, _replay_parts
from graphsql.experiments import layout

HARDNESS = ("easy", "medium", "hard", "extra")


# the shipped adapter merged into the base weights, one tag per GGUF format (experiments.yaml)
MERGED_TAG = "graph-balanced-gpu-merged-"


SYSTEMS = _REGISTRY.systems  # the main table's rows: (label, tag, variant), from experiments.yaml


def _rel(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _run_items(results_dir: Path, subset: str, tag: str, name: str) -> tuple[list[dict] | None, dict]:
    """The per-question items of a run or of a replay (its largest k), and the run's metrics (for a replay: those of
    the run it replays); (None, {}) if absent."""
    path = layout.run_file(results_dir, subset, tag, name)
    if path.exists():
        m = json.loads(path.read_text())
        return m["items"], m
    replay = layout.replay_file(results_dir, subset, tag, name)
    if not replay.exists():
        return None, {}
    by_k = json.loads(replay.read_text())["by_k"]
    base = layout.run_file(results_dir, subset, tag, _replay_parts(name)[0])
    return by_k[max(by_k, key=int)]["items"], json.loads(base.read_text()) if base.exists() else {}


def _ex(items: list[dict] | None, buckets: tuple[str, ...] | None = None) -> tuple[float | None, int]:
    if not items:
        return None, 0
    chosen = [it for it in items if buckets is None or str(it.get("joins_bucket")) in buckets]
    return (sum(bool(it["ex"]) for it in chosen) / len(chosen), len(chosen)) if chosen else (None, 0)


def _ci(c: dict, signed: bool = False) -> str:
    """A paired difference and its 95% interval in points: ``2.7 [1.0, 4.7]`` (``+2.7 [...]`` when signed)."""
    if not c.get("ci95"):
        return "–"
    diff = f"{100 * c['diff']:+.1f}" if signed else _pct(c["diff"])
    return f"{diff} [{_pct(c['ci95'][0])}, {_pct(c['ci95'][1])}]"


def _pct(x) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def _comparison_cells(c: dict, joins: bool = True) -> str:
    """Table cells of one bootstrap comparison: n | a | b | b − a | CI | (with ``joins``) 2+ JOIN n | b − a | CI |"""
    whole = c["all"]
    return (f"{whole['n']} | {_pct(whole['a'])} | {_pct(whole['b'])} | {_pct(whole['diff'])} | "
            f"[{_pct(whole['ci95'][0])}, {_pct(whole['ci95'][1])}] |{_subset_cells(c, 'joins_2+') if joins else ''}")


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


def _num(row: dict, key: str) -> str:
    """A logged training value to 3 decimals, or – when it was not logged."""
    return f"{row[key]:.3f}" if isinstance(row.get(key), (int, float)) else "–"


def _gpu_name(run: dict) -> str:
    """`` (NVIDIA H200)`` for a run that recorded its GPU."""
    name = run["metrics"].get("gpu")
    return f" ({name})" if name else ""


POOL_NAMES = {None: "Spider train (other databases)", "_geo": "GeoQuery query-split train (same database)",
              "_bird": "other BIRD dev questions (same database, none evaluated)"}


POOL_WHERE = {None: "", "_geo": " from GeoQuery train", "_bird": " from other BIRD dev questions"}


# a few-shot variant's zero-shot base (`graphsql.eval.comparisons.FEWSHOT`) as its table's "format" column
BASE_NAMES = {"ddl_pruned": "ddl", "compact_pruned": "compact", "ask_fb4": "`ask` zero-shot"}


SELECTOR_NAMES = {"rand": "random", "qsim": "similar question", "mqsim": "similar question (values masked)",
                  "tqsim": "similar question (values typed by column)",
                  "graph": "graph-similar (same join structure)", "skel": "similar SQL skeleton"}


def _claim(label_a: str, label_b: str, c: dict, what: str) -> str:
    """One sentence on a paired difference that says only what its 95% interval supports."""
    lo, hi = c["ci95"]
    diff = f"{_pct(c['diff'])} points (95% CI [{_pct(lo)}, {_pct(hi)}], n = {c['n']})"
    if lo > 0:
        return f"{label_b} beats {label_a} {what} by {diff}."
    if hi < 0:
        return f"{label_b} is worse than {label_a} {what}: {diff}."
    return f"{label_b} vs {label_a} {what}: {diff}; the interval includes 0, so no difference is shown."


# how a `FEWSHOT` variant shows its demonstrations (its suffixes), in words
SHOWN_WORDS = (("when", ", only for an empty answer"), ("style", ", SQL restyled"))


def _shown_words(match: re.Match) -> str:
    return "".join(words for group, words in SHOWN_WORDS if match[group])


def selector_words(match: re.Match) -> str:
    """A `FEWSHOT` variant's selector in words, with how it shows the demonstrations."""
    return SELECTOR_NAMES.get(match["sel"], match["sel"]) + _shown_words(match)


def _fewshot_label(tag: str, variant: str) -> str:
    """``tag:variant`` with its demonstrations in words (an answer-rules replay of a few-shot run too)."""
    rules = layout.rule_suffix(variant)
    match = FEWSHOT.match(variant.removesuffix(rules) if rules else variant)
    if not match:
        return f"{tag}:{variant} (zero-shot)"
    where = POOL_WHERE[match["pool"]] + _shown_words(match)
    return (f"{tag}:{variant} ({match['k']} {SELECTOR_NAMES.get(match['sel'], match['sel'])} "
            f"demonstrations{where})")


REPLAY_LABELS = {"": "", "_repairs_columns": " + column fix (replayed)", "_repairs_joins": " + join repairs (replayed)",
                 "_repairs": " + join and column repairs (replayed)",
                 "_repairs_exact": " + join and column repairs, names matched exactly (replayed)"}


def _replay_label(labels: dict, tag_variant: str) -> str:
    """``tag:variant<fix suffix>`` as the system's label plus the fixes replayed on its candidates."""
    tag, stem = tag_variant.split(":")
    variant, suffix = _replay_parts(stem)
    fallback = _fewshot_label(tag, variant) if FEWSHOT.match(variant) else f"{tag}:{variant}"
    return labels.get(f"{tag}:{variant}", fallback) + REPLAY_LABELS[suffix]


def _table_figure_comparisons(variants: dict, root: Path, first: str, fig_path: Path, title: str, alt: str,
                              comparisons: list[tuple[str, dict]], source: str) -> list[str]:
    """One evaluation table (`_eval_table`), its EX-by-JOIN chart, then the paired comparisons with their source."""
    lines = _eval_table(variants, root, first=first)
    fig = _joins_figure(variants, fig_path, title)
    lines += ["", f"![{alt}]({_rel(fig, fig_path.parent.parent)})", ""]
    if comparisons:
        lines += _comparison_rows(comparisons)
        lines += ["", source, ""]
    return lines
