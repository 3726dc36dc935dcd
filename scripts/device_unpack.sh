#!/usr/bin/env bash
# Put the run folders that scripts/device_train.sh sent back (FILES_AT: the device call's files_at) into runs/train/.
#   bash scripts/device_unpack.sh /work/.device/.../files
set -euo pipefail
from=${1:?usage: device_unpack.sh FILES_AT}
mkdir -p runs/train
shopt -s nullglob
found=0
for first in "$from"/*.tar.partaa; do
  run=$(basename "$first" .tar.partaa)
  cat "$from/$run.tar.part"* | tar -C runs/train -xf -
  echo "runs/train/$run: $(ls runs/train/$run | tr '\n' ' ')"
  found=1
done
[ $found = 1 ] || { echo "device_unpack.sh: no run came back in $from" >&2; exit 1; }
