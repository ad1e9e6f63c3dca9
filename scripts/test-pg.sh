#!/usr/bin/env bash
# Throwaway PostgreSQL server for tests.
#
#   scripts/test-pg.sh [start]      start (or reuse) a server; prints `export TEST_DATABASE_URL=...`
#   . scripts/test-pg.sh            same, and exports the variables into the calling shell
#   scripts/test-pg.sh stop [DIR]   stop the server and delete its directory (default: the one in .tmp/test-pg.env)
#   scripts/test-pg.sh env          print the current env file, fail if no server is running
#
# The cluster lives in a fresh temp dir with trust auth on 127.0.0.1 and its Unix socket inside that dir, so it never
# touches the machine's own clusters. TEST_DATABASE_URL connects as the superuser `postgres`, because test files create
# and drop their own databases. `.tmp/test-pg.env` records URL, dir and port so callers can `source` it.

_test_pg_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_test_pg_env_file="$_test_pg_root/.tmp/test-pg.env"

_test_pg_main() (
  set -euo pipefail

  log() { printf 'test-pg: %s\n' "$*" >&2; }

  find_bindir() {
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
      pg_config --bindir
      return
    fi
    # Debian keeps the server binaries off PATH, one directory per major version; take the newest.
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
      echo "$dir"
      return
    fi
    if command -v initdb >/dev/null 2>&1; then
      dirname "$(readlink -f "$(command -v initdb)")"
      return
    fi
    return 1
  }

  install_postgres() {
    if [ "$(id -u)" -ne 0 ]; then
      log "initdb not found and not root: install PostgreSQL (e.g. apt-get install postgresql) and retry"
      exit 1
    fi
    log "installing postgresql via apt-get"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y --no-install-recommends postgresql >/dev/null 2>&1; then
      apt-get update >/dev/null
      apt-get install -y --no-install-recommends postgresql >/dev/null
    fi
  }

  free_port() {
    node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
  }

  # initdb refuses to run as root, so as root every server-side command runs as the `postgres` system user.
  as_pg() {
    if [ "$(id -u)" -ne 0 ]; then
      "$@"
    elif command -v runuser >/dev/null 2>&1; then
      runuser -u postgres -- "$@"
    else
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  }

  write_env() {
    local dir="$1" port="$2" url="postgresql://postgres@127.0.0.1:$2/rp_test"
    mkdir -p "$(dirname "$_test_pg_env_file")"
    cat >"$_test_pg_env_file" <<EOF
export TEST_DATABASE_URL='$url'
export TEST_PG_DIR='$dir'
export TEST_PG_PORT='$port'
EOF
    cat "$_test_pg_env_file"
  }

  is_running() {
    local dir="$1" port="$2" bindir="$3"
    [ -f "$dir/data/postmaster.pid" ] && "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -d rp_test -U postgres
  }

  stop_dir() {
    local dir="$1" bindir
    bindir="$(find_bindir || true)"
    if [ -n "$bindir" ] && [ -f "$dir/data/postmaster.pid" ]; then
      # Immediate shutdown: the data is disposable, so there is no point waiting for a checkpoint.
      as_pg "$bindir/pg_ctl" stop -D "$dir/data" -m immediate -w >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
  }

  start() {
    local bindir
    bindir="$(find_bindir || true)"
    if [ -z "$bindir" ]; then
      install_postgres
      bindir="$(find_bindir)"
    fi

    if [ -f "$_test_pg_env_file" ]; then
      local TEST_PG_DIR="" TEST_PG_PORT=""
      # shellcheck disable=SC1090
      . "$_test_pg_env_file"
      if [ -n "$TEST_PG_DIR" ] && is_running "$TEST_PG_DIR" "$TEST_PG_PORT" "$bindir"; then
        log "reusing server in $TEST_PG_DIR"
        cat "$_test_pg_env_file"
        return
      fi
      [ -n "$TEST_PG_DIR" ] && [ -d "$TEST_PG_DIR" ] && stop_dir "$TEST_PG_DIR"
      rm -f "$_test_pg_env_file"
    fi

    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    fi

    local dir
    dir="$(mktemp -d "${TMPDIR:-/tmp}/rp-test-pg.XXXXXX")"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    as_pg "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      rm -rf "$dir"
      exit 1
    }

    # A port picked by free_port can be taken before the server binds it, so retry a few times.
    local port attempt
    for attempt in 1 2 3; do
      port="$(free_port)"
      # Durability settings are off: the cluster is thrown away, and fsync dominates test time on small machines.
      if as_pg "$bindir/pg_ctl" start -w -t 30 -D "$dir/data" -l "$dir/server.log" -o \
        "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        >/dev/null; then
        break
      fi
      if [ "$attempt" -eq 3 ]; then
        tail -n 20 "$dir/server.log" >&2 || true
        rm -rf "$dir"
        exit 1
      fi
    done

    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres rp_test
    log "started PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') in $dir on port $port"
    write_env "$dir" "$port"
  }

  case "${1:-start}" in
    start) start ;;
    stop)
      local_dir="${2:-}"
      if [ -z "$local_dir" ] && [ -f "$_test_pg_env_file" ]; then
        local_dir="$(. "$_test_pg_env_file" && echo "$TEST_PG_DIR")"
      fi
      if [ -z "$local_dir" ]; then
        log "nothing to stop"
        exit 0
      fi
      stop_dir "$local_dir"
      if [ -f "$_test_pg_env_file" ] && grep -qF "TEST_PG_DIR='$local_dir'" "$_test_pg_env_file"; then
        rm -f "$_test_pg_env_file"
      fi
      log "stopped $local_dir"
      ;;
    env)
      [ -f "$_test_pg_env_file" ] || { log "no server: run scripts/test-pg.sh start"; exit 1; }
      cat "$_test_pg_env_file"
      ;;
    *)
      log "usage: $0 [start|stop [DIR]|env]"
      exit 2
      ;;
  esac
)

if (return 0 2>/dev/null); then
  # Sourced: start in a subshell (so `set -e` cannot kill the caller) and export the result here.
  if _test_pg_main start >/dev/null; then
    # shellcheck disable=SC1090
    . "$_test_pg_env_file"
  else
    return 1
  fi
else
  _test_pg_main "$@"
fi
