#!/usr/bin/env bash
# Shared set-up steps: a virtualenv with pinned dependencies and the vendored front-end assets.
# Sourced by scripts/run.sh and scripts/test.sh. Safe to run again: every step is idempotent.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON_BIN="${PYTHON:-$(command -v python3.11 || command -v python3 || true)}"
VENV="$ROOT/.venv"

ensure_venv() {
  local requirements="$1"
  if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PYTHON_BIN" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "Python 3.11 or newer is needed; found ${PYTHON_BIN:-none}. Set PYTHON=/path/to/python3.11." >&2
      exit 1
    fi
    echo "==> creating virtualenv with $PYTHON_BIN"
    "$PYTHON_BIN" -m venv "$VENV"
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
