#!/usr/bin/env bash
# After scripts/gpu_adapters.sh: the GPU-trained adapters on GeoQuery (a dataset no model here trains on, strat300,
# greedy) and the default adapter with self-consistency (5 samples) on Spider dev strat300, with the vote/fix
# replays and the report. Each step resumes (rerun after a stop); SC5 takes ~10 s a question on this CPU.
#   nohup bash scripts/gpu_adapters_more.sh > runs/logs/gpu_adapters_more.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
GRAPH=models/qwen2.5-coder-0.5b-graph-balanced-gpu-lora
PLAIN=models/qwen2.5-coder-0.5b-plain-gpu-lora
variants() { $PY -m graphsql.experiments.variants "$@"; }

variants --sample 300 --tag graph-balanced-gpu-lora --adapter $GRAPH --dataset geo --split all --variants as_trained
.venv/bin/graphsql report
variants --sample 300 --tag graph-balanced-gpu-lora --adapter $GRAPH --variants as_trained_sc5
for fix in "" --fix-columns; do
  $PY -m graphsql.experiments.sc_count --tag graph-balanced-gpu-lora --variant as_trained_sc5 --sample 300 $fix
done
.venv/bin/graphsql report
variants --sample 300 --tag plain-gpu-lora --adapter $PLAIN --dataset geo --split all --variants as_trained
.venv/bin/graphsql report
echo "gpu adapters, more: done"
