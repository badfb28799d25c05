#!/usr/bin/env bash
# deploy/bench/scale.sh — every PCN in England on one pcnweb: import, memory,
# and cached-page throughput spread over all tenants, against nginx.
#
# What it does, in order (everything on 127.0.0.1, everything it starts is
# stopped and removed on exit):
#   1. creates a fresh PostgreSQL database (dropped at the end) and builds
#      ./cmd/pcnweb as the Docker image does;
#   2. `pcnweb import ods ePCN.xlsx epraccur.csv` twice, timing both runs
#      (the first creates ~1,260 tenants and ~6,400 practices, the second
#      changes nothing);
#   3. starts `pcnweb serve` on that database with Redis as the L2 cache
#      (a private key prefix, deleted at the end) and fetches every tenant's
#      home page (Host: <slug>.localhost) identity and gzip until each is a
#      cache hit; reads the server's RSS (/proc/PID/status) and Go heap
#      (/metrics) with every home page cached, and a heap profile
#      (go tool pprof -top);
#   4. writes the very bytes pcnweb served into one directory per host and
#      starts nginx on another port with root <dir>/$host and gzip_static, so
#      nginx serves the same pages for the same Host headers;
#   5. runs wrk with deploy/bench/scale-hosts.lua (a different Host on every
#      request, round-robin over all tenants) against pcnweb and nginx, with
#      and without Accept-Encoding: gzip — same settings, same run;
#   6. restarts pcnweb with PCNWEB_CACHE_BYTES small enough that the home
#      pages do not all fit in the in-process cache, so Redis (L2) serves the
#      rest, and measures gzip throughput once more;
#   7. prints Markdown tables (the numbers in BENCHMARKS.md come from here).
#
#   bash deploy/bench/scale.sh
#
# Needs: go, curl, jq, psql (PostgreSQL 127.0.0.1:5432 reachable with trust
# as SCALE_PG_USER), a Redis at REDIS_URL, wrk and nginx (installed with
# apt-get when missing and run as root). Takes 2–3 minutes.
#
# Knobs (environment):
#   SCALE_EPCN, SCALE_EPRACCUR   the ODS files (default /work/shared/data/ods/
#                                ePCN.xlsx and epraccur.csv; SCALE_DATA_DIR
#                                changes the directory)
#   SCALE_PG                     server URL without a database
#                                (postgres://postgres@127.0.0.1:5432)
#   REDIS_URL                    (redis://127.0.0.1:6379/0)
#   SCALE_SMALL_CACHE_BYTES      L1 size for step 6 (4194304); 0 skips step 6
#   SCALE_PROFILE=1              also take a 5 s CPU profile of pcnweb during
#                                its gzip L1 run and during step 6
#   SCALE_NGINX_OPEN_FILE_CACHE=0  nginx without open_file_cache (opens and
#                                stats the file on every request)
#   BENCH_DURATION (15s), BENCH_THREADS (2), BENCH_CONNECTIONS (64),
#   BENCH_WARMUP (3s), BENCH_PORT (18180), BENCH_INTERNAL_PORT (19190),
#   BENCH_NGINX_PORT (18181), BENCH_KEEP=1 keeps the temporary directory.
set -euo pipefail

DATA_DIR=${SCALE_DATA_DIR:-/work/shared/data/ods}
EPCN=${SCALE_EPCN:-$DATA_DIR/ePCN.xlsx}
EPRACCUR=${SCALE_EPRACCUR:-$DATA_DIR/epraccur.csv}
PG=${SCALE_PG:-postgres://postgres@127.0.0.1:5432}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
SMALL_CACHE=${SCALE_SMALL_CACHE_BYTES:-4194304}
DURATION=${BENCH_DURATION:-15s}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-64}
WARMUP=${BENCH_WARMUP:-3s}
PORT=${BENCH_PORT:-18180}
IPORT=${BENCH_INTERNAL_PORT:-19190}
NPORT=${BENCH_NGINX_PORT:-18181}
GZ='Accept-Encoding: gzip'

say() { printf 'scale: %s\n' "$*" >&2; }
die() { printf 'scale: ERROR: %s\n' "$*" >&2; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
LUA="$ROOT/deploy/bench/scale-hosts.lua"

# ------------------------------------------------------------------ tools

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need+=(nginx)
for t in curl jq; do command -v "$t" >/dev/null 2>&1 || need+=("$t"); done
command -v psql >/dev/null 2>&1 || need+=(postgresql-client)
command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
if ((${#need[@]})); then
    [[ "$(id -u)" -eq 0 ]] || die "missing ${need[*]}: apt-get install -y ${need[*]} (as root)"
    say "installing ${need[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
command -v go >/dev/null 2>&1 || die "go is not on PATH"
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

stop_pid() { # PID: TERM, then KILL after 10 s
    local pid=$1 i
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_pid "$NGINX_PID"
    stop_pid "$PCNWEB_PID"
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
export REDIS_URL PCNWEB_REDIS_PREFIX="$PREFIX" PCNWEB_DATA_DIR="$TMP/data" LOG_LEVEL=warn

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

"$TMP/pcnweb" tenant list --json >"$TMP/tenants.json"
jq -r '.[] | select(.status == "active") | .slug + ".localhost"' "$TMP/tenants.json" >"$TMP/hosts.txt"
TENANTS=$(jq length "$TMP/tenants.json")
HOSTS=$(wc -l <"$TMP/hosts.txt")
PRACTICES=$(psql "$DATABASE_URL" -Atqc 'SELECT count(*) FROM practices')
say "$TENANTS tenants ($HOSTS active), $PRACTICES practices"
((HOSTS > 0)) || die "no active tenants after the import"

# ------------------------------------------------------------------ pcnweb

# start_pcnweb [ENV=VALUE...]: pcnweb serve on $PORT, waits for /readyz.
start_pcnweb() {
    env PCNWEB_ADDR="127.0.0.1:$PORT" PCNWEB_INTERNAL_ADDR="127.0.0.1:$IPORT" "$@" \
        "$TMP/pcnweb" serve >"$TMP/pcnweb.out" 2>>"$TMP/pcnweb.log" &
    PCNWEB_PID=$!
    local i code
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
# reused), saving bodies as www/<host>/OUTNAME and printing "code status" per
# host on stdout.
fetch_all() {
    local enc=$1 out=$2 h sep=""
    {
        for h in $(cat "$TMP/hosts.txt"); do
            printf '%s' "$sep"
            sep=$'next\n'
            printf 'url = "http://127.0.0.1:%s/"\nheader = "Host: %s"\n' "$PORT" "$h"
            [[ "$enc" == gzip ]] && printf 'header = "%s"\n' "$GZ"
            printf 'output = "%s/www/%s/%s"\ncreate-dirs\nwrite-out = "%%{http_code} %%header{cache-status}\\n"\n' "$TMP" "$h" "$out"
        done
    } >"$TMP/curl-$enc.conf"
    curl -sS --max-time 600 -K "$TMP/curl-$enc.conf"
}

say "starting pcnweb serve on 127.0.0.1:$PORT (PostgreSQL $DB, Redis L2 prefix $PREFIX)"
start_pcnweb
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
for enc in identity gzip; do
    bad=$(grep -vc '^200 pcnweb; hit$' "$TMP/hit-$enc.txt" || true)
    ((bad == 0)) || { sort "$TMP/hit-$enc.txt" | uniq -c >&2; die "$bad home pages were not a 200 cache hit ($enc)"; }
done
WARM_S=$(awk -v ns=$((W1 - W0)) 'BEGIN { printf "%.1f", ns / 1e9 }')
RSS_WARM=$(rss_kb)
HEAP_WARM=$(metric go_memstats_heap_inuse_bytes)
SYS_WARM=$(metric go_memstats_sys_bytes)
ID_BYTES=$(cat "$TMP"/www/*/index.html | wc -c)
GZ_BYTES=$(cat "$TMP"/www/*/index.html.gz | wc -c)
one=$(head -n 1 "$TMP/hosts.txt")
gzip -t "$TMP/www/$one/index.html.gz" || die "the gzip body of $one is not gzip"
cmp -s <(gzip -dc "$TMP/www/$one/index.html.gz") "$TMP/www/$one/index.html" || die "gzip and identity bodies of $one differ"
say "warmed in $WARM_S s; home pages $(mb "$ID_BYTES") identity, $(mb "$GZ_BYTES") gzip in total; RSS $((RSS_WARM / 1024)) MB"

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
OFC="open_file_cache max=10000 inactive=60s;"
[[ "${SCALE_NGINX_OPEN_FILE_CACHE:-1}" == "0" ]] && OFC="open_file_cache off;"
mkdir -p "$TMP/nginx"
cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    server_tokens off;
    $OFC
    client_body_temp_path $TMP/nginx/body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    server {
        listen 127.0.0.1:$NPORT;
        root $TMP/www/\$host;
        location = / {
            default_type "text/html; charset=utf-8";
            try_files /index.html =404;
            gzip_static on;
            gzip_vary on;
$(cat "$TMP/nginx-headers.conf")
        }
    }
}
EOF
# Workers run as www-data when started as root: let them read the pages.
chmod -R a+rX "$TMP/www"
chmod 755 "$TMP"

"$NGINX" -t -p "$TMP/nginx/" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" >/dev/null 2>&1 ||
    { "$NGINX" -t -p "$TMP/nginx/" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" >&2 || true; die "nginx config test failed"; }
"$NGINX" -p "$TMP/nginx/" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
NURL="http://127.0.0.1:$NPORT/"
for ((i = 0; ; i++)); do
    code=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -H "Host: $one" "$NURL" 2>/dev/null || true)
    [[ "$code" == "200" ]] && break
    ((i < 100)) || die "nginx did not answer 200 on $NURL within 10 s (last: $code)"
    sleep 0.1
done
last=$(tail -n 1 "$TMP/hosts.txt")
for h in "$one" "$last"; do
    cmp -s <(curl -sS -H "Host: $h" "$NURL") "$TMP/www/$h/index.html" || die "nginx does not serve $h's identity bytes"
    cmp -s <(curl -sS -H "Host: $h" -H "$GZ" "$NURL") "$TMP/www/$h/index.html.gz" || die "nginx does not serve $h's gzip bytes"
done

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

# redis_gets: GET commands the Redis server has run (all clients: a shared
# Redis adds a little of other work).
redis_gets() { redis-cli -u "$REDIS_URL" info commandstats | awk -F'[=,:]' '/^cmdstat_get:/ { print $3 }'; }
redis_flaps() { grep -c 'redis unreachable' "$TMP/pcnweb.log" || true; }

ROWS=()
# bench LABEL ENCODING URL [wrk args...]: one measured run, one table row.
bench() {
    local label=$1 enc=$2 url=$3 out cache="-" c0 c1 f0 flaps
    shift 3
    out="$TMP/wrk-$((${#ROWS[@]} + 1)).txt"
    say "wrk: $label ($enc) for $DURATION"
    read -ra c0 <<<"$(counters)"
    f0=$(redis_flaps)
    local prof=""
    if [[ "${SCALE_PROFILE:-}" == "1" && "$url" == "$URL" && "$enc" == gzip ]]; then
        # 5 s in the middle of the run.
        (sleep 3 && curl -sS --max-time 60 -o "$TMP/cpu-$PROFILE_NAME.pb.gz" "http://127.0.0.1:$IPORT/debug/pprof/profile?seconds=5") &
        prof=$!
    fi
    timeout 120 wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$LUA" "$@" "$url" -- "$TMP/hosts.txt" >"$out"
    [[ -z "$prof" ]] || wait "$prof" || true
    read -ra c1 <<<"$(counters)"
    flaps=$(($(redis_flaps) - f0))
    if [[ "$url" == "$URL" ]]; then
        cache="$((c1[0] - c0[0])) / $((c1[1] - c0[1])) / $((c1[2] - c0[2]))"
    fi
    ROWS+=("$(awk -v label="$label" -v enc="$enc" -v cache="$cache" -v flaps="$flaps" '
        /^ +50%/ { p50 = $2 }
        /^ +99%/ { p99 = $2 }
        /^Requests\/sec:/ { rps = $2 }
        /^Transfer\/sec:/ { tps = $2 }
        /Non-2xx or 3xx responses:/ { bad = $NF }
        /Socket errors:/ { sub(/^ *Socket errors: */, ""); serr = $0 }
        END {
            errs = (bad == "" ? "0" : bad " non-2xx")
            if (serr != "") errs = errs "; socket " serr
            if (flaps > 0) errs = errs "; redis marked down " flaps "x"
            printf "| %s | %s | %.0f | %s | %s | %s | %s | %s |", label, enc, rps, p50, p99, tps, cache, errs
        }' "$out")")
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
PROFILE_NAME=l1
say "warming up for $WARMUP per target"
wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s "$LUA" -H "$GZ" "$URL" -- "$TMP/hosts.txt" >/dev/null
wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s "$LUA" -H "$GZ" "$NURL" -- "$TMP/hosts.txt" >/dev/null

bench "pcnweb, all home pages in L1" identity "$URL"
bench "nginx, same bytes from disk" identity "$NURL"
bench "pcnweb, all home pages in L1" gzip "$URL" -H "$GZ"
bench "nginx, same bytes from disk" gzip "$NURL" -H "$GZ"
RSS_AFTER=$(rss_kb)
HEAP_AFTER=$(metric go_memstats_heap_inuse_bytes)
kill -0 "$PCNWEB_PID" 2>/dev/null || die "pcnweb died during the run (see $TMP/pcnweb.log)"

if [[ "$SMALL_CACHE" != "0" ]]; then
    say "restarting pcnweb with PCNWEB_CACHE_BYTES=$SMALL_CACHE (Redis L2 holds every page)"
    stop_pid "$PCNWEB_PID"
    start_pcnweb PCNWEB_CACHE_BYTES="$SMALL_CACHE"
    wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s "$LUA" -H "$GZ" "$URL" -- "$TMP/hosts.txt" >/dev/null
    GETS0=$(redis_gets)
    PROFILE_NAME=l2
    bench "pcnweb, L1 of $(mb "$SMALL_CACHE"), rest from Redis" gzip "$URL" -H "$GZ"
    L2_GETS=$(($(redis_gets) - GETS0))
    RSS_SMALL=$(rss_kb)
    kill -0 "$PCNWEB_PID" 2>/dev/null || die "pcnweb died during the small-cache run (see $TMP/pcnweb.log)"
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

WARNINGS=$(grep -c 'level=\(WARN\|ERROR\)' "$TMP/pcnweb.log" || true)
if ((WARNINGS > 0)); then
    say "pcnweb logged $WARNINGS warnings/errors, by message:"
    grep 'level=\(WARN\|ERROR\)' "$TMP/pcnweb.log" | grep -o 'msg="[^"]*"' | sort | uniq -c | sort -rn | head -n 5 >&2 || true
fi

# ------------------------------------------------------------------ report

cat <<EOF

Machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo) RAM; $(psql "$PG/postgres" -Atqc 'SHOW server_version' | cut -d' ' -f1) PostgreSQL, Redis $(redis-cli -u "$REDIS_URL" info server | awk -F: '/^redis_version/ { print $2 }' | tr -d '\r'), nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'), $(go version | cut -d' ' -f3).
Data: $(basename "$EPCN") + $(basename "$EPRACCUR") → $TENANTS tenants ($HOSTS active), $PRACTICES practices.

| import | wall | max RSS | the command printed |
| --- | ---: | ---: | --- |
EOF
printf '%s\n' "${IMPORT_ROWS[@]}"
cat <<EOF

| pcnweb serve (PostgreSQL + Redis L2) | RSS | Go heap in use |
| --- | ---: | ---: |
| started, nothing cached | $((RSS_IDLE / 1024)) MB | $(mb "$HEAP_IDLE") |
| all $HOSTS home pages cached (identity + gzip), warmed in $WARM_S s | $((RSS_WARM / 1024)) MB | $(mb "$HEAP_WARM") |
| same, right after a forced GC (the live heap) | - | $(mb "$HEAP_LIVE") |
| after the four wrk runs below | $((RSS_AFTER / 1024)) MB | $(mb "$HEAP_AFTER") |
${RSS_SMALL:+| after the small-L1 run (PCNWEB_CACHE_BYTES=$SMALL_CACHE) | $((RSS_SMALL / 1024)) MB | - |}

Home pages: $(mb "$ID_BYTES") identity, $(mb "$GZ_BYTES") gzip in total (about $((ID_BYTES / HOSTS)) and $((GZ_BYTES / HOSTS)) bytes each). Go runtime sys bytes when warm: $(mb "$SYS_WARM").

wrk -t$THREADS -c$CONNS -d$DURATION --latency -s deploy/bench/scale-hosts.lua [-H '$GZ'] URL -- hosts.txt
(GET / with Host: <slug>.localhost, round-robin over $HOSTS tenants, on 127.0.0.1; nginx worker_processes 2, $OFC)
Load average (1/5/15 min) before: $LOAD_BEFORE; after: $LOAD_AFTER. pcnweb warnings/errors logged: $WARNINGS.

| target | encoding | req/s | p50 | p99 | transfer/s | pcnweb hit / miss / other | errors |
| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |
EOF
printf '%s\n' "${ROWS[@]}"
if [[ -n "${L2_GETS:-}" ]]; then
    printf '\nRedis GETs during the small-L1 run: %s (L1 of %s against %s of cached home pages).\n' "$L2_GETS" "$(mb "$SMALL_CACHE")" "$(mb $((ID_BYTES + GZ_BYTES)))"
fi
for name in l1 l2; do
    [[ -s "$TMP/cpu-$name.pb.gz" ]] || continue
    printf '\nCPU profile of pcnweb, 5 s of the %s gzip run (go tool pprof -top -cum):\n\n```\n' "$([[ $name == l1 ]] && echo "all-in-L1" || echo "small-L1")"
    go tool pprof -top -cum -nodecount=40 "$TMP/cpu-$name.pb.gz" 2>/dev/null | sed -n '5,50p'
    printf '```\n'
done
printf '\nHeap profile with every home page cached (go tool pprof -top -sample_index=inuse_space):\n\n```\n'
sed -n '1,25p' "$TMP/heap.txt"
printf '```\n'
