#!/usr/bin/env bash
# Installs what the OS must provide for LossLab on Debian/Ubuntu (idempotent):
#  - a WebGPU-capable software Vulkan driver (Mesa >= 25 lavapipe) when no GPU adapter is present,
#  - Debian's Chromium for the browser tests,
#  - python3-torch only with SETUP_TORCH=1 (for `bench --vs-torch` and reference curves).
# Run as root or with sudo. Node packages come from `npm ci`, not from here.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
mesa_version() { dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | sed 's/^[0-9]*://' | cut -d. -f1; }

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
need_update=1
apt_update() { if [ $need_update = 1 ]; then $SUDO apt-get update -qq; need_update=0; fi; }

# 1. Vulkan driver: Dawn rejects Debian 12's Mesa 22 lavapipe; Mesa 25 from bookworm-backports works.
if [ -n "$(ls /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json 2>/dev/null)" ]; then
  echo "setup: NVIDIA Vulkan driver present; lavapipe not needed"
elif [ "$(mesa_version)" != "" ] && [ "$(mesa_version)" -ge 25 ] 2>/dev/null; then
  echo "setup: mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) already installed"
else
  if [ "$codename" = "bookworm" ]; then
    if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
      mirror=$( (grep -rhoE "https?://[^ ]*debian/?\s*$" /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null || true) | grep -v security | head -1 | tr -d " ")
      mirror=${mirror:-http://deb.debian.org/debian}
      echo "setup: adding bookworm-backports from $mirror"
      printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror" \
        | $SUDO tee /etc/apt/sources.list.d/losslab-backports.sources >/dev/null
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

# 3. Optional: PyTorch for the reference comparisons.
if [ "${SETUP_TORCH:-0}" = 1 ] && ! have_pkg python3-torch; then
  apt_update
  $SUDO apt-get install -y -qq python3-torch python3-numpy >/dev/null
  echo "setup: installed python3-torch"
fi
echo "setup: done"
