#!/usr/bin/env bash
# deploy/bench/wordpress.sh — uncached page renders, pcnweb against WordPress
# Multisite, side by side on one core (issue 14, target 4: ≥ 50× WordPress's
# uncached req/s).
#
# WordPress comes from Debian's packages (wordpress, php-fpm, php-mysql,
# nginx), on the MariaDB at 127.0.0.1:3306 (root, no password): a
# subdirectory multisite network with two sites besides the main one, each
# with an "About us" page whose text is pcnweb's demo /about. Its own nginx
# (one worker, FastCGI to its own php-fpm pool of BENCH_FPM_WORKERS static
# workers, opcache on as Debian ships it, WP-Cron off, no page or object
# cache plugin) serves /highfives/about/.
#
# pcnweb is `pcnweb serve --demo` on an embedded SQLite database in a
# temporary directory, no Redis, default settings (access log at info). Its
# /about is requested with an Authorization header: the page cache bypasses
# every request that carries credentials (pagecache.Middleware), so each
# request is a full render of /about (the tenant's frame, kept in process
# per tenant generation, is reused as between two publishes in
# production), sent without compression and not stored. Neither side gets
# Accept-Encoding, so neither compresses.
#
# Servers and databases run on core 0 (taskset; the running MariaDB is
# re-pinned and restored on exit), wrk on core 1. Each round runs wrk
# against pcnweb, then WordPress; the medians and the ratio per round are
# printed as Markdown. Everything the script starts is stopped on exit,
# its database dropped and its WordPress config file removed.
#
#   bash deploy/bench/wordpress.sh
#
# Knobs (environment): BENCH_DURATION (10s), BENCH_ROUNDS (3),
# BENCH_CONNECTIONS (16), BENCH_WARMUP (3s), BENCH_FPM_WORKERS (4),
# BENCH_PORT (18500), BENCH_INTERNAL_PORT (18501), BENCH_WP_PORT (18510),
# BENCH_KEEP=1 keeps the temporary directory. Only 127.0.0.1 is contacted.
set -euo pipefail

DURATION=${BENCH_DURATION:-10s}
ROUNDS=${BENCH_ROUNDS:-3}
CONNS=${BENCH_CONNECTIONS:-16}
WARMUP=${BENCH_WARMUP:-3s}
FPM_WORKERS=${BENCH_FPM_WORKERS:-4}
PORT=${BENCH_PORT:-18500}
IPORT=${BENCH_INTERNAL_PORT:-18501}
WPORT=${BENCH_WP_PORT:-18510}
PCN_HOST=highfives.localhost
WP_HOST=wpbench.localhost
WP_CONFIG=/etc/wordpress/config-$WP_HOST.php
WP_ROOT=/usr/share/wordpress
MYSQL=(mysql -h 127.0.0.1 -P 3306 -u root)
DB="pcnweb_wpbench_$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"

PFX=bench

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# say, die and stop_pid (and the pinning and wrk helpers, unused here).
# shellcheck source=deploy/bench/lib.sh
. "$ROOT/deploy/bench/lib.sh"

# ------------------------------------------------------------------ tools

[[ "$(id -u)" -eq 0 ]] || die "run as root: php-fpm's pool runs as www-data and MariaDB is re-pinned"
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
[[ -x /usr/sbin/nginx ]] || need+=(nginx)
ls /usr/sbin/php-fpm* >/dev/null 2>&1 || need+=(php-fpm)
[[ -f $WP_ROOT/wp-settings.php ]] || need+=(wordpress)
# WordPress's default theme: without it (a Recommends of the wordpress
# package) every page is an empty 200.
[[ -f $WP_ROOT/wp-content/themes/twentytwentythree/style.css ]] || need+=(wordpress-theme-twentytwentythree)
php -m 2>/dev/null | grep -qx mysqli || need+=(php-mysql)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v taskset >/dev/null 2>&1 || need+=(util-linux)
if ((${#need[@]})); then
    say "installing ${need[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends "${need[@]}" >/dev/null
fi
FPM=$(ls /usr/sbin/php-fpm* | sort -V | tail -n 1)
command -v go >/dev/null 2>&1 || die "go is not on PATH"
(($(nproc) >= 2)) || die "needs 2 cores: the servers on core 0, wrk on core 1"
"${MYSQL[@]}" -e 'SELECT 1' >/dev/null 2>&1 || die "MariaDB does not answer on 127.0.0.1:3306 as root without a password"
MARIADB_PID=$(pgrep -o -x mariadbd || pgrep -o -x mysqld || true)
[[ -n "$MARIADB_PID" ]] || die "no mariadbd process to pin (is MariaDB on this machine?)"
[[ ! -e $WP_CONFIG ]] || die "$WP_CONFIG exists: another run, or a real site of that name; remove it first"
for p in "$PORT" "$IPORT" "$WPORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
        die "127.0.0.1:$p is already in use (set BENCH_PORT / BENCH_INTERNAL_PORT / BENCH_WP_PORT)"
    fi
done

# ------------------------------------------------------------------ cleanup

TMP=$(mktemp -d /tmp/pcnweb-wpbench.XXXXXX)
PIDS=()
MARIADB_MASK=$(taskset -p "$MARIADB_PID" | awk '{print $NF}')
DB_MADE=""

cleanup() {
    local rc=$? pid
    trap - EXIT INT TERM
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    taskset -a -p "$MARIADB_MASK" "$MARIADB_PID" >/dev/null 2>&1 || say "could not restore MariaDB's affinity ($MARIADB_MASK)"
    [[ -z "$DB_MADE" ]] || "${MYSQL[@]}" -e "DROP DATABASE IF EXISTS \`$DB\`" || say "could not drop database $DB"
    rm -f "$WP_CONFIG"
    if [[ "${BENCH_KEEP:-}" == "1" ]]; then
        say "kept $TMP"
    else
        rm -rf "$TMP"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_200() { # URL HOST [HEADER]: wait up to 30 s for a 200
    local url=$1 host=$2 code i
    shift 2
    for ((i = 0; ; i++)); do
        code=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -H "Host: $host" "$@" "$url" 2>/dev/null || true)
        [[ "$code" == "200" ]] && return 0
        ((i < 300)) || die "$url (Host: $host) did not answer 200 within 30 s (last: $code)"
        sleep 0.1
    done
}

# ------------------------------------------------------------------ pcnweb

say "building ./cmd/pcnweb"
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$TMP/pcnweb" ./cmd/pcnweb
say "starting pcnweb serve --demo on 127.0.0.1:$PORT (sqlite, no redis), core 0"
env -u DATABASE_URL -u REDIS_URL PCNWEB_ADDR="127.0.0.1:$PORT" PCNWEB_INTERNAL_ADDR="127.0.0.1:$IPORT" \
    PCNWEB_DATA_DIR="$TMP/data" taskset -c 0 "$TMP/pcnweb" serve --demo >"$TMP/pcnweb.out" 2>"$TMP/pcnweb.log" &
PIDS+=($!)
PCN_URL="http://127.0.0.1:$PORT/about"
AUTH='Authorization: Bearer uncached-render'
wait_200 "$PCN_URL" "$PCN_HOST"
curl -sS -D "$TMP/pcn-headers.txt" -o "$TMP/pcn-about.html" -H "Host: $PCN_HOST" -H "$AUTH" "$PCN_URL"
grep -qi '^cache-status: pcnweb; fwd=bypass' "$TMP/pcn-headers.txt" || die "pcnweb's /about with $AUTH was not a render (Cache-Status: $(grep -i '^cache-status' "$TMP/pcn-headers.txt"))"
grep -q '<h1' "$TMP/pcn-about.html" || die "pcnweb's /about has no heading"

# ------------------------------------------------------------------ WordPress

say "creating database $DB and $WP_CONFIG"
"${MYSQL[@]}" -e "CREATE DATABASE \`$DB\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
DB_MADE=1
salt() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }
write_config() { # MULTISITE: "" for the single site it is installed as, 1 for the network
    {
        echo "<?php"
        echo "// Written by pcnweb's deploy/bench/wordpress.sh; removed when it exits."
        echo "define('DB_NAME', '$DB'); define('DB_USER', 'root'); define('DB_PASSWORD', ''); define('DB_HOST', '127.0.0.1:3306');"
        echo "define('WP_HOME', 'http://$WP_HOST'); define('DISABLE_WP_CRON', true); define('WP_DEBUG', false);"
        for k in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT; do
            echo "define('$k', '$(salt)');"
        done
        if [[ -n "$1" ]]; then
            echo "define('MULTISITE', true); define('SUBDOMAIN_INSTALL', false);"
            echo "define('DOMAIN_CURRENT_SITE', '$WP_HOST'); define('PATH_CURRENT_SITE', '/');"
            echo "define('SITE_ID_CURRENT_SITE', 1); define('BLOG_ID_CURRENT_SITE', 1);"
        else
            echo "define('WP_SITEURL', 'http://$WP_HOST');"
        fi
    } >"$WP_CONFIG"
    chmod 644 "$WP_CONFIG"
}
wp_php() { # PHP code run by the CLI as a request to $WP_HOST; it calls offline() once WordPress is loaded
    printf '%s\n' "<?php" \
        "\$_SERVER['HTTP_HOST'] = \$_SERVER['SERVER_NAME'] = '$WP_HOST'; \$_SERVER['REQUEST_URI'] = '/'; \$_SERVER['REMOTE_ADDR'] = '127.0.0.1';" \
        "// No HTTP requests (install tests its permalinks over HTTP) and no mail while setting up." \
        "function offline() { add_filter('pre_http_request', function () { return new WP_Error('offline', 'no HTTP in the bench set-up'); }); add_filter('pre_wp_mail', '__return_false'); }" \
        "$1" >"$TMP/step.php"
    timeout 120 php -d display_errors=stderr "$TMP/step.php" || die "WordPress set-up step failed: $(head -c 300 "$TMP/step.php")"
}

say "installing WordPress, then making it a multisite network"
write_config ""
wp_php "define('WP_INSTALLING', true);
require '$WP_ROOT/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
offline();
\$r = wp_install('PCN network', 'admin', 'admin@example.org', false, '', wp_generate_password(24));
if (is_wp_error(\$r)) { fwrite(STDERR, \$r->get_error_message()); exit(1); }"
wp_php "define('WP_INSTALLING', true); define('WP_INSTALLING_NETWORK', true);
require '$WP_ROOT/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/network.php';
offline();
foreach (\$wpdb->tables('ms_global') as \$table => \$prefixed) { \$wpdb->\$table = \$prefixed; } // as wp-admin/network.php does
install_network();
\$r = populate_network(1, '$WP_HOST', 'admin@example.org', 'PCN network', '/', false);
if (is_wp_error(\$r)) { fwrite(STDERR, \$r->get_error_message()); exit(1); }"
write_config 1
# pcnweb's /about text (its <main>), as each site's About us page.
php -r '$h = file_get_contents($argv[1]);
if (!preg_match("~<main[^>]*>(.*)</main>~s", $h, $m)) { fwrite(STDERR, "no <main> in pcnweb /about\n"); exit(1); }
file_put_contents($argv[2], $m[1]);' "$TMP/pcn-about.html" "$TMP/about-body.html"
wp_php "require '$WP_ROOT/wp-load.php';
offline();
\$body = file_get_contents('$TMP/about-body.html');
foreach (['highfives' => 'High Fives PCN', 'riverside' => 'Riverside PCN'] as \$path => \$title) {
    \$id = wpmu_create_blog('$WP_HOST', '/' . \$path . '/', \$title, 1);
    if (is_wp_error(\$id)) { fwrite(STDERR, \$id->get_error_message()); exit(1); }
    switch_to_blog(\$id);
    update_option('permalink_structure', '/%postname%/');
    \$p = wp_insert_post(['post_type' => 'page', 'post_status' => 'publish', 'post_title' => 'About us', 'post_name' => 'about', 'post_content' => \$body], true);
    if (is_wp_error(\$p)) { fwrite(STDERR, \$p->get_error_message()); exit(1); }
    flush_rewrite_rules(false);
    restore_current_blog();
}"

cat >"$TMP/php-fpm.conf" <<EOF
[global]
pid = $TMP/php-fpm.pid
error_log = $TMP/php-fpm.log
daemonize = no
[bench]
user = www-data
group = www-data
listen = $TMP/php-fpm.sock
listen.mode = 0666
pm = static
pm.max_children = $FPM_WORKERS
pm.max_requests = 0
catch_workers_output = yes
EOF
chmod 755 "$TMP"
mkdir -p "$TMP/nginx"
cat >"$TMP/nginx/nginx.conf" <<EOF
user www-data;
worker_processes 1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    keepalive_requests 1000000;
    server_tokens off;
    client_body_temp_path $TMP/nginx/body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    server {
        listen 127.0.0.1:$WPORT;
        server_name $WP_HOST;
        root $WP_ROOT;
        index index.php;
        location / { try_files \$uri \$uri/ /index.php?\$args; }
        location ~ \.php\$ {
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
            fastcgi_pass unix:$TMP/php-fpm.sock;
        }
    }
}
EOF
say "starting php-fpm ($FPM_WORKERS workers) and nginx (1 worker) on core 0; pinning MariaDB (pid $MARIADB_PID) to core 0"
taskset -c 0 "$FPM" -F -y "$TMP/php-fpm.conf" -c /etc/php/*/fpm/php.ini >"$TMP/php-fpm.out" 2>&1 &
PIDS+=($!)
/usr/sbin/nginx -t -q -p "$TMP/nginx/" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" || die "nginx config test failed"
taskset -c 0 /usr/sbin/nginx -p "$TMP/nginx/" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" -g 'daemon off;' &
PIDS+=($!)
taskset -a -p -c 0 "$MARIADB_PID" >/dev/null
WP_URL="http://127.0.0.1:$WPORT/highfives/about/"
wait_200 "$WP_URL" "$WP_HOST"
curl -sS -D "$TMP/wp-headers.txt" -o "$TMP/wp-about.html" -H "Host: $WP_HOST" "$WP_URL"
grep -q 'About us' "$TMP/wp-about.html" || die "WordPress's /highfives/about/ does not show the About us page"
say "pcnweb /about: $(stat -c %s "$TMP/pcn-about.html") bytes; WordPress /highfives/about/: $(stat -c %s "$TMP/wp-about.html") bytes"

# ------------------------------------------------------------------ wrk

rps() { # NAME URL HOST [HEADER...]: requests/s of one wrk run on core 1
    local name=$1 url=$2 host=$3 out
    shift 3
    out=$(taskset -c 1 wrk -t1 -c"$CONNS" -d"$DURATION" --timeout 10s --latency -H "Host: $host" "$@" "$url")
    printf '%s\n' "$out" >"$TMP/wrk-$name.txt"
    if grep -q 'Non-2xx' <<<"$out"; then
        printf '%s\n' "$out" >&2
        die "$name: non-2xx responses"
    fi
    if grep -q 'Socket errors' <<<"$out"; then
        say "$name: $(grep 'Socket errors' <<<"$out" | sed 's/^ *//') (see $TMP/wrk-$name.txt with BENCH_KEEP=1)"
    fi
    awk '/^Requests\/sec:/ { print $2 }' <<<"$out"
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

say "warming up ($WARMUP each)"
taskset -c 1 wrk -t1 -c"$CONNS" -d"$WARMUP" -H "Host: $PCN_HOST" -H "$AUTH" "$PCN_URL" >/dev/null
taskset -c 1 wrk -t1 -c"$CONNS" -d"$WARMUP" -H "Host: $WP_HOST" "$WP_URL" >/dev/null

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
PCN=() WP=()
ROWS=""
for ((r = 1; r <= ROUNDS; r++)); do
    say "round $r of $ROUNDS: pcnweb"
    p=$(rps "pcnweb-$r" "$PCN_URL" "$PCN_HOST" -H "$AUTH")
    say "round $r of $ROUNDS: WordPress"
    w=$(rps "wordpress-$r" "$WP_URL" "$WP_HOST")
    PCN+=("$p") WP+=("$w")
    ROWS+="| $r | $p | $w | $(awk -v a="$p" -v b="$w" 'BEGIN { printf "%.1f×", a / b }') |"$'\n'
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
MP=$(printf '%s\n' "${PCN[@]}" | median)
MW=$(printf '%s\n' "${WP[@]}" | median)

cat <<EOF

Uncached renders of an About page, server and database on core 0, wrk on core 1
(\`taskset -c 1 wrk -t1 -c$CONNS -d$DURATION\`), no compression on either side.
pcnweb: \`serve --demo\` (SQLite, no Redis), /about with an Authorization header (the page
cache bypasses it: a render per request). WordPress $(php -r 'include "'$WP_ROOT'/wp-includes/version.php"; echo $wp_version;') Multisite (Debian packages),
/highfives/about/, nginx 1 worker + php-fpm $FPM_WORKERS static workers (opcache on) + MariaDB, WP-Cron off.
Load average before: $LOAD_BEFORE; after: $LOAD_AFTER.

| round | pcnweb req/s | WordPress req/s | ratio |
|---|---|---|---|
${ROWS}| median | $MP | $MW | $(awk -v a="$MP" -v b="$MW" 'BEGIN { printf "%.1f×", a / b }') |
EOF
