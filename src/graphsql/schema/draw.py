"""A schema graph as JSON, as Graphviz DOT, or as a PNG picture a person can read.

    >>> draw_schema_graph(build_schema_graph(schema), "concert_singer.png")

The picture: one box per table (header = table name, one line per column, ``PK``/``FK``/``fk?`` marks), FK
arrows from the referencing column's line to the referenced column's line, solid for declared FKs and
dashed orange (with the confidence) for inferred ones, and a legend. Tables are placed on a grid, near their
spring-layout position in the table view, so boxes never overlap.
"""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx

from graphsql.schema.graph import EdgeKind, SchemaGraph

FONT_SIZE = 9.0
CHAR_W = 0.62 * FONT_SIZE  # monospace advance, in points
LINE_H = 1.55 * FONT_SIZE
PAD = 4.0
GAP_X, GAP_Y = 70.0, 40.0
DECLARED_COLOR, INFERRED_COLOR = "#2b5d9b", "#d9822b"


def _jsonable(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, EdgeKind):
        return value.value
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    return str(value)


def graph_to_json(graph: SchemaGraph) -> dict:
    """``{"db_id", "nodes": [{"id": [...], attrs...}], "edges": [{"source", "target", "kind", ...}],
    "inferred_foreign_keys": [...]}``; node ids are the graph's tuple keys as lists; order is the graph's."""
    nodes = [
        {"id": list(n), **{k: _jsonable(v) for k, v in d.items()}} for n, d in graph.graph.nodes(data=True)
    ]
    edges = [
        {"source": list(u), "target": list(v), **{k: _jsonable(x) for k, x in d.items()}}
        for u, v, d in graph.graph.edges(data=True)
    ]
    inferred = [
        {
            "table": f.table,
            "column": f.column,
            "ref_table": f.ref_table,
            "ref_column": f.ref_column,
            "confidence": f.confidence,
            "name_score": f.name_score,
            "containment": f.containment,
            "rule": f.rule,
        }
        for f in graph.inferred_fks
    ]
    return {"db_id": graph.db_id, "nodes": nodes, "edges": edges, "inferred_foreign_keys": inferred}


def graph_for_page(graph: SchemaGraph) -> dict:
    """The graph as the web page draws it: ``{"db_id", "tables": [{"name", "x", "y", "columns": [{"name", "type",
    "pk", "fk"}]}], "edges": [{"source", "target", "column", "ref_column", "kind", "confidence"}]}``; ``x``, ``y``
    are grid cells (`grid_positions`), ``fk`` is "declared", "inferred" or null, ``kind`` "declared" or
    "inferred"; table names as the database spells them, edge ends as the graph keys them (lower case)."""
    cells = grid_positions(graph)
    marks: dict[tuple[str, str], str] = {}
    for e in graph.join_edges:
        kind = "declared" if e.kind is EdgeKind.FOREIGN_KEY else "inferred"
        if marks.get((e.table, e.column)) != "declared":
            marks[(e.table, e.column)] = kind
    tables = []
    for table in graph.schema.tables:
        x, y = cells.get(table.name.lower(), (0, 0))
        tables.append({"name": table.name, "key": table.name.lower(), "x": x, "y": y,
                       "columns": [{"name": c.name, "type": c.type, "pk": c.is_primary, "fk": marks.get(c.key)}
                                   for c in table.columns]})
    edges = [{"source": e.table, "target": e.ref_table, "column": e.column, "ref_column": e.ref_column,
              "kind": "declared" if e.kind is EdgeKind.FOREIGN_KEY else "inferred",
              "confidence": round(e.confidence, 3)} for e in graph.join_edges]
    return {"db_id": graph.db_id, "tables": tables, "edges": edges}


def _dot_escape(text: str) -> str:
    return "".join("\\" + ch if ch in '{}|<>"\\' else ch for ch in text)


def graph_to_dot(graph: SchemaGraph) -> str:
    """Graphviz DOT text: one record node per table (a port per column), one edge per FK (inferred dashed,
    labelled with their confidence)."""
    lines = [f'digraph "{graph.db_id}" {{', "  rankdir=LR;", '  node [shape=record, fontname="Courier"];']
    ports = {}
    for table in graph.schema.tables:
        fields = []
        for i, col in enumerate(table.columns):
            ports[col.key] = f"c{i}"
            mark = "PK " if col.is_primary else ""
            fields.append(f"<c{i}> {mark}{_dot_escape(col.name)} : {_dot_escape(col.type)}")
        label = "{" + _dot_escape(table.name) + "|" + "|".join(fields) + "}"
        lines.append(f'  "{table.name.lower()}" [label="{label}"];')
    for e in graph.join_edges:
        src = f'"{e.table}":{ports.get((e.table, e.column), "c0")}'
        dst = f'"{e.ref_table}":{ports.get((e.ref_table, e.ref_column), "c0")}'
        if e.kind is EdgeKind.FOREIGN_KEY:
            lines.append(f"  {src} -> {dst};")
        else:
            lines.append(
                f'  {src} -> {dst} [style=dashed, color="{INFERRED_COLOR}", label="{e.confidence:.2f}"];'
            )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _box_lines(graph: SchemaGraph, table) -> list[str]:
    declared = {(e.table, e.column) for e in graph.join_edges if e.kind is EdgeKind.FOREIGN_KEY}
    inferred = {(e.table, e.column) for e in graph.join_edges if e.kind is EdgeKind.INFERRED_FOREIGN_KEY}
    width = max((len(c.name) for c in table.columns), default=0)
    lines = []
    for col in table.columns:
        mark = "PK " if col.is_primary else "   "
        if col.key in declared:
            mark += "FK  "
        elif col.key in inferred:
            mark += "fk? "
        else:
            mark += "    "
        lines.append(f"{mark}{col.name.ljust(width)}  {col.type}")
    return lines


def grid_positions(graph: SchemaGraph) -> dict[str, tuple[int, int]]:
    """Table -> (grid column, grid row): each table takes the free cell nearest its spring-layout spot,
    best-connected tables first."""
    names = list(graph.tables.nodes)
    n = len(names)
    ncols = max(1, math.ceil(math.sqrt(n * 1.4)))
    nrows = max(1, math.ceil(n / ncols))
    if n <= 2:
        return {t: (i, 0) for i, t in enumerate(names)}
    pos = nx.spring_layout(graph.tables, weight=None, seed=0, iterations=200)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]

    def scale(v, lo, hi, m):
        return 0.0 if hi - lo < 1e-9 else (v - lo) / (hi - lo) * (m - 1)

    free = {(c, r) for c in range(ncols) for r in range(nrows)}
    out = {}
    order = sorted(names, key=lambda t: (-graph.tables.degree(t), names.index(t)))
    for t in order:
        x = scale(pos[t][0], min(xs), max(xs), ncols)
        y = scale(-pos[t][1], min(-v for v in ys), max(-v for v in ys), nrows)
        cell = min(free, key=lambda cr: ((cr[0] - x) ** 2 + (cr[1] - y) ** 2, cr))
        free.remove(cell)
        out[t] = cell
    return out


def draw_schema_graph(
    graph: SchemaGraph, path_png: str | Path, title: str | None = None, dpi: int = 110
) -> Path:
    """Draw ``graph`` to ``path_png`` (see the module docstring) and return the path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, Rectangle

    tables = {t.name.lower(): t for t in graph.schema.tables}
    lines = {k: _box_lines(graph, t) for k, t in tables.items()}
    size = {
        k: (
            max([len(t.name) + 2] + [len(s) for s in lines[k]]) * CHAR_W + 2 * PAD,
            (len(lines[k]) + 1) * LINE_H + PAD,
        )
        for k, t in tables.items()
    }
    grid = grid_positions(graph)
    ncols = max((c for c, _ in grid.values()), default=0) + 1
    nrows = max((r for _, r in grid.values()), default=0) + 1
    col_w = [max([size[t][0] for t, (c, _) in grid.items() if c == j] or [0]) for j in range(ncols)]
    row_h = [max([size[t][1] for t, (_, r) in grid.items() if r == i] or [0]) for i in range(nrows)]
    margin_top = 3 * LINE_H
    x0 = [GAP_X / 2 + sum(col_w[:j]) + GAP_X * j for j in range(ncols)]
    y0 = [margin_top + sum(row_h[:i]) + GAP_Y * i for i in range(nrows)]
    width = sum(col_w) + GAP_X * ncols
    height = margin_top + sum(row_h) + GAP_Y * nrows + 2 * LINE_H
    origin = {t: (x0[c] + (col_w[c] - size[t][0]) / 2, y0[r]) for t, (c, r) in grid.items()}

    fig = plt.figure(figsize=(max(width, 420) / 72, height / 72), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, max(width, 420))
    ax.set_ylim(height, 0)
    ax.axis("off")
    for t, table in tables.items():
        x, y = origin[t]
        w, h = size[t]
        ax.add_patch(
            Rectangle((x, y), w, h, facecolor="#f7f7f7", edgecolor="#444444", linewidth=1.0, zorder=2)
        )
        ax.add_patch(
            Rectangle(
                (x, y), w, LINE_H + PAD / 2, facecolor="#dbe6f4", edgecolor="#444444", linewidth=1.0, zorder=3
            )
        )
        ax.text(
            x + PAD,
            y + (LINE_H + PAD / 2) / 2,
            table.name,
            fontsize=FONT_SIZE,
            family="monospace",
            weight="bold",
            va="center",
            zorder=4,
        )
        for i, line in enumerate(lines[t]):
            ax.text(
                x + PAD,
                y + PAD / 2 + (i + 1.5) * LINE_H,
                line,
                fontsize=FONT_SIZE,
                family="monospace",
                va="center",
                zorder=4,
                color="#111111" if not line.startswith("PK") else "#7a1f1f",
            )

    def anchor(t: str, column: str, side: str) -> tuple[float, float]:
        idx = [c.name.lower() for c in tables[t].columns].index(column)
        x, y = origin[t]
        return (x + (size[t][0] if side == "right" else 0), y + PAD / 2 + (idx + 1.5) * LINE_H)

    for e in graph.join_edges:
        if e.table not in origin or e.ref_table not in origin:
            continue
        inferred = e.kind is EdgeKind.INFERRED_FOREIGN_KEY
        color = INFERRED_COLOR if inferred else DECLARED_COLOR
        (ca, _), (cb, _) = grid[e.table], grid[e.ref_table]
        if ca < cb:
            start, end, style = (
                anchor(e.table, e.column, "right"),
                anchor(e.ref_table, e.ref_column, "left"),
                "arc3,rad=0.08",
            )
        elif ca > cb:
            start, end, style = (
                anchor(e.table, e.column, "left"),
                anchor(e.ref_table, e.ref_column, "right"),
                "arc3,rad=0.08",
            )
        else:  # same grid column: leave and enter on the left, bending outwards
            start, end = anchor(e.table, e.column, "left"), anchor(e.ref_table, e.ref_column, "left")
            arm = 18 + 6 * (abs(grid[e.table][1] - grid[e.ref_table][1]))
            style = f"arc,angleA=180,angleB=180,armA={arm},armB={arm},rad=6"
        ax.add_patch(
            FancyArrowPatch(
                start,
                end,
                connectionstyle=style,
                arrowstyle="-|>",
                mutation_scale=10,
                color=color,
                linewidth=1.3,
                linestyle="--" if inferred else "-",
                zorder=5,
                alpha=0.85,
            )
        )
        if inferred:
            mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
            ax.text(
                mx,
                my,
                f"{e.confidence:.2f}",
                fontsize=FONT_SIZE - 1,
                color=INFERRED_COLOR,
                ha="center",
                va="center",
                zorder=6,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},
            )
    n_decl = sum(1 for e in graph.join_edges if e.kind is EdgeKind.FOREIGN_KEY)
    ax.text(
        GAP_X / 2,
        LINE_H,
        title
        or f"{graph.db_id}: {len(tables)} tables, {n_decl} declared FKs, {len(graph.inferred_fks)} inferred",
        fontsize=FONT_SIZE + 2,
        weight="bold",
        va="center",
    )
    handles = [
        Line2D([], [], color=DECLARED_COLOR, linewidth=1.3, label="declared FK (FK -> referenced column)"),
        Line2D(
            [], [], color=INFERRED_COLOR, linewidth=1.3, linestyle="--", label="inferred FK (fk?), confidence"
        ),
        Line2D([], [], color="#7a1f1f", marker="s", linestyle="", label="PK = primary key"),
    ]
    ax.legend(handles=handles, loc="lower right", fontsize=FONT_SIZE - 1, frameon=True)
    path = Path(path_png)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path
