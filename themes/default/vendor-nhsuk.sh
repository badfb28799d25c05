#!/bin/sh
# Vendors NHS.UK frontend (https://www.npmjs.com/package/nhsuk-frontend) into
# themes/default/static/. Re-run after changing a version below, or after a
# public template starts using an NHS.UK component or class that the
# stylesheet lacks, and commit the result; the Go build never touches npm.
#
# What it writes:
#   - nhsuk-frontend.min.css: the public site's stylesheet (themes default
#     and civic), built with Dart Sass from the package's Sass sources with
#     only the components the public templates use (COMPONENTS below), then
#     rid of every rule whose selector names an nhsuk-* class that no public
#     template, theme stylesheet or the bundled JS mentions (PurgeCSS), and
#     of the palette custom properties (the JS reads only the breakpoints).
#     No @font-face: the Frutiger rules load fonts from an NHS CDN and the
#     platform makes no third-party requests, so the stack falls back to Arial.
#   - nhsuk-frontend-full.min.css: the package's whole stylesheet (minus the
#     @font-face rules and the source map comment) for the admin panel and
#     the operator console, which use many more components.
#   - nhsuk-frontend.min.js: an ES module exporting initAll(), bundled with
#     esbuild from the scripts of the components the public templates give a
#     data-module (JS_COMPONENTS below); init.js imports it.
#   - only the images that the stylesheets reference (url(/assets/...)), kept
#     under images/ so the loader can map /assets/<path> to <static>/<path>.
# The loader (themes/assets.go) rewrites those url(/assets/...) references to
# content-hashed /static/default/... URLs at boot.
set -eu

VERSION=10.6.1
SASS_VERSION=1.108.2
ESBUILD_VERSION=0.28.2
PURGECSS_VERSION=8.0.0

# Components of the public site's stylesheet: the NHS.UK components whose
# classes appear in themes/default and themes/civic (the core -- settings,
# base elements, grid, typography, lists, icons, utilities -- is always in).
COMPONENTS="action-link back-link breadcrumb button card error-message
error-summary fieldset footer header hero hint input inset-text label panel
radios search-input select skip-link summary-list tables tag textarea
warning-callout"
# Components whose script the public templates start (data-module="nhsuk-…").
JS_COMPONENTS="button header skip-link"

here=$(cd "$(dirname "$0")" && pwd)
static="$here/static"
themes=$(dirname "$here")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-save --no-audit --no-fund --ignore-scripts \
	--prefix "$tmp" "nhsuk-frontend@$VERSION" "sass@$SASS_VERSION" \
	"esbuild@$ESBUILD_VERSION" "purgecss@$PURGECSS_VERSION" >/dev/null
dist="$tmp/node_modules/nhsuk-frontend/dist/nhsuk"
got=$(node -p "require('$tmp/node_modules/nhsuk-frontend/package.json').version")
[ "$got" = "$VERSION" ] || { echo "expected nhsuk-frontend $VERSION, got $got" >&2; exit 1; }
bin="$tmp/node_modules/.bin"

rm -f "$static"/images/nhsuk-*   # only what this script copied; our own files stay
mkdir -p "$static/images"

# Final checks and clean-up of a stylesheet: drop every @font-face rule and
# the source map comment; then refuse any url() that would leave the site.
cleancss() {
	node - "$1" "$2" <<'JS'
const fs = require('fs')
const [src, dst] = process.argv.slice(2)
let css = fs.readFileSync(src, 'utf8').replace(/^\uFEFF/, '')
css = css.replace(/@font-face\{[^}]*\}/g, '')
css = css.replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, '')
const bad = css.match(/url\((?!["']?(?:\/assets\/|data:))[^)]*\)/g)
if (bad) { console.error('unexpected url() in CSS:', bad); process.exit(1) }
if (/@font-face/.test(css)) { console.error('@font-face left in CSS'); process.exit(1) }
fs.writeFileSync(dst, css.trimEnd() + '\n')
JS
}

# The whole stylesheet, for the admin panel and the operator console.
cleancss "$dist/nhsuk-frontend.min.css" "$static/nhsuk-frontend-full.min.css"

# The public site's JS: initAll() starts the listed components, as
# nhsuk-frontend's initAll does (unsupported browsers skipped, a failing
# component logged and the others still started).
{
	echo "import { isSupported } from 'nhsuk-frontend/dist/nhsuk/common/index.mjs'"
	list=""
	for c in $JS_COMPONENTS; do
		class=$(node -p "'$c'.split('-').map(w => w[0].toUpperCase() + w.slice(1)).join('')")
		echo "import { $class } from 'nhsuk-frontend/dist/nhsuk/components/$c/$c.mjs'"
		list="$list${list:+, }$class"
	done
	cat <<JS

export function initAll () {
  if (!isSupported()) return
  for (const Component of [$list]) {
    for (const el of document.querySelectorAll('[data-module="' + Component.moduleName + '"]')) {
      try { new Component(el) } catch (err) { console.log(err) }
    }
  }
}
JS
} >"$tmp/entry.mjs"
(cd "$tmp" && "$bin/esbuild" entry.mjs --bundle --format=esm --minify --legal-comments=none \
	--log-level=warning --outfile=bundle.js)
node - "$tmp/bundle.js" "$static/nhsuk-frontend.min.js" <<'JS'
const fs = require('fs')
const [src, dst] = process.argv.slice(2)
let js = fs.readFileSync(src, 'utf8')
js = js.replace(/\/\/# sourceMappingURL=\S*\s*$/, '')
if (!/\binitAll\b/.test(js)) { console.error('the bundle does not export initAll'); process.exit(1) }
fs.writeFileSync(dst, js.trimEnd() + '\n')
JS

# The public site's stylesheet: the core and the listed components ...
{
	# The core as configured by default: turning the font face off would
	# drop the font-family declaration with it; cleancss strips the rules.
	echo '@use "nhsuk-frontend/dist/nhsuk/core";'
	for c in $COMPONENTS; do
		echo "@use \"nhsuk-frontend/dist/nhsuk/components/$c\";"
	done
} >"$tmp/public.scss"
"$bin/sass" --no-source-map --style=compressed --quiet-deps --load-path="$tmp/node_modules" \
	"$tmp/public.scss" "$tmp/public.css"

# ... minus the rules for nhsuk-* classes that nothing public uses (selectors
# without an nhsuk-* class, e.g. h2 or .js-enabled, are all kept: page bodies
# are Markdown with no classes) ...
node - "$tmp" "$tmp/public.css" "$tmp/purged.css" \
	"$themes/default/layouts/*.html" "$themes/default/partials/*.html" "$themes/default/pages/*.html" \
	"$themes/civic/**/*.html" "$themes/civic/static/*.css" "$static/site.css" "$static/init.js" \
	"$static/nhsuk-frontend.min.js" "$themes/*.go" <<'JS'
const [dir, src, dst, ...content] = process.argv.slice(2)
const { PurgeCSS } = require(dir + '/node_modules/purgecss')
const fs = require('fs')
new PurgeCSS().purge({
  css: [src],
  content,
  safelist: { standard: [/^(?!nhsuk-)/] },
  keyframes: true,
}).then(r => {
  // Custom properties: the JS reads --nhsuk-breakpoint-*; nothing reads
  // the palette's (the stylesheet has no var()).
  const css = r[0].css.replace(/:root\s*\{([^}]*)\}/, (_, body) => ':root{' +
    body.split(';').map(d => d.trim()).filter(d => /^--nhsuk-(breakpoint-|frontend-version)/.test(d)).join(';') + '}')
  if (/var\(--/.test(css)) { console.error('the stylesheet uses var(): keep its custom properties'); process.exit(1) }
  fs.writeFileSync(dst, css)
})
JS
# ... minified again (PurgeCSS re-prints what it keeps).
"$bin/sass" --no-source-map --style=compressed "$tmp/purged.css" "$tmp/purged.min.css"
cleancss "$tmp/purged.min.css" "$static/nhsuk-frontend.min.css"

# Images referenced by the stylesheets, and nothing else.
cat "$static/nhsuk-frontend.min.css" "$static/nhsuk-frontend-full.min.css" |
grep -o 'url(["'"'"']\{0,1\}/assets/[^)"'"'"']*' | sed 's|^url(.\{0,1\}/assets/||' | sort -u |
while read -r f; do
	mkdir -p "$static/$(dirname "$f")"
	cp "$dist/assets/$f" "$static/$f"
done

sizes() {
	for f in "$@"; do
		printf '| %s | %s | %s |\n' "$f" "$(wc -c <"$static/$f")" "$(gzip -9c "$static/$f" | wc -c)"
	done
}

{
	echo "# Vendored NHS.UK frontend"
	echo
	echo "nhsuk-frontend $VERSION (npm), built by vendor-nhsuk.sh with Dart Sass $SASS_VERSION,"
	echo "PurgeCSS $PURGECSS_VERSION and esbuild $ESBUILD_VERSION. Do not edit these files by hand:"
	echo "change the script and run it (\`sh themes/default/vendor-nhsuk.sh\`; it needs node and npm),"
	echo "then commit what it writes, this file included."
	echo
	echo "| file | what | used by |"
	echo "| --- | --- | --- |"
	echo "| nhsuk-frontend.min.css | core + the components below, minus rules for nhsuk-* classes no public template uses | public sites (themes default, civic) |"
	echo "| nhsuk-frontend-full.min.css | the package's whole stylesheet | admin panel, operator console, platform pages |"
	echo "| nhsuk-frontend.min.js | initAll() for the components below | public sites, through init.js |"
	echo
	echo "Stylesheet components: $(echo $COMPONENTS | sed 's/ /, /g')."
	echo "They are the NHS.UK components whose classes the public templates use. When a template"
	echo "starts using another component, add it to COMPONENTS; a new class of a component already"
	echo "listed needs only a re-run (the purge keeps what the templates mention)."
	echo
	echo "Script components: $(echo $JS_COMPONENTS | sed 's/ /, /g') -- the ones the public templates"
	echo "start with data-module. The error summary, radios and the rest work without script."
	echo
	echo "| file | bytes | gzip -9 |"
	echo "| --- | ---: | ---: |"
	sizes nhsuk-frontend.min.css nhsuk-frontend-full.min.css nhsuk-frontend.min.js
	echo
	echo '```'
	(cd "$static" && sha256sum nhsuk-frontend.min.css nhsuk-frontend-full.min.css nhsuk-frontend.min.js $(find images -type f | sort))
	echo '```'
} >"$here/VENDOR.md"

echo "vendored nhsuk-frontend $VERSION into $static"
