#!/usr/bin/env bash
# Replays from recorded candidates (no model time): the vote over the first k self-consistency samples, and the
# fixes of `graphsql ask` (column fix; join-path fix then column fix), for every greedy and SC5 run of the main
# Spider dev tables whose predictions are in runs/eval/ (strat300 and all 972 items). Writes
# results/sc_count/<tag>/<subset>/<variant>{,_fix,_fixj}.json (skipping replays newer than their predictions),
# the error analysis, then the report. A few minutes.
#   bash scripts/replays.sh            (FORCE=1: redo every replay)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
for sample in 300 0; do
  subset=$([ "$sample" = 0 ] && echo all || echo "strat${sample}-seed0")
  for spec in "base ddl_full" "base ddl_pruned" "base ddl_pruned_sc5" "plain-lora as_trained" "graph-lora as_trained" \
              "graph-balanced-lora as_trained" "graph-balanced-lora as_trained_sc5" "graph-balanced-dpo-lora as_trained" \
              "plain-gpu-lora as_trained" "graph-balanced-gpu-lora as_trained" "graph-balanced-gpu-lora as_trained_sc5"; do
    set -- $spec
    preds=runs/eval/$1/spider-dev-$subset/$2/preds.sql.jsonl
    # only finished runs: the report compares complete ones
    [ -f "results/eval/$1/spider-dev-$subset/$2.json" ] && [ -f "$preds" ] || { echo "skip $1 $2 $subset: not run"; continue; }
    for suffix in "" _fix _fixj; do
      out=results/sc_count/$1/spider-dev-$subset/$2$suffix.json
      # a replay newer than its predictions is up to date (FORCE=1 redoes it)
      [ -z "${FORCE:-}" ] && [ "$out" -nt "$preds" ] && continue
      case $suffix in _fix) fix=--fix-columns ;; _fixj) fix="--fix-joins --fix-columns" ;; *) fix="" ;; esac
      $PY -m graphsql.experiments.sc_count --tag "$1" --variant "$2" --sample "$sample" $fix
    done
  done
done
$PY -m graphsql.experiments.error_analysis
.venv/bin/graphsql report
