package models

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/pcnweb/pcnweb/internal/hostname"
	"github.com/pcnweb/pcnweb/internal/hours"
)

// Redirects: a tenant's old addresses (the website it had before pcnweb)
// sent on to where their content lives now. The site answers them where it
// would otherwise answer 404; a redirect whose From names a query
// ("/?page_id=7") is answered before the page at its path, since the
// query is what the old site's address meant. Every write goes through
// changeAudited, so it bumps the tenant's generation like any content: the
// site's cached copy of the table (keyed by generation) is retired at once.

// Redirect sends a patient who asks for an old address of a tenant's site
// (a path, with its query where it matters) to where that content lives
// now: a path on the site or an https URL, with status 301 or 302.
type Redirect struct {
	ID        int64 `gorm:"primaryKey"`
	TenantID  int64
	FromPath  string // "/about-us.html", as asked for (normalised: see RedirectInput)
	FromQuery string // "" matches any query; else the canonical query that must match
	To        string `gorm:"column:target"` // "/about" or "https://…"
	Status    int    // 301 or 302
	Source    string // "manual", "csv", "import", "cli"
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName keeps the SQL name explicit.
func (Redirect) TableName() string { return "redirects" }

// From is the old address as a manager reads it and as RedirectInput
// takes it back: the path (%-encoded where it must be) and, when the
// redirect names one, its query.
func (r Redirect) From() string {
	p := (&url.URL{Path: r.FromPath}).EscapedPath()
	if r.FromQuery == "" {
		return p
	}
	return p + "?" + r.FromQuery
}

// RedirectInput is a redirect as a manager, a CSV line, the CLI or an
// import gives it. From is a path with an optional query ("/index.php?page_id=7").
//
// From is normalised before it is stored or compared: a fragment is
// dropped, %-escapes are decoded, dot segments and runs of slashes are
// cleaned, a trailing slash is dropped (so "/news/flu/" and "/news/flu"
// are one address) and the query's parameters are sorted. A From with no
// query matches its path whatever the query; one with a query matches a
// request that has each of its parameters with the same value (others, such
// as ?utm_source=, may be there too).
type RedirectInput struct {
	From   string
	To     string
	Status int    // 0 is 301
	Source string // "" is "manual"
}

// Sources of redirects.
const (
	RedirectManual = "manual"
	RedirectCSV    = "csv"
	RedirectImport = "import"
	RedirectCLI    = "cli"
)

// Bounds of redirects.
const (
	// MaxRedirects bounds a tenant's redirects (the site keeps its table in
	// memory).
	MaxRedirects = 5000
	// maxRedirectLen bounds From and To, in bytes.
	maxRedirectLen = 2000
)

// Audit actions of redirects and of the list of missing addresses.
const (
	AuditRedirectAdd    = "redirect.add"
	AuditRedirectUpdate = "redirect.update"
	AuditRedirectRemove = "redirect.remove"
	AuditNotFoundRemove = "missing-address.remove"
)

// redirectSubject is a redirect as the audit log names it.
func redirectSubject(r Redirect) string {
	return r.From() + " → " + r.To + " (" + strconv.Itoa(r.Status) + ")"
}

// reservedPrefixes are the platform's own paths, never a tenant's old
// address.
var reservedPrefixes = []string{"/admin", "/static", "/media"}

// ParseRedirect checks and normalises a redirect as given, without looking
// at the tenant's other redirects (PutRedirect does that too). A
// *ValidationError names the field: "from", "to", "status" or "source".
func ParseRedirect(in RedirectInput) (Redirect, error) {
	from, query, err := normaliseFrom(in.From)
	if err != nil {
		return Redirect{}, err
	}
	to, err := checkRedirectTarget(in.To)
	if err != nil {
		return Redirect{}, err
	}
	status := in.Status
	if status == 0 {
		status = 301
	}
	if status != 301 && status != 302 {
		return Redirect{}, invalid("status", "choose 301 (moved for good) or 302 (moved for now)")
	}
	source := strings.ToLower(strings.TrimSpace(in.Source))
	if source == "" {
		source = RedirectManual
	}
	if len(source) > 30 || strings.Trim(source, "abcdefghijklmnopqrstuvwxyz0123456789-:") != "" {
		return Redirect{}, invalid("source", "say where the redirect comes from in a word, like manual, csv or import")
	}
	r := Redirect{FromPath: from, FromQuery: query, To: to, Status: status, Source: source}
	if t, ok := siteTarget(to); ok && t.path == from && queryCovers(query, t.query) {
		return Redirect{}, invalid("to", "a redirect cannot send an address to itself")
	}
	return r, nil
}

// normaliseFrom turns an old address into its stored form: the decoded,
// cleaned path without a trailing slash, and the canonical query.
func normaliseFrom(raw string) (p, query string, err error) {
	raw = strings.TrimSpace(raw)
	const hint = "enter the old address as a path starting with /, like /about-us.html or /index.php?page_id=7"
	switch {
	case raw == "":
		return "", "", invalid("from", "enter the old address: "+hint[len("enter the old address as "):])
	case len(raw) > maxRedirectLen:
		return "", "", invalid("from", fmt.Sprintf("use %d characters or fewer for the old address", maxRedirectLen))
	case !strings.HasPrefix(raw, "/"):
		return "", "", invalid("from", hint+" (leave out the https:// and the name of the old website)")
	case strings.HasPrefix(raw, "//"), strings.HasPrefix(raw, `/\`):
		return "", "", invalid("from", hint)
	}
	raw, _, _ = strings.Cut(raw, "#")
	rawPath, rawQuery, _ := strings.Cut(raw, "?")
	decoded, err := url.PathUnescape(rawPath)
	if err != nil || !utf8.ValidString(decoded) || hasControl(decoded) {
		return "", "", invalid("from", "the old address has a character that cannot be read: check it, or copy it again from the old website")
	}
	p = RedirectPathKey(decoded)
	for _, prefix := range reservedPrefixes {
		if lp := strings.ToLower(p); lp == prefix || strings.HasPrefix(lp, prefix+"/") {
			return "", "", invalid("from", "addresses starting "+prefix+" belong to the platform and cannot be redirected")
		}
	}
	query, err = canonicalQuery(rawQuery)
	if err != nil {
		return "", "", invalid("from", "the part of the old address after the ? cannot be read: check it, or copy it again from the old website")
	}
	if p == "/" && query == "" {
		return "", "", invalid("from", "the home page is always there: only an address of the home page with a query, like /?page_id=7, can be redirected")
	}
	return p, query, nil
}

// RedirectPathKey is the form in which a request's path (decoded, as
// Fiber's c.Path gives it) is compared with a redirect's FromPath: dot
// segments and runs of slashes cleaned, no trailing slash.
func RedirectPathKey(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	return path.Clean(p)
}

// canonicalQuery is a query string's parameters sorted by name, then
// value, in one encoding; "" for none.
func canonicalQuery(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return "", err
	}
	for _, vs := range q {
		slices.Sort(vs)
	}
	return q.Encode(), nil // Encode sorts by name
}

// hasControl reports whether s holds a control or space-like character
// other than a plain space.
func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r != ' ' && (unicode.IsControl(r) || unicode.IsSpace(r)) }) >= 0
}

// checkRedirectTarget checks where a redirect sends patients: a path of
// the site ("/about", with a query or fragment if need be) or an https URL.
func checkRedirectTarget(raw string) (string, error) {
	to := strings.TrimSpace(raw)
	const hint = "enter a page of this website starting with /, like /about, or a full address starting with https://"
	switch {
	case to == "":
		return "", invalid("to", "enter where the old address should go: "+hint[len("enter "):])
	case len(to) > maxRedirectLen:
		return "", invalid("to", fmt.Sprintf("use %d characters or fewer for the new address", maxRedirectLen))
	case !utf8.ValidString(to) || strings.IndexFunc(to, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0:
		return "", invalid("to", "a web address cannot contain spaces or invisible characters")
	case strings.Contains(to, `\`):
		return "", invalid("to", hint)
	case strings.HasPrefix(to, "/"):
		if strings.HasPrefix(to, "//") {
			return "", invalid("to", hint)
		}
		if _, err := url.Parse(to); err != nil {
			return "", invalid("to", "the new address cannot be read: check it")
		}
		return to, nil
	}
	u, err := url.Parse(to)
	switch {
	case err != nil:
		return "", invalid("to", "the new address cannot be read: check it")
	case strings.EqualFold(u.Scheme, "http"):
		return "", invalid("to", "use the https:// address: patients must not be sent to an insecure website")
	case !strings.EqualFold(u.Scheme, "https"):
		return "", invalid("to", hint)
	case u.Host == "" || u.Hostname() == "" || u.User != nil || u.Opaque != "":
		return "", invalid("to", "enter a full address with the name of the website, like https://www.nhs.uk/conditions/flu/")
	}
	if _, err := hostname.Normalize(u.Host); err != nil {
		return "", invalid("to", "the name of the website in the new address is not a valid one: check it")
	}
	return to, nil
}

// target is a redirect's To on the site, in the form a request for it
// arrives: the decoded path key and the raw query.
type target struct{ path, query string }

// siteTarget reads a To that is a path of the site; ok is false for an
// https URL.
func siteTarget(to string) (target, bool) {
	if !strings.HasPrefix(to, "/") {
		return target{}, false
	}
	to, _, _ = strings.Cut(to, "#")
	p, q, _ := strings.Cut(to, "?")
	if d, err := url.PathUnescape(p); err == nil {
		p = d
	}
	return target{path: RedirectPathKey(p), query: q}, true
}

// queryCovers reports whether a request with query rawQuery matches a
// redirect whose FromQuery is from: every parameter of from is in the
// request with the same value. "" covers every query.
func queryCovers(from, rawQuery string) bool {
	if from == "" {
		return true
	}
	want, err := url.ParseQuery(from)
	if err != nil {
		return false
	}
	got, err := url.ParseQuery(rawQuery)
	if err != nil {
		return false
	}
	return coversValues(want, got)
}

func coversValues(want, got url.Values) bool {
	for name, vs := range want {
		for _, v := range vs {
			if !slices.Contains(got[name], v) {
				return false
			}
		}
	}
	return true
}

// RedirectTable is a tenant's redirects arranged for answering requests:
// the site keeps one per tenant and generation. It is read-only once built
// and safe to share.
type RedirectTable struct {
	byPath map[string][]tableEntry
	n      int
}

// tableEntry is a redirect with its FromQuery parsed; entries of a path
// are kept most specific first (most parameters), the one without a query
// last.
type tableEntry struct {
	Redirect
	params url.Values
}

// NewRedirectTable arranges redirects for lookups.
func NewRedirectTable(rs []Redirect) *RedirectTable {
	t := &RedirectTable{byPath: make(map[string][]tableEntry, len(rs)), n: len(rs)}
	for _, r := range rs {
		e := tableEntry{Redirect: r}
		if r.FromQuery != "" {
			e.params, _ = url.ParseQuery(r.FromQuery)
		}
		t.byPath[r.FromPath] = append(t.byPath[r.FromPath], e)
	}
	for _, es := range t.byPath {
		slices.SortFunc(es, func(a, b tableEntry) int {
			if d := countValues(b.params) - countValues(a.params); d != 0 {
				return d
			}
			return int(a.ID - b.ID)
		})
	}
	return t
}

func countValues(v url.Values) int {
	n := 0
	for _, vs := range v {
		n += len(vs)
	}
	return n
}

// Len is the number of redirects in the table.
func (t *RedirectTable) Len() int { return t.n }

// Size is roughly how many bytes the table holds, for a cache's bound.
func (t *RedirectTable) Size() int {
	size := 64
	for p, es := range t.byPath {
		size += len(p) + 32
		for _, e := range es {
			size += len(e.FromPath) + 2*len(e.FromQuery) + len(e.To) + 96
		}
	}
	return size
}

// Match finds the redirect for a request of reqPath (decoded, as c.Path
// gives it) with query rawQuery: the most specific one whose FromQuery the
// query covers, else the one without a query. withQueryOnly leaves out
// redirects without a query (the lookup made before the page).
func (t *RedirectTable) Match(reqPath, rawQuery string, withQueryOnly bool) (Redirect, bool) {
	if t == nil || t.n == 0 {
		return Redirect{}, false
	}
	es := t.byPath[RedirectPathKey(reqPath)]
	if len(es) == 0 {
		return Redirect{}, false
	}
	var got url.Values
	if rawQuery != "" {
		got, _ = url.ParseQuery(rawQuery) // an unreadable query has no parameters to match
	}
	for _, e := range es {
		if e.FromQuery == "" {
			if withQueryOnly {
				continue
			}
			return e.Redirect, true
		}
		if got != nil && coversValues(e.params, got) {
			return e.Redirect, true
		}
	}
	return Redirect{}, false
}

// matchTarget finds a redirect, other than skip, that a request for a
// site target would meet.
func (t *RedirectTable) matchTarget(to string, skip int64) (Redirect, bool) {
	tg, ok := siteTarget(to)
	if !ok {
		return Redirect{}, false
	}
	for _, e := range t.byPath[tg.path] {
		if e.ID != 0 && e.ID == skip {
			continue
		}
		if e.FromQuery == "" || queryCovers(e.FromQuery, tg.query) {
			return e.Redirect, true
		}
	}
	return Redirect{}, false
}

// Redirects lists the tenant's redirects by old address.
func (t *TenantDB) Redirects() ([]Redirect, error) {
	var rs []Redirect
	err := t.scoped.Order("from_path, from_query, id").Find(&rs).Error
	return rs, translate("list redirects", err)
}

// RedirectTable loads the tenant's redirects for lookups.
func (t *TenantDB) RedirectTable() (*RedirectTable, error) {
	rs, err := t.Redirects()
	if err != nil {
		return nil, err
	}
	return NewRedirectTable(rs), nil
}

// LookupRedirect finds the redirect for a request of reqPath (decoded)
// with the raw query string rawQuery; ErrNotFound when there is none. The
// site answers from a cached RedirectTable instead; this reads the table
// afresh.
func (t *TenantDB) LookupRedirect(reqPath, rawQuery string) (Redirect, error) {
	table, err := t.RedirectTable()
	if err != nil {
		return Redirect{}, err
	}
	r, ok := table.Match(reqPath, rawQuery, false)
	if !ok {
		return Redirect{}, fmt.Errorf("models: redirect from %s: %w", reqPath, ErrNotFound)
	}
	return r, nil
}

// RedirectByID returns one of the tenant's redirects; another tenant's id
// is ErrNotFound.
func (t *TenantDB) RedirectByID(id int64) (Redirect, error) {
	var r Redirect
	err := t.scoped.Where("id = ?", id).Take(&r).Error
	return r, translate(fmt.Sprintf("redirect %d", id), err)
}

// RedirectByFrom returns the redirect from an old address, as typed (it is
// normalised as RedirectInput says).
func (t *TenantDB) RedirectByFrom(from string) (Redirect, error) {
	p, q, err := normaliseFrom(from)
	if err != nil {
		return Redirect{}, err
	}
	var r Redirect
	err = t.scoped.Where("from_path = ? AND from_query = ?", p, q).Take(&r).Error
	return r, translate("redirect from "+from, err)
}

// checkRedirectChains refuses r (stored with id r.ID, 0 when new) among
// the tenant's other redirects in table: one whose target is itself an old
// address (a loop when it leads back, a chain otherwise), and one whose old
// address is the target of another.
func checkRedirectChains(table *RedirectTable, all []Redirect, r Redirect) error {
	if next, ok := table.matchTarget(r.To, r.ID); ok {
		self := NewRedirectTable([]Redirect{r})
		if _, back := self.matchTarget(next.To, 0); back {
			return invalid("to", fmt.Sprintf("%s already redirects to %s: this would send patients round in a loop", next.From(), next.To))
		}
		return invalid("to", fmt.Sprintf("%s is itself redirected to %s: point this redirect at %s instead, so patients get there in one step", next.From(), next.To, next.To))
	}
	self := NewRedirectTable([]Redirect{r})
	for _, x := range all {
		if x.ID == r.ID && r.ID != 0 {
			continue
		}
		if _, ok := self.matchTarget(x.To, 0); ok {
			return invalid("from", fmt.Sprintf("the redirect from %s already sends patients to %s: change that redirect to go to %s instead, rather than adding a second step", x.From(), x.To, r.To))
		}
	}
	return nil
}

// PutRedirect adds a redirect (id 0) or changes one. Loops and chains are
// refused, as are targets off the site that are not https: a
// *ValidationError names the field ("from", "to", "status"). The old
// address leaves the list of missing addresses.
func (t *TenantDB) PutRedirect(by Actor, id int64, in RedirectInput) (Redirect, error) {
	r, err := ParseRedirect(in)
	if err != nil {
		return Redirect{}, err
	}
	r.ID, r.TenantID = id, t.tenantID
	err = t.changeAudited(by, func(tx *TenantDB) error {
		all, err := tx.Redirects()
		if err != nil {
			return err
		}
		var stored *Redirect
		for i := range all {
			x := all[i]
			if x.ID == id {
				stored = &all[i]
				continue
			}
			if x.FromPath == r.FromPath && x.FromQuery == r.FromQuery {
				return invalid("from", fmt.Sprintf("there is already a redirect from %s (to %s): change that one instead", x.From(), x.To))
			}
		}
		if id != 0 && stored == nil {
			return ErrNotFound
		}
		if id == 0 && len(all) >= MaxRedirects {
			return invalid("from", fmt.Sprintf("the site has %d redirects, the most it can have: remove some you no longer need", MaxRedirects))
		}
		if err := checkRedirectChains(NewRedirectTable(all), all, r); err != nil {
			return err
		}
		now := time.Now().UTC()
		action := AuditRedirectAdd
		if stored != nil {
			if stored.FromPath == r.FromPath && stored.FromQuery == r.FromQuery && stored.To == r.To && stored.Status == r.Status {
				r = *stored
				return errUnchanged
			}
			action = AuditRedirectUpdate
			r.CreatedAt, r.UpdatedAt = stored.CreatedAt, now
			if stored.Source != "" && in.Source == "" {
				r.Source = stored.Source
			}
			err = tx.scoped.Model(&Redirect{}).Where("id = ?", id).Updates(map[string]any{
				"from_path": r.FromPath, "from_query": r.FromQuery, "target": r.To, "status": r.Status,
				"source": r.Source, "updated_at": now}).Error
		} else {
			r.CreatedAt, r.UpdatedAt = now, now
			err = tx.scoped.Create(&r).Error
		}
		if err != nil {
			return err
		}
		return tx.audit(action, redirectSubject(r))
	})
	return r, translate("save redirect", err)
}

// RemoveRedirect deletes one of the tenant's redirects, audited by by.
func (t *TenantDB) RemoveRedirect(by Actor, id int64) error {
	return deleteByID(t, by, "redirect", id, AuditRedirectRemove, redirectSubject, nil)
}

// RedirectLineError is AddRedirects refusing the input at Index (from 0):
// nothing was written. Err is a *ValidationError naming the field.
type RedirectLineError struct {
	Index int
	Err   error
}

func (e *RedirectLineError) Error() string {
	return fmt.Sprintf("redirect %d: %v", e.Index+1, e.Err)
}

// Unwrap lets errors.As find the *ValidationError.
func (e *RedirectLineError) Unwrap() error { return e.Err }

// AddRedirects adds many redirects in one audited change (the site importer
// and CSV upload): a From that already redirects to the same To is
// skipped; one that redirects elsewhere is left as it is and reported.
// An input that is not valid, or that would make a loop or a chain with the
// tenant's redirects or the ones before it, refuses the whole batch with a
// *RedirectLineError naming it; so does going over MaxRedirects. An input
// whose To is its own From (an address the new site answers already, as
// "/about/" for "/about") is skipped and counted as unchanged.
func (t *TenantDB) AddRedirects(by Actor, in []RedirectInput) (RedirectsAdded, error) {
	var out RedirectsAdded
	parsed := make([]Redirect, len(in))
	self := make([]bool, len(in))
	for i, x := range in {
		r, err := ParseRedirect(x)
		var ve *ValidationError
		if errors.As(err, &ve) && ve.Field == "to" && strings.HasSuffix(ve.Message, "to itself") {
			self[i] = true
			continue
		}
		if err != nil {
			return out, &RedirectLineError{Index: i, Err: err}
		}
		r.TenantID = t.tenantID
		parsed[i] = r
	}
	err := t.changeAudited(by, func(tx *TenantDB) error {
		out = RedirectsAdded{}
		all, err := tx.Redirects()
		if err != nil {
			return err
		}
		byFrom := make(map[[2]string]Redirect, len(all)+len(parsed))
		for _, x := range all {
			byFrom[[2]string{x.FromPath, x.FromQuery}] = x
		}
		var added []Redirect
		for i, r := range parsed {
			if self[i] {
				out.Unchanged++
				continue
			}
			if x, ok := byFrom[[2]string{r.FromPath, r.FromQuery}]; ok {
				if x.To == r.To && x.Status == r.Status {
					out.Unchanged++
				} else {
					out.Conflicts = append(out.Conflicts, in[i])
				}
				continue
			}
			if err := checkRedirectChains(NewRedirectTable(all), all, r); err != nil {
				return &RedirectLineError{Index: i, Err: err}
			}
			if len(all) >= MaxRedirects {
				return &RedirectLineError{Index: i, Err: invalid("from", fmt.Sprintf("the site can have at most %d redirects", MaxRedirects))}
			}
			r.ID = -int64(i + 1) // tells the batch's own rows apart until they are stored
			all = append(all, r)
			byFrom[[2]string{r.FromPath, r.FromQuery}] = r
			added = append(added, r)
		}
		out.Added = len(added)
		if len(added) == 0 {
			return errUnchanged
		}
		now := time.Now().UTC()
		for i := range added {
			added[i].ID, added[i].CreatedAt, added[i].UpdatedAt = 0, now, now
		}
		if err := tx.scoped.CreateInBatches(&added, 200).Error; err != nil {
			return err
		}
		subject := fmt.Sprintf("%d redirects (%s)", len(added), added[0].Source)
		if len(added) == 1 {
			subject = redirectSubject(added[0])
		}
		return tx.audit(AuditRedirectAdd, subject)
	})
	if err != nil {
		return RedirectsAdded{}, translate("add redirects", err)
	}
	return out, nil
}

// RedirectsAdded says what AddRedirects did.
type RedirectsAdded struct {
	Added, Unchanged int
	Conflicts        []RedirectInput // a From that already goes elsewhere
}

// Missing addresses: the paths of a tenant's site that patients asked for
// and got a 404, so the admin can suggest a redirect. They are the
// analytics' daily 404 counts (KindNotFound in analytics_daily, written in
// the analytics' batched flush): the Redirects page and Insights read one
// store. Paths a redirect now answers are left out, and a path the manager
// dismissed counts only its 404s on later days.

// MissingWindow is how many days, today included, the list of missing
// addresses adds up.
const MissingWindow = 90

// missingCandidates bounds the paths read before those a redirect answers
// are left out.
const missingCandidates = 1000

// MissingAddress is a path of the tenant's site that answered 404 within
// MissingWindow days, with how often and the last (London) day it did, at
// midnight UTC.
type MissingAddress struct {
	Path     string
	Hits     int64
	LastSeen time.Time
}

// missingSince is the first London day the list adds up at now.
func missingSince(now time.Time) time.Time {
	return dateOnly(now.In(hours.Location())).AddDate(0, 0, -(MissingWindow - 1))
}

// missingQuery is the tenant's 404 counts from since on that are not
// dismissed, grouped by path.
func (t *TenantDB) missingQuery(since time.Time) *gorm.DB {
	day := "analytics_daily.day"
	if t.db.dialect == SQLite {
		day = "substr(analytics_daily.day, 1, 10)"
	}
	return t.scoped.Table("analytics_daily").
		Where("kind = ? AND key <> '' AND key <> ? AND day >= ?", KindNotFound, OtherKey, dayKey(since)).
		Where("NOT EXISTS (SELECT 1 FROM dismissed_paths d WHERE d.tenant_id = analytics_daily.tenant_id AND d.path = analytics_daily.key AND d.dismissed_on >= " + day + ")")
}

// MissingAddresses lists the tenant's missing addresses as of now, most
// asked for first (at most limit; 0 is 50).
func (t *TenantDB) MissingAddresses(now time.Time, limit int) ([]MissingAddress, error) {
	if limit <= 0 {
		limit = 50
	}
	dayText := "to_char(day, 'YYYY-MM-DD')"
	if t.db.dialect == SQLite {
		dayText = "substr(day, 1, 10)"
	}
	var rows []struct {
		Key     string
		N       int64
		LastDay string
	}
	err := t.missingQuery(missingSince(now)).
		Select("key, SUM(n) AS n, MAX(" + dayText + ") AS last_day").
		Group("key").Order("n DESC, last_day DESC, key").Limit(missingCandidates).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("models: list missing addresses: %w", markUnavailable(err))
	}
	table, err := t.RedirectTable()
	if err != nil {
		return nil, err
	}
	var out []MissingAddress
	for _, r := range rows {
		if _, redirected := table.Match(r.Key, "", false); redirected {
			continue
		}
		last, err := time.Parse(time.DateOnly, r.LastDay)
		if err != nil {
			return nil, fmt.Errorf("models: list missing addresses: day %q: %w", r.LastDay, err)
		}
		out = append(out, MissingAddress{Path: r.Key, Hits: r.N, LastSeen: last})
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

// DismissNotFound takes a path off the list of missing addresses as of now
// (the manager has seen it and needs no redirect), audited by by: it comes
// back only if it answers 404 on a later day. A path not on the list is
// ErrNotFound.
func (t *TenantDB) DismissNotFound(by Actor, p string, now time.Time) error {
	today := dateOnly(now.In(hours.Location()))
	err := t.changeAudited(by, func(tx *TenantDB) error {
		var listed int64
		if err := tx.missingQuery(missingSince(now)).Where("key = ?", p).Count(&listed).Error; err != nil {
			return err
		}
		if listed == 0 {
			return ErrNotFound
		}
		err := tx.plain().Exec(`INSERT INTO dismissed_paths (tenant_id, path, dismissed_on) VALUES (?, ?, ?)
			ON CONFLICT (tenant_id, path) DO UPDATE SET dismissed_on = excluded.dismissed_on`, tx.tenantID, p, dayKey(today)).Error
		if err != nil {
			return err
		}
		return tx.audit(AuditNotFoundRemove, p)
	})
	return translate("dismiss missing address", err)
}
