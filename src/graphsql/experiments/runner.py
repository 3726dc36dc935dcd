"""Run what ``experiments.yaml`` declares, skipping what is up to date (`graphsql run`).

    $ graphsql run spider-dev-strat300-seed0            # every run and replay of one experiment that is stale
    $ graphsql run --stale --dry-run                    # what is not up to date, and the command each would run
    $ graphsql run --all --model graph-balanced-gpu-lora

One experiment expands into steps: each (model tag, variant) run (`graphsql.experiments.variants`; BIRD at the
schema level: `graphsql.experiments.bird_schema`; the seq2seq baseline: its subset scorer), then each replay of its
recorded candidates (`graphsql.experiments.sc_count`, or ``bird_schema --repairs``). A step is up to date when its
results file exists, is complete, and records the settings the declaration asks for (dataset, split, number of
questions, variant, adapter); a replay, when its file exists.

A model whose adapter is not here and that has a stale run is trained first when ``experiments.yaml`` says how
(``train``): its sample set is built (`graphsql augment`, up to date when the set's manifest exists), the adapter
trained (`graphsql train`, up to date when the run's ``metrics.json`` exists; a rerun resumes from its last
checkpoint) and exported (`graphsql model export`) to the declared adapter folder. Those steps run as `graphsql`
subprocesses in the registry's folder; a GPU recipe is not run here: the runner prints the device commands. A model
with neither adapter nor ``train`` is not run either: the runner prints its recipe. Evaluations run in this process,
one after another, and every one resumes (predictions are kept in ``runs/``).

    $ graphsql run --model graph-balanced-lora-no_perturb     # augment -> train -> export -> evaluate, as needed
    $ graphsql run --sample-set graph_rename                  # only build one declared sample set
    $ graphsql run --train graph-rename-gpu-lora --dry-run    # only train one adapter (a GPU one: the commands)
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from graphsql.config import REPO_ROOT
from graphsql.errors import ConfigError
from graphsql.experiments import layout
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
    stage: str = "evaluate"  # augment | train | export | evaluate

    @property
    def command(self) -> str:
        if self.stage != "evaluate":
            return f"graphsql {' '.join(self.argv)}"
        return f"graphsql experiment {self.module.replace('_', '-')} {' '.join(self.argv)}"


def sample_set_step(registry: Registry, name: str, tag: str = "") -> Step:
    """Build the declared sample set ``name`` into ``runs/augment/<name>/`` (up to date when its manifest exists)."""
    spec = registry.sample_set(name)
    out = f"runs/augment/{name}"
    argv = ["augment", "--config", spec.config, "--out", out]
    argv += ["--tokenizer", spec.tokenizer] if spec.tokenizer else []
    for aug in spec.without:
        argv += ["--without", aug]
    return Step("train", tag, name, "cli", tuple(argv), registry.root / out / "manifest.json", stage="augment")


def training_steps(registry: Registry, tag: str) -> list[Step]:
    """Sample set, training and export of model ``tag``'s adapter, as its ``train`` declares (none if it does not)."""
    if tag not in registry.models:
        raise ConfigError(f"no model {tag!r} in experiments.yaml (known: {', '.join(registry.models)})")
    spec = registry.models[tag]
    train = spec.train
    if train is None:
        return []
    samples = f"runs/augment/{train.samples}/samples.jsonl"
    seed = ["--seed", str(train.seed)] if train.seed is not None else []
    seed += ["--epochs", str(train.epochs)] if train.epochs is not None else []
    return [sample_set_step(registry, train.samples, tag),
            Step("train", tag, train.run, "cli", ("train", "--config", train.config, "--samples", samples,
                                                  "--out", train.run, *seed),
                 registry.root / train.run / "metrics.json", stage="train"),
            Step("train", tag, spec.adapter, "cli", ("model", "export", "--run", train.run, "--out", spec.adapter),
                 registry.root / spec.adapter / "adapter_model.safetensors", stage="export")]


def plan_steps(registry: Registry, ids: list[str] | None = None, model: str | None = None,
               results: Path | None = None, force: bool = False) -> list[Step]:
    """Every step of the experiments ``ids`` (default: all), of model ``model`` only if given, in order: the
    training of each model that has a stale run (all its runs with ``force``) and no adapter here, then the runs,
    then the replays, experiment by experiment."""
    if model and model not in registry.models:
        raise ConfigError(f"no model {model!r} in experiments.yaml (known: {', '.join(registry.models)})")
    steps = _evaluation_steps(registry, ids, model, results)
    needed = []
    for step in steps:
        spec = registry.models[step.tag]
        if (step.replay or step.tag in needed or spec.train is None or spec.adapter_present(registry.root)
                or (not force and step_status(step, registry)[0])):
            continue
        needed.append(step.tag)
    return [s for tag in needed for s in training_steps(registry, tag)] + steps


def _evaluation_steps(registry: Registry, ids: list[str] | None, model: str | None,
                      results: Path | None) -> list[Step]:
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
    # answers recorded on another subset of the same questions are reused where that run exists
    reuse = [s for s in exp.reuse
             if layout.run_file(results, layout.reuse_source(exp.dataset, exp.split, s), tag, variant).exists()]
    reuse_args = ["--reuse-from", ",".join(reuse)] if reuse else []
    argv = (*_sample_args(exp), *model, *merge, "--dataset", exp.dataset, "--split", exp.split, "--variants", variant,
            *reuse_args)
    return Step(exp.id, tag, variant, "variants", argv, result)


def _replay_step(exp: ExperimentSpec, tag: str, stem: str, results: Path) -> Step:
    match = REPLAY_STEM.match(stem)
    variant, suffix = match["variant"], match["suffix"] or ""
    result = exp.result_path(results, tag, stem, replay=True)
    if exp.kind == "bird_schema":
        exact = ["--exact-names"] if suffix == "_repairs_exact" else []
        return Step(exp.id, tag, stem, "bird_schema", (*_sample_args(exp), "--tag", tag, "--variant", variant,
                                                       "--repairs", *exact), result, replay=True)
    if suffix in layout.RULE_SUFFIXES:  # the answer rules on the run's answers (graphsql.experiments.rules_replay)
        return Step(exp.id, tag, stem, "rules_replay", ("--dataset", exp.dataset, "--split", exp.split, "--tag", tag,
                                                        "--variant", variant, "--sample", str(exp.sample or 0),
                                                        "--rules", ",".join(layout.RULE_SUFFIXES[suffix])),
                    result, replay=True)
    fixes = {"_repairs_columns": ["--fix-columns"], "_repairs": ["--fix-joins", "--fix-columns"],
             "_repairs_joins": ["--fix-joins"], "_repairs_exact": ["--fix-joins", "--fix-columns", "--exact-names"]}
    argv = ("--dataset", exp.dataset, "--split", exp.split, "--tag", tag, "--variant", variant,
            "--sample", str(exp.sample or 0), *fixes.get(suffix, []))
    return Step(exp.id, tag, stem, "sc_count", argv, result, replay=True)


def step_status(step: Step, registry: Registry) -> tuple[bool, str]:
    """(up to date, why not): see the module docstring."""
    if not step.result.exists():
        return False, "no results file" if step.stage == "evaluate" else f"no {step.result.name}"
    if step.replay or step.stage != "evaluate":
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
    """Why ``step`` cannot run here (its model's adapter is missing, or is trained on a GPU), or ''."""
    if step.stage == "augment":
        return ""
    spec = registry.models[step.tag]
    if spec.train is not None and spec.train.device == "gpu" and step.stage == "train":
        return (f"trains on a lent GPU: RUNS={spec.train.device_run} bash scripts/device_pack.sh, then "
                "scripts/device_train.sh and scripts/gpu_runs_evaluate.sh (docs/dev/RESUME.md)")
    if step.replay or step.stage != "evaluate" or spec.adapter_present(registry.root):
        return ""
    how = ("the training steps above" if spec.train is not None and spec.train.device == "cpu"
           else spec.recipe or "(no recipe declared)")
    return f"adapter {spec.adapter} is not here; make it with: {how}"


def _run_cli(step: Step, registry: Registry) -> int:
    """A training step: ``graphsql ARGV`` as a subprocess in the registry's folder (its own memory; killed, it
    resumes when run again)."""
    return subprocess.run([sys.executable, "-m", "graphsql", *step.argv], cwd=registry.root).returncode


def run_steps(steps: list[Step], registry: Registry, force: bool = False, dry_run: bool = False,
              echo=print) -> dict:
    """Run the steps that are stale (all with ``force``); ``dry_run`` only says what would run. Returns counts."""
    import importlib

    counts = {"up_to_date": 0, "ran": 0, "would_run": 0, "blocked": 0, "failed": 0}
    stopped = set()  # models whose training failed or cannot run here: their later training steps wait
    for step in steps:
        fresh, why = step_status(step, registry)
        label = (f"{step.experiment} {step.tag}:{step.name}" if step.stage == "evaluate"
                 else f"{step.stage:<9} {step.tag + ': ' if step.tag else ''}{step.name}")
        if fresh and (not force or step.stage != "evaluate"):  # --force reruns evaluations, never a training
            counts["up_to_date"] += 1
            continue
        training = step.stage != "evaluate"
        reason = (f"an earlier training step of {step.tag} did not run" if training and step.tag in stopped
                  else blocked(step, registry))
        if reason and training:
            stopped.add(step.tag)
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
        if step.stage != "evaluate":
            code = _run_cli(step, registry)
        else:
            module = importlib.import_module(f"graphsql.experiments.{step.module}")
            try:
                code = module.main(list(step.argv))
            except SystemExit as exc:  # argparse errors
                code = exc.code if isinstance(exc.code, int) else 1
        if code:
            counts["failed"] += 1
            stopped.add(step.tag)
            echo(f"failed    {label} (exit {code})")
        else:
            counts["ran"] += 1
    return counts
