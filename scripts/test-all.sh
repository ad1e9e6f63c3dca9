#!/usr/bin/env bash
# The one test command (README "Test", .ci/run): installs what the tests need, then runs every check:
# lint, type checks, unit, integration (real PostgreSQL, real sshd hosts), and browser tests (Debian Chromium).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mkdir -p .tmp
export CI="${CI:-}" PRISMA_SKIP_POSTINSTALL_GENERATE=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 CHECKPOINT_DISABLE=1

step() { printf '\n==> %s\n' "$*"; }

# --- system packages (Debian): sshd for the test hosts, rsync, Chromium for e2e; PostgreSQL is installed by test-pg.sh
missing=()
[ -x /usr/sbin/sshd ] || command -v sshd >/dev/null 2>&1 || missing+=(openssh-server)
command -v rsync >/dev/null 2>&1 || missing+=(rsync)
command -v git >/dev/null 2>&1 || missing+=(git)
# The LDAP login tests start their own OpenLDAP server (slapd with the memberof overlay), with a CA made by openssl.
[ -x /usr/sbin/slapd ] || missing+=(slapd)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v zstd >/dev/null 2>&1 || missing+=(zstd)
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
# The service supervision tests run a supervisord per test host and read its config with its own parser.
command -v supervisord >/dev/null 2>&1 || missing+=(supervisor)
# Rendered systemd units are checked with systemd-analyze verify (systemd need not run).
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# Chinese UI text in screenshots needs a CJK font; Debian's Chromium ships none.
fc-list 2>/dev/null | grep -qi 'wenquanyi\|wqy' || missing+=(fonts-wqy-microhei)
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ "${#missing[@]}" -gt 0 ]; then
  step "installing system packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=(); elif sudo -n true 2>/dev/null; then sudo=(sudo -n); else
    echo "Missing system packages: ${missing[*]}. Install them (e.g. sudo apt-get install -y ${missing[*]}) and rerun." >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Node dependencies
pnpm_bin="$(node scripts/ensure-pnpm.mjs)"
case "$pnpm_bin" in */*) export PATH="$(cd "$(dirname "$pnpm_bin")" && pwd):$PATH" ;; esac
step "pnpm install"
pnpm install --frozen-lockfile --reporter=append-only 2>&1 | tail -n 5
pnpm db:generate >/dev/null

step "lint"
pnpm lint
step "type checks"
pnpm typecheck
step "build"
pnpm build >/dev/null
step "SPA size budget"
node scripts/web-budget.mjs

# --- PostgreSQL for integration and e2e tests
step "start PostgreSQL"
# shellcheck source=scripts/test-pg.sh
. scripts/test-pg.sh
trap 'bash scripts/test-pg.sh stop "$TEST_PG_DIR" >/dev/null 2>&1 || true' EXIT

step "unit and integration tests (vitest)"
vitest_status=0
pnpm vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json || vitest_status=$?

step "browser tests (playwright)"
e2e_db="rp_e2e_$(date +%s)"
psql -q "$TEST_DATABASE_URL" -c "CREATE DATABASE $e2e_db" >/dev/null
export E2E_DATABASE_URL="${TEST_DATABASE_URL%/*}/$e2e_db"
e2e_status=0
PLAYWRIGHT_JSON_OUTPUT_NAME="$root/.tmp/playwright.json" pnpm exec playwright test -c e2e/playwright.config.ts --reporter=list,json || e2e_status=$?

# One closing line for CI: totals over both runners.
node scripts/test-summary.mjs .tmp/vitest.json .tmp/playwright.json
[ "$vitest_status" -eq 0 ] && [ "$e2e_status" -eq 0 ]
