"""Chat samples to training batches: tokenize with the chat template, mask all but the answer, pack or group.

    >>> samples = read_samples("runs/augment/graph/samples.jsonl")
    >>> tokenized, stats = tokenize_samples(tokenizer, samples, max_len=512)
    >>> batches = plan_epoch([len(t.input_ids) for t in tokenized], batch_tokens=2048, max_len=512, seed=0, epoch=0)
    >>> collate(tokenized, batches[0], pad_id=tokenizer.pad_token_id)["input_ids"].shape

The prompt is rendered by the tokenizer's own chat template with ``add_generation_prompt=True`` and tokenized on
its own, exactly as `graphsql.inference.generate` does before generating; the answer (the last, assistant
message) follows, up to and including the end-of-turn token (``<|im_end|>`` for Qwen). Labels are -100
everywhere except on the answer tokens.

Two ways to batch, both deterministic functions of ``(seed, epoch)``:

- ``pack``: samples are packed first-fit into rows of at most ``max_len`` tokens. ``position_ids`` restart at 0
  for every sample and no attention mask is passed, so transformers builds a block-diagonal causal mask: a token
  only sees earlier tokens of its own sample (checked by a test: packed loss == per-sample loss).
- ``group``: one sample per row; rows of similar length share a micro-batch, so little padding is needed.

A micro-batch holds at most ``batch_tokens`` tokens, padding included. Padding at the end of a row gets its own
position run (0, 1, ...), so it is a separate segment that no real token attends to; its labels are -100.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphsql.errors import DataError

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)

IGNORE = -100
CHUNK = (
    1024  # samples sorted together when packing/grouping: big enough for tight batches, small enough to mix
)

Row = tuple[int, ...]  # indices of the samples in one row of a micro-batch
Batch = tuple[Row, ...]


@dataclass(frozen=True)
class TokenizedSample:
    """One training sequence: token ids and labels of the same length (-100 = not trained on)."""

    input_ids: tuple[int, ...]
    labels: tuple[int, ...]
    is_truncated: bool = False


@dataclass(frozen=True)
class TokenizeStats:
    """What tokenization kept and lost."""

    samples: int
    kept: int
    dropped: int  # longer than max_len with overflow="drop", or nothing left to train on
    truncated: int  # cut to max_len with overflow="truncate"
    tokens: int  # in the kept sequences
    label_tokens: int  # of those, trained on


def read_samples(path: str | Path, limit: int | None = None) -> list[dict[str, Any]]:
    """The records of a ``samples.jsonl`` file (first ``limit`` lines if given); each needs ``messages``."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: samples file not found (run the augment stage first)")
    samples = []
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise DataError(f"{path}:{line_no}: invalid JSON ({err.msg})") from err
            if not isinstance(record, dict) or not isinstance(record.get("messages"), list):
                raise DataError(f"{path}:{line_no}: a sample needs a 'messages' list")
            samples.append(record)
            if limit is not None and len(samples) >= limit:
                break
    return samples


def tokenize_chat(
    tokenizer: Any, messages: Sequence[dict[str, str]], max_len: int, overflow: str = "drop"
) -> TokenizedSample | None:
    """Token ids and labels of one chat whose last message is the assistant's answer.

    Returns None when the sequence is longer than ``max_len`` and ``overflow="drop"``, or when truncation
    leaves no answer token. Raises `DataError` if the last message is not the assistant's.
    """
    if not messages or messages[-1].get("role") != "assistant":
        raise DataError("a training sample's last message must be the assistant's answer")
    prompt_text = tokenizer.apply_chat_template(
        list(messages[:-1]), tokenize=False, add_generation_prompt=True
    )
    full_text = tokenizer.apply_chat_template(list(messages), tokenize=False, add_generation_prompt=False)
    if not full_text.startswith(prompt_text):
        raise DataError("the chat template renders the prompt differently with and without the answer")
    prompt_ids = tokenizer(prompt_text, add_special_tokens=False)["input_ids"]
    answer_ids = tokenizer(full_text[len(prompt_text) :], add_special_tokens=False)["input_ids"]
    eos = tokenizer.eos_token_id
    if eos in answer_ids:  # keep the answer up to its end-of-turn token; drop the template's trailing newline
        answer_ids = answer_ids[: len(answer_ids) - answer_ids[::-1].index(eos)]
    elif eos is not None:
        answer_ids = [*answer_ids, eos]
    input_ids = prompt_ids + answer_ids
    labels = [IGNORE] * len(prompt_ids) + answer_ids
    is_truncated = len(input_ids) > max_len
    if is_truncated:
        if overflow == "drop" or len(prompt_ids) >= max_len:
            return None
        input_ids, labels = input_ids[:max_len], labels[:max_len]
    return TokenizedSample(tuple(input_ids), tuple(labels), is_truncated)


def tokenize_samples(
    tokenizer: Any, samples: Sequence[dict[str, Any]], max_len: int, overflow: str = "drop"
) -> tuple[list[TokenizedSample], TokenizeStats]:
    """`tokenize_chat` over ``samples`` (records with ``messages``); the kept ones in order, and counts."""
    kept: list[TokenizedSample] = []
    for sample in samples:
        tokenized = tokenize_chat(tokenizer, sample["messages"], max_len, overflow)
        if tokenized is not None:
            kept.append(tokenized)
    stats = TokenizeStats(
        samples=len(samples),
        kept=len(kept),
        dropped=len(samples) - len(kept),
        truncated=sum(t.is_truncated for t in kept),
        tokens=sum(len(t.input_ids) for t in kept),
        label_tokens=sum(sum(1 for y in t.labels if y != IGNORE) for t in kept),
    )
    if stats.dropped or stats.truncated:
        log.warning(
            "max_len %d: %d of %d samples dropped, %d truncated",
            max_len,
            stats.dropped,
            stats.samples,
            stats.truncated,
        )
    return kept, stats


def epoch_order(n: int, seed: int, epoch: int) -> list[int]:
    """The shuffled sample order of one epoch: a function of (seed, epoch) only."""
    order = list(range(n))
    random.Random(f"graphsql-sft:{seed}:{epoch}").shuffle(order)
    return order


def plan_epoch(
    lengths: Sequence[int], batch_tokens: int, max_len: int, seed: int, epoch: int, batching: str = "pack"
) -> list[Batch]:
    """The micro-batches of one epoch, each a tuple of rows of sample indices; deterministic in (seed, epoch).

    ``pack``: first-fit-decreasing into rows of ``max_len`` tokens within chunks of the shuffled order, then
    ``batch_tokens // max_len`` rows per micro-batch. ``group``: one sample per row, samples of similar length
    together, as many as fit ``batch_tokens`` counting padding to the longest. Micro-batches are shuffled.
    """
    rng = random.Random(f"graphsql-sft-batches:{seed}:{epoch}")
    order = epoch_order(len(lengths), seed, epoch)
    batches: list[Batch] = []
    if batching == "pack":
        rows: list[Row] = []
        for start in range(0, len(order), CHUNK):
            chunk = sorted(order[start : start + CHUNK], key=lambda i: (-lengths[i], i))
            open_rows: list[list[int]] = []
            room: list[int] = []
            for i in chunk:
                for r, free in enumerate(room):
                    if lengths[i] <= free:
                        open_rows[r].append(i)
                        room[r] -= lengths[i]
                        break
                else:
                    open_rows.append([i])
                    room.append(max_len - lengths[i])
            rows.extend(tuple(r) for r in open_rows)
        rng.shuffle(rows)
        per_batch = max(1, batch_tokens // max_len)
        batches = [tuple(rows[k : k + per_batch]) for k in range(0, len(rows), per_batch)]
    elif batching == "group":
        for start in range(0, len(order), CHUNK):
            chunk = sorted(order[start : start + CHUNK], key=lambda i: (lengths[i], i))
            current: list[int] = []
            for i in chunk:  # ascending, so the newest sample is the longest of the batch
                if current and (len(current) + 1) * lengths[i] > batch_tokens:
                    batches.append(tuple((j,) for j in current))
                    current = []
                current.append(i)
            if current:
                batches.append(tuple((j,) for j in current))
        rng.shuffle(batches)
    else:
        raise ValueError(f"unknown batching {batching!r}")
    return batches


def batch_shape(lengths: Sequence[int], batch: Batch) -> tuple[int, int, int]:
    """(rows, width, real tokens) of a micro-batch: width is its longest row."""
    row_lengths = [sum(lengths[i] for i in row) for row in batch]
    return len(batch), max(row_lengths), sum(row_lengths)


def padding_fraction(lengths: Sequence[int], batches: Sequence[Batch]) -> float:
    """Share of the tokens in ``batches`` that are padding (0.0 = none)."""
    total = real = 0
    for batch in batches:
        rows, width, tokens = batch_shape(lengths, batch)
        total += rows * width
        real += tokens
    return 1.0 - real / total if total else 0.0


def collate(samples: Sequence[TokenizedSample], batch: Batch, pad_id: int) -> dict[str, torch.Tensor]:
    """Tensors of one micro-batch: ``input_ids``, ``labels``, ``position_ids`` (restarting per sample).

    Rows are right-padded to the longest row; the padding is its own position run and has labels -100.
    Pass them to the model without an attention mask (and with ``use_cache=False``).
    """
    import torch

    width = max(sum(len(samples[i].input_ids) for i in row) for row in batch)
    ids, labels, positions = [], [], []
    for row in batch:
        row_ids: list[int] = []
        row_labels: list[int] = []
        row_pos: list[int] = []
        for i in row:
            sample = samples[i]
            row_ids.extend(sample.input_ids)
            row_labels.extend(sample.labels)
            row_pos.extend(range(len(sample.input_ids)))
        pad = width - len(row_ids)
        ids.append(row_ids + [pad_id] * pad)
        labels.append(row_labels + [IGNORE] * pad)
        positions.append(row_pos + list(range(pad)))
    return {
        "input_ids": torch.tensor(ids, dtype=torch.long),
        "labels": torch.tensor(labels, dtype=torch.long),
        "position_ids": torch.tensor(positions, dtype=torch.long),
    }
