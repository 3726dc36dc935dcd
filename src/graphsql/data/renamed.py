"""A schema probe made from Spider dev: every database renamed in the styles of `graphsql.augment.rename` (BIRD's
spaced and long names, camel case, cryptic abbreviations, upper snake case), the same questions, every gold SQL
rewritten to the new names and kept only when it returns what the original returns on the original database.

    >>> ds = load_dataset("spider", "dev_rename")        # built once into ~/.cache/graphsql/robust/
    >>> ds.schemas["concert_singer"].tables[0].name      # e.g. 'Stadium Roster'
    >>> ds.examples[0].meta["query_original"]

Split (`RENAMED_SPLITS`): ``dev_rename``. A database's table style and column style are drawn from one random
stream per database (seed ``SEED``): the draw is made once, never chosen by looking at a model's results. The
questions are not touched, so a question that names a column by its old name now meets a schema that spells it
otherwise, as BIRD's questions meet BIRD's long names. This probe was made to design the schema repairs on
(`graphsql.inference.repairs`): BIRD dev is where they are then measured.

The folder (``questions.json``, ``tables.json``, ``database/<db_id>/<db_id>.sqlite``, ``manifest.json``) is named
with a hash of this generator's code, of the renaming code and of Spider's dev.json: a change to any rebuilds it.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
from pathlib import Path

from graphsql.config import cache_dir
from graphsql.data.records import DbSchema
from graphsql.errors import DataError

RENAMED_SPLITS = {"dev_rename": "dev"}
SEED = 0


def _fingerprint(*sources: Path) -> str:
    from graphsql.augment import rename

    digest = hashlib.sha256()
    for path in (Path(__file__), Path(rename.__file__), *sources):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def renamed_tables_entry(entry: dict, plan) -> dict:
    """A Spider tables.json ``entry`` under ``plan``'s names (the natural names kept)."""
    tables = entry["table_names_original"]
    out = dict(entry)
    out["table_names_original"] = [plan.table(t) for t in tables]
    out["column_names_original"] = [[ti, name if ti < 0 else plan.column(tables[ti], name)]
                                    for ti, name in entry["column_names_original"]]
    return out


def renamed_split_dir(split: str, root: Path, schemas: dict[str, DbSchema], seed: int = SEED,
                      timeout: float = 10.0) -> Path:
    """The folder of renamed split ``split`` made from Spider at ``root`` (its questions file, tables.json and
    databases), built into the cache if it is not there yet."""
    from graphsql.augment.rename import plan_renames, rename_sql, renamed_database, same_result

    if split not in RENAMED_SPLITS:
        raise DataError(f"unknown renamed split {split!r}: choose {', '.join(RENAMED_SPLITS)}")
    source = root / f"{RENAMED_SPLITS[split]}.json"
    out = cache_dir() / "robust" / f"spider-{split}-seed{seed}-{_fingerprint(source, root / 'tables.json')}"
    if (out / "manifest.json").exists():
        return out
    items = json.loads(source.read_text(encoding="utf-8"))
    entries = {e["db_id"]: e for e in json.loads((root / "tables.json").read_text(encoding="utf-8"))}
    tmp = out.with_name(out.name + f".{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    plans, per_db, failed = {}, {}, []
    for db_id in sorted({it["db_id"] for it in items}):
        schema = schemas.get(db_id)
        if schema is None or schema.db_path is None or not schema.db_path.exists():
            continue
        plan = plan_renames(schema, random.Random(f"{seed}:rename:{db_id}"))
        dest = tmp / "database" / db_id / f"{db_id}.sqlite"
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            renamed_database(schema.db_path, schema, plan, dest)
        except Exception as err:  # sqlite3.Error: views or triggers a rename breaks; the database is left out
            failed.append(f"{db_id}: {err}")
            shutil.rmtree(dest.parent, ignore_errors=True)
            continue
        plans[db_id] = plan
        per_db[db_id] = {"table_style": plan.table_style, "column_style": plan.column_style, "kept": 0, "dropped": 0}
    kept, without_database = [], 0
    for it in items:
        plan = plans.get(it["db_id"])
        if plan is None:
            without_database += 1
            continue
        schema = schemas[it["db_id"]]
        new_db = tmp / "database" / it["db_id"] / f"{it['db_id']}.sqlite"
        new_sql = rename_sql(it["query"], schema, plan)
        if new_sql is None or not same_result(schema.db_path, it["query"], new_db, new_sql, timeout):
            per_db[it["db_id"]]["dropped"] += 1
            continue
        per_db[it["db_id"]]["kept"] += 1
        kept.append({"db_id": it["db_id"], "question": it["question"], "query": new_sql,
                     "query_original": it["query"]})
    (tmp / "questions.json").write_text(json.dumps(kept, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tables = [renamed_tables_entry(entries[db], plan) for db, plan in plans.items()]
    (tmp / "tables.json").write_text(json.dumps(tables, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    manifest = {"split": split, "seed": seed, "items": len(items), "kept": len(kept),
                "without_database": without_database, "databases": per_db, "databases_left_out": failed}
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    return out


def describe_renamed_split(folder: Path, examples: int = 8) -> dict:
    """Counts of a renamed split (items kept and dropped, the styles drawn per database) and a few renamed gold
    queries beside their originals."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    items = json.loads((folder / "questions.json").read_text(encoding="utf-8"))
    styles: dict[str, int] = {}
    for info in manifest["databases"].values():
        key = f"{info['table_style']} tables / {info['column_style']} columns"
        styles[key] = styles.get(key, 0) + 1
    return {
        "items": manifest["items"],
        "kept": manifest["kept"],
        "without_database": manifest["without_database"],
        "dropped": manifest["items"] - manifest["without_database"] - manifest["kept"],
        "databases": len(manifest["databases"]),
        "databases_left_out": manifest["databases_left_out"],
        "styles": dict(sorted(styles.items())),
        "per_database": manifest["databases"],
        "examples": [{"db_id": it["db_id"], "question": it["question"], "original": it["query_original"],
                      "renamed": it["query"]} for it in items[:: max(1, len(items) // examples)][:examples]],
    }
