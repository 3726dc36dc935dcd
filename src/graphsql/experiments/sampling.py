"""Fixed, named evaluation subsets: a stratified sample keeps the mix of hardness and JOIN counts.

    >>> subset = stratified_sample(ds.runnable(), key=lambda e: (hardness(e), joins(e)), n=300, seed=0)
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

T = TypeVar("T")


def stratified_sample(items: Sequence[T], key: Callable[[T], Hashable], n: int, seed: int = 0) -> list[T]:
    """``n`` items drawn so that every stratum (value of ``key``) keeps its share (largest-remainder rounding,
    at least one item per stratum while ``n`` allows). The result keeps the input order. Deterministic."""
    if n >= len(items):
        return list(items)
    strata: dict[Hashable, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        strata[key(item)].append(i)
    order = sorted(strata, key=repr)
    quotas = {k: n * len(strata[k]) / len(items) for k in order}
    counts = {k: max(1, int(quotas[k])) for k in order}
    rest = n - sum(counts.values())
    for k in sorted(order, key=lambda k: (counts[k] - quotas[k], repr(k)))[: max(rest, 0)]:
        counts[k] += 1
    while rest < 0:  # the one-per-stratum floor overshot: take back from the most over-served strata
        k = max((k for k in order if counts[k] > 1), key=lambda k: (counts[k] - quotas[k], repr(k)))
        counts[k] -= 1
        rest += 1
    rng = random.Random(seed)
    chosen = []
    for k in order:
        chosen += rng.sample(strata[k], min(counts[k], len(strata[k])))
    return [items[i] for i in sorted(chosen)]
