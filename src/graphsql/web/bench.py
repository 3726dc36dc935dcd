"""A bounded load test of the web API on loopback: N clients asking at once for T seconds, then it stops.

    $ python -m graphsql.web.bench --clients 8 --seconds 30            # scripted generator, then the real model
    $ python -m graphsql.web.bench --generators scripted                # the server's own overhead only

Each run starts `graphsql.web.app` under uvicorn on a free loopback port with the demo database, and every client
posts the demo questions in turn to ``POST /api/ask`` until the time is up (a question in flight is waited for, up
to ``--grace`` seconds). Two generators: ``scripted`` answers every question at once with the demo's gold SQL (what
is measured is the server: queue, linking, pruning, execution, JSON), ``real`` is what `graphsql serve` runs (the
shipped adapter merged into a q8_0 GGUF, llama.cpp). Each generator is run with one client first (the baseline) and
then with ``--clients``: the ratios are against that baseline, in the same process. A full queue answers 503: those
are counted as refused, not as errors. Written to ``results/benchmarks/bench_web.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path

from graphsql.config import REPO_ROOT
from graphsql.experiments import layout
from graphsql.provenance import run_info

log = logging.getLogger(__name__)


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q * (len(values) - 1))))], 3)


async def _clients(url: str, db: str, questions: list[str], clients: int, seconds: float, grace: float) -> dict:
    import httpx

    latencies, queued, statuses = [], [], {}
    stop_at = time.monotonic() + seconds

    async def client(k: int) -> None:
        async with httpx.AsyncClient(timeout=seconds + grace) as http:
            i = k
            while time.monotonic() < stop_at:
                start = time.monotonic()
                try:
                    r = await http.post(f"{url}/api/ask", json={"db": db, "question": questions[i % len(questions)]})
                    status = str(r.status_code)
                except httpx.HTTPError as err:
                    status = type(err).__name__
                statuses[status] = statuses.get(status, 0) + 1
                if status == "200":
                    latencies.append(time.monotonic() - start)
                    queued.append(r.json().get("queued_seconds", 0.0))
                elif status == "503":
                    await asyncio.sleep(0.2)  # refused at once: a real client would back off
                i += clients

    started = time.monotonic()
    await asyncio.wait_for(asyncio.gather(*(client(k) for k in range(clients))), seconds + grace + 5)
    wall = time.monotonic() - started
    answered = statuses.get("200", 0)
    return {"clients": clients, "seconds": round(wall, 2), "answered": answered,
            "refused_503": statuses.get("503", 0),
            "errors": sum(v for k, v in statuses.items() if k not in ("200", "503")), "statuses": statuses,
            "answers_per_second": round(answered / wall, 3) if wall else None,
            "latency_p50": _pct(latencies, 0.5), "latency_p95": _pct(latencies, 0.95),
            "queue_wait_p50": _pct(queued, 0.5), "queue_wait_p95": _pct(queued, 0.95),
            "latency_mean": round(statistics.fmean(latencies), 3) if latencies else None}


def run_load(generator_factory, config, db_path: Path, questions: list[str], clients: int, seconds: float,
             grace: float = 60.0, max_pending: int = 16) -> dict:
    """One server, one load run (see the module docstring)."""
    import httpx

    from graphsql.web.app import create_app
    from graphsql.web.local import running_server

    app = create_app(generator_factory, config, databases=[db_path], max_pending=max_pending)
    with running_server(app) as url:
        db = httpx.get(f"{url}/api/databases").json()[0]["id"]
        httpx.post(f"{url}/api/ask", json={"db": db, "question": questions[0]}, timeout=600)  # loads the model
        return asyncio.run(_clients(url, db, questions, clients, seconds, grace))


def main(argv: list[str] | None = None) -> int:
    from graphsql.cli import cli_config, load_generator
    from graphsql.quickstart import DEMO_QUESTIONS, build_demo_database

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--max-pending", type=int, default=16)
    parser.add_argument("--generators", nargs="+", default=["scripted", "real"], choices=["scripted", "real"])
    parser.add_argument("--out", type=Path, default=layout.benchmark_file(REPO_ROOT / "results", "bench_web.json"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    load_before = os.getloadavg()
    db_path = build_demo_database(Path(tempfile.mkdtemp(prefix="graphsql-bench-")) / "bookshop.sqlite")
    questions = [q for q, _ in DEMO_QUESTIONS]
    gold = dict(DEMO_QUESTIONS)
    cfg = cli_config()
    runs = {}
    for name in args.generators:
        if name == "scripted":
            from graphsql.testing import ScriptedAnswers
            factory = lambda: ScriptedAnswers(gold)  # noqa: E731
        else:
            factory = lambda: load_generator(cfg)  # noqa: E731
        generator = factory()  # built once: both runs of a generator share it (the model loads once)
        base = run_load(lambda g=generator: g, cfg, db_path, questions, 1, args.seconds, max_pending=args.max_pending)
        load = run_load(lambda g=generator: g, cfg, db_path, questions, args.clients, args.seconds,
                        max_pending=args.max_pending)
        ratios = {k: round(load[k] / base[k], 3) for k in ("latency_p50", "latency_p95", "answers_per_second")
                  if load.get(k) and base.get(k)}
        runs[name] = {"baseline_1_client": base, f"{args.clients}_clients": load, "ratios_vs_baseline": ratios}
        log.info("%s: 1 client %s; %d clients %s; ratios %s", name, base, args.clients, load, ratios)
    out = {"runs": runs, "load_average_before": [round(x, 2) for x in load_before],
           "load_average_after": [round(x, 2) for x in os.getloadavg()], "clients": args.clients, "seconds": args.seconds, "max_pending": args.max_pending,
           "model": {"model": cfg.infer.model, "adapter": cfg.infer.adapter, "merge": cfg.infer.merge,
                     "quant": cfg.infer.quant},
           "provenance": run_info("python -m graphsql.web.bench " + " ".join(argv or []), vars(args))}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1, default=str) + "\n")
    print(json.dumps({k: v["ratios_vs_baseline"] for k, v in runs.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
