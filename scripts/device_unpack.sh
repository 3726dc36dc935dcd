#!/usr/bin/env bash
# Put the run folders that scripts/device_train.sh sent back (FILES_AT: the device call's files_at) into runs/train/.
#   bash scripts/device_unpack.sh /work/.device/.../files
set -euo pipefail
from=${1:?usage: device_unpack.sh FILES_AT}
mkdir -p runs/train
for run in graph_balanced_gpu plain_gpu; do
  if compgen -G "$from/$run.tar.part*" >/dev/null; then
    cat "$from/$run.tar.part"* | tar -C runs/train -xf -
    echo "runs/train/$run: $(ls runs/train/$run | tr '\n' ' ')"
  else
    echo "$run: nothing came back" >&2
  fi
done
