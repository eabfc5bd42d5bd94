#!/usr/bin/env bash
# Run the production stack on this machine: gunicorn (HTTPS, self-signed certificate), a Celery
# worker and beat, against the local PostgreSQL and Redis, with production settings (DEBUG off,
# secure cookies, HSTS, WhiteNoise serving hashed static files). Ctrl-C stops all three.
#
# Override any variable from the environment: PROD_DATABASE_URL, PROD_REDIS_URL, PROD_PORT,
# WEB_CONCURRENCY (gunicorn workers), PROD_SEED=0 to skip the demo data.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

STATE="$ROOT/.prod"
mkdir -p "$STATE"
PORT="${PROD_PORT:-8443}"

ensure_venv requirements.txt
ensure_assets

# A stable secret for this local stack, generated once and kept out of git.
[ -f "$STATE/secret_key" ] || openssl rand -hex 32 > "$STATE/secret_key"
if [ ! -f "$STATE/cert.pem" ]; then
  echo "==> generating a self-signed certificate for 127.0.0.1 and localhost"
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$STATE/key.pem" -out "$STATE/cert.pem" 2>/dev/null
fi

export DEBUG=0
export SECRET_KEY="$(cat "$STATE/secret_key")"
export DATABASE_URL="${PROD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mentorship_prod}"
export REDIS_URL="${PROD_REDIS_URL:-redis://127.0.0.1:6379/1}"
export ALLOWED_HOSTS="127.0.0.1,localhost"
export SITE_URL="https://127.0.0.1:$PORT"
export CSRF_TRUSTED_ORIGINS="https://127.0.0.1:$PORT,https://localhost:$PORT"
export EMAIL_URL="${PROD_EMAIL_URL:-consolemail://}"
export LOG_LEVEL="${LOG_LEVEL:-INFO}"

db_name="${DATABASE_URL##*/}"
if ! psql "${DATABASE_URL%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$db_name'" | grep -q 1; then
  echo "==> creating database $db_name"
  psql "${DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE \"$db_name\""
fi

echo "==> checking the deployment settings"
.venv/bin/python manage.py check --deploy --fail-level WARNING
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py collectstatic --noinput -v0
if [ "${PROD_SEED:-1}" = "1" ]; then
  .venv/bin/python manage.py seed_demo --if-empty
fi

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

.venv/bin/celery -A mentorship worker --loglevel=INFO --concurrency="${CELERY_CONCURRENCY:-2}" \
  > "$STATE/worker.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A mentorship beat --loglevel=INFO --schedule="$STATE/celerybeat-schedule" \
  > "$STATE/beat.log" 2>&1 &
pids+=($!)

cat <<TXT

  Production stack running at https://127.0.0.1:$PORT/  (self-signed certificate)
  Health: https://127.0.0.1:$PORT/health/   Worker log: .prod/worker.log   Beat log: .prod/beat.log

TXT
.venv/bin/gunicorn mentorship.wsgi:application \
  --bind "127.0.0.1:$PORT" --certfile "$STATE/cert.pem" --keyfile "$STATE/key.pem" \
  --workers "${WEB_CONCURRENCY:-4}" --threads "${WEB_THREADS:-2}" --timeout 60 --keep-alive 30 \
  --forwarded-allow-ips 127.0.0.1 &
pids+=($!)
wait "${pids[-1]}"
