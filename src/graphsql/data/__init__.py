"""Datasets: Spider, BIRD and GeoQuery files and any SQLite database, read into `Example` and `DbSchema`."""

from graphsql.data.records import Column, DbSchema, Example, ForeignKey, Table

__all__ = ["Column", "DbSchema", "Example", "ForeignKey", "Table"]
