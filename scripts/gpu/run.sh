#!/usr/bin/env bash
# The GPU check, one command on a machine that has a Vulkan driver and nothing else (no network,
# no CIFAR-10 files), from the .gpu/ folder made by scripts/gpu/prepare.sh:
#   OUT=gpu-results bash scripts/gpu/run.sh
# It runs the smoke kernel, `losslab selftest` (every kernel table, random and PyTorch fixture case on
# this adapter), then `losslab bench --synthetic` (limits, kernels, the steps and epochs of every
# architecture the build has — the ConvNet, ResNet-20 once it exists — and the default study
# extrapolated from them), and `losslab bench --study` (the default study's 12 runs in lockstep and one
# at a time on synthetic data, scaled to 30 epochs × 50,000 images; no PyTorch there), each under a time
# limit so the whole check ends within BUDGET seconds.
# Figures land in $OUT: smoke.txt, selftest.txt, bench-study.txt and .json, bench-<arch>.txt and .json
# per architecture, summary.txt.
# Env: OUT (default ./gpu-results), BUDGET (seconds, default 480), TRAIN_IMAGES (synthetic training
# images per timed epoch, default 50000; figures are scaled to 50,000), BENCH_ARGS (extra bench flags),
# STUDY_BENCH_ARGS (bench --study's sizes, default --epochs 2 --train-images 10000 --test-images 10000),
# CIFAR10_DIR + STUDY=1 to also run the real default study with one seed afterwards (not in BUDGET).
set -uo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
BUDGET=${BUDGET:-480}
g=$PWD/.gpu
OUT=${OUT:-$PWD/gpu-results}
mkdir -p "$OUT" "$g/root" "$g/bin"
[ -x "$g/bin/node" ] || tar -C "$g" -xJf "$g/node.tar.xz"
[ -f "$g/app/cli.js" ] || tar -C "$g" -xJf "$g/app.tar.xz"
# the Vulkan loader, unpacked beside (not into /), only if the system lacks one
if ! ldconfig -p | grep -q libvulkan.so.1; then
  for f in "$g"/debs/*.deb; do dpkg -x "$f" "$g/root"; done
  export LD_LIBRARY_PATH="$g/root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
# the NVIDIA ICD, where container runtimes put it
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -f "$icd" ]; then export VK_ICD_FILENAMES=$icd; fi
done
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
chmod 700 "$XDG_RUNTIME_DIR"
node="$g/bin/node"
cli="$g/app/cli.js"
left() { echo $(( BUDGET - ($(date +%s) - start) )); }
# step NAME LIMIT CMD...: runs CMD under min(LIMIT, what is left of BUDGET), output to $OUT/NAME.txt and here.
step() {
  local name=$1 limit=$2; shift 2
  local t=$(left); [ "$limit" -lt "$t" ] && t=$limit
  if [ "$t" -le 5 ]; then echo "$name: skipped (time budget spent)" | tee "$OUT/$name.txt"; echo "$name skipped" >> "$OUT/summary.txt"; return; fi
  local s=$(date +%s)
  timeout "$t" "$@" 2>&1 | grep -v '^Warning: max' | tee "$OUT/$name.txt"
  local rc=${PIPESTATUS[0]}
  echo "$name: exit $rc in $(( $(date +%s) - s )) s$([ "$rc" = 124 ] && echo " (stopped at its $t s limit)")" | tee -a "$OUT/summary.txt"
}
: > "$OUT/summary.txt"
echo "# node $($node --version), VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-default}, nvidia-smi: $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null || echo none)" | tee -a "$OUT/summary.txt"
step smoke 60 "$node" "$cli" smoke
step selftest 150 "$node" "$cli" selftest
# The study bench before the per-architecture ones: its lockstep figure is what the GPU is for.
# shellcheck disable=SC2086
step bench-study 150 "$node" "$cli" bench --study --no-torch ${STUDY_BENCH_ARGS:---epochs 2 --train-images 10000 --test-images 10000} --out "$OUT/bench-study.json"
# One bench per architecture, so a slow one cannot cost the others' figures: the ConvNet (with the
# kernel table), then every other architecture the build has (ResNet-20 once it exists).
archs=$("$node" "$cli" bench --help | sed -n 's/.*(default: \([^)]*\)).*/\1/p' | head -1)
for arch in ${archs//,/ }; do
  kernels=$([ "$arch" = convnet ] || echo --no-kernels)
  # shellcheck disable=SC2086
  step "bench-$arch" 400 "$node" "$cli" bench --synthetic --arch "$arch" $kernels --train-images "${TRAIN_IMAGES:-50000}" --batches 64 --epochs 1 --out "$OUT/bench-$arch.json" ${BENCH_ARGS:-}
done
echo "total: $(( $(date +%s) - start )) s (budget $BUDGET s)" | tee -a "$OUT/summary.txt"
if [ "${STUDY:-0}" = 1 ] && [ -n "${CIFAR10_DIR:-}" ]; then
  s=$(date +%s)
  "$node" "$cli" run --seeds 0 --epochs "${EPOCHS:-30}" --out "$OUT/study" --name gpu-default --json > "$OUT/study.jsonl"
  echo "study: $(( $(date +%s) - s )) s for losses ce, focal:0.5, focal:2, l1 × ${EPOCHS:-30} epochs, seed 0" | tee -a "$OUT/summary.txt"
fi
