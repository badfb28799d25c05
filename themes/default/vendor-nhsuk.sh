#!/bin/sh
# Vendors NHS.UK frontend (https://www.npmjs.com/package/nhsuk-frontend) into
# themes/default/static/. Re-run after changing VERSION and commit the result;
# the Go build never touches npm.
#
# What it does:
#   - nhsuk-frontend.min.css, minus the Frutiger @font-face rules (they load
#     fonts from an NHS CDN; the platform makes no third-party requests, so the
#     font stack falls back to Arial) and minus the source map comment;
#   - nhsuk-frontend.min.js (an ES module exporting initAll), minus the source
#     map comment;
#   - only the images that the CSS references (url(/assets/...)), kept under
#     images/ so the loader can map /assets/<path> to <static>/<path>.
# The loader (themes/assets.go) rewrites those url(/assets/...) references to
# content-hashed /static/default/... URLs at boot.
set -eu

VERSION=10.6.1

here=$(cd "$(dirname "$0")" && pwd)
static="$here/static"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-save --no-audit --no-fund --ignore-scripts \
	--prefix "$tmp" "nhsuk-frontend@$VERSION" >/dev/null
dist="$tmp/node_modules/nhsuk-frontend/dist/nhsuk"
got=$(node -p "require('$tmp/node_modules/nhsuk-frontend/package.json').version")
[ "$got" = "$VERSION" ] || { echo "expected nhsuk-frontend $VERSION, got $got" >&2; exit 1; }

rm -f "$static"/images/nhsuk-*   # only what this script copied; our own files stay
mkdir -p "$static/images"

# CSS: drop every @font-face rule and the source map comment; then refuse any
# url() that would leave the site.
node - "$dist/nhsuk-frontend.min.css" "$static/nhsuk-frontend.min.css" <<'JS'
const fs = require('fs')
const [src, dst] = process.argv.slice(2)
let css = fs.readFileSync(src, 'utf8')
css = css.replace(/@font-face\{[^}]*\}/g, '')
css = css.replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, '')
const bad = css.match(/url\((?!\/assets\/|data:)[^)]*\)/g)
if (bad) { console.error('unexpected url() in CSS:', bad); process.exit(1) }
if (/Frutiger W01[^;}]*src:/.test(css)) { console.error('@font-face left in CSS'); process.exit(1) }
fs.writeFileSync(dst, css.trimEnd() + '\n')
JS

node - "$dist/nhsuk-frontend.min.js" "$static/nhsuk-frontend.min.js" <<'JS'
const fs = require('fs')
const [src, dst] = process.argv.slice(2)
let js = fs.readFileSync(src, 'utf8')
js = js.replace(/\/\/# sourceMappingURL=\S*\s*$/, '')
fs.writeFileSync(dst, js.trimEnd() + '\n')
JS

# Images referenced by the CSS, and nothing else.
grep -o 'url(/assets/[^)]*)' "$static/nhsuk-frontend.min.css" | sed 's|^url(/assets/||; s|)$||' | sort -u |
while read -r f; do
	mkdir -p "$static/$(dirname "$f")"
	cp "$dist/assets/$f" "$static/$f"
done

{
	echo "# Vendored NHS.UK frontend"
	echo
	echo "nhsuk-frontend $VERSION (npm), copied by vendor-nhsuk.sh. Do not edit these files by hand."
	echo
	echo '```'
	(cd "$static" && sha256sum nhsuk-frontend.min.css nhsuk-frontend.min.js $(find images -type f | sort))
	echo '```'
} >"$here/VENDOR.md"

echo "vendored nhsuk-frontend $VERSION into $static"
