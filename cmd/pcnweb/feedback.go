package main

import (
	"context"
	"flag"
	"time"

	"github.com/pcnweb/pcnweb/internal/feedbackcsv"
	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
)

// feedback runs `pcnweb feedback export --tenant S [--since YYYY-MM-DD]`:
// the tenant's feedback responses as CSV on stdout, newest first, the same
// file as the admin's "Download CSV" (package feedbackcsv). --since is a
// UK date: responses received from the start of that day, London time.
func (e *env) feedback(ctx context.Context, args []string) error {
	const use = "feedback: usage: pcnweb feedback export --tenant S [--since YYYY-MM-DD]"
	if len(args) == 0 || args[0] != "export" {
		return usagef(use)
	}
	fs := flag.NewFlagSet("feedback export", flag.ContinueOnError)
	var (
		slug  = fs.String("tenant", "", "tenant slug")
		since = fs.String("since", "", "only responses received on or after this day (YYYY-MM-DD, UK time)")
	)
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("feedback export: unexpected argument %q (%s)", pos[0], use)
	case *slug == "":
		return usagef("feedback export: --tenant is required")
	}
	var f models.FeedbackFilter
	if *since != "" {
		d, err := hours.ParseDate(*since)
		if err != nil || !d.IsValid() {
			return usagef("feedback export: --since %q is not a date in the form YYYY-MM-DD", *since)
		}
		f.From = d.Start()
	}
	p, _, store, err := e.openTenant(ctx, *slug)
	if err != nil {
		return err
	}
	defer p.close()
	return feedbackcsv.Export(e.stdout, store, f, time.Now())
}
