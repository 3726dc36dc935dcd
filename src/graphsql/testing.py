"""Tiny randomly initialised models for tests and quick benchmarks (never real weights).

    >>> model = tiny_qwen(tokenizer)          # 2 layers, hidden 16, 4 heads (2 kv heads), seeded
"""

from __future__ import annotations

from typing import Any


def tiny_qwen(tokenizer: Any, hidden_size: int = 16, intermediate_size: int = 32, max_positions: int = 512,
              initializer_range: float | None = None, seed: int = 0) -> Any:
    """A random 2-layer Qwen2 sized to ``tokenizer``; the same weights for the same arguments."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    extra = {} if initializer_range is None else {"initializer_range": initializer_range}
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=intermediate_size,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=max_positions,
        tie_word_embeddings=True,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=None,
        **extra,
    )
    torch.manual_seed(seed)
    model = Qwen2ForCausalLM(config)
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    return model


class ScriptedAnswers:
    """A generator without a model: a question it knows (found in the prompt's last message) gets its SQL at once,
    any other ``default``. Used to measure the web server's own overhead (`graphsql.web.bench`)."""

    def __init__(self, answers: dict[str, str], default: str = "SELECT 1"):
        self.answers = answers
        self.default = default

    def generate(self, prompts, n=1, temperature=0.0, max_new_tokens=256, seed=0):
        out = []
        for messages in prompts:
            text = messages[-1]["content"]
            sql = next((s for q, s in self.answers.items() if q in text), self.default)
            out.append([sql] * n)
        return out
