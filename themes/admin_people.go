package themes

// Views of the users, invitation, audit log, settings and menu pages of
// the admin panel (fields of Admin: Users, Member, Invitation, Audit,
// Settings, Menu).

// UsersView is the "users" page: the members, the pending invitations and
// the invitation form.
type UsersView struct {
	Members     []MemberRow
	Invitations []InvitationRow
	// The invitation form as typed.
	InviteEmail string
	InviteRole  string
}

// MemberRow is one member of the tenant.
type MemberRow struct {
	ID         int64
	Email      string
	Name       string
	Role       string // "Manager", "Editor"
	TwoFactor  bool
	LastSignIn string // UK time, or "" when unknown
	You        bool   // the signed-in manager
}

// InvitationRow is one pending invitation.
type InvitationRow struct {
	ID      int64
	Email   string
	Role    string
	Status  string // "Expires 3 March 2026 at 9:30am", "Expired"
	Expired bool
	By      string
}

// MemberView is the "users-edit" page (role) and "users-remove" (confirm).
type MemberView struct {
	ID      int64
	Email   string
	Role    string // manager|editor, as stored or as chosen
	WasRole string // the role when the page was opened
}

// InvitationView is the "invitation" page an invited person opens.
type InvitationView struct {
	Token    string
	Email    string
	Role     string // "an editor", "a manager"
	Existing bool   // the email has an account: enter its password
	Name     string
	Expired  bool // the link has expired: ask for a new one
}

// AuditView is the "audit" page.
type AuditView struct {
	Rows    []AuditRow
	People  []string // emails to filter by
	Person  string   // the current filter
	Page    int
	Pages   int
	Total   int64
	PrevURL string
	NextURL string
}

// AuditRow is one line of the audit log.
type AuditRow struct {
	When    string // UK time
	Who     string
	What    string
	Subject string
}

// SettingsView is the "settings" form, as stored or as typed. Dates are
// in UK form (27/3/2026).
type SettingsView struct {
	Version             int
	Description         string
	LogoURL             string
	Phone               string
	Email               string
	Address             string
	ClinicalDirector    string
	NHSIdentity         bool
	SocialFacebook      string
	SocialX             string
	SocialInstagram     string
	SocialYoutube       string
	DataController      string
	DPOContact          string
	AccessibilityStatus string
	AccessibilityIssues string
	StatementPrepared   string
	StatementReviewed   string
}

// MenuView is the "menu" page and the "menu-edit" form.
type MenuView struct {
	Items       []MenuRow
	Fingerprint string
	Warning     string // outside the 5 to 7 items NHS guidance recommends
	Full        bool   // no more items can be added
	Choices     []MenuChoice
	// Standard is the menu the website shows while this one is empty.
	Standard []MenuChoice
	// The add form, or the edited item, as typed.
	ID    int64
	Title string
	Path  string
}

// MenuRow is one menu item.
type MenuRow struct {
	ID     int64
	Title  string
	Path   string
	First  bool
	Last   bool
	Broken bool // links to a page that is not published
}

// MenuChoice is a page a menu item can link to.
type MenuChoice struct {
	Path     string
	Title    string
	Selected bool
}
