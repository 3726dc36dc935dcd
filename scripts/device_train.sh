#!/usr/bin/env bash
# Train LoRA adapters side by side on a lent GPU, each with the same time budget: by default the default (graph,
# rebalanced) adapter and the plain adapter (configs/train_*_gpu.yaml, session 5); or any sample sets of
# experiments.yaml's sample_sets (augmentation ablations graph_no_<augs>, the decomposed-answer set graph_decomposed), which
# train with the default adapter's recipe (configs/train_graph_balanced_gpu.yaml) on their own samples.
#
# A lent machine has no package registry and takes at most 64 MiB a call, so the base model's GGUF travels in
# pieces over several calls to the same warm machine. Here first: `RUNS="..." bash scripts/device_pack.sh` (writes
# .gpu/: the pieces, the compressed sample sets, the wheels the machine lacks). Then, on the device, one call per
# piece (a call may carry .gpu/data and .gpu/whl as well; everything carried is kept on the machine):
#     bash scripts/device_train.sh receive              # carry: [.gpu/partNN]
# and one last call, with whatever is left:
#     bash scripts/device_train.sh train SECONDS [RUN...]   # carry: [.gpu/partNN, .gpu/data, .gpu/whl]
# (RUN: default "graph_balanced plain"; RUN_seedN: RUN's samples and recipe with training seed N, e.g.
# graph_balanced_seed1 for the run-to-run spread of the default adapter; TRAIN_ARGS: extra `graphsql train` flags for every run, e.g.
# "--max-steps 305" to stop at the default adapter's budget (a set smaller than the default one also needs
# "--epochs N" to reach it: graph_no_augmentation took "--max-steps 305 --epochs 6" in session 8), or
# "--device cpu --limit 40 --max-steps 2" for a dry run here), which joins and verifies the GGUF (size, sha256), converts it, trains the runs in SECONDS in all, and
# writes each run folder (fp16 adapter, config, metrics, log) as tar pieces of < 16 MB into $OUT. Back here:
#     bash scripts/device_unpack.sh FILES_AT            # -> runs/train/<RUN>_gpu
# Two runs at once took 5.75 minutes for 9.6M tokens each on an H100 (~28k tokens/s each) and fit its 80 GB; on an
# H200 two at once ran at ~34k tokens/s each (64 GB at most), one alone at ~40k. More at once share the GPU.
# Device time (session 8, H200, 15 minutes in all): start and the 7 piece calls ~65 s, this call ~440 s for two
# runs of 5.7 minutes, a second call (one run, 9.5M tokens) ~270 s.
set -euo pipefail
STORE=/root/graphsql-device  # outlives a call while the machine stays warm
mkdir -p "$STORE"
shopt -s nullglob
for piece in .gpu/part*; do mv -f "$piece" "$STORE/"; done
mkdir -p "$STORE/data" "$STORE/whl"
for file in .gpu/data/* .gpu/whl/*; do cp -f "$file" "$STORE/${file#.gpu/}"; done
ls -lR "$STORE" | grep -v "^total"
case "${1:-}" in
  receive) exit 0 ;;
  train) budget=${2:?usage: device_train.sh train SECONDS [RUN...]}; shift 2 ;;
  *) echo "usage: device_train.sh receive | train SECONDS [RUN...]" >&2; exit 2 ;;
esac
runs=("$@")
[ ${#runs[@]} -gt 0 ] || runs=(graph_balanced plain)
start=$(date +%s)
OUT=${OUT:-$PWD/runs/device_out}
mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site "$STORE"/whl/*.whl
export PYTHONPATH=/tmp/site:$PWD/src GRAPHSQL_CACHE=$STORE/cache PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
python3 -c "import torch, transformers, peft; print('torch', torch.__version__, 'transformers', transformers.__version__, 'peft', peft.__version__)"
parts=()
for piece in "$STORE"/part*; do parts+=(--part "$piece"); done
python3 -m graphsql model fetch qwen2.5-coder-0.5b "${parts[@]}"
for run in "${runs[@]}"; do
  sample_set=${run%_seed[0-9]*}  # RUN_seedN: RUN's samples, training seed N
  [ -f runs/augment/$sample_set/samples.jsonl ] && continue
  mkdir -p runs/augment/$sample_set
  xz -dc "$STORE/data/$sample_set.jsonl.xz" >runs/augment/$sample_set/samples.jsonl
done

# Every run gets the same minutes of training; ~60 s of start-up (tokenizing, loading) and ~45 s for packing
# are kept out of the budget.
left=$((budget - ($(date +%s) - start) - 105))
minutes=$(python3 -c "print(round(max($left, 60) / 60, 2))")
echo "training budget: $minutes minutes per run (${#runs[@]} at once: ${runs[*]})"
(while sleep 20; do nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader || true; done) &
monitor=$!
pids=()
for run in "${runs[@]}"; do
  config=configs/train_graph_balanced_gpu.yaml
  sample_set=${run%_seed[0-9]*}
  [ "$sample_set" = plain ] && config=configs/train_plain_gpu.yaml
  case $sample_set in graph_demos | graph_unseen) config=configs/train_graph_demos_gpu.yaml ;; esac  # longer prompts: max_len 1024
  seed=()
  [ "$sample_set" != "$run" ] && seed=(--seed "${run##*_seed}")
  python3 -m graphsql train --config $config --samples runs/augment/$sample_set/samples.jsonl --out runs/train/${run}_gpu \
    --max-minutes "$minutes" "${seed[@]}" ${TRAIN_ARGS:-} >runs/${run}_gpu.log 2>&1 &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=$?; done
kill $monitor || true

# fp16 adapters (as `graphsql model export` ships them) and the run folders, in pieces small enough to come back.
for run in "${runs[@]/%/_gpu}"; do
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
