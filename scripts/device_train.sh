#!/usr/bin/env bash
# Train the default (graph, rebalanced) adapter and the plain adapter side by side on a lent GPU, with the same
# time budget, from the same samples and settings as their CPU runs (configs/train_*_gpu.yaml).
#
# A lent machine has no package registry and takes at most 64 MiB a call, so the base model's GGUF travels in
# pieces over several calls to the same warm machine. Here first: `bash scripts/device_pack.sh` (writes .gpu/:
# the pieces, the compressed samples, the wheels the machine lacks). Then, on the device, one call per piece:
#     bash scripts/device_train.sh receive              # carry: [.gpu/partNN]   (keeps the piece on the machine)
# and one last call, with the last piece:
#     bash scripts/device_train.sh train SECONDS        # carry: [.gpu/partNN, .gpu/data, .gpu/whl]
# (TRAIN_ARGS: extra `graphsql train` flags, e.g. "--device cpu --limit 40 --max-steps 2" for a dry run here)
# which joins and verifies the GGUF (size, sha256), converts it, trains both adapters in SECONDS in all, and
# writes both run folders (fp16 adapter, config, metrics, log) as tar pieces of < 16 MB into $OUT. Back here:
#     bash scripts/device_unpack.sh FILES_AT            # -> runs/train/graph_balanced_gpu, runs/train/plain_gpu
set -euo pipefail
STORE=/root/graphsql-device  # outlives a call while the machine stays warm
mkdir -p "$STORE"
shopt -s nullglob
for piece in .gpu/part*; do mv -f "$piece" "$STORE/"; done
ls -l "$STORE"
case "${1:-}" in
  receive) exit 0 ;;
  train) budget=${2:?usage: device_train.sh train SECONDS} ;;
  *) echo "usage: device_train.sh receive | train SECONDS" >&2; exit 2 ;;
esac
start=$(date +%s)
OUT=${OUT:-$PWD/runs/device_out}
mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .gpu/whl/*.whl
export PYTHONPATH=/tmp/site:$PWD/src GRAPHSQL_CACHE=$STORE/cache PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
python3 -c "import torch, transformers, peft; print('torch', torch.__version__, 'transformers', transformers.__version__, 'peft', peft.__version__)"
parts=()
for piece in "$STORE"/part*; do parts+=(--part "$piece"); done
python3 -m graphsql model fetch qwen2.5-coder-0.5b "${parts[@]}"
for name in graph_balanced plain; do
  mkdir -p runs/augment/$name
  xz -dc .gpu/data/$name.jsonl.xz >runs/augment/$name/samples.jsonl
done

# Both runs get the same minutes of training; ~60 s of start-up (tokenizing, loading) and ~45 s for packing
# are kept out of the budget.
left=$((budget - ($(date +%s) - start) - 105))
minutes=$(python3 -c "print(round(max($left, 60) / 60, 2))")
echo "training budget: $minutes minutes per run (both at once)"
(while sleep 20; do nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader || true; done) &
monitor=$!
python3 -m graphsql train --config configs/train_graph_balanced_gpu.yaml --out runs/train/graph_balanced_gpu \
  --max-minutes "$minutes" ${TRAIN_ARGS:-} >runs/graph_balanced_gpu.log 2>&1 &
graph=$!
python3 -m graphsql train --config configs/train_plain_gpu.yaml --out runs/train/plain_gpu \
  --max-minutes "$minutes" ${TRAIN_ARGS:-} >runs/plain_gpu.log 2>&1 &
plain=$!
status=0
wait $graph || status=$?
wait $plain || status=$?
kill $monitor || true

# fp16 adapters (as `graphsql model export` ships them) and the run folders, in pieces small enough to come back.
for run in graph_balanced_gpu plain_gpu; do
  cp runs/$run.log runs/train/$run/ 2>/dev/null || true
  tail -5 runs/$run.log || true
  if [ -f runs/train/$run/adapter/adapter_model.safetensors ]; then
    python3 -c "
from pathlib import Path
from graphsql.training.export import _fp16_copy
folder = Path('runs/train/$run/adapter')
_fp16_copy(folder / 'adapter_model.safetensors', folder / 'fp16.safetensors')
(folder / 'fp16.safetensors').replace(folder / 'adapter_model.safetensors')"
  fi
  tar -C runs/train -cf - --exclude=checkpoints $run | split -b 15000000 - "$OUT/$run.tar.part"
done
ls -l "$OUT"
echo "device_train: $(( $(date +%s) - start )) s, status $status"
exit $status
