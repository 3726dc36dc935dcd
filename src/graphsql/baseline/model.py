"""A pre-LLM text-to-SQL baseline: BiLSTM encoder, LSTM decoder with attention and a copy (pointer) mechanism.


    >>> model = PointerSeq2Seq(n_in=len(vocab.in_words), n_out=len(vocab.out_words), emb_dim=128, hidden=256)
    >>> batch = collate([encode_example(e, schemas[e.db_id], vocab) for e in examples])
    >>> loss = model.loss(batch)                       # mean negative log-likelihood per decoder step
    >>> choices = model.greedy_decode(batch, vocab)    # per example: [("out", id) | ("pos", position), ...]

No pretrained weights: all embeddings start random (in the spirit of Seq2SQL/SQLNet/SyntaxSQLNet without
GloVe). At each step the decoder scores one joint softmax over ``[output words ; encoder positions]``; a
step's gold may be several entries (a value word that is both in the vocabulary and in the question), and the
loss is the negative log of their summed probability. Greedy decoding applies a few cheap grammar rules:
balanced parentheses, string literals closed before the end, only question words inside literals, only this
database's tables after FROM/JOIN and its columns after a ``.`` (those of the named table, or of the table an
alias is bound to by an earlier ``table AS t1``), and the first table after FROM one that owns a column already
chosen in that SELECT (when there is one).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from graphsql.baseline.vocab import (
    COLUMN,
    EOS,
    OUT_SPECIALS,
    QUESTION,
    SQL_KEYWORDS,
    TABLE,
    VALUE_CLOSE,
    VALUE_OPEN,
    EncodedExample,
    Vocab,
    feed_for,
)

MAX_NAME_WORDS = 8


@dataclass
class Batch:
    """Padded tensors of a list of `EncodedExample` (targets only when every example has them)."""

    encoded: list[EncodedExample]
    words: torch.Tensor  # [B, L, W] input-word ids, 0 = pad
    kinds: torch.Tensor  # [B, L]
    lengths: torch.Tensor  # [B]
    target_out: torch.Tensor | None = None  # [B, T] output id or -1
    target_copy: torch.Tensor | None = None  # [B, T, L] bool
    target_mask: torch.Tensor | None = None  # [B, T] bool, real steps
    feed_out: torch.Tensor | None = None  # [B, T] output id fed after the step, or -1
    feed_pos: torch.Tensor | None = None  # [B, T] position fed after the step, or -1
    owners: torch.Tensor | None = None  # [B, L, W] words of a column's table name, 0 = pad


def collate(encoded: Sequence[EncodedExample]) -> Batch:
    """Pad a list of encoded examples into one `Batch`."""
    encoded = list(encoded)
    n, max_len = len(encoded), max(len(e.inputs) for e in encoded)
    max_w = min(MAX_NAME_WORDS, max(len(ws) for e in encoded for ws in e.inputs))
    words = torch.zeros(n, max_len, max_w, dtype=torch.long)
    kinds = torch.zeros(n, max_len, dtype=torch.long)
    for b, enc in enumerate(encoded):
        for i, ws in enumerate(enc.inputs):
            ws = ws[:max_w]
            words[b, i, : len(ws)] = torch.tensor(ws)
        kinds[b, : len(enc.kinds)] = torch.tensor(enc.kinds)
    lengths = torch.tensor([len(e.inputs) for e in encoded])
    max_o = min(MAX_NAME_WORDS, max((len(ws) for e in encoded for ws in e.owners), default=0) or 1)
    owners = torch.zeros(n, max_len, max_o, dtype=torch.long)
    for b, enc in enumerate(encoded):
        for i, ws in enumerate(enc.owners):
            if ws:
                owners[b, i, : len(ws[:max_o])] = torch.tensor(ws[:max_o])
    batch = Batch(encoded, words, kinds, lengths, owners=owners)
    if not all(e.targets for e in encoded):
        return batch
    steps = max(len(e.targets) for e in encoded)
    batch.target_out = torch.full((n, steps), -1, dtype=torch.long)
    batch.target_copy = torch.zeros(n, steps, max_len, dtype=torch.bool)
    batch.target_mask = torch.zeros(n, steps, dtype=torch.bool)
    batch.feed_out = torch.full((n, steps), -1, dtype=torch.long)
    batch.feed_pos = torch.full((n, steps), -1, dtype=torch.long)
    for b, enc in enumerate(encoded):
        for t, ((out, copies), (fkind, fidx)) in enumerate(zip(enc.targets, enc.feeds)):
            batch.target_mask[b, t] = True
            if out is not None:
                batch.target_out[b, t] = out
            for pos in copies:
                batch.target_copy[b, t, pos] = True
            if fkind == "out":
                batch.feed_out[b, t] = fidx
            else:
                batch.feed_pos[b, t] = fidx
    return batch


class PointerSeq2Seq(nn.Module):
    """Encoder-decoder with attention and copying over question words and schema items."""

    def __init__(self, n_in: int, n_out: int, emb_dim: int = 128, hidden: int = 256, dropout: float = 0.2):
        super().__init__()
        self.n_out = n_out
        self.in_emb = nn.Embedding(n_in, emb_dim, padding_idx=0)
        self.kind_emb = nn.Embedding(4, emb_dim)
        self.owner_proj = nn.Linear(emb_dim, emb_dim, bias=False)  # a column's table name, added to its input
        self.encoder = nn.LSTM(emb_dim, hidden // 2, batch_first=True, bidirectional=True)
        self.init_h = nn.Linear(hidden, hidden)
        self.out_emb = nn.Embedding(n_out, emb_dim)
        self.copy_feed = nn.Linear(hidden, emb_dim)
        self.decoder = nn.LSTM(emb_dim, hidden, batch_first=True)
        self.attn = nn.Linear(hidden, hidden, bias=False)
        self.combine = nn.Linear(2 * hidden, hidden)
        self.vocab_out = nn.Linear(hidden, n_out)
        self.pointer = nn.Linear(hidden, hidden, bias=False)
        self.drop = nn.Dropout(dropout)
        self.hidden = hidden

    # --- encoder
    def encode(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Encoder states [B, L, H], the position mask [B, L], and the decoder's initial (h, c)."""
        words = batch.words
        emb = self.in_emb(words)  # [B, L, W, E]
        count = (words != 0).sum(-1, keepdim=True).clamp(min=1)
        x = emb.sum(2) / count + self.kind_emb(batch.kinds)
        if batch.owners is not None:
            owner_count = (batch.owners != 0).sum(-1, keepdim=True).clamp(min=1)
            x = x + self.owner_proj(self.in_emb(batch.owners).sum(2) / owner_count)
        x = self.drop(x)
        packed = pack_padded_sequence(x, batch.lengths, batch_first=True, enforce_sorted=False)
        out, (h_n, _) = self.encoder(packed)
        states, _ = pad_packed_sequence(out, batch_first=True, total_length=words.size(1))
        mask = torch.arange(words.size(1))[None, :] < batch.lengths[:, None]
        h0 = torch.tanh(self.init_h(torch.cat([h_n[0], h_n[1]], dim=-1)))
        return states, mask, (h0, torch.zeros_like(h0))

    # --- decoder (no input feeding, so training runs the LSTM over all steps at once)
    def attend(
        self, dec: torch.Tensor, states: torch.Tensor, mask: torch.Tensor, copy_mask: torch.Tensor
    ) -> torch.Tensor:
        """Decoder states [B, T, H] -> log-probabilities over [output words ; encoder positions] [B, T, V+L]."""
        scores = torch.bmm(self.attn(dec), states.transpose(1, 2)).masked_fill(~mask[:, None, :], -1e9)
        context = torch.bmm(torch.softmax(scores, dim=-1), states)
        attn_h = self.drop(torch.tanh(self.combine(torch.cat([dec, context], dim=-1))))
        vocab_logits = self.vocab_out(attn_h)
        copy_logits = torch.bmm(self.pointer(attn_h), states.transpose(1, 2))
        copy_logits = copy_logits.masked_fill(~copy_mask[:, None, :], -1e9)
        return torch.log_softmax(torch.cat([vocab_logits, copy_logits], dim=-1), dim=-1)

    def _feed(self, states: torch.Tensor, out_ids: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
        """Embedding of what the previous step produced ([B] or [B, T] ids): an output word, or the encoder
        state of a copied position."""
        from_out = self.out_emb(out_ids.clamp(min=0))
        index = positions.clamp(min=0)
        if index.dim() == 1:
            picked = states[torch.arange(states.size(0)), index]
        else:
            picked = torch.gather(states, 1, index.unsqueeze(-1).expand(-1, -1, states.size(-1)))
        return torch.where((out_ids >= 0).unsqueeze(-1), from_out, self.copy_feed(picked))

    def _start(self, batch: Batch):
        states, mask, (h0, c0) = self.encode(batch)
        copy_mask = mask & ((batch.kinds == QUESTION) | (batch.kinds == TABLE) | (batch.kinds == COLUMN))
        return states, mask, copy_mask, (h0.unsqueeze(0), c0.unsqueeze(0))

    def loss(self, batch: Batch, bos_id: int = 2) -> torch.Tensor:
        """Mean over real decoder steps of -log(total probability of the step's correct entries)."""
        states, mask, copy_mask, state = self._start(batch)
        n, steps = batch.target_out.shape
        bos = self.out_emb(torch.full((n, 1), bos_id, dtype=torch.long))
        fed = self._feed(states, batch.feed_out[:, :-1], batch.feed_pos[:, :-1])
        dec, _ = self.decoder(self.drop(torch.cat([bos, fed], dim=1)), state)
        logp = self.attend(dec, states, mask, copy_mask)
        gold = torch.zeros_like(logp, dtype=torch.bool)
        has_out = batch.target_out >= 0
        gold[..., : self.n_out].scatter_(
            -1, batch.target_out.clamp(min=0).unsqueeze(-1), has_out.unsqueeze(-1)
        )
        gold[..., self.n_out :] = batch.target_copy
        step_ll = torch.logsumexp(logp.masked_fill(~gold, -1e9), dim=-1)
        return -(step_ll * batch.target_mask).sum() / batch.target_mask.sum()

    @torch.no_grad()
    def greedy_decode(self, batch: Batch, vocab: Vocab, max_steps: int = 100) -> list[list[tuple[str, int]]]:
        """Greedy decoding with light grammar constraints; one list of choices per example (EOS excluded)."""
        bos, eos = vocab.out_id("<s>"), vocab.out_id(EOS)
        states, mask, copy_mask, state = self._start(batch)
        n, n_out = states.size(0), self.n_out
        inp = self.out_emb(torch.full((n,), bos, dtype=torch.long))
        keywords = ("(", ")", ".", "select", "from", "join", "as", VALUE_OPEN, VALUE_CLOSE)
        ids = {w: vocab.out_id(w) for w in keywords}
        not_value = torch.zeros(n_out, dtype=torch.bool)  # output words that cannot stand inside a literal
        for i, w in enumerate(vocab.out_words):
            not_value[i] = w in SQL_KEYWORDS or w in OUT_SPECIALS
        not_value[ids[VALUE_CLOSE]] = False
        never = torch.zeros(n_out, dtype=torch.bool)
        for w in ("<pad>", "<s>", "<unk>"):
            never[vocab.out_id(w)] = True
        is_question = (batch.kinds == QUESTION) & mask
        is_number = torch.zeros_like(is_question)
        for b, enc in enumerate(batch.encoded):
            for i, tok in enumerate(enc.question_tokens):
                is_number[b, i] = tok.isdigit()
        is_table, is_column = batch.kinds == TABLE, batch.kinds == COLUMN
        qualifiers = {
            i for i, w in enumerate(vocab.out_words) if re.fullmatch(r"t\d+", w)
        }  # aliases t1, t2...
        owner = [{} for _ in range(n)]  # column position -> position of its table
        for b, enc in enumerate(batch.encoded):
            table_at = {}
            for i, item in enumerate(enc.items):
                if item is not None and item.is_table:
                    table_at[item.table] = i
                elif item is not None:
                    owner[b][i] = table_at[item.table]
        # tables of columns copied since the last SELECT
        used_tables: list[set[int]] = [set() for _ in range(n)]
        # alias output id -> table position, from ``table AS t1``
        aliases: list[dict[int, int]] = [{} for _ in range(n)]
        last_table: list[int | None] = [None] * n  # table position copied just before an AS
        qualifier: list[int | None] = [None] * n  # table position named by the token before a "."
        depth = [0] * n
        in_value = [False] * n
        prev: list[int | None] = [None] * n  # previous output id (None after a copy)
        prev_qualifies = [False] * n  # the previous token was an alias or a table, so a "." may follow
        done = [False] * n
        out: list[list[tuple[str, int]]] = [[] for _ in range(n)]
        for _ in range(max_steps):
            dec, state = self.decoder(inp.unsqueeze(1), state)
            logp = self.attend(dec, states, mask, copy_mask).squeeze(1)
            allow = torch.ones_like(logp, dtype=torch.bool)
            allow[:, :n_out] &= ~never
            for b in range(n):
                row = allow[b]
                if in_value[b]:
                    row[:n_out] &= ~not_value
                    row[n_out:] &= is_question[b]
                    continue
                row[ids[VALUE_CLOSE]] = False
                row[n_out:] &= is_table[b] | is_column[b] | is_number[b]
                if not prev_qualifies[b]:
                    row[ids["."]] = False
                if depth[b] == 0:
                    row[ids[")"]] = False
                else:
                    row[eos] = False
                if prev[b] == ids["."]:
                    row[:n_out] = False
                    row[n_out:] &= is_column[b]
                    if qualifier[b] is not None:  # a column of the table that the alias or table names
                        keep = torch.zeros_like(row[n_out:])
                        keep[[i for i, t in owner[b].items() if t == qualifier[b]]] = True
                        row[n_out:] &= keep
                elif prev[b] in (ids["from"], ids["join"]):
                    row[:n_out] = False
                    row[ids["("]] = True
                    row[n_out:] &= is_table[b]
                    # the first table after FROM owns a column already chosen in this SELECT
                    if prev[b] == ids["from"] and used_tables[b]:
                        keep = torch.zeros_like(row[n_out:])
                        keep[list(used_tables[b])] = True
                        row[n_out:] &= keep
            choice = logp.masked_fill(~allow, -1e9).argmax(-1)
            out_ids = torch.full((n,), -1, dtype=torch.long)
            positions = torch.full((n,), -1, dtype=torch.long)
            for b in range(n):
                c = int(choice[b])
                pick = ("out", c) if c < n_out else ("pos", c - n_out)
                if not done[b]:
                    if pick == ("out", eos):
                        done[b] = True
                    else:
                        out[b].append(pick)
                        if pick[0] == "out" and in_value[b]:
                            in_value[b] = c != ids[VALUE_CLOSE]
                        elif pick[0] == "out":
                            if c == ids["("]:
                                depth[b] += 1
                            elif c == ids[")"]:
                                depth[b] -= 1
                            elif c == ids[VALUE_OPEN]:
                                in_value[b] = True
                            elif c == ids["select"]:
                                used_tables[b] = set()
                        elif pick[1] in owner[b]:
                            used_tables[b].add(owner[b][pick[1]])
                        is_alias = pick[0] == "out" and c in qualifiers
                        if is_alias and prev[b] == ids["as"] and last_table[b] is not None:
                            aliases[b][c] = last_table[b]
                        if pick[0] == "pos" and bool(is_table[b, pick[1]]):
                            last_table[b] = qualifier[b] = pick[1]
                        elif is_alias:
                            qualifier[b] = aliases[b].get(c)
                        elif pick != ("out", ids["as"]):
                            last_table[b] = None
                        prev[b] = c if pick[0] == "out" else None
                        prev_qualifies[b] = (
                            c in qualifiers if pick[0] == "out" else bool(is_table[b, pick[1]])
                        )
                kind, idx = feed_for(pick, batch.encoded[b], vocab)
                (out_ids if kind == "out" else positions)[b] = idx
            if all(done):
                break
            inp = self._feed(states, out_ids, positions)
        for b in range(n):  # a run cut at max_steps: close what is open
            if in_value[b]:
                out[b].append(("out", ids[VALUE_CLOSE]))
            out[b].extend([("out", ids[")"])] * max(depth[b], 0))
        return out


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
