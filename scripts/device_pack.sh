#!/usr/bin/env bash
# Prepare .gpu/ (ignored by git) for scripts/device_train.sh: the cached base GGUF in pieces of PIECE_MB, the
# sample sets it will train on (RUNS, sample sets of experiments.yaml, built here if missing; xz; RUN_seedN trains on
# RUN's samples with training seed N), and the wheels
# the lent machine lacks. Needs `graphsql model fetch` done here first.
#   RUNS="graph_no_synthetic graph_decomposed" bash scripts/device_pack.sh [PIECE_MB]   # default RUNS: graph_balanced plain
set -euo pipefail
piece_mb=${1:-60}
gguf=${GRAPHSQL_CACHE:-$HOME/.cache/graphsql}/models/qwen2.5-coder-0.5b/model.gguf
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >>.git/info/exclude
rm -rf .gpu && mkdir -p .gpu/data .gpu/whl
split -b "${piece_mb}M" -d -a 2 "$gguf" .gpu/part
for run in ${RUNS:-graph_balanced plain}; do
  sample_set=${run%_seed[0-9]*}  # RUN_seedN: the samples of RUN, trained with another seed
  [ -f .gpu/data/$sample_set.jsonl.xz ] && continue
  .venv/bin/graphsql run --sample-set "$sample_set"
  xz -T2 -6 -c runs/augment/$sample_set/samples.jsonl >.gpu/data/$sample_set.jsonl.xz
done
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
  -d .gpu/whl peft==0.21.2 gguf==0.19.0 sqlglot==30.30.0
ls -l .gpu .gpu/data .gpu/whl
