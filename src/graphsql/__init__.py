"""GraphSQL: text-to-SQL with a small LLM and a graph of the database schema.

    >>> import graphsql
    >>> ds = graphsql.load_dataset("spider", "dev")
"""

from graphsql.data.records import DbSchema, Example
from graphsql.data.spider import load_dataset
from graphsql.data.sqlite import read_sqlite_schema

__version__ = "0.1.0"
__all__ = ["DbSchema", "Example", "load_dataset", "read_sqlite_schema", "__version__"]
