#!/usr/bin/env bash
# Shared set-up steps: a virtualenv with pinned dependencies and the vendored front-end assets.
# Sourced by scripts/run.sh and scripts/test.sh. Safe to run again: every step is idempotent.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON_BIN="${PYTHON:-$(command -v python3.11 || command -v python3 || true)}"
VENV="$ROOT/.venv"

# A usable virtualenv: its python runs and has pip. A run that failed half-way (no venv
# module, a network error while pip bootstraps, an interrupted copy) leaves a .venv without
# one or the other; it is rebuilt rather than trusted or treated as fatal.
venv_is_healthy() {
  [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import pip, sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1
}

ensure_venv() {
  local requirements="$1"
  if ! venv_is_healthy; then
    if ! "$PYTHON_BIN" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "Python 3.11 or newer is needed; found ${PYTHON_BIN:-none}. Set PYTHON=/path/to/python3.11." >&2
      exit 1
    fi
    if [ -e "$VENV" ] || [ -L "$VENV" ]; then
      echo "==> $VENV is incomplete (no working python or pip): rebuilding it"
      rm -rf "$VENV"
    fi
    echo "==> creating virtualenv with $PYTHON_BIN"
    if ! "$PYTHON_BIN" -m venv "$VENV" || ! venv_is_healthy; then
      rm -rf "$VENV"
      echo "Could not create a virtualenv: the venv module is missing (Debian/Ubuntu: apt-get install python3-venv)." >&2
      exit 1
    fi
  fi
  # Reinstall only when the requirements changed since the last install.
  local stamp="$VENV/.installed-$(basename "$requirements")"
  local digest
  digest="$(cat requirements*.txt | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    echo "==> installing Python packages from $requirements"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$digest" > "$stamp"
  fi
}

ensure_assets() {
  local marker=static/vendor/bootstrap/bootstrap.min.css
  if [ ! -f "$marker" ] || [ package.json -nt "$marker" ] || [ package-lock.json -nt "$marker" ] \
     || [ scripts/vendor-assets.mjs -nt "$marker" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "npm is needed to install the front-end assets (apt-get install nodejs npm)." >&2
      exit 1
    fi
    echo "==> installing front-end assets (npm)"
    npm ci --no-audit --no-fund --loglevel=error
    npm run --silent vendor
  fi
}
