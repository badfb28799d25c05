package api_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
)

func TestAPIAuthentication(t *testing.T) {
	s := newAPITestServer(t)
	good, _ := s.token(t, "tenants:read", nil)
	revoked, revokedRow := s.token(t, "tenants:read", nil)
	if err := s.db.RevokeAPIToken(context.Background(), revokedRow.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Hour)
	expired, _ := s.token(t, "tenants:read", &past)
	wrongScope, _ := s.token(t, "pages:write", nil)

	cases := []struct {
		name      string
		header    string
		status    int
		code      string
		challenge string // in WWW-Authenticate
	}{
		{"no token", "", http.StatusUnauthorized, "unauthorized", `Bearer realm="pcnweb"`},
		{"not a bearer token", "Basic dXNlcjpwYXNz", http.StatusUnauthorized, "unauthorized", `Bearer realm="pcnweb"`},
		{"unknown token", "Bearer pcn_nosuchtoken", http.StatusUnauthorized, "unauthorized", `error="invalid_token"`},
		{"revoked token", "Bearer " + revoked, http.StatusUnauthorized, "unauthorized", `error="invalid_token"`},
		{"expired token", "Bearer " + expired, http.StatusUnauthorized, "unauthorized", `error="invalid_token"`},
		{"token without the scope", "Bearer " + wrongScope, http.StatusForbidden, "forbidden", `error="insufficient_scope", scope="tenants:read"`},
		{"good token", "Bearer " + good, http.StatusOK, "", ""},
		{"scheme in lower case", "bearer " + good, http.StatusOK, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.call(t, "GET", "/api/v1/tenants", "", "", "Authorization", tc.header)
			if tc.code == "" {
				if r.status != tc.status {
					t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
				}
				return
			}
			r.wantError(t, tc.status, tc.code, "")
			if got := r.header.Get("WWW-Authenticate"); !strings.Contains(got, tc.challenge) {
				t.Errorf("WWW-Authenticate %q, want it to contain %q", got, tc.challenge)
			}
		})
	}
}

func TestAPIIsOnlyOnTheConsoleHost(t *testing.T) {
	s := newAPITestServer(t)
	s.tenant(t, "alpha")
	tok := s.allScopes(t)
	r := s.callHost(t, "alpha.localhost", "GET", "/api/v1/tenants", tok, "")
	if r.status != http.StatusNotFound || strings.Contains(r.body, `"tenants"`) {
		t.Errorf("a tenant's host answered the API: %d %s", r.status, r.body)
	}
	s.call(t, "GET", "/api/v1/nothing-here", tok, "").wantError(t, http.StatusNotFound, "not_found", "")
	s.call(t, "GET", "/api/v2/tenants", tok, "").wantError(t, http.StatusNotFound, "not_found", "")
}

type apiTestTenant struct {
	ID           int64  `json:"id"`
	Slug         string `json:"slug"`
	Name         string `json:"name"`
	ODSCode      string `json:"ods_code"`
	Status       string `json:"status"`
	StatusReason string `json:"status_reason"`
	Theme        string `json:"theme"`
	URL          string `json:"url"`
	Domains      []struct {
		Host    string `json:"host"`
		Primary bool   `json:"primary"`
	} `json:"domains"`
}

func TestAPITenants(t *testing.T) {
	s := newAPITestServer(t)
	tok := s.allScopes(t)
	readOnly, _ := s.token(t, "tenants:read", nil)

	t.Run("create", func(t *testing.T) {
		r := s.call(t, "POST", "/api/v1/tenants", tok, `{"slug":"north-leeds","name":"North Leeds PCN","ods_code":"u12345","theme":"default"}`)
		if r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		var got apiTestTenant
		r.json(t, &got)
		if got.Slug != "north-leeds" || got.Name != "North Leeds PCN" || got.ODSCode != "U12345" || got.Status != "active" ||
			got.URL != "http://north-leeds.localhost/" || r.header.Get("Location") != "/api/v1/tenants/north-leeds" {
			t.Errorf("created %+v (Location %q)", got, r.header.Get("Location"))
		}
		if _, err := s.db.TenantBySlug(context.Background(), "north-leeds"); err != nil {
			t.Errorf("tenant not stored: %v", err)
		}
		if r := s.callHost(t, "north-leeds.localhost", "GET", "/", "", ""); r.status != http.StatusOK {
			t.Errorf("the new site answers %d", r.status)
		}
	})
	errCases := []struct {
		name, body  string
		status      int
		code, field string
	}{
		{"slug taken", `{"slug":"north-leeds","name":"Another"}`, http.StatusConflict, "conflict", "slug"},
		{"bad slug", `{"slug":"North Leeds","name":"X"}`, http.StatusUnprocessableEntity, "validation_failed", "slug"},
		{"reserved slug", `{"slug":"console","name":"X"}`, http.StatusUnprocessableEntity, "validation_failed", "slug"},
		{"no name", `{"slug":"south"}`, http.StatusUnprocessableEntity, "validation_failed", "name"},
		{"bad ODS code", `{"slug":"south","name":"South","ods_code":"no!"}`, http.StatusUnprocessableEntity, "validation_failed", "ods_code"},
		{"unknown theme", `{"slug":"south","name":"South","theme":"neon"}`, http.StatusUnprocessableEntity, "validation_failed", "theme"},
		{"unknown field", `{"slug":"south","name":"South","colour":"red"}`, http.StatusBadRequest, "bad_request", "colour"},
		{"wrong type", `{"slug":"south","name":42}`, http.StatusBadRequest, "bad_request", "name"},
		{"not JSON", `{"slug":`, http.StatusBadRequest, "bad_request", ""},
	}
	for _, tc := range errCases {
		t.Run("create: "+tc.name, func(t *testing.T) {
			s.call(t, "POST", "/api/v1/tenants", tok, tc.body).wantError(t, tc.status, tc.code, tc.field)
		})
	}
	t.Run("create needs tenants:write", func(t *testing.T) {
		s.call(t, "POST", "/api/v1/tenants", readOnly, `{"slug":"south","name":"South"}`).wantError(t, http.StatusForbidden, "forbidden", "")
		if _, err := s.db.TenantBySlug(context.Background(), "south"); err == nil {
			t.Error("a read-only token created a tenant")
		}
	})

	s.tenant(t, "east-leeds")
	t.Run("list and search", func(t *testing.T) {
		for q, want := range map[string][]string{"": {"east-leeds", "north-leeds"}, "NORTH": {"north-leeds"}, "u123": {"north-leeds"}, "nowhere": {}} {
			var got struct{ Tenants []apiTestTenant }
			r := s.call(t, "GET", "/api/v1/tenants?q="+q, readOnly, "")
			r.json(t, &got)
			var slugs []string
			for _, tn := range got.Tenants {
				slugs = append(slugs, tn.Slug)
			}
			if strings.Join(slugs, ",") != strings.Join(want, ",") {
				t.Errorf("?q=%s: %v, want %v", q, slugs, want)
			}
		}
	})
	t.Run("show", func(t *testing.T) {
		var got apiTestTenant
		s.call(t, "GET", "/api/v1/tenants/east-leeds", readOnly, "").json(t, &got)
		if got.Slug != "east-leeds" || got.Name != "PCN east-leeds" {
			t.Errorf("show: %+v", got)
		}
		s.call(t, "GET", "/api/v1/tenants/nobody", readOnly, "").wantError(t, http.StatusNotFound, "not_found", "")
	})
	t.Run("launch", func(t *testing.T) {
		var got struct {
			Launched   bool    `json:"launched"`
			LaunchedAt *string `json:"launched_at"`
		}
		s.call(t, "GET", "/api/v1/tenants/north-leeds", readOnly, "").json(t, &got)
		if got.Launched || got.LaunchedAt != nil {
			t.Errorf("a tenant created through the API is launched: %+v", got)
		}
		if r := s.callHost(t, "north-leeds.localhost", "GET", "/", "", ""); r.status != http.StatusOK || !strings.Contains(r.body, "coming soon") {
			t.Errorf("the site of a tenant not launched: %d, want its holding page", r.status)
		}
		s.call(t, "POST", "/api/v1/tenants/north-leeds/launch", readOnly, "").wantError(t, http.StatusForbidden, "forbidden", "")
		s.call(t, "POST", "/api/v1/tenants/nobody/launch", tok, "").wantError(t, http.StatusNotFound, "not_found", "")
		r := s.call(t, "POST", "/api/v1/tenants/north-leeds/launch", tok, "")
		r.json(t, &got)
		if r.status != http.StatusOK || !got.Launched || got.LaunchedAt == nil {
			t.Fatalf("launch: %d %+v", r.status, got)
		}
		if r := s.callHost(t, "north-leeds.localhost", "GET", "/", "", ""); r.status != http.StatusOK || strings.Contains(r.body, "coming soon") {
			t.Errorf("the launched site: %d, still the holding page", r.status)
		}
		s.call(t, "POST", "/api/v1/tenants/north-leeds/launch", tok, "{}").wantError(t, http.StatusConflict, "conflict", "")
	})
	t.Run("suspend and resume", func(t *testing.T) {
		s.call(t, "POST", "/api/v1/tenants/east-leeds/suspend", tok, `{"reason":"  "}`).wantError(t, http.StatusUnprocessableEntity, "validation_failed", "reason")
		s.call(t, "POST", "/api/v1/tenants/nobody/suspend", tok, `{"reason":"x"}`).wantError(t, http.StatusNotFound, "not_found", "")
		s.call(t, "POST", "/api/v1/tenants/east-leeds/suspend", readOnly, `{"reason":"x"}`).wantError(t, http.StatusForbidden, "forbidden", "")
		var got apiTestTenant
		r := s.call(t, "POST", "/api/v1/tenants/east-leeds/suspend", tok, `{"reason":"Contract ended"}`)
		r.json(t, &got)
		if r.status != http.StatusOK || got.Status != "suspended" || got.StatusReason != "Contract ended" {
			t.Fatalf("suspend: %d %+v", r.status, got)
		}
		if r := s.callHost(t, "east-leeds.localhost", "GET", "/", "", ""); r.status != http.StatusServiceUnavailable {
			t.Errorf("suspended site answers %d, want 503", r.status)
		}
		r = s.call(t, "POST", "/api/v1/tenants/east-leeds/resume", tok, "")
		r.json(t, &got)
		if r.status != http.StatusOK || got.Status != "active" || got.StatusReason != "" {
			t.Fatalf("resume: %d %+v", r.status, got)
		}
		if r := s.callHost(t, "east-leeds.localhost", "GET", "/", "", ""); r.status != http.StatusOK {
			t.Errorf("resumed site answers %d, want 200", r.status)
		}
	})
}

func TestAPIDomains(t *testing.T) {
	s := newAPITestServer(t)
	s.tenant(t, "alpha")
	s.tenant(t, "beta")
	tok := s.allScopes(t)
	noScope, _ := s.token(t, "tenants:write", nil)
	ctx := context.Background()

	var got apiTestTenant
	r := s.call(t, "POST", "/api/v1/tenants/alpha/domains", tok, `{"host":"WWW.Alpha-PCN.nhs.uk","primary":true}`)
	r.json(t, &got)
	if r.status != http.StatusCreated || len(got.Domains) != 1 || got.Domains[0].Host != "www.alpha-pcn.nhs.uk" || !got.Domains[0].Primary ||
		got.URL != "http://www.alpha-pcn.nhs.uk/" {
		t.Fatalf("add: %d %s", r.status, r.body)
	}
	if r := s.callHost(t, "www.alpha-pcn.nhs.uk", "GET", "/", "", ""); r.status != http.StatusOK {
		t.Errorf("the new domain answers %d", r.status)
	}
	cases := []struct {
		name, target, body string
		token              string
		status             int
		code, field        string
	}{
		{"host of another tenant", "/api/v1/tenants/beta/domains", `{"host":"www.alpha-pcn.nhs.uk"}`, tok, http.StatusConflict, "conflict", "host"},
		{"not a host name", "/api/v1/tenants/beta/domains", `{"host":"not a host"}`, tok, http.StatusUnprocessableEntity, "validation_failed", "host"},
		{"no host", "/api/v1/tenants/beta/domains", `{}`, tok, http.StatusUnprocessableEntity, "validation_failed", "host"},
		{"the platform's domain", "/api/v1/tenants/beta/domains", `{"host":"gamma.localhost"}`, tok, http.StatusUnprocessableEntity, "validation_failed", "host"},
		{"the console host", "/api/v1/tenants/beta/domains", `{"host":"console.localhost"}`, tok, http.StatusUnprocessableEntity, "validation_failed", "host"},
		{"unknown tenant", "/api/v1/tenants/nobody/domains", `{"host":"www.x.nhs.uk"}`, tok, http.StatusNotFound, "not_found", ""},
		{"without domains:write", "/api/v1/tenants/beta/domains", `{"host":"www.beta.nhs.uk"}`, noScope, http.StatusForbidden, "forbidden", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s.call(t, "POST", tc.target, tc.token, tc.body).wantError(t, tc.status, tc.code, tc.field)
		})
	}
	beta, _ := s.db.TenantBySlug(ctx, "beta")
	if len(beta.Domains) != 0 {
		t.Errorf("refused requests attached %v to beta", beta.Domains)
	}

	t.Run("another tenant's host is a 404 and stays", func(t *testing.T) {
		s.call(t, "DELETE", "/api/v1/tenants/beta/domains/www.alpha-pcn.nhs.uk", tok, "").wantError(t, http.StatusNotFound, "not_found", "host")
		if a, _ := s.db.TenantBySlug(ctx, "alpha"); len(a.Domains) != 1 {
			t.Errorf("alpha's domains after a refused delete: %v", a.Domains)
		}
	})
	t.Run("remove", func(t *testing.T) {
		s.call(t, "DELETE", "/api/v1/tenants/alpha/domains/www.alpha-pcn.nhs.uk", noScope, "").wantError(t, http.StatusForbidden, "forbidden", "")
		r := s.call(t, "DELETE", "/api/v1/tenants/alpha/domains/www.alpha-pcn.nhs.uk", tok, "")
		r.json(t, &got)
		if r.status != http.StatusOK || len(got.Domains) != 0 {
			t.Fatalf("remove: %d %s", r.status, r.body)
		}
		s.call(t, "DELETE", "/api/v1/tenants/alpha/domains/www.alpha-pcn.nhs.uk", tok, "").wantError(t, http.StatusNotFound, "not_found", "host")
	})
}

func TestAPIInviteUser(t *testing.T) {
	s := newAPITestServer(t)
	alpha := s.tenant(t, "alpha")
	tok := s.allScopes(t)
	noScope, _ := s.token(t, "tenants:write", nil)

	r := s.call(t, "POST", "/api/v1/tenants/alpha/users", tok, `{"email":"Manager@Alpha.nhs.uk","role":"manager"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("invite: %d %s", r.status, r.body)
	}
	var got struct {
		ID      int64  `json:"id"`
		Email   string `json:"email"`
		Role    string `json:"role"`
		Emailed bool   `json:"emailed"`
	}
	r.json(t, &got)
	if got.Email != "manager@alpha.nhs.uk" || got.Role != "manager" || !got.Emailed || got.ID == 0 {
		t.Errorf("invitation %+v", got)
	}
	mails := s.mail.all()
	if len(mails) != 1 || mails[0].to != "manager@alpha.nhs.uk" || !strings.Contains(mails[0].body, "http://alpha.localhost/admin/invitation/") {
		t.Fatalf("mails sent: %+v", mails)
	}
	link := mails[0].body[strings.Index(mails[0].body, "/admin/invitation/")+len("/admin/invitation/"):]
	token := strings.Fields(link)[0]
	if strings.Contains(r.body, token) || strings.Contains(r.body, "invitation/") {
		t.Errorf("the response holds the invitation link: %s", r.body)
	}
	invs, err := s.db.ForTenant(context.Background(), alpha.ID).Invitations()
	if err != nil || len(invs) != 1 || invs[0].Role != models.RoleManager {
		t.Errorf("stored invitations %+v, %v", invs, err)
	}

	cases := []struct {
		name, target, body string
		token              string
		status             int
		code, field        string
	}{
		{"invited already", "/api/v1/tenants/alpha/users", `{"email":"manager@alpha.nhs.uk","role":"editor"}`, tok, http.StatusUnprocessableEntity, "validation_failed", "email"},
		{"no email", "/api/v1/tenants/alpha/users", `{"role":"editor"}`, tok, http.StatusUnprocessableEntity, "validation_failed", "email"},
		{"unknown role", "/api/v1/tenants/alpha/users", `{"email":"x@alpha.nhs.uk","role":"owner"}`, tok, http.StatusUnprocessableEntity, "validation_failed", "role"},
		{"unknown tenant", "/api/v1/tenants/nobody/users", `{"email":"x@alpha.nhs.uk","role":"editor"}`, tok, http.StatusNotFound, "not_found", ""},
		{"without users:write", "/api/v1/tenants/alpha/users", `{"email":"x@alpha.nhs.uk","role":"editor"}`, noScope, http.StatusForbidden, "forbidden", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s.call(t, "POST", tc.target, tc.token, tc.body).wantError(t, tc.status, tc.code, tc.field)
		})
	}
	if n := len(s.mail.all()); n != 1 {
		t.Errorf("refused invitations sent %d more emails", n-1)
	}
}

func TestAPIPutPageIsLiveAtOnce(t *testing.T) {
	s := newAPITestServer(t)
	s.tenant(t, "alpha")
	tok := s.allScopes(t)
	noScope, _ := s.token(t, "tenants:write", nil)

	put := func(body string) apiTestResponse {
		return s.call(t, "PUT", "/api/v1/tenants/alpha/pages?path=/about", tok, body)
	}
	r := put(`{"title":"About us","body_md":"We are **Alpha**.","publish":true}`)
	if r.status != http.StatusOK || !strings.Contains(r.body, `"url":"http://alpha.localhost/about"`) || !strings.Contains(r.body, `"published":true`) {
		t.Fatalf("put: %d %s", r.status, r.body)
	}
	page := s.callHost(t, "alpha.localhost", "GET", "/about", "", "")
	if page.status != http.StatusOK || !strings.Contains(page.body, "<strong>Alpha</strong>") {
		t.Fatalf("published page: %d", page.status)
	}
	if again := s.callHost(t, "alpha.localhost", "GET", "/about", "", ""); !strings.HasPrefix(again.header.Get("Cache-Status"), "pcnweb; hit") {
		t.Fatalf("second view not from the cache: %q", again.header.Get("Cache-Status"))
	}
	put(`{"title":"About us","body_md":"We are **Alpha and friends**.","publish":true}`)
	if page := s.callHost(t, "alpha.localhost", "GET", "/about", "", ""); !strings.Contains(page.body, "Alpha and friends") {
		t.Errorf("the cached page was served after the API changed it")
	}
	r = put(`{"title":"About us","body_md":"A draft nobody sees yet."}`)
	if r.status != http.StatusOK || !strings.Contains(r.body, `"published":false`) {
		t.Errorf("draft put: %d %s", r.status, r.body)
	}
	if page := s.callHost(t, "alpha.localhost", "GET", "/about", "", ""); strings.Contains(page.body, "nobody sees") {
		t.Errorf("a draft is on the public site")
	}

	cases := []struct {
		name, target, body string
		token              string
		status             int
		code, field        string
	}{
		{"no path", "/api/v1/tenants/alpha/pages", `{"title":"T","publish":true}`, tok, http.StatusUnprocessableEntity, "validation_failed", "path"},
		{"bad path", "/api/v1/tenants/alpha/pages?path=/About%20Us", `{"title":"T"}`, tok, http.StatusUnprocessableEntity, "validation_failed", "path"},
		{"reserved path", "/api/v1/tenants/alpha/pages?path=/admin", `{"title":"T"}`, tok, http.StatusUnprocessableEntity, "validation_failed", "path"},
		{"no title", "/api/v1/tenants/alpha/pages?path=/x", `{"body_md":"x"}`, tok, http.StatusUnprocessableEntity, "validation_failed", "title"},
		{"publish not a boolean", "/api/v1/tenants/alpha/pages?path=/x", `{"title":"T","publish":"yes"}`, tok, http.StatusBadRequest, "bad_request", "publish"},
		{"unknown tenant", "/api/v1/tenants/nobody/pages?path=/x", `{"title":"T"}`, tok, http.StatusNotFound, "not_found", ""},
		{"without pages:write", "/api/v1/tenants/alpha/pages?path=/x", `{"title":"T"}`, noScope, http.StatusForbidden, "forbidden", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s.call(t, "PUT", tc.target, tc.token, tc.body).wantError(t, tc.status, tc.code, tc.field)
		})
	}
}

func TestAPIRequestBodies(t *testing.T) {
	s := newAPITestServer(t)
	alpha := s.tenant(t, "alpha")
	tok := s.allScopes(t)
	t.Run("not JSON is 415", func(t *testing.T) {
		s.call(t, "PUT", "/api/v1/tenants/alpha/pages?path=/x", tok, "title=T", "Content-Type", "application/x-www-form-urlencoded").
			wantError(t, http.StatusUnsupportedMediaType, "unsupported_media_type", "")
	})
	t.Run("JSON with a charset is fine", func(t *testing.T) {
		r := s.call(t, "PUT", "/api/v1/tenants/alpha/pages?path=/x", tok, `{"title":"T"}`, "Content-Type", "application/json; charset=utf-8")
		if r.status != http.StatusOK {
			t.Errorf("%d %s", r.status, r.body)
		}
	})
	t.Run("too large is 413", func(t *testing.T) {
		big := `{"title":"T","body_md":"` + strings.Repeat("a", 600<<10) + `"}`
		s.call(t, "PUT", "/api/v1/tenants/alpha/pages?path=/big", tok, big).wantError(t, http.StatusRequestEntityTooLarge, "payload_too_large", "")
		if _, err := s.db.ForTenant(context.Background(), alpha.ID).PageForEdit("/big"); err == nil {
			t.Error("a refused body was saved")
		}
	})
	t.Run("two JSON values are 400", func(t *testing.T) {
		s.call(t, "PUT", "/api/v1/tenants/alpha/pages?path=/x", tok, `{"title":"T"} {}`).wantError(t, http.StatusBadRequest, "bad_request", "")
	})
	t.Run("responses are not cached", func(t *testing.T) {
		if cc := s.call(t, "GET", "/api/v1/tenants", tok, "").header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q", cc)
		}
	})
}

// Until the operators' audit table exists, changes made through the API are
// audit records in the log: which token did what to which tenant.
func TestAPIChangesAreAudited(t *testing.T) {
	s := newAPITestServer(t)
	tok, stored := s.token(t, "tenants:write tenants:read", nil)
	s.call(t, "POST", "/api/v1/tenants", tok, `{"slug":"alpha","name":"Alpha"}`)
	s.call(t, "POST", "/api/v1/tenants/alpha/suspend", tok, `{"reason":"Merged with Beta"}`)
	s.call(t, "GET", "/api/v1/tenants/alpha", tok, "")
	logs := s.logs.String()
	for _, want := range []string{
		`msg="operator audit" via=api token_id=` + strconv.FormatInt(stored.ID, 10) + ` token_name="test tenants:write tenants:read" token_prefix=` + stored.Prefix + ` action=tenant.create tenant=alpha subject=Alpha why=""`,
		`action=tenant.suspend tenant=alpha subject="" why="Merged with Beta"`,
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("no audit record %q in the log:\n%s", want, logs)
		}
	}
	if n := strings.Count(logs, "operator audit"); n != 2 {
		t.Errorf("%d audit records, want 2 (reads are not audited)", n)
	}
	// The same two in the operators' audit log the console shows.
	entries, err := s.db.OperatorAuditLogForTenantID(context.Background(), 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].Action != "api.tenant.suspend" || entries[0].Why != "Merged with Beta" ||
		entries[1].Action != "api.tenant.create" || !strings.Contains(entries[0].UserEmail, stored.Prefix) {
		t.Errorf("operator audit log: %+v", entries)
	}
}

func TestAPIUnknownRoutesAndMethods(t *testing.T) {
	s := newAPITestServer(t)
	tok := s.allScopes(t)
	s.call(t, "GET", "/api/v1/tenants/alpha/nothing", tok, "").wantError(t, http.StatusNotFound, "not_found", "")
	s.call(t, "GET", "/api", tok, "").wantError(t, http.StatusNotFound, "not_found", "")
	r := s.call(t, "DELETE", "/api/v1/tenants", tok, "")
	r.wantError(t, http.StatusMethodNotAllowed, "method_not_allowed", "")
	if allow := r.header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "POST") {
		t.Errorf("Allow %q", allow)
	}
}
