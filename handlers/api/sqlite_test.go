package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models/modelstest"
)

// The embedded SQLite store answers the API as PostgreSQL does: onboarding
// a PCN end to end, and the conflicts that rely on unique constraints.
func TestAPIOnboardingOnSQLite(t *testing.T) {
	s := newAPITestServerOn(t, modelstest.NewSQLite(t))
	tok := s.allScopes(t)
	steps := []struct {
		method, target, body string
		status               int
	}{
		{"POST", "/api/v1/tenants", `{"slug":"alpha","name":"Alpha PCN","ods_code":"U00001"}`, http.StatusCreated},
		{"POST", "/api/v1/tenants/alpha/domains", `{"host":"www.alpha.nhs.uk","primary":true}`, http.StatusCreated},
		{"PUT", "/api/v1/tenants/alpha/pages?path=/about", `{"title":"About us","body_md":"Hello from SQLite.","publish":true}`, http.StatusOK},
		{"POST", "/api/v1/tenants/alpha/users", `{"email":"boss@alpha.nhs.uk","role":"manager"}`, http.StatusCreated},
		{"POST", "/api/v1/tenants/alpha/launch", "", http.StatusOK},
		{"GET", "/api/v1/tenants?q=alpha", "", http.StatusOK},
	}
	for _, st := range steps {
		if r := s.call(t, st.method, st.target, tok, st.body); r.status != st.status {
			t.Fatalf("%s %s: %d %s", st.method, st.target, r.status, r.body)
		}
	}
	if r := s.callHost(t, "www.alpha.nhs.uk", "GET", "/about", "", ""); r.status != http.StatusOK || !strings.Contains(r.body, "Hello from SQLite.") {
		t.Errorf("the page on the site: %d", r.status)
	}
	s.call(t, "POST", "/api/v1/tenants", tok, `{"slug":"alpha","name":"Again"}`).wantError(t, http.StatusConflict, "conflict", "slug")
	s.call(t, "POST", "/api/v1/tenants/alpha/domains", tok, `{"host":"www.alpha.nhs.uk"}`).wantError(t, http.StatusConflict, "conflict", "host")
	s.call(t, "POST", "/api/v1/tenants/alpha/users", tok, `{"email":"boss@alpha.nhs.uk","role":"editor"}`).wantError(t, http.StatusUnprocessableEntity, "validation_failed", "email")
}
