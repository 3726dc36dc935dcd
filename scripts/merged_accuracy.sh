#!/usr/bin/env bash
# Issue 24.2: the shipped adapter merged into the base weights (graphsql.inference.merge), per GGUF format, against
# the same adapter applied at run time (its results are committed: results/eval/graph-balanced-gpu-lora/). Greedy,
# the SQL as generated (as_trained), then the repairs `graphsql ask` applies replayed (results/sc_count/..._fixj).
# On this 2-core CPU about 30 min per format on Spider dev (972) and 10 on GeoQuery strat300; resumable (rerun).
#   QUANTS="q4_0 q8_0 q4_k_m" SPIDER_SAMPLE= nohup bash scripts/merged_accuracy.sh > runs/logs/merged.log 2>&1 &
# SPIDER_SAMPLE=300 evaluates the stratified 300 instead of all 972 (rerun without it later: the 300 are reused).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ADAPTER=models/qwen2.5-coder-0.5b-graph-balanced-gpu-lora
for quant in ${QUANTS:-q4_0 q8_0 q4_k_m}; do
  tag="graph-balanced-gpu-merged-$quant"
  if [ -n "${SPIDER_SAMPLE:-}" ]; then spider=(--sample "$SPIDER_SAMPLE"); sc=(--sample "$SPIDER_SAMPLE"); reuse=()
  else spider=(); sc=(--sample 0); reuse=(--reuse-from strat300-seed0); fi
  $PY -m graphsql.experiments.variants --tag "$tag" --adapter "$ADAPTER" --merge "$quant" --variants as_trained \
    "${spider[@]}" "${reuse[@]}"
  $PY -m graphsql.experiments.sc_count --tag "$tag" --variant as_trained "${sc[@]}" --fix-joins --fix-columns
  $PY -m graphsql.experiments.variants --tag "$tag" --adapter "$ADAPTER" --merge "$quant" --variants as_trained \
    --dataset geo --split all --sample 300
  $PY -m graphsql.experiments.sc_count --tag "$tag" --variant as_trained --dataset geo --split all --sample 300 \
    --fix-joins --fix-columns
done
echo "merged accuracy: done"
