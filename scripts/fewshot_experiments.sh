#!/usr/bin/env bash
# Few-shot demonstrations on schemas never seen in training (issues 6 and 8): k demonstrations from Spider train
# chosen at random, by question similarity, or by graph similarity (same join structure), for the bare model and
# the default graph adapter, on Spider dev (unseen databases) and GeoQuery (an unseen dataset), each against its
# zero-shot prompt on the same stratified subset. Resumable; k = 3 for the bare model on Spider ran in session 3
# (scripts/balanced_experiments.sh), so those variants are skipped when their results exist.
#   nohup bash scripts/fewshot_experiments.sh > runs/logs/fewshot_experiments.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SAMPLE=${SAMPLE:-100}
ADAPTER=${ADAPTER:-models/qwen2.5-coder-0.5b-graph-balanced-gpu-lora}  # the default adapter
TAG=${TAG:-graph-balanced-gpu-lora}
K=${K:-"3 1 5"}
variants() { $PY -m graphsql.experiments.variants --sample "$SAMPLE" "$@"; }
variants --tag $TAG --adapter $ADAPTER --variants as_trained
variants --tag base --dataset geo --split all --variants ddl_pruned
variants --tag $TAG --adapter $ADAPTER --dataset geo --split all --variants as_trained
for k in $K; do
  base=$(printf 'ddl_pruned_%s%s,' rand "$k" qsim "$k" graph "$k"); base=${base%,}
  lora=$(printf 'compact_pruned_%s%s,' rand "$k" qsim "$k" graph "$k"); lora=${lora%,}
  variants --tag base --variants "$base"
  variants --tag $TAG --adapter $ADAPTER --variants "$lora"
  variants --tag base --dataset geo --split all --variants "$base"
  variants --tag $TAG --adapter $ADAPTER --dataset geo --split all --variants "$lora"
done
.venv/bin/graphsql report
echo "few-shot experiments: done"
