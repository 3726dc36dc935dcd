"""The generated findings (every difference with its interval) and the error analysis."""

from __future__ import annotations

import json
from pathlib import Path

from graphsql.eval.comparisons import BIRD_MEASURES
from graphsql.experiments import layout
from graphsql.report.common import SYSTEMS, _claim, _fewshot_label, _pct, _rel, _replay_label


def _error_section(results_dir: Path, root: Path) -> list[str]:
    """Failure categories per evaluated variant (``error_analysis.json``), with one example per category."""
    path = layout.analysis_file(results_dir, "error_analysis.json")
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
        elif (key.startswith("sc_count/") and key.split("-vs-")[0].endswith("_repairs")
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
