#!/usr/bin/env bash
# The first README command: set everything up on the embedded defaults and start the app.
# SQLite file, console e-mail, Celery tasks run in-process. Running it twice is safe.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

export DEBUG="${DEBUG:-1}"
# This script is the development server by definition; Django's banner warning says so again on
# every start. Tasks run in-process (no broker is configured), so nothing else should warn.
export DJANGO_RUNSERVER_HIDE_WARNING=true
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"

# Say so before the long set-up, not after it, when something already listens on the port.
if (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; then
  echo "Port $PORT on $HOST is already in use: pick another one, for example PORT=$((PORT + 1)) make run" >&2
  exit 1
fi

# A local .env (ignored by git) so that plain `.venv/bin/python manage.py ...` works afterwards
# on the same development defaults. Production never has this file; it sets real variables.
if [ ! -f .env ]; then
  printf '# Local development settings written by `make run`; not used in production.\nDEBUG=1\n' > .env
fi
ensure_venv requirements.txt
ensure_assets

echo "==> migrating the database"
.venv/bin/python manage.py migrate --noinput -v0
echo "==> loading demo data (skipped when already loaded)"
# The services the demo goes through log each step at INFO; only problems are worth showing here.
LOG_LEVEL=WARNING .venv/bin/python manage.py seed_demo --if-empty

cat <<TXT

  Mentorship is running at http://$HOST:$PORT/

  Demo logins (password for all: ${DEMO_PASSWORD:-mentorship-demo}, as set when the demo was first loaded):
    coordinator   coordinator@demo.gov
    mentor        mentor@demo.gov
    mentee        mentee@demo.gov
    HR analyst    hr@demo.gov
    back office   admin@demo.gov  (Django admin at /admin/)

TXT
exec .venv/bin/python manage.py runserver "$HOST:$PORT"
