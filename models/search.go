package models

import (
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pcnweb/pcnweb/internal/hours"
)

// SearchResult is one match of a tenant's site search.
type SearchResult struct {
	Kind    string // Page, News, Service, Practice, Event, Vacancy
	Title   string
	URL     string
	Snippet string // plain text
	Rank    float64
}

// searchable describes how one kind of content is searched.
type searchable struct {
	kind  string
	table string
	join  string
	// text is the SQL expression of the searchable text; title is its
	// title column, url builds the result's path from the row.
	text   string
	title  string
	body   string // column whose text becomes the snippet
	filter string // extra condition (published, not closed)
	url    func(row map[string]any) string
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// MaxQuery bounds a search query.
const MaxQuery = 200

// Search finds published content matching q across pages, news, services,
// practices, events not over and open vacancies, as they are at now.
// PostgreSQL uses its full-text search (English stemming, ranked), each
// word matching as a prefix ("physio" finds physiotherapy, as the embedded
// SQLite default does by matching every word as a substring).
// What it finds changes with the clock when a scheduled news item goes
// live, a vacancy closes or an event ends: the handle records the first of
// these for the tenant (NextChange).
func (t *TenantDB) Search(q string, now time.Time) ([]SearchResult, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	if len(q) > MaxQuery {
		q = q[:MaxQuery]
		for !utf8.ValidString(q) {
			q = q[:len(q)-1]
		}
	}
	// A vacancy is open to the end of its closing date in London, as on
	// the vacancy pages (Vacancy.OpenAt).
	today := now.In(hours.Location()).Format("2006-01-02")
	kinds := []searchable{
		{"Page", "pages", "JOIN page_revisions ON page_revisions.id = pages.published_revision_id AND page_revisions.tenant_id = pages.tenant_id",
			"page_revisions.title || ' ' || page_revisions.body_md", "page_revisions.title", "page_revisions.body_html", "pages.published_revision_id IS NOT NULL",
			func(r map[string]any) string { return str(r["path"]) }},
		{"News", "posts", "", "title || ' ' || summary || ' ' || body_md", "title", "body_html", "published_at IS NOT NULL AND published_at <= @now",
			func(r map[string]any) string { return "/news/" + str(r["slug"]) }},
		{"Service", "services", "", "name || ' ' || summary || ' ' || who_for || ' ' || how_to_access || ' ' || body_md", "name", "summary", "published",
			func(r map[string]any) string { return "/services/" + str(r["slug"]) }},
		{"Practice", "practices", "", "name || ' ' || address || ' ' || postcode || ' ' || ods_code", "name", "address", "1 = 1",
			func(r map[string]any) string { return "/practices/" + str(r["ods_code"]) }},
		{"Event", "events", "", "title || ' ' || summary || ' ' || location || ' ' || body_md", "title", "summary", "published AND COALESCE(ends_at, starts_at) > @now",
			func(r map[string]any) string { return "/events/" + str(r["slug"]) }},
		{"Vacancy", "vacancies", "", "title || ' ' || summary || ' ' || body_md", "title", "summary", "published AND closes_on >= @today",
			func(r map[string]any) string { return "/vacancies/" + str(r["slug"]) }},
	}
	var results []SearchResult
	for _, k := range kinds {
		rows, err := t.searchKind(k, q, map[string]any{"now": now.UTC(), "today": today})
		if err != nil {
			return nil, translate("search "+k.kind, err)
		}
		results = append(results, rows...)
	}
	if err := t.watchSearch(now, today); err != nil {
		return nil, err
	}
	sort.SliceStable(results, func(i, j int) bool { return results[i].Rank > results[j].Rank })
	if len(results) > 50 {
		results = results[:50]
	}
	return results, nil
}

// watchSearch records when a search of the tenant's content at now may
// next find something else with the clock alone: the next scheduled news
// item going live, the next open vacancy closing, the next event ending.
// It is the earliest such change of the tenant, not only of the matches: a
// search page may be rendered again a little early, never late.
func (t *TenantDB) watchSearch(now time.Time, today string) error {
	if _, err := t.NextPostPublish(now); err != nil {
		return err
	}
	var v Vacancy
	switch err := t.scoped.Select("closes_on").Where("published AND closes_on >= ?", today).Order("closes_on").Take(&v).Error; {
	case err == nil:
		t.changesAt(now, v.ClosesAt())
	case !isNotFound(err):
		return translate("next vacancy closing", err)
	}
	var e Event
	switch err := t.scoped.Select("starts_at, ends_at").Where("published AND COALESCE(ends_at, starts_at) > ?", now.UTC()).
		Order("COALESCE(ends_at, starts_at)").Take(&e).Error; {
	case err == nil:
		t.changesAt(now, e.OverAt())
	case !isNotFound(err):
		return translate("next event ending", err)
	}
	return nil
}

func (t *TenantDB) searchKind(k searchable, q string, named map[string]any) ([]SearchResult, error) {
	var extra string
	switch k.table {
	case "pages":
		extra = ", pages.path"
	case "practices":
		extra = ", ods_code"
	default:
		extra = ", slug"
	}
	var rows []map[string]any
	db := t.scoped.Table(k.table)
	if k.join != "" {
		db = db.Joins(k.join)
	}
	if strings.Contains(k.filter, "@") {
		db = db.Where(k.filter, named)
	} else {
		db = db.Where(k.filter)
	}
	if t.db.dialect == Postgres {
		prefixes := prefixQuery(q)
		if prefixes == "" {
			return nil, nil // no word to look for ("%", "--")
		}
		doc := "to_tsvector('english', " + k.text + ")"
		tsq := "to_tsquery('english', @q)"
		named["q"] = prefixes
		db = db.Select(k.title+" AS title, "+k.body+" AS body, ts_rank("+doc+", "+tsq+") AS rank"+extra, named).
			Where(doc+" @@ "+tsq, named)
	} else {
		db = db.Select(k.title + " AS title, " + k.body + " AS body, 0.0 AS rank" + extra)
		for _, w := range strings.Fields(strings.ToLower(q)) {
			db = db.Where("lower("+k.text+") LIKE ? ESCAPE '\\'", "%"+escapeLike(w)+"%")
		}
	}
	if err := db.Limit(20).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]SearchResult, 0, len(rows))
	for _, r := range rows {
		title := str(r["title"])
		rank, _ := r["rank"].(float64)
		if f32, ok := r["rank"].(float32); ok {
			rank = float64(f32)
		}
		if strings.Contains(strings.ToLower(title), strings.ToLower(q)) {
			rank += 1 // title matches first
		}
		out = append(out, SearchResult{Kind: k.kind, Title: title, URL: k.url(r), Snippet: snippet(str(r["body"])), Rank: rank})
	}
	return out, nil
}

// maxQueryWords bounds the words of a PostgreSQL query: a query of 200
// one-letter words would otherwise become 200 prefix scans per table.
const maxQueryWords = 12

// prefixQuery turns what a patient typed into a to_tsquery expression
// in which every word must match as a prefix: "physio back" becomes
// "'physio':* & 'back':*". Only letters and digits make words; everything
// else (the tsquery operators & | ! ( ) : * and quotes among them) separates
// them, so the result is always a well-formed query and user input never
// becomes tsquery syntax. It is "" when q has no word. The expression is
// passed as a bind parameter, never spliced into SQL.
func prefixQuery(q string) string {
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > maxQueryWords {
		words = words[:maxQueryWords]
	}
	for i, w := range words {
		words[i] = "'" + w + "':*"
	}
	return strings.Join(words, " & ")
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// snippet turns stored HTML or text into a short plain-text excerpt.
func snippet(html string) string {
	text := strings.Join(strings.Fields(tagRE.ReplaceAllString(html, " ")), " ")
	text = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#39;", "'", "&quot;", `"`).Replace(text)
	if utf8.RuneCountInString(text) > 180 {
		r := []rune(text)
		text = strings.TrimSpace(string(r[:180])) + "…"
	}
	return text
}

func str(v any) string {
	switch s := v.(type) {
	case string:
		return s
	case []byte:
		return string(s)
	}
	return ""
}
