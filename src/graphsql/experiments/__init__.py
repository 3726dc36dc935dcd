"""Measurements that write one JSON file each, e.g. ``python -m graphsql.experiments.graph_coverage``."""
