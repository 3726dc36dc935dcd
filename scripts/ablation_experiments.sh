#!/usr/bin/env bash
# Augmentation ablations (issue 6.3): the default (rebalanced) graph adapter retrained with one augmentation switched
# off at a time,
# same token budget, evaluated greedy on the same Spider dev questions. About 1 hour of this CPU per ablation;
# every step resumes (rerun the script). Ablation adapters stay in runs/models/ (not committed).
#   nohup bash scripts/ablation_experiments.sh > runs/logs/ablation_experiments.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
G=.venv/bin/graphsql
PY=.venv/bin/python
SAMPLE=${SAMPLE:-300}
ABLATIONS=${ABLATIONS:-"synthetic graph_views perturb table_selection,join_path"}
for ablation in $ABLATIONS; do
  name=no_${ablation//,/_}
  flags=""
  for aug in ${ablation//,/ }; do flags="$flags --without $aug"; done
  [ -f runs/augment/graph_$name/samples.jsonl ] || \
    $G augment --config configs/augment_graph_balanced.yaml --out runs/augment/graph_$name --tokenizer qwen2.5-coder-0.5b $flags
  [ -f runs/train/graph_$name/metrics.json ] || \
    $G train --config configs/train_graph_balanced_cpu.yaml --samples runs/augment/graph_$name/samples.jsonl --out runs/train/graph_$name
  [ -f runs/models/graph_$name/adapter_model.safetensors ] || \
    $G model export --run runs/train/graph_$name --out runs/models/graph_$name
  $PY -m graphsql.experiments.variants --sample "$SAMPLE" --tag "graph-balanced-lora-$name" --adapter runs/models/graph_$name --variants as_trained
done
$G report
echo "ablations: done"
