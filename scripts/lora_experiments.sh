#!/usr/bin/env bash
# The LoRA experiments of issue 5, in order, each step resumable (rerun this script after an interruption):
# train the graph adapter, export it, evaluate it; train the plain adapter, export, evaluate; self-consistency;
# GeoQuery (cross-dataset). On this 2-core CPU: about 2.5 hours. Results land in results/eval/<tag>/...
#   nohup bash scripts/lora_experiments.sh > runs/logs/lora_experiments.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
G=.venv/bin/graphsql
PY=.venv/bin/python
SAMPLE=${SAMPLE:-300}
GRAPH=models/qwen2.5-coder-0.5b-graph-lora
PLAIN=models/qwen2.5-coder-0.5b-plain-lora
variants() { $PY -m graphsql.experiments.variants --sample "$SAMPLE" "$@"; }
subset=spider-dev-strat${SAMPLE}-seed0

# 1. graph adapter (the samples are rebuilt if missing: deterministic)
[ -f runs/augment/graph/samples.jsonl ] || $G augment --config configs/augment_graph.yaml --out runs/augment/graph --tokenizer qwen2.5-coder-0.5b
[ -f runs/train/graph_cpu/metrics.json ] || $G train --config configs/train_graph_cpu.yaml --out runs/train/graph_cpu
$G model export --run runs/train/graph_cpu --out $GRAPH
variants --tag graph-lora --adapter $GRAPH --variants as_trained

# 2. plain adapter: full-DDL prompts, no augmentation, same token budget
[ -f runs/augment/plain/samples.jsonl ] || $G augment --config configs/augment_plain.yaml --out runs/augment/plain --tokenizer qwen2.5-coder-0.5b
[ -f runs/train/plain_cpu/metrics.json ] || $G train --config configs/train_plain_cpu.yaml --out runs/train/plain_cpu
$G model export --run runs/train/plain_cpu --out $PLAIN
variants --tag plain-lora --adapter $PLAIN --variants as_trained

# 3. self-consistency with the graph adapter; 4. GeoQuery, trained on neither
variants --tag graph-lora --adapter $GRAPH --variants as_trained_sc5
variants --tag base --dataset geo --split all --variants ddl_full,ddl_pruned
variants --tag graph-lora --adapter $GRAPH --dataset geo --split all --variants as_trained
$PY -m graphsql.experiments.baseline_subset --dataset geo --split all --sample "$SAMPLE"
variants --tag plain-lora --adapter $PLAIN --dataset geo --split all --variants as_trained

# model cards with their evaluation, error analysis, report
$G model export --run runs/train/graph_cpu --out $GRAPH --eval results/eval/graph-lora/$subset/as_trained.json --eval results/eval/graph-lora/$subset/as_trained_sc5.json
$G model export --run runs/train/plain_cpu --out $PLAIN --eval results/eval/plain-lora/$subset/as_trained.json
$PY -m graphsql.experiments.error_analysis
$G report

# 5. BIRD dev at the schema level (no BIRD databases offline): greedy only
$PY -m graphsql.experiments.bird_schema --baseline --sample "$SAMPLE"
$PY -m graphsql.experiments.bird_schema --tag base --variant ddl_pruned --sample "$SAMPLE"
$PY -m graphsql.experiments.bird_schema --tag graph-lora --adapter $GRAPH --variant as_trained --sample "$SAMPLE"
$PY -m graphsql.experiments.cost
$G report
echo "lora experiments: done"
