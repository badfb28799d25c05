package admin

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// auditPage is the view of "audit".
type auditPage struct {
	themes.Admin
	Audit *auditView
}

// auditView is the "audit" page.
type auditView struct {
	Rows    []auditRow
	People  []string // emails to filter by
	Person  string   // the current filter
	Page    int
	Pages   int
	Total   int64
	PrevURL string
	NextURL string
}

// auditRow is one line of the audit log.
type auditRow struct {
	When    string // UK time
	Who     string
	What    string
	Subject string
}

// The audit log (managers only): who did what, newest first, 50 a page,
// filtered by person.

// auditWords are the audit actions in plain words.
var auditWords = map[string]string{
	models.AuditSignIn:               "Signed in",
	models.AuditSignOut:              "Signed out",
	models.AuditSignOutAll:           "Signed out everywhere",
	models.AuditPageSaveDraft:        "Saved a draft of a page",
	models.AuditPagePublish:          "Published a page",
	models.AuditPageNavigation:       "Placed a page in the navigation",
	models.AuditTwoFactorEnable:      "Turned on two-factor authentication",
	models.AuditTwoFactorDisable:     "Turned off two-factor authentication",
	models.AuditPasswordReset:        "Reset their password",
	models.AuditNewsDraft:            "Saved a news item as a draft",
	models.AuditNewsSchedule:         "Scheduled a news item",
	models.AuditNewsPublish:          "Published a news item",
	models.AuditNewsUnpublish:        "Unpublished a news item",
	models.AuditNewsDelete:           "Deleted a news item",
	models.AuditUserInvite:           "Invited someone",
	models.AuditUserInviteResend:     "Sent an invitation again",
	models.AuditUserInviteCancel:     "Cancelled an invitation",
	models.AuditUserInvitationAccept: "Accepted an invitation",
	models.AuditUserRole:             "Changed someone's role",
	models.AuditUserRemove:           "Removed someone from the website",
	models.AuditSettingsSave:         "Changed the site settings",
	models.AuditMenuAdd:              "Added a menu item",
	models.AuditMenuEdit:             "Renamed a menu item",
	models.AuditMenuRemove:           "Removed a menu item",
	models.AuditMenuMove:             "Moved a menu item",
	models.AuditMenuStart:            "Started the menu from the standard one",
}

// auditVerbs word the actions of other parts of the panel ("area.verb")
// that auditWords does not list: "practice.save" is "Saved a practice".
var auditVerbs = map[string]string{
	"save": "Saved", "save-draft": "Saved a draft of", "create": "Created", "add": "Added", "edit": "Changed",
	"update": "Changed", "publish": "Published", "unpublish": "Unpublished", "schedule": "Scheduled",
	"delete": "Deleted", "remove": "Removed", "move": "Moved", "restore": "Restored", "upload": "Uploaded",
	"reorder": "Reordered",
}

// auditWording is an action code in plain words.
func auditWording(action string) string {
	if w, ok := auditWords[action]; ok {
		return w
	}
	area, verb, ok := strings.Cut(action, ".")
	if v, known := auditVerbs[verb]; ok && known && area != "" {
		thing := strings.ReplaceAll(area, "-", " ")
		article := "a "
		if strings.ContainsRune("aeiou", rune(thing[0])) {
			article = "an "
		}
		return v + " " + article + thing
	}
	return action
}

func showAuditLog(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store := tenantStore(c)
		page, _ := strconv.Atoi(c.Query("page"))
		if page < 1 {
			page = 1
		}
		person := models.NormalizeEmail(c.Query("person"))
		entries, total, err := store.AuditPage(models.AuditFilter{Email: person, Page: page})
		if err != nil {
			return err
		}
		people, err := store.AuditPeople()
		if err != nil {
			return err
		}
		pages := int((total + models.AuditPageSize - 1) / models.AuditPageSize)
		if pages > 0 && page > pages {
			return fiber.ErrNotFound
		}
		view := auditPage{Admin: baseView(c, d, "Audit log")}
		a := &auditView{People: people, Person: person, Page: page, Pages: pages, Total: total}
		link := func(p int) string {
			q := url.Values{"page": {strconv.Itoa(p)}}
			if person != "" {
				q.Set("person", person)
			}
			return tenants.AdminPath + "/audit?" + q.Encode()
		}
		if page > 1 {
			a.PrevURL = link(page - 1)
		}
		if page < pages {
			a.NextURL = link(page + 1)
		}
		for _, e := range entries {
			who := e.UserEmail
			if who == "" {
				who = "The platform"
			}
			a.Rows = append(a.Rows, auditRow{When: hours.FormatInstant(e.At), Who: who, What: auditWording(e.Action), Subject: e.Subject})
		}
		view.Audit = a
		return render(c, d, fiber.StatusOK, "audit", view)
	}
}
