#!/usr/bin/env bash
# Runs the bench and one full default study (4 losses × 30 epochs, one seed) on an NVIDIA machine
# that has a Vulkan driver and nothing else, from the .gpu/ folder made by scripts/gpu/prepare.sh.
#   CIFAR10_DIR=/data/cifar-10-batches-bin OUT=/tmp/out bash scripts/gpu/run.sh
# Env: OUT (results, default ./gpu-results), SEEDS (default 0), EPOCHS (default 30), BENCH=0 to skip the bench.
set -euo pipefail
cd "$(dirname "$0")/../.."
g=$PWD/.gpu
OUT=${OUT:-$PWD/gpu-results}
mkdir -p "$OUT" "$g/root" "$g/bin"
[ -x "$g/bin/node" ] || tar -C "$g" -xJf "$g/node.tar.xz"
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
echo "# node $($node --version), VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-default}, nvidia-smi: $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null || echo none)"
$node "$cli" smoke | tee "$OUT/smoke.txt"
if [ "${BENCH:-1}" = 1 ]; then
  $node "$cli" bench --batches 64,256 --epochs "${BENCH_EPOCHS:-1}" --out "$OUT/bench.json" 2>&1 | tee "$OUT/bench.txt"
fi
if [ -n "${CIFAR10_DIR:-}" ]; then
  start=$(date +%s.%N)
  $node "$cli" run --seeds "${SEEDS:-0}" --epochs "${EPOCHS:-30}" --out "$OUT/study" --name gpu-default --json > "$OUT/study.jsonl"
  end=$(date +%s.%N)
  echo "study: $(awk "BEGIN { print $end - $start }") s for losses ce, focal:0.5, focal:2, l1 × ${EPOCHS:-30} epochs, seeds ${SEEDS:-0}" | tee "$OUT/study-time.txt"
else
  echo "CIFAR10_DIR not set: skipped the study (the data set must be on the GPU machine)"
fi
