#!/usr/bin/env bash
# How many demonstrations (issues 6.4, 8.1): k = 1 and 5 graph-similar demonstrations from Spider train (other
# databases) on Spider dev strat100, for the default adapter and the bare model, beside the k = 0 and k = 3 runs
# already there (scripts/default_adapter_more.sh, scripts/balanced_experiments.sh). ~5-10 min a variant here;
# every step resumes.
#   nohup bash scripts/fewshot_spider_k.sh > runs/logs/fewshot_spider_k.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ADAPTER=${ADAPTER:-models/qwen2.5-coder-0.5b-graph-balanced-gpu-lora}  # the default adapter
TAG=${TAG:-graph-balanced-gpu-lora}
spider() { $PY -m graphsql.experiments.variants --sample 100 "$@"; }
spider --tag $TAG --adapter $ADAPTER --variants compact_pruned_graph1,compact_pruned_graph5
spider --tag base --variants ddl_pruned_graph1,ddl_pruned_graph5
.venv/bin/graphsql report
echo "few-shot k on Spider: done"
