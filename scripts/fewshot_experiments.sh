#!/usr/bin/env bash
# Few-shot demonstrations on schemas never seen in training (issues 6 and 8): k = 1, 3 demonstrations from Spider
# train chosen at random, by question similarity, or by graph similarity (same join structure), for the bare model
# and the graph adapter, on Spider dev (unseen databases) and GeoQuery (an unseen dataset). Resumable.
#   nohup bash scripts/fewshot_experiments.sh > runs/logs/fewshot_experiments.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SAMPLE=${SAMPLE:-300}
GRAPH=models/qwen2.5-coder-0.5b-graph-lora
K=${K:-"3 1"}
for k in $K; do
  base=$(printf 'ddl_pruned_%s%s,' rand "$k" qsim "$k" graph "$k"); base=${base%,}
  lora=$(printf 'compact_pruned_%s%s,' rand "$k" qsim "$k" graph "$k"); lora=${lora%,}
  $PY -m graphsql.experiments.variants --sample "$SAMPLE" --tag base --variants "$base"
  $PY -m graphsql.experiments.variants --sample "$SAMPLE" --tag graph-lora --adapter $GRAPH --variants "$lora"
  $PY -m graphsql.experiments.variants --sample "$SAMPLE" --tag base --dataset geo --split all --variants "$base"
  $PY -m graphsql.experiments.variants --sample "$SAMPLE" --tag graph-lora --adapter $GRAPH --dataset geo --split all --variants "$lora"
done
.venv/bin/graphsql report
echo "few-shot experiments: done"
