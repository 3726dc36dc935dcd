#!/usr/bin/env bash
# Session 3 (issue 5): the graph adapter retrained on rebalanced samples (configs/augment_graph_balanced.yaml: every
# question augmented, a third of the synthetic FK-path questions), same 400k-token budget as the first graph
# adapter and the plain one; exported beside them and evaluated on the same Spider dev items (greedy); then few-shot
# demonstrations for the bare model on a smaller stratified subset. Each step resumable (rerun after a stop).
#   nohup bash scripts/balanced_experiments.sh > runs/logs/balanced_experiments.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
G=.venv/bin/graphsql
PY=.venv/bin/python
SAMPLE=${SAMPLE:-300}
FEWSHOT_SAMPLE=${FEWSHOT_SAMPLE:-100}
BAL=models/qwen2.5-coder-0.5b-graph-balanced-lora
variants() { $PY -m graphsql.experiments.variants "$@"; }

[ -f runs/augment/graph_balanced/samples.jsonl ] || $G augment --config configs/augment_graph_balanced.yaml --out runs/augment/graph_balanced --tokenizer qwen2.5-coder-0.5b
[ -f runs/train/graph_balanced_cpu/metrics.json ] || $G train --config configs/train_graph_balanced_cpu.yaml --out runs/train/graph_balanced_cpu
$G model export --run runs/train/graph_balanced_cpu --out $BAL
variants --sample "$SAMPLE" --tag graph-balanced-lora --adapter $BAL --variants as_trained

# few-shot, bare model, k = 3, each selector against zero-shot on the same (smaller) subset
variants --sample "$FEWSHOT_SAMPLE" --tag base --variants ddl_pruned,ddl_pruned_rand3,ddl_pruned_qsim3,ddl_pruned_graph3
echo "balanced experiments: done"
