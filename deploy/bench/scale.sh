#!/usr/bin/env bash
# deploy/bench/scale.sh — every PCN in England on one pcnweb: import, memory,
# and cached-page throughput spread over all tenants, against nginx, on
# pinned cores (issue 14, target 1's "all tenants" figure and target 5;
# docs/bench-method.md has the method).
#
# What it does, in order (everything on 127.0.0.1, everything it starts is
# stopped and removed on exit, and PostgreSQL's and Redis's CPU affinity is
# put back):
#   1. creates a fresh PostgreSQL database (dropped at the end) and builds
#      ./cmd/pcnweb as the Docker image does;
#   2. `pcnweb import ods ePCN.xlsx epraccur.csv` twice, timing both runs
#      (the first creates ~1,260 tenants and ~6,400 practices, the second
#      changes nothing); then launches every tenant (SCALE_LAUNCH=1, the
#      default: one UPDATE of launched_at, before pcnweb serves anything), so
#      each serves its full home page and the analytics count its views, as
#      for a live site;
#   3. pins PostgreSQL and Redis to core 0 (taskset), starts `pcnweb serve`
#      on core 0 on that database with Redis as the L2 cache (a private key
#      prefix, deleted at the end) in its default configuration (LOG_LEVEL
#      info, the access log to a file; metrics and analytics on), and fetches
#      every tenant's home page (Host: <slug>.localhost) identity, gzip and
#      br until each is a cache hit; reads the server's RSS (/proc/PID/status)
#      and Go heap (/metrics) with every home page cached, and a heap profile
#      (go tool pprof -top);
#   4. writes the very bytes pcnweb served into one directory per host and
#      starts nginx on core 0 (one worker, sendfile, gzip_static,
#      brotli_static when pcnweb sends br, open_file_cache, no access log)
#      with root <dir>/$host, so nginx serves the same pages for the same
#      Host headers;
#   5. runs wrk on core 1 with deploy/bench/scale-hosts.lua (a different Host
#      on every request, round-robin over all tenants; a browser's
#      User-Agent) against pcnweb and nginx: BENCH_ROUNDS rounds, in each,
#      for each encoding, pcnweb and nginx back to back, the order swapped
#      every other round;
#   6. restarts pcnweb with PCNWEB_CACHE_BYTES small (1 MiB, the least it
#      takes) so nearly every home page comes from Redis (L2), and measures
#      gzip and br throughput again, counting Redis GETs per request;
#   7. prints Markdown tables (the numbers in BENCHMARKS.md come from here).
#
#   bash deploy/bench/scale.sh
#
# Needs: go, curl, jq, psql (PostgreSQL 127.0.0.1:5432 reachable with trust
# as SCALE_PG_USER), a Redis at REDIS_URL, wrk, nginx, brotli and taskset
# (installed with apt-get when missing and run as root). Takes 8-10 minutes.
#
# Knobs (environment):
#   SCALE_EPCN, SCALE_EPRACCUR   the ODS files (default /work/shared/data/ods/
#                                ePCN.xlsx and epraccur.csv; SCALE_DATA_DIR
#                                changes the directory)
#   SCALE_PG                     server URL without a database
#                                (postgres://postgres@127.0.0.1:5432)
#   REDIS_URL                    (redis://127.0.0.1:6379/0)
#   SCALE_LAUNCH=0               leave the tenants unlaunched (holding pages,
#                                which the analytics do not count)
#   SCALE_SMALL_CACHE_BYTES      L1 size for step 6 (1048576); 0 skips step 6
#   SCALE_PROFILE=1 (or BENCH_PROFILE=1)  also take a 10 s CPU profile of
#                                pcnweb during an extra gzip L1 run and during
#                                step 6
#   SCALE_NGINX_OPEN_FILE_CACHE=0  nginx without open_file_cache (opens and
#                                stats the file on every request)
#   BENCH_DURATION (10s), BENCH_ROUNDS (3), BENCH_THREADS (1),
#   BENCH_CONNECTIONS (64), BENCH_WARMUP (3s), BENCH_LOG_LEVEL (unset:
#   pcnweb's default, info; warn for comparison), BENCH_BROWSER=0 (no
#   User-Agent: nothing counted), BENCH_PORT (18180), BENCH_INTERNAL_PORT
#   (19190), BENCH_NGINX_PORT (18181), BENCH_SERVER_CORE (0), BENCH_WRK_CORE
#   (1), BENCH_KEEP=1 keeps the temporary directory.
set -euo pipefail

PFX=scale
DATA_DIR=${SCALE_DATA_DIR:-/work/shared/data/ods}
EPCN=${SCALE_EPCN:-$DATA_DIR/ePCN.xlsx}
EPRACCUR=${SCALE_EPRACCUR:-$DATA_DIR/epraccur.csv}
PG=${SCALE_PG:-postgres://postgres@127.0.0.1:5432}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
SMALL_CACHE=${SCALE_SMALL_CACHE_BYTES:-1048576}
DURATION=${BENCH_DURATION:-10s}
THREADS=${BENCH_THREADS:-1}
CONNS=${BENCH_CONNECTIONS:-64}
WARMUP=${BENCH_WARMUP:-3s}
PORT=${BENCH_PORT:-18180}
IPORT=${BENCH_INTERNAL_PORT:-19190}
NPORT=${BENCH_NGINX_PORT:-18181}
REQ_TARGET=0.9
P99_TARGET=1.5
PROFILE=${SCALE_PROFILE:-${BENCH_PROFILE:-}}
COMMAND_LINE="$( (env | grep -E '^(BENCH_|SCALE_|REDIS_URL|PCNWEB_EVENT_LOOP)' || true) | sort | tr '\n' ' ')bash deploy/bench/scale.sh"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
LUA="$ROOT/deploy/bench/scale-hosts.lua"
# shellcheck source=deploy/bench/lib.sh
. "$ROOT/deploy/bench/lib.sh"

# ------------------------------------------------------------------ tools

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need+=(nginx)
for t in curl jq brotli; do command -v "$t" >/dev/null 2>&1 || need+=("$t"); done
command -v taskset >/dev/null 2>&1 || need+=(util-linux)
command -v psql >/dev/null 2>&1 || need+=(postgresql-client)
command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
find_brotli_module || need+=(libnginx-mod-http-brotli-static)
if ((${#need[@]})); then
    [[ "$(id -u)" -eq 0 ]] || die "missing ${need[*]}: apt-get install -y ${need[*]} (as root)"
    say "installing ${need[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends "${need[@]}" >/dev/null
    find_brotli_module || true
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
command -v go >/dev/null 2>&1 || die "go is not on PATH"
(($(nproc) >= 2)) || die "needs two cores (server on one, wrk on the other); nproc says $(nproc)"
[[ -r "$EPCN" && -r "$EPRACCUR" ]] || die "cannot read $EPCN and $EPRACCUR (set SCALE_DATA_DIR or SCALE_EPCN / SCALE_EPRACCUR)"
psql "$PG/postgres" -Atqc 'SELECT 1' >/dev/null || die "cannot reach PostgreSQL at $PG (set SCALE_PG)"
redis-cli -u "$REDIS_URL" ping >/dev/null || die "cannot reach Redis at $REDIS_URL"

for p in "$PORT" "$IPORT" "$NPORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
        die "127.0.0.1:$p is already in use (set BENCH_PORT / BENCH_INTERNAL_PORT / BENCH_NGINX_PORT)"
    fi
done

# ------------------------------------------------------------------ cleanup

TMP=$(mktemp -d /tmp/pcnweb-scale.XXXXXX)
TAG=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
DB="pcnweb_scale_$TAG"
PREFIX="pcnwebscale:$TAG:"
DB_CREATED=""
PCNWEB_PID=""
NGINX_PID=""
PROFILE_PID=""

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_pid "$PROFILE_PID"
    stop_pid "$NGINX_PID"
    stop_pid "$PCNWEB_PID"
    restore_pins
    redis-cli -u "$REDIS_URL" --scan --pattern "${PREFIX}*" 2>/dev/null |
        xargs -r -n 500 redis-cli -u "$REDIS_URL" del >/dev/null 2>&1 || true
    if [[ -n "$DB_CREATED" ]]; then
        psql "$PG/postgres" -Atqc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 ||
            say "could not drop database $DB: drop it by hand"
    fi
    if [[ "${BENCH_KEEP:-}" == "1" ]]; then
        say "kept $TMP"
    else
        rm -rf "$TMP"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export DATABASE_URL="$PG/$DB?sslmode=disable"
export REDIS_URL PCNWEB_REDIS_PREFIX="$PREFIX" PCNWEB_DATA_DIR="$TMP/data"
unset LOG_LEVEL

# ------------------------------------------------------------------ build

say "building ./cmd/pcnweb"
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$TMP/pcnweb" ./cmd/pcnweb
say "creating database $DB"
psql "$PG/postgres" -Atqc "CREATE DATABASE $DB" >/dev/null
DB_CREATED=1
# Migrate first, so the import times below are the import alone.
"$TMP/pcnweb" migrate >/dev/null 2>"$TMP/migrate.log" || { cat "$TMP/migrate.log" >&2; die "pcnweb migrate failed"; }

# ------------------------------------------------------------------ import

IMPORT_ROWS=()
# import_run LABEL: one timed `pcnweb import ods`, one table row.
import_run() {
    local label=$1 n=$((${#IMPORT_ROWS[@]} + 1)) t0 t1 printed rss
    say "import ods ($label)"
    t0=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$TMP/import-$n.time" \
        "$TMP/pcnweb" import ods "$EPCN" "$EPRACCUR" >"$TMP/import-$n.out" 2>"$TMP/import-$n.log" ||
        { cat "$TMP/import-$n.out" "$TMP/import-$n.log" >&2; die "import failed"; }
    t1=$(date +%s%N)
    printed=$(tr '\n' ' ' <"$TMP/import-$n.out" | sed 's/ *$//; s/|/\\|/g')
    rss=$(tail -n 1 "$TMP/import-$n.time")
    IMPORT_ROWS+=("| $label | $(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f s", ns / 1e9 }') | $((rss / 1024)) MB | $printed |")
}
import_run "first (empty database)"
import_run "second (nothing changed)"

LAUNCHED=0
if [[ "${SCALE_LAUNCH:-1}" != "0" ]]; then
    # Nothing is cached yet (a new database and Redis prefix), so setting
    # launched_at directly is what `pcnweb tenant launch` would leave,
    # without 1,260 processes (and without the audit rows).
    LAUNCHED=$(psql "$DATABASE_URL" -Atqc "WITH l AS (UPDATE tenants SET launched_at = now() WHERE launched_at IS NULL AND status = 'active' RETURNING 1) SELECT count(*) FROM l")
    say "launched $LAUNCHED tenants"
fi

"$TMP/pcnweb" tenant list --json >"$TMP/tenants.json"
jq -r '.[] | select(.status == "active") | .slug + ".localhost"' "$TMP/tenants.json" >"$TMP/hosts.txt"
TENANTS=$(jq length "$TMP/tenants.json")
HOSTS=$(wc -l <"$TMP/hosts.txt")
LAUNCHED_NOW=$(jq '[.[] | select(.status == "active" and .launched)] | length' "$TMP/tenants.json")
PRACTICES=$(psql "$DATABASE_URL" -Atqc 'SELECT count(*) FROM practices')
say "$TENANTS tenants ($HOSTS active, $LAUNCHED_NOW launched), $PRACTICES practices"
((HOSTS > 0)) || die "no active tenants after the import"

# ------------------------------------------------------------------ pcnweb

# The shared services go on the server's core for the rest of the run.
pin_postgres "$DATABASE_URL"
pin_redis "$REDIS_URL"

# start_pcnweb [ENV=VALUE...]: pcnweb serve on $PORT, on core 0, with
# LOG_LEVEL left to pcnweb's default (info) unless BENCH_LOG_LEVEL says
# otherwise; stderr (the access log) appended to a file. Waits for /readyz.
start_pcnweb() {
    local lvl=() i code
    [[ -n "${BENCH_LOG_LEVEL:-}" ]] && lvl=(LOG_LEVEL="$BENCH_LOG_LEVEL")
    taskset -c "$SERVER_CORE" env PCNWEB_ADDR="127.0.0.1:$PORT" PCNWEB_INTERNAL_ADDR="127.0.0.1:$IPORT" "${lvl[@]}" "$@" \
        "$TMP/pcnweb" serve >>"$TMP/pcnweb.out" 2>>"$TMP/pcnweb.log" &
    PCNWEB_PID=$!
    for ((i = 0; ; i++)); do
        kill -0 "$PCNWEB_PID" 2>/dev/null || { tail -n 20 "$TMP/pcnweb.log" >&2; die "pcnweb exited during startup"; }
        code=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$IPORT/readyz" 2>/dev/null || true)
        [[ "$code" == "200" ]] && break
        ((i < 300)) || { tail -n 20 "$TMP/pcnweb.log" >&2; die "pcnweb not ready within 30 s (last: $code)"; }
        sleep 0.1
    done
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$PCNWEB_PID/status"; }
metric() { # NAME: summed value of a /metrics series
    curl -sS --max-time 5 "http://127.0.0.1:$IPORT/metrics" | awk -v m="$1" '$1 == m || index($1, m "{") == 1 { s += $2 } END { printf "%.0f", s }'
}
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }

# fetch_all ENC OUTNAME: GET / of every host in one curl (one connection
# reused), saving bodies as www/<host>/OUTNAME and printing
# "code status|encoding" per host on stdout.
fetch_all() {
    local enc=$1 out=$2 h sep="" ae
    ae=$(enc_header "$enc")
    {
        while read -r h; do
            printf '%s' "$sep"
            sep=$'next\n'
            printf 'url = "http://127.0.0.1:%s/"\nheader = "Host: %s"\n' "$PORT" "$h"
            [[ -n "$ae" ]] && printf 'header = "%s"\n' "$ae"
            printf 'output = "%s/www/%s/%s"\ncreate-dirs\nwrite-out = "%%{http_code} %%header{cache-status}|%%header{content-encoding}\\n"\n' "$TMP" "$h" "$out"
        done <"$TMP/hosts.txt"
    } >"$TMP/curl-$enc.conf"
    curl -sS --max-time 600 -K "$TMP/curl-$enc.conf"
}

say "starting pcnweb serve on 127.0.0.1:$PORT (PostgreSQL $DB, Redis L2 prefix $PREFIX, LOG_LEVEL ${BENCH_LOG_LEVEL:-default (info)})"
start_pcnweb
gomaxprocs "http://127.0.0.1:$IPORT"
RSS_IDLE=$(rss_kb)
HEAP_IDLE=$(metric go_memstats_heap_inuse_bytes)

say "warming $HOSTS home pages (identity, then gzip)"
W0=$(date +%s%N)
fetch_all identity index.html >"$TMP/warm-identity.txt"
fetch_all gzip index.html.gz >"$TMP/warm-gzip.txt"
W1=$(date +%s%N)
# Second pass: every one must now be a hit, and these are the bytes nginx serves.
fetch_all identity index.html >"$TMP/hit-identity.txt"
fetch_all gzip index.html.gz >"$TMP/hit-gzip.txt"
fetch_all br index.html.br >"$TMP/hit-br.txt"
for enc in identity gzip; do
    bad=$(grep -vc "^200 pcnweb; hit|$([[ $enc == gzip ]] && echo gzip)\$" "$TMP/hit-$enc.txt" || true)
    ((bad == 0)) || { sort "$TMP/hit-$enc.txt" | uniq -c >&2; die "$bad home pages were not a 200 cache hit ($enc)"; }
done
NOTES=()
ENCS=(identity gzip)
one=$(head -n 1 "$TMP/hosts.txt")
BR_BYTES=""
if ! grep -vq '^200 pcnweb; hit|br$' "$TMP/hit-br.txt"; then
    cmp -s <(brotli -dc <"$TMP/www/$one/index.html.br") "$TMP/www/$one/index.html" || die "the br body of $one does not decode to its identity body"
    [[ -n "$NGINX_BROTLI_MODULE" ]] || die "pcnweb sends br but nginx's brotli_static module is not installed (apt-get install libnginx-mod-http-brotli-static)"
    NGINX_LOAD_BROTLI=1
    ENCS+=(br)
    BR_BYTES=$(cat "$TMP"/www/*/index.html.br | wc -c)
else
    NOTES+=("pcnweb does not send br (yet) for every home page (Accept-Encoding: br got: $(cut -d'|' -f2 "$TMP/hit-br.txt" | sort | uniq -c | awk '{ printf "%s%s %s", sep, $1, ($2 == "" ? "identity" : $2); sep = ", " }')): the br rows are skipped, and nginx serves no .br files.")
    rm -f "$TMP"/www/*/index.html.br
fi
WARM_S=$(awk -v ns=$((W1 - W0)) 'BEGIN { printf "%.1f", ns / 1e9 }')
RSS_WARM=$(rss_kb)
HEAP_WARM=$(metric go_memstats_heap_inuse_bytes)
SYS_WARM=$(metric go_memstats_sys_bytes)
ID_BYTES=$(cat "$TMP"/www/*/index.html | wc -c)
GZ_BYTES=$(cat "$TMP"/www/*/index.html.gz | wc -c)
gzip -t "$TMP/www/$one/index.html.gz" || die "the gzip body of $one is not gzip"
cmp -s <(gzip -dc "$TMP/www/$one/index.html.gz") "$TMP/www/$one/index.html" || die "gzip and identity bodies of $one differ"
say "warmed in $WARM_S s; home pages $(mb "$ID_BYTES") identity, $(mb "$GZ_BYTES") gzip${BR_BYTES:+, $(mb "$BR_BYTES") br} in total; RSS $((RSS_WARM / 1024)) MB"

# Where the heap goes, with every home page cached.
curl -sS --max-time 30 -o "$TMP/heap.pb.gz" "http://127.0.0.1:$IPORT/debug/pprof/heap?gc=1"
go tool pprof -top -nodecount=15 -sample_index=inuse_space "$TMP/heap.pb.gz" >"$TMP/heap.txt" 2>/dev/null || echo "(pprof failed)" >"$TMP/heap.txt"
# The profile's ?gc=1 has just collected: what is live, not the GC's headroom.
HEAP_LIVE=$(metric go_memstats_heap_inuse_bytes)

# ------------------------------------------------------------------ nginx

# pcnweb's headers that do not vary per request or per tenant, for nginx too.
curl -sS --max-time 5 -o /dev/null -D "$TMP/headers.txt" -H "Host: $one" "http://127.0.0.1:$PORT/"
sed -e 's/\r$//' "$TMP/headers.txt" | tail -n +2 |
    grep -viE '^(date|content-length|content-type|content-encoding|etag|x-request-id|server|connection|transfer-encoding|last-modified|vary|cache-status|age):' |
    awk -F': ' 'NF >= 2 { name = $1; sub(/^[^:]*: /, ""); gsub(/"/, "\\\""); printf "            add_header %s \"%s\" always;\n", name, $0 }' \
        >"$TMP/nginx-headers.conf"

# nginx keeps the open file descriptors of the pages (no open/stat/close per
# request) unless SCALE_NGINX_OPEN_FILE_CACHE=0.
[[ "${SCALE_NGINX_OPEN_FILE_CACHE:-1}" == "0" ]] && NGINX_OFC="open_file_cache off;"
mkdir -p "$TMP/nginx"
{
    nginx_main_conf
    printf 'http {\n'
    nginx_http_conf
    cat <<EOF
    server {
        listen 127.0.0.1:$NPORT;
        root $TMP/www/\$host;
        location = / {
            default_type "text/html; charset=utf-8";
            try_files /index.html =404;
            gzip_static on;
            gzip_vary on;
$([[ -n "${NGINX_LOAD_BROTLI:-}" ]] && echo "            brotli_static on;")
$(cat "$TMP/nginx-headers.conf")
        }
    }
}
EOF
} >"$TMP/nginx/nginx.conf"
# Workers run as www-data when started as root: let them read the pages.
chmod -R a+rX "$TMP/www"
chmod 755 "$TMP"

NURL="http://127.0.0.1:$NPORT/"
start_nginx "$NURL" "$one"
last=$(tail -n 1 "$TMP/hosts.txt")
for h in "$one" "$last"; do
    cmp -s <(curl -sS -H "Host: $h" "$NURL") "$TMP/www/$h/index.html" || die "nginx does not serve $h's identity bytes"
    cmp -s <(curl -sS -H "Host: $h" -H "$(enc_header gzip)" "$NURL") "$TMP/www/$h/index.html.gz" || die "nginx does not serve $h's gzip bytes"
    if [[ -n "$BR_BYTES" ]]; then
        cmp -s <(curl -sS -H "Host: $h" -H "$(enc_header br)" "$NURL") "$TMP/www/$h/index.html.br" || die "nginx does not serve $h's br bytes"
    fi
done
# The browser's Accept-Encoding: whatever pcnweb picks, nginx must pick too.
browser_pick() { curl -sS -o /dev/null -D - -H "Host: $one" -H "$(enc_header browser)" "$1" | sed -e 's/\r$//' | awk -F': ' 'tolower($1) == "content-encoding" { print $2 }'; }
P_PICK=$(browser_pick "http://127.0.0.1:$PORT/")
N_PICK=$(browser_pick "$NURL")
if [[ "$P_PICK" == "$N_PICK" ]]; then
    ENCS+=(browser)
else
    NOTES+=("for Accept-Encoding: gzip, deflate, br pcnweb sent ${P_PICK:-identity} and nginx ${N_PICK:-identity}: the browser row is skipped.")
fi

# ------------------------------------------------------------------ wrk

URL="http://127.0.0.1:$PORT/"
# counters: pcnweb's page-cache outcomes so far, as "HITS MISSES OTHER".
counters() {
    curl -sS --max-time 5 "http://127.0.0.1:$IPORT/metrics" 2>/dev/null | awk '
        /^pcnweb_page_cache_total\{/ {
            if ($1 ~ /result="hit"/) h += $2; else if ($1 ~ /result="miss"/) m += $2; else o += $2
        }
        END { printf "%d %d %d", h, m, o }'
}
views() { psql "$DATABASE_URL" -Atqc "SELECT coalesce(sum(n), 0) FROM analytics_daily WHERE kind = 'view'" 2>/dev/null || echo "?"; }
wrk_requests() { awk '/ requests in / { s += $1 } END { printf "%d", s }' "$@"; }

# redis_gets: GET commands the Redis server has run (all clients: a shared
# Redis adds a little of other work).
redis_gets() { redis-cli -u "$REDIS_URL" info commandstats | awk -F'[=,:]' '/^cmdstat_get:/ { print $3 }'; }

# scale_wrk OUT ENC URL: one wrk run over every host.
scale_wrk() {
    local out=$1 enc=$2 url=$3 hdrs=()
    mapfile -t hdrs < <(wrk_headers "$enc")
    wrk_run "$out" -s "$LUA" "${hdrs[@]}" "$url" -- "$TMP/hosts.txt"
}

# run_target TARGET ENC OUT: one measured run (lib.sh's rounds call it).
run_target() {
    local t=$1 enc=$2 out=$3 url=$URL
    [[ "$t" == nginx ]] && url=$NURL
    scale_wrk "$out" "$enc" "$url"
    if [[ "$t" == pcnweb ]]; then log_account "$TMP/pcnweb.log"; fi
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "warming up for $WARMUP per target"
DURATION=$WARMUP scale_wrk /dev/null gzip "$URL"
DURATION=$WARMUP scale_wrk /dev/null gzip "$NURL"
sleep 6 # the analytics flush the warm-up's views every 5 s: not in the count
log_account "$TMP/pcnweb.log"
LOG_LINES=0 LOG_BYTES=0
VIEWS0=$(views)
read -ra C0 <<<"$(counters)"

run_rounds "${ENCS[@]}"

read -ra C1 <<<"$(counters)"
CACHE_COUNTS="$((C1[0] - C0[0])) / $((C1[1] - C0[1])) / $((C1[2] - C0[2]))"
PCNWEB_REQUESTS=$(wrk_requests "$TMP"/wrk-r*-pcnweb.txt)
ROUND_LOG_LINES=$LOG_LINES ROUND_LOG_BYTES=$LOG_BYTES
RSS_AFTER=$(rss_kb)
HEAP_AFTER=$(metric go_memstats_heap_inuse_bytes)
kill -0 "$PCNWEB_PID" 2>/dev/null || die "pcnweb died during the run (see $TMP/pcnweb.log)"
sleep 6 # the analytics flush every 5 s
VIEWS1=$(views)

if [[ "$PROFILE" == "1" ]]; then
    say "profiling: 10 s CPU profile during a 12 s gzip run, all in L1 (not in the tables)"
    profile_fetch l1 10 "http://127.0.0.1:$IPORT"
    DURATION=12s scale_wrk "$TMP/wrk-profile-l1.txt" gzip "$URL"
    wait "$PROFILE_PID" || true
    PROFILE_PID=""
    log_account "$TMP/pcnweb.log"
fi

L2_ROWS=()
if [[ "$SMALL_CACHE" != "0" ]]; then
    say "restarting pcnweb with PCNWEB_CACHE_BYTES=$SMALL_CACHE (Redis L2 holds every page)"
    stop_pid "$PCNWEB_PID"
    start_pcnweb PCNWEB_CACHE_BYTES="$SMALL_CACHE"
    DURATION=$WARMUP scale_wrk /dev/null gzip "$URL"
    L2_ENCS=(gzip)
    [[ -n "$BR_BYTES" ]] && L2_ENCS+=(br)
    for ((r = 1; r <= ROUNDS; r++)); do
        for enc in "${L2_ENCS[@]}"; do
            say "L2 round $r/$ROUNDS: pcnweb, $enc, $DURATION"
            GETS0=$(redis_gets)
            read -ra L0 <<<"$(counters)"
            scale_wrk "$TMP/wrk-l2-r$r-$enc.txt" "$enc" "$URL"
            read -ra L1 <<<"$(counters)"
            gets=$(($(redis_gets) - GETS0))
            log_account "$TMP/pcnweb.log"
            read -r lrps lp50 lp99 lerr <<<"$(wrk_figures "$TMP/wrk-l2-r$r-$enc.txt")"
            lreq=$(wrk_requests "$TMP/wrk-l2-r$r-$enc.txt")
            lcounts="$((L1[0] - L0[0])) / $((L1[1] - L0[1])) / $((L1[2] - L0[2]))"
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$enc" "$lrps" "$lp50" "$lp99" "$lerr" "$gets" >>"$TMP/l2.tsv"
            L2_ROWS+=("| $r | $enc | $lrps | $(fmt_us "$lp50") | $(fmt_us "$lp99") | $(awk -v g="$gets" -v n="$lreq" 'BEGIN { printf "%.2f", (n > 0 ? g / n : 0) }') | $lcounts | $lerr |")
        done
    done
    if [[ "$PROFILE" == "1" ]]; then
        say "profiling: 10 s CPU profile during a 12 s gzip run from L2"
        profile_fetch l2 10 "http://127.0.0.1:$IPORT"
        DURATION=12s scale_wrk "$TMP/wrk-profile-l2.txt" gzip "$URL"
        wait "$PROFILE_PID" || true
        PROFILE_PID=""
        log_account "$TMP/pcnweb.log"
    fi
    RSS_SMALL=$(rss_kb)
    kill -0 "$PCNWEB_PID" 2>/dev/null || die "pcnweb died during the small-cache run (see $TMP/pcnweb.log)"
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
print_warnings "$TMP/pcnweb.log"

# ------------------------------------------------------------------ report

cat <<EOF

### Every PCN in England on one pcnweb (deploy/bench/scale.sh)

\`\`\`
$COMMAND_LINE
\`\`\`

Machine: $(nproc) cores (nproc), $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo) RAM; $(psql "$PG/postgres" -Atqc 'SHOW server_version' | cut -d' ' -f1) PostgreSQL, Redis $(redis-cli -u "$REDIS_URL" info server | awk -F: '/^redis_version/ { print $2 }' | tr -d '\r'), nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'), $(go version | cut -d' ' -f3).
Data: $(basename "$EPCN") + $(basename "$EPRACCUR") → $TENANTS tenants ($HOSTS active, $LAUNCHED_NOW launched$([[ "$LAUNCHED" != 0 ]] && echo ", $LAUNCHED of them by this script")$( ((LAUNCHED_NOW < HOSTS)) && echo "; the others serve their holding page, which the analytics do not count")), $PRACTICES practices.

| import | wall | max RSS | the command printed |
| --- | ---: | ---: | --- |
EOF
printf '%s\n' "${IMPORT_ROWS[@]}"
cat <<EOF

| pcnweb serve (PostgreSQL + Redis L2) | RSS | Go heap in use |
| --- | ---: | ---: |
| started, nothing cached | $((RSS_IDLE / 1024)) MB | $(mb "$HEAP_IDLE") |
| all $HOSTS home pages cached, warmed (identity + gzip) in $WARM_S s | $((RSS_WARM / 1024)) MB | $(mb "$HEAP_WARM") |
| same, right after a forced GC (the live heap) | - | $(mb "$HEAP_LIVE") |
| after the rounds below | $((RSS_AFTER / 1024)) MB | $(mb "$HEAP_AFTER") |
${RSS_SMALL:+| after the small-L1 runs (PCNWEB_CACHE_BYTES=$SMALL_CACHE) | $((RSS_SMALL / 1024)) MB | - |}

Home pages: $(mb "$ID_BYTES") identity, $(mb "$GZ_BYTES") gzip${BR_BYTES:+, $(mb "$BR_BYTES") br} in total (about $((ID_BYTES / HOSTS)) and $((GZ_BYTES / HOSTS)) bytes each). Go runtime sys bytes when warm: $(mb "$SYS_WARM").

wrk -t$THREADS -c$CONNS -d$DURATION --latency -s deploy/bench/scale-hosts.lua [headers of the row] URL -- hosts.txt
(GET / with Host: <slug>.localhost, round-robin over $HOSTS tenants, on 127.0.0.1.)
$(describe_requests)
Pinning: $(pinning_summary).
pcnweb: PostgreSQL + Redis L2, $(log_summary); metrics and analytics on.
$(nginx_summary); same bytes, pcnweb's static headers added.
$ROUNDS rounds, pcnweb and nginx alternating (pcnweb first in odd rounds, nginx first in even ones).
Load average (1/5/15 min) before: $LOAD_BEFORE; after: $LOAD_AFTER.
During the rounds pcnweb answered $PCNWEB_REQUESTS requests: page cache hit / miss / other $CACHE_COUNTS; it wrote $ROUND_LOG_LINES log lines ($((ROUND_LOG_BYTES / 1024)) KiB) and its analytics counted $(if [[ "$VIEWS0" =~ ^[0-9]+$ && "$VIEWS1" =~ ^[0-9]+$ ]]; then echo "$((VIEWS1 - VIEWS0))"; else echo "? (could not read analytics_daily)"; fi) page views. Warnings/errors logged (whole run): $LOG_WARNINGS.
EOF
print_rounds_tables "All $HOSTS home pages in L1, Host rotated over every tenant, pcnweb against nginx"
if ((${#L2_ROWS[@]})); then
    cat <<EOF

#### L2 (Redis) hits: PCNWEB_CACHE_BYTES=$SMALL_CACHE ($(mb "$SMALL_CACHE")) against $(mb $((ID_BYTES + GZ_BYTES + ${BR_BYTES:-0}))) of home pages, Host rotated over every tenant

Redis GETs per request near 1 means nearly every request was an L2 hit (L1 misses, then Redis); GETs are the Redis server's count, so other clients of a shared Redis add a little.

| round | encoding | req/s | p50 | p99 | Redis GETs per request | page cache hit / miss / other | errors |
| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |
EOF
    printf '%s\n' "${L2_ROWS[@]}"
    printf '\n| encoding | median req/s (L2) | nginx median req/s (above) | ratio |\n| --- | ---: | ---: | ---: |\n'
    for enc in "${L2_ENCS[@]}"; do
        l2med=$(awk -F'\t' -v e="$enc" '$1 == e { v[++n] = $2 } END { for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j-1] > v[j]; j--) { t = v[j]; v[j] = v[j-1]; v[j-1] = t } printf "%.0f", (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }' "$TMP/l2.tsv")
        nmed=$(awk -F'\t' -v e="$enc" '$2 == e && $3 == "nginx" { v[++n] = $4 } END { for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j-1] > v[j]; j--) { t = v[j]; v[j] = v[j-1]; v[j-1] = t } printf "%.0f", (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }' "$TMP/results.tsv")
        printf '| %s | %s | %s | %s |\n' "$enc" "$l2med" "$nmed" "$(awk -v a="$l2med" -v b="$nmed" 'BEGIN { printf "%.2f×", (b > 0 ? a / b : 0) }')"
    done
fi
for n in "${NOTES[@]}"; do printf -- '\nNote: %s\n' "$n"; done
if [[ "$PROFILE" == "1" ]]; then
    print_profile l1 "10 s of a 12 s gzip run, all home pages in L1"
    if [[ "$SMALL_CACHE" != "0" ]]; then
        print_profile l2 "10 s of a 12 s gzip run from L2 (PCNWEB_CACHE_BYTES=$SMALL_CACHE)"
        if [[ -s "$TMP/cpu-l2.pb.gz" ]]; then
            # Target 5: an L2 hit for a gzip client should inflate nothing.
            inflate=$(go tool pprof -top -cum -nodecount=1000 "$TMP/cpu-l2.pb.gz" 2>/dev/null |
                grep -E 'compress/flate\.\(\*decompressor\)|compress/gzip\.\(\*Reader\)|brotli\.\(\*Reader\)' | head -n 5 || true)
            if [[ -n "$inflate" ]]; then
                printf '\nDecompression in the L2 gzip profile (flat, flat%%, sum%%, cum, cum%%):\n\n'
                printf '%s\n' '```' "$inflate" '```'
            else
                printf '\nNo decompression (compress/flate, compress/gzip or brotli readers) in the L2 gzip profile.\n'
            fi
        fi
    fi
fi
printf '\nHeap profile with every home page cached (go tool pprof -top -sample_index=inuse_space):\n\n```\n'
sed -n '1,25p' "$TMP/heap.txt"
printf '```\n'
