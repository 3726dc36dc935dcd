"""Decoding under a grammar of the schema's names (graphsql.inference.grammar)."""

from __future__ import annotations

import re

import pytest

from graphsql.config import InferConfig
from graphsql.data.records import Column, DbSchema, Table
from graphsql.data.sqlite import read_sqlite_schema
from graphsql.inference.grammar import sql_grammar
from graphsql.inference.predict import predict
from tests.fake_generator import ScriptedGenerator
from tests.test_generate import tiny_gguf, tiny_model  # noqa: F401  (fixtures)

SCHEMA = DbSchema("schools", (
    Table("frpm", (Column("frpm", "CDSCode", "text", is_primary=True), Column("frpm", "Free Meal Count (K-12)", "real"),
                   Column("frpm", "County Name", "text"))),
    Table("order", (Column("order", "id", "integer"),)),
), ())


def test_grammar_lists_every_name_in_the_spellings_sqlite_accepts():
    text = sql_grammar(SCHEMA)
    assert text == sql_grammar(SCHEMA)  # deterministic
    column_rule = next(line for line in text.splitlines() if line.startswith("column-name ::="))
    table_rule = next(line for line in text.splitlines() if line.startswith("table-name ::="))
    alternatives = [a.strip() for a in column_rule.split("::=", 1)[1].split(" | ")]
    free_meal = '[fF] [rR] [eE] [eE] " " [mM] [eE] [aA] [lL] " " [cC] [oO] [uU] [nN] [tT] " (" [kK] "-12)"'
    # a name that is not a plain word: only quoted (double quotes, backticks, brackets), in any letter case
    assert {a for a in alternatives if free_meal in a} == {f'"\\"" {free_meal} "\\""', f'"`" {free_meal} "`"',
                                                           f'"[" {free_meal} "]"'}
    assert "[cC] [dD] [sS] [cC] [oO] [dD] [eE]" in alternatives  # a plain word: bare too
    order = "[oO] [rR] [dD] [eE] [rR]"
    assert order not in table_rule.split(" | ") and f'"\\"" {order} "\\""' in table_rule  # a keyword: quoted
    function_rule = next(line for line in text.splitlines() if line.startswith("function ::="))
    assert "[cC] [oO] [uU] [nN] [tT]" in function_rule and "[a-z" not in function_rule  # known functions only
    with pytest.raises(ValueError):
        sql_grammar(DbSchema("empty", (), ()))


def test_llama_cpp_parses_the_grammar_of_a_real_schema(concert_db):
    llama_cpp = pytest.importorskip("llama_cpp")
    grammar = llama_cpp.LlamaGrammar.from_string(sql_grammar(read_sqlite_schema(concert_db)), verbose=False)
    assert grammar is not None


def test_a_random_model_under_the_grammar_writes_only_schema_names(tiny_gguf, concert_db):  # noqa: F811
    from graphsql.inference.generate import LlamaCppGenerator

    schema = read_sqlite_schema(concert_db)
    tables = {t.name.lower() for t in schema.tables}
    gen = LlamaCppGenerator(tiny_gguf, n_ctx=512, n_threads=1)
    prompts = [[{"role": "user", "content": q}] for q in ("How many singers?", "Concerts in 2014?", "Stadiums?")]
    free = gen.generate(prompts, max_new_tokens=40)
    bound = gen.generate(prompts, max_new_tokens=40, grammars=[sql_grammar(schema)] * len(prompts))
    assert free != bound  # a random model writes no SQL on its own
    for [text] in bound:
        assert re.match(r"\s*(SELECT|select)\s", text), text
        for name in re.findall(r"(?:FROM|from|JOIN|join)\s+([A-Za-z_][A-Za-z0-9_]*)", text):
            assert name.lower() in tables, text


class GrammarRecorder(ScriptedGenerator):
    supports_grammar = True

    def generate(self, prompts, n=1, temperature=0.0, max_new_tokens=256, seed=0, grammars=None):
        self.calls.append({"grammars": grammars})
        return [[self.default[0]] * n for _ in prompts]


def test_predict_decodes_under_the_shown_schemas_grammar_when_asked(concert_db):
    gen = GrammarRecorder(default=["SELECT count(*) FROM singer"])
    predict("How many singers?", concert_db, gen, infer_config=InferConfig(adapter=None, grammar=True))
    [grammar] = gen.calls[-1]["grammars"]
    assert "[sS] [iI] [nN] [gG] [eE] [rR]" in grammar and "column-name ::=" in grammar
    predict("How many singers?", concert_db, gen, infer_config=InferConfig(adapter=None))
    assert gen.calls[-1]["grammars"] is None
    plain = ScriptedGenerator(default=["SELECT count(*) FROM singer"])  # no grammar support: ignored, with a warning
    assert predict("How many singers?", concert_db, plain, infer_config=InferConfig(adapter=None, grammar=True)).ok
