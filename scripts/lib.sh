# Functions behind ./dev. Sourced, never run on its own.

ROOT=$(pwd)
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  # Installs Debian packages; refreshes the package lists once per run.
  if [ -z "${APT_UPDATED:-}" ]; then
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

ensure_uv() {
  if ! command -v uv >/dev/null 2>&1; then
    log "Installing uv"
    python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv
    export PATH="$HOME/.local/bin:$PATH"
  fi
}

ensure_venv() {
  # $1: requirement file (base or dev)
  ensure_uv
  local req="requirements/$1.txt"
  local stamp="$VENV/.installed-$1"
  if [ ! -x "$PY" ]; then
    log "Creating the virtual environment (.venv, Python 3.11)"
    uv venv --quiet --python 3.11 "$VENV"
  fi
  if [ ! -f "$stamp" ] || [ "$req" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    log "Installing pinned, hashed dependencies from $req"
    uv pip sync --quiet --python "$PY" --require-hashes "$req"
    uv pip install --quiet --python "$PY" --no-deps -e .
    rm -f "$VENV"/.installed-*
    touch "$stamp"
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    log "Installing Debian's Chromium for the browser tests"
    apt_install chromium
  fi
}

pg_bindir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

ensure_postgres_installed() {
  if [ -z "$(pg_bindir)" ] || [ ! -x "$(pg_bindir)/initdb" ]; then
    log "Installing PostgreSQL server"
    apt_install postgresql postgresql-contrib
  fi
}

PG_PORT=${UNKNOT_TEST_PG_PORT:-54329}
PG_DIR=""

start_test_postgres() {
  # A throwaway cluster on 127.0.0.1, owned by the postgres system user (PostgreSQL refuses
  # to run as root), trusted on loopback only, removed again when the run ends.
  ensure_postgres_installed
  local bin; bin=$(pg_bindir)
  PG_DIR=$(mktemp -d /tmp/unknot-pg.XXXXXX)
  local runner=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
    chown postgres "$PG_DIR"
    runner=(runuser -u postgres --)
  fi
  log "Starting a test PostgreSQL ($("$bin/postgres" --version | awk '{print $3}')) on 127.0.0.1:$PG_PORT"
  "${runner[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust --no-sync -E UTF8 >/dev/null
  "${runner[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
    -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c full_page_writes=off -c max_connections=200" >/dev/null
  PG_RUNNER=("${runner[@]}")
  PG_BIN="$bin"
  trap stop_test_postgres EXIT
}

stop_test_postgres() {
  if [ -n "$PG_DIR" ] && [ -d "$PG_DIR/data" ]; then
    "${PG_RUNNER[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}

exec_demo() {
  # The demo as production runs: debug off, a secret generated on first run (var/secrets/),
  # gunicorn with threads, static files collected into var/static and served by WhiteNoise.
  ensure_venv base
  export DJANGO_SETTINGS_MODULE=unknot.config.settings.demo
  log "Migrating the embedded SQLite database (var/unknot.sqlite3)"
  "$VENV/bin/unknot" migrate --verbosity 0
  log "Building the demo practice"
  "$VENV/bin/unknot" demo
  log "Collecting static files into var/static"
  "$VENV/bin/unknot" collectstatic --no-input --verbosity 0
  start_worker
  log "Serving the demo on http://127.0.0.1:8000 with gunicorn, debug off (Ctrl-C to stop)"
  # In its own session, so Ctrl-C reaches only this script, which asks gunicorn's master to stop
  # (its workers then finish cleanly instead of being killed mid-shutdown).
  setsid "$VENV/bin/gunicorn" -c python:unknot.config.gunicorn_demo --bind 127.0.0.1:8000 "$@" &
  SERVER_PID=$!
  trap 'kill -INT "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" || true; exit 130' INT TERM
  wait "$SERVER_PID"
}

exec_serve() {
  # For developers: Django's auto-reloading development server, with debug, on the same data.
  ensure_venv dev
  export DJANGO_SETTINGS_MODULE=unknot.config.settings.dev
  "$VENV/bin/unknot" migrate --verbosity 0
  start_worker
  log "Development server (auto-reload, DEBUG on) on http://127.0.0.1:8000 (Ctrl-C to stop)"
  "$VENV/bin/unknot" runserver 127.0.0.1:8000 "$@"
}

start_worker() {
  log "Starting the background task worker (log: var/worker.log)"
  "$VENV/bin/unknot" db_worker --verbosity 0 >var/worker.log 2>&1 &
  WORKER_PID=$!
  trap 'kill "$WORKER_PID" 2>/dev/null || true' EXIT
  trap 'exit 130' INT TERM
}

exec_tests() {
  ensure_venv dev
  ensure_chromium
  export PATH="$VENV/bin:$PATH"
  log "ruff check"
  ruff check .
  log "ruff format --check"
  ruff format --check .
  log "import contracts (the domain imports no Django)"
  lint-imports --no-cache
  log "Django system checks (production settings, deploy checklist)"
  SECRET_KEY=check-only-$(date +%s)-not-a-real-key-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n') \
    UNKNOT_FIELD_KEYS=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_') \
    DJANGO_SETTINGS_MODULE=unknot.config.settings.prod ALLOWED_HOSTS=unknot.example \
    "$VENV/bin/unknot" check --deploy --fail-level WARNING
  "$VENV/bin/unknot" makemigrations --check --dry-run --verbosity 0 \
    || { echo "Models and migrations differ: run 'unknot makemigrations'." >&2; exit 1; }

  log "Test suite on SQLite"
  unset DATABASE_URL
  pytest "$@"

  start_test_postgres
  log "Test suite on PostgreSQL"
  DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/unknot" pytest "$@"
}
