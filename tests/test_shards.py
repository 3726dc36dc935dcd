"""Evaluation across machines (issue 30): `predict --shard i/n` parts joined by `graphsql predict-merge` equal the
unsharded run, line for line; a missing, repeated, unfinished or foreign part is refused in one line."""

from __future__ import annotations

import json

import pytest

import graphsql.cli.answer as answer
from graphsql.cli import main
from graphsql.inference.shards import parse_shard, shard_slice
from tests.fake_generator import ScriptedGenerator

VOLATILE = ("seconds", "timings")  # how long a question took differs between runs


def _records(path):
    return [{k: v for k, v in json.loads(line).items() if k not in VOLATILE}
            for line in path.with_suffix(".sql.jsonl").read_text().splitlines()]


@pytest.fixture
def scripted(mini_spider, monkeypatch):
    items = json.loads((mini_spider / "dev.json").read_text())
    answers = {it["question"]: [it["query"]] for it in items[::2]}  # every other question right, the rest wrong
    monkeypatch.setattr(answer, "load_generator", lambda cfg: ScriptedGenerator(answers, default=["SELECT 1"]))
    return items


def _predict(mini_spider, out, *extra):
    return main(["predict", "--questions", str(mini_spider / "dev.json"), "--db-dir", str(mini_spider / "database"),
                 "--out", str(out), "--adapter", "none", *extra])


def test_blocks_cover_every_question_once():
    for total in (0, 1, 7, 20, 1034):
        for n in (1, 2, 3, 8):
            covered = [i for k in range(1, n + 1) for i in range(total)[shard_slice(total, k, n)]]
            assert covered == list(range(total))
    assert parse_shard(" 2/4 ") == (2, 4)
    for bad in ("0/3", "4/3", "2", "a/b", ""):
        with pytest.raises(Exception, match="expected i/n"):
            parse_shard(bad)


def test_merged_shards_equal_the_unsharded_run(mini_spider, scripted, tmp_path, capsys):
    assert _predict(mini_spider, tmp_path / "whole.sql") == 0
    parts = [tmp_path / f"part{i}.sql" for i in (1, 2, 3)]
    for i, part in enumerate(parts, 1):
        assert _predict(mini_spider, part, "--shard", f"{i}/3") == 0
    sizes = [len(p.read_text().splitlines()) for p in parts]
    assert sum(sizes) == len(scripted) and max(sizes) - min(sizes) <= 1
    assert main(["predict-merge", *map(str, reversed(parts)), "--out", str(tmp_path / "merged.sql")]) == 0
    assert (tmp_path / "merged.sql").read_text() == (tmp_path / "whole.sql").read_text()
    assert _records(tmp_path / "merged.sql") == _records(tmp_path / "whole.sql")
    capsys.readouterr()

    def refused(*args) -> str:
        assert main(["predict-merge", *map(str, args), "--out", str(tmp_path / "bad.sql")]) == 1
        err = capsys.readouterr().err
        assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
        return err

    assert "2/3 missing" in refused(parts[0], parts[2])
    assert "given twice" in refused(parts[0], parts[1], parts[1], parts[2])
    assert "was it written by `predict --shard i/n`" in refused(tmp_path / "whole.sql")
    log = parts[1].with_suffix(".sql.jsonl")
    log.write_text("".join(log.read_text().splitlines(keepends=True)[:-1]))   # the part was killed before its end
    assert "not finished" in refused(*parts)
    assert _predict(mini_spider, parts[1], "--shard", "2/3") == 0               # rerun: it resumes and finishes
    capsys.readouterr()
    assert main(["predict-merge", *map(str, parts), "--out", str(tmp_path / "merged2.sql")]) == 0
    assert (tmp_path / "merged2.sql").read_text() == (tmp_path / "whole.sql").read_text()
    other = tmp_path / "other4.sql"
    assert _predict(mini_spider, other, "--shard", "1/4") == 0
    capsys.readouterr()
    assert "does not belong" in refused(parts[0], other, parts[2])
    capsys.readouterr()
    assert _predict(mini_spider, parts[0], "--shard", "2/3") == 1               # a part's --out holds another shard
    assert "give this shard its own --out" in capsys.readouterr().err
