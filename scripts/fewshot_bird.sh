#!/usr/bin/env bash
# Few-shot on BIRD dev at the schema level (issue 6.4; BIRD's databases are not here): a stratified sample of SAMPLE
# questions (default 100), with k = 3 demonstrations from the *other* BIRD dev questions of the asked database (none
# of the sample; BIRD has no train split here), chosen by question similarity, at random, or by graph similarity;
# the default adapter first (its three selectors), then the bare model; each model's zero-shot prompt runs on the
# same sample first, so the report compares them item by item. Prompts with demonstrations are long here (BIRD
# schemas with descriptions): ~35 s a question on this 2-core CPU (session 10), zero-shot ~5 s; ~1 h a few-shot
# variant at 100. Every step resumes (rerun the script).
#   nohup bash scripts/fewshot_bird.sh > runs/logs/fewshot_bird.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ADAPTER=${ADAPTER:-models/qwen2.5-coder-0.5b-graph-balanced-gpu-lora}  # the default adapter
TAG=${TAG:-graph-balanced-gpu-lora}
SAMPLE=${SAMPLE:-100}
# BIRD schemas with descriptions plus 3 demonstrations overflow llama.cpp's default 2048-token window
bird() { $PY -m graphsql.experiments.bird_schema --sample "$SAMPLE" --n-ctx 4096 "$@"; }
bird --tag $TAG --adapter $ADAPTER --variant as_trained
bird --tag $TAG --adapter $ADAPTER --variant compact_pruned_qsim3_bird
bird --tag $TAG --adapter $ADAPTER --variant compact_pruned_rand3_bird
bird --tag $TAG --adapter $ADAPTER --variant compact_pruned_graph3_bird
bird --tag base --variant ddl_pruned
bird --tag base --variant ddl_pruned_qsim3_bird
.venv/bin/graphsql report
echo "few-shot on BIRD (same-database demonstrations, schema level): done"
