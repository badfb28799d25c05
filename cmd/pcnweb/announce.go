package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
)

// announce runs `pcnweb announce add|list|end`: the platform-wide notice on
// every tenant's site (until the operator console has a form for it).
func (e *env) announce(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("announce: say add, list or end")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("announce "+sub, flag.ContinueOnError)
	var (
		title = fs.String("title", "", "the notice's heading")
		text  = fs.String("text", "", "what patients should know or do")
		from  = fs.String("from", "", `start, UK time: "2026-12-01 08:00" (default now)`)
		until = fs.String("until", "", `end, UK time: "2026-12-01 18:00"`)
		by    = fs.String("by", "", "who is adding it (recorded)")
	)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	now := time.Now()
	switch {
	case sub == "add" && len(pos) == 0:
		starts := now
		if *from != "" {
			if starts, err = parseUKTime(*from); err != nil {
				return usagef("announce add: --from: %v", err)
			}
		}
		if *until == "" {
			return usagef("announce add: --until is required (announcements always end)")
		}
		ends, err := parseUKTime(*until)
		if err != nil {
			return usagef("announce add: --until: %v", err)
		}
		return e.withDB(ctx, func(db *models.DB) error {
			createdBy := *by
			if createdBy == "" {
				createdBy = e.actor().Name
			}
			a, err := db.AddAnnouncement(ctx, models.Announcement{Title: *title, Body: *text, StartsAt: starts, EndsAt: ends, CreatedBy: createdBy})
			if err != nil {
				return describe(err, "announcement")
			}
			if err := e.audit(ctx, db, "announcement.add", nil, a.Title); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "announcement %d on every site from %s until %s\n", a.ID, hours.FormatInstant(a.StartsAt), hours.FormatInstant(a.EndsAt))
			return nil
		})
	case sub == "list" && len(pos) == 0:
		return e.withDB(ctx, func(db *models.DB) error {
			list, err := db.Announcements(ctx, now, 50)
			if err != nil {
				return err
			}
			for _, a := range list {
				state := "scheduled"
				switch {
				case !a.EndsAt.After(now):
					state = "ended"
				case !a.StartsAt.After(now):
					state = "showing"
				}
				fmt.Fprintf(e.stdout, "%-5d %-9s %s – %s  %s\n", a.ID, state, hours.FormatInstant(a.StartsAt), hours.FormatInstant(a.EndsAt), a.Title)
			}
			return nil
		})
	case sub == "end" && len(pos) == 1:
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil || id <= 0 {
			return usagef("announce end: %q is not an announcement number (see pcnweb announce list)", pos[0])
		}
		return e.withDB(ctx, func(db *models.DB) error {
			if err := db.EndAnnouncement(ctx, id, now); err != nil {
				return describe(err, "announcement "+pos[0])
			}
			if err := e.audit(ctx, db, "announcement.end", nil, "announcement "+pos[0]); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "announcement %d ended\n", id)
			return nil
		})
	case sub == "add", sub == "list", sub == "end":
		return usagef("announce %s: unexpected arguments %q", sub, strings.Join(pos, " "))
	default:
		return usagef("announce: unknown subcommand %q", sub)
	}
}

// withDB opens the store (and, with Redis configured, the invalidation bus,
// so running servers update at once) for one command.
func (e *env) withDB(ctx context.Context, fn func(db *models.DB) error) error {
	p, _, err := e.open(ctx, nil, nil)
	if err != nil {
		return err
	}
	defer p.close()
	return fn(p.db)
}

// parseUKTime reads "2006-01-02 15:04" (or with a T) in UK time.
func parseUKTime(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(s), hours.Location()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a UK date and time like 2026-12-01 08:00", s)
}
