"""Hardening, counted (issue 28): `graphsql.eval.hardening` runs every kind of hostile or bad input and the
committed `results/analyses/hardening.json` shows every case handled (the kill harness included)."""

from __future__ import annotations

import json

from graphsql.config import REPO_ROOT
from graphsql.eval.hardening import KINDS, run_hardening


def test_every_fast_case_is_handled(tmp_path):
    """What CI runs: hostile SQL and schemas, bad command lines, bad files and bad web requests (not the kills)."""
    result = run_hardening(tmp_path, KINDS[:-1], timeout=0.3)  # the committed file: 1 s a hostile statement
    open_cases = {kind: row["open"] for kind, row in result["kinds"].items() if row["open"]}
    assert not open_cases, open_cases
    assert result["handled"] == result["tried"] >= 150
    assert result["kinds"]["bad_files"]["tried"] >= 40 and result["kinds"]["bad_requests"]["tried"] >= 30
    details = {c["name"]: c["detail"] for c in result["cases"]}
    assert "HTTP 413" in details["upload_claims_too_large"]  # refused on its declared length, before reading it
    assert "question must be text" in details["predict_question_not_text"]  # refused before any model loads
    assert len(list(tmp_path.glob("requests/uploads/*"))) == 2  # the two accepted uploads; refused ones leave none


def test_a_case_that_is_not_handled_is_listed_as_open(tmp_path, monkeypatch):
    import graphsql.eval.hardening as hardening

    monkeypatch.setattr(hardening, "BAD_COMMAND_LINES", (["ask", "--bogus"], ["--help"]))
    result = run_hardening(tmp_path, ("bad_command_lines",))
    assert result["kinds"]["bad_command_lines"] == {**result["kinds"]["bad_command_lines"], "tried": 2,
                                                    "handled": 1, "open": ["--help"]}


def test_committed_results_count_every_kind_and_every_case_handled():
    result = json.loads((REPO_ROOT / "results" / "analyses" / "hardening.json").read_text())
    assert list(result["kinds"]) == list(KINDS)  # made with --kills
    assert result["handled"] == result["tried"] and all(not row["open"] for row in result["kinds"].values())
    jobs = {c["name"].split(" kill ")[0] for c in result["cases"] if c["kind"] == "kills"}
    assert jobs == {"predict", "train", "dpo_sample", "augment"}
