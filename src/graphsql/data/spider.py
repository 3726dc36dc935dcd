"""Spider-format, BIRD-format and GeoQuery data as `Dataset`s of `Example`s and `DbSchema`s.

    >>> ds = load_dataset("spider", "dev")            # reads ../shared/data/spider by default
    >>> len(ds.examples), len(ds.runnable())          # (1034, 972): three databases are missing

Spider layout: ``<dir>/{train_spider,dev}.json``, ``<dir>/tables.json``, ``<dir>/database/<db>/<db>.sqlite``.
BIRD layout: ``<dir>/dev.json``, ``<dir>/dev_tables.json``, ``<dir>/dev_databases/<db>/<db>.sqlite`` and
``.../database_description/<table>.csv``. GeoQuery: ``geography_flat.json`` and ``geography.sqlite``.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from graphsql.config import data_root
from graphsql.data.records import Column, DbSchema, Example, ForeignKey, Table
from graphsql.data.renamed import RENAMED_SPLITS, renamed_split_dir
from graphsql.data.robust import ROBUST_SPLITS, robust_questions_path
from graphsql.data.sqlite import _quote_ident, connect_readonly, read_sqlite_schema
from graphsql.errors import DataError

SPLIT_FILES = {
    ("spider", "train"): "train_spider.json",
    ("spider", "dev"): "dev.json",
    # robustness probes: Spider dev reworded by rule (graphsql.data.robust), built once into the cache
    ("spider", "dev_synonym"): "dev.json",
    ("spider", "dev_schema_synonym"): "dev.json",
    ("spider", "dev_knowledge"): "dev.json",
    # a schema probe: Spider dev's databases renamed, gold SQL rewritten (graphsql.data.renamed)
    ("spider", "dev_rename"): "dev.json",
    ("bird", "dev"): "dev.json",
    ("bird", "mini_dev"): "mini_dev/mini_dev_sqlite.json",
    ("geo", "all"): "geography_flat.json",
    ("geo", "train"): "geography_flat.json",
    ("geo", "dev"): "geography_flat.json",
    ("geo", "test"): "geography_flat.json",
    # GeoQuery's query split (Finegan-Dollak et al. 2018): no SQL program of one split appears in another, so
    # demonstrations from query_train never show a query_test question's SQL under other words
    ("geo", "query_train"): "geography_flat.json",
    ("geo", "query_dev"): "geography_flat.json",
    ("geo", "query_test"): "geography_flat.json",
}
DEFAULT_DIRS = {"spider": "spider", "bird": "bird", "geo": "geography"}


@dataclass(frozen=True)
class Dataset:
    """Questions of one split with the schemas of their databases."""

    name: str
    split: str
    examples: tuple[Example, ...]
    schemas: dict[str, DbSchema] = field(hash=False)

    def db_path(self, db_id: str) -> Path | None:
        """The SQLite file of ``db_id`` if it is present on disk, else None."""
        schema = self.schemas.get(db_id)
        if schema is None or schema.db_path is None or not schema.db_path.exists():
            return None
        return schema.db_path

    def runnable(self) -> tuple[Example, ...]:
        """Examples whose database file is present."""
        return tuple(e for e in self.examples if self.db_path(e.db_id) is not None)

    def missing_databases(self) -> list[str]:
        """db_ids used by this split whose SQLite file is absent."""
        return sorted({e.db_id for e in self.examples if self.db_path(e.db_id) is None})


@dataclass(frozen=True)
class OneDatabase(Dataset):
    """Questions all asked of one database: a SQLite file or an engine by URL (`graphsql.data.engines`)."""

    target: object = None

    def db_path(self, db_id: str):
        return self.target


def load_questions_for_database(questions: str | Path, target, schema: DbSchema) -> OneDatabase:
    """A questions JSON (a list of objects with ``question``; ``db_id``, gold ``query``/``SQL`` and ``evidence``
    optional) asked of one database ``target`` whose schema is ``schema``. Questions naming more than one
    ``db_id`` are a DataError: one database answers them all."""
    questions = Path(questions)
    items = read_question_items(questions)
    named = sorted({it["db_id"] for it in items if isinstance(it, dict) and isinstance(it.get("db_id"), str)})
    if len(named) > 1:
        raise DataError(f"{questions}: the questions name {len(named)} databases ({', '.join(named[:5])}); --db "
                        "gives one: split the file, or use --db-dir with a folder of SQLite files")
    items = [{**it, "db_id": schema.db_id} if isinstance(it, dict) else it for it in items]
    examples = examples_from_items(items, questions, f"db:{questions.stem}", {schema.db_id: schema})
    return OneDatabase("db", questions.stem, examples, {schema.db_id: schema}, target)


def read_question_items(path: Path) -> list:
    """The items of a questions JSON file: a non-empty list, or a DataError naming the file."""
    items = read_json(path)
    if not isinstance(items, list) or not items:
        raise DataError(f"{path}: expected a non-empty JSON list of questions")
    return items


def read_json(path: Path):
    """Parse a JSON file, or raise DataError naming the file and the problem."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise DataError(f"{path}: malformed JSON (line {err.lineno}, column {err.colno}: {err.msg})") from err
    except UnicodeDecodeError as err:
        raise DataError(f"{path}: not UTF-8 text") from err


def schemas_from_tables_json(entries: list[dict], db_dir: Path | None, source: Path | str = "tables.json") -> dict[str, DbSchema]:
    """Build `DbSchema`s from Spider-style tables.json entries. ``db_dir/<db>/<db>.sqlite`` becomes db_path."""
    schemas = {}
    for entry in entries:
        try:
            db_id = entry["db_id"]
            tnames = entry["table_names_original"]
            tnat = entry.get("table_names", tnames)
            cols_by_table: list[list[Column]] = [[] for _ in tnames]
            pks = set()
            for pk in entry.get("primary_keys", []):
                pks.update(pk if isinstance(pk, list) else [pk])
            names = entry["column_names_original"]
            natural = entry.get("column_names", names)
            types = entry["column_types"]
            for i, (tidx, cname) in enumerate(names):
                if tidx < 0:
                    continue
                cols_by_table[tidx].append(
                    Column(tnames[tidx], cname, types[i], is_primary=i in pks, natural_name=natural[i][1])
                )
            fks = []
            for src, dst in entry.get("foreign_keys", []):
                s_t, s_c = names[src]
                d_t, d_c = names[dst]
                fks.append(ForeignKey(tnames[s_t], s_c, tnames[d_t], d_c))
        except (KeyError, IndexError, TypeError, ValueError) as err:
            raise DataError(f"{source}: malformed schema entry ({type(err).__name__}: {err})") from err
        tables = tuple(Table(t, tuple(cols_by_table[i]), natural_name=tnat[i]) for i, t in enumerate(tnames))
        path = (db_dir / db_id / f"{db_id}.sqlite") if db_dir is not None else None
        schemas[db_id] = DbSchema(db_id, tables, tuple(dict.fromkeys(fks)), db_path=path)
    return schemas


def tables_json_entry(db_path: Path, db_id: str) -> dict:
    """A Spider tables.json entry for a SQLite file, made from its own PRAGMAs (read-only)."""
    conn = connect_readonly(db_path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY rowid")]
    cols, types, pks, fks = [[-1, "*"]], ["text"], [], []
    index = {}
    for t_idx, table in enumerate(tables):
        for _cid, name, ctype, _nn, _d, pk in conn.execute(f"PRAGMA table_info({_quote_ident(table)})"):
            index[(table.lower(), name.lower())] = len(cols)
            if pk == 1:
                pks.append(len(cols))
            cols.append([t_idx, name])
            types.append("number" if "INT" in ctype.upper() or "REAL" in ctype.upper() else "text")
    for table in tables:
        for row in conn.execute(f"PRAGMA foreign_key_list({_quote_ident(table)})"):
            fks.append([index[(table.lower(), row[3].lower())], index[(row[2].lower(), row[4].lower())]])
    conn.close()
    return {
        "db_id": db_id, "table_names_original": tables, "table_names": [t.replace("_", " ") for t in tables],
        "column_names_original": cols, "column_names": [[t, n.replace("_", " ").lower()] for t, n in cols],
        "column_types": types, "primary_keys": pks, "foreign_keys": fks,
    }


def load_tables_json(path: str | Path, db_dir: str | Path | None = None) -> dict[str, DbSchema]:
    """Read a Spider/BIRD tables.json; databases are looked for under ``db_dir`` (default: beside it)."""
    path = Path(path)
    entries = read_json(path)
    if not isinstance(entries, list):
        raise DataError(f"{path}: expected a JSON list of database schemas")
    return schemas_from_tables_json(entries, Path(db_dir) if db_dir is not None else None, source=path)


def _read_description_csv(path: Path) -> dict[str, tuple[str, str, str]]:
    """BIRD description CSV -> {original column name (lower): (natural name, description, value description)}."""
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    out = {}
    for row in csv.DictReader(io.StringIO(text)):
        name = (row.get("original_column_name") or "").strip()
        if name:
            out[name.lower()] = (
                (row.get("column_name") or "").strip(),
                " ".join((row.get("column_description") or "").split()),
                " ".join((row.get("value_description") or "").split()),
            )
    return out


def attach_bird_descriptions(schema: DbSchema, desc_dir: Path) -> DbSchema:
    """Return ``schema`` with BIRD column descriptions from ``desc_dir/<table>.csv`` filled in."""
    if not desc_dir.is_dir():
        return schema
    files = {p.stem.lower(): p for p in desc_dir.glob("*.csv")}
    tables = []
    for table in schema.tables:
        path = files.get(table.name.lower())
        if path is None:
            tables.append(table)
            continue
        desc = _read_description_csv(path)
        cols = []
        for col in table.columns:
            nat, text, values = desc.get(col.name.lower(), ("", "", ""))
            cols.append(replace(col, natural_name=nat or col.natural_name, description=text, value_description=values))
        tables.append(replace(table, columns=tuple(cols)))
    return replace(schema, tables=tuple(tables))


def load_dataset(name: str, split: str, root: str | Path | None = None, questions: str | Path | None = None) -> Dataset:
    """Load ``split`` of dataset ``name`` (spider | bird | geo) from ``root`` (default: its folder under data_root()).

    ``questions`` overrides the questions file (any Spider- or BIRD-format JSON list).
    """
    if name not in DEFAULT_DIRS:
        raise DataError(f"unknown dataset {name!r}: choose spider, bird or geo")
    if (name, split) not in SPLIT_FILES:
        splits = sorted(s for n, s in SPLIT_FILES if n == name)
        raise DataError(f"unknown split {split!r} of {name}: choose {', '.join(splits)}")
    root = Path(root) if root is not None else data_root() / DEFAULT_DIRS[name]
    qpath = Path(questions) if questions is not None else root / SPLIT_FILES[(name, split)]
    items = read_json(qpath)
    if not isinstance(items, list):
        raise DataError(f"{qpath}: expected a JSON list of questions")

    if name == "geo":
        schema = read_sqlite_schema(root / "geography.sqlite", db_id="geography", sample_values=0)
        schemas = {"geography": schema}
        # train/dev/test: the question split; query_*: the query split; all: every item
        field_name, wanted = ("query_split", split[6:]) if split.startswith("query_") else ("question_split", split)
        examples = tuple(
            Example("geography", it["question"], it["query"], source=f"geo:{it.get('question_split', '')}", idx=i,
                    meta={"gold_executes": it.get("gold_executes", True), "query_split": it.get("query_split")})
            for i, it in enumerate(items)
            if split == "all" or it.get(field_name) == wanted
        )
        return Dataset(name, split, examples, schemas)

    if name == "spider":
        schemas = load_tables_json(root / "tables.json", root / "database")
        if split in ROBUST_SPLITS and questions is None:
            qpath = robust_questions_path(split, qpath, schemas)
            items = read_json(qpath)
        elif split in RENAMED_SPLITS and questions is None:
            folder = renamed_split_dir(split, root, schemas)
            schemas = load_tables_json(folder / "tables.json", folder / "database")
            qpath = folder / "questions.json"
            items = read_json(qpath)
    else:
        tables_file = root / ("mini_dev/dev_tables.json" if split == "mini_dev" else "dev_tables.json")
        db_dir = root / "dev_databases"
        schemas = {
            db_id: attach_bird_descriptions(s, db_dir / db_id / "database_description")
            for db_id, s in load_tables_json(tables_file, db_dir).items()
        }
    return Dataset(name, split, examples_from_items(items, qpath, f"{name}:{split}", schemas), schemas)


def examples_from_items(items: list, qpath: Path, source: str, schemas: dict[str, DbSchema] | None = None,
                        require_gold: bool = False) -> tuple[Example, ...]:
    """Spider (``query``) or BIRD (``SQL``, ``evidence``, ``difficulty``) items as Examples; a bad item, a
    missing gold SQL (with ``require_gold``) or (when ``schemas`` is given) an unknown db_id is a DataError
    naming the file and the item."""
    examples = []
    for i, it in enumerate(items):
        if not isinstance(it, dict) or "db_id" not in it or "question" not in it:
            raise DataError(f"{qpath}: item {i} lacks db_id or question")
        for key in ("db_id", "question", "evidence"):
            if key in it and not isinstance(it[key], str):
                raise DataError(f"{qpath}: item {i}: {key} must be text, not {type(it[key]).__name__}")
        gold = it.get("query", it.get("SQL", None if require_gold else ""))
        if not isinstance(gold, str):
            raise DataError(f"{qpath}: item {i} has no 'query' or 'SQL' string")
        if schemas is not None and it["db_id"] not in schemas:
            raise DataError(f"{qpath}: item {i} names unknown db_id {it['db_id']!r}")
        meta = {k: it[k] for k in ("question_original", "rewording", "rules", "query_original") if k in it}
        examples.append(Example(it["db_id"], it["question"], gold,
                                evidence=it.get("evidence", ""), difficulty=it.get("difficulty", ""),
                                source=source, idx=i, meta=meta))
    return tuple(examples)


def load_questions_file(questions: str | Path, db_dir: str | Path, tables: str | Path | None = None) -> Dataset:
    """Any Spider- or BIRD-format questions JSON with its schemas and databases.

    ``tables`` defaults to ``tables.json`` (or BIRD's ``dev_tables.json``) beside the questions file. BIRD
    format (``SQL``/``evidence`` fields) gets BIRD's column descriptions from ``db_dir`` when present."""
    questions, db_dir = Path(questions), Path(db_dir)
    if tables is None:
        candidates = [questions.parent / "tables.json", questions.parent / "dev_tables.json"]
        tables = next((c for c in candidates if c.exists()), None)
        if tables is None:
            raise DataError(f"{questions}: no tables.json beside it; pass --tables FILE")
    items = read_question_items(questions)
    is_bird = isinstance(items[0], dict) and ("SQL" in items[0] or "evidence" in items[0])
    schemas = load_tables_json(tables, db_dir)
    if is_bird:
        schemas = {k: attach_bird_descriptions(s, db_dir / k / "database_description") for k, s in schemas.items()}
    name = "bird" if is_bird else "spider"
    return Dataset(name, questions.stem, examples_from_items(items, questions, f"{name}:{questions.stem}", schemas), schemas)
