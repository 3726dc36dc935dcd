#!/usr/bin/env bash
# Augmentation ablations (issue 6.3) on this CPU: the default recipe (rebalanced graph augmentation) retrained with
# augmentations switched off, same token budget as graph-balanced-lora (400k tokens, ~1 hour of this CPU each),
# evaluated greedy on the same Spider dev and GeoQuery questions under the tag graph-balanced-lora-no_<augs>, which
# the report compares with graph-balanced-lora. Every step resumes (rerun the script). Ablation adapters stay in
# runs/models/ (not committed). On a lent GPU the same sample sets train at the default adapter's budget instead:
# scripts/device_train.sh, then scripts/gpu_runs_evaluate.sh. graph_balanced_seedN retrains the default recipe with
# training seed N (runs/train/graph_balanced_seedN_cpu, tag graph-balanced-lora-seedN): the run-to-run spread that the
# ablation rows are read against.
#   RUNS="graph_no_perturb graph_balanced_seed1" \
#     nohup bash scripts/ablation_experiments.sh > runs/logs/ablation_experiments.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
G=.venv/bin/graphsql
PY=.venv/bin/python
SAMPLE=${SAMPLE:-300}
RUNS=${RUNS:-"graph_no_synthetic graph_no_graph_views graph_no_perturb graph_no_table_selection_join_path"}
for run in $RUNS; do
  sample_set=$run train=runs/train/$run tag=graph-balanced-lora-${run#graph_} seed=()
  case "$run" in
    graph_balanced_seed[0-9]*)
      sample_set=graph_balanced train=runs/train/${run}_cpu tag=graph-balanced-lora-seed${run##*_seed}
      seed=(--seed "${run##*_seed}") ;;
    *_seed[0-9]*) echo "ablation_experiments.sh: only graph_balanced_seedN takes a seed ($run)" >&2; exit 2 ;;
  esac
  bash scripts/augment_run.sh "$sample_set"
  [ -f $train/metrics.json ] || $G train --config configs/train_graph_balanced_cpu.yaml \
    --samples runs/augment/$sample_set/samples.jsonl --out $train "${seed[@]}"
  [ -f runs/models/$run/adapter_model.safetensors ] || \
    $G model export --run $train --out runs/models/$run
  $PY -m graphsql.experiments.variants --sample "$SAMPLE" --tag "$tag" --adapter runs/models/$run --variants as_trained
  # GeoQuery (no model here trains on it), as graph-balanced-lora was measured: GEO=0 skips it
  [ "${GEO:-1}" = 0 ] || $PY -m graphsql.experiments.variants --sample "$SAMPLE" --tag "$tag" \
    --adapter runs/models/$run --dataset geo --split all --variants as_trained
done
$PY -m graphsql.experiments.training_runs  # results/train/<run>.json: tokens and epochs beside each ablation row
$G report
echo "ablations: done"
