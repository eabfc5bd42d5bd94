#!/usr/bin/env bash
# The load scenario against the production stack started by `make prod` (https://127.0.0.1:8443).
#   USERS=50 DURATION=5m bash bench/load/run.sh
# Prints locust's summary (p50/p95/p99, failures) and the lost-writes check.
set -euo pipefail
cd "$(dirname "$0")/../.."
.venv/bin/python -m pip install --quiet -r requirements-bench.txt

# The same SECRET_KEY as the stack: survey links are derived from it.
export SECRET_KEY="$(cat .prod/secret_key)" DEBUG=0 ALLOWED_HOSTS=127.0.0.1
export DATABASE_URL="${PROD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mentorship_prod}"
HOST="${HOST:-https://127.0.0.1:8443}"
mkdir -p bench/out
.venv/bin/python bench/load/prepare.py --pairs "${PAIRS:-60}"
export LOAD_RUN_ID="$(date +%s)"
.venv/bin/locust -f bench/load/locustfile.py --headless --host "$HOST" \
  --users "${USERS:-50}" --spawn-rate "${SPAWN_RATE:-5}" --run-time "${DURATION:-5m}" \
  --csv bench/out/load --only-summary 2>&1 | tee bench/out/load_summary.txt | tail -45 || true
.venv/bin/python bench/load/verify.py
