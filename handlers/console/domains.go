package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/handlers/signin"
	"github.com/pcnweb/pcnweb/internal/hostname"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
)

// VerifyPath is where a custom domain serves its verification token.
const VerifyPath = "/.well-known/pcnweb-verify"

// Verifier checks that a custom domain publishes its token. Tests replace
// it with a fake.
type Verifier interface {
	Verify(ctx context.Context, host, token string) (bool, error)
}

// HTTPVerifier fetches http://<host>/.well-known/pcnweb-verify and compares
// the body, trimmed, with the token. A domain that does not answer is not
// verified (and not an error): the owner has not set it up yet.
type HTTPVerifier struct {
	Client *http.Client // nil: a client with a 5-second timeout and no redirects
}

// Verify implements Verifier.
func (v HTTPVerifier) Verify(ctx context.Context, host, token string) (bool, error) {
	cl := v.Client
	if cl == nil {
		cl = &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+host+VerifyPath, nil)
	if err != nil {
		return false, fmt.Errorf("console: verify %s: %w", host, err)
	}
	resp, err := cl.Do(req)
	if err != nil {
		return false, nil
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, nil
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if err != nil {
		return false, nil
	}
	return strings.TrimSpace(string(b)) == token, nil
}

func addDomainForm(t models.Tenant) consoleForm {
	return consoleForm{Action: "/tenants/" + t.Slug + "/domains/new", Button: "Attach domain", Back: "/tenants/" + t.Slug, BackText: "Back to " + t.Name,
		Fields: []consoleField{
			{Name: "domain", Label: "Domain", Hint: "For example www.wandlepcn.nhs.uk", Width: 20},
			{Name: "primary", Label: "Make it the primary domain", Hint: "The tenant's other addresses redirect to the primary domain", Kind: "checkbox"},
			whyField(),
		}}
}

func showAddDomain(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		return formPage(c, d, fiber.StatusOK, "Attach a custom domain", "tenants", addDomainForm(t), nil)
	}
}

func addDomain(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := tenantOf(c, d)
		if err != nil {
			return err
		}
		f := addDomainForm(t)
		return submit(c, d, "Attach a custom domain", "tenants", &f, func(why string) (string, error) {
			raw := value(&f, "domain")
			if raw == "" {
				return "", &models.ValidationError{Field: "domain", Message: "Enter the domain, for example www.wandlepcn.nhs.uk"}
			}
			host, err := hostname.Normalize(raw)
			if err != nil || !hostname.Valid(host) {
				return "", &models.ValidationError{Field: "domain", Message: "Enter a domain name in the correct format, like www.wandlepcn.nhs.uk"}
			}
			nt, err := d.DB.AddDomain(c.UserContext(), t.Slug, host, fieldChecked(&f, "primary"))
			if errors.Is(err, models.ErrConflict) {
				return "", &models.ValidationError{Field: "domain", Message: "This domain is already attached to a tenant"}
			}
			if err != nil {
				return "", err
			}
			audit(c, d, signin.FromCtx(c).User, "domain.attach", &nt, host, why)
			return "/tenants/" + t.Slug + "?done=domain", nil
		})
	}
}

// domainAction is one of making a domain primary and detaching it.
type domainAction struct{ path, title, button string }

var domainActions = []domainAction{
	{path: "primary", title: "Make primary", button: "Make primary"},
	{path: "detach", title: "Detach", button: "Detach domain"},
}

// domainOf loads the tenant and checks the :host is one of its domains; a
// domain of another tenant is a 404.
func domainOf(c *fiber.Ctx, d Deps) (models.Tenant, models.DomainCheck, error) {
	t, err := tenantOf(c, d)
	if err != nil {
		return t, models.DomainCheck{}, err
	}
	ch, err := d.DB.DomainCheckForTenantID(c.UserContext(), t.ID, strings.ToLower(c.Params("host")))
	return t, ch, err
}

func domainActionForm(t models.Tenant, host string, a domainAction) consoleForm {
	f := consoleForm{Action: "/tenants/" + t.Slug + "/domains/" + host + "/" + a.path, Button: a.button, Back: "/tenants/" + t.Slug, BackText: "Back to " + t.Name,
		Fields: []consoleField{whyField()}}
	if a.path == "detach" {
		f.Warning = true
		f.Intro = "The website stops answering on " + host + "."
	} else {
		f.Intro = "The tenant's other addresses will redirect to " + host + "."
	}
	return f
}

func showDomainAction(d Deps, a domainAction) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, ch, err := domainOf(c, d)
		if err != nil {
			return err
		}
		return formPage(c, d, fiber.StatusOK, a.title+" "+ch.Host, "tenants", domainActionForm(t, ch.Host, a), nil)
	}
}

func doDomainAction(d Deps, a domainAction) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, ch, err := domainOf(c, d)
		if err != nil {
			return err
		}
		f := domainActionForm(t, ch.Host, a)
		return submit(c, d, a.title+" "+ch.Host, "tenants", &f, func(why string) (string, error) {
			ctx := c.UserContext()
			if a.path == "detach" {
				if _, err := d.DB.RemoveDomain(ctx, ch.Host); err != nil {
					return "", err
				}
			} else if err := d.DB.SetPrimaryDomainForTenantID(ctx, t.ID, ch.Host); err != nil {
				return "", err
			}
			audit(c, d, signin.FromCtx(c).User, "domain."+a.path, &t, ch.Host, why)
			return "/tenants/" + t.Slug + "?done=" + a.path, nil
		})
	}
}

// checkDomain asks the Verifier now and records the answer. It changes no
// site, so it asks for no reason.
func checkDomain(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, ch, err := domainOf(c, d)
		if err != nil {
			return err
		}
		ctx := c.UserContext()
		ok, err := d.Verifier.Verify(ctx, ch.Host, ch.Token)
		if err != nil {
			return err
		}
		if err := d.DB.RecordDomainCheckForTenantID(ctx, t.ID, ch.Host, ok, d.now()); err != nil {
			return err
		}
		done := "notyet"
		if ok {
			done = "verified"
			if !ch.Verified() {
				audit(c, d, signin.FromCtx(c).User, "domain.verified", &t, ch.Host, "token found by Check now")
			}
		}
		return redirect.To(c, "/tenants/"+t.Slug+"?done="+done, fiber.StatusSeeOther)
	}
}
