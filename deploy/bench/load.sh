#!/usr/bin/env bash
# deploy/bench/load.sh — bounded HTTP load test of the public site over loopback.
#
# Builds ./cmd/pcnweb as the Docker image does, starts `pcnweb serve --demo` on
# an embedded SQLite database in a temporary PCNWEB_DATA_DIR (or on
# DATABASE_URL / REDIS_URL when they are set), warms the page cache, then runs
# wrk against:
#   1. a cached page, /about, without and with Accept-Encoding: gzip;
#   2. a cache miss on every request: /about?nocache=<unique> (wrk Lua script);
#   3. nginx serving the very same bytes from disk (the identity body and the
#      gzip body pcnweb sent, with gzip_static), with pcnweb's static headers.
# It prints a Markdown table and stops everything it started on exit.
#
#   bash deploy/bench/load.sh
#
# Knobs (environment): BENCH_DURATION (10s), BENCH_THREADS (2),
# BENCH_CONNECTIONS (64), BENCH_WARMUP (3s), BENCH_PORT (18080),
# BENCH_INTERNAL_PORT (19090), BENCH_NGINX_PORT (18081), BENCH_KEEP=1 keeps
# the temporary directory (logs, fetched pages, nginx config).
# Only 127.0.0.1 is ever contacted. With DATABASE_URL set, the database must
# hold the demo tenants already or be empty (serve --demo seeds only an empty
# store). With REDIS_URL set, the run uses its own key prefix and deletes its
# keys on exit.
set -euo pipefail

DURATION=${BENCH_DURATION:-10s}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-64}
WARMUP=${BENCH_WARMUP:-3s}
PORT=${BENCH_PORT:-18080}
IPORT=${BENCH_INTERNAL_PORT:-19090}
NPORT=${BENCH_NGINX_PORT:-18081}
HOST_HEADER=highfives.localhost
PAGE=/about
GZ='Accept-Encoding: gzip'

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

# ------------------------------------------------------------------ tools

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need+=(nginx)
command -v curl >/dev/null 2>&1 || need+=(curl)
if ((${#need[@]})); then
    [[ "$(id -u)" -eq 0 ]] || die "missing ${need[*]}: apt-get install -y ${need[*]} (as root)"
    say "installing ${need[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
command -v go >/dev/null 2>&1 || die "go is not on PATH"

for p in "$PORT" "$IPORT" "$NPORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
        die "127.0.0.1:$p is already in use (set BENCH_PORT / BENCH_INTERNAL_PORT / BENCH_NGINX_PORT)"
    fi
done

# ------------------------------------------------------------------ cleanup

TMP=$(mktemp -d /tmp/pcnweb-bench.XXXXXX)
PCNWEB_PID=""
NGINX_PID=""
PREFIX="pcnwebbench:$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n'):"

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

say "starting pcnweb serve --demo on 127.0.0.1:$PORT ($([[ -n "${DATABASE_URL:-}" ]] && echo postgres || echo sqlite), $([[ -n "${REDIS_URL:-}" ]] && echo "redis L2" || echo "no redis"))"
env PCNWEB_ADDR="127.0.0.1:$PORT" PCNWEB_INTERNAL_ADDR="127.0.0.1:$IPORT" \
    PCNWEB_DATA_DIR="$TMP/data" PCNWEB_REDIS_PREFIX="$PREFIX" LOG_LEVEL=warn \
    "$TMP/pcnweb" serve --demo >"$TMP/pcnweb.out" 2>"$TMP/pcnweb.log" &
PCNWEB_PID=$!

URL="http://127.0.0.1:$PORT$PAGE"
fetch() { curl -sS --max-time 5 -H "Host: $HOST_HEADER" "$@"; }

for ((i = 0; ; i++)); do
    kill -0 "$PCNWEB_PID" 2>/dev/null || { tail -n 20 "$TMP/pcnweb.log" >&2; die "pcnweb exited during startup"; }
    code=$(fetch -o /dev/null -w '%{http_code}' "$URL" 2>/dev/null || true)
    [[ "$code" == "200" ]] && break
    ((i < 300)) || { tail -n 20 "$TMP/pcnweb.log" >&2; die "pcnweb did not answer 200 on $URL within 30 s (last: $code)"; }
    sleep 0.1
done

# The bytes nginx will serve: exactly what pcnweb sends from its cache.
mkdir -p "$TMP/www"
fetch -D "$TMP/headers.txt" -o "$TMP/www/about" "$URL"
fetch -H "$GZ" -D "$TMP/headers-gz.txt" -o "$TMP/www/about.gz" "$URL"
grep -qi '^content-encoding: gzip' "$TMP/headers-gz.txt" || die "pcnweb did not send gzip for Accept-Encoding: gzip"
grep -qi '^cache-status: pcnweb; hit' "$TMP/headers.txt" || die "second request of $PAGE was not a cache hit"
gzip -t <"$TMP/www/about.gz" || die "the gzip body is not valid gzip"
cmp -s <(gzip -dc <"$TMP/www/about.gz") "$TMP/www/about" || die "gzip and identity bodies differ"
SIZE=$(stat -c %s "$TMP/www/about")
GZSIZE=$(stat -c %s "$TMP/www/about.gz")
say "$PAGE: $SIZE bytes, $GZSIZE gzipped"

# ------------------------------------------------------------------ nginx

# pcnweb's headers that do not vary per request, so both send similar headers.
sed -e 's/\r$//' "$TMP/headers.txt" | tail -n +2 |
    grep -viE '^(date|content-length|content-type|content-encoding|etag|x-request-id|server|connection|transfer-encoding|last-modified|vary|cache-status):' |
    awk -F': ' 'NF >= 2 { name = $1; sub(/^[^:]*: /, ""); gsub(/"/, "\\\""); printf "            add_header %s \"%s\" always;\n", name, $0 }' \
        >"$TMP/nginx-headers.conf"

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
    client_body_temp_path $TMP/nginx/body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    server {
        listen 127.0.0.1:$NPORT;
        root $TMP/www;
        location = $PAGE {
            default_type "text/html; charset=utf-8";
            gzip_static on;
            gzip_vary on;
$(cat "$TMP/nginx-headers.conf")
        }
    }
}
EOF
# Workers run as www-data when started as root: let them read the pages.
chmod 755 "$TMP" "$TMP/www"
chmod 644 "$TMP/www/about" "$TMP/www/about.gz"

"$NGINX" -t -p "$TMP/nginx/" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" >/dev/null 2>&1 ||
    { "$NGINX" -t -p "$TMP/nginx/" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" >&2 || true; die "nginx config test failed"; }
"$NGINX" -p "$TMP/nginx/" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
NURL="http://127.0.0.1:$NPORT$PAGE"
for ((i = 0; ; i++)); do
    code=$(fetch -o /dev/null -w '%{http_code}' "$NURL" 2>/dev/null || true)
    [[ "$code" == "200" ]] && break
    ((i < 100)) || die "nginx did not answer 200 on $NURL within 10 s (last: $code)"
    sleep 0.1
done
cmp -s <(fetch "$NURL") "$TMP/www/about" || die "nginx does not serve the same identity bytes"
cmp -s <(fetch -H "$GZ" "$NURL") "$TMP/www/about.gz" || die "nginx does not serve the same gzip bytes"

# ------------------------------------------------------------------ wrk

cat >"$TMP/miss.lua" <<'EOF'
-- A query string never seen before on every request: each one is a cache miss.
-- id is a global that setup sets in each thread's own Lua state.
local nonce, n, threads = "x", 0, 0
id = id or 0
function setup(thread)
    thread:set("id", threads)
    threads = threads + 1
end
function init(args)
    nonce = args[1] or nonce
end
function request()
    n = n + 1
    return wrk.format(nil, wrk.path .. "?nocache=" .. nonce .. "-" .. id .. "-" .. n)
end
EOF

# counters: pcnweb's page-cache outcomes so far, as "HITS MISSES OTHER".
counters() {
    curl -sS --max-time 5 "http://127.0.0.1:$IPORT/metrics" 2>/dev/null | awk '
        /^pcnweb_page_cache_total\{/ {
            if ($1 ~ /result="hit"/) h += $2; else if ($1 ~ /result="miss"/) m += $2; else o += $2
        }
        END { printf "%d %d %d", h, m, o }'
}
redis_flaps() { grep -c 'redis unreachable' "$TMP/pcnweb.log" || true; }

ROWS=()
# bench LABEL ENCODING URL [wrk args...]: one measured run, one table row.
bench() {
    local label=$1 enc=$2 url=$3 out cache="-" flaps=0 c0 c1 f0
    shift 3
    out="$TMP/wrk-$((${#ROWS[@]} + 1)).txt"
    say "wrk: $label ($enc) for $DURATION"
    read -ra c0 <<<"$(counters)"
    f0=$(redis_flaps)
    timeout 120 wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H "Host: $HOST_HEADER" "$url" "$@" >"$out"
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

# Other work on the machine skews every number: record it.
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "warming up for $WARMUP per encoding"
wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -H "Host: $HOST_HEADER" "$URL" >/dev/null
wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -H "Host: $HOST_HEADER" -H "$GZ" "$URL" >/dev/null
wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -H "Host: $HOST_HEADER" -H "$GZ" "$NURL" >/dev/null

bench "pcnweb cached (L1 hit)" identity "$URL"
bench "pcnweb cached (L1 hit)" gzip "$URL" -H "$GZ"
bench "nginx, same bytes from disk" identity "$NURL"
bench "nginx, same bytes from disk" gzip "$NURL" -H "$GZ"
bench "pcnweb miss (unique query, renders)" gzip "$URL" -H "$GZ" -s "$TMP/miss.lua" -- "$(date +%s%N)"


LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
kill -0 "$PCNWEB_PID" 2>/dev/null || die "pcnweb died during the run (see $TMP/pcnweb.log)"
WARNINGS=$(grep -c 'level=\(WARN\|ERROR\)' "$TMP/pcnweb.log" || true)
if ((WARNINGS > 0)); then
    say "pcnweb logged $WARNINGS warnings/errors, by message:"
    grep 'level=\(WARN\|ERROR\)' "$TMP/pcnweb.log" | grep -o 'msg="[^"]*"' | sort | uniq -c | sort -rn | head -n 5 >&2 || true
fi

cat <<EOF

wrk -t$THREADS -c$CONNS -d$DURATION --latency -H 'Host: $HOST_HEADER' [-H '$GZ'] on 127.0.0.1; page $PAGE: $SIZE bytes, $GZSIZE gzipped.
pcnweb: $([[ -n "${DATABASE_URL:-}" ]] && echo "PostgreSQL" || echo "embedded SQLite"), $([[ -n "${REDIS_URL:-}" ]] && echo "Redis L2" || echo "no Redis (L1 only)"); nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'), worker_processes 2. pcnweb warnings/errors logged: $WARNINGS.
Load average (1/5/15 min) before: $LOAD_BEFORE; after: $LOAD_AFTER ($(nproc) cores).

| target | encoding | req/s | p50 | p99 | transfer/s | pcnweb hit / miss / other | errors |
| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |
EOF
printf '%s\n' "${ROWS[@]}"
