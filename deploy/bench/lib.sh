# shellcheck shell=bash
# deploy/bench/lib.sh — the measuring method load.sh and scale.sh share
# (sourced, not run). docs/bench-method.md describes it.
#
#   - pinning: the server under test (pcnweb or nginx, and PostgreSQL and
#     Redis when the run uses them) on core 0, wrk on core 1, so wrk's own
#     CPU never hides the server's cost; the shared services' original
#     affinity is restored on exit (restore_pins, from the caller's trap);
#   - rounds: BENCH_ROUNDS rounds; in each, for each encoding, pcnweb and
#     nginx back to back, the order swapped every round;
#   - the request a browser sends (a Chrome User-Agent, Accept: text/html),
#     so pcnweb's analytics count every request as a page view, as they do
#     in production;
#   - Markdown tables: per round, then medians and the ratio of medians.
#
# The caller sets TMP and PFX (its message prefix) and defines
# run_target TARGET ENC OUT (TARGET pcnweb or nginx; OUT: wrk's output).

ROUNDS=${BENCH_ROUNDS:-3}
# SUBJECT: the server measured against nginx (run_target's first argument
# and the tables' column); ceiling.sh sets it to its bare servers.
SUBJECT=${SUBJECT:-pcnweb}
WRK_CORE=${BENCH_WRK_CORE:-1}
SERVER_CORE=${BENCH_SERVER_CORE:-0}

# A current Chrome on Linux, as sent with every measured request unless
# BENCH_BROWSER=0 (then wrk sends no User-Agent: a bot, not counted).
BROWSER_UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
BROWSER_ACCEPT='text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'

say() { printf '%s: %s\n' "$PFX" "$*" >&2; }
die() {
    printf '%s: ERROR: %s\n' "$PFX" "$*" >&2
    exit 1
}

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

# ------------------------------------------------------------------ pinning

PIN_PIDS=()  # processes re-pinned, with
PIN_MASKS=() # their affinity before
PIN_PARENTS=() # "PID MASK": a parent whose children forked meanwhile get MASK back

# pin_pid PID [parent]: all of PID's threads to SERVER_CORE, remembering the
# mask to restore; with "parent", children PID forks later (PostgreSQL's
# backends, which inherit the pinned mask) are restored to it as well.
pin_pid() {
    local pid=$1 mask
    mask=$(taskset -p "$pid" 2>/dev/null | awk '{ print $NF }') || return 1
    [[ -n "$mask" ]] || return 1
    taskset -a -p -c "$SERVER_CORE" "$pid" >/dev/null || return 1
    PIN_PIDS+=("$pid")
    PIN_MASKS+=("$mask")
    [[ "${2:-}" == parent ]] && PIN_PARENTS+=("$pid $mask")
    return 0
}

# restore_pins: every re-pinned process, and the children of pinned
# parents, back to the affinity they had.
restore_pins() {
    local i p mask c
    for ((i = 0; i < ${#PIN_PIDS[@]}; i++)); do
        taskset -a -p "${PIN_MASKS[i]}" "${PIN_PIDS[i]}" >/dev/null 2>&1 || true
    done
    for p in "${PIN_PARENTS[@]}"; do
        mask=${p#* }
        for c in $(pgrep -P "${p%% *}" 2>/dev/null); do
            taskset -a -p "$mask" "$c" >/dev/null 2>&1 || true
        done
    done
    PIN_PIDS=()
    PIN_MASKS=()
    PIN_PARENTS=()
}

PINNED_SERVICES=()
# pin_postgres URL: PostgreSQL's postmaster (its pid from postmaster.pid,
# read through the server: needs a superuser) and its processes to
# SERVER_CORE; new backends inherit it.
pin_postgres() {
    local url=$1 pm c
    pm=$(psql "$url" -Atqc "SELECT split_part(pg_read_file('postmaster.pid'), E'\n', 1)" 2>/dev/null) ||
        { say "cannot read PostgreSQL's postmaster.pid (not a superuser?): not pinned"; return 0; }
    [[ "$pm" =~ ^[0-9]+$ && "$(cat "/proc/$pm/comm" 2>/dev/null)" == postgres* ]] ||
        { say "PostgreSQL ($pm) is not a local process: not pinned"; return 0; }
    pin_pid "$pm" parent || { say "cannot pin PostgreSQL (pid $pm): not pinned"; return 0; }
    for c in $(pgrep -P "$pm"); do taskset -a -p -c "$SERVER_CORE" "$c" >/dev/null 2>&1 || true; done
    PINNED_SERVICES+=("PostgreSQL (postmaster $pm and its processes)")
}

# pin_redis URL: the Redis server to SERVER_CORE.
pin_redis() {
    local url=$1 pid
    pid=$(redis-cli -u "$url" info server 2>/dev/null | awk -F: '/^process_id:/ { print $2 }' | tr -d '\r')
    [[ -n "$pid" && -d "/proc/$pid" ]] || { say "Redis is not a local process: not pinned"; return 0; }
    pin_pid "$pid" || { say "cannot pin Redis (pid $pid): not pinned"; return 0; }
    PINNED_SERVICES+=("Redis (pid $pid)")
}

# gomaxprocs INTERNAL_URL: pcnweb's GOMAXPROCS, from its /metrics.
GOMAXPROCS_SEEN="?"
gomaxprocs() {
    local v
    v=$(curl -sS --max-time 5 "$1/metrics" 2>/dev/null | awk '$1 == "go_sched_gomaxprocs_threads" { print $2 }')
    GOMAXPROCS_SEEN=${v:-?}
}

pinning_summary() {
    local s="pcnweb and nginx on core $SERVER_CORE (taskset -c $SERVER_CORE; pcnweb's GOMAXPROCS: $GOMAXPROCS_SEEN), wrk on core $WRK_CORE (taskset -c $WRK_CORE)"
    local p sep="; also on core $SERVER_CORE for the run, affinity restored after: "
    for p in "${PINNED_SERVICES[@]}"; do
        s="$s$sep$p"
        sep=", "
    done
    printf '%s' "$s"
}

# ------------------------------------------------------------------ requests

# enc_header ENC: the Accept-Encoding header of an encoding row ("" for
# identity: no Accept-Encoding at all, as a client that takes no encoding).
enc_header() {
    case $1 in
    identity) printf '' ;;
    gzip) printf 'Accept-Encoding: gzip' ;;
    br) printf 'Accept-Encoding: br' ;;
    browser) printf 'Accept-Encoding: gzip, deflate, br' ;;
    *) die "unknown encoding $1" ;;
    esac
}

# wrk_headers ENC: wrk's -H arguments for a row, one a line.
wrk_headers() {
    local ae
    ae=$(enc_header "$1")
    [[ -n "$ae" ]] && printf -- '-H\n%s\n' "$ae"
    if [[ "${BENCH_BROWSER:-1}" != "0" ]]; then
        printf -- '-H\nUser-Agent: %s\n-H\nAccept: %s\n' "$BROWSER_UA" "$BROWSER_ACCEPT"
        [[ "$1" == browser ]] && printf -- '-H\nAccept-Language: en-GB,en;q=0.9\n-H\nUpgrade-Insecure-Requests: 1\n'
    fi
    return 0
}

# log_summary: how pcnweb logs in this run.
log_summary() {
    case ${BENCH_LOG_LEVEL:-info} in
    info | INFO | debug | DEBUG) printf 'LOG_LEVEL %s%s, the access log on, stderr to a file (as to a log collector)' "${BENCH_LOG_LEVEL:-info}" "$([[ -z "${BENCH_LOG_LEVEL:-}" ]] && echo " (the default)")" ;;
    *) printf 'LOG_LEVEL %s (BENCH_LOG_LEVEL: no access log at info; NOT the default configuration), stderr to a file' "$BENCH_LOG_LEVEL" ;;
    esac
}

describe_requests() {
    if [[ "${BENCH_BROWSER:-1}" != "0" ]]; then
        printf "Every request is a browser's (User-Agent: Chrome 131 on Linux, Accept: text/html…), so pcnweb counts each one as a page view in its analytics, as in production (BENCH_BROWSER=0 sends no User-Agent: not counted). Encodings: identity = no Accept-Encoding; gzip = Accept-Encoding: gzip; br = Accept-Encoding: br; browser = Accept-Encoding: gzip, deflate, br and Accept-Language, as Chrome sends."
    else
        printf "BENCH_BROWSER=0: wrk sends no User-Agent, so pcnweb's analytics count nothing (the hot path is lighter than production's)."
    fi
}

# ------------------------------------------------------------------ wrk

# wrk_run OUT [wrk args...]: one wrk run on WRK_CORE.
wrk_run() {
    local out=$1
    shift
    taskset -c "$WRK_CORE" timeout 300 wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$@" >"$out"
}

# wrk_figures OUT: "RPS P50_US P99_US ERRORS" (errors: non-2xx + socket
# errors, as one number).
wrk_figures() {
    awk '
        function us(v) {
            if (v ~ /us$/) return v + 0
            if (v ~ /ms$/) return v * 1000
            if (v ~ /m$/) return v * 60e6
            if (v ~ /s$/) return v * 1e6
            return v + 0
        }
        /^ +50%/ { p50 = us($2) }
        /^ +99%/ { p99 = us($2) }
        /^Requests\/sec:/ { rps = $2 }
        /Non-2xx or 3xx responses:/ { bad += $NF }
        /Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) bad += $i }
        END { printf "%.0f %.0f %.0f %d", rps, p50, p99, bad }' "$1"
}

# ------------------------------------------------------------------ rounds

# run_rounds ENC...: BENCH_ROUNDS rounds of SUBJECT and nginx per encoding,
# alternating which goes first, into RESULTS ($TMP/results.tsv by default)
# (round, enc, target, rps, p50 µs, p99 µs, errors).
run_rounds() {
    local r enc t first second f
    for ((r = 1; r <= ROUNDS; r++)); do
        if ((r % 2)); then first=$SUBJECT second=nginx; else first=nginx second=$SUBJECT; fi
        for enc in "$@"; do
            for t in "$first" "$second"; do
                say "round $r/$ROUNDS: $t, $enc, $DURATION"
                f="$TMP/wrk-r$r-$enc-$t.txt"
                run_target "$t" "$enc" "$f"
                printf '%s\t%s\t%s\t%s\n' "$r" "$enc" "$t" "$(wrk_figures "$f" | tr ' ' '\t')" >>"${RESULTS:-$TMP/results.tsv}"
            done
        done
    done
}

# fmt_us µs: a latency as wrk would print it.
fmt_us() { awk -v u="$1" 'BEGIN { if (u >= 1e6) printf "%.2f s", u / 1e6; else if (u >= 1000) printf "%.2f ms", u / 1000; else printf "%d µs", u }'; }

# print_rounds_tables TITLE: per-round rows, then medians with the ratio of
# medians and whether the targets (REQ_TARGET× req/s, P99_TARGET× p99) hold.
print_rounds_tables() {
    local title=$1
    printf '\n#### %s: per round\n\n' "$title"
    printf '| round | encoding | %s req/s | nginx req/s | req/s ratio | %s p50 | nginx p50 | %s p99 | nginx p99 | p99 ratio | errors (%s / nginx) |\n' "$SUBJECT" "$SUBJECT" "$SUBJECT" "$SUBJECT"
    printf '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
    awk -F'\t' -v s="$SUBJECT" '
        function lat(u) { if (u >= 1e6) return sprintf("%.2f s", u / 1e6); if (u >= 1000) return sprintf("%.2f ms", u / 1000); return sprintf("%d µs", u) }
        { k = $1 SUBSEP $2; rps[k, $3] = $4; p50[k, $3] = $5; p99[k, $3] = $6; err[k, $3] = $7
          if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
        END {
            for (i = 1; i <= n; i++) {
                k = order[i]; split(k, a, SUBSEP)
                printf "| %s | %s | %.0f | %.0f | %.2f× | %s | %s | %s | %s | %.2f× | %d / %d |\n", a[1], a[2],
                    rps[k, s], rps[k, "nginx"], (rps[k, "nginx"] > 0 ? rps[k, s] / rps[k, "nginx"] : 0),
                    lat(p50[k, s]), lat(p50[k, "nginx"]), lat(p99[k, s]), lat(p99[k, "nginx"]),
                    (p99[k, "nginx"] > 0 ? p99[k, s] / p99[k, "nginx"] : 0), err[k, s], err[k, "nginx"]
            }
        }' "${RESULTS:-$TMP/results.tsv}"
    printf '\n#### %s: medians of %s rounds\n\n' "$title" "$ROUNDS"
    printf '| encoding | %s req/s | nginx req/s | ratio of medians (target ≥ %s×) | %s p50 | nginx p50 | %s p99 | nginx p99 | p99 ratio (target ≤ %s×) | met? |\n' "$SUBJECT" "$REQ_TARGET" "$SUBJECT" "$SUBJECT" "$P99_TARGET"
    printf '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n'
    local enc
    cut -f2 "${RESULTS:-$TMP/results.tsv}" | awk '!seen[$0]++' | while read -r enc; do
        awk -F'\t' -v enc="$enc" -v s="$SUBJECT" -v rt="$REQ_TARGET" -v pt="$P99_TARGET" '
            function lat(u) { if (u >= 1e6) return sprintf("%.2f s", u / 1e6); if (u >= 1000) return sprintf("%.2f ms", u / 1000); return sprintf("%d µs", u) }
            function median(arr, m,   i, j, t) {
                for (i = 2; i <= m; i++) for (j = i; j > 1 && arr[j - 1] > arr[j]; j--) { t = arr[j]; arr[j] = arr[j - 1]; arr[j - 1] = t }
                return (m % 2) ? arr[(m + 1) / 2] : (arr[m / 2] + arr[m / 2 + 1]) / 2
            }
            $2 == enc { t = $3; n[t]++; r[t, n[t]] = $4; a[t, n[t]] = $5; b[t, n[t]] = $6 }
            END {
                ts[1] = s; ts[2] = "nginx"
                for (x = 1; x <= 2; x++) {
                    t = ts[x]; delete v
                    for (i = 1; i <= n[t]; i++) v[i] = r[t, i]; mr[t] = median(v, n[t]); delete v
                    for (i = 1; i <= n[t]; i++) v[i] = a[t, i]; m50[t] = median(v, n[t]); delete v
                    for (i = 1; i <= n[t]; i++) v[i] = b[t, i]; m99[t] = median(v, n[t])
                }
                rr = (mr["nginx"] > 0 ? mr[s] / mr["nginx"] : 0)
                pr = (m99["nginx"] > 0 ? m99[s] / m99["nginx"] : 0)
                met = (rr >= rt && pr <= pt) ? "yes" : "no"
                printf "| %s | %.0f | %.0f | **%.2f×** | %s | %s | %s | %s | **%.2f×** | %s |\n", enc, mr[s], mr["nginx"], rr,
                    lat(m50[s]), lat(m50["nginx"]), lat(m99[s]), lat(m99["nginx"]), pr, met
            }' "${RESULTS:-$TMP/results.tsv}"
    done
}

# ------------------------------------------------------------------ nginx

NGINX_BROTLI_MODULE=""
# find_brotli_module: the path of Debian's brotli_static module
# (libnginx-mod-http-brotli-static), or "".
find_brotli_module() {
    local d
    for d in /usr/lib/nginx/modules /usr/share/nginx/modules; do
        [[ -r "$d/ngx_http_brotli_static_module.so" ]] && { NGINX_BROTLI_MODULE="$d/ngx_http_brotli_static_module.so"; return 0; }
    done
    return 1
}

# nginx_main_conf: the top of nginx.conf — one worker (on SERVER_CORE: the
# master is started under taskset), the brotli_static module when br rows run.
nginx_main_conf() {
    [[ -n "${NGINX_LOAD_BROTLI:-}" ]] && printf 'load_module %s;\n' "$NGINX_BROTLI_MODULE"
    cat <<EOF
worker_processes 1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 4096; }
EOF
}

# nginx_http_conf: the http-level settings both scripts use.
nginx_http_conf() {
    cat <<EOF
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    server_tokens off;
    $NGINX_OFC
    client_body_temp_path $TMP/nginx/body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
EOF
}
NGINX_OFC="open_file_cache max=10000 inactive=60s; open_file_cache_valid 60s;"

nginx_summary() {
    printf 'nginx %s: worker_processes 1, sendfile on, tcp_nopush on, gzip_static on%s, %s access_log off' \
        "$("$NGINX" -v 2>&1 | sed 's/.*nginx\///')" "$([[ -n "${NGINX_LOAD_BROTLI:-}" ]] && echo ", brotli_static on ($(basename "$NGINX_BROTLI_MODULE"))")" "$NGINX_OFC"
}

# start_nginx: test the config, start nginx pinned, wait for URL.
start_nginx() {
    local url=$1 host=$2 i code
    "$NGINX" -t -p "$TMP/nginx/" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" >/dev/null 2>&1 ||
        { "$NGINX" -t -p "$TMP/nginx/" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" >&2 || true; die "nginx config test failed"; }
    taskset -c "$SERVER_CORE" "$NGINX" -p "$TMP/nginx/" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" -g 'daemon off;' &
    # shellcheck disable=SC2034 # the caller's trap stops it
    NGINX_PID=$!
    for ((i = 0; ; i++)); do
        code=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -H "Host: $host" "$url" 2>/dev/null || true)
        [[ "$code" == "200" ]] && break
        ((i < 100)) || die "nginx did not answer 200 on $url within 10 s (last: $code)"
        sleep 0.1
    done
}

# ------------------------------------------------------------------ logs

# The access log grows by ~200 bytes a request: the scripts read it after
# each pcnweb run (log_account) and empty it (pcnweb opened it O_APPEND, so
# it writes at the new end).
LOG_LINES=0
LOG_BYTES=0
LOG_WARNINGS=0
log_account() {
    local f=$1 n b w
    [[ -f "$f" ]] || return 0
    n=$(wc -l <"$f")
    b=$(stat -c %s "$f")
    w=$(grep -c 'level=\(WARN\|ERROR\)' "$f" || true)
    if ((w > 0)); then grep 'level=\(WARN\|ERROR\)' "$f" | head -n 200 >>"$f.warnings" || true; fi
    LOG_LINES=$((LOG_LINES + n))
    LOG_BYTES=$((LOG_BYTES + b))
    LOG_WARNINGS=$((LOG_WARNINGS + w))
    : >"$f"
}

print_warnings() {
    local f=$1
    ((LOG_WARNINGS > 0)) || return 0
    say "pcnweb logged $LOG_WARNINGS warnings/errors, by message:"
    grep -o 'msg="[^"]*"' "$f.warnings" | sort | uniq -c | sort -rn | head -n 5 >&2 || true
}

# ------------------------------------------------------------------ profile

# profile_run NAME SECONDS URL_INTERNAL: fetch a CPU profile of SECONDS
# (from the internal listener) while the caller's load runs; background.
profile_fetch() {
    local name=$1 secs=$2 iurl=$3
    (sleep 1 && taskset -c "$WRK_CORE" curl -sS --max-time $((secs + 30)) -o "$TMP/cpu-$name.pb.gz" "$iurl/debug/pprof/profile?seconds=$secs") &
    # shellcheck disable=SC2034 # the caller waits for it
    PROFILE_PID=$!
}

print_profile() {
    local name=$1 what=$2
    if [[ -s "$TMP/cpu-$name.pb.gz" ]]; then
        printf '\nCPU profile of pcnweb, %s (go tool pprof -top -nodecount=25):\n\n```\n' "$what"
        go tool pprof -top -nodecount=25 "$TMP/cpu-$name.pb.gz" 2>/dev/null | sed -n '1,40p'
        printf '```\n'
    else
        printf '\n(No CPU profile for %s: /debug/pprof/profile on the internal listener gave nothing.)\n' "$what"
    fi
}
