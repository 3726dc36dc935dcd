"""The merged model: a LoRA folded into its base (peft), written as GGUF, quantized, cached, recorded; Modelfile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import graphsql.inference.generate  # noqa: F401  (sets OMP_WAIT_POLICY before torch is loaded)
from graphsql.config import MERGED_QUANTS, InferConfig
from graphsql.errors import ConfigError
from tests.test_generate import PROMPTS, build_tiny_qwen, make_adapter, write_tiny_gguf


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    pytest.importorskip("transformers")
    return build_tiny_qwen(tmp_path_factory.mktemp("tiny_qwen"))


def test_quant_names_agree_and_are_checked():
    from graphsql.inference.merge import QUANT_TYPES, check_quant

    assert set(QUANT_TYPES) == set(MERGED_QUANTS)
    assert check_quant("Q4_K_M") == "q4_k_m"
    with pytest.raises(ConfigError, match="unknown quantization"):
        check_quant("q3_xs")
    with pytest.raises(ConfigError, match="infer.quant"):
        InferConfig(quant="int4")


def test_merged_model_computes_what_the_adapter_does(tiny_model, tmp_path):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from graphsql.inference.merge import merge_adapter

    adapter = make_adapter(tiny_model, tmp_path / "adapter")
    out = merge_adapter(tiny_model, adapter, tmp_path / "merged")
    assert (out / "model.safetensors").is_file() and (out / "tokenizer.json").is_file()
    ids = torch.tensor([[1, 5, 9, 20, 3, 7]])
    base = AutoModelForCausalLM.from_pretrained(tiny_model, dtype=torch.float32)
    with torch.no_grad():
        plain = base(ids).logits
        peft_logits = PeftModel.from_pretrained(base, adapter)(ids).logits
        merged = AutoModelForCausalLM.from_pretrained(out, dtype=torch.float32)(ids).logits
    assert torch.allclose(merged, peft_logits, atol=1e-4)
    assert not torch.allclose(merged, plain, atol=1e-2)  # the adapter changes the model (B is not zero)


def test_merge_rejects_a_folder_that_is_not_an_adapter(tiny_model, tmp_path):
    from graphsql.inference.merge import adapter_key
    from graphsql.inference.models import ModelError

    with pytest.raises(ModelError, match="no adapter_model.safetensors"):
        adapter_key(tmp_path, "qwen2.5-coder-0.5b")


def test_cache_key_follows_the_adapter_weights(tiny_model, tmp_path):
    from graphsql.inference.merge import adapter_key

    a = make_adapter(tiny_model, tmp_path / "a")
    key = adapter_key(a, "qwen2.5-coder-0.5b")
    assert key.endswith("-qwen2.5-coder-0.5b") and len(key.split("-")[0]) == 16
    weights = a / "adapter_model.safetensors"
    weights.write_bytes(weights.read_bytes() + b" ")
    assert adapter_key(a, "qwen2.5-coder-0.5b") != key


def test_record_merged_writes_sha256_into_graphsql_yaml(tmp_path):
    from graphsql.inference.merge import record_merged, recorded_sha256, sha256_file

    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "graphsql.yaml").write_text(yaml.safe_dump({"base_model": "qwen2.5-coder-0.5b",
                                                          "prompt": {"schema_format": "compact"}}))
    gguf = tmp_path / "model-q8_0.gguf"
    gguf.write_bytes(b"GGUF" + bytes(100))
    info = {"sha256": sha256_file(gguf), "bytes": 104, "versions": {"llama-cpp-python": "x"}}
    gguf.with_suffix(".json").write_text(json.dumps(info))
    record_merged(adapter, {"q8_0": gguf})
    data = yaml.safe_load((adapter / "graphsql.yaml").read_text())
    assert data["prompt"] == {"schema_format": "compact"}  # the rest of the file is kept
    assert recorded_sha256(adapter, "q8_0") == info["sha256"]
    assert recorded_sha256(adapter, "q4_k_m") is None


# ---------------------------------------------------------------------------------------------- llama.cpp


@pytest.fixture(scope="module")
def wide_gguf(tmp_path_factory) -> Path:
    """A tiny Qwen2 wide enough (hidden 64) for llama.cpp's 32-wide quantization blocks, as an F32 GGUF."""
    pytest.importorskip("llama_cpp")
    from transformers import AutoTokenizer

    from graphsql.testing import tiny_qwen

    folder = build_tiny_qwen(tmp_path_factory.mktemp("wide_qwen"))
    tiny_qwen(AutoTokenizer.from_pretrained(folder), hidden_size=64, intermediate_size=128).save_pretrained(folder)
    return write_tiny_gguf(folder, folder / "wide.gguf")


@pytest.mark.parametrize("quant", ["q8_0", "q4_0"])
def test_quantized_gguf_loads_and_answers(wide_gguf, tmp_path, quant):
    from graphsql.inference.generate import LlamaCppGenerator
    from graphsql.inference.merge import quantize_gguf

    out = quantize_gguf(wide_gguf, tmp_path / f"model-{quant}.gguf", quant, n_threads=1)
    assert out.read_bytes()[:4] == b"GGUF" and out.stat().st_size < wide_gguf.stat().st_size
    assert not out.with_name(out.name + ".tmp").exists()
    answers = LlamaCppGenerator(out, n_ctx=256, n_threads=1).generate(PROMPTS, max_new_tokens=6)
    assert [len(a) for a in answers] == [1, 1, 1]


def test_quantize_failure_is_one_clear_error(tmp_path):
    pytest.importorskip("llama_cpp")
    from graphsql.inference.merge import quantize_gguf
    from graphsql.inference.models import ModelError

    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a gguf")
    with pytest.raises(ModelError, match="could not quantize"):
        quantize_gguf(bad, tmp_path / "out.gguf", "q8_0", n_threads=1)
    assert not list(tmp_path.glob("out.gguf*"))


def test_merged_gguf_is_built_once_cached_and_answers_like_the_adapter(wide_gguf, tmp_path):
    """The whole build on the tiny model: merge (peft), convert (here the tests' own GGUF writer stands in for
    llama.cpp's script, which does not know the tiny tokenizer), quantize; cached by the adapter's weights; the
    merged model answers as transformers does with the adapter applied."""
    from graphsql.inference.generate import LlamaCppGenerator, TransformersGenerator
    from graphsql.inference.merge import cached_merged, merged_gguf, sha256_file

    base = wide_gguf.parent
    adapter = make_adapter(base, tmp_path / "adapter")
    calls = []

    def convert(hf_dir, out):
        calls.append(hf_dir)
        return write_tiny_gguf(hf_dir, out)

    root = tmp_path / "merged"
    assert cached_merged(adapter, "q8_0", base_model=str(base), root=root) is None
    f16 = merged_gguf(adapter, "f16", base_model=str(base), root=root, converter=convert)
    q8 = merged_gguf(adapter, "q8_0", base_model=str(base), root=root, converter=convert)
    assert len(calls) == 1  # q8_0 is quantized from the cached f16 merge, not merged again
    assert merged_gguf(adapter, "q8_0", base_model=str(base), root=root, converter=convert) == q8
    assert cached_merged(adapter, "q8_0", base_model=str(base), root=root) == q8 and len(calls) == 1
    info = json.loads(q8.with_suffix(".json").read_text())
    assert info["sha256"] == sha256_file(q8) and info["quantized_from"] == f16.name
    assert not list(root.rglob("*.tmp")) and not list(root.rglob(".merge-*"))
    other = tmp_path / "other"  # asked for a quantized format only: the f16 file it came from is not kept
    assert merged_gguf(adapter, "q8_0", base_model=str(base), root=other, converter=convert).is_file()
    assert [p.name for p in sorted(other.rglob("model-*"))] == ["model-q8_0.gguf", "model-q8_0.json"]
    expected = TransformersGenerator(base, adapter_path=adapter, dtype="float32").generate(PROMPTS, max_new_tokens=6)
    merged = LlamaCppGenerator(f16, n_ctx=256, n_threads=1).generate(PROMPTS, max_new_tokens=6)
    plain = LlamaCppGenerator(wide_gguf, n_ctx=256, n_threads=1).generate(PROMPTS, max_new_tokens=6)
    def text(answers):  # transformers shows a cut UTF-8 sequence as U+FFFD, llama.cpp drops it
        return [[a.replace("\ufffd", "") for a in group] for group in answers]

    assert text(merged) == text(expected) and merged != plain


def test_ollama_modelfile_for_a_chatml_gguf(wide_gguf, tmp_path):
    from graphsql.inference.merge import ollama_modelfile
    from graphsql.prompting import SYSTEM_PROMPT

    text = ollama_modelfile(wide_gguf, tmp_path / "Modelfile").read_text()
    assert text.startswith(f"FROM {wide_gguf.resolve()}\n")
    assert "<|im_start|>assistant" in text and f'SYSTEM """{SYSTEM_PROMPT}"""' in text
    assert 'PARAMETER stop "<|im_end|>"' in text and "PARAMETER temperature 0" in text


def test_cli_flags_choose_the_merged_model_or_the_run_time_adapter():
    from graphsql.cli import cli_config

    default = cli_config()
    assert default.infer.merge and default.infer.quant == InferConfig().quant
    kept = cli_config(merge=False)
    assert not kept.infer.merge
    served = cli_config(merge=True, quant="q4_k_m")
    assert served.infer.merge and served.infer.quant == "q4_k_m"
    with pytest.raises(ConfigError, match="infer.quant"):
        cli_config(quant="q2")


def test_merging_needs_an_adapter_to_merge(capsys):
    from graphsql.cli import main

    assert main(["model", "export", "--merge", "--adapter", "none"]) == 1
    assert "no adapter to merge" in capsys.readouterr().err
