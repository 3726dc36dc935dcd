#!/usr/bin/env bash
# Inference-only ablations of the bare model (issue 6): pruning budget (at most 2, 3, 6 tables against the
# default 4 and the full schema), serialization format (compact against DDL, both pruned), and the AST-guided
# decomposed answer as a prompt (issue 8), on the same Spider dev items as the main table. Resumable.
#   nohup bash scripts/inference_ablations.sh > runs/logs/inference_ablations.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SAMPLE=${SAMPLE:-300}
$PY -m graphsql.experiments.variants --sample "$SAMPLE" --tag base --variants ddl_pruned_t2,ddl_pruned_t3,ddl_pruned_t6
$PY -m graphsql.experiments.variants --sample "$SAMPLE" --tag base --variants compact_pruned,ddl_pruned_decomposed
.venv/bin/graphsql report
echo "inference ablations: done"
