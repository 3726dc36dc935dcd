"""Where things live, and one dataclass of settings per stage.

    >>> from graphsql.config import data_root
    >>> data_root()          # ../shared/data next to the checkout, or $GRAPHSQL_DATA
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

from graphsql.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parents[2]


def data_root() -> Path:
    """The benchmark data folder: ``$GRAPHSQL_DATA`` if set, else ``../shared/data`` beside the repository."""
    env = os.environ.get("GRAPHSQL_DATA")
    if env:
        return Path(env)
    return (REPO_ROOT.parent / "shared" / "data").resolve()


def cache_dir() -> Path:
    """Model and index cache: ``$GRAPHSQL_CACHE`` if set, else ``~/.cache/graphsql``."""
    env = os.environ.get("GRAPHSQL_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "graphsql"


# ---------------------------------------------------------------------------------------------------------
# Stage configurations. Values are layered in one place: defaults here, then configs/<name>.yaml, then flags.


SCHEMA_FORMATS = ("ddl", "compact", "graph")
SHOTS_WHEN = ("empty", "always")  # PromptConfig.shots_when
# settings a results file made before they existed ran with (not their default now): (part, key) -> value
LEGACY_SETTINGS = {("prompt", "shots_when"): "always"}
SHOT_SELECTORS = ("random", "question_similar", "masked_question_similar", "typed_question_similar", "skeleton_similar",
                  "graph_similar")
# shot_selector "auto": what measured best for each kind of pool (docs/report.md, Few-shot and BIRD): demonstrations
# from the asked database itself (GeoQuery's train questions, a user's own examples file) by question similarity
# (tied with graph-similar on GeoQuery, better tables and columns F1 on BIRD); from other databases (Spider train)
# by graph similarity (beats random for the bare model; costs the default adapter least)
AUTO_SELECTOR = "auto"
SHOT_POOLS = ("spider", "geo", "geo_question")  # graphsql.demos.select.POOL_SOURCES
# how demonstrations are shown: decided where a model is asked (defaults, config file, flags), not by the prompt section
# an adapter was exported with (which records them as they were in training: no demonstrations)
DEMO_SETTINGS = ("shots", "shot_selector", "shot_pool", "shots_when", "restyle_shots")
MERGED_QUANTS = ("f16", "q8_0", "q4_k_m", "q4_0", "q5_k_m", "q6_k")  # graphsql.inference.merge.QUANT_TYPES


@dataclass(frozen=True)
class PromptConfig:
    """How a question and its schema become chat messages (the same for training and inference)."""

    schema_format: str = field(default="ddl", metadata={"help": "ddl | compact | graph (the base model does best with ddl; an adapter brings the format it was trained on)"})
    prune: bool = field(default=True, metadata={"help": "keep only linked tables + join paths + neighbours"})
    max_tables: int = field(default=4, metadata={"help": "pruning budget: most tables kept"})
    max_columns: int | None = field(default=None, metadata={"help": "pruning: most columns per table (None: all)"})
    include_fks: bool = field(default=True, metadata={"help": "write foreign keys into the schema text"})
    include_join_path: bool = field(default=True, metadata={"help": "graph format: list the join path of linked tables"})
    sample_values: int = field(default=0, metadata={"help": "sample values shown per column"})
    matched_values: bool = field(default=True, metadata={"help": "show database values found in the question"})
    link_pertainyms: bool = field(default=False, metadata={"help": "link a value the question names by an adjective (French -> France; WordNet's pertainyms: graphsql.schema.pertainyms); off: measured without effect on ask's answers (report)"})
    echo_schema_words: bool = field(default=False, metadata={"help": "ask the question with each word that is a WordNet synonym of one schema word replaced by it (vocalists -> singers: graphsql.schema.synonyms.schema_echo); off: gains on the rewording probes within their intervals (report)"})
    link_synonyms: bool = field(default=False, metadata={"help": "link question words to the schema words they are WordNet synonyms of (vocalist -> singer: graphsql.schema.synonyms); off: the tables it brings in cost as many answers as it gains (report)"})
    typed_values: bool = field(default=False, metadata={"help": "of a value several columns hold, link only the columns named by the word beside it in the question (the colorado river -> river.river_name; graphsql.schema.link.typed_values); off: gains on GeoQuery, where it was written, and loses one Spider dev answer net (report)"})
    infer_fks: bool = field(default=True, metadata={"help": "add inferred foreign keys to the graph"})
    infer_keys: bool = field(default=True, metadata={"help": "with infer_fks, for databases that declare no keys: primary keys and text references inferred from the data (graphsql.schema.infer)"})
    answer_format: str = field(default="sql", metadata={"help": "sql | decomposed (tables, joins, subqueries, clauses, then SQL:)"})
    shots: int = field(default=3, metadata={"help": "few-shot demonstrations per question, from shot_pool, shown "
                                                    "as shots_when says (by default only when the zero-shot answer "
                                                    "fails or returns no rows; without a copy of the pool's dataset "
                                                    "on this machine: zero-shot, with a warning); 0: zero-shot"})
    shot_selector: str = field(default=AUTO_SELECTOR, metadata={"help": "auto (question_similar for examples "
                                                                       "from the asked database, graph_similar for "
                                                                       "spider) | " + " | ".join(SHOT_SELECTORS)})
    shot_pool: str = field(default="spider", metadata={"help": "where demonstrations come from: spider (Spider train, "
                                                               "other databases) | geo (GeoQuery query-split train, "
                                                               "the GeoQuery database itself) | a .json file of "
                                                               "your own {question, sql} examples on the database"})
    shots_when: str = field(default="empty", metadata={"help": "empty: ask without the demonstrations first and with "
                                                              "them only when that answer fails or returns no rows "
                                                              "(their answer replaces it if it returns rows; the "
                                                              "default adapter copies demonstrations it was never "
                                                              "trained with: report) | always"})
    restyle_shots: bool = field(default=False, metadata={"help": "show each demonstration's SQL in the style the "
                                                                  "adapters were trained on (Spider's: names as the "
                                                                  "schema spells them, T1/T2 aliases only in joins; "
                                                                  "graphsql.sql.style), not as its author wrote it"})

    def __post_init__(self):
        if self.schema_format not in SCHEMA_FORMATS:
            raise ConfigError(f"prompt.schema_format must be one of {', '.join(SCHEMA_FORMATS)}, not {self.schema_format!r}")
        if self.max_tables < 1:
            raise ConfigError("prompt.max_tables must be >= 1")
        if self.shots < 0:
            raise ConfigError("prompt.shots must be >= 0")
        if self.answer_format not in ("sql", "decomposed"):
            raise ConfigError(f"prompt.answer_format must be sql or decomposed, not {self.answer_format!r}")
        if self.shot_selector not in (AUTO_SELECTOR, *SHOT_SELECTORS):
            raise ConfigError(f"prompt.shot_selector must be one of {AUTO_SELECTOR}, {', '.join(SHOT_SELECTORS)}, "
                              f"not {self.shot_selector!r}")
        if self.shot_pool not in SHOT_POOLS and not self.examples_file:
            raise ConfigError(f"prompt.shot_pool must be one of {', '.join(SHOT_POOLS)} or a .json file of examples, "
                              f"not {self.shot_pool!r}")
        if self.shots_when not in SHOTS_WHEN:
            raise ConfigError(f"prompt.shots_when must be one of {', '.join(SHOTS_WHEN)}, not {self.shots_when!r}")
        if self.max_columns is not None and self.max_columns < 1:
            raise ConfigError("prompt.max_columns must be >= 1 (or null for all columns)")

    @property
    def examples_file(self) -> str | None:
        """``shot_pool`` when it names a .json file of the user's own examples (not a named pool), else None."""
        return self.shot_pool if self.shot_pool.endswith(".json") else None

    def selector_for(self, cross_database: bool) -> str:
        """The demonstration selector that runs on a pool: ``shot_selector``, or for ``auto`` graph_similar when the
        demonstrations come from other databases, question_similar when they come from the asked one."""
        if self.shot_selector != AUTO_SELECTOR:
            return self.shot_selector
        return "graph_similar" if cross_database else "question_similar"


# no demonstrations: for answers recorded or scripted before they became ask's default (hardening, engines, serving)
ZERO_SHOT = PromptConfig(shots=0)


@dataclass(frozen=True)
class InferConfig:
    """Generation and self-consistency."""

    model: str = field(default="qwen2.5-coder-0.5b", metadata={"help": "short name, local folder or HF model id"})
    adapter: str | None = field(default="default", metadata={"help": "LoRA adapter folder; default: the shipped graph adapter of the default model; none: the bare model"})
    backend: str = field(default="auto", metadata={"help": "auto | transformers | llama.cpp | openai (an OpenAI-compatible server at base_url)"})
    base_url: str = field(default="", metadata={"help": "backend openai: the server's URL, e.g. http://127.0.0.1:8000/v1 (its API key: --api-key or GRAPHSQL_API_KEY, never stored)"})
    merge: bool = field(default=True, metadata={"help": "llama.cpp: run the adapter merged into the base weights (a GGUF built once, cached); false: apply the LoRA at run time"})
    quant: str = field(default="q8_0", metadata={"help": "format of the merged GGUF: f16 | q8_0 | q4_k_m | q4_0 | q5_k_m | q6_k"})
    samples: int = field(default=1, metadata={"help": "self-consistency candidates (1 = greedy)"})
    temperature: float = field(default=0.7, metadata={"help": "sampling temperature when samples > 1"})
    max_new_tokens: int = field(default=200, metadata={"help": "longest SQL generated"})
    repair: bool = field(default=True, metadata={"help": "re-prompt once with the error when every candidate fails"})
    fallback: int = field(default=4, metadata={"help": "when no candidate runs (the error re-prompt included), sample this many more at `temperature` and keep the voted one that runs (execution-guided; 0 = off)"})
    fallback_empty: bool = field(default=False, metadata={"help": "also draw the fallback samples when the answer runs but returns no rows, and keep the voted sample that returns some (the empty answer stays if none does)"})
    reuse_examples: bool = field(default=True, metadata={"help": "answer from a worked example of the same database (ask --shot-pool, the web page's examples) whose question is the asked one with other values, its SQL with the asked values, when that runs and returns rows; no model runs (graphsql.demos.reuse)"})
    respell_literals: bool = field(default=True, metadata={"help": "compare a column with the value it holds where the answer's literal is one it never holds: the same up to letter case, the same country or place, without its table's name words, in another column of the table or across the column's foreign key (graphsql.inference.literals)"})
    names_for_star: bool = field(default=True, metadata={"help": "answer a question about entities that names no column and does not ask for everything about them (or for ids) with their name column(s) instead of SELECT * or a key column (Spider's convention; graphsql.inference.entity)"})
    fix_columns: bool = field(default=True, metadata={"help": "move a column its alias's table lacks to the one table of the SELECT that has it"})
    fix_joins: bool = field(default=True, metadata={"help": "reroute a JOIN on columns no foreign key links along the schema graph's FK path, attach a JOIN whose condition misses its table, and join in the neighbouring table of a column no table of its SELECT has"})
    fix_names: bool = field(default=True, metadata={"help": "match a table or column the schema lacks to the one it names closely (case and punctuation aside, its natural name, the start or end of a long name) and write other dialects' date functions in SQLite's terms"})
    grammar: bool = field(default=False, metadata={"help": "llama.cpp: decode under a grammar that allows only the shown schema's table and column names (graphsql.inference.grammar)"})
    timeout: float = field(default=30.0, metadata={"help": "seconds allowed per query execution"})
    max_rows: int = field(default=10_000, metadata={"help": "rows kept per executed candidate (memory cap)"})
    seed: int = field(default=0, metadata={"help": "sampling seed"})

    def __post_init__(self):
        if self.samples < 1:
            raise ConfigError("infer.samples must be >= 1")
        if self.samples > 1 and self.temperature <= 0:
            raise ConfigError("infer.temperature must be > 0 when infer.samples > 1 (voting needs diverse samples)")
        if self.fallback < 0:
            raise ConfigError("infer.fallback must be >= 0")
        if self.fallback > 0 and self.temperature <= 0:
            raise ConfigError("infer.temperature must be > 0 when infer.fallback > 0 (the fallback samples)")
        if self.backend not in ("auto", "transformers", "llama.cpp", "openai"):
            raise ConfigError(f"infer.backend must be auto, transformers, llama.cpp or openai, not {self.backend!r}")
        if self.backend == "openai" and not self.base_url:
            raise ConfigError("infer.backend openai needs infer.base_url (--base-url http://host:port/v1)")
        if self.timeout <= 0:
            raise ConfigError("infer.timeout must be > 0")
        if self.quant not in MERGED_QUANTS:
            raise ConfigError(f"infer.quant must be one of {', '.join(MERGED_QUANTS)}, not {self.quant!r}")
        if self.max_rows < 1:
            raise ConfigError("infer.max_rows must be >= 1")


@dataclass(frozen=True)
class EvalConfig:
    """Evaluation settings."""

    dataset: str = field(default="spider", metadata={"help": "spider | bird | geo"})
    split: str = field(default="dev", metadata={"help": "dataset split"})
    timeout: float = field(default=30.0, metadata={"help": "seconds per query"})
    limit: int | None = field(default=None, metadata={"help": "first N questions (smoke runs)"})


@dataclass(frozen=True)
class ExperimentConfig:
    """Everything one run needs; written next to every artefact it produces."""

    name: str = "default"
    seed: int = 0
    prompt: PromptConfig = field(default_factory=PromptConfig)
    infer: InferConfig = field(default_factory=InferConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)


_SCALARS = {int: "an integer", float: "a number", str: "text", bool: "true or false"}


def _check_scalar(hint, value, where: str) -> None:
    """A ConfigError when ``value`` is not of a plain scalar ``hint`` (int, float, str, bool, or one of them or
    None); other hints are left to the dataclass."""
    options = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) \
        else (hint,)
    if not all(o in _SCALARS or o is type(None) for o in options):
        return
    if value is None and type(None) in options:
        return
    for option in options:
        if option is bool and isinstance(value, bool):
            return
        if option is int and isinstance(value, int) and not isinstance(value, bool):
            return
        if option is float and isinstance(value, int | float) and not isinstance(value, bool):
            return
        if option is str and isinstance(value, str):
            return
    wanted = " or ".join(_SCALARS[o] for o in options if o in _SCALARS)
    raise ConfigError(f"{where}: expected {wanted}, got {value!r}")


def build_dataclass(cls, values: dict, where: str):
    """``cls`` from a dict, recursing into dataclass-typed fields; unknown keys and values that are not of a
    field's plain type (int, float, str, bool, optional) are a ConfigError naming them."""
    if not isinstance(values, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(values).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(fields)})")
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for key, value in values.items():
        sub = hints.get(key)
        nested = dataclasses.is_dataclass(sub) and isinstance(value, dict)
        if not nested and sub is not None:
            _check_scalar(sub, value, f"{where}.{key}")
        kwargs[key] = build_dataclass(sub, value, f"{where}.{key}") if nested else value
    try:
        return cls(**kwargs)
    except TypeError as err:
        raise ConfigError(f"{where}: {err}") from err


def _merge(values: dict, layer: dict) -> dict:
    """``layer`` over ``values``; nested dicts merge one level deep."""
    out = dict(values)
    for key, value in layer.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def read_yaml_mapping(path: str | Path) -> dict:
    """The mapping at the top of the YAML file ``path`` (empty file: {}); ConfigError naming the file for a missing
    file, invalid YAML or anything else at the top."""
    import yaml

    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: config file not found")
    try:
        values = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: invalid YAML ({str(err).splitlines()[0]})") from err
    if not isinstance(values, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return values


def load_dataclass_config(cls, path: str | Path | None = None, overrides: dict | None = None, base: dict | None = None):
    """A ``cls`` config: its defaults, then ``base`` (e.g. the prompt settings an adapter was trained with), then
    the YAML file at ``path`` (if any), then ``overrides`` (nested dicts merge one level deep:
    ``{"infer": {"samples": 5}}``). Unknown keys anywhere are a ConfigError."""
    values: dict = read_yaml_mapping(path) if path is not None else {}
    values = _merge(_merge(base or {}, values), overrides or {})
    return build_dataclass(cls, values, str(path) if path is not None else cls.__name__)


ADAPTER_CONFIG_FILE = "graphsql.yaml"  # beside a LoRA adapter: the prompt settings it was trained with
DEFAULT_MODEL_NAME = "qwen2.5-coder-0.5b"
# The adapter `graphsql ask` uses with the default model (committed; written by `graphsql model export`): the graph
# adapter trained on rebalanced samples with a GPU budget (~1 pass, 9.6M tokens), best of the shipped adapters on
# Spider dev (docs/report.md).
DEFAULT_ADAPTER = REPO_ROOT / "models" / "qwen2.5-coder-0.5b-graph-balanced-gpu-lora"


def resolve_adapter(model: str, adapter: str | Path | None, default: Path | None = None) -> str | None:
    """The adapter folder to load: ``"default"`` means the shipped graph adapter when ``model`` is the default
    model and the adapter is present (else the bare model); ``None``/``"none"`` the bare model; anything else is
    a folder (or .gguf) path, which must exist."""
    default = DEFAULT_ADAPTER if default is None else default
    if adapter is None or str(adapter).lower() in ("none", ""):
        return None
    if str(adapter) == "default":
        if model == DEFAULT_MODEL_NAME and (default / "adapter_model.safetensors").is_file():
            return str(default)
        return None
    if not Path(adapter).exists():
        raise ConfigError(f"{adapter}: adapter not found (a peft folder or .gguf file; 'none' for the bare model)")
    return str(adapter)


def adapter_prompt_settings(adapter: str | Path | None) -> dict:
    """The ``prompt`` section of ``<adapter>/graphsql.yaml`` (empty if there is none)."""
    import yaml

    if adapter is None or not (Path(adapter) / ADAPTER_CONFIG_FILE).is_file():
        return {}
    data = yaml.safe_load((Path(adapter) / ADAPTER_CONFIG_FILE).read_text(encoding="utf-8")) or {}
    return dict(data.get("prompt") or {})


def load_config(path: str | Path | None = None, overrides: dict | None = None) -> ExperimentConfig:
    """Defaults, then the prompt settings of the configured adapter (if it has a graphsql.yaml; not those of
    `DEMO_SETTINGS`), then the YAML file at ``path`` (if any), then ``overrides`` ({"infer": {"samples": 5}}). A
    model is always asked in the format it was trained on unless a config or flag says otherwise."""
    config = load_dataclass_config(ExperimentConfig, path, overrides)
    adapter = resolve_adapter(config.infer.model, config.infer.adapter)
    trained = {k: v for k, v in adapter_prompt_settings(adapter).items() if k not in DEMO_SETTINGS}
    if trained:
        config = load_dataclass_config(ExperimentConfig, path, overrides, base={"prompt": trained})
    return dataclasses.replace(config, infer=dataclasses.replace(config.infer, adapter=adapter))


def config_to_dict(config) -> dict:
    """A plain dict of a (nested) config, for writing next to results."""
    return dataclasses.asdict(config)
