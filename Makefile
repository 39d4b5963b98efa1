# The two commands: `make run` (serve the demo on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed-$(shell cksum requirements.lock | cut -d' ' -f1)

.PHONY: run test install checkers worker beat lint messages lock bench soak clean

$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...).")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@rm -f $(VENV)/.installed-*
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@# platform/ is a source folder on sys.path (never a package): a .pth puts it there for every tool.
	@$(PY) -c 'import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()["purelib"], "aachen.pth").write_text("$(CURDIR)\n$(CURDIR)/platform\n")'
	@touch $@

install: $(STAMP)

# The checkers the browser tests load from disk (axe-core, the Nu Html Checker); tests only.
NODE_STAMP := node_modules/.installed-$(shell cksum package-lock.json | cut -d' ' -f1)
# Without npm the checks that need them are skipped on a person's machine (CI fails on a skip).
$(NODE_STAMP): package-lock.json
	@rm -f node_modules/.installed-*
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

checkers:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(NODE_STAMP); \
	else echo "[make] npm not found: the page checks (Nu Html Checker, axe-core) will be skipped"; fi

run: install
	DJANGO_DEBUG=1 $(MANAGE) migrate --noinput
	DJANGO_DEBUG=1 $(MANAGE) seed_demo
	@( for i in $$(seq 120); do sleep 1; \
	  if $(PY) -c 'import urllib.request; urllib.request.urlopen("http://127.0.0.1:8000/health/", timeout=2)' 2>/dev/null; \
	  then echo "==> Ready: http://127.0.0.1:8000/  (health ok; demo logins above, password aachen2015)"; break; fi; done ) &
	DJANGO_DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

test: install checkers
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Worker and beat ride out a broker outage themselves (tests/notifications/test_outage.py); the loop
# is only a second line: whatever else ends them with an error, they are started again. Ctrl-C stops.
RESTART_LOOP = trap 'exit 130' INT TERM; while :; do
RESTARTED = && break; echo "[make] $@ exited with $$?, starting it again in 5 s"; sleep 5; done

worker: install
	@$(RESTART_LOOP) DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(VENV)/bin/celery -A config worker --loglevel=INFO $(RESTARTED)

beat: install
	@$(RESTART_LOOP) DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(VENV)/bin/celery -A config beat --loglevel=INFO $(RESTARTED)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

messages: install
	DJANGO_DEBUG=1 $(MANAGE) makemessages --locale en --no-location --no-wrap --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'node_modules/*'
	DJANGO_DEBUG=1 $(MANAGE) compilemessages --locale en --ignore '.venv/*'

lock: install
	$(VENV)/bin/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

bench: install
	$(PY) bench/run.py
	BENCH_SCALE=5 $(PY) bench/run.py
	$(PY) bench/votes_count.py
	$(PY) bench/votes_forum.py
	$(PY) bench/board_live.py
	$(PY) bench/report.py
	@if [ -n "$$DATABASE_URL" ] && [ -n "$$REDIS_URL" ]; then $(PY) bench/notifications.py && $(PY) bench/soak.py; \
	else echo "[bench] notification outbox and soak run: services mode only (set DATABASE_URL and REDIS_URL)"; fi

# Members at work for SOAK_SECONDS (300) while a Celery worker is killed and Redis stops (bench/soak.py).
soak: install
	@if [ -n "$$DATABASE_URL" ]; then $(PY) bench/soak.py; \
	else echo "[soak] services mode only: set DATABASE_URL (PostgreSQL); it starts a Redis of its own"; exit 2; fi

clean:
	rm -rf $(VENV) var
