package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/models"
)

// tokenPrefix starts every API token, so that a leaked one is recognisable
// (secret scanners) and told apart from session tokens.
const tokenPrefix = "pcn_"

// token manages the operators' API tokens: create (printed once), list,
// revoke.
func (e *env) token(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("token: say create, list or revoke")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("token "+sub, flag.ContinueOnError)
	var (
		name    = fs.String("name", "", "what the token is for")
		expires = fs.String("expires", "", "last day it works (YYYY-MM-DD, UTC)")
		scopes  stringList
	)
	fs.Var(&scopes, "scope", "what it may do: "+strings.Join(models.APIScopes, ", ")+" (repeatable)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	var expiresAt *time.Time
	switch sub {
	case "create":
		if len(pos) > 0 {
			return usagef("token create: unexpected argument %q", pos[0])
		}
		if *expires != "" {
			day, err := time.Parse(time.DateOnly, *expires)
			if err != nil {
				return usagef("token create: --expires %q is not a date like 2027-01-01", *expires)
			}
			end := day.AddDate(0, 0, 1) // it works through the day given
			if !end.After(time.Now()) {
				return usagef("token create: --expires %s is in the past", *expires)
			}
			expiresAt = &end
		}
	case "list":
		if len(pos) > 0 {
			return usagef("token list: unexpected argument %q", pos[0])
		}
	case "revoke":
		if len(pos) != 1 {
			return usagef("token revoke: give exactly one token ID (see pcnweb token list)")
		}
	default:
		return usagef("token: unknown subcommand %q", sub)
	}
	p, _, err := e.open(ctx, nil, nil)
	if err != nil {
		return err
	}
	defer p.close()
	switch sub {
	case "create":
		token := tokenPrefix + auth.NewToken()
		t, err := p.db.CreateAPIToken(ctx, models.APIToken{Name: *name, TokenHash: auth.HashToken(token), Prefix: token[:8],
			Scopes: strings.Join(scopes, " "), CreatedBy: e.actor().Name, CreatedAt: time.Now().UTC(), ExpiresAt: expiresAt})
		if err != nil {
			return describe(err, "token "+*name)
		}
		if err := e.audit(ctx, p.db, "token.create", nil, t.Name+" ("+t.Prefix+"…, "+t.Scopes+")"); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created API token %d %q (%s)\n", t.ID, t.Name, t.Scopes)
		fmt.Fprintf(e.stdout, "%s\n", token)
		fmt.Fprintln(e.stderr, "Keep the token safe: it is shown only this once.")
		return nil
	case "list":
		ts, err := p.db.APITokens(ctx)
		if err != nil {
			return err
		}
		now := time.Now()
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tPREFIX\tSCOPES\tSTATE\tEXPIRES\tLAST USED")
		for _, t := range ts {
			state := "active"
			switch {
			case t.RevokedAt != nil:
				state = "revoked"
			case !t.Active(now):
				state = "expired"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Prefix, t.Scopes, state, tokenTime(t.ExpiresAt), tokenTime(t.LastUsedAt))
		}
		return tw.Flush()
	default: // revoke
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil || id <= 0 {
			return usagef("token revoke: %q is not a token ID (see pcnweb token list)", pos[0])
		}
		if err := p.db.RevokeAPIToken(ctx, id, time.Now()); err != nil {
			if errors.Is(err, models.ErrNotFound) {
				return usagef("token %d does not exist", id)
			}
			return err
		}
		if err := e.audit(ctx, p.db, "token.revoke", nil, "token "+pos[0]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "revoked API token %d\n", id)
		return nil
	}
}

func tokenTime(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}
