#!/usr/bin/env bash
# Issue 5's measurement on every Spider dev item whose database is present (972), greedy: the default graph adapter,
# the bare model (full DDL) and the plain adapter; then the column fix replayed on each. About 50 minutes a
# system on this 2-core CPU; resumable (rerun after a stop; `--partial` evaluates what is done).
#   nohup bash scripts/full_dev.sh > runs/logs/full_dev.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
$PY -m graphsql.experiments.variants --tag graph-balanced-lora --adapter models/qwen2.5-coder-0.5b-graph-balanced-lora --variants as_trained
$PY -m graphsql.experiments.variants --tag base --variants ddl_full
$PY -m graphsql.experiments.variants --tag plain-lora --adapter models/qwen2.5-coder-0.5b-plain-lora --variants as_trained
$PY -m graphsql.experiments.baseline_subset --dataset spider --split dev   # the pre-LLM baseline on the same items
for spec in "graph-balanced-lora as_trained" "plain-lora as_trained" "base ddl_full"; do
  set -- $spec
  for fix in "" --fix-columns; do
    $PY -m graphsql.experiments.sc_count --tag "$1" --variant "$2" --sample 0 $fix
  done
done
.venv/bin/graphsql report
echo "full dev: done"
