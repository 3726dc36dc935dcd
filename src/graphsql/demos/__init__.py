"""Few-shot demonstrations: a pool of train questions (Spider train, GeoQuery's query-split train, or a user's own
examples file) and selectors that pick some per question.

    >>> from graphsql.demos import load_demo_pool, build_schema_context, select_demos, as_demonstrations
    >>> demos = select_demos("graph_similar", question, build_schema_context(question, graph), load_demo_pool(),
    ...                      k=3, rng=random.Random(0))
"""

from graphsql.demos.select import (
    SELECTORS,
    Demo,
    DemoPool,
    SchemaContext,
    as_demonstrations,
    build_demo_pool,
    build_schema_context,
    examples_pool,
    load_demo_pool,
    pool_from_examples,
    select_demos,
)
from graphsql.demos.skeleton import JoinShape, join_shape, sql_skeleton

__all__ = [
    "SELECTORS",
    "Demo",
    "DemoPool",
    "JoinShape",
    "SchemaContext",
    "as_demonstrations",
    "build_demo_pool",
    "build_schema_context",
    "examples_pool",
    "join_shape",
    "load_demo_pool",
    "pool_from_examples",
    "select_demos",
    "sql_skeleton",
]
