package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/pcnweb/pcnweb/internal/media"
	"github.com/pcnweb/pcnweb/internal/safefetch"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/siteimport"
)

// importOptions are the site importer's, for serve's runner and the
// command line.
func (e *env) importOptions(db *models.DB, store media.Storage, images *media.Processor) siteimport.Options {
	return siteimport.Options{DB: db, Fetch: safefetch.Options{AllowPrivate: e.cfg.ImportAllowPrivate},
		Images: images, Media: store, Logger: e.log}
}

// importSite is `pcnweb import site --tenant S URL [--max-pages N]
// [--publish]`: it crawls an old website into the tenant.
func (e *env) importSite(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("import site", flag.ContinueOnError)
	var (
		slug     = fs.String("tenant", "", "tenant slug")
		maxPages = fs.Int("max-pages", models.DefaultImportPages, "pages to read at most")
		publish  = fs.Bool("publish", false, "publish what is imported instead of saving drafts")
	)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch {
	case *slug == "":
		return usagef("import site: --tenant is required\n%s", importUsage)
	case len(pos) != 1:
		return usagef("import site: give the old website's address, once\n%s", importUsage)
	case *maxPages < 1 || *maxPages > models.MaxImportPages:
		return usagef("import site: --max-pages must be from 1 to %d", models.MaxImportPages)
	}
	return e.runImport(ctx, *slug, models.ImportSite, pos[0], nil, *maxPages, *publish)
}

// importWordPress is `pcnweb import wordpress --tenant S FILE.xml
// [--publish]`.
func (e *env) importWordPress(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("import wordpress", flag.ContinueOnError)
	var (
		slug    = fs.String("tenant", "", "tenant slug")
		publish = fs.Bool("publish", false, "publish what is imported instead of saving drafts")
	)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch {
	case *slug == "":
		return usagef("import wordpress: --tenant is required\n%s", importUsage)
	case len(pos) != 1:
		return usagef("import wordpress: give one export file\n%s", importUsage)
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return usagef("import wordpress: %v", err)
	}
	defer f.Close()
	payload, err := io.ReadAll(io.LimitReader(f, models.MaxImportPayload+1))
	if err != nil {
		return usagef("import wordpress: read %s: %v", pos[0], err)
	}
	name := pos[0]
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return e.runImport(ctx, *slug, models.ImportWordPress, name, payload, 0, *publish)
}

// runImport queues the import as the command line's actor and runs it in
// this process (unless a server's runner claims it first: then it follows
// that one), with progress on stderr and the summary on stdout.
func (e *env) runImport(ctx context.Context, slug, kind, source string, payload []byte, maxPages int, publish bool) error {
	cmd := "import " + kind
	p, t, store, err := e.openTenant(ctx, slug)
	if err != nil {
		return err
	}
	defer p.close()
	job, err := store.QueueImport(e.actor(), kind, source, payload, maxPages, publish)
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		return usagef("%s: %s", cmd, ve.Message)
	case errors.Is(err, models.ErrImportBusy):
		return fmt.Errorf("%s: %s already has an import queued or running; wait for it to finish (see the admin panel's Import page)", cmd, slug)
	case err != nil:
		return err
	}
	mediaStore, err := media.NewDir(e.cfg.MediaDir)
	if err != nil {
		return fmt.Errorf("PCNWEB_MEDIA_DIR: %w", err)
	}
	o := e.importOptions(p.db, mediaStore, media.NewProcessor(media.ProcessorOptions{Decodes: e.cfg.MediaDecodes}))
	o.Holder = "cli-" + siteimport.NewHolder()
	last := ""
	say := func(s string) {
		if s != last && s != "" {
			fmt.Fprintln(e.stderr, s)
			last = s
		}
	}
	claimed, err := p.db.ClaimImportJobByID(ctx, job.ID, o.Holder, time.Now(), siteimport.DefaultLeaseTTL)
	if err != nil {
		return err
	}
	if claimed != nil {
		if err := siteimport.RunClaimed(ctx, o, *claimed, say); err != nil {
			return fmt.Errorf("%s: %w", cmd, err)
		}
	} else { // a server's runner took it: follow it
		for {
			j, err := store.ImportJobByID(job.ID)
			if err != nil {
				return err
			}
			say(j.Progress)
			if j.Status == models.ImportDone || j.Status == models.ImportFailed {
				break
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Second):
			}
		}
	}
	done, err := store.ImportJobByID(job.ID)
	if err != nil {
		return err
	}
	if done.Status == models.ImportFailed {
		return fmt.Errorf("%s: %s", cmd, done.Error)
	}
	rep, err := done.ReportData()
	if err != nil {
		return err
	}
	writeImportSummary(e.stdout, t.Slug, rep)
	if !rep.Unchanged && len(rep.Pages)+len(rep.News)+len(rep.Media) == 0 {
		return fmt.Errorf("%s: nothing was imported from %s (see what was skipped above)", cmd, source)
	}
	return nil
}

// writeImportSummary prints what an import did, then the lists a manager
// should look at.
func writeImportSummary(w io.Writer, slug string, rep models.ImportReport) {
	counts := func(items []models.ImportedItem) string {
		n := map[string]int{}
		for _, it := range items {
			n[it.Result]++
		}
		return fmt.Sprintf("%d created, %d updated, %d unchanged, %d renamed, %d kept as edited on the site",
			n[models.ImportCreated], n[models.ImportUpdated], n[models.ImportUnchanged], n[models.ImportRenamed], n[models.ImportKept])
	}
	state := "as drafts: review and publish them in the admin panel (Import)"
	if rep.Publish {
		state = "published"
	}
	fmt.Fprintf(w, "imported %s into %s, %s\n", rep.Source, slug, state)
	fmt.Fprintf(w, "pages:     %s\n", counts(rep.Pages))
	fmt.Fprintf(w, "news:      %s\n", counts(rep.News))
	newMedia := 0
	for _, m := range rep.Media {
		if m.Result == models.ImportCreated {
			newMedia++
		}
	}
	fmt.Fprintf(w, "media:     %d files, %d new in the library\n", len(rep.Media), newMedia)
	if rep.Publish {
		fmt.Fprintf(w, "redirects: %d from old addresses\n", len(rep.Redirects))
	} else {
		fmt.Fprintf(w, "redirects: %d now; the old addresses redirect once their pages are published\n", len(rep.Redirects))
	}
	fmt.Fprintf(w, "images without alt text: %d\n", len(rep.NoAlt))
	fmt.Fprintf(w, "dropped:   %d (forms, embedded videos, widgets … that cannot come across)\n", len(rep.Dropped))
	fmt.Fprintf(w, "found:     %d (content the platform has its own place for)\n", len(rep.Found))
	fmt.Fprintf(w, "skipped:   %d\n", len(rep.Skipped))
	if rep.Stopped != "" {
		fmt.Fprintf(w, "stopped early: %s\n", rep.Stopped)
	}
	if rep.Unchanged {
		fmt.Fprintln(w, "nothing changed: this source was imported already")
	}
	fmt.Fprintf(w, "took %s\n", rep.Duration.Round(time.Millisecond))
	for _, it := range append(append([]models.ImportedItem{}, rep.Pages...), rep.News...) {
		if it.Result == models.ImportRenamed || it.Result == models.ImportKept {
			fmt.Fprintf(w, "  %s: %s → %s (%s)\n", it.Result, it.Source, it.Target, it.Note)
		}
	}
	for _, l := range []struct {
		name  string
		notes []models.ImportNote
	}{{"no alt text", rep.NoAlt}, {"dropped", rep.Dropped}, {"found", rep.Found}, {"skipped", rep.Skipped}} {
		for _, n := range l.notes {
			where := ""
			if n.Page != "" {
				where = " on " + n.Page
			}
			fmt.Fprintf(w, "  %s%s: %s %s\n", l.name, where, n.Kind, n.Detail)
		}
	}
}
