"""The web page and its JSON API, with a scripted generator (no model) and the test databases."""

import time

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

from graphsql.config import load_config  # noqa: E402
from graphsql.web.app import create_app  # noqa: E402
from tests.fake_generator import ScriptedGenerator  # noqa: E402

JOIN_SQL = ("SELECT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id "
            "GROUP BY T1.singer_id ORDER BY count(*) DESC LIMIT 1")


@pytest.fixture()
def client(concert_db, tmp_path):
    generator = ScriptedGenerator({"most concerts": [JOIN_SQL], "broken": ["SELECT nope FROM nowhere"]})
    made = []

    def factory():
        made.append(1)
        return generator

    app = create_app(factory, load_config(None, {"infer": {"repair": False}}), databases=[concert_db],
                     upload_dir=tmp_path / "uploads")
    c = TestClient(app)
    c.made = made
    return c


def test_page_and_database_list(client):
    page = client.get("/").text
    assert '<textarea id="q"' in page and 'id="graph"' in page and "/static/app.js" in page
    assert "drawGraph" in client.get("/static/app.js").text and client.get("/static/nope.js").status_code == 404
    dbs = client.get("/api/databases").json()
    assert [d["name"] for d in dbs] == ["concert.sqlite"]
    assert set(dbs[0]["tables"]) == {"stadium", "singer", "concert", "singer_in_concert"}


def test_ask_returns_sql_result_and_explanation(client):
    db = client.get("/api/databases").json()[0]["id"]
    out = client.post("/api/ask", json={"db": db, "question": "Which singer sang in the most concerts?"}).json()
    assert out["ok"] and out["sql"] == JOIN_SQL and out["columns"] == ["name"] and len(out["rows"]) == 1
    assert out["generated"] == "" and out["before_fallback"] == ""  # a correct query: not repaired, no fallback
    assert "singer" in out["kept_tables"] and len(out["candidates"]) == 1 and out["candidates"][0]["votes"] == 1
    assert out["total_rows"] == 1 and "singer" in {x["table"] for x in out["linked_tables"]}
    assert all(0 <= x["score"] <= 1 for x in out["linked_tables"])
    assert ["singer", "singer_in_concert"] in [sorted(e) for e in out["join_edges"]]  # the prompt's join path
    client.post("/api/ask", json={"db": db, "question": "Which singer sang in the most concerts?"})
    assert client.made == [1]  # the model is loaded once


def test_a_failing_query_is_reported_not_raised(client):
    db = client.get("/api/databases").json()[0]["id"]
    out = client.post("/api/ask", json={"db": db, "question": "something broken"}).json()
    assert out["ok"] is False and "no such table" in out["error"] and out["rows"] == []


def test_upload_then_ask(client, concert_db, tmp_path):
    r = client.post("/api/upload", content=concert_db.read_bytes(), headers={"X-Filename": "../../my.sqlite"})
    assert r.status_code == 200 and r.json()["name"] == "my.sqlite"
    assert len(client.get("/api/databases").json()) == 2
    out = client.post("/api/ask", json={"db": r.json()["id"], "question": "Which singer sang in the most concerts?"})
    assert out.json()["ok"]
    assert [p.parent.name for p in (tmp_path / "uploads").iterdir()] == ["uploads"]  # stored where it should be


def test_bad_input_gets_a_clear_error(client):
    bad = client.post("/api/upload", content=b"not a database at all", headers={"X-Filename": "x.sqlite"})
    assert bad.status_code == 400 and "not a SQLite database" in bad.json()["detail"]
    assert "uploads" not in bad.json()["detail"]  # the server's path is not shown
    assert client.post("/api/upload", content=b"").status_code == 400
    assert client.post("/api/ask", json={"db": "nope", "question": "q"}).status_code == 404
    db = client.get("/api/databases").json()[0]["id"]
    assert client.post("/api/ask", json={"db": db, "question": "   "}).status_code == 400
    assert client.post("/api/ask", json={"db": db, "question": ""}).status_code == 422
    assert client.post("/api/ask", json={"db": db, "question": "q", "samples": 50}).status_code == 422


def test_worked_examples_become_demonstrations(client):
    db = client.get("/api/databases").json()[0]["id"]
    examples = [{"question": "How many singers are there?", "sql": "SELECT count(*) FROM singer"},
                {"question": "Which stadium is the largest?",
                 "sql": "SELECT name FROM stadium ORDER BY capacity DESC LIMIT 1"},
                {"question": "Which singer sang in the most concerts?", "sql": JOIN_SQL}]
    out = client.post("/api/ask", json={"db": db, "question": "Which singer performed in the most concerts?",
                                        "examples": examples, "shots": 2, "shots_when": "always"}).json()
    assert out["ok"] and len(out["demonstrations"]) == 2 and out["reused_example"] == "" and out["asked_as"] == ""
    # by default (prompt.shots_when "empty") only for an answer without rows: this one has rows
    assert client.post("/api/ask", json={"db": db, "question": "Which singer performed in the most concerts?",
                                         "examples": examples, "shots": 2}).json()["demonstrations"] == []
    # an example's own question is answered with its SQL, no model (infer.reuse_examples)
    out = client.post("/api/ask", json={"db": db, "question": "Which singer sang in the most concerts?",
                                        "examples": examples, "shots": 2, "shots_when": "always"}).json()
    assert out["reused_example"] == "Which singer sang in the most concerts?" and out["demonstrations"] == []
    assert out["sql"] == JOIN_SQL and out["ok"]
    assert client.post("/api/ask", json={"db": db, "question": "Which singer sang in the most concerts?"}
                       ).json()["demonstrations"] == []
    assert 'id="examples"' in client.get("/").text


def test_an_empty_answer_asked_again_with_the_examples_says_which_it_replaced(concert_db, tmp_path):
    """By default the examples are shown only when the answer without them has no rows; the JSON (and the page)
    then carries the answer they replaced."""

    class EmptyWithoutShots(ScriptedGenerator):
        def generate(self, prompts, n=1, temperature=0.0, max_new_tokens=256, seed=0):
            shown = sum(m["role"] == "assistant" for m in prompts[0])
            return [["SELECT name FROM singer" if shown else "SELECT name FROM singer WHERE 1 = 0"] * n
                    for _ in prompts]

    app = create_app(EmptyWithoutShots, load_config(None, {"infer": {"repair": False, "fallback": 0}}),
                     databases=[concert_db], upload_dir=tmp_path / "uploads")
    c = TestClient(app)
    db = c.get("/api/databases").json()[0]["id"]
    examples = [{"question": "How many singers are there?", "sql": "SELECT count(*) FROM singer"},
                {"question": "Which stadium is the largest?",
                 "sql": "SELECT name FROM stadium ORDER BY capacity DESC LIMIT 1"}]
    out = c.post("/api/ask", json={"db": db, "question": "Name the singers.", "examples": examples}).json()
    assert out["ok"] and out["total_rows"] > 0 and len(out["demonstrations"]) == 2
    assert out["before_shots"] == "SELECT name FROM singer WHERE 1 = 0"
    assert 'id="shots-view"' in c.get("/").text


def test_a_bad_example_is_a_clear_error_before_the_model_loads(client):
    db = client.get("/api/databases").json()[0]["id"]
    bad = client.post("/api/ask", json={"db": db, "question": "How many?",
                                        "examples": [{"question": "Planets?", "sql": "SELECT name FROM planet"}]})
    assert bad.status_code == 400 and "your examples: example 0" in bad.json()["detail"]
    assert client.made == []
    assert client.post("/api/ask", json={"db": db, "question": "q", "examples": [{"question": "q"}]}
                       ).status_code == 422


def test_schema_graph_and_samples(client):
    db = client.get("/api/databases").json()[0]["id"]
    g = client.get(f"/api/schema/{db}").json()
    names = {t["key"] for t in g["tables"]}
    assert names == {"stadium", "singer", "concert", "singer_in_concert"}
    assert len({(t["x"], t["y"]) for t in g["tables"]}) == len(g["tables"])  # no two tables on one cell
    singer = next(t for t in g["tables"] if t["key"] == "singer")
    assert any(c["pk"] for c in singer["columns"])
    assert {"source": "singer_in_concert", "target": "singer"}.items() <= next(
        e for e in g["edges"] if e["source"] == "singer_in_concert" and e["target"] == "singer").items()
    assert {e["kind"] for e in g["edges"]} <= {"declared", "inferred"}
    s = client.get(f"/api/schema/{db}/sample/singer").json()
    assert s["columns"] and 0 < len(s["rows"]) <= 5
    assert client.get(f"/api/schema/{db}/sample/nope").status_code == 404
    assert client.get("/api/schema/nope").status_code == 404


def test_users_sql_runs_read_only_paged_and_as_csv(client, concert_db):
    db = client.get("/api/databases").json()[0]["id"]
    out = client.post("/api/sql", json={"db": db, "sql": "SELECT name FROM singer ORDER BY name", "page_size": 2,
                                        "page": 1}).json()
    assert out["ok"] and out["page"] == 1 and len(out["rows"]) <= 2 and out["total_rows"] >= 3
    every = client.post("/api/sql", json={"db": db, "sql": "SELECT name FROM singer ORDER BY name"}).json()
    assert out["rows"] == every["rows"][2:4]
    bad = client.post("/api/sql", json={"db": db, "sql": "DELETE FROM singer"}).json()
    assert bad["ok"] is False and bad["error"]
    assert client.post("/api/sql", json={"db": db, "sql": "SELECT count(*) FROM singer"}).json()["rows"] == \
        [[every["total_rows"]]]  # nothing was deleted
    csv = client.get("/api/csv", params={"db": db, "sql": "SELECT name FROM singer ORDER BY name"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    lines = csv.text.strip().splitlines()
    assert lines[0] == "name" and len(lines) == every["total_rows"] + 1
    assert client.get("/api/csv", params={"db": db, "sql": "SELECT nope"}).status_code == 400


def test_jobs_report_their_place_and_finish(client):
    db = client.get("/api/databases").json()[0]["id"]
    start = client.post("/api/jobs", json={"db": db, "question": "Which singer sang in the most concerts?"}).json()
    assert start["position"] >= 0
    import time
    for _ in range(200):
        st = client.get(f"/api/jobs/{start['job']}").json()
        if st["state"] == "done":
            break
        time.sleep(0.02)
    assert st["state"] == "done" and st["answer"]["sql"] == JOIN_SQL
    assert client.get("/api/jobs/nope").status_code == 404
    health = client.get("/api/health").json()
    assert health["ok"] and health["model_loaded"] and health["queue"]["pending"] == 0


def test_a_full_queue_answers_503_at_once(concert_db, tmp_path):
    import threading

    release = threading.Event()

    class Slow(ScriptedGenerator):
        def generate(self, *args, **kwargs):
            release.wait(10)
            return super().generate(*args, **kwargs)

    app = create_app(lambda: Slow({"most": [JOIN_SQL]}), load_config(None, {"infer": {"repair": False}}),
                     databases=[concert_db], upload_dir=tmp_path / "u", max_pending=1)
    with TestClient(app) as c:
        db = c.get("/api/databases").json()[0]["id"]
        body = {"db": db, "question": "most concerts?"}
        first = c.post("/api/jobs", json=body).json()
        for _ in range(200):  # the first one is taken by the worker
            if c.get(f"/api/jobs/{first['job']}").json()["state"] == "running":
                break
            time.sleep(0.01)
        second = c.post("/api/jobs", json=body).json()
        assert second["position"] == 2  # one running, this one next
        full = c.post("/api/jobs", json=body)
        assert full.status_code == 503 and "busy" in full.json()["detail"]
        assert c.get("/api/health").json()["queue"] == {"pending": 1, "max_pending": 1, "running": True}
        release.set()


def test_a_token_guards_every_api_call(concert_db, tmp_path):
    app = create_app(lambda: ScriptedGenerator({}), load_config(None, {}), databases=[concert_db],
                     upload_dir=tmp_path / "u", token="s3cret")
    c = TestClient(app)
    assert c.get("/api/databases").status_code == 401
    assert c.get("/api/databases", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert c.get("/api/databases", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    db = c.get("/api/databases?token=s3cret").json()[0]["id"]
    assert c.get("/api/csv", params={"db": db, "sql": "SELECT 1", "token": "s3cret"}).status_code == 200
    assert c.get("/").status_code == 200  # the page itself is public; it asks for nothing without the token


def test_uploads_are_removed_when_the_server_stops(concert_db):
    app = create_app(lambda: ScriptedGenerator({}), load_config(None, {}))
    folder = app.state.upload_dir
    with TestClient(app) as c:
        r = c.post("/api/upload", content=concert_db.read_bytes(), headers={"X-Filename": "c.sqlite"})
        assert r.status_code == 200 and any(folder.iterdir())
        assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert not folder.exists()


def test_load_bench_counts_answers_and_latency(tmp_path):
    """graphsql.web.bench on the scripted generator: a short, bounded run against a real loopback server."""
    from graphsql.quickstart import DEMO_QUESTIONS, build_demo_database
    from graphsql.testing import ScriptedAnswers
    from graphsql.web.bench import run_load

    db = build_demo_database(tmp_path / "bookshop.sqlite")
    gen = ScriptedAnswers(dict(DEMO_QUESTIONS))
    out = run_load(lambda: gen, load_config(None, {}), db, [q for q, _ in DEMO_QUESTIONS], clients=3, seconds=1.0)
    assert out["answered"] > 3 and out["errors"] == 0 and out["refused_503"] == 0
    assert 0 < out["latency_p50"] <= out["latency_p95"] and out["queue_wait_p50"] is not None
