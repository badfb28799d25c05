#!/usr/bin/env bash
# deploy/bench/load.sh — a cached page from pcnweb against nginx serving the
# very same bytes from disk, side by side on pinned cores (issue 14, target 1;
# docs/bench-method.md has the method).
#
# Builds ./cmd/pcnweb as the Docker image does and starts `pcnweb serve
# --demo` on an embedded SQLite database in a temporary PCNWEB_DATA_DIR (or
# on DATABASE_URL / REDIS_URL when they are set), in its default
# configuration: LOG_LEVEL info (the access log on, written to a file as a
# log collector would read it), metrics and analytics on. It fetches /about
# as pcnweb serves it — identity, gzip and, when pcnweb sends it, br — and
# has nginx serve those bytes from disk (one worker, sendfile,
# gzip_static, brotli_static, open_file_cache, no access log). Then:
#   1. pcnweb and its database and Redis, when used, run on core 0, nginx on
#      core 0, wrk on core 1 (taskset);
#   2. BENCH_ROUNDS rounds; in each, for each encoding (identity, gzip, br,
#      and the browser's "gzip, deflate, br"), pcnweb then nginx, the order
#      swapped every other round; every request carries a browser's
#      User-Agent, so pcnweb's analytics count it as a page view;
#   3. an uncached row (a render per request) when pcnweb has
#      PCNWEB_PAGE_CACHE=off; otherwise a note says why there is none;
#   4. with BENCH_PROFILE=1, a 10 s CPU profile of a gzip hit run;
#   5. with BENCH_CEILING=1, the same rounds for two servers that do nothing
#      but answer with those bytes from memory (deploy/bench/ceiling, its
#      own module): fasthttp configured as pcnweb configures it, and an
#      epoll event loop (gnet). They show how near nginx a Go server gets
#      on this machine before any of pcnweb's work, under each I/O model.
# It prints Markdown tables (per round, medians, ratio of medians) for
# BENCHMARKS.md and stops everything it started on exit, restoring the
# affinity of PostgreSQL and Redis.
#
#   bash deploy/bench/load.sh
#
# Knobs (environment): BENCH_DURATION (10s), BENCH_ROUNDS (3),
# BENCH_THREADS (1: wrk has one core), BENCH_CONNECTIONS (64), BENCH_WARMUP
# (3s), BENCH_LOG_LEVEL (unset: pcnweb's default, info; warn for comparison),
# BENCH_BROWSER=0 (no User-Agent: nothing counted), BENCH_PROFILE=1,
# BENCH_CEILING=1 (and BENCH_CEILING_PORT, 18082),
# BENCH_UNCACHED=0 (skip the uncached row; =force runs it even when
# cmd/pcnweb/config.go does not mention PCNWEB_PAGE_CACHE), BENCH_PORT (18080),
# BENCH_INTERNAL_PORT (19090), BENCH_NGINX_PORT (18081), BENCH_SERVER_CORE
# (0), BENCH_WRK_CORE (1), BENCH_KEEP=1 keeps the temporary directory.
# Only 127.0.0.1 is ever contacted. With DATABASE_URL set, the database must
# hold the demo tenants already or be empty (serve --demo seeds only an empty
# store). With REDIS_URL set, the run uses its own key prefix and deletes its
# keys on exit.
set -euo pipefail

PFX=bench
DURATION=${BENCH_DURATION:-10s}
THREADS=${BENCH_THREADS:-1}
CONNS=${BENCH_CONNECTIONS:-64}
WARMUP=${BENCH_WARMUP:-3s}
PORT=${BENCH_PORT:-18080}
IPORT=${BENCH_INTERNAL_PORT:-19090}
NPORT=${BENCH_NGINX_PORT:-18081}
CPORT=${BENCH_CEILING_PORT:-18082}
REQ_TARGET=1.0
P99_TARGET=1.5
HOST_HEADER=highfives.localhost
PAGE=/about
COMMAND_LINE="$( (env | grep -E '^(BENCH_|DATABASE_URL|REDIS_URL|PCNWEB_EVENT_LOOP)' || true) | sort | tr '\n' ' ')bash deploy/bench/load.sh"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# shellcheck source=deploy/bench/lib.sh
. "$ROOT/deploy/bench/lib.sh"

# ------------------------------------------------------------------ tools

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need+=(nginx)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v brotli >/dev/null 2>&1 || need+=(brotli)
command -v taskset >/dev/null 2>&1 || need+=(util-linux)
find_brotli_module || need+=(libnginx-mod-http-brotli-static)
if [[ -n "${DATABASE_URL:-}" ]]; then command -v psql >/dev/null 2>&1 || need+=(postgresql-client); fi
if [[ -n "${REDIS_URL:-}" ]]; then command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools); fi
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

for p in "$PORT" "$IPORT" "$NPORT" "$CPORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
        die "127.0.0.1:$p is already in use (set BENCH_PORT / BENCH_INTERNAL_PORT / BENCH_NGINX_PORT)"
    fi
done

# ------------------------------------------------------------------ cleanup

TMP=$(mktemp -d /tmp/pcnweb-bench.XXXXXX)
PCNWEB_PID=""
NGINX_PID=""
CEILING_PID=""
PROFILE_PID=""
PREFIX="pcnwebbench:$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n'):"

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_pid "$PROFILE_PID"
    stop_pid "$NGINX_PID"
    stop_pid "$CEILING_PID"
    stop_pid "$PCNWEB_PID"
    restore_pins
    if [[ -n "${REDIS_URL:-}" ]] && command -v redis-cli >/dev/null 2>&1; then
        redis-cli -u "$REDIS_URL" --scan --pattern "${PREFIX}*" 2>/dev/null |
            xargs -r -n 500 redis-cli -u "$REDIS_URL" del >/dev/null 2>&1 || true
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

# ------------------------------------------------------------------ pcnweb

say "building ./cmd/pcnweb"
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$TMP/pcnweb" ./cmd/pcnweb

# The shared services pcnweb uses go on the server's core for the run.
[[ -n "${DATABASE_URL:-}" ]] && pin_postgres "$DATABASE_URL"
[[ -n "${REDIS_URL:-}" ]] && pin_redis "$REDIS_URL"

URL="http://127.0.0.1:$PORT$PAGE"
fetch() { curl -sS --max-time 5 -H "Host: $HOST_HEADER" "$@"; }

# start_pcnweb [ENV=VALUE...]: serve --demo on core 0, with LOG_LEVEL left
# to pcnweb's default (info) unless BENCH_LOG_LEVEL says otherwise; stderr
# (the access log) appended to a file.
start_pcnweb() {
    local lvl=() i code
    [[ -n "${BENCH_LOG_LEVEL:-}" ]] && lvl=(LOG_LEVEL="$BENCH_LOG_LEVEL")
    taskset -c "$SERVER_CORE" env -u LOG_LEVEL PCNWEB_ADDR="127.0.0.1:$PORT" PCNWEB_INTERNAL_ADDR="127.0.0.1:$IPORT" \
        PCNWEB_DATA_DIR="$TMP/data" PCNWEB_REDIS_PREFIX="$PREFIX" "${lvl[@]}" "$@" \
        "$TMP/pcnweb" serve --demo >>"$TMP/pcnweb.out" 2>>"$TMP/pcnweb.log" &
    PCNWEB_PID=$!
    for ((i = 0; ; i++)); do
        kill -0 "$PCNWEB_PID" 2>/dev/null || { tail -n 20 "$TMP/pcnweb.log" >&2; die "pcnweb exited during startup"; }
        code=$(fetch -o /dev/null -w '%{http_code}' "$URL" 2>/dev/null || true)
        [[ "$code" == "200" ]] && break
        ((i < 600)) || { tail -n 20 "$TMP/pcnweb.log" >&2; die "pcnweb did not answer 200 on $URL within 60 s (last: $code)"; }
        sleep 0.1
    done
}

say "starting pcnweb serve --demo on 127.0.0.1:$PORT ($([[ -n "${DATABASE_URL:-}" ]] && echo postgres || echo sqlite), $([[ -n "${REDIS_URL:-}" ]] && echo "redis L2" || echo "no redis"), LOG_LEVEL ${BENCH_LOG_LEVEL:-default (info)})"
start_pcnweb
gomaxprocs "http://127.0.0.1:$IPORT"

# The bytes nginx will serve: exactly what pcnweb sends from its cache.
mkdir -p "$TMP/www"
fetch -D "$TMP/headers.txt" -o "$TMP/www/about" "$URL"
fetch -H "$(enc_header gzip)" -D "$TMP/headers-gz.txt" -o "$TMP/www/about.gz" "$URL"
grep -qi '^content-encoding: gzip' "$TMP/headers-gz.txt" || die "pcnweb did not send gzip for Accept-Encoding: gzip"
grep -qi '^cache-status: pcnweb; hit' "$TMP/headers.txt" || die "second request of $PAGE was not a cache hit"
gzip -t <"$TMP/www/about.gz" || die "the gzip body is not valid gzip"
cmp -s <(gzip -dc <"$TMP/www/about.gz") "$TMP/www/about" || die "gzip and identity bodies differ"
SIZE=$(stat -c %s "$TMP/www/about")
GZSIZE=$(stat -c %s "$TMP/www/about.gz")

NOTES=()
ENCS=(identity gzip)
BRSIZE=""
fetch -H "$(enc_header br)" -D "$TMP/headers-br.txt" -o "$TMP/about.br" "$URL"
BR_SENT=$(sed -e 's/\r$//' "$TMP/headers-br.txt" | awk -F': ' 'tolower($1) == "content-encoding" { print $2 }')
if [[ "$BR_SENT" == br ]]; then
    cmp -s <(brotli -dc <"$TMP/about.br") "$TMP/www/about" || die "the br body does not decode to the identity body"
    [[ -n "$NGINX_BROTLI_MODULE" ]] || die "pcnweb sends br but nginx's brotli_static module is not installed (apt-get install libnginx-mod-http-brotli-static)"
    mv "$TMP/about.br" "$TMP/www/about.br"
    BRSIZE=$(stat -c %s "$TMP/www/about.br")
    NGINX_LOAD_BROTLI=1
    ENCS+=(br)
else
    NOTES+=("pcnweb does not send br yet (Accept-Encoding: br got ${BR_SENT:-identity}): the br row is skipped, and nginx serves no .br file.")
fi
say "$PAGE: $SIZE bytes, $GZSIZE gzipped${BRSIZE:+, $BRSIZE brotli}"

# The browser's Accept-Encoding: whatever pcnweb picks, nginx must pick too.
fetch -H "$(enc_header browser)" -D "$TMP/headers-browser.txt" -o "$TMP/about.browser" "$URL"
BROWSER_SENT=$(sed -e 's/\r$//' "$TMP/headers-browser.txt" | awk -F': ' 'tolower($1) == "content-encoding" { print $2 }')

# ------------------------------------------------------------------ nginx

# pcnweb's headers that do not vary per request, so both send similar headers.
sed -e 's/\r$//' "$TMP/headers.txt" | tail -n +2 |
    grep -viE '^(date|content-length|content-type|content-encoding|etag|x-request-id|server|connection|transfer-encoding|last-modified|vary|cache-status|age):' |
    awk -F': ' 'NF >= 2 { name = $1; sub(/^[^:]*: /, ""); gsub(/"/, "\\\""); printf "            add_header %s \"%s\" always;\n", name, $0 }' \
        >"$TMP/nginx-headers.conf"

mkdir -p "$TMP/nginx"
{
    nginx_main_conf
    printf 'http {\n'
    nginx_http_conf
    cat <<EOF
    server {
        listen 127.0.0.1:$NPORT;
        root $TMP/www;
        location = $PAGE {
            default_type "text/html; charset=utf-8";
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
chmod 755 "$TMP" "$TMP/www"
chmod 644 "$TMP"/www/*

NURL="http://127.0.0.1:$NPORT$PAGE"
start_nginx "$NURL" "$HOST_HEADER"
cmp -s <(fetch "$NURL") "$TMP/www/about" || die "nginx does not serve the same identity bytes"
cmp -s <(fetch -H "$(enc_header gzip)" "$NURL") "$TMP/www/about.gz" || die "nginx does not serve the same gzip bytes"
if [[ -n "$BRSIZE" ]]; then
    cmp -s <(fetch -H "$(enc_header br)" "$NURL") "$TMP/www/about.br" || die "nginx does not serve the same br bytes"
fi
NGINX_BROWSER_SENT=$(fetch -H "$(enc_header browser)" -D - -o "$TMP/about.browser.nginx" "$NURL" | sed -e 's/\r$//' | awk -F': ' 'tolower($1) == "content-encoding" { print $2 }')
if [[ "$NGINX_BROWSER_SENT" == "$BROWSER_SENT" ]] && cmp -s "$TMP/about.browser" "$TMP/about.browser.nginx"; then
    ENCS+=(browser)
else
    NOTES+=("for Accept-Encoding: gzip, deflate, br pcnweb sent ${BROWSER_SENT:-identity} and nginx ${NGINX_BROWSER_SENT:-identity} (or other bytes): the browser row is skipped.")
fi

# ------------------------------------------------------------------ wrk

# counters: pcnweb's page-cache outcomes so far, as "HITS MISSES OTHER".
counters() {
    curl -sS --max-time 5 "http://127.0.0.1:$IPORT/metrics" 2>/dev/null | awk '
        /^pcnweb_page_cache_total\{/ {
            if ($1 ~ /result="hit"/) h += $2; else if ($1 ~ /result="miss"/) m += $2; else o += $2
        }
        END { printf "%d %d %d", h, m, o }'
}

# views: page views the analytics have written to the database so far.
views() {
    local q="SELECT coalesce(sum(n), 0) FROM analytics_daily WHERE kind = 'view'" db
    if [[ -n "${DATABASE_URL:-}" ]]; then
        psql "$DATABASE_URL" -Atqc "$q" 2>/dev/null || echo "?"
    elif command -v sqlite3 >/dev/null 2>&1 && db=$(find "$TMP/data" -maxdepth 2 -name '*.db' | head -n 1) && [[ -n "$db" ]]; then
        sqlite3 -readonly "$db" "$q" 2>/dev/null || echo "?"
    else
        echo "?"
    fi
}

# wrk_requests FILE...: the requests wrk completed, summed.
wrk_requests() { awk '/ requests in / { s += $1 } END { printf "%d", s }' "$@"; }

# run_target TARGET ENC OUT: one measured wrk run (lib.sh's rounds call it).
run_target() {
    local t=$1 enc=$2 out=$3 url=$URL hdrs=()
    [[ "$t" == nginx ]] && url=$NURL
    [[ "$t" == fasthttp || "$t" == eventloop ]] && url="http://127.0.0.1:$CPORT$PAGE"
    mapfile -t hdrs < <(wrk_headers "$enc")
    wrk_run "$out" -H "Host: $HOST_HEADER" "${hdrs[@]}" "$url"
    if [[ "$t" == pcnweb ]]; then log_account "$TMP/pcnweb.log"; fi
}

# Other work on the machine skews every number: record it.
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "warming up for $WARMUP per target"
for u in "$URL" "$NURL"; do
    mapfile -t hdrs < <(wrk_headers gzip)
    DURATION=$WARMUP wrk_run /dev/null -H "Host: $HOST_HEADER" "${hdrs[@]}" "$u"
done
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
kill -0 "$PCNWEB_PID" 2>/dev/null || die "pcnweb died during the run (see $TMP/pcnweb.log)"
# The analytics flush every 5 s.
sleep 6
VIEWS1=$(views)

if [[ "${BENCH_PROFILE:-}" == "1" ]]; then
    say "profiling: 10 s CPU profile during a 12 s gzip hit run (not in the tables)"
    mapfile -t hdrs < <(wrk_headers gzip)
    profile_fetch hit 10 "http://127.0.0.1:$IPORT"
    DURATION=12s wrk_run "$TMP/wrk-profile.txt" -H "Host: $HOST_HEADER" "${hdrs[@]}" "$URL"
    wait "$PROFILE_PID" || true
    PROFILE_PID=""
    log_account "$TMP/pcnweb.log"
fi

# The uncached row: a render per request. pagecache drops query parameters
# a route does not declare, so /about?nocache=<unique> is a hit like
# /about: only pcnweb's own switch makes every request a render.
UNCACHED_ROW=""
if [[ "${BENCH_UNCACHED:-auto}" == "0" ]]; then
    NOTES+=("BENCH_UNCACHED=0: no uncached row.")
elif [[ "${BENCH_UNCACHED:-auto}" == "force" ]] || grep -qw 'PCNWEB_PAGE_CACHE' cmd/pcnweb/config.go; then
    say "restarting pcnweb with PCNWEB_PAGE_CACHE=off (a render per request)"
    stop_pid "$PCNWEB_PID"
    start_pcnweb PCNWEB_PAGE_CACHE=off
    mapfile -t hdrs < <(wrk_headers gzip)
    DURATION=$WARMUP wrk_run /dev/null -H "Host: $HOST_HEADER" "${hdrs[@]}" "$URL"
    read -ra U0 <<<"$(counters)"
    wrk_run "$TMP/wrk-uncached.txt" -H "Host: $HOST_HEADER" "${hdrs[@]}" "$URL"
    read -ra U1 <<<"$(counters)"
    log_account "$TMP/pcnweb.log"
    read -r urps up50 up99 uerr <<<"$(wrk_figures "$TMP/wrk-uncached.txt")"
    ucounts="$((U1[0] - U0[0])) / $((U1[1] - U0[1])) / $((U1[2] - U0[2]))"
    ulabel="pcnweb, PCNWEB_PAGE_CACHE=off (a render per request)"
    ((U1[0] - U0[0] > 0)) && ulabel="pcnweb, PCNWEB_PAGE_CACHE=off (NOT uncached: see the note)"
    UNCACHED_ROW="| $ulabel | gzip | $urps | $(fmt_us "$up50") | $(fmt_us "$up99") | $ucounts | $uerr |"
    if ((U1[0] - U0[0] > 0)); then
        NOTES+=("PCNWEB_PAGE_CACHE=off did not turn the page cache off in this build ($((U1[0] - U0[0])) hits in the uncached run): that row is NOT a render per request.")
    fi
else
    NOTES+=("no uncached row: pagecache drops undeclared query parameters, so ?nocache=<unique> is a cache hit, and this build has no PCNWEB_PAGE_CACHE=off yet (the script uses it as soon as cmd/pcnweb/config.go reads it).")
fi
# The ceiling: the same rounds for servers that only answer with the bytes.
CEILINGS=()
if [[ "${BENCH_CEILING:-}" == "1" ]]; then
    say "building deploy/bench/ceiling (its own module)"
    (cd deploy/bench/ceiling && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$TMP/ceiling" .)
    mkdir -p "$TMP/ceiling-page"
    cp "$TMP/www/about" "$TMP/ceiling-page/page"
    cp "$TMP/www/about.gz" "$TMP/ceiling-page/page.gz"
    [[ -n "$BRSIZE" ]] && cp "$TMP/www/about.br" "$TMP/ceiling-page/page.br"
    cp "$TMP/headers.txt" "$TMP/ceiling-page/headers"
    for c in fasthttp eventloop; do
        taskset -c "$SERVER_CORE" "$TMP/ceiling" -mode "$c" -addr "127.0.0.1:$CPORT" -dir "$TMP/ceiling-page" 2>>"$TMP/ceiling.log" &
        CEILING_PID=$!
        for ((i = 0; ; i++)); do
            [[ "$(fetch -o /dev/null -w '%{http_code}' "http://127.0.0.1:$CPORT$PAGE" 2>/dev/null || true)" == 200 ]] && break
            ((i < 100)) || die "the $c ceiling server did not answer on 127.0.0.1:$CPORT"
            sleep 0.1
        done
        cmp -s <(fetch -H "$(enc_header gzip)" "http://127.0.0.1:$CPORT$PAGE") "$TMP/www/about.gz" || die "the $c ceiling server does not serve the same gzip bytes"
        mapfile -t hdrs < <(wrk_headers gzip)
        DURATION=$WARMUP wrk_run /dev/null -H "Host: $HOST_HEADER" "${hdrs[@]}" "http://127.0.0.1:$CPORT$PAGE"
        SUBJECT=$c RESULTS="$TMP/results-$c.tsv" run_rounds "${ENCS[@]}"
        stop_pid "$CEILING_PID"
        CEILING_PID=""
        CEILINGS+=("$c")
    done
fi

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
print_warnings "$TMP/pcnweb.log"

# ------------------------------------------------------------------ report

cat <<EOF

### Cached page, one core each (deploy/bench/load.sh)

\`\`\`
$COMMAND_LINE
\`\`\`

wrk -t$THREADS -c$CONNS -d$DURATION --latency -H 'Host: $HOST_HEADER' [headers of the row] on 127.0.0.1; page $PAGE: $SIZE bytes identity, $GZSIZE gzip${BRSIZE:+, $BRSIZE br}.
$(describe_requests)
Pinning: $(pinning_summary).
pcnweb: $([[ -n "${DATABASE_URL:-}" ]] && echo "PostgreSQL" || echo "embedded SQLite"), $([[ -n "${REDIS_URL:-}" ]] && echo "Redis L2" || echo "no Redis (L1 only)"), $(log_summary); metrics and analytics on.
$(nginx_summary); same bytes, pcnweb's static headers added.
$ROUNDS rounds, pcnweb and nginx alternating (pcnweb first in odd rounds, nginx first in even ones).
Load average (1/5/15 min) before: $LOAD_BEFORE; after: $LOAD_AFTER; nproc: $(nproc) ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)).
During the rounds pcnweb answered $PCNWEB_REQUESTS requests: page cache hit / miss / other $CACHE_COUNTS; it wrote $ROUND_LOG_LINES log lines ($((ROUND_LOG_BYTES / 1024)) KiB) and its analytics counted $(if [[ "$VIEWS0" =~ ^[0-9]+$ && "$VIEWS1" =~ ^[0-9]+$ ]]; then echo "$((VIEWS1 - VIEWS0))"; else echo "? (could not read analytics_daily)"; fi) page views. Warnings/errors logged: $LOG_WARNINGS.
EOF
print_rounds_tables "Cached $PAGE (L1 hit), pcnweb against nginx"
if [[ -n "$UNCACHED_ROW" ]]; then
    cat <<EOF

#### Uncached (one run)

| target | encoding | req/s | p50 | p99 | page cache hit / miss / other | errors |
| --- | --- | ---: | ---: | ---: | ---: | ---: |
$UNCACHED_ROW
EOF
fi
printf '\nL2 (Redis) hits: see deploy/bench/scale.sh — PCNWEB_CACHE_BYTES is at least 1 MiB, which holds %s, so one page cannot miss L1 on every request; scale.sh spreads requests over every tenant with a small L1.\n' "$PAGE"
for c in "${CEILINGS[@]}"; do
    case $c in
    fasthttp) what="fasthttp $(awk '$1 == "github.com/valyala/fasthttp" { print $2 }' deploy/bench/ceiling/go.mod) as pcnweb configures it (handlers/web.FiberConfig's buffers and timeouts), a handler that only sets the page's headers and body: a goroutine per connection" ;;
    eventloop) what="one epoll event loop (gnet $(awk '$1 == "github.com/panjf2000/gnet/v2" { print $2 }' deploy/bench/ceiling/go.mod)) writing a response built at start-up: nginx's I/O model" ;;
    esac
    printf '
### The ceiling: %s

The same bytes and headers from memory, nothing else on the path (deploy/bench/ceiling); same rounds and pinning.
' "$what"
    SUBJECT=$c RESULTS="$TMP/results-$c.tsv" print_rounds_tables "Ceiling ($c) against nginx"
done
for n in "${NOTES[@]}"; do printf -- '\nNote: %s\n' "$n"; done
if [[ "${BENCH_PROFILE:-}" == "1" ]]; then print_profile hit "10 s of a 12 s gzip L1-hit run after the rounds"; fi
