#!/usr/bin/env bash
# The default adapter (graph, rebalanced, GPU-trained) beyond greedy: few-shot demonstrations (k = 3, Spider dev
# and GeoQuery strat100; scripts/fewshot_experiments.sh) and self-consistency (5 samples) on all 972 Spider dev
# items (issue 5: "greedy and with self-consistency"), reusing the strat300 SC5 predictions (same settings, seeded
# per item) so only the other 672 items are sampled (~10 s a question here: ~2 hours). Every step resumes (rerun
# the script); the progress of a stopped SC run is evaluated by the same variants command with `--partial`
# (-> results/eval/graph-balanced-gpu-lora/spider-dev-all/as_trained_sc5.partial.json).
#   nohup bash scripts/default_adapter_more.sh > runs/logs/default_adapter_more.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
GRAPH=models/qwen2.5-coder-0.5b-graph-balanced-gpu-lora
TAG=graph-balanced-gpu-lora
K=3 bash scripts/fewshot_experiments.sh
$PY -m graphsql.experiments.variants --tag $TAG --adapter $GRAPH --variants as_trained_sc5 --reuse-from strat300-seed0
for fix in "" --fix-columns; do
  $PY -m graphsql.experiments.sc_count --tag $TAG --variant as_trained_sc5 --sample 0 $fix
done
.venv/bin/graphsql report
echo "default adapter, more: done"
