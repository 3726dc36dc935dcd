"""SFT on a randomly initialised two-layer Qwen2 with the tiny fixture tokenizer: masking, packing, training,
adapter reload, exact resume after a kill, damaged checkpoints, configs. Seconds on CPU."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from graphsql.errors import ConfigError, DataError
from graphsql.training.config import TrainConfig, load_train_config
from graphsql.training.data import (
    IGNORE,
    collate,
    plan_epoch,
    tokenize_chat,
    tokenize_samples,
)

torch = pytest.importorskip("torch")
pytest.importorskip("peft")

REPO = Path(__file__).resolve().parents[1]
TINY_TOKENIZER = Path(__file__).parent / "fixtures" / "tiny_tokenizer"
INIT_RANGE = 0.5  # big enough weights that a LoRA on a 16-wide model can move the logits
SYSTEM = {"role": "system", "content": "You are a SQLite expert."}

QA = [
    ("How many singers?", "SELECT count(*) FROM singer"),
    ("Names of stadiums in Paris?", "SELECT name FROM stadium WHERE city = 'Paris'"),
    ("Oldest singer?", "SELECT name FROM singer ORDER BY age DESC LIMIT 1"),
    ("Concerts per year?", "SELECT year, count(*) FROM concert GROUP BY year"),
    ("Largest capacity?", "SELECT max(capacity) FROM stadium"),
    ("Singers from France?", "SELECT name FROM singer WHERE country = 'France'"),
    ("How many concerts?", "SELECT count(*) FROM concert"),
    ("Average age?", "SELECT avg(age) FROM singer"),
]
SAMPLES = [
    {
        "messages": [SYSTEM, {"role": "user", "content": q}, {"role": "assistant", "content": a}],
        "source": "spider",
        "task": "sql",
        "db_id": "concert_singer",
        "n_joins": 0,
    }
    for q, a in QA
]

# Small enough for seconds: rows of 64 tokens, two rows per micro-batch, fp32 so results are bit-exact.
BASE = dict(
    model="tiny",
    samples="unused",
    max_len=64,
    batch_tokens=128,
    grad_accum=1,
    lora_r=4,
    lora_alpha=8,
    lora_dropout=0.1,
    learning_rate=3e-2,
    warmup_ratio=0.2,
    precision="fp32",
    device="cpu",
    save_every=3,
    keep_checkpoints=2,
)


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Matrices of width 16: threads only add contention on a shared machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(TINY_TOKENIZER)


def build_tiny_model(tokenizer):
    """A random 2-layer Qwen2 (hidden 16, 4 heads, 2 kv heads), the same weights on every call."""
    from graphsql.testing import tiny_qwen

    return tiny_qwen(tokenizer, max_positions=256, initializer_range=INIT_RANGE)


def train(tokenizer, out_dir, progress=None, resume=True, **changes):
    from graphsql.training.sft import train_sft

    config = TrainConfig(**{**BASE, **changes})
    return train_sft(
        build_tiny_model(tokenizer), tokenizer, SAMPLES, config, out_dir, resume=resume, progress=progress
    )


def adapter_tensors(folder: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(folder / "adapter_model.safetensors"))


class Killed(Exception):
    """Stands in for a kill -9 at the moment progress is reported."""


def kill_at(step_to_die: int):
    def progress(step, total, loss, tokens_per_s, eta):
        if step == step_to_die:
            raise Killed

    return progress


# ------------------------------------------------------------------------------------------------ data


def test_labels_cover_only_the_answer_and_end_of_turn(tokenizer):
    from graphsql.inference.generate import render_chat

    messages = SAMPLES[0]["messages"]
    sample = tokenize_chat(tokenizer, messages, max_len=200)
    prompt_ids = tokenizer(render_chat(tokenizer, messages[:-1]), add_special_tokens=False)["input_ids"]
    n_prompt = len(prompt_ids)
    assert list(sample.input_ids[:n_prompt]) == prompt_ids  # exactly what inference feeds the model
    assert all(y == IGNORE for y in sample.labels[:n_prompt])
    answer = [y for y in sample.labels if y != IGNORE]
    assert answer == list(sample.input_ids[n_prompt:])
    assert tokenizer.decode(answer) == "SELECT count(*) FROM singer<|im_end|>"


def test_overflow_is_dropped_or_truncated_and_counted(tokenizer):
    long = {
        "messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "SELECT 1 " * 40}]
    }
    kept, stats = tokenize_samples(tokenizer, [SAMPLES[0], long], max_len=40, overflow="drop")
    assert (stats.kept, stats.dropped, stats.truncated) == (1, 1, 0)
    kept, stats = tokenize_samples(tokenizer, [SAMPLES[0], long], max_len=40, overflow="truncate")
    assert (stats.kept, stats.dropped, stats.truncated) == (2, 0, 1)
    assert len(kept[1].input_ids) == 40 and kept[1].is_truncated
    with pytest.raises(DataError, match="assistant"):
        tokenize_chat(tokenizer, [{"role": "user", "content": "hi"}], max_len=40)


@pytest.mark.parametrize("batching", ["pack", "group"])
def test_epoch_plan_is_deterministic_and_uses_each_sample_once(batching):
    lengths = [5, 17, 30, 9, 12, 40, 3, 22, 8, 31, 16, 11] * 3
    plan = plan_epoch(lengths, batch_tokens=96, max_len=48, seed=1, epoch=0, batching=batching)
    assert plan == plan_epoch(lengths, batch_tokens=96, max_len=48, seed=1, epoch=0, batching=batching)
    assert plan != plan_epoch(lengths, batch_tokens=96, max_len=48, seed=1, epoch=1, batching=batching)
    used = sorted(i for batch in plan for row in batch for i in row)
    assert used == list(range(len(lengths)))
    for batch in plan:
        width = max(sum(lengths[i] for i in row) for row in batch)
        assert width <= 48 and len(batch) * width <= 96


def test_packed_rows_give_the_same_logits_as_separate_samples(tokenizer):
    model = build_tiny_model(tokenizer).eval()
    samples, _ = tokenize_samples(tokenizer, SAMPLES[:3], max_len=200)
    packed = collate(samples, ((0, 1, 2),), pad_id=tokenizer.pad_token_id)
    with torch.no_grad():
        logits = model(
            input_ids=packed["input_ids"], position_ids=packed["position_ids"], use_cache=False
        ).logits
        start = 0
        for sample in samples:
            alone = model(input_ids=torch.tensor([sample.input_ids])).logits
            end = start + len(sample.input_ids)
            torch.testing.assert_close(logits[:, start:end], alone, atol=1e-5, rtol=1e-4)
            start = end
    padded = collate(samples, ((0,), (1,)), pad_id=tokenizer.pad_token_id)  # group mode: right padding
    width = padded["input_ids"].shape[1]
    assert width == max(len(samples[0].input_ids), len(samples[1].input_ids))
    assert (padded["labels"][0, len(samples[0].input_ids) :] == IGNORE).all()


# ------------------------------------------------------------------------------------------- training


def test_loss_falls_lora_moves_and_files_are_written(tokenizer, tmp_path):
    result = train(tokenizer, tmp_path, max_steps=24, epochs=100, save_every=10)
    rows = [json.loads(line) for line in (tmp_path / "train_log.jsonl").read_text().splitlines()]
    losses = [r["loss"] for r in rows]
    assert len(rows) == 24 and all(loss is not None and loss == loss for loss in losses)
    assert sum(losses[-3:]) / 3 < 0.8 * sum(losses[:3]) / 3
    assert result.stopped_by == "max_steps" and result.steps == 24 and result.tokens == rows[-1]["tokens"]
    lora_b = {k: v for k, v in adapter_tensors(tmp_path / "adapter").items() if "lora_B" in k}
    assert lora_b and all(v.abs().sum() > 0 for v in lora_b.values())  # lora_B starts at zero
    assert load_train_config(tmp_path / "config.yaml").max_steps == 24
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["data"]["kept"] == len(SAMPLES) and 0 <= metrics["data"]["padding_fraction"] < 1
    assert [p.name for p in sorted((tmp_path / "checkpoints").iterdir())] == ["step-20", "step-24"]


def test_adapter_reloads_and_greedy_decoding_is_repeatable(tokenizer, tmp_path):
    from graphsql.inference.generate import TransformersGenerator

    train(tokenizer, tmp_path / "run", max_steps=6, epochs=10)
    base_dir = tmp_path / "base"
    build_tiny_model(tokenizer).save_pretrained(base_dir)
    shutil.copytree(TINY_TOKENIZER, base_dir, dirs_exist_ok=True)
    generator = TransformersGenerator(
        base_dir, adapter_path=tmp_path / "run" / "adapter", dtype="float32", device="cpu"
    )
    prompts = [s["messages"][:-1] for s in SAMPLES[:3]]
    first = generator.generate(prompts, max_new_tokens=10)
    assert first == generator.generate(prompts, max_new_tokens=10)
    plain = TransformersGenerator(base_dir, dtype="float32", device="cpu")
    assert first != plain.generate(prompts, max_new_tokens=10)


def test_bf16_autocast_keeps_the_loss_finite(tokenizer, tmp_path):
    result = train(tokenizer, tmp_path, max_steps=4, epochs=10, precision="bf16", batching="group")
    assert result.final_loss is not None and result.final_loss == result.final_loss


def test_token_budget_stops_the_run(tokenizer, tmp_path):
    result = train(tokenizer, tmp_path, max_tokens=300, epochs=10)
    assert result.stopped_by == "max_tokens" and 300 <= result.tokens < 300 + 128


def test_time_budget_cuts_the_plan_and_a_resume_keeps_the_cut(tokenizer, tmp_path):
    from graphsql.training.sft import CALIBRATION_STEPS, budget_cut

    assert budget_cut(3, 3, 1.0, 100.0) is None  # still calibrating
    assert budget_cut(CALIBRATION_STEPS, CALIBRATION_STEPS, 5.0, 2.0) == CALIBRATION_STEPS + 4  # 0.5 s a step
    assert budget_cut(2 * CALIBRATION_STEPS, 2 * CALIBRATION_STEPS, 20.0, 10.0) == 2 * CALIBRATION_STEPS + 10
    assert budget_cut(12, 2, 1.0, -0.1) == 12  # out of time: stop now
    over = train(tokenizer, tmp_path / "over", max_steps=6, epochs=10, max_minutes=1e-9)
    assert over.stopped_by == "max_minutes" and over.steps == over.total_steps == 1
    assert (over.adapter_path / "adapter_model.safetensors").is_file()
    again = train(tokenizer, tmp_path / "over", max_steps=6, epochs=10, max_minutes=60)
    assert again.stopped_by == "max_minutes" and again.total_steps == 1 and again.resumed_from_step == 1
    roomy = train(tokenizer, tmp_path / "roomy", max_steps=6, epochs=10, max_minutes=60)
    assert roomy.stopped_by == "max_steps" and roomy.steps == 6


def test_training_run_summary_for_the_report(tokenizer, tmp_path):
    from graphsql.experiments.training_runs import summarize_run, write_summaries

    result = train(tokenizer, tmp_path / "run", max_steps=4, epochs=10, grad_accum=2)
    summary = summarize_run(tmp_path / "run")
    assert summary["metrics"]["tokens"] == result.tokens and "adapter_path" not in summary["metrics"]
    assert [row["step"] for row in summary["log"]] == [1, 2, 3, 4] and summary["tokens_per_step"] == 128 * 2
    assert summary["epochs_seen"] == round(result.tokens / summary["metrics"]["data"]["tokens"], 3) > 1
    (tmp_path / "unfinished").mkdir()
    written = write_summaries([tmp_path / "run", tmp_path / "unfinished"], tmp_path / "results")
    assert [p.name for p in written] == ["run.json"]
    assert json.loads(written[0].read_text())["provenance"]["command"].endswith("training_runs")
    before = written[0].read_text()
    assert write_summaries([tmp_path / "run"], tmp_path / "results") == []  # nothing new: the file is kept as it was
    assert written[0].read_text() == before


def test_resume_after_a_kill_gives_the_same_weights(tokenizer, tmp_path):
    straight = train(tokenizer, tmp_path / "straight", max_steps=6, epochs=10, grad_accum=2, batching="group")
    with pytest.raises(Killed):  # dies after step 4, whose checkpoint was never written (save_every=3)
        train(
            tokenizer, tmp_path / "killed", kill_at(4), max_steps=6, epochs=10, grad_accum=2, batching="group"
        )
    resumed = train(tokenizer, tmp_path / "killed", max_steps=6, epochs=10, grad_accum=2, batching="group")
    assert resumed.resumed_from_step == 3 and straight.resumed_from_step == 0
    expected = adapter_tensors(straight.adapter_path)
    got = adapter_tensors(resumed.adapter_path)
    assert expected.keys() == got.keys()
    for key in expected:
        torch.testing.assert_close(got[key], expected[key], rtol=0, atol=1e-6)
    steps = [
        json.loads(line)["step"]
        for line in (tmp_path / "killed" / "train_log.jsonl").read_text().splitlines()
    ]
    assert steps == [1, 2, 3, 4, 5, 6]  # the redone step 4 is logged once
    assert resumed.final_loss == pytest.approx(straight.final_loss, rel=1e-5)


def test_damaged_checkpoint_is_skipped_for_the_previous_one(tokenizer, tmp_path):
    straight = train(tokenizer, tmp_path / "straight", max_steps=6, epochs=10)
    out = tmp_path / "killed"
    with pytest.raises(Killed):
        train(tokenizer, out, kill_at(5), max_steps=6, epochs=10, save_every=1, keep_checkpoints=3)
    checkpoints = out / "checkpoints"
    assert sorted(p.name for p in checkpoints.iterdir()) == ["step-3", "step-4", "step-5"]
    optimizer_file = checkpoints / "step-5" / "optimizer.pt"
    optimizer_file.write_bytes(optimizer_file.read_bytes()[:100])  # half-written
    (checkpoints / ".step-6.tmp").mkdir()  # a save that was killed before its rename
    resumed = train(tokenizer, out, max_steps=6, epochs=10, save_every=1, keep_checkpoints=3)
    assert resumed.resumed_from_step == 4
    assert not (checkpoints / ".step-6.tmp").exists()
    for key, value in adapter_tensors(straight.adapter_path).items():
        torch.testing.assert_close(adapter_tensors(resumed.adapter_path)[key], value, rtol=0, atol=1e-6)


def test_resume_refuses_a_checkpoint_made_with_other_settings(tokenizer, tmp_path):
    train(tokenizer, tmp_path, max_steps=3, epochs=10)
    with pytest.raises(ConfigError, match="learning_rate"):
        train(tokenizer, tmp_path, max_steps=3, epochs=10, learning_rate=1e-3)
    assert (
        train(tokenizer, tmp_path, resume=False, max_steps=3, epochs=10, learning_rate=1e-3).resumed_from_step
        == 0
    )


# ---------------------------------------------------------------------------------------------- configs


@pytest.mark.parametrize(
    "name", ["train_graph_cpu", "train_plain_cpu", "train_graph_gpu", "train_graph_balanced_gpu", "train_plain_gpu"]
)
def test_shipped_configs_load(name):
    config = load_train_config(REPO / "configs" / f"{name}.yaml")
    assert config.lora_r == 16 and config.target_modules == ("all-linear",)


def test_config_rejects_unknown_keys_and_bad_values(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("train:\n  lora_rank: 8\n")
    with pytest.raises(ConfigError, match="lora_rank"):
        load_train_config(path)
    with pytest.raises(ConfigError, match="batching"):
        TrainConfig(batching="sorted")
    with pytest.raises(ConfigError, match="batch_tokens"):
        TrainConfig(max_len=512, batch_tokens=256)


def _config_file(tokenizer, tmp_path: Path) -> Path:
    """A train config file over a tiny saved model and the SAMPLES (one epoch, CPU, fp32)."""
    model_dir = tmp_path / "tiny_qwen"
    build_tiny_model(tokenizer).save_pretrained(model_dir)
    shutil.copytree(TINY_TOKENIZER, model_dir, dirs_exist_ok=True)
    samples = tmp_path / "samples.jsonl"
    samples.write_text("".join(json.dumps(s) + "\n" for s in SAMPLES))
    config = tmp_path / "train.yaml"
    config.write_text(
        f"name: smoke\ntrain:\n  model: {model_dir}\n  samples: {samples}\n  max_len: 64\n"
        "  batch_tokens: 128\n  grad_accum: 1\n  precision: fp32\n  device: cpu\n  epochs: 1\n"
    )
    return config


def test_run_train_reads_a_config_file_and_a_samples_file(tokenizer, tmp_path):
    from graphsql.training import run_train

    config = _config_file(tokenizer, tmp_path)
    seen = []
    result = run_train(
        config, tmp_path / "run", overrides={"max_steps": 2}, progress=lambda *a: seen.append(a)
    )
    assert result.steps == 2 and [s[:2] for s in seen] == [(1, 2), (2, 2)]
    assert (tmp_path / "run" / "adapter" / "adapter_config.json").is_file()


def test_cli_epochs_flag_overrides_the_config(tokenizer, tmp_path):
    """`graphsql train --epochs N`: a small ablation set gets more passes for the same step budget."""
    from typer.testing import CliRunner

    from graphsql.cli import app

    config = _config_file(tokenizer, tmp_path)
    steps = {}
    for name, extra in (("one", []), ("three", ["--epochs", "3"])):
        out = tmp_path / name
        result = CliRunner().invoke(app, ["train", "--config", str(config), "--out", str(out), *extra])
        assert result.exit_code == 0, result.output
        metrics = json.loads((out / "metrics.json").read_text())
        assert metrics["stopped_by"] == "epochs"
        steps[name] = metrics["steps"]
    assert steps["three"] == 3 * steps["one"] > 0
    assert "epochs: 3" in (tmp_path / "three" / "config.yaml").read_text()


def test_qlora_trains_an_adapter_on_a_4bit_base(tokenizer, tmp_path):
    """base_quant nf4 (QLoRA): the base's linear layers in 4-bit NF4 (bitsandbytes, here on the CPU), the adapter
    trained on top has the keys and shapes of one trained on the full-precision base, and loss is finite."""
    pytest.importorskip("bitsandbytes")
    from safetensors.torch import load_file

    from graphsql.training import run_train
    from graphsql.training.sft import load_4bit_base

    config = _config_file(tokenizer, tmp_path)
    base = load_4bit_base(tmp_path / "tiny_qwen", torch.float32, torch.device("cpu"))
    assert type(base.model.layers[0].mlp.up_proj).__name__ == "Linear4bit"
    full = run_train(config, tmp_path / "full", overrides={"max_steps": 3})
    quant = run_train(config, tmp_path / "nf4", overrides={"max_steps": 3, "base_quant": "nf4"})
    assert quant.steps == 3 and math.isfinite(quant.final_loss)
    assert json.loads((tmp_path / "nf4" / "metrics.json").read_text())["base_quant"] == "nf4"
    a = load_file(tmp_path / "full" / "adapter" / "adapter_model.safetensors")
    b = load_file(tmp_path / "nf4" / "adapter" / "adapter_model.safetensors")
    assert {k: v.shape for k, v in a.items()} == {k: v.shape for k, v in b.items()}
    assert full.final_loss != quant.final_loss  # the 4-bit base computes other activations
