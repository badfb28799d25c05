package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/models"
)

// user runs `pcnweb user add --email E (--tenant S --role manager|editor | --operator)`.
// The password is the first line of stdin, never an argument.
func (e *env) user(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return usagef("user: usage: pcnweb user add --email E (--tenant S --role manager|editor | --operator) < password")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	var (
		email    = fs.String("email", "", "email address (the sign-in name)")
		slug     = fs.String("tenant", "", "tenant slug")
		role     = fs.String("role", "", "manager or editor")
		operator = fs.Bool("operator", false, "an operator account (all tenants)")
	)
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	addr := models.NormalizeEmail(*email)
	switch {
	case len(pos) > 0:
		// Not echoed: it may well be a password.
		return usagef("user add: unexpected argument (the password is read from stdin, never from the command line)")
	case addr == "":
		return usagef("user add: --email is required")
	case *operator && (*slug != "" || *role != ""):
		return usagef("user add: an operator belongs to no tenant: give --operator without --tenant and --role")
	case *operator:
	case *slug == "":
		return usagef("user add: --tenant is required")
	case !models.ValidRole(models.Role(*role)):
		return usagef("user add: --role must be manager or editor")
	}
	if err := models.ValidateEmail(addr); err != nil {
		return describe(err, "user "+addr)
	}
	password, err := readPassword(e.stdin)
	if err != nil {
		return err
	}
	if err := auth.CheckPassword(password, addr); err != nil {
		return usagef("user add: password: %v", err)
	}
	p, _, err := e.open(ctx, nil, nil)
	if err != nil {
		return err
	}
	defer p.close()
	if *operator {
		hash, err := auth.HashPassword(password)
		if err != nil {
			return err
		}
		if _, err := p.db.CreateOperator(ctx, addr, hash); err != nil {
			return describe(err, "user "+addr)
		}
		if err := e.audit(ctx, p.db, "user.add-operator", nil, addr); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created operator %s (two-factor authentication is set up at the first sign-in to the console)\n", addr)
		return nil
	}
	t, err := p.db.TenantBySlug(ctx, *slug)
	if err != nil {
		return describe(err, "tenant "+*slug)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	if _, err := p.db.CreateUser(ctx, models.NewUser{Email: addr, PasswordHash: hash, TenantID: t.ID, Role: models.Role(*role)}); err != nil {
		return describe(err, "user "+addr)
	}
	if err := e.audit(ctx, p.db, "user.add", &t, addr+" ("+*role+")"); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created %s %s on %s\n", *role, addr, t.Slug)
	return nil
}

// readPassword reads the first line of r, without its line ending.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, auth.MaxPasswordLen+3)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("user add: read password from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", usagef("user add: no password on stdin (give one line of 12 characters or more)")
	}
	if len(line) > auth.MaxPasswordLen {
		return "", usagef("user add: password: the password must be %d bytes or fewer", auth.MaxPasswordLen)
	}
	return line, nil
}
