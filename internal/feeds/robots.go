package feeds

import "strings"

// Robots returns a robots.txt (RFC 9309) with a single "User-agent: *"
// group disallowing each path, followed by a Sitemap line:
//
//	User-agent: *
//	Disallow: /admin
//	Sitemap: https://example.nhs.uk/sitemap.xml
//
// With no (non-empty) paths it emits "Disallow:" (allow everything). Paths
// missing a leading '/' (or '*') get one; duplicates are dropped. CR/LF are
// stripped from all inputs so a value cannot inject extra directives. An
// empty sitemapURL omits the Sitemap line.
func Robots(sitemapURL string, disallow ...string) string {
	var sb strings.Builder
	sb.WriteString("User-agent: *\n")
	seen := map[string]bool{}
	for _, p := range disallow {
		p = strings.TrimSpace(oneLine(p))
		if p == "" || seen[p] {
			continue
		}
		if p[0] != '/' && p[0] != '*' {
			p = "/" + p
			if seen[p] {
				continue
			}
		}
		seen[p] = true
		sb.WriteString("Disallow: " + p + "\n")
	}
	if len(seen) == 0 {
		sb.WriteString("Disallow:\n")
	}
	if s := strings.TrimSpace(oneLine(sitemapURL)); s != "" {
		sb.WriteString("Sitemap: " + s + "\n")
	}
	return sb.String()
}

func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
}
