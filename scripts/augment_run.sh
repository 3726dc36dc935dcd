#!/usr/bin/env bash
# Build the training sample set RUN into runs/augment/RUN/ (skipped when its samples.jsonl exists; deterministic,
# ~5 minutes here). One place for the names that the training scripts share:
#   graph_balanced    configs/augment_graph_balanced.yaml (the default adapter's samples)
#   plain             configs/augment_plain.yaml (full DDL prompts, no augmentation)
#   graph_decomposed  configs/augment_graph_decomposed.yaml (the same, answers decomposed first: issue 8)
#   graph_no_<augs>   graph_balanced with augmentations switched off, e.g. graph_no_synthetic,
#                     graph_no_table_selection_join_path (augmentations: graph_views perturb table_selection
#                     join_path synthetic); graph_no_augmentation: all of them off (the graph prompt alone, which
#                     separates prompt from augmentation against the plain adapter)
#   graph_unseen      configs/augment_graph_unseen.yaml (issue 25: graph_balanced + demonstrations, reword, rename);
#                     graph_demos, graph_reword, graph_rename: graph_balanced + that one alone
#   bash scripts/augment_run.sh RUN          (DRY=1: print the command instead, built or not)
set -euo pipefail
cd "$(dirname "$0")/.."
run=${1:?usage: augment_run.sh RUN}
if [ -z "${DRY:-}" ] && [ -f "runs/augment/$run/samples.jsonl" ]; then exit 0; fi
flags=()
case "$run" in
  graph_balanced | plain | graph_decomposed | graph_unseen) config=configs/augment_$run.yaml ;;
  graph_demos | graph_reword | graph_rename)
    config=configs/augment_graph_unseen.yaml
    for aug in demonstrations reword rename; do [ "graph_$aug" = "$run" ] || [ "$run/$aug" = graph_demos/demonstrations ] || flags+=(--without "$aug"); done ;;
  graph_no_augmentation)
    config=configs/augment_graph_balanced.yaml
    for aug in graph_views perturb table_selection join_path synthetic; do flags+=(--without "$aug"); done ;;
  graph_no_*)
    config=configs/augment_graph_balanced.yaml
    rest=${run#graph_no_}
    while [ -n "$rest" ]; do
      found=""
      for aug in graph_views perturb table_selection join_path synthetic; do
        if [ "$rest" = "$aug" ] || [ "${rest#"${aug}"_}" != "$rest" ]; then
          flags+=(--without "$aug"); found=$aug; break
        fi
      done
      [ -n "$found" ] || { echo "augment_run.sh: no augmentation named at '$rest' in $run" >&2; exit 2; }
      rest=${rest#"$found"}; rest=${rest#_}
    done ;;
  *) echo "augment_run.sh: unknown sample set $run" >&2; exit 2 ;;
esac
${DRY:+echo} .venv/bin/graphsql augment --config "$config" --out "runs/augment/$run" --tokenizer qwen2.5-coder-0.5b "${flags[@]}"
