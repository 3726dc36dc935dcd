"""The augment stage: Spider train questions (plus synthetic ones) -> ``samples.jsonl`` and ``manifest.json``.

    >>> run_augment("configs/augment_graph.yaml", "runs/augment/graph", limit=50)
    PosixPath('runs/augment/graph')

Per training question whose database is present (and whose gold SQL runs, with ``check_gold``): one plain
``sql`` sample (``source="spider:train"``) in the main schema format, then each per-question augmentation in
``augmentations`` (`graphsql.augment.transforms.AUGMENTATIONS`): for every multi-table question, and for a
``single_table_aug_fraction`` of the single-table ones. ``synthetic`` in ``augmentations`` adds
``synthetic_per_db`` execution-checked questions along FK paths of each database. Randomness is seeded per
question (``seed``, source, idx) and per database, so a sample does not depend on ``limit`` or on order.

Only Spider *train* is read (``data_dir`` names the Spider folder; dev databases are never opened).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import random
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from graphsql.atomic import write_text_atomic
from graphsql.augment.rename import rename_database_examples
from graphsql.augment.samples import Sample, gold_tables, write_samples
from graphsql.augment.synthetic import synthesize_examples
from graphsql.augment.transforms import AUGMENTATIONS, DEMONSTRATION_SELECTORS, AugmentContext, sql_sample
from graphsql.config import (
    SCHEMA_FORMATS,
    SHOT_SELECTORS,
    PromptConfig,
    config_to_dict,
    load_dataclass_config,
)
from graphsql.data.records import Example
from graphsql.data.spider import Dataset, load_dataset
from graphsql.errors import ConfigError, DataError
from graphsql.eval.execute import execute_sql
from graphsql.prompting import DECOMPOSED_SYSTEM_PROMPT
from graphsql.schema.graph import build_schema_graph
from graphsql.schema.values import build_value_index
from graphsql.sql.decompose import decompose_answer

log = logging.getLogger(__name__)

SYNTHETIC = "synthetic"
RENAME = "rename"
KNOWN_AUGMENTATIONS = (*AUGMENTATIONS, SYNTHETIC, RENAME)
# the default recipe (issue 25 added demonstrations, reword and knowledge: switched on by name in a config)
DEFAULT_AUGMENTATIONS = ("graph_views", "perturb", "table_selection", "join_path", SYNTHETIC)
CHARS_PER_TOKEN = 3.5
JOIN_BUCKETS = ("0", "1", "2", "3", "4+")


@dataclass(frozen=True)
class AugmentConfig:
    """Settings of the augment stage (``configs/augment_*.yaml``)."""

    name: str = field(default="graph", metadata={"help": "run name, written to the manifest"})
    data_dir: str | None = field(
        default=None, metadata={"help": "Spider folder (default: <data_root>/spider)"}
    )
    prompt: PromptConfig = field(
        default_factory=PromptConfig, metadata={"help": "prompt settings; inference must use the same ones"}
    )
    augmentations: tuple[str, ...] = field(
        default=DEFAULT_AUGMENTATIONS,
        metadata={"help": f"augmentations switched on: any of {', '.join(KNOWN_AUGMENTATIONS)}"},
    )
    view_formats: tuple[str, ...] = field(
        default=SCHEMA_FORMATS, metadata={"help": "graph_views: schema formats shown (main one skipped)"}
    )
    distractors: int = field(
        default=1, metadata={"help": "random extra tables per sample (within max_tables)"}
    )
    seed_with_linked: bool = field(
        default=True, metadata={"help": "linked tables seed pruning with the gold ones"}
    )
    single_table_aug_fraction: float = field(
        default=0.5,
        metadata={"help": "share of single-table questions that get augmentations (multi-table: all)"},
    )
    max_shots: int = field(default=3, metadata={"help": "demonstrations: at most this many per sample (1 to k)"})
    shot_selectors: tuple[str, ...] = field(
        default=DEMONSTRATION_SELECTORS,
        metadata={"help": "demonstrations: selectors drawn from, one per sample"},
    )
    rename_share: float = field(
        default=0.5, metadata={"help": "rename: share of a database's questions asked again on its renamed copy"}
    )
    synthetic_per_db: int = field(default=24, metadata={"help": "synthetic questions per database (at most)"})
    synthetic_path_lengths: tuple[int, ...] = field(
        default=(2, 3, 4), metadata={"help": "tables per synthetic FK path"}
    )
    synthetic_use_inferred: bool = field(
        default=False, metadata={"help": "synthetic paths may use inferred FKs"}
    )
    synthetic_timeout: float = field(default=2.0, metadata={"help": "seconds per synthetic query"})
    check_gold: bool = field(default=True, metadata={"help": "drop questions whose gold SQL fails to run"})
    gold_timeout: float = field(default=10.0, metadata={"help": "seconds per gold query check"})
    seed: int = field(default=0, metadata={"help": "seed of every random choice"})

    def __post_init__(self):
        for name in ("augmentations", "view_formats", "synthetic_path_lengths", "shot_selectors"):
            value = getattr(self, name)
            if isinstance(value, str) or not isinstance(value, Sequence):
                raise ConfigError(f"augment.{name} must be a list, not {value!r}")
            object.__setattr__(self, name, tuple(value))
        unknown = [a for a in self.augmentations if a not in KNOWN_AUGMENTATIONS]
        if unknown:
            raise ConfigError(
                f"augment.augmentations: unknown {', '.join(unknown)} "
                f"(known: {', '.join(KNOWN_AUGMENTATIONS)})"
            )
        bad = [f for f in self.view_formats if f not in SCHEMA_FORMATS]
        if bad:
            raise ConfigError(
                f"augment.view_formats: unknown {', '.join(bad)} (known: {', '.join(SCHEMA_FORMATS)})"
            )
        bad = [s for s in self.shot_selectors if s not in SHOT_SELECTORS]
        if bad or not self.shot_selectors:
            raise ConfigError(f"augment.shot_selectors: unknown or none ({', '.join(bad)}; known: "
                              f"{', '.join(SHOT_SELECTORS)})")
        if self.max_shots < 1:
            raise ConfigError("augment.max_shots must be >= 1")
        if self.distractors < 0 or self.synthetic_per_db < 0:
            raise ConfigError("augment.distractors and augment.synthetic_per_db must be >= 0")
        if not 0.0 <= self.rename_share <= 1.0:
            raise ConfigError("augment.rename_share must be in [0, 1]")
        if not 0.0 <= self.single_table_aug_fraction <= 1.0:
            raise ConfigError("augment.single_table_aug_fraction must be in [0, 1]")
        if any(n < 2 for n in self.synthetic_path_lengths):
            raise ConfigError("augment.synthetic_path_lengths: every length must be >= 2 tables")
        if self.synthetic_timeout <= 0 or self.gold_timeout <= 0:
            raise ConfigError("augment timeouts must be > 0")


def load_augment_config(path: str | Path | None = None, overrides: dict | None = None) -> AugmentConfig:
    """Defaults, then the YAML file at ``path`` (if any), then ``overrides`` (``{"seed": 1}``); unknown keys
    anywhere are a ConfigError."""
    return load_dataclass_config(AugmentConfig, path, overrides)


@dataclass(frozen=True)
class Manifest:
    """What a build wrote, as saved in ``manifest.json``."""

    out_dir: str
    samples: int
    counts: dict  # by_source, by_task, by_source_task
    joins: dict  # JOIN counts of sql samples: before (train questions) and after (all samples)
    lengths: dict  # characters and tokens of prompt + answer
    questions: dict  # train questions read, used, skipped by reason; synthetic per path length
    settings: dict
    provenance: dict
    seconds: float

    def to_json(self) -> dict:
        return dataclasses.asdict(self)


def decompose_sample(sample: Sample, schema) -> Sample:
    """An SQL-task sample with its answer as AST-guided steps (`graphsql.sql.decompose`) and the matching system
    prompt; other tasks unchanged."""
    if sample.task != "sql":
        return sample
    messages = [dict(m) for m in sample.messages]
    messages[0] = {"role": "system", "content": DECOMPOSED_SYSTEM_PROMPT}
    messages[-1] = {"role": "assistant", "content": decompose_answer(sample.answer, schema)}
    return dataclasses.replace(sample, messages=messages)


def _bucket(n: int) -> str:
    return str(n) if n < 4 else "4+"


def _join_histogram(samples: Sequence[Sample]) -> dict:
    counts = Counter(_bucket(s.n_joins) for s in samples if s.task == "sql" and s.n_joins is not None)
    total = sum(counts.values())
    return {
        "count": {b: counts.get(b, 0) for b in JOIN_BUCKETS},
        "share": {b: round(counts.get(b, 0) / total, 4) if total else 0.0 for b in JOIN_BUCKETS},
        "multi_table_share": round(sum(v for b, v in counts.items() if b != "0") / total, 4)
        if total
        else 0.0,
        "total": total,
    }


def _describe(values: Sequence[float]) -> dict:
    if not values:
        return {"mean": 0.0, "p50": 0.0, "p90": 0.0, "p99": 0.0, "max": 0.0, "total": 0.0}
    ordered = sorted(values)

    def pct(p: float) -> float:
        return float(ordered[min(len(ordered) - 1, int(p * len(ordered)))])

    return {
        "mean": round(statistics.fmean(ordered), 1),
        "p50": pct(0.5),
        "p90": pct(0.9),
        "p99": pct(0.99),
        "max": float(ordered[-1]),
        "total": float(sum(ordered)),
    }


def _length_stats(samples: Sequence[Sample], count_tokens: Callable[[str], int] | None) -> dict:
    texts = ["\n".join(m["content"] for m in s.messages) for s in samples]
    chars = [len(t) for t in texts]
    if count_tokens is None:
        tokens = [round(c / CHARS_PER_TOKEN) for c in chars]
        method = f"estimate: characters / {CHARS_PER_TOKEN}"
    else:
        tokens = [count_tokens(t) for t in texts]
        method = "tokenizer"
    by_source: dict[str, list[int]] = defaultdict(list)
    for s, t in zip(samples, tokens, strict=True):
        by_source[s.source].append(t)
    return {
        "chars": _describe(chars),
        "tokens": _describe(tokens),
        "token_method": method,
        "tokens_by_source": {k: _describe(v) for k, v in sorted(by_source.items())},
        "note": "message contents only (prompt + answer), chat-template tokens not counted",
    }


def _counts(samples: Sequence[Sample]) -> dict:
    return {
        "by_source": dict(sorted(Counter(s.source for s in samples).items())),
        "by_task": dict(sorted(Counter(s.task for s in samples).items())),
        "by_source_task": dict(sorted(Counter(f"{s.source}/{s.task}" for s in samples).items())),
    }


def _provenance(settings: dict) -> dict:
    try:
        from graphsql.provenance import run_info

        return run_info("graphsql augment", settings)
    except ImportError:  # provenance helper not in this checkout
        return {}


def build_samples(
    config: AugmentConfig,
    out_dir: str | Path,
    limit: int | None = None,
    seed: int | None = None,
    count_tokens: Callable[[str], int] | None = None,
    dataset: Dataset | None = None,
) -> Manifest:
    """Build the samples of ``config`` and write ``out_dir/samples.jsonl``, ``manifest.json`` and
    ``config.yaml`` (the resolved settings).

    ``limit``: the first N train questions (with a database present). ``seed`` overrides ``config.seed``.
    ``count_tokens``: text -> token count for the manifest (default: characters / 3.5, labelled an estimate).
    ``dataset``: questions to use instead of Spider train (tests). Raises DataError if no database is present."""
    start = time.perf_counter()
    if seed is not None:
        config = dataclasses.replace(config, seed=seed)
    out_dir = Path(out_dir)
    if dataset is None:
        dataset = load_dataset("spider", "train", root=config.data_dir)
    examples = dataset.runnable()
    if not examples:
        raise DataError(f"{dataset.name}:{dataset.split}: no question has its database present")
    if limit is not None:
        examples = examples[:limit]
    by_db: dict[str, list[Example]] = {}
    for ex in examples:
        by_db.setdefault(ex.db_id, []).append(ex)

    per_question = [AUGMENTATIONS[a] for a in config.augmentations if a in AUGMENTATIONS]
    samples: list[Sample] = []
    skipped: Counter = Counter()
    synthetic_lengths: Counter = Counter()
    renamed: Counter = Counter()
    used = 0
    workdir = tempfile.TemporaryDirectory(prefix="graphsql-rename-")  # renamed copies of databases
    for db_id, db_examples in by_db.items():
        first_of_db = len(samples)
        db_path = dataset.db_path(db_id)
        graph, ctx = _database_context(dataset.schemas[db_id], db_path, config, db_examples)
        failed: set[Example] = set()
        for ex in db_examples:
            if config.check_gold and not execute_sql(db_path, ex.gold_sql, timeout=config.gold_timeout).ok:
                skipped["gold_sql_fails"] += 1
                failed.add(ex)
                continue
            rng = random.Random(f"{config.seed}:{ex.source}:{ex.idx}")
            base = sql_sample(ex, graph, ctx, rng)
            if not base:
                skipped["gold_tables_not_in_schema"] += 1
                continue
            used += 1
            samples.extend(base)
            gold = gold_tables(ex.gold_sql, graph) or ()
            pick = random.Random(f"{config.seed}:pick:{ex.source}:{ex.idx}").random()
            if len(gold) >= 2 or pick < config.single_table_aug_fraction:
                for augment in per_question:
                    samples.extend(augment(ex, graph, ctx, rng))
        if SYNTHETIC in config.augmentations and config.synthetic_per_db:
            srng = random.Random(f"{config.seed}:{SYNTHETIC}:{db_id}")
            made = synthesize_examples(
                graph,
                db_path,
                srng,
                config.synthetic_per_db,
                config.synthetic_path_lengths,
                config.synthetic_timeout,
                config.synthetic_use_inferred,
            )
            for sx in made:
                synthetic_lengths[str(len(sx.meta["path"]))] += 1
                samples.extend(
                    sql_sample(sx, graph, ctx, random.Random(f"{config.seed}:{SYNTHETIC}:{sx.question}"))
                )
        if RENAME in config.augmentations:
            checked = [ex for ex in db_examples if not config.check_gold or ex not in failed]
            samples.extend(_renamed_samples(checked, dataset.schemas[db_id], db_path, config, Path(workdir.name),
                                            renamed))
        if config.prompt.answer_format == "decomposed":  # AST-guided steps before the SQL (prompt setting)
            samples[first_of_db:] = [decompose_sample(s, graph.schema) for s in samples[first_of_db:]]
        log.info("%s: %d questions, %d samples so far", db_id, len(db_examples), len(samples))

    settings = config_to_dict(config)
    manifest = Manifest(
        out_dir=str(out_dir),
        samples=len(samples),
        counts=_counts(samples),
        joins={
            "before": _join_histogram([s for s in samples if not s.source.startswith("aug:")]),
            "after": _join_histogram(samples),
        },
        lengths=_length_stats(samples, count_tokens),
        questions={
            "read": len(examples),
            "used": used,
            "skipped": dict(skipped),
            "databases": len(by_db),
            "limit": limit,
            "synthetic_by_path_length": dict(sorted(synthetic_lengths.items())),
            "renamed": dict(sorted(renamed.items())),
        },
        settings=settings,
        provenance=_provenance(settings),
        seconds=round(time.perf_counter() - start, 1),
    )
    workdir.cleanup()
    (out_dir / "manifest.json").unlink(missing_ok=True)  # a set without its manifest is unfinished (killed)
    write_samples(samples, out_dir / "samples.jsonl")
    _write_config(settings, out_dir / "config.yaml")
    write_text_atomic(out_dir / "manifest.json", json.dumps(manifest.to_json(), indent=2, default=str) + "\n")
    return manifest


def _database_context(schema, db_path: Path, config: AugmentConfig, db_examples: Sequence[Example] = (),
                      use_cache: bool = True) -> tuple:
    """(schema graph, `AugmentContext`) of one database: what its samples share. The value index is built when the
    prompt needs one (pruning or matched values), and, as at inference, is a help, never a requirement."""
    graph = build_schema_graph(schema, infer_fks=config.prompt.infer_fks, db_path=db_path)
    index = None
    if config.prompt.prune or config.prompt.matched_values:
        try:
            index = build_value_index(db_path, db_id=schema.db_id, use_cache=use_cache)
        except Exception as err:
            log.warning("%s: no value index (%s)", schema.db_id, err)
    ctx = AugmentContext(config.prompt, index, config.view_formats, config.distractors, config.seed_with_linked,
                         db_examples=tuple(db_examples), max_shots=config.max_shots,
                         shot_selectors=config.shot_selectors)
    return graph, ctx


def _renamed_samples(examples: Sequence[Example], schema, db_path: Path, config: AugmentConfig, workdir: Path,
                     counts: Counter) -> list[Sample]:
    """The plain SQL sample of a ``rename_share`` of ``examples`` on a renamed copy of their database
    (`graphsql.augment.rename`), asked as at inference; ``counts`` gets asked/kept/dropped and the styles."""
    rng = random.Random(f"{config.seed}:{RENAME}:{schema.db_id}")
    kept, new_schema, info = rename_database_examples(examples, schema, db_path, workdir, rng, config.rename_share)
    for key in ("asked", "kept", "dropped"):
        counts[key] += info[key]
    if "column_style" in info:
        counts[f"tables_{info['table_style']}"] += 1
        counts[f"columns_{info['column_style']}"] += 1
    if not kept:
        return []
    # the renamed copy is temporary: its value index is not cached
    graph, ctx = _database_context(new_schema, new_schema.db_path, config, use_cache=False)
    out = []
    for ex in kept:
        out.extend(sql_sample(ex, graph, ctx, random.Random(f"{config.seed}:{RENAME}:{ex.idx}")))
    return out


def _write_config(settings: dict, path: Path) -> None:
    import yaml

    plain = json.loads(json.dumps(settings, default=str))  # tuples -> lists
    write_text_atomic(path, yaml.safe_dump(plain, sort_keys=False))


def ablate(config: AugmentConfig, without: Sequence[str]) -> AugmentConfig:
    """``config`` with the augmentations in ``without`` switched off and its name saying so; ConfigError if one
    of them is not on."""
    if not without:
        return config
    unknown = [a for a in without if a not in config.augmentations]
    if unknown:
        raise ConfigError(f"--without {', '.join(unknown)}: not on in this config ({', '.join(config.augmentations)})")
    return dataclasses.replace(config, name=f"{config.name}-without-{'-'.join(without)}",
                               augmentations=tuple(a for a in config.augmentations if a not in without))


def run_augment(
    config_path: str | Path | None,
    out_dir: str | Path,
    limit: int | None = None,
    seed: int | None = None,
    count_tokens: Callable[[str], int] | None = None,
    without: Sequence[str] = (),
) -> Path:
    """The CLI's entry: load ``config_path`` (YAML; None = defaults), build the samples into ``out_dir``
    (``samples.jsonl``, ``manifest.json``, ``config.yaml``) and return ``out_dir``. ``seed`` overrides the
    config's; ``count_tokens`` (text -> tokens, e.g. from the model's tokenizer) makes the manifest's token
    figures exact instead of estimated; ``without`` switches augmentations off (ablations)."""
    config = ablate(load_augment_config(config_path), without)
    manifest = build_samples(config, out_dir, limit=limit, seed=seed, count_tokens=count_tokens)
    log.info("%d samples written to %s in %.0f s", manifest.samples, out_dir, manifest.seconds)
    return Path(out_dir)
