"""Shipping an adapter: `graphsql model export` (fp16 copy, prompt settings, model card) and how `ask` finds the
shipped default adapter. A tiny random Qwen2 is trained for a few steps; no real weights."""

from __future__ import annotations

import json
import shutil

import pytest
import torch
import yaml

from graphsql.config import ADAPTER_CONFIG_FILE, load_config, resolve_adapter
from graphsql.errors import ConfigError
from tests.test_training import SAMPLES, TINY_TOKENIZER, build_tiny_model

PROMPT = {"schema_format": "compact", "prune": True, "max_tables": 3, "include_fks": True,
          "include_join_path": True, "sample_values": 0, "matched_values": True, "infer_fks": True}


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    """A finished training run whose samples come from an augment folder (config.yaml + manifest.json)."""
    from transformers import AutoTokenizer

    from graphsql.training import run_train

    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("export")
    model_dir = root / "tiny_qwen"
    build_tiny_model(AutoTokenizer.from_pretrained(TINY_TOKENIZER)).save_pretrained(model_dir)
    shutil.copytree(TINY_TOKENIZER, model_dir, dirs_exist_ok=True)
    augment = root / "augment"
    augment.mkdir()
    (augment / "samples.jsonl").write_text("".join(json.dumps(s) + "\n" for s in SAMPLES))
    (augment / "config.yaml").write_text(yaml.safe_dump({"name": "graph", "prompt": PROMPT,
                                                         "augmentations": ["perturb"]}))
    (augment / "manifest.json").write_text(json.dumps({
        "samples": len(SAMPLES), "settings": {"name": "graph", "augmentations": ["perturb"]},
        "counts": {"by_source_task": {"spider:train/sql": len(SAMPLES)}},
        "joins": {"before": {"multi_table_share": 0.25}, "after": {"multi_table_share": 0.5}},
    }))
    config = root / "train.yaml"
    config.write_text(
        f"name: smoke\ntrain:\n  model: {model_dir}\n  samples: {augment / 'samples.jsonl'}\n  max_len: 64\n"
        "  batch_tokens: 128\n  grad_accum: 1\n  precision: fp32\n  device: cpu\n  learning_rate: 0.03\n"
    )
    run_train(config, root / "run", overrides={"max_steps": 4, "epochs": 10})
    return root, model_dir


def test_export_writes_fp16_weights_prompt_settings_and_a_card(trained_run):
    from safetensors.torch import load_file

    from graphsql.training.export import export_adapter

    root, model_dir = trained_run
    results = root / "ex.json"
    results.write_text(json.dumps({"n": 7, "ex": 0.5714, "em": 0.4286,
                                   "by_joins": {"0": {"ex": 0.75}, "1": {"ex": 0.3333}}}))
    out = export_adapter(root / "run", root / "models" / "tiny-graph-lora", eval_results=[results])
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["adapter_config.json", "adapter_model.safetensors", ADAPTER_CONFIG_FILE, "README.md"])
    trained = load_file(str(root / "run" / "adapter" / "adapter_model.safetensors"))
    shipped = load_file(str(out / "adapter_model.safetensors"))
    assert trained.keys() == shipped.keys()
    for key, value in shipped.items():
        assert value.dtype == torch.float16
        torch.testing.assert_close(value.float(), trained[key], rtol=2e-3, atol=1e-4)
    assert yaml.safe_load((out / ADAPTER_CONFIG_FILE).read_text())["prompt"] == PROMPT
    assert json.loads((out / "adapter_config.json").read_text())["base_model_name_or_path"] == str(model_dir)
    card = (out / "README.md").read_text()
    metrics = json.loads((root / "run" / "metrics.json").read_text())
    assert f"| training tokens seen | {metrics['tokens']} (" in card and "% of one pass over the samples) |" in card
    assert "| 7 | 57.1 | 42.9 |" in card and "75.0 | 33.3" in card  # the eval file, as percentages
    assert "25.0% in Spider train, 50.0% after augmentation" in card
    # a second export replaces the folder (no stale files, no temp folders left)
    export_adapter(root / "run", out)
    assert "Not evaluated yet" in (out / "README.md").read_text()
    assert [p.name for p in out.parent.iterdir()] == ["tiny-graph-lora"]


def test_exported_adapter_gives_the_trained_models_logits(trained_run):
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from graphsql.training.export import export_adapter

    root, model_dir = trained_run
    out = export_adapter(root / "run", root / "models" / "logits-check")
    ids = torch.tensor([[1, 5, 9, 13, 17, 21]])
    logits = {}
    for name, folder in (("trained", root / "run" / "adapter"), ("shipped", out)):
        base = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
        with torch.no_grad():
            logits[name] = PeftModel.from_pretrained(base, str(folder)).eval()(ids).logits
    bare = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    with torch.no_grad():
        bare_logits = bare(ids).logits
    assert (logits["trained"] - bare_logits).abs().max() > 1e-2  # the adapter does something
    torch.testing.assert_close(logits["shipped"], logits["trained"], rtol=1e-2, atol=1e-2)


def test_export_refuses_an_unfinished_run(tmp_path):
    from graphsql.training.export import export_adapter

    (tmp_path / "run" / "checkpoints").mkdir(parents=True)
    with pytest.raises(ConfigError, match="has the run finished"):
        export_adapter(tmp_path / "run", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_default_adapter_is_used_only_with_the_default_model(tmp_path):
    shipped = tmp_path / "graph-lora"
    shipped.mkdir()
    assert resolve_adapter("qwen2.5-coder-0.5b", "default", default=shipped) is None  # not exported yet
    (shipped / "adapter_model.safetensors").write_bytes(b"")
    assert resolve_adapter("qwen2.5-coder-0.5b", "default", default=shipped) == str(shipped)
    assert resolve_adapter("smollm2-135m", "default", default=shipped) is None
    assert resolve_adapter("qwen2.5-coder-0.5b", "none", default=shipped) is None
    assert resolve_adapter("qwen2.5-coder-0.5b", None, default=shipped) is None
    assert resolve_adapter("qwen2.5-coder-0.5b", str(shipped)) == str(shipped)
    with pytest.raises(ConfigError, match="adapter not found"):
        resolve_adapter("qwen2.5-coder-0.5b", str(tmp_path / "missing"))


def test_an_adapters_prompt_settings_apply_unless_a_flag_overrides_them(tmp_path):
    adapter = tmp_path / "lora"
    adapter.mkdir()
    (adapter / ADAPTER_CONFIG_FILE).write_text(yaml.safe_dump({"prompt": PROMPT}))
    config = load_config(None, {"infer": {"adapter": str(adapter)}})
    assert config.infer.adapter == str(adapter)
    assert config.prompt.schema_format == "compact" and config.prompt.max_tables == 3
    config = load_config(None, {"infer": {"adapter": str(adapter)}, "prompt": {"max_tables": 5}})
    assert config.prompt.schema_format == "compact" and config.prompt.max_tables == 5
    bare = load_config(None, {"infer": {"adapter": "none"}})
    assert bare.infer.adapter is None and bare.prompt.schema_format == "ddl"


def test_model_export_command(trained_run, capsys):
    from graphsql.cli import main

    root, _ = trained_run
    assert main(["model", "export", "--run", str(root / "run"), "--out", str(root / "cli-out"),
                 "--name", "Tiny graph LoRA"]) == 0
    assert (root / "cli-out" / "README.md").read_text().startswith("# Tiny graph LoRA")
    assert main(["model", "export", "--run", str(root / "nowhere"), "--out", str(root / "x")]) != 0


def test_a_dpo_run_exports_with_its_preference_data(trained_run):
    from graphsql.training.export import export_adapter

    root, _ = trained_run
    dpo = root / "dpo"
    shutil.copytree(root / "run" / "adapter", dpo / "adapter")
    sft = yaml.safe_load((root / "run" / "config.yaml").read_text())["train"]
    (dpo / "metrics.json").write_text(json.dumps({"steps": 3, "pairs": 10, "config": {
        "model": sft["model"], "samples": sft["samples"], "adapter": "models/tiny-graph-lora", "beta": 0.1}}))
    (dpo / "pairs_stats.json").write_text(json.dumps({"pairs": 10, "questions_none_right": 2}))
    out = export_adapter(dpo, root / "models" / "tiny-graph-dpo")
    card = (out / "README.md").read_text()
    assert "| beta | 0.1 |" in card and "| preference data: questions none right | 2 |" in card
    assert f"--adapter {out.as_posix()} " in card
    assert yaml.safe_load((out / ADAPTER_CONFIG_FILE).read_text())["prompt"] == PROMPT


def test_parameter_count_reads_safetensors_headers(trained_run):
    from graphsql.experiments.cost import count_parameters

    root, model_dir = trained_run
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(model_dir)
    assert count_parameters(model_dir) == sum(p.numel() for p in model.parameters())


def test_a_replay_file_is_a_card_row_at_its_largest_k():
    from graphsql.training.export import _as_eval_row, _ex_table

    replay = {"n": 40, "by_k": {"1": {"ex": 0.5, "by_joins": {"2": {"ex": 0.25}}},
                                "5": {"ex": 0.625, "by_joins": {"2": {"ex": 0.75}}}}}
    row = _as_eval_row(replay) | {"_path": "results/s/t/replays/v_repairs.json"}
    assert row["ex"] == 0.625
    line = _ex_table([row])[-1]
    assert line.startswith("| `results/s/t/replays/v_repairs.json` | 40 | 62.5 | – |") and "| 75.0 |" in line
