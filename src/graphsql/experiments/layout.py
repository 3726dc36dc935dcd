"""Where an experiment's results live: one folder per experiment id (``experiments.yaml``).

    results/<experiment id>/<model tag>/<variant>.json          a run (metrics, per-question items, provenance)
    results/<experiment id>/<model tag>/replays/<stem>.json     a replay of that run's recorded candidates
                                                                (a vote count, the repairs: ``<variant>_repairs`` ...)

An experiment's id is its question set: ``<dataset>-<split>-<all | strat<N>-seed<S>>`` (``subset``), with
``-schema`` after it for BIRD at the schema level. Analyses, benchmarks and published figures have their own
folders beside the experiments (`analysis_file`: ``results/analyses``, `benchmark_file`: ``results/benchmarks``,
`published_file`: ``results/published``).

    >>> from pathlib import Path
    >>> run_file(Path("results"), "spider-dev-all", "base", "ddl_full").as_posix()
    'results/spider-dev-all/base/ddl_full.json'
    >>> replay_file(Path("results"), "bird-dev-strat300-seed0", "base", "ddl_pruned_repairs", kind="bird_schema").as_posix()
    'results/bird-dev-strat300-seed0-schema/base/replays/ddl_pruned_repairs.json'
    >>> parse(Path("results/bird-dev-strat300-seed0-schema/base/replays/ddl_pruned_repairs.json"))
    ('bird_schema', 'bird-dev-strat300-seed0', 'base', 'ddl_pruned_repairs', True)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

BIRD_SUFFIX = "-schema"
REPLAYS = "replays"
NAMES_SUFFIX = "_names"  # a replay of the name rule on a run's answers (graphsql.experiments.rules_replay)
VALUES_SUFFIX = "_values_names"  # a replay of the literal rule, then the name rule
RULE_SUFFIXES = {VALUES_SUFFIX: ("values", "names"), NAMES_SUFFIX: ("names",)}  # suffix -> the rules replayed
RULE_FLAGS = {"values": "respelled", "names": "renamed"}  # rule -> the item field a replay sets where it rewrote


def rule_suffix(stem: str) -> str:
    """The answer-rules replay suffix a stem ends with (`RULE_SUFFIXES`, the longest first), or ""."""
    return next((s for s in RULE_SUFFIXES if stem.endswith(s)), "")


def rules_reference(stem: str) -> str:
    """What a rules replay is compared with: the `_names` replay for `_values_names`, the run itself for `_names`."""
    if stem.endswith(VALUES_SUFFIX):
        return stem.removesuffix(VALUES_SUFFIX) + NAMES_SUFFIX
    return stem.removesuffix(NAMES_SUFFIX)
ANALYSES, BENCHMARKS, PUBLISHED = "analyses", "benchmarks", "published"
SUBSET = re.compile(r"all|strat\d+-seed\d+")  # which questions of a split
# <dataset>-<split>-<all | stratN-seedS>[-schema]
EXPERIMENT_ID = re.compile(r"^(?P<subset>[a-z0-9]+-[a-z0-9_]+-(?:all|strat\d+-seed\d+))(?P<schema>-schema)?$")


def experiment_id(subset: str, kind: str = "eval") -> str:
    """The folder (and id) of the experiment that runs ``kind`` on the question set ``subset``."""
    return subset + BIRD_SUFFIX if kind == "bird_schema" else subset


def analysis_file(results: Path, name: str) -> Path:
    """An analysis across experiments (comparisons, cost, error analysis, hardening, ...)."""
    return results / ANALYSES / name


def benchmark_file(results: Path, name: str) -> Path:
    """A speed or memory benchmark's figures (``bench_*.json``)."""
    return results / BENCHMARKS / name


def published_file(results: Path, name: str) -> Path:
    """Figures published by others, with their sources."""
    return results / PUBLISHED / name


def reuse_source(dataset: str, split: str, entry: str) -> str:
    """The question set an experiment's ``reuse`` entry names: another subset of its split (``strat300-seed0``)
    or of another split of the same dataset (``dev-all``: the questions a probe did not reword are Spider dev's).

    >>> reuse_source("spider", "dev_knowledge", "dev-all"), reuse_source("spider", "dev", "strat300-seed0")
    ('spider-dev-all', 'spider-dev-strat300-seed0')
    """
    if SUBSET.fullmatch(entry):
        return f"{dataset}-{split}-{entry}"
    return f"{dataset}-{entry}"


def run_file(results: Path, subset: str, tag: str, variant: str, kind: str = "eval") -> Path:
    return results / experiment_id(subset, kind) / tag / f"{variant}.json"


def replay_file(results: Path, subset: str, tag: str, stem: str, kind: str = "eval") -> Path:
    return results / experiment_id(subset, kind) / tag / REPLAYS / f"{stem}.json"


def parse(path: Path) -> tuple[str, str, str, str, bool] | None:
    """(kind, subset, tag, name, is a replay) of a results file in this layout; None for any other file."""
    parts = path.parts
    replay = len(parts) >= 4 and parts[-2] == REPLAYS
    folder, tag = (parts[-4], parts[-3]) if replay else (parts[-3], parts[-2]) if len(parts) >= 3 else ("", "")
    match = EXPERIMENT_ID.match(folder)
    if not match or path.suffix != ".json" or path.name.endswith(".partial.json"):
        return None
    return "bird_schema" if match["schema"] else "eval", match["subset"], tag, path.stem, replay


def results_files(results: Path, kind: str | None = None, replays: bool | None = None,
                  name: str = "*") -> Iterator[tuple[Path, str, str, str]]:
    """(path, subset, tag, name) of every results file of ``kind`` (both when None), runs or replays (both when
    None), named ``name`` (a glob), in the order of (tag, subset, name)."""
    patterns = {False: f"*/*/{name}.json", True: f"*/*/{REPLAYS}/{name}.json"}
    found = []
    for replay, pattern in patterns.items():
        if replays not in (None, replay):
            continue
        for path in results.glob(pattern):
            parsed = parse(path.relative_to(results))
            if parsed and kind in (None, parsed[0]):
                found.append((parsed[2], parsed[1], parsed[3], parsed[4], path))
    for tag, subset, found_name, _, path in sorted(found):
        yield path, subset, tag, found_name
