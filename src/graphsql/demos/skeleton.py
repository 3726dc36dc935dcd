"""SQL skeletons and join shapes: what a query looks like once its values and names are masked.

    >>> sql_skeleton("SELECT T1.name FROM singer AS T1 JOIN concert AS T2 ON T1.id = T2.sid WHERE T2.year = 2014")
    'SELECT _ FROM _ JOIN _ ON _ = _ WHERE _ = _'
    >>> join_shape(join_path(graph, ["singer", "concert"]))       # JoinShape(3, 2, True, 'chain')

A skeleton keeps keywords, operators, function names and nesting; every column, table, literal and ``*`` becomes
``_``, aliases are dropped, and a comma list of bare ``_`` (``SELECT a, b``) collapses to one ``_``, so queries
that differ only in how many columns they list share a skeleton. SQL that sqlglot cannot parse gets a
token-level skeleton (keywords kept, everything else masked) instead.

A `JoinShape` is the shape of a join path in a schema graph: how many tables and join conditions, whether a
link (many-to-many) table is in it, and whether the tree is a ``chain`` or a ``star``. It is hashable and has a
`shape_distance` so selectors can prefer equal shapes and fall back to near ones.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from sqlglot import exp

from graphsql.schema.graph import JoinPath
from graphsql.sql.parse import DIALECT, try_parse

MASK = "_"
SHAPES = ("single", "chain", "star")

# Words kept by the token-level fallback skeleton (SQLite keywords and aggregate functions Spider uses).
SKELETON_KEYWORDS = frozenset(
    """select distinct from join inner left right outer cross natural on using where group by having order asc
    desc limit offset union intersect except all and or not in like between is null exists case when then else
    end as count sum avg min max abs length lower upper cast""".split()
)
_TOKEN_RE = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_.]*|<=|>=|!=|<>|\S")
_LIST_RE = re.compile(r"\b_(?:, _\b)+")


def _strip_alias(node: exp.Expression) -> exp.Expression | None:
    if isinstance(node, exp.Alias):  # SELECT x AS y -> x (the alias name is an identifier)
        return node.this
    if isinstance(node, exp.TableAlias):
        return None
    return node


def _mask_node(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal):
        return exp.var(MASK)
    if isinstance(node, (exp.Column, exp.Literal, exp.Star)):
        return exp.var(MASK)
    if isinstance(node, exp.Table):
        return exp.Table(this=exp.to_identifier(MASK))
    return node


def _normalize(text: str) -> str:
    """One space between tokens, no space inside parentheses or before commas, `_, _` lists collapsed,
    sqlglot's ``NOT _ IN`` written back as ``_ NOT IN``."""
    text = " ".join(text.split()).replace("( ", "(").replace(" )", ")").replace(" ,", ",")
    text = _LIST_RE.sub(MASK, text)
    return text.replace("NOT _ IN", "_ NOT IN")


def _token_skeleton(sql: str) -> str:
    out = []
    for tok in _TOKEN_RE.findall(sql):
        low = tok.lower()
        if low in SKELETON_KEYWORDS:
            out.append(tok.upper())
        elif tok[0].isalnum() or tok[0] in "_'\"`":
            out.append(MASK)
        else:
            out.append(tok)
    return _normalize(re.sub(r"\s*,\s*", ", ", " ".join(out)))


def sql_skeleton(sql: str) -> str:
    """The skeleton of ``sql`` (see the module docstring); "" for empty SQL. Deterministic."""
    if not sql or not sql.strip():
        return ""
    tree = try_parse(sql.strip().rstrip(";"))
    if tree is None:
        return _token_skeleton(sql)
    masked = tree.copy().transform(_strip_alias).transform(_mask_node)
    return _normalize(masked.sql(dialect=DIALECT))


def skeleton_tokens(skeleton: str) -> tuple[str, ...]:
    """The skeleton's tokens (parentheses and commas are tokens of their own)."""
    return tuple(re.sub(r"([(),])", r" \1 ", skeleton).split())


def skeleton_grams(skeleton: str) -> Counter:
    """Uni- and bigrams of the skeleton's tokens, as a multiset (for `skeleton_similarity`)."""
    toks = skeleton_tokens(skeleton)
    grams = Counter(toks)
    grams.update(zip(toks, toks[1:], strict=False))
    return grams


def skeleton_similarity(a: Counter, b: Counter) -> float:
    """Weighted Jaccard of two `skeleton_grams` multisets, in [0, 1]; 1.0 for equal skeletons."""
    if not a and not b:
        return 1.0
    inter = sum((a & b).values())
    union = sum((a | b).values())
    return inter / union if union else 0.0


@dataclass(frozen=True, order=True)
class JoinShape:
    """The shape of a join path: ``n_tables`` joined (bridges included), ``n_joins`` conditions, whether a
    link table (the referencing side of two joins to different tables) is in it, and ``shape``:
    ``single`` (no join), ``chain`` (every table joins at most two others) or ``star``."""

    n_tables: int
    n_joins: int
    has_link_table: bool
    shape: str

    def to_json(self) -> list:
        return [self.n_tables, self.n_joins, self.has_link_table, self.shape]

    @classmethod
    def from_json(cls, data: list) -> JoinShape:
        n_tables, n_joins, has_link, shape = data
        return cls(int(n_tables), int(n_joins), bool(has_link), str(shape))


def join_shape(path: JoinPath | None) -> JoinShape:
    """The `JoinShape` of ``path``; a missing path (no tables known) is a one-table ``single`` shape."""
    if path is None or not path.tables:
        return JoinShape(1, 0, False, "single")
    degree: Counter = Counter()
    refs: dict[str, set[str]] = {}
    for edge in path.conditions:
        degree[edge.table] += 1
        degree[edge.ref_table] += 1
        refs.setdefault(edge.table, set()).add(edge.ref_table)
    has_link = any(len(targets) >= 2 for targets in refs.values())
    if not path.conditions:
        shape = "single"
    elif max(degree.values()) <= 2:
        shape = "chain"
    else:
        shape = "star"
    return JoinShape(len(path.tables), len(path.conditions), has_link, shape)


def shape_distance(a: JoinShape, b: JoinShape) -> float:
    """0 for equal shapes; otherwise table and join count differences plus 1 for each differing flag."""
    return (abs(a.n_tables - b.n_tables) + abs(a.n_joins - b.n_joins)
            + (a.has_link_table != b.has_link_table) + (a.shape != b.shape))
