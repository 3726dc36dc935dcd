"""Every evaluation of the paper, declared once in ``experiments.yaml``: the models (what a tag means), the
experiments (a question set and the model settings run on it), the main table's rows and the comparisons the
report makes.

    >>> registry = load_registry()                       # experiments.yaml at the repository root
    >>> exp = registry.experiment("spider-dev-all")
    >>> exp.subset, exp.runs["graph-balanced-gpu-lora"]  # ('spider-dev-all', ('as_trained', 'as_trained_sc5'))
    >>> registry.models["graph-balanced-gpu-lora"].adapter

A run is (experiment, model tag, variant); its results file is where `graphsql.experiments.variants` (``eval``),
`graphsql.experiments.bird_schema` (``bird_schema``) or the baseline's scorer writes it, and a replay of its
recorded candidates (`graphsql.experiments.sc_count`; BIRD: ``--repairs``) is named by the replayed file's stem.
A model may say how its adapter is trained (``train``: a sample set of ``sample_sets``, a training config, the
training run's folder, a seed, cpu or gpu); a sample set names an augment config and the augmentations switched off.
Loading is strict: an unknown key, a run of an undeclared model, a model trained on an undeclared sample set, or a
comparison or table row naming a run that no experiment declares is a ConfigError naming the place. `graphsql run`
(`graphsql.experiments.runner`) runs what is declared: builds the sample set, trains and exports an adapter that is
missing (CPU recipes; GPU recipes print the device commands), then evaluates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from graphsql.config import MERGED_QUANTS, REPO_ROOT, build_dataclass, read_yaml_mapping
from graphsql.errors import ConfigError
from graphsql.experiments import layout

REGISTRY_FILE = REPO_ROOT / "experiments.yaml"
MODEL_KINDS = ("llm", "seq2seq")
EXPERIMENT_KINDS = ("eval", "bird_schema")
GROUPS = ("main", "ablation", "fewshot", "inference", "baseline", "robustness", "speed", "seeds")
COMPARISON_KINDS = ("systems", "replays", "bird_schema")
REPLAY_STEM = re.compile(
    r"^(?P<variant>.+?)(?P<suffix>_repairs_exact|_repairs_columns|_repairs_joins|_repairs|_values_names|_names)?$")


TRAIN_DEVICES = ("cpu", "gpu")


@dataclass(frozen=True)
class SampleSetSpec:
    """A training sample set (``runs/augment/<name>/``): an augment config with some augmentations switched off."""

    config: str = field(metadata={"help": "the augment config (configs/augment_*.yaml)"})
    without: tuple = field(default=(), metadata={"help": "augmentations switched off (graphsql augment --without)"})
    tokenizer: str | None = field(default="qwen2.5-coder-0.5b",
                                  metadata={"help": "counts the manifest's tokens; none: a characters estimate"})

    def __post_init__(self):
        if not isinstance(self.without, list | tuple) or not all(isinstance(a, str) for a in self.without):
            raise ConfigError(f"without: expected a list of augmentation names, got {self.without!r}")
        object.__setattr__(self, "without", tuple(self.without))


@dataclass(frozen=True)
class TrainSpec:
    """How a model's adapter is trained: ``graphsql train`` on a declared sample set, then ``graphsql model export``."""

    samples: str = field(metadata={"help": "a sample set declared under sample_sets"})
    config: str = field(metadata={"help": "the training config (configs/train_*.yaml)"})
    run: str = field(metadata={"help": "the training run's folder (checkpoints, log, metrics)"})
    seed: int | None = field(default=None, metadata={"help": "training seed (default: the config's)"})
    epochs: int | None = field(default=None, metadata={"help": "passes over the samples (default: the config's)"})
    device: str = field(default="cpu", metadata={"help": "cpu: `graphsql run` trains it here; gpu: a lent GPU"})

    def __post_init__(self):
        if self.device not in TRAIN_DEVICES:
            raise ConfigError(f"device must be one of {', '.join(TRAIN_DEVICES)}, not {self.device!r}")

    @property
    def device_run(self) -> str:
        """The run name the device scripts take (scripts/device_pack.sh: RUN or RUN_seedN)."""
        return self.samples + (f"_seed{self.seed}" if self.seed is not None else "")


@dataclass(frozen=True)
class ModelSpec:
    """A model setting evaluated under one tag."""

    label: str = field(metadata={"help": "what the model is, in the report's words"})
    kind: str = field(default="llm", metadata={"help": "llm | seq2seq (the pre-LLM baseline trained here)"})
    adapter: str | None = field(default=None, metadata={"help": "LoRA adapter folder; none: the bare model"})
    merge: str | None = field(default=None, metadata={"help": "the adapter merged into a GGUF of this format"})
    group: str = field(default="main", metadata={"help": "main | ablation | seeds | baseline | speed | ..."})
    recipe: str = field(default="", metadata={"help": "how the adapter is made, printed when it is missing"})
    train: TrainSpec | None = field(default=None, metadata={"help": "how `graphsql run` trains the adapter"})
    ablates: str | None = field(default=None, metadata={"help": "the model whose recipe this one retrains with one "
                                                               "change (augmentations off, a seed, epochs): an "
                                                               "ablation row of the report"})

    def __post_init__(self):
        if self.ablates is not None and self.train is None:
            raise ConfigError("ablates: an ablation needs its train (what it changed is read from there)")
        if self.train is not None and not self.adapter:
            raise ConfigError("train: a model without an adapter has nothing to train")
        if self.kind not in MODEL_KINDS:
            raise ConfigError(f"model kind must be one of {', '.join(MODEL_KINDS)}, not {self.kind!r}")
        if self.merge is not None and (self.merge not in MERGED_QUANTS or not self.adapter):
            raise ConfigError(f"merge: {self.merge!r} needs an adapter and one of {', '.join(MERGED_QUANTS)}")
        if self.group not in GROUPS:
            raise ConfigError(f"group must be one of {', '.join(GROUPS)}, not {self.group!r}")

    def adapter_present(self, root: Path = REPO_ROOT) -> bool:
        return self.adapter is None or (root / self.adapter / "adapter_model.safetensors").exists()


@dataclass(frozen=True)
class ExperimentSpec:
    """A question set and the (model tag -> variants) run on it, with the replays of their candidates."""

    id: str
    dataset: str
    split: str
    kind: str = "eval"
    group: str = "main"
    label: str = ""
    sample: int | None = None  # stratified sample size; none: every runnable question
    seed: int = 0
    n_ctx: int | None = None  # llama.cpp context (BIRD's few-shot prompts need 4096)
    reuse: tuple = ()  # subsets (strat300-seed0; dev-all: another split's) whose recorded answers a run reuses
    # where the question is the same (same variant and settings)
    runs: dict = field(default_factory=dict)
    replays: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.kind not in EXPERIMENT_KINDS:
            raise ConfigError(f"{self.id}: kind must be one of {', '.join(EXPERIMENT_KINDS)}, not {self.kind!r}")
        if self.group not in GROUPS:
            raise ConfigError(f"{self.id}: group must be one of {', '.join(GROUPS)}, not {self.group!r}")
        for name in ("runs", "replays"):
            value = getattr(self, name)
            if not isinstance(value, dict) or not all(isinstance(v, list | tuple) for v in value.values()):
                raise ConfigError(f"{self.id}.{name}: expected model tag: [variant, ...]")
            object.__setattr__(self, name, {tag: tuple(v) for tag, v in value.items()})
        if not isinstance(self.reuse, list | tuple) or not all(isinstance(s, str) for s in self.reuse):
            raise ConfigError(f"{self.id}.reuse: expected a list of subsets, e.g. [strat300-seed0]")
        object.__setattr__(self, "reuse", tuple(self.reuse))
        if not self.runs:
            raise ConfigError(f"{self.id}: no runs")
        folder = layout.experiment_id(self.subset, self.kind)  # the results folder is named by the id
        if self.id != folder:
            raise ConfigError(f"{self.id}: the id must name its questions: {folder!r}")
        for tag, stems in self.replays.items():
            for stem in stems:
                if REPLAY_STEM.match(stem)["variant"] not in self.runs.get(tag, ()):
                    raise ConfigError(f"{self.id}.replays.{tag}: {stem} replays no run of {tag} in this experiment")

    @property
    def subset(self) -> str:
        """The results folder name: ``<dataset>-<split>-<all | strat<N>-seed<S>>``."""
        part = f"strat{self.sample}-seed{self.seed}" if self.sample else "all"
        return f"{self.dataset}-{self.split}-{part}"

    def result_path(self, results: Path, tag: str, name: str, replay: bool = False) -> Path:
        """Where a run (``name`` = variant) or a replay (``name`` = its stem) writes its results."""
        where = layout.replay_file if replay else layout.run_file
        return where(results, self.subset, tag, name, kind=self.kind)


@dataclass(frozen=True)
class Ablation:
    """What an ablated (or reseeded) model changed against the full recipe it `ablates`, read from both models'
    ``train`` and their sample sets."""

    tag: str
    full: str  # the full adapter's tag
    without: tuple[str, ...]  # augmentations switched off that the full recipe has
    seed: int | None  # the training seed, where it differs from the full adapter's
    epochs: int | None  # passes over the samples, where set
    full_run: str  # the training runs' names (results/train/<name>.json)
    run: str

    @property
    def off(self) -> str:
        """The change in words, e.g. "perturb", "graph views, perturb; 2 epochs", "" for a reseeded run."""
        words = ", ".join(a.replace("_", " ") for a in self.without)
        return "; ".join(x for x in (words, f"{self.epochs} epochs" if self.epochs else "") if x)

    def describe(self) -> str:
        """The report's "without" cell."""
        return self.off or f"nothing: the same recipe, training seed {self.seed}"

    def label(self) -> str:
        """A forest-plot row's label."""
        return f"{self.full}: " + (f"without {self.off}" if self.off else f"training seed {self.seed}")


@dataclass(frozen=True)
class Registry:
    """``experiments.yaml``, loaded and checked."""

    models: dict
    experiments: tuple
    systems: tuple  # (label, tag, variant): the main table's rows, in order
    comparisons: dict  # kind -> ((tag_a, variant_a), (tag_b, variant_b)) pairs
    headline: dict = field(default_factory=dict)  # spider, geo, bird: experiment ids; rows: (label, tag, name)
    sample_sets: dict = field(default_factory=dict)  # name -> SampleSetSpec
    root: Path = REPO_ROOT  # the folder relative paths (adapters, configs, runs/) start from

    def sample_set(self, name: str) -> SampleSetSpec:
        if name not in self.sample_sets:
            raise ConfigError(f"no sample set {name!r} in experiments.yaml (known: {', '.join(self.sample_sets)})")
        return self.sample_sets[name]

    def experiment(self, exp_id: str) -> ExperimentSpec:
        for exp in self.experiments:
            if exp.id == exp_id:
                return exp
        raise ConfigError(f"no experiment {exp_id!r} in experiments.yaml (known: "
                          f"{', '.join(e.id for e in self.experiments)})")

    def ablation(self, tag: str) -> Ablation | None:
        """What model ``tag`` changed against the recipe it ablates; None if it ablates none (or is undeclared)."""
        spec = self.models.get(tag)
        if spec is None or spec.ablates is None:
            return None
        full = self.models[spec.ablates]
        own, base = spec.train, full.train
        off = self.sample_set(own.samples).without
        kept = set(self.sample_set(base.samples).without)
        return Ablation(tag, spec.ablates, tuple(a for a in off if a not in kept),
                        own.seed if own.seed != base.seed else None, own.epochs,
                        Path(base.run).name, Path(own.run).name)

    def declared(self) -> set[tuple[str, str, str, bool]]:
        """(experiment id, tag, variant or replay stem, is a replay) of every declared run and replay."""
        out = set()
        for exp in self.experiments:
            for table, replay in ((exp.runs, False), (exp.replays, True)):
                out.update((exp.id, tag, v, replay) for tag, vs in table.items() for v in vs)
        return out


def _pair(text: str, where: str) -> tuple[str, str]:
    if not isinstance(text, str) or text.count(":") != 1:
        raise ConfigError(f"{where}: expected 'tag:variant', got {text!r}")
    tag, variant = text.split(":")
    return tag, variant


def load_registry(path: str | Path | None = None) -> Registry:
    """Read and check ``experiments.yaml`` (default: the repository's); ConfigError naming the place otherwise."""
    path = Path(path) if path is not None else REGISTRY_FILE
    data = read_yaml_mapping(path)
    known = ("models", "experiments", "systems", "comparisons", "headline", "sample_sets")
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(unknown)} (known: {', '.join(known)})")
    sample_sets = {name: build_dataclass(SampleSetSpec, spec, f"{path}: sample_sets.{name}")
                   for name, spec in (data.get("sample_sets") or {}).items()}
    models = {}
    for tag, spec in (data.get("models") or {}).items():
        where = f"{path}: models.{tag}"
        if isinstance(spec, dict) and spec.get("train") is not None:
            spec = {**spec, "train": build_dataclass(TrainSpec, spec["train"], f"{where}.train")}
            if spec["train"].samples not in sample_sets:
                raise ConfigError(f"{where}.train: sample set {spec['train'].samples!r} is not declared under "
                                  f"sample_sets")
        models[tag] = build_dataclass(ModelSpec, spec, where)
    for tag, spec in models.items():
        if spec.ablates is not None and (spec.ablates not in models or models[spec.ablates].train is None):
            raise ConfigError(f"{path}: models.{tag}.ablates: {spec.ablates!r} is not a declared model with a train")
    experiments = tuple(build_dataclass(ExperimentSpec, spec, f"{path}: experiments[{i}]")
                        for i, spec in enumerate(data.get("experiments") or []))
    ids = [e.id for e in experiments]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"{path}: experiment ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
    runs: dict[str, set[tuple[str, str]]] = {"eval": set(), "bird_schema": set()}
    for exp in experiments:
        for table in ("runs", "replays"):
            for tag, variants in getattr(exp, table).items():
                if tag not in models:
                    raise ConfigError(f"{path}: {exp.id}.{table} names model {tag!r}, not declared under models")
                runs[exp.kind].update((tag, v) for v in variants)
    systems = []
    for i, row in enumerate(data.get("systems") or []):
        if not isinstance(row, list) or len(row) != 2:
            raise ConfigError(f"{path}: systems[{i}]: expected [label, tag:variant]")
        tag, variant = _pair(row[1], f"{path}: systems[{i}]")
        if tag not in models:
            raise ConfigError(f"{path}: systems[{i}]: model {tag!r} is not declared under models")
        systems.append((row[0], tag, variant))
    comparisons = {}
    raw = data.get("comparisons") or {}
    bad = sorted(set(raw) - set(COMPARISON_KINDS))
    if bad:
        raise ConfigError(f"{path}: comparisons: unknown kind(s) {', '.join(bad)} (known: {', '.join(COMPARISON_KINDS)})")
    for kind in COMPARISON_KINDS:
        pairs = []
        for i, pair in enumerate(raw.get(kind) or []):
            where = f"{path}: comparisons.{kind}[{i}]"
            if not isinstance(pair, list) or len(pair) != 2:
                raise ConfigError(f"{where}: expected [tag:variant, tag:variant]")
            a, b = _pair(pair[0], where), _pair(pair[1], where)
            for tag, _ in (a, b):
                if tag not in models:
                    raise ConfigError(f"{where}: model {tag!r} is not declared under models")
            pairs.append((a, b))
        comparisons[kind] = tuple(pairs)
    headline = dict(data.get("headline") or {})
    bad = sorted(set(headline) - {"spider", "geo", "bird", "rows"})
    if bad:
        raise ConfigError(f"{path}: headline: unknown key(s) {', '.join(bad)} (known: spider, geo, bird, rows)")
    rows = []
    for i, row in enumerate(headline.get("rows") or []):
        if not isinstance(row, list) or len(row) != 2:
            raise ConfigError(f"{path}: headline.rows[{i}]: expected [label, tag:variant]")
        rows.append((row[0], *_pair(row[1], f"{path}: headline.rows[{i}]")))
    headline["rows"] = tuple(rows)
    registry = Registry(models, experiments, tuple(systems), comparisons, headline, sample_sets, path.resolve().parent)
    for key in ("spider", "geo", "bird"):
        if key in headline:
            registry.experiment(headline[key])
    return registry
