#!/usr/bin/env bash
# deploy/bench/rewarm.sh — after a deploy that changes the render
# fingerprint, how long until every PCN's home page is rendered by the new
# release, and how many PostgreSQL connections that takes at its peak.
#
# What it does (everything on 127.0.0.1; everything it starts is stopped and
# removed on exit):
#   1. builds ./cmd/pcnweb twice, as the Docker image does, with
#      -X main.version=rewarm-a and rewarm-b: two releases whose render
#      fingerprints differ (the version is part of the build identity);
#   2. creates a fresh PostgreSQL database (dropped at the end) and runs
#      `pcnweb import ods ePCN.xlsx epraccur.csv` (every PCN in England);
#   3. starts release A with Redis as L2 (a private key prefix, deleted at
#      the end) and fetches every tenant's home page until each is a hit and
#      in Redis; stops it;
#   4. for each re-warm mode (the default bound on concurrent renders, and
#      PCNWEB_RENDER_CONCURRENCY=1000, in effect unbounded) starts the other
#      release on the same PostgreSQL and Redis — every cached home page is
#      now another fingerprint's — and sends rounds of GET / for every tenant
#      (Host: <slug>.localhost, gzip, REWARM_PARALLEL requests at once with
#      curl --parallel), back to back, until a round is all cache hits: the
#      time reported is to the end of the last round that was not, with
#      pg_stat_activity for the database polled every 50 ms meanwhile;
#   5. prints a Markdown table (the figures in BENCHMARKS.md come from here).
#
#   bash deploy/bench/rewarm.sh
#
# Needs: go, curl, jq, psql (PostgreSQL 127.0.0.1:5432 with trust),
# redis-cli and a Redis at REDIS_URL. Takes about a minute.
#
# Knobs (environment): SCALE_DATA_DIR / SCALE_EPCN / SCALE_EPRACCUR and
# SCALE_PG as for scale.sh; REDIS_URL (redis://127.0.0.1:6379/0);
# REWARM_PARALLEL (64); BENCH_PORT (18280), BENCH_INTERNAL_PORT (19290);
# BENCH_KEEP=1 keeps the temporary directory.
set -euo pipefail

DATA_DIR=${SCALE_DATA_DIR:-/work/shared/data/ods}
EPCN=${SCALE_EPCN:-$DATA_DIR/ePCN.xlsx}
EPRACCUR=${SCALE_EPRACCUR:-$DATA_DIR/epraccur.csv}
PG=${SCALE_PG:-postgres://postgres@127.0.0.1:5432}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
PARALLEL=${REWARM_PARALLEL:-64}
PORT=${BENCH_PORT:-18280}
# The server (and PostgreSQL, Redis) on one core, the load generator on the
# other, when taskset is there: BENCH_SERVER_CPUS / BENCH_LOAD_CPUS.
SERVER_CPUS=${BENCH_SERVER_CPUS:-0}
LOAD_CPUS=${BENCH_LOAD_CPUS:-1}
PIN_SERVER=() PIN_LOAD=()
if command -v taskset >/dev/null 2>&1 && (($(nproc) > 1)); then
    PIN_SERVER=(taskset -c "$SERVER_CPUS") PIN_LOAD=(taskset -c "$LOAD_CPUS")
fi
IPORT=${BENCH_INTERNAL_PORT:-19290}

PFX=rewarm

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# say, die and stop_pid (and the pinning and wrk helpers, unused here).
# shellcheck source=deploy/bench/lib.sh
. "$ROOT/deploy/bench/lib.sh"

for t in go curl jq psql redis-cli; do command -v "$t" >/dev/null 2>&1 || die "$t is not on PATH"; done
[[ -r "$EPCN" && -r "$EPRACCUR" ]] || die "cannot read $EPCN and $EPRACCUR (set SCALE_DATA_DIR or SCALE_EPCN / SCALE_EPRACCUR)"
psql "$PG/postgres" -Atqc 'SELECT 1' >/dev/null || die "cannot reach PostgreSQL at $PG (set SCALE_PG)"
redis-cli -u "$REDIS_URL" ping >/dev/null || die "cannot reach Redis at $REDIS_URL"
for p in "$PORT" "$IPORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
        die "127.0.0.1:$p is already in use (set BENCH_PORT / BENCH_INTERNAL_PORT)"
    fi
done

TMP=$(mktemp -d /tmp/pcnweb-rewarm.XXXXXX)
TAG=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
DB="pcnweb_rewarm_$TAG"
PREFIX="pcnwebrewarm:$TAG:"
DB_CREATED=""
PCNWEB_PID=""
POLL_PID=""

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_pid "$POLL_PID"
    stop_pid "$PCNWEB_PID"
    redis-cli -u "$REDIS_URL" --scan --pattern "${PREFIX}*" 2>/dev/null |
        xargs -r -n 500 redis-cli -u "$REDIS_URL" del >/dev/null 2>&1 || true
    if [[ -n "$DB_CREATED" ]]; then
        psql "$PG/postgres" -Atqc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 ||
            say "could not drop database $DB: drop it by hand"
    fi
    if [[ "${BENCH_KEEP:-}" == "1" ]]; then say "kept $TMP"; else rm -rf "$TMP"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export DATABASE_URL="$PG/$DB?sslmode=disable"
export REDIS_URL PCNWEB_REDIS_PREFIX="$PREFIX" PCNWEB_DATA_DIR="$TMP/data" LOG_LEVEL=warn

say "building ./cmd/pcnweb as releases rewarm-a and rewarm-b"
for r in a b; do
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=rewarm-$r" -o "$TMP/pcnweb-$r" ./cmd/pcnweb
done
psql "$PG/postgres" -Atqc "CREATE DATABASE $DB" >/dev/null
DB_CREATED=1
"$TMP/pcnweb-a" migrate >/dev/null 2>"$TMP/migrate.log" || { cat "$TMP/migrate.log" >&2; die "pcnweb migrate failed"; }
say "import ods"
"$TMP/pcnweb-a" import ods "$EPCN" "$EPRACCUR" >"$TMP/import.out" 2>"$TMP/import.log" ||
    { cat "$TMP/import.out" "$TMP/import.log" >&2; die "import failed"; }
"$TMP/pcnweb-a" tenant list --json | jq -r '.[] | select(.status == "active") | .slug + ".localhost"' >"$TMP/hosts.txt"
HOSTS=$(wc -l <"$TMP/hosts.txt")
((HOSTS > 0)) || die "no active tenants after the import"
say "$HOSTS active tenants"

# start REL [ENV=VALUE...]: release REL's pcnweb serve, waits for /readyz.
start() {
    local rel=$1 i code
    shift
    env PCNWEB_ADDR="127.0.0.1:$PORT" PCNWEB_INTERNAL_ADDR="127.0.0.1:$IPORT" "$@" \
        "${PIN_SERVER[@]}" "$TMP/pcnweb-$rel" serve >"$TMP/pcnweb.out" 2>"$TMP/pcnweb-$rel.log" &
    PCNWEB_PID=$!
    for ((i = 0; ; i++)); do
        kill -0 "$PCNWEB_PID" 2>/dev/null || { tail -n 20 "$TMP/pcnweb-$rel.log" >&2; die "pcnweb exited during startup"; }
        code=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$IPORT/readyz" 2>/dev/null || true)
        [[ "$code" == "200" ]] && break
        ((i < 300)) || die "pcnweb not ready within 30 s (last: $code)"
        sleep 0.1
    done
    FINGERPRINT=$("$TMP/pcnweb-$rel" version | awk '/^render fingerprint/ { print $3 }')
}
metric() { # NAME [LABEL]: summed value of a /metrics series
    curl -sS --max-time 5 "http://127.0.0.1:$IPORT/metrics" |
        awk -v m="$1" -v l="${2:-}" '($1 == m || index($1, m "{") == 1) && index($1, l) > 0 { s += $2 } END { printf "%.0f", s }'
}
# round: GET / of every host, PARALLEL at once; prints "code cache-status" lines.
sep=""
: >"$TMP/round.conf"
while read -r h; do
    printf '%s' "$sep" >>"$TMP/round.conf"
    sep=$'next\n'
    printf 'url = "http://127.0.0.1:%s/"\nheader = "Host: %s"\nheader = "Accept-Encoding: gzip"\noutput = "/dev/null"\nwrite-out = "%%{http_code} %%header{cache-status}\\n"\n' "$PORT" "$h" >>"$TMP/round.conf"
done <"$TMP/hosts.txt"
round() { "${PIN_LOAD[@]}" curl -sS --no-progress-meter --max-time 300 --parallel --parallel-immediate --parallel-max "$PARALLEL" -K "$TMP/round.conf" || true; }

say "release A: warming every home page into Redis"
start a
FP_A=$FINGERPRINT
round >/dev/null
round >"$TMP/warm.txt"
bad=$(grep -vc '^200 pcnweb; hit$' "$TMP/warm.txt" || true)
((bad == 0)) || { sort "$TMP/warm.txt" | uniq -c >&2; die "$bad home pages were not a hit after warming"; }
for ((i = 0; ; i++)); do
    n=$(redis-cli -u "$REDIS_URL" --scan --pattern "${PREFIX}page:*" | wc -l)
    ((n >= HOSTS)) && break
    ((i < 100)) || die "only $n of $HOSTS pages reached Redis"
    sleep 0.1
done
stop_pid "$PCNWEB_PID"

ROWS=()
LOADS=()
REL=b
# rewarm LABEL [ENV=VALUE...]: start the other release and re-warm.
rewarm() {
    local label=$1 t0 t1 rounds renders peak_hosts peak peak_active stale bad codes
    shift
    say "re-warm: $label (release $REL)"
    start "$REL" "$@"
    LOADS+=("$(cut -d' ' -f1-3 /proc/loadavg)")
    # One psql session polls (its own connection is left out of the count).
    for ((i = 0; i < 12000; i++)); do
        printf "SELECT count(*), count(*) FILTER (WHERE state = 'active'), count(*) FILTER (WHERE query LIKE '%%FROM \"domains\"%%' OR query LIKE '%%FROM \"tenants\"%%') FROM pg_stat_activity WHERE datname = '%s' AND pid <> pg_backend_pid();\nSELECT pg_sleep(0.05);\n" "$DB"
    done >"$TMP/poll.sql"
    psql "$DATABASE_URL" -Atq -f "$TMP/poll.sql" 2>/dev/null | grep --line-buffered "|" >"$TMP/pg-$REL.txt" &
    POLL_PID=$!
    : >"$TMP/rewarm-$REL.txt"
    # Traffic keeps coming while the new release renders: rounds back to
    # back until one is all hits. Done is the end of the last round that
    # still had a miss or a stand-in: a page whose copy in Redis is this
    # release's already (a write of the other release's lost in a Redis
    # blip) is fresh without a render.
    t0=$(date +%s%N)
    t1=$t0
    for ((rounds = 1; ; rounds++)); do
        round >"$TMP/round.txt"
        cat "$TMP/round.txt" >>"$TMP/rewarm-$REL.txt"
        grep -qv '^200 pcnweb; hit$' "$TMP/round.txt" || break
        t1=$(date +%s%N)
        ((rounds < 300)) || die "not re-warmed after 300 rounds"
    done
    rounds=$((rounds - 1)) # the last one, all hits, was the check
    renders=$(metric pcnweb_page_cache_total 'result="miss"')
    stop_pid "$POLL_PID"
    POLL_PID=""
    peak=$(awk -F'|' '$1 > m { m = $1 } END { print m + 0 }' "$TMP/pg-$REL.txt")
    peak_active=$(awk -F'|' '$2 > m { m = $2 } END { print m + 0 }' "$TMP/pg-$REL.txt")
    # Of the connections at the peak, how many last ran a host lookup
    # (tenants.Resolver: one query per host on a new replica).
    peak_hosts=$(awk -F'|' '$1 > m || ($1 == m && $3 > h) { m = $1; h = $3 } END { print h + 0 }' "$TMP/pg-$REL.txt")
    stale=$(grep -c 'detail=stale' "$TMP/rewarm-$REL.txt" || true)
    codes=$(awk '{ c[$1]++ } END { for (k in c) printf "%s%s×%d", (n++ ? ", " : ""), k, c[k] }' "$TMP/rewarm-$REL.txt")
    ROWS+=("| $label; release $REL, fingerprint ${FINGERPRINT:0:8}… | $(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f s", ns / 1e9 }') | $rounds | $renders | $(wc -l <"$TMP/rewarm-$REL.txt") ($codes) | $stale | $peak ($peak_hosts last ran a host lookup) | $peak_active | ${LOADS[-1]} |")
    stop_pid "$PCNWEB_PID"
    PCNWEB_PID=""
    # The next mode starts the other release again, so its cache is the
    # other fingerprint's too.
    [[ "$REL" == b ]] && REL=a || REL=b
}
rewarm "default bound ($(nproc) CPUs: 2 × GOMAXPROCS, at least 4)"
rewarm "PCNWEB_RENDER_CONCURRENCY=1000 (unbounded)" PCNWEB_RENDER_CONCURRENCY=1000

cat <<EOF

Machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo); PostgreSQL $(psql "$PG/postgres" -Atqc 'SHOW server_version' | cut -d' ' -f1), Redis $(redis-cli -u "$REDIS_URL" info server | awk -F: '/^redis_version/ { print $2 }' | tr -d '\r'), $(go version | cut -d' ' -f3).
$HOSTS home pages, cached in Redis by release A (fingerprint $FP_A); rounds of GET / for every tenant, $PARALLEL at once (curl --parallel), gzip.
pcnweb's database pool: 20 connections (models.Open). Peaks are of pg_stat_activity for the benchmark's database, polled every 50 ms.

| re-warm after a fingerprint change | time until every home page was this release's hit | rounds with a miss or stand-in | renders | requests (status × count) | answered with the previous release's copy (detail=stale) | peak PostgreSQL connections | peak active | load average at start (1/5/15 min) |
| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |
EOF
printf '%s\n' "${ROWS[@]}"
