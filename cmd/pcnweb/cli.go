package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os/user"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pcnweb/pcnweb/internal/hostname"
	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/internal/richtext"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
)

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// tenantJSON is the --json shape of a tenant.
type tenantJSON struct {
	ID           int64    `json:"id"`
	Slug         string   `json:"slug"`
	Name         string   `json:"name"`
	ODSCode      string   `json:"ods_code"`
	Status       string   `json:"status"`
	StatusReason string   `json:"status_reason,omitempty"`
	Theme        string   `json:"theme"`
	Domains      []string `json:"domains"`
	PrimaryHost  string   `json:"primary_domain,omitempty"`
	URLs         []string `json:"urls"`
	// Launched: the public host shows the full site, not the holding page
	// of a tenant not launched yet; LaunchedAt says since when.
	Launched   bool       `json:"launched"`
	LaunchedAt *time.Time `json:"launched_at,omitempty"`
}

func (e *env) tenantView(t models.Tenant) tenantJSON {
	v := tenantJSON{ID: t.ID, Slug: t.Slug, Name: t.Name, ODSCode: t.ODSCode, Status: string(t.Status), StatusReason: t.StatusReason,
		Theme: t.Theme, Domains: []string{}, PrimaryHost: t.PrimaryDomain(), URLs: e.tenantURLs(t), Launched: t.Launched(), LaunchedAt: t.LaunchedAt}
	for _, d := range t.Domains {
		v.Domains = append(v.Domains, d.Host)
	}
	return v
}

// tenantURLs lists where a tenant's site answers, platform host first.
func (e *env) tenantURLs(t models.Tenant) []string {
	port := e.listenPort
	if port == "" {
		_, port, _ = net.SplitHostPort(e.cfg.Addr)
	}
	port = e.cfg.publicPort(port)
	u := func(h string) string {
		if port != "" {
			h += ":" + port
		}
		return e.cfg.scheme() + "://" + h + "/"
	}
	urls := []string{u(tenants.PlatformHost(t.Slug, e.cfg.BaseDomain))}
	for _, d := range t.Domains {
		urls = append(urls, u(d.Host))
	}
	return urls
}

func (e *env) tenant(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("tenant: say create, list, show, launch, suspend, resume or rename")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("tenant "+sub, flag.ContinueOnError)
	var (
		slug    = fs.String("slug", "", "tenant slug (its subdomain)")
		name    = fs.String("name", "", "display name")
		ods     = fs.String("ods", "", "ODS code of the PCN")
		theme   = fs.String("theme", "default", "theme")
		reason  = fs.String("reason", "", "why the site is suspended")
		asJSON  = fs.Bool("json", false, "print JSON")
		domains stringList
	)
	fs.Var(&domains, "domain", "custom domain (repeatable)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	needSlug := func() (string, error) {
		if len(pos) != 1 {
			return "", usagef("tenant %s: give exactly one tenant slug", sub)
		}
		return pos[0], nil
	}
	p, _, err := e.open(ctx, nil, nil)
	if err != nil {
		return err
	}
	defer p.close()
	db := p.db
	switch sub {
	case "create":
		if len(pos) > 0 {
			return usagef("tenant create: unexpected argument %q", pos[0])
		}
		hosts := make([]string, 0, len(domains))
		for _, d := range domains {
			h, err := hostname.Normalize(d)
			if err != nil {
				return usagef("tenant create: --domain %q is not a valid host name", d)
			}
			hosts = append(hosts, h)
		}
		t, err := db.CreateTenant(ctx, models.NewTenant{Slug: *slug, Name: *name, ODSCode: strings.ToUpper(*ods), Theme: *theme, Domains: hosts})
		if err != nil {
			return describe(err, "tenant "+*slug)
		}
		if err := e.audit(ctx, db, "tenant.create", &t, t.Name); err != nil {
			return err
		}
		return e.printTenant(t, *asJSON, "created")
	case "list":
		ts, err := db.ListTenants(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			out := make([]tenantJSON, 0, len(ts))
			for _, t := range ts {
				out = append(out, e.tenantView(t))
			}
			return writeJSON(e.stdout, out)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SLUG\tNAME\tODS\tSTATUS\tLAUNCHED\tDOMAINS")
		for _, t := range ts {
			v := e.tenantView(t)
			launched := "no"
			if v.Launched {
				launched = "yes"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", v.Slug, v.Name, dash(v.ODSCode), v.Status, launched, dash(strings.Join(v.Domains, ", ")))
		}
		return tw.Flush()
	case "show":
		s, err := needSlug()
		if err != nil {
			return err
		}
		t, err := db.TenantBySlug(ctx, s)
		if err != nil {
			return describe(err, "tenant "+s)
		}
		return e.printTenant(t, *asJSON, "")
	case "suspend", "resume":
		s, err := needSlug()
		if err != nil {
			return err
		}
		status := models.StatusSuspended
		if sub == "resume" {
			status = models.StatusActive
		}
		t, err := db.SetTenantStatus(ctx, s, status, *reason)
		if err != nil {
			return describe(err, "tenant "+s)
		}
		if err := e.audit(ctx, db, "tenant."+sub, &t, *reason); err != nil {
			return err
		}
		return e.printTenant(t, *asJSON, map[string]string{"suspend": "suspended", "resume": "resumed"}[sub])
	case "rename":
		s, err := needSlug()
		if err != nil {
			return err
		}
		if *slug == "" {
			return usagef("tenant rename: --slug NEW is required")
		}
		t, err := db.RenameTenant(ctx, s, *slug)
		if err != nil {
			return describe(err, "tenant "+s)
		}
		if err := e.audit(ctx, db, "tenant.rename", &t, s+" → "+t.Slug); err != nil {
			return err
		}
		return e.printTenant(t, *asJSON, "renamed "+s+" to")
	case "launch":
		s, err := needSlug()
		if err != nil {
			return err
		}
		t, err := db.LaunchTenant(ctx, s, e.actor(), time.Now())
		if errors.Is(err, models.ErrAlreadyLaunched) {
			// Nothing to do: said plainly, and not a failure, so a script
			// may launch a tenant without asking first.
			fmt.Fprintf(e.stdout, "%s was launched already, on %s; nothing changed\n", t.Slug, hours.FormatInstant(*t.LaunchedAt))
			return nil
		}
		if err != nil {
			return describe(err, "tenant "+s)
		}
		if err := e.audit(ctx, db, "tenant.launch", &t, ""); err != nil {
			return err
		}
		return e.printTenant(t, *asJSON, "launched")
	default:
		return usagef("tenant: unknown subcommand %q", sub)
	}
}

func (e *env) printTenant(t models.Tenant, asJSON bool, verb string) error {
	v := e.tenantView(t)
	if asJSON {
		return writeJSON(e.stdout, v)
	}
	if verb != "" {
		fmt.Fprintf(e.stdout, "%s %s (%s), status %s, %s\n", verb, v.Slug, v.Name, v.Status, launchState(t))
	} else {
		fmt.Fprintf(e.stdout, "%s (%s)\n  status:  %s %s\n  site:    %s\n  ods:     %s\n  theme:   %s\n", v.Slug, v.Name, v.Status, v.StatusReason, launchState(t), dash(v.ODSCode), v.Theme)
	}
	for _, u := range v.URLs {
		fmt.Fprintf(e.stdout, "  %s\n", u)
	}
	return nil
}

// launchState says whether the tenant's site is launched, for the terminal.
func launchState(t models.Tenant) string {
	if t.LaunchedAt == nil {
		return "not launched (holding page; pcnweb tenant launch " + t.Slug + ")"
	}
	return "launched " + hours.FormatInstant(*t.LaunchedAt)
}

func (e *env) domain(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("domain: say add or remove")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("domain "+sub, flag.ContinueOnError)
	primary := fs.Bool("primary", false, "make it the host the others redirect to")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	var raw string
	switch {
	case sub == "add" && len(pos) == 2:
		raw = pos[1]
	case sub == "remove" && len(pos) == 1:
		raw = pos[0]
	case sub == "add":
		return usagef("domain add: usage: pcnweb domain add TENANT HOST [--primary]")
	case sub == "remove":
		return usagef("domain remove: usage: pcnweb domain remove HOST")
	default:
		return usagef("domain: unknown subcommand %q", sub)
	}
	host, err := hostname.Normalize(raw)
	if err != nil {
		return usagef("domain %s: %q is not a valid host name", sub, raw)
	}
	if host == e.cfg.BaseDomain || strings.HasSuffix(host, "."+e.cfg.BaseDomain) || host == e.cfg.ConsoleHost {
		return usagef("domain %s: %s is under the platform's base domain %s; tenants answer there already", sub, host, e.cfg.BaseDomain)
	}
	p, _, err := e.open(ctx, nil, nil)
	if err != nil {
		return err
	}
	defer p.close()
	if sub == "add" {
		t, err := p.db.AddDomain(ctx, pos[0], host, *primary)
		if err != nil {
			return describe(err, "domain "+host)
		}
		action := "domain.add"
		if *primary {
			action = "domain.add_primary"
		}
		if err := e.audit(ctx, p.db, action, &t, host); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "added %s to %s%s\n", host, t.Slug, map[bool]string{true: " as its primary domain", false: ""}[*primary])
		return nil
	}
	t, err := p.db.RemoveDomain(ctx, host)
	if err != nil {
		return describe(err, "domain "+host)
	}
	if err := e.audit(ctx, p.db, "domain.remove", &t, host); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "removed %s from %s\n", host, t.Slug)
	return nil
}

func (e *env) page(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "put" {
		return usagef("page: usage: pcnweb page put --tenant S --path P --title T [--draft] < body.md")
	}
	fs := flag.NewFlagSet("page put", flag.ContinueOnError)
	var (
		slug  = fs.String("tenant", "", "tenant slug")
		path  = fs.String("path", "", "page path, like /about")
		title = fs.String("title", "", "page title")
		draft = fs.Bool("draft", false, "save without publishing")
	)
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("page put: unexpected argument %q (the body is read from stdin)", pos[0])
	case *slug == "":
		return usagef("page put: --tenant is required")
	case *path == "":
		return usagef("page put: --path is required")
	case *title == "":
		return usagef("page put: --title is required")
	}
	body, err := io.ReadAll(io.LimitReader(e.stdin, richtext.MaxSource+1))
	if err != nil {
		return fmt.Errorf("page put: read body from stdin: %w", err)
	}
	p, _, err := e.open(ctx, nil, nil)
	if err != nil {
		return err
	}
	defer p.close()
	t, err := p.db.TenantBySlug(ctx, *slug)
	if err != nil {
		return describe(err, "tenant "+*slug)
	}
	// PutPage writes the tenant's audit row in the transaction of the save.
	pg, err := p.db.ForTenant(ctx, t.ID).PutPage(models.PageInput{Path: *path, Title: *title, BodyMD: string(body), Draft: *draft, By: e.actor()})
	if err != nil {
		return describe(err, "page "+*path)
	}
	state := "published"
	if *draft {
		state = "saved as a draft"
	}
	fmt.Fprintf(e.stdout, "%s %s on %s\n", state, pg.Path, t.Slug)
	return nil
}

// actor is who the audit logs name for a change made from the command line:
// "cli:" and the operating-system user running it.
func (e *env) actor() models.Actor {
	name := ""
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	if name == "" {
		name = "unknown"
	}
	return models.Actor{Name: "cli:" + name}
}

// audit writes the operator audit log's row for a change made from the
// command line, as the console does for the same change. A change whose
// row cannot be written is reported as failed (the change itself stands).
func (e *env) audit(ctx context.Context, db *models.DB, action string, t *models.Tenant, subject string) error {
	if err := db.OperatorAudit(ctx, models.User{Email: e.actor().Name}, action, t, subject, "pcnweb "+strings.SplitN(action, ".", 2)[0]+" (command line)"); err != nil {
		return fmt.Errorf("%s done, but its audit row was not written: %w", action, err)
	}
	return nil
}

// describe turns domain errors into one-line reasons for the terminal.
func describe(err error, what string) error {
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		return usagef("%s: %s", ve.Field, ve.Message)
	case errors.Is(err, models.ErrNotFound):
		return usagef("%s does not exist", what)
	case errors.Is(err, models.ErrConflict):
		return usagef("%s already exists", what)
	}
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
