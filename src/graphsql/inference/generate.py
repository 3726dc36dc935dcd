"""Generators: chat prompts in, n completions per prompt out, behind one small protocol.

    >>> gen = make_generator("auto", model="qwen2.5-coder-0.5b")        # llama.cpp if installed, else transformers
    >>> gen.generate([[{"role": "user", "content": "SQL for: how many singers?"}]])
    [['SELECT count(*) FROM singer']]

``n=1, temperature=0`` is greedy decoding; ``temperature > 0`` samples (pure temperature sampling: no top-k,
top-p or repetition penalty, on both backends). With ``temperature=0`` and ``n > 1`` the greedy completion is
repeated n times. Completions are raw text; `graphsql.inference.extract.extract_sql` turns them into SQL.

Two backends:
- `TransformersGenerator`: the HF model folder (+ optional peft adapter), the same loading and chat-template
  code the training stage uses (`load_model`, `load_tokenizer`, `render_chat`). Batches prompts of similar length.
- `LlamaCppGenerator`: the GGUF file (+ optional LoRA converted to GGUF with `convert_lora_to_gguf`).
  Prompts are run in sorted order of their rendered text, so prompts that share a schema prefix run back to back
  and llama.cpp reuses the KV cache of the common prefix.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from graphsql.config import cache_dir
from graphsql.errors import ConfigError
from graphsql.inference.models import DEFAULT_MODEL, ModelError, resolve_model

log = logging.getLogger(__name__)

# The OpenMP spin setting that keeps llama.cpp fast next to torch and other processes is made in graphsql/__init__.py,
# which runs before this module (it must come before torch or llama_cpp load OpenMP).

Messages = list[dict[str, str]]
BACKENDS = ("auto", "transformers", "llama.cpp", "openai")


@runtime_checkable
class Generator(Protocol):
    """Anything that turns chat prompts into ``n`` completions each."""

    def generate(
        self,
        prompts: Sequence[Messages],
        n: int = 1,
        temperature: float = 0.0,
        max_new_tokens: int = 256,
        seed: int = 0,
    ) -> list[list[str]]:
        """One list of ``n`` completion strings per prompt, in prompt order."""
        ...


@runtime_checkable
class Scorer(Protocol):
    """A generator that can also say how likely it finds a given answer (`graphsql.experiments.shots_confidence`
    compares a question's answers by it)."""

    def score(self, prompts: Sequence[Messages], completions: Sequence[str]) -> list[float]:
        """The mean log-probability, per token, of each completion (its end-of-turn token included) as the
        assistant's reply to its prompt: one float per prompt, in prompt order."""
        ...


def _check_args(n: int, temperature: float, max_new_tokens: int) -> None:
    if n < 1:
        raise ConfigError(f"n must be >= 1, got {n}")
    if temperature < 0:
        raise ConfigError(f"temperature must be >= 0, got {temperature}")
    if max_new_tokens < 1:
        raise ConfigError(f"max_new_tokens must be >= 1, got {max_new_tokens}")


# ----------------------------------------------------------------------------------------- transformers


def load_tokenizer(model_path: str | Path) -> Any:
    """The tokenizer of an HF model folder (or Hub id), set up for left-padded batch generation."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_path))
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = "left"
    return tokenizer


def render_chat(tokenizer: Any, messages: Messages, add_generation_prompt: bool = True) -> str:
    """Chat messages as the model's prompt text (its own chat template), ending with the assistant header."""
    return tokenizer.apply_chat_template(
        messages, tokenize=False, add_generation_prompt=add_generation_prompt
    )


def load_model(
    model_path: str | Path,
    adapter_path: str | Path | None = None,
    dtype: str | None = "bfloat16",
    device: str | None = None,
    merge_adapter: bool = True,
) -> Any:
    """An HF causal LM in eval mode on `pick_device(device)`, with a peft adapter applied if given.

    ``merge_adapter`` folds the LoRA weights into the base (faster generation); training keeps it False.
    """
    from transformers import AutoModelForCausalLM

    from graphsql.device import pick_device, resolve_dtype

    torch_device = pick_device(device)
    torch_dtype = resolve_dtype(dtype, torch_device)
    model = AutoModelForCausalLM.from_pretrained(str(model_path), dtype=torch_dtype)
    if adapter_path is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, str(adapter_path))
        if merge_adapter:
            model = model.merge_and_unload()
    return model.to(torch_device).eval()


class TransformersGenerator:
    """Generation with transformers; ``model_path`` is an HF folder or Hub id, ``adapter_path`` a peft folder."""

    def __init__(
        self,
        model_path: str | Path,
        adapter_path: str | Path | None = None,
        dtype: str | None = "bfloat16",
        device: str | None = None,
        batch_size: int = 8,
    ) -> None:
        self.tokenizer = load_tokenizer(model_path)
        self.model = load_model(model_path, adapter_path, dtype, device)
        self.device = self.model.device
        self.batch_size = batch_size
        eos = self.model.generation_config.eos_token_id
        eos_ids = set(eos if isinstance(eos, list) else [eos] if eos is not None else [])
        if self.tokenizer.eos_token_id is not None:
            eos_ids.add(self.tokenizer.eos_token_id)
        self.eos_token_ids = sorted(eos_ids)

    def _generation_config(self, n: int, temperature: float, max_new_tokens: int) -> Any:
        from transformers import GenerationConfig

        sample = temperature > 0
        return GenerationConfig(
            max_new_tokens=max_new_tokens,
            do_sample=sample,
            temperature=temperature if sample else None,
            top_k=0 if sample else None,
            top_p=1.0 if sample else None,
            num_return_sequences=n if sample else 1,
            eos_token_id=self.eos_token_ids,
            pad_token_id=self.tokenizer.pad_token_id,
        )

    def generate(
        self,
        prompts: Sequence[Messages],
        n: int = 1,
        temperature: float = 0.0,
        max_new_tokens: int = 256,
        seed: int = 0,
    ) -> list[list[str]]:
        import torch

        _check_args(n, temperature, max_new_tokens)
        texts = [render_chat(self.tokenizer, messages) for messages in prompts]
        ids = [self.tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))  # similar lengths share a batch
        config = self._generation_config(n, temperature, max_new_tokens)
        per_prompt = config.num_return_sequences
        results: list[list[str]] = [[] for _ in prompts]
        torch.manual_seed(seed)
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            enc = self.tokenizer.pad(
                {"input_ids": [ids[i] for i in batch]}, padding=True, return_tensors="pt"
            )
            enc = {k: v.to(self.device) for k, v in enc.items()}
            with torch.inference_mode():
                out = self.model.generate(**enc, generation_config=config)
            new = out[:, enc["input_ids"].shape[1] :]
            decoded = self.tokenizer.batch_decode(new, skip_special_tokens=True)
            for j, i in enumerate(batch):
                results[i] = [d.strip() for d in decoded[j * per_prompt : (j + 1) * per_prompt]]
        if per_prompt != n:
            results = [r * n for r in results]
        return results

    def score(self, prompts: Sequence[Messages], completions: Sequence[str]) -> list[float]:
        """`Scorer.score`, one forward pass a prompt."""
        import torch

        out = []
        for messages, text in zip(prompts, completions, strict=True):
            prompt = self.tokenizer(render_chat(self.tokenizer, messages), add_special_tokens=False)["input_ids"]
            end = self.tokenizer.eos_token_id if self.tokenizer.eos_token_id is not None else self.eos_token_ids[0]
            answer = self.tokenizer(text.strip(), add_special_tokens=False)["input_ids"] + [end]
            ids = torch.tensor([prompt + answer], device=self.device)
            with torch.inference_mode():
                logits = self.model(input_ids=ids).logits[0, len(prompt) - 1 : -1].float()
            logprobs = torch.log_softmax(logits, dim=-1)
            out.append(float(logprobs[torch.arange(len(answer)), torch.tensor(answer)].mean()))
        return out


# -------------------------------------------------------------------------------------------- llama.cpp


def render_gguf_chat(template: str, messages: Messages, bos_token: str = "", eos_token: str = "") -> str:
    """Render chat messages with a GGUF's Jinja chat template (sandboxed, HF's whitespace settings)."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message: str) -> None:
        raise ConfigError(f"chat template: {message}")

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = raise_exception
    return env.from_string(template).render(
        messages=messages, add_generation_prompt=True, bos_token=bos_token, eos_token=eos_token
    )


class LlamaCppGenerator:
    """Generation with llama.cpp (llama-cpp-python) from a GGUF file, optionally with a GGUF LoRA adapter.

    ``n_threads`` defaults to all CPUs. Import this module before torch or llama_cpp: it sets a short OpenMP spin
    (see above) that keeps llama.cpp fast on an idle CPU and next to busy processes.

    Speed settings (measured in ``benchmarks/bench_speed.py``):
    - ``prefix_cache``: keep the KV state of the previous prompt and evaluate only what follows the longest
      common token prefix (the system prompt and the schema text a question about the same database shares with
      the one before). False evaluates every prompt from scratch.
    - ``prompt_lookup``: greedy answers by prompt-lookup speculative decoding with up to this many draft tokens a
      step; 0 turns it off. Drafts come from llama-cpp-python's ``LlamaPromptLookupDecoding`` (the tokens that
      followed the last n-gram's earlier occurrence in the prompt and answer); each step decodes the last token
      and the drafts in one llama.cpp batch, keeps the drafts greedy decoding agrees with, and drops the KV
      cells of the rest. (Passed to ``Llama`` as its ``draft_model`` instead, llama-cpp-python keeps the logits
      of every prompt token, which slowed prompt evaluation here; ``prompt_lookup_mode="llama_cpp_python"``
      does that, for comparison.)
    - ``parallel``: ``n > 1`` sampled candidates decoded together as parallel sequences sharing the prompt's KV
      cells (one batch of n tokens a step) instead of one after another.

    ``counts`` adds up, over calls: prompts, prompt tokens, prompt tokens reused from the cache and tokens
    generated.
    """

    def __init__(
        self,
        gguf_path: str | Path,
        lora_path: str | Path | None = None,
        n_ctx: int = 2048,
        n_threads: int | None = None,
        prefix_cache: bool = True,
        prompt_lookup: int = 0,
        parallel: bool = True,
        prompt_lookup_mode: str = "batch",
    ) -> None:
        if os.environ.get("OMP_WAIT_POLICY", "").upper() == "ACTIVE":
            log.warning("OMP_WAIT_POLICY is ACTIVE: llama.cpp may run several times slower on a busy CPU")
        try:
            from llama_cpp import Llama
            from llama_cpp.llama_speculative import LlamaPromptLookupDecoding
        except ImportError as err:
            raise ConfigError(
                "the llama.cpp backend needs llama-cpp-python: pip install llama-cpp-python"
            ) from err
        if prompt_lookup < 0:
            raise ConfigError(f"prompt_lookup must be >= 0, got {prompt_lookup}")
        if prompt_lookup_mode not in ("batch", "llama_cpp_python"):
            raise ConfigError(f"prompt_lookup_mode must be batch or llama_cpp_python, not {prompt_lookup_mode!r}")
        self.gguf_path = Path(gguf_path)
        self.n_ctx = n_ctx
        self.n_threads = n_threads or os.cpu_count() or 1
        self.prefix_cache = prefix_cache
        self.parallel = parallel
        self.lookup = LlamaPromptLookupDecoding(num_pred_tokens=prompt_lookup) if prompt_lookup else None
        draft = self.lookup if prompt_lookup_mode == "llama_cpp_python" else None
        if draft is not None:
            self.lookup = None
        with _quiet_native_stderr():  # llama.cpp logs every LoRA tensor it places, even with verbose=False
            self.llm = Llama(
                model_path=str(gguf_path),
                lora_path=str(lora_path) if lora_path else None,
                n_ctx=n_ctx,
                n_threads=self.n_threads,
                seed=0,
                verbose=False,
                draft_model=draft,
            )
        self.template = self.llm.metadata.get("tokenizer.chat_template")
        if not self.template:
            raise ModelError(f"{gguf_path}: the GGUF has no tokenizer.chat_template")
        self.add_bos = self.llm._model.add_bos_token()
        self.bos_token = self.llm.detokenize([self.llm.token_bos()], special=True).decode("utf-8", "replace")
        self.eos_token = self.llm.detokenize([self.llm.token_eos()], special=True).decode("utf-8", "replace")
        self._parallel_ctx: Any = None
        self._parallel_prompt: tuple[list[int], int] = ([], 0)  # the prompt the parallel context holds, in n seqs
        self.counts = {"prompts": 0, "prompt_tokens": 0, "reused_tokens": 0, "generated_tokens": 0}
        self._grammars: dict[str, Any] = {}

    def close(self) -> None:
        """Free the model and context now (llama-cpp-python otherwise does it at interpreter exit, noisily)."""
        if self._parallel_ctx is not None:
            self._parallel_ctx.close()
            self._parallel_ctx = None
        self.llm.close()

    def render(self, messages: Messages) -> str:
        """The prompt text for one chat, from the GGUF's own chat template."""
        return render_gguf_chat(self.template, messages, self.bos_token, self.eos_token)

    def _count(self, tokens: list[int], reused: int, generated: int) -> None:
        self.counts["prompts"] += 1
        self.counts["prompt_tokens"] += len(tokens)
        self.counts["reused_tokens"] += reused
        self.counts["generated_tokens"] += generated

    supports_grammar = True  # generate(..., grammars=[GBNF text per prompt]): graphsql.inference.grammar

    def _grammar(self, text: str | None):
        """The parsed llama.cpp grammar of ``text`` (the last few kept: questions on one database share one)."""
        if text is None:
            return None
        from llama_cpp import LlamaGrammar

        if text not in self._grammars:
            if len(self._grammars) >= 8:
                self._grammars.pop(next(iter(self._grammars)))
            self._grammars[text] = LlamaGrammar.from_string(text, verbose=False)
        return self._grammars[text]

    def _complete(self, tokens: list[int], temperature: float, max_new_tokens: int, seed: int,
                  grammar: str | None = None) -> str:
        room = self.n_ctx - len(tokens)
        if room < 1:
            raise ModelError(f"{self.gguf_path.name}: prompt has {len(tokens)} tokens, n_ctx is {self.n_ctx}")
        if not self.prefix_cache:
            self.llm.reset()
        # what llama-cpp-python keeps of the previous prompt (it re-evaluates the last token of a full match)
        reused = min(self.llm.longest_token_prefix(self.llm._input_ids.tolist(), tokens), len(tokens) - 1)
        if temperature == 0 and self.lookup is not None and grammar is None:
            return self._complete_lookup(tokens, reused, min(max_new_tokens, room))
        out = self.llm.create_completion(
            tokens,
            max_tokens=min(max_new_tokens, room),
            temperature=temperature,
            top_k=0,
            top_p=1.0,
            min_p=0.0,
            typical_p=1.0,
            repeat_penalty=1.0,
            seed=seed,
            grammar=self._grammar(grammar),
        )
        self._count(tokens, reused, out["usage"]["completion_tokens"])
        return out["choices"][0]["text"].strip()

    def _complete_lookup(self, tokens: list[int], reused: int, max_new: int) -> str:
        """Greedy completion with prompt-lookup drafts verified in one batch a step (see the class docstring), on
        the main context, so the prefix cache works as for `_complete`."""
        import llama_cpp
        import numpy as np

        llm = self.llm
        llm.n_tokens = reused
        llm.eval(tokens[reused:])  # drops KV cells past the reused prefix, then the rest of the prompt
        greedy = llama_cpp.llama_sampler_init_greedy()
        vocab = llm._model.vocab
        out: list[int] = []
        try:
            tok = llama_cpp.llama_sampler_sample(greedy, llm._ctx.ctx, -1)
            while not llama_cpp.llama_vocab_is_eog(vocab, tok) and len(out) < max_new:
                out.append(tok)
                if len(out) == max_new or llm.n_tokens + 1 >= self.n_ctx:
                    break
                history = np.asarray(tokens + out, dtype=np.intc)
                room = min(max_new - len(out), self.n_ctx - llm.n_tokens - 1)
                draft = [int(t) for t in self.lookup(history)[:room]]
                batch = [tok, *draft]
                n_past = llm.n_tokens
                llm._batch.set_batch(batch=batch, n_past=n_past, logits_all=True)
                llm._ctx.decode(llm._batch)
                llm.input_ids[n_past : n_past + len(batch)] = batch
                accepted = 0
                for i in range(len(batch)):  # row i holds the logits for the token after batch[i]
                    tok = llama_cpp.llama_sampler_sample(greedy, llm._ctx.ctx, i)
                    if i == len(draft) or tok != draft[i] or len(out) == max_new:
                        break
                    out.append(tok)
                    accepted += 1
                    if llama_cpp.llama_vocab_is_eog(vocab, tok):
                        out.pop()
                        break
                llm.n_tokens = n_past + 1 + accepted  # the last token and the accepted drafts stay in the cache
                llm._ctx.kv_cache_seq_rm(-1, llm.n_tokens, -1)
        finally:
            llama_cpp.llama_sampler_free(greedy)
        self._count(tokens, reused, len(out))
        return llm.detokenize(out).decode("utf-8", errors="ignore").strip()

    def _sample_parallel(self, tokens: list[int], n: int, temperature: float, max_new_tokens: int,
                         seed: int) -> list[str]:
        """``n`` samples of one prompt decoded together: the prompt's KV cells carry all n sequence ids (it is
        evaluated once), then each step decodes one token of every unfinished sequence in one batch. Sequence k
        samples with its own seed (``seed + k``), temperature only (no top-k/top-p), like ``_complete``. With
        ``prefix_cache``, the longest common prefix with the previous call's prompt stays in the cache, as in
        `_complete`."""
        import llama_cpp
        from llama_cpp._internals import LlamaBatch, LlamaContext

        max_new = min(max_new_tokens, self.n_ctx - len(tokens))
        if max_new < 1:
            raise ModelError(f"{self.gguf_path.name}: prompt has {len(tokens)} tokens, n_ctx is {self.n_ctx}")
        n_batch = self.llm.n_batch
        if self._parallel_ctx is None or self._parallel_ctx.params.n_seq_max < n:
            if self._parallel_ctx is not None:
                self._parallel_ctx.close()
            params = llama_cpp.llama_context_params.from_buffer_copy(self.llm.context_params)
            params.n_ctx = self.n_ctx * (n + 1)  # the shared prompt plus n continuations (unified KV cells)
            params.n_seq_max = n
            params.kv_unified = True
            with _quiet_native_stderr():
                self._parallel_ctx = LlamaContext(model=self.llm._model, params=params, verbose=False)
            self._parallel_prompt = ([], 0)
        ctx = self._parallel_ctx
        previous, held_by = self._parallel_prompt
        # the cached prompt counts if every sequence asked for now holds it
        reused = min(self.llm.longest_token_prefix(previous, tokens), len(tokens) - 1) if (
            self.prefix_cache and n <= held_by) else 0
        llama_cpp.llama_memory_seq_rm(ctx.memory, -1, reused, -1)  # every sequence, from the first new position on
        self._parallel_prompt = ([], 0)
        batch = LlamaBatch(n_tokens=max(n_batch, n), embd=0, n_seq_max=n, verbose=False)
        vocab = self.llm._model.vocab
        chain_params = llama_cpp.llama_sampler_chain_default_params()
        samplers = []
        try:
            for start in range(reused, len(tokens), n_batch):  # the rest of the prompt, once, in every sequence
                chunk = tokens[start : start + n_batch]
                b = batch.batch
                b.n_tokens = len(chunk)
                for i, tok in enumerate(chunk):
                    b.token[i], b.pos[i], b.n_seq_id[i], b.logits[i] = tok, start + i, n, False
                    for k in range(n):
                        b.seq_id[i][k] = k
                b.logits[len(chunk) - 1] = True
                ctx.decode(batch)
            self._parallel_prompt = (list(tokens), n)
            for k in range(n):
                chain = llama_cpp.llama_sampler_chain_init(chain_params)
                llama_cpp.llama_sampler_chain_add(chain, llama_cpp.llama_sampler_init_temp(temperature))
                llama_cpp.llama_sampler_chain_add(chain, llama_cpp.llama_sampler_init_dist(seed + k))
                samplers.append(chain)
            outs: list[list[int]] = [[] for _ in range(n)]
            row = {k: b.n_tokens - 1 for k in range(n)}  # where each sequence's logits are in the last batch
            live = list(range(n))
            for step in range(max_new):
                for k in list(live):
                    tok = llama_cpp.llama_sampler_sample(samplers[k], ctx.ctx, row[k])
                    if llama_cpp.llama_vocab_is_eog(vocab, tok):
                        live.remove(k)
                    else:
                        outs[k].append(tok)
                if not live or step == max_new - 1:
                    break
                b = batch.batch
                b.n_tokens = len(live)
                for i, k in enumerate(live):
                    b.token[i], b.pos[i], b.n_seq_id[i], b.logits[i] = outs[k][-1], len(tokens) + step, 1, True
                    b.seq_id[i][0] = k
                    row[k] = i
                ctx.decode(batch)
        finally:
            for chain in samplers:
                llama_cpp.llama_sampler_free(chain)
            batch.close()
        self._count(tokens, reused, sum(len(o) for o in outs))
        return [self.llm.detokenize(o).decode("utf-8", errors="ignore").strip() for o in outs]

    def score(self, prompts: Sequence[Messages], completions: Sequence[str]) -> list[float]:
        """`Scorer.score`: the prompt is evaluated without logits (its cached prefix reused, as by `_complete`),
        then the completion's tokens in one batch with a row of logits each."""
        import llama_cpp
        import numpy as np

        llm, out = self.llm, []
        n_vocab = llm.n_vocab()
        for messages, text in zip(prompts, completions, strict=True):
            tokens = self.llm.tokenize(self.render(messages).encode("utf-8"), add_bos=self.add_bos, special=True)
            # the reply as the chat template writes it, up to its end-of-turn token
            full = self.llm.tokenize(self.render([*messages, {"role": "assistant", "content": text.strip()}])
                                     .encode("utf-8"), add_bos=self.add_bos, special=True)
            if full[:len(tokens)] == tokens:
                answer = full[len(tokens):]
                ends = [i for i, tok in enumerate(answer) if llama_cpp.llama_vocab_is_eog(llm._model.vocab, tok)]
                answer = answer[:ends[0] + 1] if ends else [*answer, llm.token_eos()]
            else:
                answer = [*self.llm.tokenize(text.strip().encode("utf-8"), add_bos=False, special=False),
                          llm.token_eos()]
            if len(tokens) + len(answer) > self.n_ctx:
                raise ModelError(f"{self.gguf_path.name}: prompt and answer have {len(tokens) + len(answer)} "
                                 f"tokens, n_ctx is {self.n_ctx}")
            llm.n_tokens = min(llm.longest_token_prefix(llm._input_ids.tolist(), tokens), len(tokens) - 1)
            llm.eval(tokens[llm.n_tokens:])  # the last row of logits: the distribution of the first answer token
            rows = [np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1), shape=(n_vocab,)).copy()]
            if len(answer) > 1:
                llm._batch.set_batch(batch=answer[:-1], n_past=len(tokens), logits_all=True)
                llm._ctx.decode(llm._batch)
                rows += [np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm._ctx.ctx, i), shape=(n_vocab,))
                         for i in range(len(answer) - 1)]
            logits = np.asarray(rows, dtype=np.float64)
            top = logits.max(axis=1, keepdims=True)
            logprobs = logits - top - np.log(np.exp(logits - top).sum(axis=1, keepdims=True))
            out.append(float(logprobs[np.arange(len(answer)), answer].mean()))
            llm._ctx.kv_cache_seq_rm(-1, len(tokens), -1)  # the prompt stays cached, the answer does not
            llm.n_tokens = len(tokens)
        return out

    def generate(
        self,
        prompts: Sequence[Messages],
        n: int = 1,
        temperature: float = 0.0,
        max_new_tokens: int = 256,
        seed: int = 0,
        grammars: Sequence[str | None] | None = None,
    ) -> list[list[str]]:
        """``grammars``: a GBNF text per prompt (or None) that decoding must follow (`graphsql.inference.grammar`);
        sampled candidates under a grammar are decoded one after another."""
        _check_args(n, temperature, max_new_tokens)
        texts = [self.render(messages) for messages in prompts]
        grammars = list(grammars) if grammars is not None else [None] * len(prompts)
        results: list[list[str]] = [[] for _ in prompts]
        # Sorted text puts prompts with a shared prefix (same system text and schema) next to each other; llama.cpp
        # keeps the KV cache of the longest common token prefix with the previous call.
        for i in sorted(range(len(texts)), key=lambda i: texts[i]):
            tokens = self.llm.tokenize(texts[i].encode("utf-8"), add_bos=self.add_bos, special=True)
            if temperature == 0:
                results[i] = [self._complete(tokens, 0.0, max_new_tokens, seed, grammars[i])] * n
            elif n > 1 and self.parallel and grammars[i] is None:
                results[i] = self._sample_parallel(tokens, n, temperature, max_new_tokens, seed)
            else:
                results[i] = [self._complete(tokens, temperature, max_new_tokens, seed + k, grammars[i])
                              for k in range(n)]
        return results


# ------------------------------------------------------------------------------------- LoRA -> GGUF


@contextlib.contextmanager
def _quiet_native_stderr():
    """Send what native code writes to file descriptor 2 to /dev/null for the duration (Python's own
    exceptions still propagate with their messages)."""
    try:
        saved = os.dup(2)
    except OSError:  # no real stderr (some test runners): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _llama_cpp_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("llama-cpp-python")
    except PackageNotFoundError:
        raise ConfigError("llama-cpp-python is not installed: pip install llama-cpp-python") from None


def _is_converter_file(name: str) -> bool:
    """Sdist members the converter scripts need: vendor/llama.cpp/*.py, gguf-py/ and conversion/."""
    parts = name.split("/")
    if len(parts) < 4 or parts[1:3] != ["vendor", "llama.cpp"]:
        return False
    return (len(parts) == 4 and name.endswith(".py")) or parts[3] in ("gguf-py", "conversion")


def find_lora_converter(download: bool = True, cache: Path | None = None, sdist: Path | None = None) -> Path:
    """Path of llama.cpp's ``convert_lora_to_gguf.py`` matching the installed llama-cpp-python.

    The script (with its ``gguf-py`` and ``convert_hf_to_gguf.py`` neighbours) is unpacked from the package's
    sdist into ``<cache>/llama-cpp-python-<version>/``; the sdist is fetched with ``pip download`` when
    ``download`` is true (about a minute: pip prepares the sdist's metadata), or taken from ``sdist`` if given.
    Raises `ConfigError` if it cannot be had.
    """
    ver = _llama_cpp_version()
    root = (cache or cache_dir()) / f"llama-cpp-python-{ver}"
    script = root / "vendor" / "llama.cpp" / "convert_lora_to_gguf.py"
    if script.is_file():
        return script
    if not download and sdist is None:
        raise ConfigError(f"{script}: llama.cpp LoRA converter not unpacked yet")
    root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root.parent) as tmp:
        if sdist is not None:
            shutil.copy(sdist, tmp)
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-binary",
            ":all:",
            "--no-deps",
            "--disable-pip-version-check",
            "--quiet",
            "-d",
            tmp,
            f"llama-cpp-python=={ver}",
        ]
        reason = f"{sdist} is not llama_cpp_python-{ver}.tar.gz"
        if sdist is None:
            proc = subprocess.run(cmd, capture_output=True, text=True)
            lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
            reason = f"pip download llama-cpp-python=={ver} (sdist) failed: {lines[-1] if lines else '?'}"
        sdists = list(Path(tmp).glob(f"llama_cpp_python-{ver}.tar.gz"))
        if not sdists:
            raise ConfigError(reason)
        unpacked = Path(tmp) / "unpacked"
        with tarfile.open(sdists[0]) as tar:
            wanted = [m for m in tar.getmembers() if _is_converter_file(m.name)]
            tar.extractall(unpacked, members=wanted, filter="data")
        top = next(unpacked.iterdir())
        shutil.rmtree(root, ignore_errors=True)
        os.replace(top, root)
    if not script.is_file():
        raise ConfigError(f"{sdists[0].name}: has no vendor/llama.cpp/convert_lora_to_gguf.py")
    return script


def convert_lora_to_gguf(
    adapter_dir: str | Path,
    base_hf_dir: str | Path,
    out_path: str | Path,
    outtype: str = "f16",
    converter: Path | None = None,
) -> Path:
    """Convert a peft LoRA folder to a llama.cpp GGUF adapter with llama.cpp's own converter script.

    ``base_hf_dir`` is the HF folder the adapter was trained on (e.g. ``fetch_model().hf_path``). Writes
    ``out_path`` (via a temp file) and returns it; raises `ModelError` if the converter fails. ``converter``
    is the script's path (default: `find_lora_converter`, which may download the sdist once).
    """
    script = converter or find_lora_converter()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".tmp")
    cmd = [
        sys.executable,
        str(script),
        "--base",
        str(base_hf_dir),
        "--outfile",
        str(tmp),
        "--outtype",
        outtype,
        str(adapter_dir),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not tmp.is_file():
        tmp.unlink(missing_ok=True)
        lines = [ln.strip() for ln in (proc.stderr + proc.stdout).splitlines() if ln.strip()]
        raise ModelError(
            f"{adapter_dir}: LoRA to GGUF conversion failed: {lines[-1] if lines else proc.returncode}"
        )
    os.replace(tmp, out_path)
    return out_path


def _adapter_gguf(adapter: Path, base_hf_dir: Path) -> Path:
    """A GGUF version of a peft adapter, converted once and cached by the adapter weights' sha256."""
    if adapter.is_file() and adapter.suffix == ".gguf":
        return adapter
    weights = adapter / "adapter_model.safetensors"
    if not weights.is_file():
        raise ModelError(f"{adapter}: no adapter_model.safetensors (is this a peft adapter folder?)")
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()[:16]
    out = cache_dir() / "lora_gguf" / f"{digest}.gguf"
    if not out.is_file():
        convert_lora_to_gguf(adapter, base_hf_dir, out)
    return out


def has_llama_cpp() -> bool:
    """True if llama-cpp-python can be imported."""
    import importlib.util

    return importlib.util.find_spec("llama_cpp") is not None


def _has_cuda() -> bool:
    """CUDA present? Asks torch only if it is already imported: importing it here would slow llama.cpp."""
    if "torch" in sys.modules:
        return sys.modules["torch"].cuda.is_available()
    return shutil.which("nvidia-smi") is not None


def make_generator(
    backend: str = "auto",
    model: str | Path = DEFAULT_MODEL,
    adapter: str | Path | None = None,
    merge: bool = False,
    quant: str = "q8_0",
    progress: Any = None,
    **kwargs: Any,
) -> Generator:
    """A generator for ``model`` (short name, folder, ``.gguf`` or Hub id) with an optional adapter.

    ``backend="auto"`` picks llama.cpp when it is installed, the model has a GGUF and no GPU is present (about
    3x faster than transformers on CPU); otherwise transformers. With llama.cpp, ``merge`` runs the adapter folded
    into the base weights, quantized to ``quant`` (`graphsql.inference.merge.merged_gguf`: built once, cached; one
    standalone GGUF), else the adapter is converted to a GGUF LoRA applied at run time (cached); their speed on
    this CPU is in ``results/benchmarks/bench_speed.json``. transformers always merges in memory. Extra keyword arguments go to the generator's constructor.
    """
    if backend not in BACKENDS:
        raise ConfigError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if backend == "openai":  # the server holds the model (and its adapter); `model` is the name it knows
        from graphsql.inference.remote import OpenAIGenerator

        return OpenAIGenerator(kwargs.pop("base_url", ""), model=str(model), api_key=kwargs.pop("api_key", None),
                               **kwargs)
    files = resolve_model(model)
    if backend == "auto":
        usable = has_llama_cpp() and files.gguf_path is not None and not _has_cuda()
        if adapter is not None and not (Path(adapter).suffix == ".gguf" or isinstance(files.hf_path, Path)):
            usable = False  # converting a LoRA needs the local HF base folder
        backend = "llama.cpp" if usable else "transformers"
    log.info("generator backend: %s, model: %s, adapter: %s", backend, files.name, adapter)
    if backend == "llama.cpp":
        if files.gguf_path is None:
            raise ModelError(f"{model}: no GGUF file for the llama.cpp backend")
        lora = None
        if adapter is not None and merge and Path(adapter).is_dir():
            from graphsql.inference.merge import merged_gguf

            log.info("merged model %s + %s (%s)", files.name, adapter, quant)
            try:
                return LlamaCppGenerator(merged_gguf(adapter, quant, base_model=str(model), progress=progress),
                                         **kwargs)
            except (ModelError, ConfigError) as err:  # still answers: the adapter applied at run time
                log.warning("no merged model (%s); applying the adapter at run time instead", err)
                if progress is not None:
                    progress(f"no merged model ({err}); applying the adapter at run time instead")
        if adapter is not None:
            if files.hf_path is None:
                raise ModelError(f"{model}: converting a LoRA to GGUF needs the model's HF folder")
            lora = _adapter_gguf(Path(adapter), Path(files.hf_path))
        return LlamaCppGenerator(files.gguf_path, lora_path=lora, **kwargs)
    if files.hf_path is None:
        raise ModelError(f"{model}: no transformers model folder (only a GGUF); fetch it by its short name")
    return TransformersGenerator(files.hf_path, adapter_path=adapter, **kwargs)
