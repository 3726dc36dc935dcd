"""Killed jobs (issue 28): real `graphsql predict`, `train`, `dpo sample` and `augment` subprocesses killed with SIGKILL at
random moments (seeded: KILL_SEEDS), resumed, and compared with an uninterrupted run of the same command.

predict: killed after a random number of answers plus a random delay (so sometimes mid-line), several times in a
row, then run to the end: the predictions equal the uninterrupted run's line for line. train (tiny random Qwen2,
a checkpoint every step): killed after a random step, resumed: the adapter equals the uninterrupted run's within
1e-6, and the training log has each step once. dpo sample: killed after random numbers of finished questions,
rerun: the candidates and pairs equal the uninterrupted run's. augment: killed at a random moment, rerun: the samples file is the
same bytes, and a killed run never leaves a samples file that a trainer could read half of.

With $GRAPHSQL_KILL_LOG set, every trial adds a line there: `python -m graphsql.eval.hardening --kills` counts them.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graphsql.atomic import drop_cut_line, open_append, read_jsonl, write_text_atomic
from tests.test_augment import augment_config_on_mini_train
from tests.test_generate import build_tiny_qwen

pytest.importorskip("transformers")

KILL_SEEDS = (0, 1, 2)
PYTHON = [sys.executable, "-m", "graphsql.cli"]


def _run(cmd: list[str], timeout: float = 600, env: dict | None = None) -> None:
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    assert out.returncode == 0, out.stderr[-3000:]


def _log_kill(killed: bool) -> None:
    """One line per trial into $GRAPHSQL_KILL_LOG when set (`python -m graphsql.eval.hardening --kills` counts them)."""
    log = os.environ.get("GRAPHSQL_KILL_LOG")
    if log:
        test = os.environ.get("PYTEST_CURRENT_TEST", "").split("::")[-1].split(" ")[0]
        with open(log, "a", encoding="utf-8") as out:
            out.write(json.dumps({"test": test, "killed": killed}) + "\n")


def _kill_when(cmd: list[str], ready, delay: float, timeout: float = 600, env: dict | None = None) -> bool:
    """Start ``cmd``, SIGKILL it ``delay`` seconds after ``ready()`` first holds; False if it finished first."""
    killed = _start_and_kill(cmd, ready, delay, timeout, env)
    _log_kill(killed)
    return killed


def _start_and_kill(cmd: list[str], ready, delay: float, timeout: float, env: dict | None = None) -> bool:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    start = time.monotonic()
    try:
        while proc.poll() is None:
            if ready():
                time.sleep(delay)
                if proc.poll() is not None:
                    return False
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                return True
            if time.monotonic() - start > timeout:
                raise TimeoutError(" ".join(cmd))
            time.sleep(0.002)
        return False
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.is_file() else 0


# ----------------------------------------------------------------------------------------------- the file helpers


def test_a_cut_last_line_is_dropped_before_appending(tmp_path):
    log = tmp_path / "log.jsonl"
    log.write_text('{"idx": 0}\n{"idx": 1}\n{"id')
    assert read_jsonl(log) == [{"idx": 0}, {"idx": 1}]
    with open_append(log) as fh:
        fh.write('{"idx": 2}\n')
    assert log.read_text() == '{"idx": 0}\n{"idx": 1}\n{"idx": 2}\n'
    log.write_bytes(b"x" * 200_000)  # one long cut line, nothing before it
    assert drop_cut_line(log) == 200_000 and log.read_bytes() == b""


def test_an_atomic_write_leaves_the_old_file_or_the_new_one(tmp_path):
    path = tmp_path / "results" / "x.json"
    write_text_atomic(path, "old\n")
    write_text_atomic(path, "new\n")
    assert path.read_text() == "new\n" and [p.name for p in path.parent.iterdir()] == ["x.json"]


# ----------------------------------------------------------------------------------------------- killed subprocesses


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    return build_tiny_qwen(tmp_path_factory.mktemp("tiny_qwen"))


def test_predict_killed_at_random_moments_resumes_to_the_same_predictions(mini_spider, tiny_model, tmp_path):
    config = tmp_path / "short.yaml"  # a random model never stops on its own: short answers keep the test quick
    config.write_text("infer:\n  max_new_tokens: 24\n  fallback: 0\n")  # a random model: nothing runs

    def cmd(out: Path) -> list[str]:
        return [*PYTHON, "predict", "--questions", str(mini_spider / "dev.json"), "--db-dir",
                str(mini_spider / "database"), "--out", str(out), "--model", str(tiny_model), "--adapter", "none",
                "--backend", "transformers", "--timeout", "2", "--config", str(config)]

    straight = tmp_path / "straight" / "preds.sql"
    _run(cmd(straight))
    total = _lines(straight)
    assert total >= 10
    killed = tmp_path / "killed" / "preds.sql"
    log = killed.with_suffix(".sql.jsonl")
    kills = 0
    for seed in KILL_SEEDS:
        rng = random.Random(seed)
        target = min(total - 1, _lines(log) + rng.randint(1, 4))
        kills += _kill_when(cmd(killed), lambda target=target: _lines(log) >= target, rng.uniform(0, 0.05))
        assert not killed.exists()  # the final file is written only at the end
    assert kills >= 2
    _run(cmd(killed))
    assert killed.read_text() == straight.read_text()
    records = {r["idx"]: r for r in read_jsonl(log)}
    expected = {r["idx"]: r for r in read_jsonl(straight.with_suffix(".sql.jsonl"))}
    assert records.keys() == expected.keys()
    for idx, rec in expected.items():
        assert records[idx]["candidates"] == rec["candidates"] and records[idx]["pred_sql"] == rec["pred_sql"]


def test_train_killed_at_random_steps_resumes_to_the_same_adapter(tiny_model, tmp_path):
    import torch
    from safetensors.torch import load_file

    samples = tmp_path / "samples.jsonl"
    rows = [{"messages": [{"role": "system", "content": "SQL."}, {"role": "user", "content": f"question {i}"},
                          {"role": "assistant", "content": f"SELECT {i} FROM t"}], "source": "spider"}
            for i in range(24)]
    samples.write_text("".join(json.dumps(r) + "\n" for r in rows))
    config = tmp_path / "train.yaml"
    config.write_text(f"name: killed\ntrain:\n  model: {tiny_model}\n  samples: {samples}\n  max_len: 64\n"
                      "  batch_tokens: 64\n  grad_accum: 1\n  precision: fp32\n  device: cpu\n  epochs: 2\n"
                      "  save_every: 1\n  keep_checkpoints: 2\n")

    def cmd(out: Path) -> list[str]:
        return [*PYTHON, "train", "--config", str(config), "--out", str(out), "--max-steps", "12"]

    _run(cmd(tmp_path / "straight"))
    out = tmp_path / "killed"
    log = out / "train_log.jsonl"
    kills = 0
    for seed in KILL_SEEDS:
        rng = random.Random(seed)
        done = len(read_jsonl(log))
        target = min(11, done + rng.randint(1, 3))
        kills += _kill_when(cmd(out), lambda target=target: len(read_jsonl(log)) >= target, rng.uniform(0, 0.2))
    assert kills >= 2
    _run(cmd(out))
    expected = load_file(tmp_path / "straight" / "adapter" / "adapter_model.safetensors")
    got = load_file(out / "adapter" / "adapter_model.safetensors")
    assert expected.keys() == got.keys()
    for key in expected:
        torch.testing.assert_close(got[key], expected[key], rtol=0, atol=1e-6)
    assert [r["step"] for r in read_jsonl(log)] == list(range(1, 13))  # each step logged once


def test_dpo_sample_killed_at_random_moments_resumes_to_the_same_candidates(mini_spider, tiny_model, tmp_path):
    """`graphsql dpo sample` (seeded sampling, execution labels, one line per question): killed after random
    numbers of finished questions and rerun, candidates.jsonl and pairs.jsonl equal an uninterrupted run's."""
    data = tmp_path / "data"
    spider = data / "spider"
    spider.mkdir(parents=True)
    for name in ("tables.json", "database"):
        (spider / name).symlink_to(mini_spider / name)
    items = json.loads((mini_spider / "dev.json").read_text())
    (spider / "train_spider.json").write_text(json.dumps(items))
    samples = tmp_path / "samples.jsonl"
    samples.write_text("".join(json.dumps({
        "messages": [{"role": "system", "content": "SQLite."}, {"role": "user", "content": it["question"]},
                     {"role": "assistant", "content": it["query"]}],
        "source": "spider:train", "task": "sql", "db_id": it["db_id"], "idx": i}) + "\n" for i, it in enumerate(items)))
    config = tmp_path / "dpo.yaml"
    config.write_text(f"dpo:\n  model: {tiny_model}\n  adapter: null\n  samples: {samples}\n  questions: 12\n"
                      "  candidates: 2\n  max_new_tokens: 12\n  backend: transformers\n  timeout: 2.0\n")
    env = {**os.environ, "GRAPHSQL_DATA": str(data)}

    def cmd(out: Path) -> list[str]:
        return [*PYTHON, "dpo", "sample", "--config", str(config), "--out", str(out)]

    _run(cmd(tmp_path / "straight"), env=env)
    out = tmp_path / "killed"
    candidates = out / "candidates.jsonl"
    kills = 0
    for seed in KILL_SEEDS:
        rng = random.Random(seed)
        target = min(11, _lines(candidates) + rng.randint(1, 3))
        kills += _kill_when(cmd(out), lambda target=target: _lines(candidates) >= target, rng.uniform(0, 0.05),
                            env=env)
    assert kills >= 2
    _run(cmd(out), env=env)
    for name in ("candidates.jsonl", "pairs.jsonl"):
        assert (out / name).read_text() == (tmp_path / "straight" / name).read_text(), name


def test_augment_killed_at_a_random_moment_reruns_to_the_same_samples(mini_spider, tmp_path):
    config = augment_config_on_mini_train(mini_spider, tmp_path, ["join_path", "table_selection"])

    def cmd(out: Path) -> list[str]:
        return [*PYTHON, "augment", "--config", str(config), "--out", str(out)]

    start = time.monotonic()
    _run(cmd(tmp_path / "straight"))
    took = time.monotonic() - start
    out = tmp_path / "killed"
    for seed in KILL_SEEDS:
        rng = random.Random(seed)
        began = time.monotonic()
        _kill_when(cmd(out), lambda began=began, wait=rng.uniform(0.2, took): time.monotonic() - began >= wait, 0)
        if (out / "samples.jsonl").exists():  # whatever a kill left is whole: every line parses
            text = (out / "samples.jsonl").read_text()
            assert text.endswith("\n") and len(read_jsonl(out / "samples.jsonl")) == text.count("\n")
    _run(cmd(out))
    assert (out / "samples.jsonl").read_bytes() == (tmp_path / "straight" / "samples.jsonl").read_bytes()
    a, b = (json.loads((d / "manifest.json").read_text()) for d in (out, tmp_path / "straight"))
    assert {k: v for k, v in a.items() if k not in ("seconds", "provenance", "out_dir")} == \
        {k: v for k, v in b.items() if k not in ("seconds", "provenance", "out_dir")}
