# PostgreSQL for the bench: a cluster of its own on 127.0.0.1:$BENCH_PG_PORT, started and
# removed by bench/run (sourced, never run on its own). Durable defaults (fsync and
# synchronous_commit on), unlike the test cluster of scripts/lib.sh: booking throughput must
# include the cost of a commit that survives a crash.

BENCH_PG_PORT=${BENCH_PG_PORT:-54401}
BENCH_PG_DIR=""

bench_pg_start() {
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  BENCH_PG_DIR=$(mktemp -d /tmp/unknot-bench-pg.XXXXXX)
  BENCH_PG_RUNNER=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
    chown postgres "$BENCH_PG_DIR"
    BENCH_PG_RUNNER=(runuser -u postgres --)
  fi
  BENCH_PG_BIN="$bin"
  "${BENCH_PG_RUNNER[@]}" "$bin/initdb" -D "$BENCH_PG_DIR/data" -U postgres -A trust -E UTF8 >/dev/null
  "${BENCH_PG_RUNNER[@]}" "$bin/pg_ctl" -D "$BENCH_PG_DIR/data" -l "$BENCH_PG_DIR/server.log" -w -t 60 start \
    -o "-h 127.0.0.1 -p $BENCH_PG_PORT -k $BENCH_PG_DIR -c max_connections=120 -c shared_buffers=512MB -c max_wal_size=4GB" >/dev/null
  export BENCH_PG_PORT
}

bench_pg_stop() {
  if [ -n "$BENCH_PG_DIR" ] && [ -d "$BENCH_PG_DIR/data" ]; then
    "${BENCH_PG_RUNNER[@]}" "$BENCH_PG_BIN/pg_ctl" -D "$BENCH_PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$BENCH_PG_DIR"
  fi
}
