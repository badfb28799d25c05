#!/usr/bin/env bash
# deploy/dev/services.sh — make sure what the test suite needs is present and running.
#
#   PostgreSQL  127.0.0.1:5432, trust auth for user postgres, database "test"
#   Redis       127.0.0.1:6379, and redis-server on PATH (tests start throwaway instances)
#   Sentinel    redis-sentinel on PATH (the failover test starts throwaway sentinels; none runs here)
#   Chromium    /usr/bin/chromium (headless browser tests)
#   Caddy       the version deploy/caddy/Caddyfile targets, built with `go install` into
#               $(go env GOBIN) or $(go env GOPATH)/bin (TestDeployCaddyfileValidates)
#
# Idempotent: anything already running is left alone. Written for a fresh Debian 12
# machine where we are root (installs via apt-get, no sudo). As a normal user it only
# checks and tells you what to install/start.
#
# PCNWEB_SKIP_SERVICES=1 skips everything (bring your own services, e.g. docker compose).
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT=5432
PG_DB=test
REDIS_HOST=127.0.0.1
REDIS_PORT=6379
CHROMIUM=/usr/bin/chromium
WAIT_SECONDS=${PCNWEB_SERVICES_WAIT:-30}

say() { printf 'services: %s\n' "$*"; }
die() { printf 'services: ERROR: %s\n' "$*" >&2; exit 1; }

if [[ "${PCNWEB_SKIP_SERVICES:-}" == "1" ]]; then
    say "PCNWEB_SKIP_SERVICES=1: not checking or starting anything"
    exit 0
fi

IS_ROOT=0
[[ "$(id -u)" -eq 0 ]] && IS_ROOT=1

have() { command -v "$1" >/dev/null 2>&1; }

# need_root WHAT HINT: fail with a clear message when we are not root and can't fix it.
need_root() {
    if [[ "$IS_ROOT" -ne 1 ]]; then
        die "$1 — not root, so not fixing it; please: $2 (or set PCNWEB_SKIP_SERVICES=1 and run your own)"
    fi
}

APT_UPDATED=0
apt_install() {
    need_root "missing packages: $*" "apt-get install -y $*"
    export DEBIAN_FRONTEND=noninteractive
    local log
    log=$(mktemp /tmp/pcnweb-services-apt.XXXXXX)
    if [[ "$APT_UPDATED" -ne 1 ]]; then
        apt-get update >"$log" 2>&1 || { tail -n 20 "$log" >&2; die "apt-get update failed (log: $log)"; }
        APT_UPDATED=1
    fi
    apt-get install -y "$@" >"$log" 2>&1 || { tail -n 20 "$log" >&2; die "apt-get install -y $* failed (log: $log)"; }
    rm -f "$log"
}

# wait_until SECONDS CMD...: poll CMD every 0.5 s until it succeeds or time runs out.
wait_until() {
    local secs=$1; shift
    local deadline=$((SECONDS + secs))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.5
    done
}

# ---------------------------------------------------------------- PostgreSQL

pg_ready() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; }
pg_psql() { psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U postgres "$@"; }
pg_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -n1 || true; }

# Put trust lines for the loopback addresses at the top of pg_hba.conf (first match wins).
pg_trust_loopback() {
    local hba="/etc/postgresql/$1/main/pg_hba.conf"
    [[ -f "$hba" ]] || die "no $hba"
    grep -q 'pcnweb-dev-trust' "$hba" && return 0
    local tmp
    tmp=$(mktemp)
    {
        echo "# pcnweb-dev-trust: added by deploy/dev/services.sh (test machine: trust on loopback)"
        echo "host all all 127.0.0.1/32 trust"
        echo "host all all ::1/128      trust"
        cat "$hba"
    } >"$tmp"
    cat "$tmp" >"$hba"
    rm -f "$tmp"
}

pg_start_cluster() {
    local v=$1
    pg_ctlcluster --skip-systemctl-redirect "$v" main start >/dev/null 2>&1 || true
    wait_until "$WAIT_SECONDS" pg_ready ||
        die "PostgreSQL $v did not become ready on $PG_HOST:$PG_PORT within ${WAIT_SECONDS}s (see /var/log/postgresql/)"
}

ensure_postgres() {
    local did="" v

    if ! have pg_isready || ! have psql; then
        if [[ -d /etc/postgresql ]] && [[ -n "$(pg_version)" ]]; then
            apt_install postgresql-client
        elif (exec 3<>"/dev/tcp/$PG_HOST/$PG_PORT") 2>/dev/null; then
            # Something (e.g. docker) already listens on 5432: only the client is needed.
            apt_install postgresql-client
        else
            apt_install postgresql
            did="installed"
        fi
    fi

    if pg_ready; then
        [[ -z "$did" ]] && did="running"
    else
        v=$(pg_version)
        if [[ -z "$v" ]]; then
            # Client present but no server cluster on this machine.
            apt_install postgresql
            did="installed"
            v=$(pg_version)
            [[ -n "$v" ]] || die "postgresql installed but no cluster under /etc/postgresql"
        fi
        need_root "PostgreSQL $v is not running on $PG_HOST:$PG_PORT" \
            "pg_ctlcluster $v main start"
        [[ "$did" == "installed" ]] && pg_trust_loopback "$v"
        pg_start_cluster "$v"
        [[ -z "$did" ]] && did="started"
    fi

    # A fresh install may have been started by its postinst before trust was configured:
    # make sure the trust lines are there and reload so they take effect.
    if [[ "$did" == "installed" ]]; then
        v=$(pg_version)
        pg_trust_loopback "$v"
        pg_ctlcluster --skip-systemctl-redirect "$v" main reload >/dev/null 2>&1 || true
        sleep 1
    fi

    if ! pg_psql -d postgres -tAc 'select 1' >/dev/null 2>&1; then
        die "PostgreSQL is up on $PG_HOST:$PG_PORT but 'psql -h $PG_HOST -U postgres' without a password fails; allow trust auth for 127.0.0.1 in pg_hba.conf"
    fi

    local db="database $PG_DB present"
    if [[ "$(pg_psql -d postgres -tAc "select 1 from pg_database where datname = '$PG_DB'")" != "1" ]]; then
        pg_psql -d postgres -c "CREATE DATABASE \"$PG_DB\"" >/dev/null ||
            die "could not create database $PG_DB"
        db="database $PG_DB created"
    fi
    say "postgres: $did ($PG_HOST:$PG_PORT, $db)"
}

# --------------------------------------------------------------------- Redis

redis_ready() { [[ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == "PONG" ]]; }

ensure_redis() {
    local did=""

    if ! have redis-server || ! have redis-cli; then
        apt_install redis-server # pulls in redis-tools (redis-cli)
        did="installed"
    fi
    have redis-server || die "redis-server still not on PATH after install"

    if redis_ready; then
        [[ -z "$did" ]] && did="running"
    else
        need_root "Redis is not running on $REDIS_HOST:$REDIS_PORT" \
            "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port $REDIS_PORT --save '' --appendonly no"
        mkdir -p /var/lib/redis /var/log/redis
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" \
            --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null ||
            die "redis-server failed to start (see /var/log/redis/ci.log)"
        wait_until "$WAIT_SECONDS" redis_ready ||
            die "Redis did not answer PING on $REDIS_HOST:$REDIS_PORT within ${WAIT_SECONDS}s (see /var/log/redis/ci.log)"
        did="${did:+$did, }started"
    fi
    say "redis: $did ($REDIS_HOST:$REDIS_PORT; $(command -v redis-server))"
}

# ------------------------------------------------------------ Redis Sentinel

# The failover test (cmd/pcnweb TestSentinelFailover) starts its own master, replica and three
# sentinels on free ports; all it needs is the binary. Debian's package starts a sentinel of its
# own (on 26379, watching 127.0.0.1:6379 with quorum 2, so it can never fail anything over); it
# is stopped again when this script installed it, so nothing is left running that the tests did
# not ask for.
ensure_redis_sentinel() {
    local did="present"
    if ! have redis-sentinel; then
        apt_install redis-sentinel
        did="installed"
        if [[ -x /etc/init.d/redis-sentinel ]]; then
            /etc/init.d/redis-sentinel stop >/dev/null 2>&1 || true
        fi
    fi
    have redis-sentinel || die "redis-sentinel still not on PATH after install"
    say "redis-sentinel: $did ($(command -v redis-sentinel))"
}

# ------------------------------------------------------------------ Chromium

ensure_chromium() {
    local did="present"
    if [[ ! -x "$CHROMIUM" ]]; then
        apt_install chromium
        did="installed"
    fi
    local ver
    ver=$("$CHROMIUM" --version 2>/dev/null) || die "$CHROMIUM --version failed"
    say "chromium: $did ($CHROMIUM: $ver)"
}

# --------------------------------------------------------------------- Caddy
# The Caddyfile targets Caddy 2.11 (docker-compose.yml: caddy:2.11), so build that release
# from its Go module; Debian's package is 2.6. About 2 minutes the first time; afterwards
# the installed binary's module version is read (go version -m) and nothing is built.

CADDY_MODULE=github.com/caddyserver/caddy/v2
CADDY_VERSION=v2.11.9

caddy_bin_dir() {
    local dir
    dir=$(go env GOBIN)
    [[ -n "$dir" ]] || dir="$(go env GOPATH | cut -d: -f1)/bin"
    printf '%s\n' "$dir"
}

caddy_version_of() { go version -m "$1" 2>/dev/null | awk '$1 == "mod" { print $3 }'; }

ensure_caddy() {
    have go || die "go is not on PATH: it is needed to build caddy $CADDY_VERSION"
    local bin did="present"
    bin="$(caddy_bin_dir)/caddy"
    if [[ "$(caddy_version_of "$bin")" != "$CADDY_VERSION" ]]; then
        local log
        log=$(mktemp /tmp/pcnweb-services-caddy.XXXXXX)
        say "caddy: building $CADDY_MODULE/cmd/caddy@$CADDY_VERSION (about 2 minutes)"
        GOBIN="$(caddy_bin_dir)" GOFLAGS= go install "$CADDY_MODULE/cmd/caddy@$CADDY_VERSION" >"$log" 2>&1 ||
            { tail -n 20 "$log" >&2; die "go install caddy@$CADDY_VERSION failed (log: $log)"; }
        rm -f "$log"
        [[ "$(caddy_version_of "$bin")" == "$CADDY_VERSION" ]] || die "$bin is not caddy $CADDY_VERSION after go install"
        did="installed"
    fi
    say "caddy: $did ($bin $CADDY_VERSION)"
}

ensure_postgres
ensure_redis
ensure_redis_sentinel
ensure_chromium
ensure_caddy
