"""Run what ``experiments.yaml`` declares, skipping what is up to date (`graphsql run`).

    $ graphsql run spider-dev-strat300-seed0            # every run and replay of one experiment that is stale
    $ graphsql run --stale --dry-run                    # what is not up to date, and the command each would run
    $ graphsql run --all --model graph-balanced-gpu-lora

One experiment expands into steps: each (model tag, variant) run (`graphsql.experiments.variants`; BIRD at the
schema level: `graphsql.experiments.bird_schema`; the seq2seq baseline: its subset scorer), then each replay of its
recorded candidates (`graphsql.experiments.sc_count`, or ``bird_schema --repairs``). A step is up to date when its
results file exists, is complete, and records the settings the declaration asks for (dataset, split, number of
questions, variant, adapter); a replay, when its file exists. A step whose model has no adapter here (an ablation
adapter that stays out of git, or one trained on a lent GPU) is not run: the runner prints the model's recipe.
Steps run in this process, one after another, and every one resumes (predictions are kept in ``runs/``).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from graphsql.config import REPO_ROOT
from graphsql.experiments.registry import REPLAY_STEM, ExperimentSpec, Registry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Step:
    """One run or replay: the module that makes it, its arguments and the results file it writes."""

    experiment: str
    tag: str
    name: str  # the variant, or the replay's stem
    module: str  # graphsql.experiments.<module>
    argv: tuple[str, ...]
    result: Path
    replay: bool = False

    @property
    def command(self) -> str:
        return f"python -m graphsql.experiments.{self.module} {' '.join(self.argv)}"


def plan_steps(registry: Registry, ids: list[str] | None = None, model: str | None = None,
               results: Path | None = None) -> list[Step]:
    """Every step of the experiments ``ids`` (default: all), of model ``model`` only if given, in order: runs
    first, then replays, experiment by experiment."""
    results = results or REPO_ROOT / "results"
    experiments = [registry.experiment(i) for i in ids] if ids else list(registry.experiments)
    steps = []
    for exp in experiments:
        for tag, variants in exp.runs.items():
            if model and tag != model:
                continue
            for variant in variants:
                steps.append(_run_step(exp, registry, tag, variant, results))
        for tag, stems in exp.replays.items():
            if model and tag != model:
                continue
            for stem in stems:
                steps.append(_replay_step(exp, tag, stem, results))
    return steps


def _sample_args(exp: ExperimentSpec) -> list[str]:
    return ["--sample", str(exp.sample)] if exp.sample else []


def _run_step(exp: ExperimentSpec, registry: Registry, tag: str, variant: str, results: Path) -> Step:
    spec = registry.models[tag]
    result = exp.result_path(results, tag, variant)
    if spec.kind == "seq2seq":
        if exp.kind == "bird_schema":
            return Step(exp.id, tag, variant, "bird_schema", ("--baseline", *_sample_args(exp)), result)
        argv = ("--dataset", exp.dataset, "--split", exp.split, *_sample_args(exp))
        return Step(exp.id, tag, variant, "baseline_subset", argv, result)
    model = ["--tag", tag] + (["--adapter", spec.adapter] if spec.adapter else [])
    merge = ["--merge", spec.merge] if spec.merge else []
    if exp.kind == "bird_schema":
        ctx = ["--n-ctx", str(exp.n_ctx)] if exp.n_ctx else []
        return Step(exp.id, tag, variant, "bird_schema",
                    (*_sample_args(exp), *ctx, *model, *merge, "--variant", variant), result)
    argv = (*_sample_args(exp), *model, *merge, "--dataset", exp.dataset, "--split", exp.split, "--variants", variant)
    return Step(exp.id, tag, variant, "variants", argv, result)


def _replay_step(exp: ExperimentSpec, tag: str, stem: str, results: Path) -> Step:
    match = REPLAY_STEM.match(stem)
    variant, suffix = match["variant"], match["suffix"] or ""
    result = exp.result_path(results, tag, stem, replay=True)
    if exp.kind == "bird_schema":
        exact = ["--exact-names"] if suffix == "_fixj_exact" else []
        return Step(exp.id, tag, stem, "bird_schema", (*_sample_args(exp), "--tag", tag, "--variant", variant,
                                                       "--repairs", *exact), result, replay=True)
    fixes = {"_fix": ["--fix-columns"], "_fixj": ["--fix-joins", "--fix-columns"], "_joins": ["--fix-joins"],
             "_fixj_exact": ["--fix-joins", "--fix-columns", "--exact-names"]}
    argv = ("--dataset", exp.dataset, "--split", exp.split, "--tag", tag, "--variant", variant,
            "--sample", str(exp.sample or 0), *fixes.get(suffix, []))
    return Step(exp.id, tag, stem, "sc_count", argv, result, replay=True)


def step_status(step: Step, registry: Registry) -> tuple[bool, str]:
    """(up to date, why not): see the module docstring."""
    if not step.result.exists():
        return False, "no results file"
    if step.replay:
        return True, ""
    try:
        data = json.loads(step.result.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        return False, f"unreadable results ({err})"
    progress = data.get("progress") or {}
    if progress and progress.get("done", 0) < progress.get("total", 0):
        return False, f"partial ({progress.get('done')} of {progress.get('total')})"
    exp = registry.experiment(step.experiment)
    spec = registry.models[step.tag]
    settings = (data.get("provenance") or {}).get("settings") or {}
    wanted = {"adapter": spec.adapter} if spec.kind == "llm" else {}
    if step.module == "variants":
        wanted.update(variant=step.name, dataset=exp.dataset, split=exp.split)
        if exp.sample:
            wanted["n"] = exp.sample
    elif step.module == "bird_schema" and spec.kind == "llm":
        wanted.update(variant=step.name, tag=step.tag)
        if exp.sample:
            wanted["n"] = exp.sample
    for key, value in wanted.items():
        if key in settings and settings[key] != value:
            return False, f"{key} is {settings[key]!r}, experiments.yaml says {value!r}"
    return True, ""


def recorded_minutes(step: Step) -> float | None:
    """Minutes the step took when its results were made (seconds a question x questions), if recorded."""
    try:
        data = json.loads(step.result.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    per, n = data.get("seconds_per_question"), data.get("n")
    return round(per * n / 60, 1) if per and n else None


def blocked(step: Step, registry: Registry) -> str:
    """Why ``step`` cannot run here (its model's adapter is missing), or ''."""
    spec = registry.models[step.tag]
    if step.replay or spec.adapter_present:
        return ""
    return f"adapter {spec.adapter} is not here; make it with: {spec.recipe or '(no recipe declared)'}"


def run_steps(steps: list[Step], registry: Registry, force: bool = False, dry_run: bool = False,
              echo=print) -> dict:
    """Run the steps that are stale (all with ``force``); ``dry_run`` only says what would run. Returns counts."""
    import importlib

    counts = {"up_to_date": 0, "ran": 0, "would_run": 0, "blocked": 0, "failed": 0}
    for step in steps:
        fresh, why = step_status(step, registry)
        label = f"{step.experiment} {step.tag}:{step.name}"
        if fresh and not force:
            counts["up_to_date"] += 1
            continue
        reason = blocked(step, registry)
        if reason:
            counts["blocked"] += 1
            echo(f"blocked   {label}: {reason}")
            continue
        if dry_run:
            counts["would_run"] += 1
            took = recorded_minutes(step)
            when = f"; took {took} min here when last run" if took is not None else ""
            echo(f"stale     {label} ({why or 'forced'}{when}): {step.command}")
            continue
        echo(f"running   {label}: {step.command}")
        module = importlib.import_module(f"graphsql.experiments.{step.module}")
        try:
            code = module.main(list(step.argv))
        except SystemExit as exc:  # argparse errors
            code = exc.code if isinstance(exc.code, int) else 1
        if code:
            counts["failed"] += 1
            echo(f"failed    {label} (exit {code})")
        else:
            counts["ran"] += 1
    return counts
