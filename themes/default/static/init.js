// Starts NHS.UK frontend. Loaded with <script type="module">, so it runs only
// in browsers with ES modules: the ones nhsuk-frontend 10 supports. It lives
// here, not inline, because the CSP is script-src 'self'.
// The import specifier is rewritten to the hashed URL when themes load.
import { initAll } from './nhsuk-frontend.min.js'

// What nhsuk-frontend's template.njk does with an inline script: the CSS and
// isSupported() key off these classes.
document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
initAll()
