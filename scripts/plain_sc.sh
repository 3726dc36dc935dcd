#!/usr/bin/env bash
# Issue 5 asks base, plain and graph LoRA "greedy and with self-consistency": the equal-budget plain adapter with
# self-consistency (5) on Spider dev strat300 (~10 s a question here: ~50 min), then on all 972 items reusing
# those 300 (hours), each followed by the replays and the report. Resumes.
#   nohup bash scripts/plain_sc.sh > runs/logs/plain_sc.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PLAIN=models/qwen2.5-coder-0.5b-plain-gpu-lora
$PY -m graphsql.experiments.variants --sample 300 --tag plain-gpu-lora --adapter $PLAIN --variants as_trained_sc5
bash scripts/replays.sh
$PY -m graphsql.experiments.variants --tag plain-gpu-lora --adapter $PLAIN --variants as_trained_sc5 \
  --reuse-from strat300-seed0
bash scripts/replays.sh
echo "plain SC: done"
