#!/usr/bin/env bash
# Installs citycheck's build and test dependencies from Debian 12 packages. Idempotent and quiet
# when everything is already there. Run as root (or with sudo available).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libgdal-dev gdal-bin libgeos-dev libproj-dev proj-bin proj-data libtbb-dev libsqlite3-dev
  libyaml-cpp-dev libcli11-dev nlohmann-json3-dev libfmt-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev ccache
  postgresql postgresql-15-postgis-3 python3
  chromium fonts-noto-cjk   # report: browser test and PNG maps (headless), Chinese text in maps
)
# Extra packages a script may ask for (e.g. PostgreSQL/PostGIS for the store tests).
PACKAGES+=("$@")

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
