#!/usr/bin/env bash
# Installs what printforge needs, idempotently: Debian packages, the .venv, and for tests
# the buf linter (npm) and a running PostgreSQL. Usage: scripts/setup.sh runtime|test
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-runtime}"

# Debian packages: a Python 3.11 venv; OpenGL/X libraries that cadquery-ocp, open3d and pymeshlab
# load at import; libusb for open3d; fonts are shipped in the repository; prusa-slicer for the
# print-prep print-time estimate (its CLI slices headless, no display needed).
apt_packages=(python3-venv python3-dev libgl1 libglu1-mesa libxrender1 libxext6 libsm6 libxi6 libxxf86vm1
              libusb-1.0-0 libgomp1 prusa-slicer)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "$profile" = test ]; then
  # Tools are checked by command, not by package: a machine may have them from elsewhere
  # (e.g. Node.js from NodeSource, whose package conflicts with Debian's npm).
  command -v npm >/dev/null || missing+=(nodejs npm)
  command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
  command -v pg_isready >/dev/null || missing+=(postgresql-client)
  command -v wrk >/dev/null || missing+=(wrk)  # HTTP load generator of bench/bench_gateway.py
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

python_bin="$(command -v python3.11 || command -v python3)"
"$python_bin" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "printforge needs Python >= 3.11")'
[ -x .venv/bin/python ] || "$python_bin" -m venv .venv

extras="cad"
[ "$profile" = test ] && extras="cad,test,bench"
stamp=".venv/.printforge-$profile-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python packages ($extras)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[$extras]"
  touch "$stamp"
fi

if [ "$profile" = test ]; then
  # buf (protobuf linter) from the npm registry, pinned, installed into .tools/.
  if [ ! -x .tools/node_modules/.bin/buf ]; then
    echo "setup: installing buf"
    npm install --silent --no-audit --no-fund --prefix .tools @bufbuild/buf@1.59.0 >/dev/null
  fi
  scripts/ensure_postgres.sh
fi
