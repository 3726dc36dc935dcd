#!/usr/bin/env bash
# Few-shot on BIRD dev at the schema level (issue 6.4; BIRD's databases are not here): the stratified 300 questions
# that every BIRD row of the report uses, with k = 3 demonstrations from the *other* BIRD dev questions of the asked
# database (none of the 300; BIRD has no train split here), chosen by question similarity, at random, or by graph
# similarity; the default adapter first, then the bare model. Each is compared in the report with the same model
# zero-shot on the same items (results/bird_schema/<tag>/bird-dev-strat300-seed0/). ~30 min a variant here; every
# step resumes (rerun the script).
#   nohup bash scripts/fewshot_bird.sh > runs/logs/fewshot_bird.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ADAPTER=${ADAPTER:-models/qwen2.5-coder-0.5b-graph-balanced-gpu-lora}  # the default adapter
TAG=${TAG:-graph-balanced-gpu-lora}
# BIRD schemas with descriptions plus 3 demonstrations overflow llama.cpp's default 2048-token window
bird() { $PY -m graphsql.experiments.bird_schema --sample 300 --n-ctx 4096 "$@"; }
bird --tag $TAG --adapter $ADAPTER --variant compact_pruned_qsim3_bird
bird --tag base --variant ddl_pruned_qsim3_bird
bird --tag $TAG --adapter $ADAPTER --variant compact_pruned_rand3_bird
bird --tag $TAG --adapter $ADAPTER --variant compact_pruned_graph3_bird
.venv/bin/graphsql report
echo "few-shot on BIRD (same-database demonstrations, schema level): done"
