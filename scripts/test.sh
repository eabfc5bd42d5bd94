#!/usr/bin/env bash
# The second README command: install what the tests need and run the whole suite.
# Uses the local PostgreSQL and Redis (DATABASE_URL / TEST_REDIS_URL override them) and the
# system Chromium for browser tests. Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

ensure_venv requirements-dev.txt
ensure_assets

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "==> installing Chromium for the browser tests (apt)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null
  else
    echo "Chromium is missing: run 'sudo apt-get install chromium' for the browser tests." >&2
  fi
fi

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mentorship}"
export TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"

exec .venv/bin/python -m pytest "$@"
