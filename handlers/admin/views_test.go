package admin

import (
	"io"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/themes"
)

// pageViews names each admin page's view type. themes.Load executes the
// other themes' pages on zero data at boot; the admin pages' views live
// here, so this test does it for them.
var pageViews = map[string]any{
	"audit":                     auditPage{},
	"dashboard":                 dashboardPage{},
	"services-delete":           deletionPage{},
	"ea-sessions":               eaSessionsPage{},
	"ea-session-edit":           eaSessionPage{},
	"ea-session-delete":         eaSessionPage{},
	"events":                    eventsPage{},
	"event-edit":                eventPage{},
	"feedback":                  feedbackPage{},
	"feedback-settings":         feedbackSettingsPage{},
	"health":                    healthPage{},
	"insights":                  insightsPage{},
	"launch":                    launchPage{},
	"launch-confirm":            launchPage{},
	"import":                    importsPage{},
	"import-job":                importJobPage{},
	"import-review":             importReviewPage{},
	"invitation":                invitationPage{},
	"media":                     mediaListPage{},
	"media-upload":              mediaPage{},
	"media-edit":                mediaPage{},
	"media-delete":              mediaPage{},
	"menu":                      menuPage{},
	"menu-edit":                 menuPage{},
	"news":                      newsListPage{},
	"news-edit":                 newsPage{},
	"news-delete":               newsPage{},
	"page-history":              pageHistoryPage{},
	"page-compare":              pageComparePage{},
	"pages":                     pagesPage{},
	"page-edit":                 pagePage{},
	"page-new":                  pagePage{},
	"page-delete":               pagePage{},
	"practice-exceptions":       practiceExceptionsPage{},
	"practice-exception-edit":   practiceExceptionPage{},
	"practice-exception-delete": practiceExceptionPage{},
	"practice-hours":            practiceHoursPage{},
	"practices":                 practicesPage{},
	"redirects":                 redirectsPage{},
	"redirect-edit":             redirectPage{},
	"practice-edit":             practicePage{},
	"practice-delete":           practicePage{},
	"schedule":                  scheduleListPage{},
	"schedule-page":             pageSchedulePage{},
	"services":                  servicesPage{},
	"service-edit":              servicePage{},
	"settings":                  settingsPage{},
	"shared":                    sharedPage{},
	"shared-replace":            sharedPage{},
	"team":                      teamPage{},
	"team-edit":                 staffPage{},
	"users":                     usersPage{},
	"users-edit":                memberPage{},
	"users-remove":              memberPage{},
	"vacancies":                 vacanciesPage{},
	"vacancy-edit":              vacancyPage{},
}

// TestEveryPageRendersOnItsZeroView executes every admin page on its zero
// view (themes.Admin for the sign-in and error pages), so a template that
// names a field its view lacks fails here, not in front of a user. The
// console's pages ("console-*") are handlers/console's (its views_test.go).
func TestEveryPageRendersOnItsZeroView(t *testing.T) {
	reg, err := themes.Load()
	if err != nil {
		t.Fatal(err)
	}
	pages := reg.AdminPages()
	if len(pages) == 0 {
		t.Fatal("no admin pages")
	}
	for _, page := range pages {
		if strings.HasPrefix(page, "console-") {
			continue
		}
		view, ok := pageViews[page]
		if !ok {
			view = themes.Admin{}
		}
		if err := reg.RenderAdmin(io.Discard, page, view); err != nil {
			t.Errorf("page %q on its zero view %T: %v", page, view, err)
		}
	}
	for page := range pageViews {
		found := false
		for _, p := range pages {
			found = found || p == page
		}
		if !found {
			t.Errorf("pageViews names %q, which is no admin page", page)
		}
	}
}
