package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/pcnweb/pcnweb/internal/ods"
)

const importUsage = "import: usage: pcnweb import ods FILE... (the ePCN workbook as .xlsx or as the ePCN.zip that holds it, or its reports as CSV; and epraccur.csv or epraccur.zip)\n" +
	"       pcnweb import site --tenant S URL [--max-pages N] [--publish] (crawl an old website into the tenant, as drafts unless --publish)\n" +
	"       pcnweb import wordpress --tenant S FILE.xml [--publish] (a WordPress export: Tools → Export → All content)"

// importCmd is `pcnweb import ods|site|wordpress …` (import_site.go has
// the last two).
func (e *env) importCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef(importUsage)
	}
	switch args[0] {
	case "ods":
		return e.importODS(ctx, args[1:])
	case "site":
		return e.importSite(ctx, args[1:])
	case "wordpress":
		return e.importWordPress(ctx, args[1:])
	}
	return usagef(importUsage)
}

// importODS is `pcnweb import ods FILE...`: it creates or updates a tenant
// for every open PCN and its member practices from the NHS ODS files. Bad
// input exits 2 with the file, row and column at fault; the database is
// written in one transaction, so it is left as it was on any error.
func (e *env) importODS(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("import ods", flag.ContinueOnError)
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef(importUsage)
	}
	start := time.Now()
	data, err := ods.Load(files...)
	if err != nil {
		return usagef("import ods: %v", err)
	}
	parsed := time.Since(start)
	p, _, err := e.open(ctx, nil, nil)
	if err != nil {
		return err
	}
	defer p.close()
	rep, err := p.db.ImportODS(ctx, data, time.Now())
	if err != nil {
		return err
	}
	e.log.Info("ods import", "files", len(files), "tenants_created", rep.TenantsCreated, "tenants_updated", rep.TenantsUpdated,
		"practices_created", rep.PracticesCreated, "practices_updated", rep.PracticesUpdated, "duration_ms", time.Since(start).Milliseconds())
	fmt.Fprintf(e.stdout, "tenants:   %d created, %d updated, %d unchanged\n", rep.TenantsCreated, rep.TenantsUpdated, rep.TenantsUnchanged)
	fmt.Fprintf(e.stdout, "practices: %d created, %d updated, %d unchanged, %d marked as having left their PCN\n",
		rep.PracticesCreated, rep.PracticesUpdated, rep.PracticesUnchanged, rep.PracticesLeft)
	fmt.Fprintf(e.stdout, "closed PCNs: %d skipped (no tenant), %d tenants closed now, %d closed already, %d reopened\n",
		rep.PCNsSkipped, rep.TenantsClosed, rep.TenantsStillClosed, rep.TenantsReopened)
	if rep.TenantsNotInFile > 0 {
		fmt.Fprintf(e.stdout, "not in the file: %d tenants made from ODS whose PCN the file does not list, left as they are (check them with the console)\n", rep.TenantsNotInFile)
	}
	fmt.Fprintf(e.stdout, "read the files in %s, imported in %s\n", parsed.Round(time.Millisecond), (time.Since(start) - parsed).Round(time.Millisecond))
	return nil
}
