"""A LoRA adapter folded into its base model, as one standalone GGUF file for llama.cpp, built once and cached.

    >>> path = merged_gguf("models/qwen2.5-coder-0.5b-graph-balanced-gpu-lora", quant="q8_0")
    >>> path          # <cache>/merged/<adapter sha256[:16]>-qwen2.5-coder-0.5b/model-q8_0.gguf

Why: one standalone GGUF that any llama.cpp-based engine (llama.cpp's server, Ollama) runs without LoRA support,
answering as the adapter does. Issue 24 expected it to be faster than the LoRA applied at run time (1.5x the bare
model then, under OMP_WAIT_POLICY=PASSIVE); measured since, the q8_0 file is not (``results/benchmarks/bench_speed.json``).

How (every step a well-kept tool, no weights of our own format):
1. peft ``merge_and_unload`` on the dequantized base (the bf16 safetensors folder `fetch_model` made from the
   GGUF), in float32, saved with the base's tokenizer;
2. llama.cpp's own ``convert_hf_to_gguf.py`` (unpacked from the llama-cpp-python source package, the same place
   as the LoRA converter) writes an f16 GGUF;
3. llama.cpp's quantizer (``llama_model_quantize``, through the Python bindings) makes ``q8_0``, ``q4_k_m``,
   ``q4_0`` ... from that f16 file (``f16`` is kept as it is).

Cache layout, under ``graphsql.config.cache_dir()``::

    merged/<key>/model-f16.gguf       the converted merge, kept only when asked for (``quant="f16"``); every
                                      other format is quantized from it (then it is removed: 1.3 GB)
    merged/<key>/model-<quant>.gguf   one file per format asked for
    merged/<key>/model-<quant>.json   how it was made: sha256, sizes, seconds, library versions

``<key>`` is the adapter weights' sha256 (16 hex digits) and the base model's name, so a retrained adapter gets a
new file. Every file is written under a temporary name and renamed when finished: a crash never leaves a file
that looks complete. The adapter folder's ``graphsql.yaml`` may record the sha256 each format had when it was
exported (``graphsql model export --merge``); a build whose hash differs is reported (other library versions can
round differently) but used.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from graphsql.config import ADAPTER_CONFIG_FILE, DEFAULT_MODEL_NAME, cache_dir
from graphsql.errors import ConfigError
from graphsql.inference.models import ModelError, Progress, _say, resolve_model
from graphsql.provenance import library_versions

log = logging.getLogger(__name__)

# llama.cpp file types (enum llama_ftype in llama.h) of the formats we offer; f16 is the converter's own output
QUANT_TYPES = {"f16": 1, "q8_0": 7, "q4_0": 2, "q4_k_m": 15, "q5_k_m": 17, "q6_k": 18}
DEFAULT_QUANT = "q8_0"

def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def adapter_key(adapter: str | Path, base_model: str) -> str:
    """Cache key of a merge: the adapter weights' sha256 (16 hex digits) and the base model's short name."""
    weights = Path(adapter) / "adapter_model.safetensors"
    if not weights.is_file():
        raise ModelError(f"{adapter}: no adapter_model.safetensors (is this a peft adapter folder?)")
    return f"{sha256_file(weights)[:16]}-{Path(str(base_model)).name}"


def check_quant(quant: str) -> str:
    quant = quant.lower()
    if quant not in QUANT_TYPES:
        raise ConfigError(f"unknown quantization {quant!r}; use one of {', '.join(QUANT_TYPES)}")
    return quant


def merge_adapter(base_hf_dir: str | Path, adapter: str | Path, out_dir: str | Path, dtype: str = "float32") -> Path:
    """Fold ``adapter`` into the transformers model at ``base_hf_dir`` (peft ``merge_and_unload``) and save the
    merged model with the base's tokenizer to ``out_dir``. float32 keeps the small LoRA delta exact before
    llama.cpp rounds the sum."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch_dtype = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[dtype]
    base = AutoModelForCausalLM.from_pretrained(str(base_hf_dir), dtype=torch_dtype)
    try:
        model = PeftModel.from_pretrained(base, str(adapter))
    except Exception as err:  # peft raises many kinds: the user needs the folder and the reason
        raise ModelError(f"{adapter}: peft could not load the adapter on {base_hf_dir}: {err}".splitlines()[0]) from err
    merged = model.merge_and_unload()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    merged.save_pretrained(out_dir, safe_serialization=True)
    AutoTokenizer.from_pretrained(str(base_hf_dir)).save_pretrained(out_dir)
    return out_dir


def find_hf_converter(download: bool = True) -> Path:
    """llama.cpp's ``convert_hf_to_gguf.py`` for the installed llama-cpp-python (unpacked with the LoRA
    converter, `graphsql.inference.generate.find_lora_converter`)."""
    from graphsql.inference.generate import find_lora_converter

    script = find_lora_converter(download=download).with_name("convert_hf_to_gguf.py")
    if not script.is_file():
        raise ConfigError(f"{script}: llama.cpp's HF converter is missing from the unpacked source package")
    return script


def convert_hf_to_gguf(hf_dir: str | Path, out_path: str | Path, outtype: str = "f16",
                       converter: Path | None = None) -> Path:
    """A transformers folder as a GGUF file, written by llama.cpp's converter script (via a temporary file)."""
    script = converter or find_hf_converter()
    out_path = Path(out_path)
    tmp = out_path.with_name(out_path.name + ".tmp")
    cmd = [sys.executable, str(script), str(hf_dir), "--outfile", str(tmp), "--outtype", outtype]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not tmp.is_file():
        tmp.unlink(missing_ok=True)
        lines = [ln.strip() for ln in (proc.stderr + proc.stdout).splitlines() if ln.strip()]
        raise ModelError(f"{hf_dir}: conversion to GGUF failed: {lines[-1] if lines else proc.returncode}")
    os.replace(tmp, out_path)
    return out_path


def quantize_gguf(src: str | Path, out_path: str | Path, quant: str, n_threads: int | None = None) -> Path:
    """``src`` (an f16 GGUF) quantized to ``quant`` by llama.cpp's quantizer (in process, through
    llama-cpp-python's bindings of ``llama_model_quantize``)."""
    try:
        import llama_cpp
    except ImportError as err:
        raise ConfigError("quantizing a GGUF needs llama-cpp-python: pip install llama-cpp-python") from err
    from graphsql.inference.generate import _quiet_native_stderr

    quant = check_quant(quant)
    out_path = Path(out_path)
    tmp = out_path.with_name(out_path.name + ".tmp")
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = QUANT_TYPES[quant]
    params.nthread = n_threads or os.cpu_count() or 1
    with _quiet_native_stderr():
        rc = llama_cpp.llama_model_quantize(str(src).encode(), str(tmp).encode(), llama_cpp.byref(params))
    if rc != 0 or not tmp.is_file():
        tmp.unlink(missing_ok=True)
        raise ModelError(f"{src}: llama.cpp could not quantize it to {quant} (return code {rc})")
    os.replace(tmp, out_path)
    return out_path


def recorded_sha256(adapter: str | Path, quant: str) -> str | None:
    """The sha256 ``graphsql model export --merge`` recorded for ``quant`` in the adapter's graphsql.yaml."""
    import yaml

    path = Path(adapter) / ADAPTER_CONFIG_FILE
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entry = (data.get("merged") or {}).get(quant) or {}
    return entry.get("sha256")


def cached_merged(adapter: str | Path, quant: str = DEFAULT_QUANT, base_model: str = DEFAULT_MODEL_NAME,
                  root: Path | None = None) -> Path | None:
    """The finished merged GGUF of ``adapter`` in ``quant`` if it is cached, else None (builds nothing)."""
    path = (root or cache_dir() / "merged") / adapter_key(adapter, base_model) / f"model-{check_quant(quant)}.gguf"
    return path if path.is_file() and path.with_suffix(".json").is_file() else None


def merged_gguf(
    adapter: str | Path,
    quant: str = DEFAULT_QUANT,
    base_model: str = DEFAULT_MODEL_NAME,
    root: Path | None = None,
    progress: Progress | None = None,
    converter: Callable[[Path, Path], Path] | None = None,
) -> Path:
    """The GGUF of ``adapter`` merged into ``base_model`` (short name or transformers folder) in format ``quant``:
    from the cache, or built now (about 3 minutes for the 0.5B model on 2 cores). ``converter(hf_dir, out_path)`` writes the f16 GGUF (default: llama.cpp's script). Raises
    `ModelError` when a step fails; nothing half-written is left under a final name."""
    quant = check_quant(quant)
    adapter = Path(adapter)
    folder = (root or cache_dir() / "merged") / adapter_key(adapter, base_model)
    out = folder / f"model-{quant}.gguf"
    info_path = out.with_suffix(".json")
    if out.is_file() and info_path.is_file():
        return out
    folder.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    f16 = folder / "model-f16.gguf"
    made_f16 = False  # an f16 file built only to quantize from is removed afterwards (1.3 GB for the 0.5B model)
    if not (f16.is_file() and f16.with_suffix(".json").is_file()):
        made_f16 = True
        files = resolve_model(base_model, progress=progress)
        if not isinstance(files.hf_path, Path):
            raise ModelError(f"{base_model}: merging needs the base model's local transformers folder")
        with tempfile.TemporaryDirectory(prefix=".merge-", dir=folder) as tmp:
            t0 = time.perf_counter()
            _say(progress, f"merging {adapter} into {base_model} (peft merge_and_unload, float32)")
            merge_adapter(files.hf_path, adapter, Path(tmp) / "hf")
            timings["merge_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            _say(progress, "converting the merged model to GGUF (llama.cpp's convert_hf_to_gguf.py, f16)")
            (converter or convert_hf_to_gguf)(Path(tmp) / "hf", f16)
            timings["convert_s"] = time.perf_counter() - t0
        _write_info(f16, adapter, base_model, "f16", timings, None)
    if quant != "f16":
        t0 = time.perf_counter()
        _say(progress, f"quantizing to {quant} (llama.cpp's quantizer)")
        quantize_gguf(f16, out, quant)
        timings["quantize_s"] = time.perf_counter() - t0
        _write_info(out, adapter, base_model, quant, timings, f16)
        if made_f16:
            f16.with_suffix(".json").unlink()
            f16.unlink()
    info = json.loads(info_path.read_text(encoding="utf-8"))
    expected = recorded_sha256(adapter, quant)
    if expected and expected != info["sha256"]:
        log.warning("%s: sha256 %s differs from the %s recorded in %s (other library versions round differently?); "
                    "using it", out, info["sha256"][:16], expected[:16], adapter / ADAPTER_CONFIG_FILE)
    _say(progress, f"merged model ready: {out}")
    return out


def _write_info(gguf: Path, adapter: Path, base_model: str, quant: str, timings: dict, source: Path | None) -> None:
    info = {
        "adapter": str(adapter),
        "base_model": base_model,
        "quant": quant,
        "sha256": sha256_file(gguf),
        "bytes": gguf.stat().st_size,
        "quantized_from": source.name if source else None,
        "timings": {k: round(v, 1) for k, v in timings.items()},
        "versions": library_versions(),
    }
    tmp = gguf.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, gguf.with_suffix(".json"))


def record_merged(adapter: str | Path, quants: dict[str, Path]) -> Path:
    """Write the sha256 and size of each merged file into the adapter folder's graphsql.yaml (``merged:``), so a
    later build on another machine can be checked against it."""
    import yaml

    path = Path(adapter) / ADAPTER_CONFIG_FILE
    data = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.is_file() else {}
    merged = dict(data.get("merged") or {})
    for quant, gguf in quants.items():
        info = json.loads(Path(gguf).with_suffix(".json").read_text(encoding="utf-8"))
        merged[quant] = {"sha256": info["sha256"], "bytes": info["bytes"], "versions": info["versions"]}
    data["merged"] = dict(sorted(merged.items()))
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    os.replace(tmp, path)
    return path


# Ollama's Go-template form of the ChatML chat template that Qwen2.5's GGUF carries: the system prompt (Ollama puts
# a request's system message, else the Modelfile's SYSTEM, in .System), then the user and assistant turns
CHATML_TEMPLATE = """{{- if .System }}<|im_start|>system
{{ .System }}<|im_end|>
{{ end }}{{- range .Messages }}{{- if ne .Role "system" }}<|im_start|>{{ .Role }}
{{ .Content }}<|im_end|>
{{ end }}{{- end }}<|im_start|>assistant
"""
CHATML_STOPS = ("<|im_end|>", "<|endoftext|>")


def ollama_modelfile(gguf: str | Path, out_path: str | Path, num_ctx: int = 2048) -> Path:
    """An Ollama Modelfile for a merged GGUF (``ollama create graphsql -f <out_path>``): the chat template in
    Ollama's syntax, our system prompt, the stop tokens, and greedy decoding as ``graphsql ask`` runs it. Only
    ChatML models (Qwen2.5's template) are written; another template is a `ConfigError`."""
    from gguf import GGUFReader

    from graphsql.prompting import SYSTEM_PROMPT

    field = GGUFReader(str(gguf)).get_field("tokenizer.chat_template")
    template = bytes(field.parts[field.data[0]]).decode("utf-8") if field is not None else ""
    if "<|im_start|>" not in template:
        raise ConfigError(f"{gguf}: not a ChatML model; write its Ollama template by hand")
    lines = [f"FROM {Path(gguf).resolve()}", "", f'TEMPLATE """{CHATML_TEMPLATE}"""', "",
             f'SYSTEM """{SYSTEM_PROMPT}"""', "", "PARAMETER temperature 0", "PARAMETER top_k 1",
             f"PARAMETER num_ctx {num_ctx}", *(f'PARAMETER stop "{s}"' for s in CHATML_STOPS)]
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out_path


def remove_merged(adapter: str | Path, base_model: str = DEFAULT_MODEL_NAME, root: Path | None = None) -> bool:
    """Delete every cached merge of ``adapter`` (e.g. to rebuild); True if there was one."""
    folder = (root or cache_dir() / "merged") / adapter_key(adapter, base_model)
    if folder.is_dir():
        shutil.rmtree(folder)
        return True
    return False
