#!/usr/bin/env bash
# Replays from recorded candidates (no model time): the vote over the first k self-consistency samples, and the
# repairs of `graphsql ask` (column fix; all repairs: repair_sql), for every greedy and SC5 run of the main
# Spider dev tables whose predictions are in runs/eval/ (strat300 and all 972 items) and of GeoQuery (strat300, a
# dataset the repairs were never tuned on). Writes
# results/sc_count/<tag>/<subset>/<variant>{,_fix,_fixj}.json (skipping replays newer than their predictions),
# the error analysis, then the report. A few minutes.
#   bash scripts/replays.sh            (FORCE=1: redo every replay)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SPIDER="base:ddl_full base:ddl_pruned base:ddl_pruned_sc5 plain-lora:as_trained graph-lora:as_trained
        graph-balanced-lora:as_trained graph-balanced-lora:as_trained_sc5 graph-balanced-dpo-lora:as_trained
        plain-gpu-lora:as_trained plain-gpu-lora:as_trained_sc5 graph-balanced-gpu-lora:as_trained
        graph-balanced-gpu-lora:as_trained_sc5"
GEO="base:ddl_full graph-lora:as_trained graph-balanced-lora:as_trained plain-gpu-lora:as_trained
     graph-balanced-gpu-lora:as_trained"
# dataset split sample runs
for where in "spider dev 300 $SPIDER" "spider dev 0 $SPIDER" "geo all 300 $GEO"; do
  set -- $where
  dataset=$1 split=$2 sample=$3
  shift 3
  subset=$dataset-$split-$([ "$sample" = 0 ] && echo all || echo "strat${sample}-seed0")
  for spec in "$@"; do
    tag=${spec%%:*} variant=${spec#*:}
    preds=runs/eval/$tag/$subset/$variant/preds.sql.jsonl
    # only finished runs: the report compares complete ones
    [ -f "results/eval/$tag/$subset/$variant.json" ] && [ -f "$preds" ] || { echo "skip $tag $variant $subset: not run"; continue; }
    for suffix in "" _fix _fixj; do
      out=results/sc_count/$tag/$subset/$variant$suffix.json
      # a replay newer than its predictions is up to date (FORCE=1 redoes it)
      [ -z "${FORCE:-}" ] && [ "$out" -nt "$preds" ] && continue
      case $suffix in _fix) fix=--fix-columns ;; _fixj) fix="--fix-joins --fix-columns" ;; *) fix="" ;; esac
      $PY -m graphsql.experiments.sc_count --dataset "$dataset" --split "$split" --tag "$tag" --variant "$variant" \
        --sample "$sample" $fix
    done
  done
done
$PY -m graphsql.experiments.error_analysis
.venv/bin/graphsql report
