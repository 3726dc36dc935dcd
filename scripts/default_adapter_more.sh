#!/usr/bin/env bash
# The default adapter (graph, rebalanced, GPU-trained) beyond greedy Spider dev, in order of the issues:
#   1. self-consistency (5) on all 972 Spider dev items (issue 5), reusing the strat300 SC5 predictions (same
#      settings, seeded per item): only the other 672 are sampled (~11 s a question here: ~2 hours), then replays;
#   2. few-shot demonstrations on Spider dev strat100 (k = 3: random, similar question, graph-similar; issue 8.1);
#   3. BIRD dev at the schema level (strat300; issue 6.1): the bare model with a pruned prompt, the default and the
#      equal-budget plain adapter, each also with `graphsql ask`'s repairs replayed (--repairs);
#   4. few-shot on GeoQuery strat100 for the bare model and the adapter (scripts/fewshot_experiments.sh, K=3).
# Every step resumes (rerun the script); a stopped SC run is evaluated so far by the same variants command with
# `--partial` (-> results/eval/graph-balanced-gpu-lora/spider-dev-all/as_trained_sc5.partial.json).
#   nohup bash scripts/default_adapter_more.sh > runs/logs/default_adapter_more.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
GRAPH=models/qwen2.5-coder-0.5b-graph-balanced-gpu-lora
PLAIN=models/qwen2.5-coder-0.5b-plain-gpu-lora
TAG=graph-balanced-gpu-lora
$PY -m graphsql.experiments.variants --tag $TAG --adapter $GRAPH --variants as_trained_sc5 --reuse-from strat300-seed0
bash scripts/replays.sh
$PY -m graphsql.experiments.variants --sample 100 --tag $TAG --adapter $GRAPH --variants as_trained --reuse-from all
$PY -m graphsql.experiments.variants --sample 100 --tag $TAG --adapter $GRAPH \
  --variants compact_pruned_graph3,compact_pruned_qsim3,compact_pruned_rand3
.venv/bin/graphsql report
bird() { $PY -m graphsql.experiments.bird_schema --sample 300 "$@"; }
for args in "--tag base --variant ddl_pruned" "--tag $TAG --adapter $GRAPH --variant as_trained" \
            "--tag plain-gpu-lora --adapter $PLAIN --variant as_trained"; do
  bird $args
  bird $args --repairs  # no model: the same queries with `graphsql ask`'s repairs (seconds)
done
.venv/bin/graphsql report
K=3 bash scripts/fewshot_experiments.sh
echo "default adapter, more: done"
