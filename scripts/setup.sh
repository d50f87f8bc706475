#!/usr/bin/env bash
# Installs what the OS must provide for LossLab on Debian/Ubuntu (idempotent):
#  - a WebGPU-capable software Vulkan driver (Mesa >= 25 lavapipe) when no GPU adapter is present,
#  - Debian's Chromium for the browser tests,
#  - Debian's dataset-fashion-mnist (the original IDX files in /usr/share/datasets/fashion-mnist,
#    read by `losslab run --dataset fashion-mnist` and its CI test; SETUP_FASHION_MNIST=0 skips it),
#  - python3-torch only with SETUP_TORCH=1 (for `bench --vs-torch` and reference curves).
# Run as root or with sudo. Node packages come from `npm ci`, not from here.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
mesa_version() { dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | sed 's/^[0-9]*://' | cut -d. -f1; }

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
apt_dir=${SETUP_APT_DIR:-/etc/apt}

# The Debian archive this machine already uses: the first source whose suites include the release
# itself (not -security, -backports or a vendor's repository), from deb822 *.sources files
# ("URIs:" / "Suites:" stanzas) or one-line sources.list / *.list entries ("deb [opts] URI SUITE …").
debian_mirror() {
  local release=$1 f
  for f in "$apt_dir"/sources.list.d/*.sources; do
    [ -f "$f" ] && [ "$(basename "$f")" != losslab-backports.sources ] || continue
    awk -v rel="$release" '
      function flush() { if (enabled && types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " rel " ") && uris != "") { split(uris, u, " "); print u[1]; found = 1; exit } uris = suites = types = ""; enabled = 1 }
      BEGIN { enabled = 1 }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      { key = tolower($1); sub(/^[^:]*:[ \t]*/, ""); }
      key == "uris:" { uris = $0 } key == "suites:" { suites = $0 } key == "types:" { types = $0 }
      key == "enabled:" { enabled = (tolower($0) != "no") }
      END { if (!found) flush() }' "$f"
  done
  for f in "$apt_dir"/sources.list "$apt_dir"/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    sed -nE 's/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+)[[:space:]]+([^[:space:]]+).*/\2 \3/p' "$f" \
      | awk -v rel="$release" '$2 == rel { print $1 }'
  done
}
if [ "${1:-}" = --debian-mirror ]; then
  m=$(debian_mirror "${2:-$codename}" | sed -n 1p)
  [ -n "$m" ] && echo "$m" && exit 0
  exit 1
fi
# 0. Node is not installed here (the distribution's, nodejs.org's or a version manager's will do); say
# so early. Only a note: under sudo the PATH may not show the user's Node.
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' 2>/dev/null; then
  echo "setup: note: LossLab needs Node >= 20.19 for npm ci (found on this PATH: $(node --version 2>/dev/null || echo none)); this script does not install Node — install it from your distribution or https://nodejs.org/" >&2
fi
need_update=1
apt_update() { if [ $need_update = 1 ]; then $SUDO apt-get update -qq; need_update=0; fi; }

# 1. Vulkan driver: Dawn rejects Debian 12's Mesa 22 lavapipe; Mesa 25 from bookworm-backports works.
if [ -n "$(ls /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json 2>/dev/null)" ]; then
  echo "setup: NVIDIA Vulkan driver present; lavapipe not needed"
elif [ "$(mesa_version)" != "" ] && [ "$(mesa_version)" -ge 25 ] 2>/dev/null; then
  echo "setup: mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) already installed"
else
  if [ "$codename" = "bookworm" ]; then
    if ! grep -rqs "bookworm-backports" "$apt_dir"/sources.list "$apt_dir"/sources.list.d/; then
      mirror=$(debian_mirror bookworm | sed -n 1p)
      if [ -z "$mirror" ]; then
        echo "setup: no Debian bookworm source in $apt_dir (sources.list, sources.list.d/*.list or *.sources), so there is no mirror to take bookworm-backports from." >&2
        echo "setup: add your Debian mirror, e.g. the line 'deb <mirror URL> bookworm main' to $apt_dir/sources.list, then run setup again." >&2
        exit 2
      fi
      echo "setup: adding bookworm-backports from $mirror"
      printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror" \
        | $SUDO tee "$apt_dir"/sources.list.d/losslab-backports.sources >/dev/null
    fi
    apt_update
    $SUDO apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
  else
    apt_update
    $SUDO apt-get install -y -qq mesa-vulkan-drivers libvulkan1 >/dev/null
  fi
  echo "setup: installed mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
fi

# 2. Chromium for the browser tests (Playwright drives /usr/bin/chromium; it cannot download its own).
if [ "${SETUP_CHROMIUM:-1}" = 1 ] && ! have_pkg chromium; then
  apt_update
  $SUDO apt-get install -y -qq chromium >/dev/null
  echo "setup: installed chromium $(dpkg-query -W -f='${Version}' chromium)"
fi

# 3. Fashion-MNIST, from the Debian archive (no download from elsewhere needed).
if [ "${SETUP_FASHION_MNIST:-1}" = 1 ] && ! have_pkg dataset-fashion-mnist; then
  apt_update
  $SUDO apt-get install -y -qq dataset-fashion-mnist >/dev/null
  echo "setup: installed dataset-fashion-mnist $(dpkg-query -W -f='${Version}' dataset-fashion-mnist)"
fi

# 4. Optional: PyTorch for the reference comparisons.
if [ "${SETUP_TORCH:-0}" = 1 ] && ! have_pkg python3-torch; then
  apt_update
  $SUDO apt-get install -y -qq python3-torch python3-numpy >/dev/null
  echo "setup: installed python3-torch"
fi
echo "setup: done"
