"""Training runs, as the report shows them: settings, budget, speed and the loss curve of each SFT run.

    $ python -m graphsql.experiments.training_runs                 # every runs/train/*/ with a metrics.json
    $ python -m graphsql.experiments.training_runs runs/train/graph_balanced_gpu

Run folders live in the ignored ``runs/train/``; this copies what a reader needs of each into
``results/train/<run>.json``: the resolved config, the run's metrics (tokens, steps, stop reason, device,
precision, tokens/s, the provenance recorded where it ran) and every logged step (step, tokens, loss, lr).
``epochs_seen`` is tokens seen over the tokens of one pass over the kept samples.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import yaml

from graphsql.config import REPO_ROOT
from graphsql.provenance import run_info, write_result

log = logging.getLogger(__name__)


def summarize_run(folder: Path) -> dict:
    """The summary of one finished `graphsql train` run folder."""
    metrics = json.loads((folder / "metrics.json").read_text())
    config = (yaml.safe_load((folder / "config.yaml").read_text()) or {}).get("train", {})
    rows = [json.loads(line) for line in (folder / "train_log.jsonl").read_text().splitlines() if line.strip()]
    per_epoch = (metrics.get("data") or {}).get("tokens")
    return {
        "run": folder.name,
        "config": config,
        "metrics": {k: v for k, v in metrics.items() if k != "adapter_path"},
        "epochs_seen": round(metrics["tokens"] / per_epoch, 3) if per_epoch else None,
        "tokens_per_step": config.get("batch_tokens", 0) * config.get("grad_accum", 0),  # padding included
        "minutes": round(metrics["elapsed_s"] / 60, 1),
        "log": [{k: r.get(k) for k in ("step", "tokens", "loss", "lr")} for r in rows],
    }


def write_summaries(folders: list[Path], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for folder in folders:
        if not (folder / "metrics.json").is_file():
            log.warning("%s: no metrics.json (run not finished), skipped", folder)
            continue
        summary = summarize_run(folder)
        summary["provenance"] = run_info("python -m graphsql.experiments.training_runs", {"run": str(folder)})
        path = out_dir / f"{folder.name}.json"
        if write_result(path, summary):
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="*", type=Path, help="run folders (default: runs/train/*)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "results" / "train")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    folders = args.runs or sorted(p for p in (REPO_ROOT / "runs" / "train").glob("*") if p.is_dir())
    for path in write_summaries(folders, args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
