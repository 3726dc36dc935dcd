"""The augment stage on the mini Spider fixture: samples are well formed, gold tables are always shown,
synthetic SQL runs, switches work, builds are deterministic and the manifest adds up."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import replace

import pytest

from graphsql.augment import (
    AUGMENTATIONS,
    AugmentConfig,
    AugmentContext,
    build_samples,
    load_augment_config,
    run_augment,
)
from graphsql.augment.samples import TASKS, Sample, gold_tables, read_samples
from graphsql.augment.synthetic import synthesize_examples
from graphsql.augment.transforms import shuffle_graph, sql_sample
from graphsql.config import REPO_ROOT, PromptConfig
from graphsql.data.records import Example
from graphsql.data.spider import load_dataset
from graphsql.data.sqlite import read_sqlite_schema
from graphsql.errors import ConfigError, DataError
from graphsql.eval.execute import execute_sql
from graphsql.schema.graph import build_schema_graph
from graphsql.schema.serialize import parse_schema_text
from graphsql.sql.parse import tables_in_sql


@pytest.fixture(scope="module")
def mini(mini_spider):
    return load_dataset("spider", "dev", root=mini_spider)


@pytest.fixture(scope="module")
def graphs(mini):
    return {db: build_schema_graph(s, db_path=mini.db_path(db)) for db, s in mini.schemas.items()}


def _schema_text(sample: Sample) -> str:
    user = sample.messages[-2]["content"]  # the asked question's turn (earlier ones: demonstrations)
    text = user.split("Database schema:\n", 1)[1]
    return text.split("\n\n", 1)[0]


def _shown_tables(sample: Sample) -> set[str]:
    text = _schema_text(sample)
    fmt = "ddl" if text.startswith("CREATE TABLE") else "graph" if text.startswith("node ") else "compact"
    return {t.lower() for t in parse_schema_text(text, fmt).tables}


def _check_well_formed(sample: Sample, name: str) -> None:
    roles = [m["role"] for m in sample.messages]
    # system, then user/assistant turns (earlier pairs: demonstrations), the answer last
    assert roles[0] == "system" and roles[1:] == ["user", "assistant"] * ((len(roles) - 1) // 2)
    assert len(roles) == 3 or name == "demonstrations"
    assert all(isinstance(m["content"], str) and m["content"] for m in sample.messages)
    assert sample.task in TASKS
    assert sample.source == f"aug:{name}"
    assert (sample.n_joins is not None) == (sample.task == "sql")
    assert Sample.from_json(json.loads(json.dumps(sample.to_json()))) == sample


@pytest.mark.parametrize("name", sorted(AUGMENTATIONS))
def test_each_augmentation_is_well_formed_and_shows_gold_tables(name, mini, graphs):
    made = 0
    for ex in mini.examples:
        graph = graphs[ex.db_id]
        ctx = AugmentContext(PromptConfig(max_tables=3), distractors=1, db_examples=mini.examples)
        for sample in AUGMENTATIONS[name](ex, graph, ctx, random.Random(ex.idx)):
            _check_well_formed(sample, name)
            assert set(gold_tables(ex.gold_sql, graph)) <= _shown_tables(sample), ex.question
            made += 1
    assert made > 0


@pytest.mark.parametrize(
    ("question", "task", "answer"),
    [
        ("Names of singers who performed in 2014.", "tables", "concert, singer, singer_in_concert"),
        (
            "Names of singers who performed in 2014.",
            "join_path",
            "concert.concert_id = singer_in_concert.concert_id; singer.singer_id = singer_in_concert.singer_id",
        ),
        ("How many singers do we have?", "tables", "singer"),
        (
            "What are the titles of the books written by Albert Camus?",
            "join_path",
            "author.author_id = book_author.author_id; book.book_id = book_author.book_id",
        ),
    ],
)
def test_auxiliary_task_answers(question, task, answer, mini, graphs):
    ex = next(e for e in mini.examples if e.question == question)
    name = "table_selection" if task == "tables" else "join_path"
    [sample] = AUGMENTATIONS[name](ex, graphs[ex.db_id], AugmentContext(), random.Random(0))
    assert sample.task == task and sample.answer == answer
    [plain] = sql_sample(ex, graphs[ex.db_id], AugmentContext(), random.Random(0))
    assert sample.messages[0]["content"] != plain.messages[0]["content"]  # its own instruction


def test_join_path_task_skips_single_table_questions(mini, graphs):
    ex = next(e for e in mini.examples if e.question == "How many singers do we have?")
    assert AUGMENTATIONS["join_path"](ex, graphs[ex.db_id], AugmentContext(), random.Random(0)) == []


def test_graph_views_cover_the_other_formats(mini, graphs):
    ex = next(e for e in mini.examples if e.question == "Which singers performed in a concert in Paris?")
    samples = AUGMENTATIONS["graph_views"](
        ex, graphs[ex.db_id], AugmentContext(PromptConfig(schema_format="compact")), random.Random(0)
    )
    texts = [_schema_text(s) for s in samples]
    assert len(samples) == 2
    assert any(t.startswith("CREATE TABLE") for t in texts)
    graph_text = next(t for t in texts if t.startswith("node "))
    join_lines = [line for line in graph_text.splitlines() if line.startswith("join ")]
    assert join_lines and all(
        t in " ".join(join_lines) for t in ("stadium", "concert", "singer_in_concert", "singer")
    )


def test_perturb_reorders_but_keeps_the_schema(graphs):
    graph = graphs["bookshop"]
    shuffled = shuffle_graph(graph, random.Random(3))
    assert shuffled.schema.table_names != graph.schema.table_names
    assert sorted(shuffled.schema.table_names) == sorted(graph.schema.table_names)
    assert {e.pair for e in shuffled.join_edges} == {e.pair for e in graph.join_edges}
    for table in graph.schema.tables:
        assert sorted(c.name for c in shuffled.schema.table(table.name).columns) == sorted(
            c.name for c in table.columns
        )


@pytest.mark.parametrize("db_fixture", ["concert_db", "demo_db"])
def test_synthetic_sql_runs_and_spans_several_tables(db_fixture, request):
    db = request.getfixturevalue(db_fixture)
    graph = build_schema_graph(read_sqlite_schema(db), db_path=db)
    examples = synthesize_examples(graph, db, random.Random(0), n=12, path_lengths=(2, 3))
    assert examples
    assert len({e.gold_sql for e in examples}) == len(examples)
    assert len({e.question for e in examples}) == len(examples)
    for ex in examples:
        assert ex.source == "aug:synthetic" and ex.question.endswith(("?", "."))
        assert len(tables_in_sql(ex.gold_sql)) >= 2
        result = execute_sql(db, ex.gold_sql, timeout=2.0)
        assert result.ok and result.rows
    again = synthesize_examples(graph, db, random.Random(0), n=12, path_lengths=(2, 3))
    assert [(e.question, e.gold_sql) for e in again] == [(e.question, e.gold_sql) for e in examples]


def _config(**kw) -> AugmentConfig:
    return AugmentConfig(synthetic_per_db=6, synthetic_path_lengths=(2, 3), **kw)


def test_build_is_deterministic_and_manifest_adds_up(mini, tmp_path):
    m1 = build_samples(_config(), tmp_path / "a", dataset=mini)
    m2 = build_samples(_config(), tmp_path / "b", dataset=mini)
    lines = (tmp_path / "a" / "samples.jsonl").read_text()
    assert lines == (tmp_path / "b" / "samples.jsonl").read_text()
    samples = read_samples(tmp_path / "a" / "samples.jsonl")
    assert m1.samples == m2.samples == len(samples) == sum(m1.counts["by_source"].values())
    assert sum(m1.counts["by_task"].values()) == len(samples)
    assert m1.joins["after"]["total"] == sum(1 for s in samples if s.task == "sql")
    assert m1.joins["before"]["total"] == m1.questions["used"] == m1.counts["by_source"]["spider:dev"]
    assert set(m1.counts["by_source"]) == {"spider:dev"} | {f"aug:{a}" for a in m1.settings["augmentations"]}
    assert m1.joins["after"]["multi_table_share"] > m1.joins["before"]["multi_table_share"]
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["samples"] == len(samples) and manifest["lengths"]["token_method"].startswith("estimate")
    assert load_augment_config(tmp_path / "a" / "config.yaml") == _config()
    other = build_samples(_config(), tmp_path / "c", dataset=mini, seed=1)
    assert other.samples != m1.samples or (tmp_path / "c" / "samples.jsonl").read_text() != lines


def test_knowledge_augmentation_asks_the_same_query_without_saying_it(mini, graphs):
    changed = 0
    for ex, sample, question in _reworded(mini, graphs, "knowledge"):
        assert question != ex.question and sample.answer == ex.gold_sql and sample.source == "aug:knowledge"
        assert "France" not in question  # a country the query compares with is named by what one knows of it
        changed += 1
    assert changed >= 1


@pytest.mark.parametrize(
    ("augmentations", "sources"),
    [
        ((), {"spider:dev"}),
        (("perturb",), {"spider:dev", "aug:perturb"}),
        (("synthetic",), {"spider:dev", "aug:synthetic"}),
        (("table_selection", "join_path"), {"spider:dev", "aug:table_selection", "aug:join_path"}),
        (("rename",), {"spider:dev", "aug:rename"}),
        (("demonstrations", "reword"), {"spider:dev", "aug:demonstrations", "aug:reword"}),
        (("knowledge",), {"spider:dev", "aug:knowledge"}),
    ],
)
def test_switches(augmentations, sources, mini, tmp_path):
    manifest = build_samples(_config(augmentations=augmentations), tmp_path, dataset=mini, limit=12)
    assert set(manifest.counts["by_source"]) == sources


def test_plain_config_shows_the_whole_schema_in_ddl(mini, tmp_path):
    config = load_augment_config(REPO_ROOT / "configs" / "augment_plain.yaml")
    build_samples(config, tmp_path, dataset=mini, count_tokens=lambda text: len(text.split()))
    samples = read_samples(tmp_path / "samples.jsonl")
    assert {s.source for s in samples} == {"spider:dev"} and len(samples) == len(mini.examples)
    for s in samples:
        assert _schema_text(s).startswith("CREATE TABLE")
        assert _shown_tables(s) == {t.lower() for t in mini.schemas[s.db_id].table_names}
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["lengths"]["token_method"] == "tokenizer"


def test_graph_config_file_loads():
    config = load_augment_config(REPO_ROOT / "configs" / "augment_graph.yaml")
    assert set(config.augmentations) == set(AUGMENTATIONS) - {"demonstrations", "reword", "knowledge"} | {"synthetic"}
    issue25 = load_augment_config(REPO_ROOT / "configs" / "augment_graph_unseen.yaml")
    assert set(issue25.augmentations) == set(AUGMENTATIONS) | {"synthetic", "rename"}


def _sql_of(text: str) -> str:
    return " ".join(text.lower().split())


def test_demonstrations_come_from_the_same_database_and_never_show_the_answer(mini, graphs):
    shots = Counter()
    for ex in mini.examples:
        ctx = AugmentContext(PromptConfig(max_tables=3), db_examples=mini.examples, max_shots=3)
        for sample in AUGMENTATIONS["demonstrations"](ex, graphs[ex.db_id], ctx, random.Random(ex.idx)):
            roles = [m["role"] for m in sample.messages]
            assert roles[0] == "system" and roles[-2:] == ["user", "assistant"] and len(roles) % 2 == 1
            demo_turns = sample.messages[1:-2]
            shots[len(demo_turns) // 2] += 1
            same_db = {_sql_of(e.gold_sql): e.question for e in mini.examples if e.db_id == ex.db_id}
            for user, answer in zip(demo_turns[::2], demo_turns[1::2]):
                assert _sql_of(answer["content"]) in same_db  # a worked example of this very database
                assert _sql_of(answer["content"]) != _sql_of(ex.gold_sql)
                assert ex.question not in user["content"]
            assert sample.answer == ex.gold_sql and ex.question in sample.messages[-2]["content"]
    assert set(shots) <= {1, 2, 3} and len(shots) >= 2


def _reworded(mini, graphs, augmentation: str):
    """(example, sample, the sample's question) for each sample ``augmentation`` makes of the mini questions."""
    for ex in mini.examples:
        ctx = AugmentContext(PromptConfig(max_tables=3))
        for sample in AUGMENTATIONS[augmentation](ex, graphs[ex.db_id], ctx, random.Random(ex.idx)):
            yield ex, sample, sample.messages[-2]["content"].rsplit("Question: ", 1)[1]


def test_reword_augmentation_changes_words_but_keeps_values(mini, graphs):
    reworded = 0
    for ex, sample, question in _reworded(mini, graphs, "reword"):
        assert question != ex.question and sample.answer == ex.gold_sql
        for value in ("Paris", "2014", "Albert Camus", "France"):
            assert (value in ex.question) == (value in question)
        reworded += 1
    assert reworded >= len(mini.examples) // 3


@pytest.mark.parametrize(
    "text",
    [
        "augmentatons: []\n",
        "prompt:\n  max_table: 3\n",
        "augmentations: [flip]\n",
        "view_formats: [xml]\n",
        "single_table_aug_fraction: 2\n",
    ],
)
def test_bad_config_is_rejected(text, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError):
        load_augment_config(path)


def test_unknown_gold_table_is_skipped(mini, graphs):
    ex = Example("concert", "Who?", "SELECT name FROM nowhere", source="spider:dev", idx=0)
    assert sql_sample(ex, graphs["concert"], AugmentContext(), random.Random(0)) == []
    for augment in AUGMENTATIONS.values():
        assert augment(ex, graphs["concert"], AugmentContext(), random.Random(0)) == []


def test_config_overrides():
    config = load_augment_config(REPO_ROOT / "configs" / "augment_graph.yaml", {"prompt": {"max_tables": 4}})
    assert config.prompt.max_tables == 4 and replace(config, seed=2).seed == 2


def test_run_augment_writes_the_stage_artefacts(mini_spider, tmp_path):
    config = tmp_path / "augment.yaml"
    config.write_text(f"data_dir: {mini_spider}\naugmentations: [join_path]\n")
    # mini_spider has no train_spider.json: the stage refuses it rather than falling back to dev
    with pytest.raises(DataError):
        run_augment(config, tmp_path / "out", limit=3)


def augment_config_on_mini_train(mini_spider, tmp_path, augmentations: list[str]):
    """An augment config over a Spider folder whose train split is mini_spider's dev questions."""
    spider = tmp_path / "spider"
    spider.mkdir()
    for name in ("tables.json", "database"):
        (spider / name).symlink_to(mini_spider / name)
    (spider / "train_spider.json").write_text((mini_spider / "dev.json").read_text())
    config = tmp_path / "augment.yaml"
    config.write_text(f"data_dir: {spider}\naugmentations: [{', '.join(augmentations)}]\n")
    return config


def test_run_augment_on_a_train_split(mini_spider, tmp_path):
    config = augment_config_on_mini_train(mini_spider, tmp_path, ["join_path"])
    out = run_augment(config, tmp_path / "out", limit=8)
    assert {p.name for p in out.iterdir()} == {"samples.jsonl", "manifest.json", "config.yaml"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["questions"]["read"] == 8
    assert set(manifest["counts"]["by_source"]) <= {"spider:train", "aug:join_path"}



def test_ablation_drops_only_that_augmentation(mini, tmp_path):
    from graphsql.augment.build import ablate
    from graphsql.errors import ConfigError

    config = _config(augmentations=("perturb", "table_selection"))
    with pytest.raises(ConfigError, match="not on in this config"):
        ablate(config, ["synthetic"])
    assert ablate(config, []) is config
    ablated = ablate(config, ["table_selection"])
    assert ablated.augmentations == ("perturb",) and ablated.name.endswith("-without-table_selection")
    full = build_samples(config, tmp_path / "full", dataset=mini)
    less = build_samples(ablated, tmp_path / "less", dataset=mini)
    assert "aug:table_selection" in full.counts["by_source"] and "aug:table_selection" not in less.counts["by_source"]
    assert less.counts["by_source"]["aug:perturb"] == full.counts["by_source"]["aug:perturb"]
