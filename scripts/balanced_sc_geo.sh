#!/usr/bin/env bash
# After scripts/balanced_experiments.sh: the rebalanced graph adapter with self-consistency (5 samples) on the
# Spider dev items of the main table, the column fix and sample counts replayed from its candidates, then
# GeoQuery (trained on neither). Resumable.
#   nohup bash scripts/balanced_sc_geo.sh > runs/logs/balanced_sc_geo.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SAMPLE=${SAMPLE:-300}
BAL=models/qwen2.5-coder-0.5b-graph-balanced-lora
$PY -m graphsql.experiments.variants --sample "$SAMPLE" --tag graph-balanced-lora --adapter $BAL --variants as_trained_sc5
for v in as_trained as_trained_sc5; do
  for fix in "" --fix-columns; do
    $PY -m graphsql.experiments.sc_count --tag graph-balanced-lora --variant $v --sample "$SAMPLE" $fix
  done
done
$PY -m graphsql.experiments.variants --sample "$SAMPLE" --tag graph-balanced-lora --adapter $BAL --dataset geo --split all --variants as_trained
.venv/bin/graphsql report
echo "balanced SC and GeoQuery: done"
