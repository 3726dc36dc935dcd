#!/usr/bin/env bash
# Prepare .gpu/ (ignored by git) for scripts/device_train.sh: the cached base GGUF in pieces of PIECE_MB, the two
# sample sets it trains on (xz), and the wheels the lent machine lacks. Needs `graphsql model fetch` and
# `graphsql augment` (configs/augment_graph_balanced.yaml, configs/augment_plain.yaml) done here first.
#   bash scripts/device_pack.sh [PIECE_MB]
set -euo pipefail
piece_mb=${1:-60}
gguf=${GRAPHSQL_CACHE:-$HOME/.cache/graphsql}/models/qwen2.5-coder-0.5b/model.gguf
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >>.git/info/exclude
rm -rf .gpu && mkdir -p .gpu/data .gpu/whl
split -b "${piece_mb}M" -d -a 2 "$gguf" .gpu/part
for name in graph_balanced plain; do
  xz -T2 -6 -c runs/augment/$name/samples.jsonl >.gpu/data/$name.jsonl.xz
done
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
  -d .gpu/whl peft==0.21.2 gguf==0.19.0 sqlglot==30.30.0
ls -l .gpu .gpu/data .gpu/whl
