"""Generators on a randomly initialised two-layer Qwen2 with the tiny fixture tokenizer; SQL extraction; devices."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import graphsql.inference.generate  # noqa: F401  (sets OMP_WAIT_POLICY before torch is loaded)
from graphsql.errors import ConfigError
from graphsql.inference.extract import extract_sql, is_valid_sql

FIXTURES = Path(__file__).parent / "fixtures"
TINY_TOKENIZER = FIXTURES / "tiny_tokenizer"

PROMPTS = [
    [
        {"role": "system", "content": "You are a SQLite expert."},
        {
            "role": "user",
            "content": "CREATE TABLE singer (singer_id INT, name TEXT, age INT);\nHow many singers?",
        },
    ],
    [{"role": "user", "content": "What are the names of the stadiums?"}],
    [{"role": "user", "content": "SELECT"}],
]


def build_tiny_qwen(folder: Path) -> Path:
    """Save a random 2-layer Qwen2 (hidden 16, 4 heads) plus the tiny tokenizer to ``folder``; return it."""
    from transformers import AutoTokenizer

    from graphsql.testing import tiny_qwen

    shutil.copytree(TINY_TOKENIZER, folder, dirs_exist_ok=True)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = tiny_qwen(tokenizer)
    model.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    pytest.importorskip("transformers")
    return build_tiny_qwen(tmp_path_factory.mktemp("tiny_qwen"))


@pytest.fixture(scope="module")
def tiny_generator(tiny_model):
    from graphsql.inference.generate import TransformersGenerator

    return TransformersGenerator(tiny_model, dtype="float32", device="cpu", batch_size=2)


# ------------------------------------------------------------------------------------------- transformers


def test_tiny_tokenizer_has_chat_template():
    from transformers import AutoTokenizer

    from graphsql.inference.generate import render_chat

    tokenizer = AutoTokenizer.from_pretrained(TINY_TOKENIZER)
    text = render_chat(tokenizer, PROMPTS[1])
    assert text == "<|im_start|>user\nWhat are the names of the stadiums?<|im_end|>\n<|im_start|>assistant\n"


def test_greedy_is_repeatable_and_batch_independent(tiny_generator):
    first = tiny_generator.generate(PROMPTS, max_new_tokens=8)
    assert first == tiny_generator.generate(PROMPTS, max_new_tokens=8)
    assert [len(r) for r in first] == [1, 1, 1]
    one_by_one = [tiny_generator.generate([p], max_new_tokens=8)[0] for p in PROMPTS]
    assert one_by_one == first  # left padding does not change greedy output


def test_sampling_returns_n_strings_per_prompt(tiny_generator):
    out = tiny_generator.generate(PROMPTS[:2], n=4, temperature=1.0, max_new_tokens=6, seed=3)
    assert [len(r) for r in out] == [4, 4]
    assert all(isinstance(s, str) for r in out for s in r)
    assert out == tiny_generator.generate(PROMPTS[:2], n=4, temperature=1.0, max_new_tokens=6, seed=3)
    assert len({s for r in out for s in r}) > 1  # a random model at temperature 1 does not repeat itself


def test_greedy_with_n_repeats_the_greedy_answer(tiny_generator):
    greedy = tiny_generator.generate(PROMPTS[:1], max_new_tokens=5)[0][0]
    assert tiny_generator.generate(PROMPTS[:1], n=3, max_new_tokens=5) == [[greedy] * 3]


@pytest.mark.parametrize("kwargs", [{"n": 0}, {"temperature": -1.0}, {"max_new_tokens": 0}])
def test_bad_generation_arguments(tiny_generator, kwargs):
    with pytest.raises(ConfigError):
        tiny_generator.generate(PROMPTS[:1], **kwargs)


def make_adapter(model_dir: Path, out: Path) -> Path:
    """A LoRA adapter on q/v/o projections with non-zero weights (lora_B starts at zero), saved to ``out``."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(model_dir)
    peft_model = get_peft_model(
        base, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj", "o_proj"])
    )
    torch.manual_seed(1)
    with torch.no_grad():
        for name, param in peft_model.named_parameters():
            if "lora_B" in name:
                param.normal_(0, 2.0)
    peft_model.save_pretrained(out)
    return out


def test_peft_adapter_is_applied(tiny_model, tmp_path):
    from graphsql.inference.generate import TransformersGenerator

    adapter = make_adapter(tiny_model, tmp_path / "adapter")
    plain = TransformersGenerator(tiny_model, dtype="float32")
    adapted = TransformersGenerator(tiny_model, adapter_path=adapter, dtype="float32")
    assert adapted.generate(PROMPTS, max_new_tokens=8) == adapted.generate(PROMPTS, max_new_tokens=8)
    assert adapted.generate(PROMPTS, max_new_tokens=8) != plain.generate(PROMPTS, max_new_tokens=8)


def test_make_generator_uses_transformers_for_an_hf_folder(tiny_model):
    from graphsql.inference.generate import Generator, TransformersGenerator, make_generator

    gen = make_generator("auto", model=tiny_model, dtype="float32")
    assert isinstance(gen, TransformersGenerator) and isinstance(gen, Generator)
    with pytest.raises(ConfigError, match="unknown backend"):
        make_generator("vllm", model=tiny_model)


def test_render_gguf_chat_matches_transformers_template():
    from transformers import AutoTokenizer

    from graphsql.inference.generate import render_chat, render_gguf_chat

    tokenizer = AutoTokenizer.from_pretrained(TINY_TOKENIZER)
    template = (TINY_TOKENIZER / "chat_template.jinja").read_text()
    for messages in PROMPTS:
        assert render_gguf_chat(template, messages) == render_chat(tokenizer, messages)


# ---------------------------------------------------------------------------------------------- llama.cpp


def write_tiny_gguf(model_dir: Path, out: Path) -> Path:
    """The tiny HF Qwen2 as an F32 GGUF (written with the ``gguf`` package, as llama.cpp's converter would)."""
    import json

    import gguf
    import numpy as np
    from safetensors.numpy import load_file

    config = json.loads((model_dir / "config.json").read_text())
    tok = json.loads((model_dir / "tokenizer.json").read_text())
    vocab = dict(tok["model"]["vocab"])
    special = {t["content"]: t["id"] for t in tok["added_tokens"]}
    vocab.update(special)
    tokens = [t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1])]
    merges = [m if isinstance(m, str) else " ".join(m) for m in tok["model"]["merges"]]

    writer = gguf.GGUFWriter(str(out), "qwen2")
    writer.add_context_length(config["max_position_embeddings"])
    writer.add_embedding_length(config["hidden_size"])
    writer.add_block_count(config["num_hidden_layers"])
    writer.add_feed_forward_length(config["intermediate_size"])
    writer.add_head_count(config["num_attention_heads"])
    writer.add_head_count_kv(config["num_key_value_heads"])
    writer.add_rope_freq_base(config.get("rope_theta") or config["rope_parameters"]["rope_theta"])
    writer.add_layer_norm_rms_eps(config["rms_norm_eps"])
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("qwen2")
    writer.add_token_list(tokens)
    writer.add_token_types(
        [gguf.TokenType.CONTROL if t in special else gguf.TokenType.NORMAL for t in tokens]
    )
    writer.add_token_merges(merges)
    writer.add_eos_token_id(special["<|im_end|>"])
    writer.add_pad_token_id(special["<|endoftext|>"])
    writer.add_add_bos_token(False)
    writer.add_chat_template((model_dir / "chat_template.jinja").read_text())

    names = {
        "embed_tokens": "token_embd",
        "self_attn.q_proj": "attn_q",
        "self_attn.k_proj": "attn_k",
        "self_attn.v_proj": "attn_v",
        "self_attn.o_proj": "attn_output",
        "mlp.gate_proj": "ffn_gate",
        "mlp.up_proj": "ffn_up",
        "mlp.down_proj": "ffn_down",
        "input_layernorm": "attn_norm",
        "post_attention_layernorm": "ffn_norm",
    }
    for name, array in sorted(load_file(model_dir / "model.safetensors").items()):
        parts = name.removeprefix("model.").split(".")
        if parts[0] == "layers":
            module = ".".join(parts[2:-1])
            gguf_name = f"blk.{parts[1]}.{names[module]}.{parts[-1]}"
        elif parts[0] == "norm":
            gguf_name = f"output_norm.{parts[-1]}"
        elif parts[0] == "lm_head":
            gguf_name = f"output.{parts[-1]}"
        else:
            gguf_name = f"{names[parts[0]]}.{parts[-1]}"
        writer.add_tensor(gguf_name, np.ascontiguousarray(array, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return out


@pytest.fixture(scope="module")
def tiny_gguf(tiny_model) -> Path:
    pytest.importorskip("llama_cpp")
    return write_tiny_gguf(tiny_model, tiny_model.parent / "tiny.gguf")


def test_llama_cpp_greedy_sampling_and_prefix_reuse(tiny_gguf, tiny_model):
    from transformers import AutoTokenizer

    from graphsql.inference.generate import LlamaCppGenerator, render_chat

    gen = LlamaCppGenerator(tiny_gguf, n_ctx=256, n_threads=1)
    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    assert all(gen.render(p) == render_chat(tokenizer, p) for p in PROMPTS)
    greedy = gen.generate(PROMPTS, max_new_tokens=8)
    assert [len(r) for r in greedy] == [1, 1, 1]
    # Same answers in another order and one by one: reusing the KV cache of a shared prefix changes nothing.
    assert gen.generate(PROMPTS[::-1], max_new_tokens=8) == greedy[::-1]
    assert [gen.generate([p], max_new_tokens=8)[0] for p in PROMPTS] == greedy
    sampled = gen.generate(PROMPTS[:2], n=3, temperature=1.0, max_new_tokens=6, seed=5)
    assert [len(r) for r in sampled] == [3, 3]
    assert sampled == gen.generate(PROMPTS[:2], n=3, temperature=1.0, max_new_tokens=6, seed=5)
    assert gen.generate(PROMPTS[:1], n=2, max_new_tokens=8) == [greedy[0] * 2]


def test_llama_cpp_parallel_samples(tiny_gguf):
    """Sampled candidates decoded together as parallel sequences: n per prompt, repeatable for a seed, different
    across seeds and sequences, and the same prompt gives the same answers as the greedy path after it."""
    from graphsql.inference.generate import LlamaCppGenerator

    gen = LlamaCppGenerator(tiny_gguf, n_ctx=256, n_threads=1, parallel=True)
    greedy = gen.generate(PROMPTS, max_new_tokens=8)
    first = gen.generate(PROMPTS[:2], n=4, temperature=1.5, max_new_tokens=6, seed=3)
    assert [len(r) for r in first] == [4, 4]
    assert first == gen.generate(PROMPTS[:2], n=4, temperature=1.5, max_new_tokens=6, seed=3)
    assert first != gen.generate(PROMPTS[:2], n=4, temperature=1.5, max_new_tokens=6, seed=4)
    assert len(set(first[0])) > 1  # the sequences sample on their own
    assert gen.generate(PROMPTS, max_new_tokens=8) == greedy  # the parallel context leaves the main one alone
    assert gen.counts["prompts"] == 3 + 2 + 2 + 2 + 3 and gen.counts["generated_tokens"] > 0
    # the parallel context keeps the previous prompt: fewer sequences, then more, then a cold start agree
    warm = [gen.generate(PROMPTS[:1], n=k, temperature=1.5, max_new_tokens=6, seed=3)[0] for k in (4, 2, 4)]
    cold = LlamaCppGenerator(tiny_gguf, n_ctx=256, n_threads=1, prefix_cache=False)
    assert warm == [cold.generate(PROMPTS[:1], n=k, temperature=1.5, max_new_tokens=6, seed=3)[0] for k in (4, 2, 4)]
    assert warm[0] == first[0] and warm[1] == first[0][:2]
    # a near-zero temperature samples the greedy answer in every sequence
    cold = gen.generate(PROMPTS[:1], n=3, temperature=1e-6, max_new_tokens=8)
    assert cold == [[greedy[0][0]] * 3]


def test_llama_cpp_prefix_cache_and_prompt_lookup_keep_greedy_answers(tiny_gguf):
    from graphsql.inference.generate import LlamaCppGenerator

    cached = LlamaCppGenerator(tiny_gguf, n_ctx=256, n_threads=1)
    greedy = cached.generate(PROMPTS + PROMPTS[:1], max_new_tokens=8)
    assert cached.counts["reused_tokens"] > 0  # the repeated prompt came from the cache
    fresh = LlamaCppGenerator(tiny_gguf, n_ctx=256, n_threads=1, prefix_cache=False)
    assert fresh.generate(PROMPTS + PROMPTS[:1], max_new_tokens=8) == greedy
    assert fresh.counts["reused_tokens"] == 0
    for mode in ("batch", "llama_cpp_python"):
        lookup = LlamaCppGenerator(tiny_gguf, n_ctx=256, n_threads=1, prompt_lookup=4, prompt_lookup_mode=mode)
        assert lookup.generate(PROMPTS + PROMPTS[:1], max_new_tokens=8) == greedy, mode
        assert lookup.generate(PROMPTS, max_new_tokens=3) == cached.generate(PROMPTS, max_new_tokens=3), mode
    # a prompt that repeats itself: the drafts are right and several are taken a step
    echo = [{"role": "user", "content": "SELECT name FROM singer SELECT name FROM singer SELECT name FROM"}]
    long_greedy = cached.generate([echo], max_new_tokens=24)
    lookup = LlamaCppGenerator(tiny_gguf, n_ctx=256, n_threads=1, prompt_lookup=6)
    assert lookup.generate([echo], max_new_tokens=24) == long_greedy
    with pytest.raises(ConfigError, match="prompt_lookup"):
        LlamaCppGenerator(tiny_gguf, n_ctx=256, n_threads=1, prompt_lookup=-1)


def test_score_is_a_mean_log_probability_and_the_backends_agree(tiny_generator, tiny_gguf):
    """`Scorer.score`: one float a prompt, a log-probability (<= 0), minus the model's loss on the answer;
    llama.cpp (prompt cached, answer in one batch) gives what transformers' one forward pass gives, whatever its
    cache holds."""
    from graphsql.inference.generate import LlamaCppGenerator, Scorer

    greedy = [r[0] for r in tiny_generator.generate(PROMPTS, max_new_tokens=6)]
    other = ["SELECT name FROM singer WHERE age > 30 ORDER BY name"] * len(PROMPTS)
    hf = tiny_generator.score(PROMPTS, greedy)
    assert isinstance(tiny_generator, Scorer) and len(hf) == len(PROMPTS) and all(s <= 0 for s in hf)
    # the same as the model's own loss on the answer's tokens (the prompt's masked out)
    import torch

    from graphsql.inference.generate import render_chat

    tok, model = tiny_generator.tokenizer, tiny_generator.model
    for messages, text, score in zip(PROMPTS, other, tiny_generator.score(PROMPTS, other), strict=True):
        prompt = tok(render_chat(tok, messages), add_special_tokens=False)["input_ids"]
        answer = tok(text, add_special_tokens=False)["input_ids"] + [tok.eos_token_id]
        labels = torch.tensor([[-100] * len(prompt) + answer])
        with torch.inference_mode():
            loss = model(input_ids=torch.tensor([prompt + answer]), labels=labels).loss
        assert score == pytest.approx(-float(loss), abs=1e-4)
    gen = LlamaCppGenerator(tiny_gguf, n_ctx=256, n_threads=1)
    cold = gen.score(PROMPTS, greedy)
    assert cold == pytest.approx(hf, abs=1e-4)
    gen.generate(PROMPTS[:1], max_new_tokens=6)  # the cache now holds a prompt and its answer
    assert gen.score(PROMPTS[::-1], greedy[::-1]) == pytest.approx(cold[::-1], abs=1e-4)
    assert gen.generate(PROMPTS, max_new_tokens=6) == [[g] for g in greedy]  # scoring left generation alone


def test_llama_cpp_prompt_too_long(tiny_gguf):
    from graphsql.inference.generate import LlamaCppGenerator
    from graphsql.inference.models import ModelError

    gen = LlamaCppGenerator(tiny_gguf, n_ctx=32, n_threads=1)
    with pytest.raises(ModelError, match="n_ctx is 32"):
        gen.generate([[{"role": "user", "content": "SELECT name FROM singer " * 20}]])


@pytest.mark.slow
def test_lora_converts_to_gguf_and_loads(tiny_gguf, tiny_model, tmp_path):
    from graphsql.inference.generate import LlamaCppGenerator, convert_lora_to_gguf, find_lora_converter

    script = None
    for cache in (None, Path.home() / ".cache" / "graphsql"):  # the test cache, then the user's real one
        try:
            script = find_lora_converter(download=False, cache=cache)
            break
        except ConfigError:
            continue
    if script is None:
        pytest.skip("llama.cpp converter not unpacked (run find_lora_converter() once, needs PyPI)")
    adapter = make_adapter(tiny_model, tmp_path / "adapter")
    lora = convert_lora_to_gguf(adapter, tiny_model, tmp_path / "lora.gguf", converter=script)
    assert lora.read_bytes()[:4] == b"GGUF"
    plain = LlamaCppGenerator(tiny_gguf, n_ctx=256, n_threads=1).generate(PROMPTS, max_new_tokens=8)
    adapted = LlamaCppGenerator(tiny_gguf, lora_path=lora, n_ctx=256, n_threads=1)
    assert adapted.generate(PROMPTS, max_new_tokens=8) != plain


# ------------------------------------------------------------------------------------------------ extract

EXTRACT_CASES = [
    ("SELECT name FROM singer", "SELECT name FROM singer"),
    ("SELECT name FROM singer;", "SELECT name FROM singer"),
    ("  SELECT name FROM singer ;  \n", "SELECT name FROM singer"),
    ("```sql\nSELECT count(*) FROM singer;\n```", "SELECT count(*) FROM singer"),
    ("```sqlite\nSELECT 1\n```", "SELECT 1"),
    ("```\nSELECT a FROM t\n```", "SELECT a FROM t"),
    ("Here is the query:\n```sql\nSELECT a FROM t\n```\nIt selects a.", "SELECT a FROM t"),
    ("```python\nprint(1)\n```\n```sql\nSELECT a FROM t\n```", "SELECT a FROM t"),
    ("```sql\nSELECT a FROM t WHERE b = 1", "SELECT a FROM t WHERE b = 1"),  # unclosed fence
    ("SELECT a FROM t\n```", "SELECT a FROM t"),  # stray closing fence
    ("```sql\n```\nSELECT a FROM t", "SELECT a FROM t"),  # empty fence
    ("SQL: SELECT a FROM t", "SELECT a FROM t"),
    ("SQLQuery: SELECT a FROM t", "SELECT a FROM t"),
    ("Answer: select a from t", "select a from t"),
    ("To answer this, we count the singers. SELECT count(*) FROM singer", "SELECT count(*) FROM singer"),
    ("We need to select the names:\nSELECT name FROM singer", "SELECT name FROM singer"),
    ("SELECT a FROM t;\nSELECT b FROM u;", "SELECT a FROM t"),
    ("SELECT a FROM t WHERE name = 'x;y'; DROP TABLE t", "SELECT a FROM t WHERE name = 'x;y'"),
    ("SELECT a FROM t WHERE name = 'it''s;'", "SELECT a FROM t WHERE name = 'it''s;'"),
    (
        "SELECT a\nFROM t\nWHERE b > 1\n\nThis query returns a for rows with b > 1.",
        "SELECT a\nFROM t\nWHERE b > 1",
    ),
    ("SELECT a FROM t\n\nExplanation: it is simple", "SELECT a FROM t"),
    ("SELECT a\n\nFROM t", "SELECT a\n\nFROM t"),
    ("-- count singers\nSELECT count(*) FROM singer", "SELECT count(*) FROM singer"),
    (
        "SELECT a FROM t -- trailing; comment\nWHERE b = 1",
        "SELECT a FROM t -- trailing; comment\nWHERE b = 1",
    ),
    ("WITH x AS (SELECT 1) SELECT * FROM x", "WITH x AS (SELECT 1) SELECT * FROM x"),
    ("(SELECT a FROM t) UNION (SELECT a FROM u)", "(SELECT a FROM t) UNION (SELECT a FROM u)"),
    ('SELECT "my;col" FROM t;', 'SELECT "my;col" FROM t'),
    ("I don't know.", ""),
    ("", ""),
]


@pytest.mark.parametrize(("output", "expected"), EXTRACT_CASES)
def test_extract_sql(output, expected):
    assert extract_sql(output) == expected


@pytest.mark.parametrize(
    ("sql", "is_valid"),
    [
        ("SELECT a FROM t", True),
        ("SELECT count(*) FROM t GROUP BY b", True),
        ("", False),
        ("SELECT FROM WHERE (", False),
    ],
)
def test_is_valid_sql(sql, is_valid):
    assert is_valid_sql(sql) is is_valid


# ------------------------------------------------------------------------------------------------ device


def test_pick_device_and_dtype(tmp_path):
    import torch

    from graphsql.device import cpu_has_bf16, pick_device, pick_dtype, resolve_dtype

    assert pick_device("cpu") == torch.device("cpu")
    if not torch.cuda.is_available():
        assert pick_device() == torch.device("cpu")
        with pytest.raises(ConfigError, match="CUDA is not available"):
            pick_device("cuda")
    expected = torch.bfloat16 if cpu_has_bf16() else torch.float32
    assert pick_dtype("cpu") == expected
    assert resolve_dtype("auto", torch.device("cpu")) == expected
    assert resolve_dtype("float32", torch.device("cpu")) == torch.float32
    with pytest.raises(ConfigError, match="unknown dtype"):
        resolve_dtype("int3", torch.device("cpu"))
    info = tmp_path / "cpuinfo"
    info.write_text("processor : 0\nflags : fpu sse avx512f avx512_bf16\n")
    assert cpu_has_bf16.__wrapped__(info) is True
    info.write_text("processor : 0\nflags : fpu sse avx2\n")
    assert cpu_has_bf16.__wrapped__(info) is False
