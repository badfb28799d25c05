package models

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/pcnweb/pcnweb/internal/hours"
)

// The kinds of figure the analytics count (DailyCount.Kind).
const (
	KindView       = "view"        // a page view; key: the page's path
	KindReferrer   = "referrer"    // a view that came from another site; key: its domain
	KindSearch     = "search"      // a search; key: the normalised term
	KindSearchNone = "search-none" // a search that found nothing (also counted as a search)
	KindNotFound   = "404"         // a path that answered 404
)

// OtherKey holds what a replica counted beyond its cap of distinct keys
// per tenant and flush; it is ranked with the other keys.
const OtherKey = "(other)"

// Bounds on a key's length in characters, by kind; AddCounts cuts longer
// keys (the counter normalises them before, so this is the last guard).
const (
	MaxPathKey     = 300
	MaxSearchKey   = 100
	MaxReferrerKey = 253
)

// countsRetention is how long the per-key detail is kept: older days keep
// only their totals per kind (RollUpCounts).
const countsRetention = 13 // months

// DailyCount is a number to add to one tenant's figure for one day.
type DailyCount struct {
	TenantID int64
	// Day is the London calendar date counted; only its year, month and
	// day are used.
	Day  time.Time
	Kind string // KindView, KindReferrer, KindSearch, KindSearchNone or KindNotFound
	Key  string
	N    int64
}

// Count is one key's total over a range.
type Count struct {
	Key string
	N   int64
}

// DayViews is one day's page views; Day is the calendar date at midnight UTC.
type DayViews struct {
	Day   time.Time
	Views int64
}

// Insights is what a manager reads about the site over a range of days.
type Insights struct {
	From, To   time.Time // the calendar dates, both included, at midnight UTC
	TotalViews int64
	Days       []DayViews // every day from From to To, zero-filled
	// The most frequent keys first (ties by key), at most top of each;
	// rolled-up days (older than 13 months) add to TotalViews and Days but
	// not to these.
	TopPages, TopReferrers, TopSearches, NoResultSearches, NotFound []Count
}

// TenantViews is one tenant's page views and 404s over a range.
type TenantViews struct {
	TenantID        int64
	Views, NotFound int64
}

// dateOnly is the calendar date of t (its own zone's Y-M-D) at midnight UTC.
func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dayKey is how a day is stored and compared: "2006-01-02" (a DATE in
// PostgreSQL, sortable text in SQLite).
func dayKey(t time.Time) string { return t.Format(time.DateOnly) }

// maxKey is the longest key a kind keeps, in characters.
func maxKey(kind string) int {
	switch kind {
	case KindSearch, KindSearchNone:
		return MaxSearchKey
	case KindReferrer:
		return MaxReferrerKey
	default:
		return MaxPathKey
	}
}

// CutKey shortens s to at most n characters, on a character boundary.
func CutKey(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i, count := 0, 0
	for i < len(s) && count < n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	return strings.ToValidUTF8(s[:i], "")
}

func validKind(k string) bool {
	switch k {
	case KindView, KindReferrer, KindSearch, KindSearchNone, KindNotFound:
		return true
	}
	return false
}

// countsPerStatement bounds one INSERT (5 parameters a row, well under
// both engines' limits).
const countsPerStatement = 500

// AddCounts adds a batch of counts to the stored daily figures, in one
// transaction: each row's n is added to what is there (n = n + new), so
// flushes from any number of replicas add up exactly. Rows for the same
// tenant, day, kind and key are merged first; zero and negative counts
// and unknown kinds are dropped; keys are cut to their kind's bound. Rows
// are written in key order so concurrent flushes never deadlock.
func (d *DB) AddCounts(ctx context.Context, batch []DailyCount) error {
	type rowKey struct {
		tenant          int64
		day, kind, text string
	}
	sums := make(map[rowKey]int64, len(batch))
	for _, c := range batch {
		if c.N <= 0 || c.TenantID == 0 || !validKind(c.Kind) || c.Day.IsZero() {
			continue
		}
		k := rowKey{c.TenantID, dayKey(c.Day), c.Kind, CutKey(strings.ToValidUTF8(c.Key, ""), maxKey(c.Kind))}
		sums[k] += c.N
	}
	if len(sums) == 0 {
		return nil
	}
	keys := make([]rowKey, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b rowKey) int {
		return cmp.Or(cmp.Compare(a.tenant, b.tenant), strings.Compare(a.day, b.day),
			strings.Compare(a.kind, b.kind), strings.Compare(a.text, b.text))
	})
	err := d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for start := 0; start < len(keys); start += countsPerStatement {
			part := keys[start:min(start+countsPerStatement, len(keys))]
			var sql strings.Builder
			sql.WriteString("INSERT INTO analytics_daily (tenant_id, day, kind, key, n) VALUES ")
			args := make([]any, 0, 5*len(part))
			for i, k := range part {
				if i > 0 {
					sql.WriteString(", ")
				}
				sql.WriteString("(?, ?, ?, ?, ?)")
				args = append(args, k.tenant, k.day, k.kind, k.text, sums[k])
			}
			sql.WriteString(" ON CONFLICT (tenant_id, day, kind, key) DO UPDATE SET n = analytics_daily.n + excluded.n")
			if err := tx.Exec(sql.String(), args...).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("models: add counts: %w", markUnavailable(err))
	}
	return nil
}

// Insights reads the tenant's figures from one calendar date to another,
// both included (their Y-M-D are used), with at most top keys in each
// ranking (top <= 0 means 10).
func (t *TenantDB) Insights(from, to time.Time, top int) (Insights, error) {
	from, to = dateOnly(from), dateOnly(to)
	if to.Before(from) {
		from, to = to, from
	}
	if top <= 0 {
		top = 10
	}
	in := Insights{From: from, To: to}
	var days []struct {
		Day string
		N   int64
	}
	// The day is read as text in both engines so no driver guesses its zone.
	dayText := "to_char(day, 'YYYY-MM-DD')"
	if t.db.dialect == SQLite {
		dayText = "substr(day, 1, 10)"
	}
	err := t.scoped.Table("analytics_daily").
		Select(dayText+" AS day, SUM(n) AS n").
		Where("kind = ? AND day >= ? AND day <= ?", KindView, dayKey(from), dayKey(to)).
		Group("day").Scan(&days).Error
	if err != nil {
		return Insights{}, fmt.Errorf("models: insights: %w", markUnavailable(err))
	}
	byDay := make(map[string]int64, len(days))
	for _, d := range days {
		byDay[d.Day] = d.N
	}
	for day := from; !day.After(to); day = day.AddDate(0, 0, 1) {
		n := byDay[dayKey(day)]
		in.Days = append(in.Days, DayViews{Day: day, Views: n})
		in.TotalViews += n
	}
	for _, r := range []struct {
		kind string
		into *[]Count
	}{
		{KindView, &in.TopPages},
		{KindReferrer, &in.TopReferrers},
		{KindSearch, &in.TopSearches},
		{KindSearchNone, &in.NoResultSearches},
		{KindNotFound, &in.NotFound},
	} {
		var cs []Count
		err := t.scoped.Table("analytics_daily").
			Select("key, SUM(n) AS n").
			Where("kind = ? AND key <> '' AND day >= ? AND day <= ?", r.kind, dayKey(from), dayKey(to)).
			Group("key").Order("n DESC, key").Limit(top).Scan(&cs).Error
		if err != nil {
			return Insights{}, fmt.Errorf("models: insights %s: %w", r.kind, markUnavailable(err))
		}
		*r.into = cs
	}
	return in, nil
}

// PlatformViews is every tenant's page views and 404s from one calendar
// date to another, both included, for the operators' console; tenants
// with nothing counted are left out.
func (d *DB) PlatformViews(ctx context.Context, from, to time.Time) ([]TenantViews, error) {
	from, to = dateOnly(from), dateOnly(to)
	if to.Before(from) {
		from, to = to, from
	}
	var out []TenantViews
	err := d.gorm.WithContext(ctx).Table("analytics_daily").
		Select("tenant_id, SUM(CASE WHEN kind = ? THEN n ELSE 0 END) AS views, SUM(CASE WHEN kind = ? THEN n ELSE 0 END) AS not_found", KindView, KindNotFound).
		Where("kind IN ? AND day >= ? AND day <= ?", []string{KindView, KindNotFound}, dayKey(from), dayKey(to)).
		Group("tenant_id").Order("tenant_id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("models: platform views: %w", markUnavailable(err))
	}
	return out, nil
}

// RollUpCounts keeps the figures small: on days more than 13 months before
// now (London date), the per-key rows of each tenant and kind are folded
// into one row with key "" holding their sum. Totals per day stay exact
// (Insights' TotalViews and Days); rankings cover the last 13 months only.
// It reports how many detail rows it folded. Safe to run on several
// replicas at once and to run again.
func (d *DB) RollUpCounts(ctx context.Context, now time.Time) (int64, error) {
	y, m, _ := now.In(hours.Location()).Date()
	cutoff := dayKey(time.Date(y, m-countsRetention, 1, 0, 0, 0, 0, time.UTC))
	var folded int64
	err := d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if d.dialect == Postgres {
			// Deleting first and adding what was deleted makes a concurrent
			// roll-up fold each row once: the second waits on the first's
			// deletes and then no longer finds the rows.
			return tx.Raw(`WITH gone AS (
				DELETE FROM analytics_daily WHERE day < ? AND key <> '' RETURNING tenant_id, day, kind, n
			), added AS (
				INSERT INTO analytics_daily (tenant_id, day, kind, key, n)
				SELECT tenant_id, day, kind, '', SUM(n) FROM gone GROUP BY tenant_id, day, kind
				ON CONFLICT (tenant_id, day, kind, key) DO UPDATE SET n = analytics_daily.n + excluded.n
			)
			SELECT COUNT(*) FROM gone`, cutoff).Scan(&folded).Error
		}
		// SQLite has one writer at a time, so two statements are atomic here.
		if err := tx.Raw("SELECT COUNT(*) FROM analytics_daily WHERE day < ? AND key <> ''", cutoff).Scan(&folded).Error; err != nil {
			return err
		}
		if err := tx.Exec(`INSERT INTO analytics_daily (tenant_id, day, kind, key, n)
			SELECT tenant_id, day, kind, '', SUM(n) FROM analytics_daily WHERE day < ? AND key <> ''
			GROUP BY tenant_id, day, kind
			ON CONFLICT (tenant_id, day, kind, key) DO UPDATE SET n = analytics_daily.n + excluded.n`, cutoff).Error; err != nil {
			return err
		}
		return tx.Exec("DELETE FROM analytics_daily WHERE day < ? AND key <> ''", cutoff).Error
	})
	if err != nil {
		return 0, fmt.Errorf("models: roll up counts: %w", markUnavailable(err))
	}
	return folded, nil
}
