#!/usr/bin/env bash
# CMAKE_ARGS for building llama-cpp-python here: the x86 instruction sets /proc/cpuinfo lists, AMX left out.
# A native build (-march=native) compiles AMX tile code when the CPU lists AMX, and a virtual machine whose kernel
# does not grant the AMX state then dies on the first tile instruction ("Illegal instruction", seen on a session's
# machine). Elsewhere (not x86 Linux) it prints nothing: llama.cpp's own defaults.
#   CMAKE_ARGS="$(bash scripts/llama_cmake_args.sh)" pip install llama-cpp-python
set -euo pipefail
flags=$(grep -m1 '^flags' "${CPUINFO:-/proc/cpuinfo}" 2>/dev/null || true)  # CPUINFO: another file, for tests
case "${ARCH:-$(uname -m)}" in x86_64 | amd64) ;; *) exit 0 ;; esac  # ARCH: for tests
[ -n "$flags" ] || exit 0
has() { [[ " ${flags#*:} " == *" $1 "* ]]; }
args=(-DGGML_NATIVE=OFF)
for pair in avx:AVX avx2:AVX2 fma:FMA f16c:F16C bmi2:BMI2 avx_vnni:AVX_VNNI avx512f:AVX512 \
  avx512vbmi:AVX512_VBMI avx512_vnni:AVX512_VNNI avx512_bf16:AVX512_BF16; do
  if has "${pair%%:*}"; then args+=("-DGGML_${pair#*:}=ON"); else args+=("-DGGML_${pair#*:}=OFF"); fi
done
echo "${args[*]}"
