"""Ship a trained adapter: a training run's ``adapter/`` -> a small, self-describing folder under ``models/``.

    >>> from graphsql.training.export import export_adapter
    >>> export_adapter("runs/train/graph_cpu", "models/qwen2.5-coder-0.5b-graph-lora",
    ...                eval_results=["results/spider-dev-strat300-seed0/graph-lora/compact_pruned.json"])

The folder holds what `peft` and our loaders read — ``adapter_config.json``, ``adapter_model.safetensors``
(fp16: half the bytes of the fp32 training copy) — plus ``graphsql.yaml``, the prompt settings the adapter was
trained with (so `graphsql ask` asks it in the same words), and ``README.md``, a model card written from the run's
own files: training data and augmentations (the augment manifest), training settings and progress
(``metrics.json``), and the evaluation results given. Nothing in the card is typed by hand; rerun the export
after a new evaluation to refresh it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from graphsql.config import ADAPTER_CONFIG_FILE
from graphsql.errors import ConfigError
from graphsql.provenance import run_info

ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors")
# Where the short model names come from, for the card and for portable adapter configs (no local paths in git).
BASE_MODEL_IDS = {
    "qwen2.5-coder-0.5b": "Qwen/Qwen2.5-Coder-0.5B-Instruct",
    "smollm2-135m": "HuggingFaceTB/SmolLM2-135M-Instruct",
}
WEIGHTS_NOTE = {
    "qwen2.5-coder-0.5b": (
        "The base weights used here come from a Q4_K_M GGUF that was itself converted from Qwen's AWQ (4-bit) "
        "checkpoint, i.e. quantized twice, then dequantized to bf16 for training. An adapter trained on them "
        "works on the original bf16 model too, but it was trained and measured on the twice-quantized weights."
    ),
    "smollm2-135m": "The base weights come from a Q4_1 GGUF, dequantized for training.",
}


def _read_json(path: Path) -> dict:
    if not path.is_file():
        raise ConfigError(f"{path}: not found (is this a finished `graphsql train` run folder?)")
    return json.loads(path.read_text(encoding="utf-8"))


def _read_yaml(path: Path) -> dict:
    import yaml

    if not path.is_file():
        raise ConfigError(f"{path}: not found")
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _fp16_copy(src: Path, dst: Path) -> int:
    """Write ``src`` (safetensors) to ``dst`` with floating tensors in fp16; returns the bytes written."""
    import torch
    from safetensors.torch import load_file, save_file

    tensors = load_file(str(src))
    half = {k: (v.to(torch.float16) if v.is_floating_point() else v).contiguous() for k, v in tensors.items()}
    save_file(half, str(dst), metadata={"format": "pt"})
    return dst.stat().st_size


def _as_eval_row(res: dict) -> dict:
    """An evaluation results file as a row of the card; a replay (`graphsql.experiments.sc_count`, e.g. with the
    repairs of `graphsql ask`) gives its largest k (EX overall and by JOIN count only)."""
    if "by_k" not in res:
        return res
    last = res["by_k"][max(res["by_k"], key=int)]
    return {"n": res.get("n"), "ex": last["ex"], "by_joins": last["by_joins"], "by_k": True}


def _ex_table(results: list[dict]) -> list[str]:
    """Markdown rows: one per evaluation result file (EX overall, by hardness, by JOIN count)."""
    if not results:
        return ["Not evaluated yet: run the evaluation, then this export again."]
    buckets = ["0", "1", "2", "3+"]
    hardness = ["easy", "medium", "hard", "extra"]
    lines = [
        "| results file | items | EX | EM | " + " | ".join(hardness) + " | " + " | ".join(f"{b} JOIN" for b in buckets) + " |",
        "|---" * (4 + len(hardness) + len(buckets)) + "|",
    ]
    for res in results:
        by_h = res.get("by_hardness") or {}
        by_j = res.get("by_joins") or {}

        def pct(value: Any) -> str:
            return f"{100 * value:.1f}" if isinstance(value, (int, float)) else "–"

        cells = [f"`{res['_path']}`", str(res.get("n", "")), pct(res.get("ex")), pct(res.get("em"))]
        cells += [pct((by_h.get(h) or {}).get("ex")) for h in hardness]
        cells += [pct((by_j.get(b) or {}).get("ex")) for b in buckets]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def write_model_card(
    out_dir: Path,
    name: str,
    base_model: str,
    train_config: dict,
    metrics: dict,
    augment_manifest: dict | None,
    prompt_settings: dict,
    results: list[dict],
    shipped_as: Path | None = None,
) -> str:
    """The model card text (also written to ``out_dir/README.md``); ``shipped_as`` is the folder users will
    point ``--adapter`` at (default: ``out_dir``)."""
    base_id = BASE_MODEL_IDS.get(base_model, base_model)
    data = metrics.get("data") or {}
    lines = [
        f"# {name}",
        "",
        f"A LoRA adapter for `{base_id}` (short name `{base_model}` in graphsql) that writes SQLite queries from a "
        "question and a database schema. Written by `graphsql model export` from the training run's own files.",
        "",
        "## Base weights",
        "",
        WEIGHTS_NOTE.get(base_model, f"Base model: `{base_id}`."),
        "",
        "## Use",
        "",
        "```bash",
        f"graphsql ask --db my.sqlite --adapter {(shipped_as or out_dir).as_posix()} \"How many orders per customer?\"",
        "```",
        "",
        f"`{ADAPTER_CONFIG_FILE}` holds the prompt settings it was trained with; graphsql applies them by itself:",
        "",
        "```yaml",
        *(f"{k}: {json.dumps(v)}" for k, v in prompt_settings.items()),
        "```",
        "",
        "## Training data",
        "",
    ]
    if augment_manifest:
        counts = augment_manifest.get("counts", {})
        settings = augment_manifest.get("settings", {})
        lines += [
            f"Spider train only (never dev, GeoQuery or BIRD). Augment config `{settings.get('name')}`, "
            f"augmentations: {', '.join(settings.get('augmentations') or []) or 'none'}; "
            f"{augment_manifest.get('samples')} samples.",
            "",
            "| source / task | samples |",
            "|---|---|",
            *(f"| {k} | {v} |" for k, v in sorted((counts.get("by_source_task") or {}).items())),
            "",
        ]
        joins = augment_manifest.get("joins", {})
        if joins:
            before, after = joins.get("before", {}), joins.get("after", {})
            lines += [
                f"Share of SQL samples with 1+ JOIN: {100 * before.get('multi_table_share', 0):.1f}% in Spider train, "
                f"{100 * after.get('multi_table_share', 0):.1f}% after augmentation.",
                "",
            ]
    lines += [
        "## Training",
        "",
        "| setting | value |",
        "|---|---|",
        *(f"| {k} | {json.dumps(train_config[k])} |" for k in (
            "lora_r", "lora_alpha", "lora_dropout", "target_modules", "learning_rate", "schedule", "warmup_ratio",
            "max_len", "batching", "batch_tokens", "grad_accum", "max_tokens", "precision", "seed",
            "adapter", "questions", "candidates", "temperature", "min_margin", "beta", "epochs")
          if k in train_config),
        *(f"| preference data: {k.replace('_', ' ')} | {v} |" for k, v in (metrics.get("pairs_stats") or {}).items()),
        f"| optimizer steps | {metrics.get('steps')} (stopped by {metrics.get('stopped_by')}) |",
        f"| training tokens seen | {metrics.get('tokens')}"
        + (f" ({100 * metrics['tokens'] / data['tokens']:.1f}% of one pass over the samples)"
           if metrics.get("tokens") and data.get("tokens") else "") + " |",
        f"| samples available / dropped as too long | {data.get('samples', '–')} / {data.get('dropped', '–')} |",
        f"| loss first / last step | {metrics.get('first_loss', float('nan')):.3f} / "
        f"{metrics.get('final_loss', float('nan')):.3f} |",
        f"| trainable parameters | {metrics.get('trainable_params')} |",
        f"| device, precision | {metrics.get('device')}{' (' + metrics['gpu'] + ')' if metrics.get('gpu') else ''}, "
        f"{metrics.get('precision')} |",
        f"| wall time | {metrics.get('elapsed_s', 0) / 3600:.2f} h ({metrics.get('tokens_per_s', 0):.0f} tokens/s) |",
        f"| commit | {((metrics.get('run') or {}).get('git_commit') or '?')[:10]}"
        f"{' (with uncommitted changes)' if (metrics.get('run') or {}).get('git_dirty') else ''} |",
        "",
        "## Evaluation (execution accuracy, %)",
        "",
        *_ex_table(results),
        "",
        *(["Rows from `replays/`: the same predictions replayed with the repairs that `graphsql ask` "
           "applies (`_repairs`: join and column repairs; EX overall and by JOIN count only). The others: the "
           "generated SQL as it is.", ""] if any("by_k" in r for r in results) else []),
        "## Limits",
        "",
        (f"Trained on a GPU ({metrics.get('device')}) within a fixed time (see above); "
         if str(metrics.get("device", "")).startswith("cuda")
         else "Trained on a 2-core CPU with a small token budget (see above); ")
        + "trained on Spider's SQLite style only.",
        "",
    ]
    text = "\n".join(lines)
    (out_dir / "README.md").write_text(text, encoding="utf-8")
    return text


def export_adapter(
    run_dir: str | Path,
    out_dir: str | Path,
    name: str | None = None,
    eval_results: list[str | Path] = (),
) -> Path:
    """Copy the adapter of the finished training run ``run_dir`` to ``out_dir`` (fp16) with ``graphsql.yaml`` and a
    model card; replaces ``out_dir`` atomically. ``eval_results`` are results files of
    `graphsql.experiments.variants` run with this adapter, summarised in the card."""
    run_dir, out_dir = Path(run_dir), Path(out_dir)
    adapter = run_dir / "adapter"
    missing = [f for f in ADAPTER_FILES if not (adapter / f).is_file()]
    if missing:
        raise ConfigError(f"{adapter}: missing {', '.join(missing)} (has the run finished?)")
    metrics = _read_json(run_dir / "metrics.json")
    if (run_dir / "config.yaml").is_file():  # an SFT run (graphsql train)
        train_config = (_read_yaml(run_dir / "config.yaml").get("train")) or {}
    else:  # a DPO run (graphsql dpo train): its settings are in metrics.json, its prompts are the SFT samples
        train_config = dict(metrics.get("config") or {})
        if (run_dir / "pairs_stats.json").is_file():
            metrics = {**metrics, "pairs_stats": _read_json(run_dir / "pairs_stats.json")}
    samples = Path(train_config.get("samples", ""))
    augment_dir = samples.parent
    augment_manifest = json.loads((augment_dir / "manifest.json").read_text()) if (augment_dir / "manifest.json").is_file() else None
    augment_config = _read_yaml(augment_dir / "config.yaml") if (augment_dir / "config.yaml").is_file() else {}
    prompt_settings = dict(augment_config.get("prompt") or {})
    if not prompt_settings:
        raise ConfigError(f"{augment_dir}/config.yaml: no prompt settings; cannot tell how to prompt this adapter")
    base_model = str(train_config.get("model", ""))
    results = []
    for path in eval_results:
        res = _as_eval_row(_read_json(Path(path)))
        res["_path"] = Path(path).as_posix()
        results.append(res)

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        adapter_config = json.loads((adapter / "adapter_config.json").read_text(encoding="utf-8"))
        adapter_config["base_model_name_or_path"] = BASE_MODEL_IDS.get(base_model, base_model)
        (tmp / "adapter_config.json").write_text(json.dumps(adapter_config, indent=2, sort_keys=True) + "\n")
        _fp16_copy(adapter / "adapter_model.safetensors", tmp / "adapter_model.safetensors")
        import yaml

        (tmp / ADAPTER_CONFIG_FILE).write_text(yaml.safe_dump({
            "base_model": base_model,
            "prompt": prompt_settings,
            "trained": {"run": run_dir.as_posix(), "steps": metrics.get("steps"), "tokens": metrics.get("tokens"),
                        "augment": augment_config.get("name"), "commit": (metrics.get("run") or {}).get("git_commit")},
            "export": {k: run_info("graphsql model export")[k] for k in ("git_commit", "utc")},
        }, sort_keys=False), encoding="utf-8")
        write_model_card(tmp, name or out_dir.name, base_model, train_config, metrics, augment_manifest,
                         prompt_settings, results, shipped_as=out_dir)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(tmp, out_dir)
        out_dir.chmod(0o755)  # mkdtemp makes it private
        for path in out_dir.iterdir():
            path.chmod(0o644)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir
