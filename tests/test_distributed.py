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


@pytest.mark.slow
def test_two_processes_train_what_one_process_trains_and_resume_after_a_kill(setup):
    root, config = setup
    one = root / "one"
    _train([sys.executable, "-m", "graphsql"], config, one)
    assert json.loads((one / "metrics.json").read_text())["processes"] == 1
    assert len(_losses(one)) == STEPS and _losses(one)[-1] < _losses(one)[0]  # it learns
    # two processes, killed (the launcher and both) after step 3, then resumed with two processes: every step's
    # loss and the adapter are one process's
    killed = root / "killed"
    proc = subprocess.Popen([*_accelerate(), "train", "--config", str(config), "--out", str(killed)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while len(read_jsonl(killed / "train_log.jsonl")) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (killed / "metrics.json").exists(), "the run finished before it could be killed"
    _train(_accelerate(), config, killed)
    assert len(_losses(killed)) == STEPS
    assert _losses(killed) == pytest.approx(_losses(one), rel=LOSS_TOLERANCE)
    _assert_same_adapter(one, killed)
    metrics = json.loads((killed / "metrics.json").read_text())
    assert metrics["processes"] == 2 and metrics["resumed_from_step"] >= 3


def test_too_few_micro_batches_for_the_processes_is_one_clear_error(setup, tmp_path):
    root, config = setup
    bad = tmp_path / "bad.yaml"
    bad.write_text(config.read_text().replace("grad_accum: 4", "grad_accum: 1"))
    done = subprocess.run([*_accelerate(), "train", "--config", str(bad), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode != 0 and "grad_accum 1 < 2 processes" in done.stderr
