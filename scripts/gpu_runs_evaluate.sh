#!/usr/bin/env bash
# After scripts/device_unpack.sh: export and evaluate GPU-trained runs other than the shipped two (their adapters
# stay in runs/models/, not committed), greedy on Spider dev and GeoQuery strat300 (SAMPLE; ~15 min each here),
# with the training-run record and the report. Tags: graph_no_<augs> -> graph-balanced-gpu-lora-no_<augs> (an
# augmentation ablation, compared with the default adapter graph-balanced-gpu-lora: train it with
# TRAIN_ARGS="--max-steps 305" for the same budget);
# graph_no_augmentation (the graph prompt alone) -> graph-balanced-gpu-lora-no_augmentation, which also shows
# whether prompt or augmentation makes the graph adapter beat the plain one (GeoQuery above all);
# graph_decomposed -> graph-decomposed-gpu-lora (issue 8.3, beside the default adapter);
# graph_balanced_seedN -> graph-balanced-gpu-lora-seedN (the default recipe, training seed N: run-to-run spread,
# shown in the report's ablation table); graph_unseen, graph_demos, graph_reword, graph_rename (issue 25) ->
# graph-unseen-gpu-lora etc., which also run GeoQuery's query-split test zero-shot and with 3 same-database
# demonstrations (the few-shot target) and the robustness probes (Spider dev reworded, strat300); graph_unseen
# and graph_rename also BIRD dev at the schema level (strat300, with and without the repairs). Every step resumes.
#   nohup bash scripts/gpu_runs_evaluate.sh graph_no_synthetic graph_decomposed > runs/logs/gpu_runs_evaluate.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
G=.venv/bin/graphsql
PY=.venv/bin/python
SAMPLE=${SAMPLE:-300}
[ $# -gt 0 ] || { echo "usage: gpu_runs_evaluate.sh RUN..." >&2; exit 2; }
$PY -m graphsql.experiments.training_runs
for run in "$@"; do
  case "$run" in
    graph_no_*) tag=graph-balanced-gpu-lora-${run#graph_} ;;
    graph_decomposed) tag=graph-decomposed-gpu-lora ;;
    graph_balanced_seed[0-9]*) tag=graph-balanced-gpu-lora-seed${run##*_seed} ;;
    graph_unseen | graph_demos | graph_reword | graph_rename) tag=$(echo "$run" | tr _ -)-gpu-lora ;;
    *) echo "gpu_runs_evaluate.sh: no tag for $run" >&2; exit 2 ;;
  esac
  [ -f runs/models/${run}_gpu/adapter_model.safetensors ] || \
    $G model export --run runs/train/${run}_gpu --out runs/models/${run}_gpu
  $PY -m graphsql.experiments.variants --sample "$SAMPLE" --tag "$tag" --adapter runs/models/${run}_gpu \
    --variants as_trained
  $PY -m graphsql.experiments.variants --sample "$SAMPLE" --tag "$tag" --adapter runs/models/${run}_gpu \
    --dataset geo --split all --variants as_trained
  case "$run" in graph_unseen | graph_demos | graph_reword | graph_rename)
    for where in "--split dev --sample $SAMPLE" "--dataset geo --split all --sample $SAMPLE"; do  # ask's repairs
      $PY -m graphsql.experiments.sc_count --tag "$tag" --variant as_trained $where --fix-joins --fix-columns
    done
    $PY -m graphsql.experiments.variants --tag "$tag" --adapter runs/models/${run}_gpu --dataset geo \
      --split query_test --variants as_trained,compact_pruned_qsim3_geo
    for split in dev_synonym dev_schema_synonym; do
      $PY -m graphsql.experiments.variants --sample "$SAMPLE" --tag "$tag" --adapter runs/models/${run}_gpu \
        --split "$split" --variants as_trained
    done ;;
  esac
  case "$run" in graph_unseen | graph_rename)  # BIRD's long, quoted names: the schema-level target
    for repairs in "" --repairs; do
      $PY -m graphsql.experiments.bird_schema --sample "$SAMPLE" --tag "$tag" --adapter runs/models/${run}_gpu \
        --variant as_trained $repairs
    done ;;
  esac
done
$G report
echo "gpu runs evaluated: $*"
