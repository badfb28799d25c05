package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/pcnweb/pcnweb/models"
)

const redirectUsage = "redirect: usage: pcnweb redirect add --tenant S FROM TO [--status 301|302] | pcnweb redirect list --tenant S | pcnweb redirect remove --tenant S FROM"

// redirectCmd is `pcnweb redirect add|list|remove --tenant S`: a tenant's
// redirects from the addresses of its old website, as the admin panel's
// Redirects page keeps them. Each change is audited in the tenant's log as
// the CLI actor and is seen by running servers at once.
func (e *env) redirectCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef(redirectUsage)
	}
	sub := args[0]
	fs := flag.NewFlagSet("redirect "+sub, flag.ContinueOnError)
	var (
		slug   = fs.String("tenant", "", "tenant slug")
		status = fs.Int("status", 301, "301 (moved for good) or 302 (moved for now)")
	)
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	switch {
	case sub == "add" && len(pos) != 2:
		return usagef("redirect add: give the old address and the new one: pcnweb redirect add --tenant S FROM TO [--status 302]")
	case sub == "list" && len(pos) != 0:
		return usagef("redirect list: unexpected argument %q", pos[0])
	case sub == "remove" && len(pos) != 1:
		return usagef("redirect remove: give the old address: pcnweb redirect remove --tenant S FROM")
	case sub != "add" && sub != "list" && sub != "remove":
		return usagef("redirect: unknown subcommand %q (add, list or remove)", sub)
	case *slug == "":
		return usagef("redirect %s: --tenant is required", sub)
	}
	p, t, store, err := e.openTenant(ctx, *slug)
	if err != nil {
		return err
	}
	defer p.close()
	switch sub {
	case "add":
		r, err := store.PutRedirect(e.actor(), 0, models.RedirectInput{From: pos[0], To: pos[1], Status: *status, Source: models.RedirectCLI})
		if err != nil {
			return describe(err, "redirect from "+pos[0])
		}
		fmt.Fprintf(e.stdout, "added %s → %s (%d) on %s\n", r.From(), r.To, r.Status, t.Slug)
		return nil
	case "remove":
		r, err := store.RedirectByFrom(pos[0])
		if err != nil {
			return describe(err, "redirect from "+pos[0])
		}
		if err := store.RemoveRedirect(e.actor(), r.ID); err != nil {
			return describe(err, "redirect from "+pos[0])
		}
		fmt.Fprintf(e.stdout, "removed %s → %s from %s\n", r.From(), r.To, t.Slug)
		return nil
	}
	rs, err := store.Redirects()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FROM\tTO\tSTATUS\tSOURCE")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", r.From(), r.To, r.Status, r.Source)
	}
	return tw.Flush()
}
