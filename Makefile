# The two commands of the README, and a few conveniences around them.
.PHONY: run test lint bench prod screenshots

run:            ## set up everything and start the app with demo data (SQLite, console e-mail)
	bash scripts/run.sh

test:           ## install what the tests need and run the whole suite
	bash scripts/test.sh $(ARGS)

lint:
	.venv/bin/python -m ruff check .

prod:           ## run the production stack locally (gunicorn, Celery worker and beat)
	bash scripts/prod.sh

screenshots:    ## retake docs/screenshots/ from the demo data (throw-away database, Chromium)
	.venv/bin/python scripts/screenshots.py $(ARGS)
