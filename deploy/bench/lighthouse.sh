#!/usr/bin/env bash
# deploy/bench/lighthouse.sh — Lighthouse performance scores of every public
# page type, on a phone.
#
# Installs Lighthouse from npm into a cache directory (not into the
# repository), builds ./cmd/pcnweb, starts `pcnweb serve --demo` on an
# embedded SQLite database in a temporary PCNWEB_DATA_DIR, and runs Lighthouse
# (performance category, its default mobile emulation and simulated slow 4G
# and 4x CPU throttling) in headless Chromium on each page type of the demo
# tenants. Prints a Markdown table: score, LCP, TBT, CLS and bytes
# transferred. Only 127.0.0.1 and *.localhost are contacted: every other host
# fails to resolve, so a third-party request would show as a failed request.
#
#   bash deploy/bench/lighthouse.sh
#
# Knobs (environment): LIGHTHOUSE_VERSION (12.8.2), LIGHTHOUSE_CACHE
# (${XDG_CACHE_HOME:-~/.cache}/pcnweb/lighthouse-<version>), CHROME_PATH
# (/usr/bin/chromium), BENCH_PORT (18380), BENCH_INTERNAL_PORT (19380),
# BENCH_RUNS (1: with more, each page's median run by score is reported),
# BENCH_PAGES ("home practice": only those labels; all by default),
# BENCH_KEEP=1 keeps the temporary directory (logs and Lighthouse's JSON).
# Exits non-zero when a page cannot be measured; scores below 100 are reported,
# not failed (they vary with the machine's load).
set -euo pipefail

LH_VERSION=${LIGHTHOUSE_VERSION:-12.8.2}
CACHE=${LIGHTHOUSE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pcnweb/lighthouse-$LH_VERSION}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
PORT=${BENCH_PORT:-18380}
IPORT=${BENCH_INTERNAL_PORT:-19380}
RUNS=${BENCH_RUNS:-1}
TENANT=highfives

PFX=lighthouse

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# say, die and stop_pid (and the pinning and wrk helpers, unused here).
# shellcheck source=deploy/bench/lib.sh
. "$ROOT/deploy/bench/lib.sh"

# ------------------------------------------------------------------ tools

command -v go >/dev/null 2>&1 || die "go is not on PATH"
command -v node >/dev/null 2>&1 || die "node is not on PATH (apt-get install -y nodejs npm)"
command -v npm >/dev/null 2>&1 || die "npm is not on PATH (apt-get install -y npm)"
command -v curl >/dev/null 2>&1 || die "curl is not on PATH"
[[ -x "$CHROME_PATH" ]] || die "no Chromium at $CHROME_PATH (apt-get install -y chromium, or set CHROME_PATH)"

LH="$CACHE/node_modules/lighthouse/cli/index.js"
if [[ ! -f "$LH" ]]; then
    say "installing lighthouse@$LH_VERSION into $CACHE"
    mkdir -p "$CACHE"
    PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-save --no-audit --no-fund --prefix "$CACHE" \
        "lighthouse@$LH_VERSION" >/dev/null
fi
got=$(node -p "require('$CACHE/node_modules/lighthouse/package.json').version")
[[ "$got" == "$LH_VERSION" ]] || die "expected lighthouse $LH_VERSION in $CACHE, found $got"

for p in "$PORT" "$IPORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
        die "127.0.0.1:$p is already in use (set BENCH_PORT / BENCH_INTERNAL_PORT)"
    fi
done

# ------------------------------------------------------------------ cleanup

TMP=$(mktemp -d /tmp/pcnweb-lighthouse.XXXXXX)
PCNWEB_PID=""

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_pid "$PCNWEB_PID"
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

say "starting pcnweb serve --demo on 127.0.0.1:$PORT"
env -u DATABASE_URL -u REDIS_URL PCNWEB_ADDR="127.0.0.1:$PORT" PCNWEB_INTERNAL_ADDR="127.0.0.1:$IPORT" \
    PCNWEB_DATA_DIR="$TMP/data" LOG_LEVEL=warn \
    "$TMP/pcnweb" serve --demo >"$TMP/pcnweb.out" 2>"$TMP/pcnweb.log" &
PCNWEB_PID=$!

base() { printf 'http://%s.localhost:%s' "$1" "$PORT"; }
fetch() { # TENANT PATH [curl options]
    local t=$1 path=$2
    shift 2
    curl -sS --max-time 5 --resolve "$t.localhost:$PORT:127.0.0.1" "$@" "$(base "$t")$path"
}

for ((i = 0; ; i++)); do
    kill -0 "$PCNWEB_PID" 2>/dev/null || { tail -n 20 "$TMP/pcnweb.log" >&2; die "pcnweb exited during startup"; }
    code=$(fetch "$TENANT" / -o /dev/null -w '%{http_code}' 2>/dev/null || true)
    [[ "$code" == "200" ]] && break
    ((i < 300)) || { tail -n 20 "$TMP/pcnweb.log" >&2; die "pcnweb did not answer 200 within 30 s (last: $code)"; }
    sleep 0.1
done

# first TENANT LIST PATTERN: the first link on LIST matching PATTERN (an
# item page, so the list stays right when the demo content changes).
first() {
    local link
    link=$(fetch "$1" "$2" | grep -oE "href=\"$3\"" | head -n 1 | sed 's/^href="//; s/"$//')
    [[ -n "$link" ]] || die "$2 links to no item matching $3"
    printf '%s' "$link"
}

# "label tenant path" per page type: the e2e tests' list (e2e/pages_test.go)
# plus the feedback form, less the 404 page (Lighthouse refuses to measure a
# page whose status is not 2xx).
pages=(
    "home $TENANT /"
    "about $TENANT /about"
    "practices $TENANT /practices"
    "practice $TENANT $(first "$TENANT" /practices '/practices/[^/"]+')"
    "services $TENANT /services"
    "service $TENANT $(first "$TENANT" /services '/services/[^/"]+')"
    "team $TENANT /team"
    "enhanced-access $TENANT /enhanced-access"
    "news $TENANT /news"
    "post $TENANT $(first "$TENANT" /news '/news/[^/".]+')"
    "events $TENANT /events"
    "event $TENANT $(first "$TENANT" /events '/events/[^/".]+')"
    "vacancies $TENANT /vacancies"
    "contact $TENANT /contact"
    "appointments $TENANT /appointments"
    "accessibility $TENANT /accessibility"
    "feedback $TENANT /feedback"
    "search $TENANT /search?q=pharmacist"
    "home-civic moorland /"
)

# Warm the page cache: a page's first render is not what patients get.
for p in "${pages[@]}"; do
    read -r _ t path <<<"$p"
    fetch "$t" "$path" -o /dev/null || true
done

FLAGS="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
FLAGS+=" --disable-component-update --disable-sync --disable-dev-shm-usage"
FLAGS+=" --host-resolver-rules=\"MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost, EXCLUDE *.localhost\""

# run LABEL URL N: one Lighthouse run, its JSON in $TMP/LABEL.N.json. A
# failed run (now and then "NO_NAVSTART" on a loaded machine) is tried again,
# up to three times in all.
run() {
    local out="$TMP/$1.$3.json" profile attempt
    for attempt in 1 2 3; do
        profile="$TMP/profile-$1-$3-$attempt"
        mkdir -p "$profile"
        if node "$LH" "$2" --quiet --only-categories=performance --output=json --output-path="$out" \
            --chrome-flags="$FLAGS --user-data-dir=$profile" >"$TMP/$1.$3.log" 2>&1; then
            rm -rf "$profile"
            return 0
        fi
        rm -rf "$profile"
        say "$2: run $3 attempt $attempt failed: $(grep -m 1 -i 'error' "$TMP/$1.$3.log" || tail -n 1 "$TMP/$1.$3.log")"
    done
    tail -n 20 "$TMP/$1.$3.log" >&2
    die "lighthouse failed three times on $2"
}

# summary FILE: "score|LCP ms|TBT ms|CLS|bytes|requests|runtime error"
summary() {
    node -e '
const r = require(process.argv[1])
const a = r.audits
const n = (id) => a[id] && a[id].numericValue
const score = r.categories.performance.score
const items = (a["network-requests"].details || {}).items || []
console.log([score === null ? "n/a" : Math.round(score * 100), Math.round(n("largest-contentful-paint")),
  Math.round(n("total-blocking-time")), n("cumulative-layout-shift").toFixed(3),
  Math.round(n("total-byte-weight")), items.length, (r.runtimeError || {}).code || ""].join("|"))' "$1"
}

say "lighthouse $LH_VERSION, $RUNS run(s) per page, Chromium $("$CHROME_PATH" --version 2>/dev/null | grep -oE '[0-9][0-9.]+' | head -n 1)"
printf '| Page | Path | Performance | LCP (ms) | TBT (ms) | CLS | Transferred (bytes) | Requests |\n'
printf '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n'
failed=0
for p in "${pages[@]}"; do
    read -r label t path <<<"$p"
    if [[ -n "${BENCH_PAGES:-}" && " $BENCH_PAGES " != *" $label "* ]]; then
        continue
    fi
    results=()
    for ((i = 1; i <= RUNS; i++)); do
        run "$label" "$(base "$t")$path" "$i"
        results+=("$(summary "$TMP/$label.$i.json")")
    done
    # The median run by score.
    mapfile -t sorted < <(printf '%s\n' "${results[@]}" | sort -t'|' -k1,1n)
    IFS='|' read -r score lcp tbt cls bytes reqs err <<<"${sorted[$((RUNS / 2))]}"
    if [[ -n "$err" ]]; then
        say "$label: lighthouse runtime error $err"
        failed=1
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "${path//|/\\|}" "$score" "$lcp" "$tbt" "$cls" "$bytes" "$reqs"
done
exit "$failed"
