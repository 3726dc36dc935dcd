"""Paired comparisons of two evaluated systems on the same items, with bootstrap confidence intervals.

    >>> paired_bootstrap(metrics_a["items"], metrics_b["items"], key="ex")
    {'n': 300, 'a': 0.41, 'b': 0.47, 'diff': 0.06, 'ci95': [0.02, 0.10], 'p_b_not_better': 0.004}

Items are matched by ``idx``; only items present in both count. ``key`` may be a dotted path to a number in
each item (``tables.f1``); a true/false value counts as 1/0. Resampling is seeded, so the same inputs always give
the same interval.

``cluster``: resample groups of items instead of items (a cluster bootstrap), e.g. every question of one query
template together, where a benchmark asks the same query many times (GeoQuery): its interval is then honest about
how many independent queries the difference rests on. With one item a group it equals the item bootstrap.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence


def _value(item: dict, key: str) -> float:
    """The number at ``key`` (dotted path) in ``item``; True/False/None as 1/0/0."""
    value = item
    for part in key.split("."):
        value = value[part]
    return float(value) if isinstance(value, (int, float)) else float(bool(value))


def _draws(m: int, count: int, seed: int):
    """The first ``count`` values of ``random.Random(seed).randrange(m)``, drawn at once: numpy's MT19937 started
    from the same state gives the same 32-bit words, and ``randrange`` keeps the top ``m.bit_length()`` bits of each
    word, skipping values >= m."""
    import numpy as np

    bitgen = np.random.MT19937()
    state = random.Random(seed).getstate()[1]
    bitgen.state = {"bit_generator": "MT19937", "state": {"key": np.array(state[:-1], dtype=np.uint32),
                                                          "pos": state[-1]}}
    shift = 32 - m.bit_length()
    out = np.empty(0, dtype=np.int64)
    while out.size < count:
        words = bitgen.random_raw(2 * (count - out.size) + 64) >> np.uint64(shift)
        out = np.concatenate([out, words[words < m].astype(np.int64)])
    return out[:count]


def _resampled_diffs(sums: list[list], n_boot: int, seed: int) -> list[float]:
    """Mean difference b - a of ``n_boot`` resamples (with replacement) of the groups ``sums`` ([sum of a, sum of
    b, items]), as ``random.Random(seed).randrange`` draws them: the same figures as drawing one at a time."""
    m = len(sums)
    drawn = _draws(m, m * n_boot, seed).reshape(n_boot, m)
    gaps = [g[1] - g[0] for g in sums]
    sizes = [g[2] for g in sums]
    if all(float(x).is_integer() for x in gaps):  # sums of whole numbers: exact in any order
        import numpy as np

        return list((np.array(gaps)[drawn].sum(axis=1) / np.array(sizes)[drawn].sum(axis=1)).tolist())
    # fractions (F1 scores): summed in the drawn order, as they always were
    return [sum(map(gaps.__getitem__, row)) / sum(map(sizes.__getitem__, row)) for row in drawn.tolist()]


def paired_bootstrap(items_a: Sequence[dict], items_b: Sequence[dict], key: str = "ex", n_boot: int = 2000,
                     seed: int = 0, subset: str | tuple[str, ...] | None = None, subset_key: str = "joins_bucket",
                     cluster: Callable[[dict], str] | None = None) -> dict:
    """Difference b - a of the mean of ``key`` over matched items, with a 95% percentile bootstrap interval and
    the share of resamples where b does not beat a. ``subset``: only items whose ``subset_key`` is that value
    (or one of those values). ``cluster``: item (of b) -> its group; groups are resampled whole, and the result
    also gives their number (``clusters``)."""
    by_a = {it["idx"]: it for it in items_a}
    wanted = None if subset is None else ({subset} if isinstance(subset, str) else set(subset))
    matched = [it for it in items_b if it["idx"] in by_a and (wanted is None or str(it.get(subset_key)) in wanted)]
    n = len(matched)
    if n == 0:
        return {"n": 0, "a": None, "b": None, "diff": None, "ci95": None, "p_b_not_better": None}
    groups: dict[object, list[float]] = {}  # group -> [sum of a, sum of b, items], in order of first appearance
    for i, it in enumerate(matched):
        g = groups.setdefault(cluster(it) if cluster else i, [0.0, 0.0, 0])
        g[0] += _value(by_a[it["idx"]], key)
        g[1] += _value(it, key)
        g[2] += 1
    sums = list(groups.values())
    a = sum(g[0] for g in sums) / n
    b = sum(g[1] for g in sums) / n
    diffs = sorted(_resampled_diffs(sums, n_boot, seed))
    lo, hi = diffs[int(0.025 * n_boot)], diffs[min(int(0.975 * n_boot), n_boot - 1)]
    out = {"n": n, "a": round(a, 4), "b": round(b, 4), "diff": round(b - a, 4), "ci95": [round(lo, 4), round(hi, 4)],
           "p_b_not_better": round(sum(d <= 0 for d in diffs) / n_boot, 4)}
    if cluster:
        out["clusters"] = len(sums)
    return out
