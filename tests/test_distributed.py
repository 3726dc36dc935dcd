"""`graphsql train` under `accelerate launch` with two CPU processes (gloo; issue 30): a two-process run, killed
midway and resumed, has one process's loss at every step (the same global batch) and its adapter."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graphsql.atomic import read_jsonl

pytest.importorskip("accelerate")
pytest.importorskip("transformers")

STEPS = 6
LOSS_TOLERANCE = 1e-5  # relative: the sums of two processes are added in another order than one process's
WEIGHT_TOLERANCE = 1e-5


def _accelerate() -> list[str]:
    launcher = Path(sys.executable).with_name("accelerate")
    if not launcher.exists():
        pytest.skip("accelerate's launcher is not installed")
    # --multi_gpu is accelerate's torch.distributed launcher; the config's device (cpu) makes each process a CPU one
    return [str(launcher), "launch", "--multi_gpu", "--num_processes", "2", "--num_machines", "1", "--mixed_precision", "no",
            "--dynamo_backend", "no", "--main_process_port", str(_free_port()), "-m", "graphsql"]


def _free_port() -> int:
    from graphsql.web.local import free_port

    return free_port()


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    from tests.test_generate import build_tiny_qwen

    root = tmp_path_factory.mktemp("ddp")
    model = build_tiny_qwen(root / "tiny_qwen")
    samples = root / "samples.jsonl"
    rows = [{"messages": [{"role": "system", "content": "SQL."}, {"role": "user", "content": f"question {i} " * (i % 5 + 1)},
                          {"role": "assistant", "content": f"SELECT {i} FROM t{i % 3}"}], "source": "spider"}
            for i in range(40)]
    samples.write_text("".join(json.dumps(r) + "\n" for r in rows))
    config = root / "train.yaml"
    config.write_text(f"name: ddp\ntrain:\n  model: {model}\n  samples: {samples}\n  max_len: 64\n  batch_tokens: 96\n"
                      f"  grad_accum: 4\n  precision: fp32\n  device: cpu\n  epochs: 3\n  max_steps: {STEPS}\n"
                      "  lora_dropout: 0.0\n  learning_rate: 0.01\n  save_every: 1\n  keep_checkpoints: 3\n")
    return root, config


def _train(cmd: list[str], config: Path, out: Path) -> None:
    done = subprocess.run([*cmd, "train", "--config", str(config), "--out", str(out)], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]


def _losses(out: Path) -> list[float]:
    return [row["loss"] for row in read_jsonl(out / "train_log.jsonl")]


def _assert_same_adapter(a: Path, b: Path) -> None:
    import torch
    from safetensors.torch import load_file

    x, y = load_file(a / "adapter" / "adapter_model.safetensors"), load_file(b / "adapter" / "adapter_model.safetensors")
    assert x.keys() == y.keys()
    for key in x:
        torch.testing.assert_close(y[key], x[key], rtol=0, atol=WEIGHT_TOLERANCE)


@pytest.fixture(scope="module")
def one_process(setup):
    """The run of one process that the multi-process runs must reproduce."""
    root, config = setup
    one = root / "one"
    _train([sys.executable, "-m", "graphsql"], config, one)
    assert json.loads((one / "metrics.json").read_text())["processes"] == 1
    assert len(_losses(one)) == STEPS and _losses(one)[-1] < _losses(one)[0]  # it learns
    return one


def _killed_and_resumed(config: Path, out: Path) -> None:
    """Two processes, killed (the launcher and both) after step 3, then resumed with two processes."""
    proc = subprocess.Popen([*_accelerate(), "train", "--config", str(config), "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while len(read_jsonl(out / "train_log.jsonl")) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (out / "metrics.json").exists(), "the run finished before it could be killed"
    _train(_accelerate(), config, out)


@pytest.mark.slow
def test_two_processes_train_what_one_process_trains_and_resume_after_a_kill(setup, one_process):
    root, config = setup
    killed = root / "killed"
    _killed_and_resumed(config, killed)
    assert len(_losses(killed)) == STEPS  # every step's loss and the adapter are one process's
    assert _losses(killed) == pytest.approx(_losses(one_process), rel=LOSS_TOLERANCE)
    _assert_same_adapter(one_process, killed)
    metrics = json.loads((killed / "metrics.json").read_text())
    assert metrics["processes"] == 2 and metrics["resumed_from_step"] >= 3


@pytest.mark.slow
def test_deepspeed_zero2_and_zero3_train_what_one_process_trains(setup, one_process):
    """zero_stage 2 / 3: DeepSpeed partitions optimizer states and gradients (and parameters) over two CPU
    processes; the losses and the adapter are one process's; a killed ZeRO-2 run resumes to them."""
    pytest.importorskip("deepspeed")
    root, config = setup
    for stage in (2, 3):
        zero = root / f"zero{stage}.yaml"
        zero.write_text(config.read_text().replace("  device: cpu\n", f"  device: cpu\n  zero_stage: {stage}\n"))
        out = root / f"zero{stage}"
        if stage == 2:
            _killed_and_resumed(zero, out)
            assert json.loads((out / "metrics.json").read_text())["resumed_from_step"] >= 3
        else:
            _train(_accelerate(), zero, out)
        metrics = json.loads((out / "metrics.json").read_text())
        assert (metrics["processes"], metrics["zero_stage"]) == (2, stage)
        assert _losses(out) == pytest.approx(_losses(one_process), rel=LOSS_TOLERANCE), f"ZeRO-{stage}"
        _assert_same_adapter(one_process, out)


def test_too_few_micro_batches_for_the_processes_is_one_clear_error(setup, tmp_path):
    root, config = setup
    bad = tmp_path / "bad.yaml"
    bad.write_text(config.read_text().replace("grad_accum: 4", "grad_accum: 1"))
    done = subprocess.run([*_accelerate(), "train", "--config", str(bad), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode != 0 and "grad_accum 1 < 2 processes" in done.stderr
