#!/usr/bin/env bash
# Few-shot on a schema never seen in training, as a user would do it (issues 6.4 and 8.1): GeoQuery's query-split
# test questions (182; no model here trained on GeoQuery), demonstrations from its query-split train questions (the
# same database; no SQL program of the test questions is among them), chosen at random, by question similarity or
# by graph similarity (same join structure), k = 1/3/5, for the default adapter and the bare model, each against
# its zero-shot prompt on the same items. Most telling first; every step resumes (rerun the script).
#   nohup bash scripts/fewshot_geo.sh > runs/logs/fewshot_geo.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ADAPTER=${ADAPTER:-models/qwen2.5-coder-0.5b-graph-balanced-gpu-lora}  # the default adapter
TAG=${TAG:-graph-balanced-gpu-lora}
geo() { $PY -m graphsql.experiments.variants --dataset geo --split query_test "$@"; }
geo --tag $TAG --adapter $ADAPTER --variants as_trained,compact_pruned_qsim3_geo
geo --tag base --variants ddl_pruned,ddl_pruned_qsim3_geo
geo --tag $TAG --adapter $ADAPTER --variants compact_pruned_rand3_geo,compact_pruned_graph3_geo
geo --tag $TAG --adapter $ADAPTER --variants compact_pruned_qsim1_geo,compact_pruned_qsim5_geo
geo --tag base --variants ddl_pruned_rand3_geo,ddl_pruned_graph3_geo
.venv/bin/graphsql report
echo "few-shot on GeoQuery (same-database demonstrations): done"
