#!/usr/bin/env bash
# Augmentation ablations (issue 6.3) on this CPU: the default recipe (rebalanced graph augmentation) retrained with
# augmentations switched off, same token budget as graph-balanced-lora (400k tokens, ~1 hour of this CPU each),
# evaluated greedy on the same Spider dev questions under the tag graph-balanced-lora-no_<augs>, which the report
# compares with graph-balanced-lora. Every step resumes (rerun the script). Ablation adapters stay in runs/models/
# (not committed). On a lent GPU the same sample sets train at the default adapter's budget instead:
# scripts/device_train.sh, then scripts/gpu_runs_evaluate.sh.
#   nohup bash scripts/ablation_experiments.sh > runs/logs/ablation_experiments.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
G=.venv/bin/graphsql
PY=.venv/bin/python
SAMPLE=${SAMPLE:-300}
RUNS=${RUNS:-"graph_no_synthetic graph_no_graph_views graph_no_perturb graph_no_table_selection_join_path"}
for run in $RUNS; do
  bash scripts/augment_run.sh "$run"
  [ -f runs/train/$run/metrics.json ] || \
    $G train --config configs/train_graph_balanced_cpu.yaml --samples runs/augment/$run/samples.jsonl --out runs/train/$run
  [ -f runs/models/$run/adapter_model.safetensors ] || \
    $G model export --run runs/train/$run --out runs/models/$run
  $PY -m graphsql.experiments.variants --sample "$SAMPLE" --tag "graph-balanced-lora-${run#graph_}" \
    --adapter runs/models/$run --variants as_trained
done
$G report
echo "ablations: done"
