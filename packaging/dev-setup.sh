#!/usr/bin/env bash
# Set up everything GenoMap needs to run from this checkout, installing only what is missing:
#   - Debian/Ubuntu system packages (Graphviz 'dot', Qt runtime libraries, fonts,
#     Xvfb and poppler-utils for tests) through apt-get, using sudo when not root;
#   - a project-local virtual environment in .venv with GenoMap and its Python packages.
# Usage: packaging/dev-setup.sh [--test]   (--test also installs the test extras)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

SYSTEM_PACKAGES=(
  graphviz                       # the 'dot' layout engine
  python3-venv python3-pip       # virtual environments
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-render-util0 libxcb-image0 libxcb-xinerama0
  fonts-liberation2 fonts-dejavu-core
)
TEST_PACKAGES=(xvfb poppler-utils postgresql)  # postgresql: the team-database tests start a throwaway server

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  pkgs=("${SYSTEM_PACKAGES[@]}")
  [ "$want_test" = 1 ] && pkgs+=("${TEST_PACKAGES[@]}")
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "GenoMap set-up: installing system packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # Some library names differ between releases: install what exists, one by one if needed.
  if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    for p in "${missing[@]}"; do
      $SUDO apt-get install -y -qq --no-install-recommends "$p" || echo "  (skipped $p: not available here)"
    done
  fi
fi
if ! command -v dot >/dev/null 2>&1; then
  echo "GenoMap set-up: the Graphviz 'dot' program is still missing; install Graphviz and run again." >&2
  exit 1
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "GenoMap set-up: creating the virtual environment in .venv"
  "$PY" -m venv .venv
fi
extras=""
[ "$want_test" = 1 ] && extras="[test]"
stamp=".venv/.genomap-installed${extras}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "GenoMap set-up: installing Python packages into .venv"
  .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install --quiet -e ".${extras}"
  touch "$stamp"
fi
