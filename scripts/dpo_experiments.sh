#!/usr/bin/env bash
# Issue 8.2: preference training from execution feedback on top of the default (rebalanced graph) adapter, then
# its evaluation on the main table's items (Spider dev strat300, greedy), the replayed column fix and the report.
# Every step resumes or is skipped when done:
#   nohup bash scripts/dpo_experiments.sh > runs/logs/dpo_experiments.log 2>&1 &
# DPO on the GPU-trained default adapter (session 4's run started from the CPU adapter):
#   GPU_SFT=1 nohup bash scripts/dpo_experiments.sh > runs/logs/dpo_experiments.log 2>&1 &
# (its samples: `graphsql run --sample-set graph_balanced` first, ~4 min; sampling ~1 h, DPO ~1 h, strat300 ~25 min)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
CONFIG=configs/dpo_graph_cpu.yaml
RUN=runs/dpo/graph_cpu
MODEL=models/qwen2.5-coder-0.5b-graph-balanced-dpo-lora
TAG=graph-balanced-dpo-lora
if [ -n "${GPU_SFT:-}" ]; then
  .venv/bin/graphsql run --sample-set graph_balanced
  CONFIG=configs/dpo_graph_gpu_sft.yaml
  RUN=runs/dpo/graph_gpu_sft
  MODEL=models/qwen2.5-coder-0.5b-graph-balanced-gpu-dpo-lora
  TAG=graph-balanced-gpu-dpo-lora
fi
RESULT=results/spider-dev-strat300-seed0/$TAG/as_trained.json
.venv/bin/graphsql dpo sample --config $CONFIG --out $RUN
[ -f $RUN/adapter/adapter_model.safetensors ] || .venv/bin/graphsql dpo train --config $CONFIG --out $RUN
[ -d $MODEL ] || .venv/bin/graphsql model export --run $RUN --out $MODEL
$PY -m graphsql.experiments.variants --sample 300 --tag $TAG --adapter $MODEL --variants as_trained
for fix in "" --fix-columns; do
  $PY -m graphsql.experiments.sc_count --tag $TAG --variant as_trained --sample 300 $fix
done
.venv/bin/graphsql model export --run $RUN --out $MODEL --eval $RESULT
.venv/bin/graphsql report
echo "dpo experiments: done"
