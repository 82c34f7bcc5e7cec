#!/usr/bin/env bash
# Installs the Debian packages Nianbao needs for a purpose (demo or test), when run as root;
# otherwise prints the apt-get line and stops. Installs only what is missing.
set -euo pipefail
purpose=${1:-demo}
packages=(fonts-noto-cjk fonts-arphic-ukai fonts-lxgw-wenkai fonts-hanazono libpango-1.0-0 libpangoft2-1.0-0
          libharfbuzz-subset0 poppler-utils gettext)
if [ "$purpose" = test ]; then
  # nodejs: the parity test of static/js/rules.js against the Python rules (tests/formats/test_formats_js.py).
  # libreoffice-writer-nogui: the importer's test material (Word layouts converted to PDF as bodies do).
  packages+=(postgresql redis-server chromium nodejs libreoffice-writer-nogui)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少系统软件包。请以 root 运行：" >&2
  echo "  apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fc-cache -f >/dev/null 2>&1 || true
