"""Error analysis of every evaluated variant: failure categories (`graphsql.eval.errors`) per results file.

    $ python -m graphsql.experiments.error_analysis        # -> results/analyses/error_analysis.json

Reads every run's ``results/<subset>/<tag>/<variant>.json`` (complete runs only; the per-item records hold the gold and
predicted SQL) and the schemas of the dataset each one ran on.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from graphsql.config import REPO_ROOT
from graphsql.data.spider import load_dataset
from graphsql.eval.errors import CATEGORIES, error_breakdown
from graphsql.experiments import layout
from graphsql.provenance import run_info

log = logging.getLogger(__name__)


def analyse_results(results_dir: Path, schemas_for=None) -> dict:
    """{"<tag>/<subset>/<variant>": breakdown} for every complete evaluation results file under ``results_dir``.
    ``schemas_for(dataset, split)`` gives the schemas (default: loaded from the benchmark data)."""
    cache: dict = {}

    def default_schemas(dataset: str, split: str):
        if (dataset, split) not in cache:
            cache[(dataset, split)] = load_dataset(dataset, split).schemas
        return cache[(dataset, split)]

    schemas_for = schemas_for or default_schemas
    out = {}
    for path, subset, tag, variant in layout.results_files(results_dir, kind="eval", replays=False):
        data = json.loads(path.read_text())
        settings = (data.get("provenance") or {}).get("settings") or {}
        dataset, split = settings.get("dataset", "spider"), settings.get("split", "dev")
        key = f"{tag}/{subset}/{variant}"
        out[key] = {"source": str(path.relative_to(results_dir.parent)) if path.is_relative_to(results_dir.parent)
                    else str(path), **error_breakdown(data["items"], schemas_for(dataset, split))}
        log.info("%s: %d failed of %d", key, out[key]["failed"], out[key]["n"])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=REPO_ROOT / "results")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    analyses = analyse_results(args.results)
    command = "python -m graphsql.experiments.error_analysis " + " ".join(argv if argv is not None else sys.argv[1:])
    out = layout.analysis_file(args.results, "error_analysis.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"categories": list(CATEGORIES), "analyses": analyses,
                               "provenance": run_info(command)}, indent=1) + "\n")
    log.info("wrote %s", out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
