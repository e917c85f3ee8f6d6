#!/usr/bin/env bash
# Installs the Debian packages govdoc needs, when running as root and they are missing.
# Usage: scripts/debian-packages.sh run|test
set -euo pipefail
packages=(fonts-liberation fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
  libreoffice-writer-nogui libreoffice-calc-nogui)
if [ "${1:-run}" = "test" ]; then
  # SoftHSM2: a real PKCS#11 token for the signature tests.
  packages+=(chromium softhsm2)
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Thiếu gói Debian: ${missing[*]} — hãy cài bằng: sudo apt-get install ${missing[*]}" >&2
  exit 0
fi
echo "Cài gói Debian: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
