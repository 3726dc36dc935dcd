#!/usr/bin/env bash
# Session 5 (issue 5): the default adapter's recipe and the plain one, each trained with ~9.6M tokens on a lent
# H100 (scripts/device_train.sh; 24x the 400k tokens of the CPU runs), unpacked into runs/train/*_gpu. Here:
# export both beside the CPU adapters, evaluate greedy on Spider dev strat300 (both at once), the column-fix
# replays, then all 972 dev items (graph first, then plain), their replays, and the report. Each step resumes.
#   nohup bash scripts/gpu_adapters.sh > runs/logs/gpu_adapters.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
G=.venv/bin/graphsql
PY=.venv/bin/python
GRAPH=models/qwen2.5-coder-0.5b-graph-balanced-gpu-lora
PLAIN=models/qwen2.5-coder-0.5b-plain-gpu-lora
variants() { $PY -m graphsql.experiments.variants "$@"; }
replays() {  # tag, sample (0 = every item)
  for fix in "" --fix-columns; do $PY -m graphsql.experiments.sc_count --tag "$1" --variant as_trained --sample "$2" $fix; done
}

[ -f $GRAPH/adapter_model.safetensors ] || $G model export --run runs/train/graph_balanced_gpu --out $GRAPH
[ -f $PLAIN/adapter_model.safetensors ] || $G model export --run runs/train/plain_gpu --out $PLAIN
variants --sample 300 --tag graph-balanced-gpu-lora --adapter $GRAPH --variants as_trained &
variants --sample 300 --tag plain-gpu-lora --adapter $PLAIN --variants as_trained
wait
replays graph-balanced-gpu-lora 300
replays plain-gpu-lora 300
$G report
variants --tag graph-balanced-gpu-lora --adapter $GRAPH --variants as_trained
replays graph-balanced-gpu-lora 0
$G report
variants --tag plain-gpu-lora --adapter $PLAIN --variants as_trained
replays plain-gpu-lora 0
$G report
echo "gpu adapters: done"
