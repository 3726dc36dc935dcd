"""The web page and its JSON API, with a scripted generator (no model) and the test databases."""

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
    assert "<textarea" in client.get("/").text
    dbs = client.get("/api/databases").json()
    assert [d["name"] for d in dbs] == ["concert.sqlite"]
    assert set(dbs[0]["tables"]) == {"stadium", "singer", "concert", "singer_in_concert"}


def test_ask_returns_sql_result_and_explanation(client):
    db = client.get("/api/databases").json()[0]["id"]
    out = client.post("/api/ask", json={"db": db, "question": "Which singer sang in the most concerts?"}).json()
    assert out["ok"] and out["sql"] == JOIN_SQL and out["columns"] == ["name"] and len(out["rows"]) == 1
    assert out["generated"] == ""   # a correct query is not repaired
    assert "singer" in out["kept_tables"] and out["candidates"] == 1
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
    out = client.post("/api/ask", json={"db": db, "question": "Which singer sang in the most concerts?",
                                        "examples": examples, "shots": 2}).json()
    assert out["ok"] and len(out["demonstrations"]) == 2
    assert "Which singer sang in the most concerts?" not in out["demonstrations"]   # never the question itself
    assert client.post("/api/ask", json={"db": db, "question": "Which singer sang in the most concerts?"}
                       ).json()["demonstrations"] == []
    assert 'id="examples"' in client.get("/").text


def test_a_bad_example_is_a_clear_error_before_the_model_loads(client):
    db = client.get("/api/databases").json()[0]["id"]
    bad = client.post("/api/ask", json={"db": db, "question": "How many?",
                                        "examples": [{"question": "Planets?", "sql": "SELECT name FROM planet"}]})
    assert bad.status_code == 400 and "your examples: example 0" in bad.json()["detail"]
    assert client.made == []
    assert client.post("/api/ask", json={"db": db, "question": "q", "examples": [{"question": "q"}]}
                       ).status_code == 422
