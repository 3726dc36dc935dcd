#!/usr/bin/env bash
# Issue 25.2: the robustness probes (Spider dev reworded by rule: graphsql.data.robust) on the stratified 300,
# beside the same 300 original questions. The default `ask` (the shipped adapter merged, q8_0, greedy), then its
# repairs replayed; then the bare model (ddl_pruned), to tell an adapter-only weakness from the base model's.
# ~15 min a split and model on this 2-core CPU; every step resumes (rerun), and a finished one is skipped.
#   nohup bash scripts/robust_probes.sh > runs/logs/robust_probes.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ADAPTER=models/qwen2.5-coder-0.5b-graph-balanced-gpu-lora
.venv/bin/graphsql data robust
for split in ${SPLITS:-dev_synonym dev_schema_synonym}; do
  $PY -m graphsql.experiments.variants --tag graph-balanced-gpu-merged-q8_0 --adapter "$ADAPTER" --merge q8_0 \
    --variants as_trained --split "$split" --sample 300
  $PY -m graphsql.experiments.sc_count --tag graph-balanced-gpu-merged-q8_0 --variant as_trained --split "$split" \
    --sample 300 --fix-joins --fix-columns
done
if [ -z "${SKIP_BASE:-}" ]; then
  for split in ${SPLITS:-dev_synonym dev_schema_synonym}; do
    $PY -m graphsql.experiments.variants --tag base --variants ddl_pruned --split "$split" --sample 300
  done
fi
echo "robust probes: done"
