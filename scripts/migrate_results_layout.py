"""One-time migration (issue 26): results by experiment (`graphsql.experiments.layout`).

    results/eval/<tag>/<subset>/<variant>.json         -> results/<subset>/<tag>/<variant>.json
    results/sc_count/<tag>/<subset>/<stem>.json        -> results/<subset>/<tag>/replays/<stem>.json
    results/bird_schema/<tag>/<subset>/<name>.json     -> results/<subset>-schema/<tag>/[replays/]<name>.json

Files move with `git mv`; every path of the old layout written inside committed files (results, model cards) is
rewritten to the new one. Run once from the repository root: python scripts/migrate_results_layout.py
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from graphsql.experiments.layout import replay_file, run_file

ROOT = Path(__file__).resolve().parents[1]
OLD = re.compile(r"results/(?P<folder>eval|sc_count|bird_schema)/(?P<tag>[A-Za-z0-9_.-]+)/"
                 r"(?P<subset>[a-z0-9]+-[a-z0-9_]+-(?:all|strat\d+-seed\d+))/(?P<name>[A-Za-z0-9_.-]+?)\.json")
BIRD_REPLAY = re.compile(r"_fixj(_exact)?$")


def new_path(match: re.Match) -> str:
    folder, tag, subset, name = match["folder"], match["tag"], match["subset"], match["name"]
    kind = "bird_schema" if folder == "bird_schema" else "eval"
    replay = folder == "sc_count" or (kind == "bird_schema" and BIRD_REPLAY.search(name) is not None)
    where = replay_file if replay else run_file
    return where(Path("results"), subset, tag, name, kind=kind).as_posix()


def main() -> int:
    moves = []
    for folder in ("eval", "sc_count", "bird_schema"):
        for path in sorted((ROOT / "results" / folder).glob("*/*/*.json")):
            rel = path.relative_to(ROOT).as_posix()
            match = OLD.fullmatch(rel)
            if match is None:
                raise SystemExit(f"not in the old layout: {rel}")
            moves.append((rel, new_path(match)))
    targets = [new for _, new in moves]
    if len(set(targets)) != len(targets):
        raise SystemExit("two files would move to the same place")
    for old, new in moves:
        (ROOT / new).parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "mv", old, new], cwd=ROOT, check=True)
    rewritten = 0
    files = [p for p in (ROOT / "results").rglob("*") if p.is_file() and p.suffix in (".json", ".md", ".sql")]
    files += sorted((ROOT / "models").glob("*/README.md"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        changed = OLD.sub(new_path, text).replace("Rows from `results/sc_count/`:", "Rows from `replays/`:")
        if changed != text:
            path.write_text(changed, encoding="utf-8")
            rewritten += 1
    print(f"{len(moves)} files moved, paths rewritten in {rewritten} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
