"""Evaluation across machines (issue 30): `predict --shard i/n` predicts one contiguous part of a questions file,
`graphsql predict-merge` joins the parts back in question order.

    machine 1:  graphsql predict --questions dev.json --db-dir D --out part1.sql --shard 1/3
    machine 2:  graphsql predict --questions dev.json --db-dir D --out part2.sql --shard 2/3   (and 3/3)
    here:       graphsql predict-merge part1.sql part2.sql part3.sql --out preds.sql

Each part is an ordinary prediction file with its ``.jsonl`` log (so an interrupted part resumes as any `predict`
does) plus ``<out>.shard.json``: which shard of how many, the questions file's sha256, the question count and
the question indices of the part. The merge refuses parts of different files or splits, a shard missing or given
twice, and a part that is not finished; it writes the same prediction file and log an unsharded run writes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

from graphsql.atomic import read_jsonl, write_text_atomic
from graphsql.errors import ConfigError, DataError

SHARD_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_shard(text: str) -> tuple[int, int]:
    """``"i/n"`` -> (i, n) with 1 <= i <= n; a ConfigError otherwise."""
    match = SHARD_RE.match(text or "")
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ConfigError(f"--shard {text!r}: expected i/n with 1 <= i <= n, e.g. 2/4")
    return int(match[1]), int(match[2])


def shard_slice(total: int, shard: int, of: int) -> slice:
    """The contiguous block of ``total`` questions that shard ``shard`` (1-based) of ``of`` predicts; the blocks
    cover every question once and differ in size by at most one."""
    return slice((shard - 1) * total // of, shard * total // of)


def manifest_path(out_sql: Path) -> Path:
    return Path(out_sql).with_name(Path(out_sql).name + ".shard.json")


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_shard_manifest(out_sql: Path, questions: Path, shard: int, of: int, total: int, idx: Sequence[int]) -> Path:
    """``<out_sql>.shard.json``; a part rerun with another split or file is refused (its log would be mixed)."""
    path = manifest_path(out_sql)
    manifest = {"shard": shard, "of": of, "questions": str(questions), "questions_sha256": file_sha256(questions),
                "total": total, "idx": list(idx)}
    if path.exists():
        old = json.loads(path.read_text(encoding="utf-8"))
        if {k: old.get(k) for k in ("shard", "of", "questions_sha256", "idx")} != \
                {k: manifest[k] for k in ("shard", "of", "questions_sha256", "idx")}:
            raise ConfigError(f"{out_sql}: holds shard {old.get('shard')}/{old.get('of')} of another run; give this "
                              f"shard its own --out")
    Path(out_sql).parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, json.dumps(manifest, indent=1) + "\n")
    return path


def merge_shards(parts: Sequence[Path], out_sql: Path) -> dict:
    """Join finished parts into ``out_sql`` (and its ``.jsonl`` log) in question order; returns a summary. A
    DataError names the first problem: a part without its manifest, parts of different questions files or splits,
    a missing or repeated shard, or a part whose log lacks some of its questions."""
    if not parts:
        raise ConfigError("predict-merge: name the parts (the --out files of `predict --shard i/n`)")
    manifests = []
    for part in parts:
        path = manifest_path(part)
        if not path.exists():
            raise DataError(f"{part}: no {path.name} beside it (was it written by `predict --shard i/n`?)")
        manifests.append((Path(part), json.loads(path.read_text(encoding="utf-8"))))
    first = manifests[0][1]
    for part, m in manifests[1:]:
        if m["questions_sha256"] != first["questions_sha256"] or m["of"] != first["of"] or m["total"] != first["total"]:
            raise DataError(f"{part}: shard {m['shard']}/{m['of']} of {m['questions']} does not belong with "
                            f"{manifests[0][0]} (shard {first['shard']}/{first['of']} of {first['questions']})")
    seen: dict[int, Path] = {}
    for part, m in manifests:
        if m["shard"] in seen:
            raise DataError(f"{part}: shard {m['shard']}/{m['of']} is given twice (also {seen[m['shard']]})")
        seen[m["shard"]] = part
    of = first["of"]
    missing = [f"{i}/{of}" for i in sorted(set(range(1, of + 1)) - set(seen))]
    if missing:
        raise DataError(f"predict-merge: shard(s) {', '.join(missing)} missing")
    records: dict[int, dict] = {}
    for part, m in sorted(manifests, key=lambda pm: pm[1]["shard"]):
        log = part.with_suffix(part.suffix + ".jsonl")
        done = {rec["idx"]: rec for rec in read_jsonl(log)} if log.exists() else {}
        lacking = [i for i in m["idx"] if i not in done]
        if lacking:
            raise DataError(f"{part}: shard {m['shard']}/{m['of']} is not finished ({len(lacking)} of "
                            f"{len(m['idx'])} questions missing); rerun its predict to resume it")
        for i in m["idx"]:
            records[i] = done[i]
    if len(records) != first["total"]:
        raise DataError(f"predict-merge: the parts hold {len(records)} questions, the file has {first['total']}")
    order = sorted(records)
    out_sql = Path(out_sql)
    out_sql.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out_sql.with_suffix(out_sql.suffix + ".jsonl"),
                      "".join(json.dumps(records[i]) + "\n" for i in order))
    write_text_atomic(out_sql, "".join(" ".join(records[i]["pred_sql"].split()) + "\n" for i in order))
    return {"parts": len(manifests), "questions": len(order), "failed": sum(1 for i in order if records[i].get("error")),
            "questions_file": first["questions"]}
