"""`--backend openai` (issue 30) against a small fake OpenAI-compatible server (FastAPI on a loopback port): the
same pipeline as in-process, self-consistency through ``n`` or repeated requests, one-line errors for a server
that is down, failing or malformed, and `predict --workers N` in question order, resumable."""

# no `from __future__ import annotations`: FastAPI reads the fake endpoint's annotations at runtime

import json
import os
import threading
import time

import pytest

pytest.importorskip("openai")
pytest.importorskip("fastapi")

from fastapi import Request  # noqa: E402

from graphsql.cli import main  # noqa: E402
from graphsql.config import InferConfig  # noqa: E402
from graphsql.inference.models import ModelError  # noqa: E402
from graphsql.inference.predict import predict  # noqa: E402
from graphsql.inference.remote import OpenAIGenerator  # noqa: E402
from graphsql.web.local import running_server  # noqa: E402


def fake_server(answer, one_choice: bool = False, fail_after: int | None = None, delay: float = 0.0):
    """An OpenAI-compatible app: ``answer(messages, seed, i)`` writes the i-th choice; it can give one choice per
    request, start failing with 500 after ``fail_after`` requests, or take ``delay`` seconds."""
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse

    app = FastAPI()
    app.state.requests = []
    app.state.in_flight = app.state.most_in_flight = 0
    lock = threading.Lock()

    @app.post("/v1/chat/completions")
    def completions(body: dict, request: Request):
        with lock:
            app.state.requests.append(body)
            app.state.in_flight += 1
            app.state.most_in_flight = max(app.state.most_in_flight, app.state.in_flight)
            count = len(app.state.requests)
        try:
            time.sleep(delay)
            if request.headers.get("authorization") != "Bearer test-key":
                return JSONResponse({"error": {"message": "bad key"}}, status_code=401)
            if fail_after is not None and count > fail_after:
                return JSONResponse({"error": {"message": "the model crashed"}}, status_code=500)
            n = 1 if one_choice else body.get("n", 1)
            choices = [{"index": i, "finish_reason": "stop",
                        "message": {"role": "assistant", "content": answer(body["messages"], body.get("seed"), i)}}
                       for i in range(n)]
            return {"id": "x", "object": "chat.completion", "created": 0, "model": body["model"], "choices": choices,
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        finally:
            with lock:
                app.state.in_flight -= 1

    return app


def _count_books(messages, seed, i):
    return "```sql\nSELECT count(*) FROM book\n```"


@pytest.fixture(autouse=True)
def api_key(monkeypatch):
    monkeypatch.setenv("GRAPHSQL_API_KEY", "test-key")


def test_the_pipeline_runs_on_a_server(demo_db):
    app = fake_server(_count_books)
    with running_server(app) as url:
        gen = OpenAIGenerator(f"{url}/v1", model="graphsql")
        pred = predict("How many books?", demo_db, gen, infer_config=InferConfig(adapter=None))
    assert pred.ok and pred.pred_sql == "SELECT count(*) FROM book" and pred.result.rows == ((40,),)
    body = app.state.requests[0]
    assert body["model"] == "graphsql" and body["messages"][0]["role"] == "system" and body["temperature"] == 0.0
    assert body["repeat_penalty"] == 1.0   # llama.cpp's servers would penalise repeats, unlike in-process decoding
    assert "book" in body["messages"][-1]["content"]   # the same prompt as in-process: the schema, the question


def test_self_consistency_asks_again_when_a_server_gives_one_choice(demo_db):
    answers = ["SELECT count(*) FROM book", "SELECT count(*) FROM book", "SELECT 1"]
    app = fake_server(lambda m, seed, i: answers[seed % 3], one_choice=True)
    with running_server(app) as url:
        texts = OpenAIGenerator(f"{url}/v1").generate([[{"role": "user", "content": "q"}]], n=3, temperature=0.7,
                                                       seed=0)
    assert texts == [answers] and [r["seed"] for r in app.state.requests] == [0, 1, 2]


def test_server_errors_are_one_line(demo_db, capsys, monkeypatch):
    with running_server(fake_server(_count_books, fail_after=0)) as url:
        with pytest.raises(ModelError, match="answered 500: the model crashed"):
            OpenAIGenerator(f"{url}/v1", max_retries=0).generate([[{"role": "user", "content": "q"}]])
    monkeypatch.setenv("GRAPHSQL_API_KEY", "wrong")
    with running_server(fake_server(_count_books)) as url:
        with pytest.raises(ModelError, match="answered 401"):
            OpenAIGenerator(f"{url}/v1", max_retries=0).generate([[{"role": "user", "content": "q"}]])
    monkeypatch.setenv("GRAPHSQL_API_KEY", "test-key")
    with running_server(fake_server(lambda m, s, i: None)) as url:   # content null: an empty answer, not a crash
        assert OpenAIGenerator(f"{url}/v1").generate([[{"role": "user", "content": "q"}]]) == [[""]]
    code = main(["ask", "How many books?", "--db", str(demo_db), "--backend", "openai", "--base-url",
                 "http://127.0.0.1:9/v1", "--model", "graphsql"])
    err = capsys.readouterr().err
    assert code == 1 and "error: server http://127.0.0.1:9/v1 cannot be reached" in err and "Traceback" not in err


def test_predict_with_workers_keeps_question_order_and_resumes(mini_spider, tmp_path):
    def answer(messages, seed, i):  # an answer that names its question, so order can be checked
        question = messages[-1]["content"].rsplit("Question:", 1)[-1].strip().splitlines()[0]
        return f"SELECT '{question[:40].replace(chr(39), '')}'"

    out = tmp_path / "preds.sql"
    args = ["predict", "--questions", str(mini_spider / "dev.json"), "--db-dir", str(mini_spider / "database"),
            "--out", str(out), "--backend", "openai", "--model", "graphsql", "--no-repairs"]
    dev = json.loads((mini_spider / "dev.json").read_text())
    with running_server(fake_server(answer, fail_after=7, delay=0.05)) as url:  # dies after 7 requests
        assert main([*args, "--base-url", f"{url}/v1", "--workers", "3"]) == 1
    partial = out.with_suffix(".sql.jsonl").read_text().splitlines()
    assert 0 < len(partial) < len(dev) and not out.exists()
    app = fake_server(answer, delay=0.05)
    with running_server(app) as url:
        assert main([*args, "--base-url", f"{url}/v1", "--workers", "3"]) == 0
    lines = out.read_text().splitlines()
    assert len(lines) == len(dev) and app.state.most_in_flight > 1
    assert len(app.state.requests) == len(dev) - len(partial)   # finished questions are not asked again
    records = [json.loads(line) for line in out.with_suffix(".sql.jsonl").read_text().splitlines()]
    assert [r["idx"] for r in records] == list(range(len(dev)))   # question order
    for rec, item in zip(records, dev):
        assert rec["pred_sql"] == f"SELECT '{item['question'][:40].replace(chr(39), '')}'"


def test_workers_need_a_server_backend(mini_spider, tmp_path, capsys):
    code = main(["predict", "--questions", str(mini_spider / "dev.json"), "--db-dir", str(mini_spider / "database"),
                 "--out", str(tmp_path / "p.sql"), "--adapter", "none", "--backend", "transformers",
                 "--model", "/nonexistent", "--workers", "2"])
    assert code == 1


@pytest.mark.model
@pytest.mark.skipif(os.environ.get("GRAPHSQL_MODEL_TESTS") != "1",
                    reason="the real model: GRAPHSQL_MODEL_TESTS=1 pytest -m model tests/test_serving.py")
def test_llama_cpp_server_writes_the_in_process_sql(monkeypatch):
    """llama-cpp-python's OpenAI-compatible server with the shipped merged GGUF writes, greedy, the SQL that
    in-process llama.cpp writes on the same questions (`graphsql.inference.bench_serving`, 4 questions)."""
    pytest.importorskip("llama_cpp.server.app")
    from pathlib import Path

    from graphsql.config import REPO_ROOT
    from graphsql.inference.bench_serving import compare_serving

    monkeypatch.setenv("GRAPHSQL_CACHE", str(Path.home() / ".cache" / "graphsql"))  # the real model, merged once
    result = compare_serving(questions=4, workers=2,
                             adapter=REPO_ROOT / "models" / "qwen2.5-coder-0.5b-graph-balanced-gpu-lora")
    assert all(same == result["questions"] for same in result["same_sql_as_in_process"].values()), result["sql"]
