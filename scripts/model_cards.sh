#!/usr/bin/env bash
# Re-export the GPU-trained adapters (same weights) so that their model cards list every evaluation that exists
# for them: its runs (the measurement protocol) and the replays with the repairs of `graphsql ask`
# (results/<experiment>/<tag>/replays/*_repairs.json). Needs their run folders in runs/train/ (scripts/device_unpack.sh). Do not run it
# while an evaluation is loading the adapter.
#   bash scripts/model_cards.sh [TAG]        (TAG: only that adapter, e.g. graph-balanced-gpu-lora)
set -euo pipefail
cd "$(dirname "$0")/.."
only=${1:-}
for spec in "graph_balanced_gpu graph-balanced-gpu-lora qwen2.5-coder-0.5b-graph-balanced-gpu-lora" \
            "plain_gpu plain-gpu-lora qwen2.5-coder-0.5b-plain-gpu-lora"; do
  set -- $spec
  [ -z "$only" ] || [ "$only" = "$2" ] || continue
  evals=()
  for file in results/*/$2/*.json results/*/$2/replays/*_repairs.json; do
    case $file in *.partial.json) continue ;; esac
    [ -f "$file" ] && evals+=(--eval "$file")
  done
  .venv/bin/graphsql model export --run runs/train/$1 --out models/$3 "${evals[@]}"
done
