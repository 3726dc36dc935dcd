#!/usr/bin/env bash
# Replays from recorded candidates (no model time): the vote over the first k self-consistency samples and the
# column fix of `graphsql ask`, for every greedy and SC5 run of the main Spider dev table whose predictions are in
# runs/eval/. Writes results/sc_count/<tag>/<subset>/<variant>[_fix].json, then the report. A minute or two.
#   bash scripts/replays.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SAMPLE=${SAMPLE:-300}
for spec in "base ddl_full" "base ddl_pruned" "base ddl_pruned_sc5" "plain-lora as_trained" "graph-lora as_trained" \
            "graph-balanced-lora as_trained" "graph-balanced-lora as_trained_sc5"; do
  set -- $spec
  [ -f "runs/eval/$1/spider-dev-strat${SAMPLE}-seed0/$2/preds.sql.jsonl" ] || { echo "skip $1 $2: not run"; continue; }
  for fix in "" --fix-columns; do
    $PY -m graphsql.experiments.sc_count --tag "$1" --variant "$2" --sample "$SAMPLE" $fix
  done
done
$PY -m graphsql.experiments.error_analysis
.venv/bin/graphsql report
