"""Paired comparisons of two evaluated systems on the same items, with bootstrap confidence intervals.

    >>> paired_bootstrap(metrics_a["items"], metrics_b["items"], key="ex")
    {'n': 300, 'a': 0.41, 'b': 0.47, 'diff': 0.06, 'ci95': [0.02, 0.10], 'p_b_not_better': 0.004}

Items are matched by ``idx``; only items present in both count. ``key`` may be a dotted path to a number in
each item (``tables.f1``); a true/false value counts as 1/0. Resampling is seeded, so the same inputs always give
the same interval.
"""

from __future__ import annotations

import random
from collections.abc import Sequence


def _value(item: dict, key: str) -> float:
    """The number at ``key`` (dotted path) in ``item``; True/False/None as 1/0/0."""
    value = item
    for part in key.split("."):
        value = value[part]
    return float(value) if isinstance(value, (int, float)) else float(bool(value))


def paired_bootstrap(items_a: Sequence[dict], items_b: Sequence[dict], key: str = "ex", n_boot: int = 2000,
                     seed: int = 0, subset: str | tuple[str, ...] | None = None, subset_key: str = "joins_bucket") -> dict:
    """Difference b - a of the mean of ``key`` over matched items, with a 95% percentile bootstrap interval and
    the share of resamples where b does not beat a. ``subset``: only items whose ``subset_key`` is that value
    (or one of those values)."""
    by_a = {it["idx"]: it for it in items_a}
    wanted = None if subset is None else ({subset} if isinstance(subset, str) else set(subset))
    pairs = [(_value(by_a[it["idx"]], key), _value(it, key)) for it in items_b
             if it["idx"] in by_a and (wanted is None or str(it.get(subset_key)) in wanted)]
    n = len(pairs)
    if n == 0:
        return {"n": 0, "a": None, "b": None, "diff": None, "ci95": None, "p_b_not_better": None}
    a = sum(x for x, _ in pairs) / n
    b = sum(y for _, y in pairs) / n
    rng = random.Random(seed)
    diffs = []
    for _ in range(n_boot):
        sample = [pairs[rng.randrange(n)] for _ in range(n)]
        diffs.append(sum(y - x for x, y in sample) / n)
    diffs.sort()
    lo, hi = diffs[int(0.025 * n_boot)], diffs[min(int(0.975 * n_boot), n_boot - 1)]
    return {"n": n, "a": round(a, 4), "b": round(b, 4), "diff": round(b - a, 4), "ci95": [round(lo, 4), round(hi, 4)],
            "p_b_not_better": round(sum(d <= 0 for d in diffs) / n_boot, 4)}
