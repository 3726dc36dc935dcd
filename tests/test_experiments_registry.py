"""experiments.yaml (graphsql.experiments.registry) and `graphsql run` (graphsql.experiments.runner)."""

from __future__ import annotations

import json
import sys
import types

import pytest

from graphsql.config import REPO_ROOT
from graphsql.errors import ConfigError
from graphsql.experiments import layout
from graphsql.experiments.registry import load_registry
from graphsql.experiments.runner import Step, plan_steps, run_steps, step_status

MINIMAL = """
models:
  base: {label: bare model}
  ours: {label: our adapter, adapter: models/none-here, recipe: train it}
experiments:
  - id: spider-dev-strat4-seed0
    dataset: spider
    split: dev
    sample: 4
    runs: {base: [ddl_full], ours: [as_trained]}
    replays: {base: [ddl_full_repairs]}
systems:
  - [the bare model, base:ddl_full]
comparisons:
  systems:
    - [base:ddl_full, ours:as_trained]
"""


def _write(tmp_path, text):
    path = tmp_path / "experiments.yaml"
    path.write_text(text)
    return path


def test_every_committed_result_is_declared_and_every_declared_run_has_results():
    registry = load_registry()
    declared = registry.declared()
    results = REPO_ROOT / "results"
    parsed = [layout.parse(path.relative_to(results)) for path in results.rglob("*.json")]
    found = {(layout.experiment_id(subset, kind), tag, name, replay)
             for kind, subset, tag, name, replay in filter(None, parsed)}
    assert not sorted(found - declared), "results no experiment declares: add them to experiments.yaml"
    assert not sorted(declared - found), "declared runs without results: run them (graphsql run)"


def test_committed_results_are_up_to_date():
    registry = load_registry()
    steps = plan_steps(registry)
    stale = [(s.experiment, s.tag, s.name, step_status(s, registry)[1]) for s in steps
             if not step_status(s, registry)[0]]
    assert not stale and len(steps) > 100


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("runs: {base: [ddl_full], ours: [as_trained]}", "runs: {base: [ddl_full], nobody: [as_trained]}"),
         "names model 'nobody'"),
        (("sample: 4", "sampel: 4"), "unknown key(s) sampel"),
        (("replays: {base: [ddl_full_repairs]}", "replays: {base: [ddl_pruned_repairs]}"), "replays no run"),
        (("- [base:ddl_full, ours:as_trained]", "- [base:ddl_full, ours]"), "expected 'tag:variant'"),
        (("id: spider-dev-strat4-seed0", "id: tiny"), "the id must name its questions: 'spider-dev-strat4-seed0'"),
        (("kind", "kind"), None),
    ],
)
def test_the_file_is_checked_strictly(edit, message, tmp_path):
    text = MINIMAL.replace(*edit)
    if message is None:
        assert load_registry(_write(tmp_path, text)).experiment("spider-dev-strat4-seed0").subset == "spider-dev-strat4-seed0"
        return
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_registry(_write(tmp_path, text))


def test_steps_say_what_they_run_and_when_they_are_stale(tmp_path):
    registry = load_registry(_write(tmp_path, MINIMAL))
    results = tmp_path / "results"
    steps = plan_steps(registry, ["spider-dev-strat4-seed0"], results=results)
    assert [(s.tag, s.name, s.replay) for s in steps] == [("base", "ddl_full", False), ("ours", "as_trained", False),
                                                         ("base", "ddl_full_repairs", True)]
    run = steps[0]
    assert run.command == ("graphsql experiment variants --sample 4 --tag base --dataset spider "
                           "--split dev --variants ddl_full")
    assert "--fix-joins --fix-columns" in steps[2].command
    assert step_status(run, registry) == (False, "no results file")
    run.result.parent.mkdir(parents=True)
    settings = {"variant": "ddl_full", "dataset": "spider", "split": "dev", "n": 4, "adapter": None}
    run.result.write_text(json.dumps({"progress": {"done": 2, "total": 4}, "provenance": {"settings": settings}}))
    assert step_status(run, registry) == (False, "partial (2 of 4)")
    run.result.write_text(json.dumps({"progress": {"done": 4, "total": 4}, "provenance": {"settings": settings}}))
    assert step_status(run, registry) == (True, "")
    run.result.write_text(json.dumps({"provenance": {"settings": {**settings, "n": 3}}}))
    assert step_status(run, registry)[0] is False


def test_every_experiment_module_is_a_graphsql_subcommand(capsys):
    """`graphsql experiment NAME ...` reaches each module's own parser; the runner's steps name those commands."""
    from graphsql.cli import main
    from graphsql.cli.experiments import EXPERIMENTS

    assert {"variants", "sc-count", "bird-schema", "baseline-subset"} <= set(EXPERIMENTS)
    for name, option in (("variants", "--variants"), ("hardening", "--kills"), ("linking-recall", "--no-bird")):
        assert main(["experiment", name, "--help"]) == 0  # the module's own options
        assert option in capsys.readouterr().out
    assert main(["experiment", "hardening", "--bogus"]) == 2  # argparse's usage error, as from python -m
    assert "usage: graphsql experiment hardening" in capsys.readouterr().err


def test_run_steps_runs_stale_steps_in_process_and_reports_blocked_ones(tmp_path, monkeypatch):
    registry = load_registry(_write(tmp_path, MINIMAL))
    calls = []
    fake = types.ModuleType("graphsql.experiments.fake_step")

    def main(argv):
        calls.append(argv)
        return 0

    fake.main = main
    monkeypatch.setitem(sys.modules, "graphsql.experiments.fake_step", fake)
    steps = [Step("spider-dev-strat4-seed0", "base", "ddl_full", "fake_step", ("--x",), tmp_path / "r.json"),
             Step("spider-dev-strat4-seed0", "ours", "as_trained", "fake_step", ("--y",), tmp_path / "s.json")]
    lines = []
    assert run_steps(steps, registry, dry_run=True, echo=lines.append)["would_run"] == 1 and not calls
    counts = run_steps(steps, registry, echo=lines.append)
    assert calls == [["--x"]] and counts["ran"] == 1 and counts["blocked"] == 1
    assert any("train it" in line for line in lines)  # the missing adapter's recipe is printed


TRAINED = """
sample_sets:
  tiny_set: {{config: {augment}, without: [table_selection], tokenizer: null}}
models:
  tiny-lora:
    label: a tiny adapter trained by the runner
    adapter: models/tiny-lora
    train: {{samples: tiny_set, config: {train}, run: runs/train/tiny, seed: 3}}
  tiny-gpu-lora:
    label: the same on a lent GPU
    adapter: runs/models/tiny_gpu
    train: {{samples: tiny_set, config: {train}, run: runs/train/tiny_gpu, device: gpu}}
experiments:
  - id: spider-dev-strat4-seed0
    dataset: spider
    split: dev
    sample: 4
    runs: {{tiny-lora: [as_trained], tiny-gpu-lora: [as_trained]}}
"""


def test_a_missing_adapter_is_trained_before_its_runs_and_a_gpu_recipe_prints_the_device_commands(
        mini_spider, tmp_path, monkeypatch):
    """`graphsql run`: sample set -> training -> export as experiments.yaml declares, as real `graphsql`
    subprocesses on a tiny model; done steps are skipped on a rerun; a GPU recipe is blocked with its commands."""
    from tests.test_augment import augment_config_on_mini_train
    from tests.test_generate import build_tiny_qwen

    augment = augment_config_on_mini_train(mini_spider, tmp_path, ["join_path", "table_selection"])
    model = build_tiny_qwen(tmp_path / "tiny_qwen")
    train = tmp_path / "train.yaml"
    train.write_text(f"name: tiny\ntrain:\n  model: {model}\n  max_len: 2048\n  batch_tokens: 2048\n  grad_accum: 1\n"
                     "  precision: fp32\n  device: cpu\n  epochs: 1\n  max_steps: 2\n")
    text = TRAINED.format(augment=augment, train=train)
    with pytest.raises(ConfigError, match="sample set 'nothing'"):
        load_registry(_write(tmp_path, text.replace("samples: tiny_set, config", "samples: nothing, config")))
    registry = load_registry(_write(tmp_path, text))
    steps = plan_steps(registry, results=tmp_path / "results")
    assert [(s.stage, s.tag) for s in steps] == [("augment", "tiny-lora"), ("train", "tiny-lora"),
                                                 ("export", "tiny-lora"), ("augment", "tiny-gpu-lora"),
                                                 ("train", "tiny-gpu-lora"), ("export", "tiny-gpu-lora"),
                                                 ("evaluate", "tiny-lora"), ("evaluate", "tiny-gpu-lora")]
    assert steps[0].command.endswith("--out runs/augment/tiny_set --without table_selection")
    assert steps[1].command.endswith("--samples runs/augment/tiny_set/samples.jsonl --out runs/train/tiny --seed 3")
    evaluated = []
    fake = types.ModuleType("graphsql.experiments.fake_eval")
    fake.main = lambda argv: evaluated.append(argv) or 0
    monkeypatch.setitem(sys.modules, "graphsql.experiments.fake_eval", fake)
    steps = [s if s.stage != "evaluate" else Step(s.experiment, s.tag, s.name, "fake_eval", s.argv, s.result)
             for s in steps]
    lines = []
    counts = run_steps(steps, registry, echo=lines.append)
    text = "\n".join(lines)
    assert (tmp_path / "models" / "tiny-lora" / "adapter_model.safetensors").is_file(), text
    assert json.loads((tmp_path / "runs" / "train" / "tiny" / "metrics.json").read_text())["seed"] == 3
    assert len(evaluated) == 1 and "models/tiny-lora" in evaluated[0]  # the GPU model's run waits for its adapter
    assert "RUNS=tiny_set bash scripts/device_pack.sh" in text
    assert counts == {"up_to_date": 1, "ran": 4, "would_run": 0, "blocked": 3, "failed": 0}, text
    # rerun: the sample set, training and export are done; the trained model's run is stale only through the fake
    again = plan_steps(registry, results=tmp_path / "results")
    assert [s.stage for s in again if s.tag == "tiny-lora"] == ["evaluate"]


def test_results_are_laid_out_by_experiment_and_read_back(tmp_path):
    run = layout.run_file(tmp_path, "spider-dev-all", "base", "ddl_full")
    replay = layout.replay_file(tmp_path, "spider-dev-all", "base", "ddl_full")  # a replay may share its run's name
    bird = layout.replay_file(tmp_path, "bird-dev-strat300-seed0", "m", "as_trained_repairs", kind="bird_schema")
    other = tmp_path / "analyses" / "x" / "y.json"   # not an experiment's folder: never read as one
    for path in (run, replay, bird, other, run.with_name("ddl_full.partial.json")):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}")
    assert run.relative_to(tmp_path).as_posix() == "spider-dev-all/base/ddl_full.json"
    assert bird.relative_to(tmp_path).as_posix() == "bird-dev-strat300-seed0-schema/m/replays/as_trained_repairs.json"
    assert layout.parse(replay.relative_to(tmp_path)) == ("eval", "spider-dev-all", "base", "ddl_full", True)
    assert [p for p, *_ in layout.results_files(tmp_path)] == [run, replay, bird]
    assert [p for p, *_ in layout.results_files(tmp_path, kind="eval", replays=False)] == [run]
    assert [p for p, *_ in layout.results_files(tmp_path, kind="bird_schema")] == [bird]
