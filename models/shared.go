package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/pcnweb/pcnweb/internal/ods"
	"github.com/pcnweb/pcnweb/internal/richtext"
)

// Shared content (issue 11 §2). An operator, or a group editor limited to
// a group of tenants, writes a notice or a page once and shares it with an
// audience: every tenant, those of one ICB or one sub-ICB (as ODS places
// them), or a hand-picked list. Each tenant in the audience inherits the
// item until it hides it or replaces it with its own version. Editing the
// original re-renders exactly the tenants that still inherit it (one
// generation bump each, in the transaction of the edit), and the change is
// audited on both sides: the operator audit log as the editor, and the
// audit log of every tenant it reaches.

// SharedKind is what a shared item is.
type SharedKind string

const (
	// SharedNotice is a short notice shown at the top of every page.
	SharedNotice SharedKind = "notice"
	// SharedPage is a page at a path of the tenant's site.
	SharedPage SharedKind = "page"
)

// AudienceKind says which tenants an audience (or a group editor's group)
// is.
type AudienceKind string

const (
	AudienceAll    AudienceKind = "all"     // every tenant
	AudienceICB    AudienceKind = "icb"     // Value is the ICB's name, "NHS South Yorkshire ICB"
	AudienceSubICB AudienceKind = "sub_icb" // Value is the sub-ICB location code, "02P"
	AudienceList   AudienceKind = "list"    // TenantIDs are the tenants
)

// Audience is a set of tenants, described by kind.
type Audience struct {
	Kind      AudienceKind
	Value     string
	TenantIDs []int64
}

// SharedState is a tenant's choice about a shared item.
type SharedState string

const (
	SharedInherits SharedState = ""         // shows the original (no row)
	SharedHidden   SharedState = "hidden"   // shows nothing
	SharedReplaced SharedState = "replaced" // shows the tenant's own version
)

// SharedItem is a notice or a page shared with an audience.
type SharedItem struct {
	ID            int64 `gorm:"primaryKey"`
	Kind          SharedKind
	Path          string // pages only
	Title         string
	BodyMD        string `gorm:"column:body_md"`   // a notice's plain text, a page's Markdown
	BodyHTML      string `gorm:"column:body_html"` // a page's sanitised HTML
	Owner         string // shown to patients: "from NHS South Yorkshire ICB"
	Audience      AudienceKind
	AudienceValue string
	Version       int64
	CreatedBy     string
	UpdatedBy     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// TenantIDs is the hand-picked list of an AudienceList item (loaded by
	// SharedItemByID and SharedItems).
	TenantIDs []int64 `gorm:"-"`
}

// TableName keeps the SQL name explicit.
func (SharedItem) TableName() string { return "shared_items" }

// audience is the item's audience.
func (s SharedItem) audience() Audience {
	return Audience{Kind: s.Audience, Value: s.AudienceValue, TenantIDs: s.TenantIDs}
}

// sharedItemTenant is a row of an item's hand-picked list.
type sharedItemTenant struct {
	ItemID   int64
	TenantID int64
}

func (sharedItemTenant) TableName() string { return "shared_item_tenants" }

// sharedItemState is a tenant's hidden or replaced shared item.
type sharedItemState struct {
	TenantID  int64 `gorm:"primaryKey"`
	ItemID    int64 `gorm:"primaryKey"`
	State     SharedState
	Title     string
	Body      string
	UpdatedAt time.Time
}

func (sharedItemState) TableName() string { return "shared_item_states" }

// SharedItemInput is a shared item as its editor submits it.
type SharedItemInput struct {
	Kind     SharedKind
	Path     string
	Title    string
	Body     string
	Owner    string
	Audience Audience
	// Version, when editing, is the version the editor started from: a
	// save over a newer one is ErrConflict.
	Version int64
}

// Audit actions of shared content: the operator audit log's for the
// editor, the tenant's audit log's for each tenant the change reaches and
// for the tenant's own choices.
const (
	AuditSharedCreate  = "shared.create"
	AuditSharedUpdate  = "shared.update"
	AuditSharedDelete  = "shared.delete"
	AuditSharedHide    = "shared.hide"
	AuditSharedShow    = "shared.show"
	AuditSharedReplace = "shared.replace"
)

// ErrOutsideGroup is a group editor's attempt to reach a tenant outside
// their group. It comes wrapped with a ValidationError on "audience" that
// says so in words.
var ErrOutsideGroup = errors.New("outside the group editor's group")

// errOutsideGroup is the error of a change outside group g.
func errOutsideGroup(g GroupEditor) error {
	return fmt.Errorf("%w: %w", invalid("audience", "You can share only with PCNs in your group ("+g.Label+"). Choose an audience inside it"), ErrOutsideGroup)
}

// validate checks and tidies an input.
func (in *SharedItemInput) validate() error {
	in.Title, in.Owner, in.Path = strings.TrimSpace(in.Title), strings.TrimSpace(in.Owner), strings.TrimSpace(in.Path)
	in.Audience.Value = strings.TrimSpace(in.Audience.Value)
	switch in.Kind {
	case SharedNotice:
		in.Body = strings.TrimSpace(in.Body)
		in.Path = ""
		switch n := utf8.RuneCountInString(in.Title); {
		case n == 0:
			return invalid("title", "Enter a title")
		case n > 120:
			return invalid("title", "Use 120 characters or fewer for the title of a notice")
		}
		if utf8.RuneCountInString(in.Body) > 600 {
			return invalid("body", "Use 600 characters or fewer for the text of a notice")
		}
	case SharedPage:
		if err := ValidatePagePath(in.Path); err != nil {
			return err
		}
		if in.Path == "/" {
			return invalid("path", "A shared page cannot be the home page: choose another path")
		}
		switch n := utf8.RuneCountInString(in.Title); {
		case n == 0:
			return invalid("title", "Enter a title")
		case n > 200:
			return invalid("title", "Use 200 characters or fewer for the title")
		}
		if strings.TrimSpace(in.Body) == "" {
			return invalid("body", "Enter the text of the page")
		}
		if len(in.Body) > richtext.MaxSource {
			return invalid("body", fmt.Sprintf("The text is too long: %d KB at most", richtext.MaxSource>>10))
		}
	default:
		return invalid("kind", "Choose a notice or a page")
	}
	if !utf8.ValidString(in.Body) || !utf8.ValidString(in.Title) {
		return invalid("body", "The text is not valid UTF-8")
	}
	if linksSiteMedia(in.Kind, in.Body) {
		return invalid("body", errSharedMedia)
	}
	switch n := utf8.RuneCountInString(in.Owner); {
	case n == 0:
		return invalid("owner", "Enter who it is from, like NHS South Yorkshire ICB")
	case n > 100:
		return invalid("owner", "Use 100 characters or fewer")
	}
	return in.Audience.validate()
}

// errSharedMedia says why a shared body may not use a site's /media/ files.
const errSharedMedia = "Do not link to a /media/ address: it points to one PCN's own files, so it breaks on every other PCN's site. " +
	"Use the full address (starting https://) of an image or file kept somewhere else, or ask each PCN to add it to their own site"

// bareSiteMedia is a /media/ address written out in a notice's plain text.
var bareSiteMedia = regexp.MustCompile(`(?i)(?:^|[\s(\[<"'=])\.{0,2}/media(?:/|$|[\s)\]>"'])`)

// linksSiteMedia reports whether body links or embeds a file of a site's
// media library by a relative address (/media/...), which resolves against
// whichever tenant shows it. A notice is plain text, so a /media/ address
// written out in it counts too.
func linksSiteMedia(kind SharedKind, body string) bool {
	if len(richtext.SiteMediaLinks(body)) > 0 {
		return true
	}
	return kind == SharedNotice && bareSiteMedia.MatchString(body)
}

// validate checks an audience's shape (not who may use it).
func (a *Audience) validate() error {
	switch a.Kind {
	case AudienceAll:
		a.Value, a.TenantIDs = "", nil
	case AudienceICB:
		a.TenantIDs = nil
		if a.Value == "" {
			return invalid("icb", "Choose an ICB")
		}
	case AudienceSubICB:
		a.TenantIDs = nil
		if a.Value == "" {
			return invalid("sub_icb", "Choose a sub-ICB location")
		}
	case AudienceList:
		a.Value = ""
		slices.Sort(a.TenantIDs)
		a.TenantIDs = slices.Compact(a.TenantIDs)
		if len(a.TenantIDs) == 0 {
			return invalid("tenants", "Choose at least one PCN")
		}
	default:
		return invalid("audience", "Choose who to share it with")
	}
	return nil
}

// audienceTenant is what audience resolution needs of a tenant.
type audienceTenant struct {
	ID         int64
	Slug       string
	Name       string
	SubICBCode string `gorm:"column:sub_icb_code"`
	SubICBName string `gorm:"column:sub_icb_name"`
}

func (t audienceTenant) icb() string { return ods.ICBName(t.SubICBName) }

// in reports whether tenant t is in audience a.
func (a Audience) in(t audienceTenant) bool {
	switch a.Kind {
	case AudienceAll:
		return true
	case AudienceICB:
		return t.SubICBName != "" && t.icb() == a.Value
	case AudienceSubICB:
		return t.SubICBCode == a.Value
	case AudienceList:
		_, ok := slices.BinarySearch(a.TenantIDs, t.ID)
		return ok
	}
	return false
}

// audienceTenants lists every tenant that is not archived, for resolving
// audiences (a few columns of 1,300 rows).
func audienceTenants(tx *gorm.DB) ([]audienceTenant, error) {
	var out []audienceTenant
	err := tx.Table("tenants").Select("id, slug, name, sub_icb_code, sub_icb_name").
		Where("status <> ?", StatusArchived).Order("name, id").Find(&out).Error
	return out, err
}

// resolve returns the ids of the tenants of all that are in a, in order.
func (a Audience) resolve(all []audienceTenant) []int64 {
	var ids []int64
	for _, t := range all {
		if a.in(t) {
			ids = append(ids, t.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// within reports whether every tenant audience a can ever reach is in
// group g: an ICB group takes its ICB, its sub-ICBs and lists of its
// tenants; a sub-ICB group its sub-ICB and lists of its tenants; a list
// group lists of its tenants. "All" is never within a group.
func (a Audience) within(g GroupEditor, all []audienceTenant) bool {
	byID := make(map[int64]audienceTenant, len(all))
	for _, t := range all {
		byID[t.ID] = t
	}
	group := g.audience()
	switch a.Kind {
	case AudienceAll:
		return false
	case AudienceICB:
		return g.Audience == AudienceICB && a.Value == g.AudienceValue
	case AudienceSubICB:
		switch g.Audience {
		case AudienceSubICB:
			return a.Value == g.AudienceValue
		case AudienceICB: // a sub-ICB of the ICB: ODS names its ICB
			for _, t := range all {
				if t.SubICBCode == a.Value {
					return t.icb() == g.AudienceValue
				}
			}
		}
		return false
	case AudienceList:
		for _, id := range a.TenantIDs {
			t, ok := byID[id]
			if !ok || !group.in(t) {
				return false
			}
		}
		return true
	}
	return false
}

// inheriting returns those of ids that have no state for item id: the
// tenants that show the original.
func inheriting(tx *gorm.DB, itemID int64, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var set []int64
	if err := tx.Table("shared_item_states").Where("item_id = ?", itemID).Pluck("tenant_id", &set).Error; err != nil {
		return nil, err
	}
	return slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return slices.Contains(set, id) }), nil
}

// SharedEditor is who writes shared content: an operator (Group nil) or a
// group editor.
type SharedEditor struct {
	User  User
	Group *GroupEditor
}

// SharedEditorFor returns u as an editor of shared content: an operator,
// or a group editor with their group. Anyone else is ErrNotFound.
func (d *DB) SharedEditorFor(ctx context.Context, u User) (SharedEditor, error) {
	if u.IsOperator {
		return SharedEditor{User: u}, nil
	}
	g, err := d.GroupEditorByUserID(ctx, u.ID)
	if err != nil {
		return SharedEditor{}, err
	}
	return SharedEditor{User: u, Group: &g}, nil
}

// may reports whether e may reach audience a.
func (e SharedEditor) may(a Audience, all []audienceTenant) bool {
	return e.Group == nil || a.within(*e.Group, all)
}

// SaveSharedItem creates (id 0) or updates a shared item as e, with the
// operator's reason why. The tenants that inherit it, before or after the
// change, have their generations bumped once each in the same transaction
// and an audit row each; the operator audit log gets one row. A group
// editor reaching outside their group is refused (ErrOutsideGroup, with a
// ValidationError on "audience"), and so is one editing an item whose
// audience is outside it (ErrNotFound: they cannot see it).
func (d *DB) SaveSharedItem(ctx context.Context, e SharedEditor, id int64, in SharedItemInput, why string) (SharedItem, error) {
	if err := in.validate(); err != nil {
		return SharedItem{}, err
	}
	if err := ValidateWhy(why); err != nil {
		return SharedItem{}, err
	}
	var body string
	if in.Kind == SharedPage {
		html, err := richtext.Markdown(in.Body)
		if err != nil {
			return SharedItem{}, invalid("body", err.Error())
		}
		body = string(html)
	}
	var item SharedItem
	err := d.mutateSome(ctx, func(tx *gorm.DB) ([]int64, error) {
		all, err := audienceTenants(tx)
		if err != nil {
			return nil, err
		}
		if !e.may(in.Audience, all) {
			return nil, errOutsideGroup(*e.Group)
		}
		var before []int64
		action := AuditSharedCreate
		now := time.Now().UTC()
		if id == 0 {
			item = SharedItem{Kind: in.Kind, CreatedBy: e.User.Email, CreatedAt: now, Version: 1}
		} else {
			action = AuditSharedUpdate
			if item, err = loadSharedItem(tx, id); err != nil {
				return nil, err
			}
			if !e.may(item.audience(), all) {
				return nil, gorm.ErrRecordNotFound
			}
			if in.Version != 0 && in.Version != item.Version {
				return nil, &ValidationError{Field: "title", Message: "Someone else changed this item since you opened it. Open it again to see their change"}
			}
			if in.Kind != item.Kind {
				return nil, invalid("kind", "A notice cannot become a page, nor a page a notice: make a new item")
			}
			if before, err = inheriting(tx, item.ID, item.audience().resolve(all)); err != nil {
				return nil, err
			}
			item.Version++
		}
		item.Path, item.Title, item.BodyMD, item.BodyHTML, item.Owner = in.Path, in.Title, in.Body, body, in.Owner
		item.Audience, item.AudienceValue, item.TenantIDs = in.Audience.Kind, in.Audience.Value, in.Audience.TenantIDs
		item.UpdatedBy, item.UpdatedAt = e.User.Email, now
		if err := tx.Save(&item).Error; err != nil {
			return nil, err
		}
		if err := tx.Where("item_id = ?", item.ID).Delete(&sharedItemTenant{}).Error; err != nil {
			return nil, err
		}
		for _, tid := range item.TenantIDs {
			if err := tx.Create(&sharedItemTenant{ItemID: item.ID, TenantID: tid}).Error; err != nil {
				return nil, err
			}
		}
		// A tenant that has left the audience keeps no state about it: one
		// that showed its own version of a notice shows nothing now.
		after := item.audience().resolve(all)
		var dropped []int64
		if item.Kind == SharedNotice {
			if err := tx.Model(&sharedItemState{}).Where("item_id = ? AND state = ?", item.ID, SharedReplaced).
				Where("tenant_id NOT IN ?", append(after, 0)).Pluck("tenant_id", &dropped).Error; err != nil {
				return nil, err
			}
		}
		if err := tx.Where("item_id = ?", item.ID).Where("tenant_id NOT IN ?", append(after, 0)).Delete(&sharedItemState{}).Error; err != nil {
			return nil, err
		}
		now2, err := inheriting(tx, item.ID, after)
		if err != nil {
			return nil, err
		}
		reached := union(union(before, now2), dropped)
		subject := sharedSubject(item)
		if err := auditTenants(tx, e.User, action, reached, subject); err != nil {
			return nil, err
		}
		if err := operatorAuditTx(tx, e.User, action, fmt.Sprintf("%s (%d PCNs)", subject, len(reached)), why); err != nil {
			return nil, err
		}
		return reached, nil
	})
	if err != nil {
		return SharedItem{}, translate("save shared item", err)
	}
	return item, nil
}

// DeleteSharedItem removes a shared item as e: the tenants that inherited
// it, and for a notice those that showed their own version of it (which
// goes with it), are re-rendered and audited, as for an edit.
func (d *DB) DeleteSharedItem(ctx context.Context, e SharedEditor, id int64, why string) error {
	if err := ValidateWhy(why); err != nil {
		return err
	}
	err := d.mutateSome(ctx, func(tx *gorm.DB) ([]int64, error) {
		all, err := audienceTenants(tx)
		if err != nil {
			return nil, err
		}
		item, err := loadSharedItem(tx, id)
		if err != nil {
			return nil, err
		}
		if !e.may(item.audience(), all) {
			return nil, gorm.ErrRecordNotFound
		}
		reached, err := inheriting(tx, item.ID, item.audience().resolve(all))
		if err != nil {
			return nil, err
		}
		if item.Kind == SharedNotice { // their own versions of it go too
			var own []int64
			if err := tx.Model(&sharedItemState{}).Where("item_id = ? AND state = ?", item.ID, SharedReplaced).Pluck("tenant_id", &own).Error; err != nil {
				return nil, err
			}
			reached = union(reached, own)
		}
		if err := tx.Delete(&SharedItem{}, item.ID).Error; err != nil {
			return nil, err
		}
		subject := sharedSubject(item)
		if err := auditTenants(tx, e.User, AuditSharedDelete, reached, subject); err != nil {
			return nil, err
		}
		return reached, operatorAuditTx(tx, e.User, AuditSharedDelete, fmt.Sprintf("%s (%d PCNs)", subject, len(reached)), why)
	})
	return translate(fmt.Sprintf("delete shared item %d", id), err)
}

// sharedSubject names an item in audit logs.
func sharedSubject(s SharedItem) string {
	what := "notice"
	if s.Kind == SharedPage {
		what = "page " + s.Path
	}
	return fmt.Sprintf("shared %s %q from %s", what, s.Title, s.Owner)
}

// union returns the sorted union of two id lists.
func union(a, b []int64) []int64 {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

// auditTenants appends one row to the audit log of each tenant in ids.
func auditTenants(tx *gorm.DB, by User, action string, ids []int64, subject string) error {
	if len(ids) == 0 {
		return nil
	}
	rows := make([]AuditEntry, 0, len(ids))
	now := time.Now().UTC()
	for _, id := range ids {
		e := AuditEntry{TenantID: id, UserEmail: by.Email, Action: action, Subject: subject, At: now}
		if by.ID != 0 {
			e.UserID = &by.ID
		}
		rows = append(rows, e)
	}
	return tx.CreateInBatches(&rows, 200).Error
}

// operatorAuditTx writes a platform-wide row of the operator audit log in
// tx (OperatorAudit, inside a transaction).
func operatorAuditTx(tx *gorm.DB, by User, action, subject, why string) error {
	row := map[string]any{"user_email": by.Email, "action": action, "subject": subject, "why": strings.TrimSpace(why), "at": time.Now().UTC(),
		"user_id": nil, "tenant_id": nil, "tenant_slug": ""}
	if by.ID != 0 {
		row["user_id"] = by.ID
	}
	return tx.Table("operator_audit").Create(row).Error
}

// loadSharedItem reads one item and its hand-picked list.
func loadSharedItem(tx *gorm.DB, id int64) (SharedItem, error) {
	var s SharedItem
	if err := tx.Where("id = ?", id).Take(&s).Error; err != nil {
		return s, err
	}
	if s.Audience == AudienceList {
		if err := tx.Table("shared_item_tenants").Where("item_id = ?", id).Order("tenant_id").Pluck("tenant_id", &s.TenantIDs).Error; err != nil {
			return s, err
		}
	}
	return s, nil
}

// SharedItemByID returns an item e may see.
func (d *DB) SharedItemByID(ctx context.Context, e SharedEditor, id int64) (SharedItem, error) {
	tx := d.gorm.WithContext(ctx)
	s, err := loadSharedItem(tx, id)
	if err != nil {
		return s, translate(fmt.Sprintf("shared item %d", id), err)
	}
	if e.Group != nil {
		all, err := audienceTenants(tx)
		if err != nil {
			return s, translate("audience tenants", err)
		}
		if !e.may(s.audience(), all) {
			return SharedItem{}, fmt.Errorf("models: shared item %d: %w", id, ErrNotFound)
		}
	}
	return s, nil
}

// SharedItemSummary is a row of the console's list: an item and how many
// tenants it reaches, by state.
type SharedItemSummary struct {
	SharedItem
	Inherit, Hidden, Replaced int
}

// SharedItems lists the items e may see, newest change first, with their
// counts.
func (d *DB) SharedItems(ctx context.Context, e SharedEditor) ([]SharedItemSummary, error) {
	tx := d.gorm.WithContext(ctx)
	var items []SharedItem
	if err := tx.Order("updated_at DESC, id DESC").Find(&items).Error; err != nil {
		return nil, translate("shared items", err)
	}
	all, err := audienceTenants(tx)
	if err != nil {
		return nil, translate("audience tenants", err)
	}
	var lists []sharedItemTenant
	if err := tx.Find(&lists).Error; err != nil {
		return nil, translate("shared item tenants", err)
	}
	var states []sharedItemState
	if err := tx.Find(&states).Error; err != nil {
		return nil, translate("shared item states", err)
	}
	var out []SharedItemSummary
	for _, s := range items {
		for _, l := range lists {
			if l.ItemID == s.ID {
				s.TenantIDs = append(s.TenantIDs, l.TenantID)
			}
		}
		slices.Sort(s.TenantIDs)
		if !e.may(s.audience(), all) {
			continue
		}
		row := SharedItemSummary{SharedItem: s}
		row.Inherit = len(s.audience().resolve(all))
		for _, st := range states {
			if st.ItemID != s.ID {
				continue
			}
			row.Inherit--
			if st.State == SharedHidden {
				row.Hidden++
			} else {
				row.Replaced++
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// SharedReach is one tenant an item reaches and what the tenant shows.
type SharedReach struct {
	TenantID   int64
	Slug, Name string
	State      SharedState
}

// SharedItemReach lists the tenants of an item's audience, by name, with
// each one's state.
func (d *DB) SharedItemReach(ctx context.Context, s SharedItem) ([]SharedReach, error) {
	tx := d.gorm.WithContext(ctx)
	all, err := audienceTenants(tx)
	if err != nil {
		return nil, translate("audience tenants", err)
	}
	var states []sharedItemState
	if err := tx.Where("item_id = ?", s.ID).Find(&states).Error; err != nil {
		return nil, translate("shared item states", err)
	}
	byTenant := make(map[int64]SharedState, len(states))
	for _, st := range states {
		byTenant[st.TenantID] = st.State
	}
	var out []SharedReach
	for _, t := range all {
		if s.audience().in(t) {
			out = append(out, SharedReach{TenantID: t.ID, Slug: t.Slug, Name: t.Name, State: byTenant[t.ID]})
		}
	}
	return out, nil
}

// AudienceChoices are the groups an editor can pick from: the ICBs and
// sub-ICB locations of the tenants ODS placed, and the tenants themselves,
// those e may reach only.
type AudienceChoices struct {
	ICBs    []string
	SubICBs []SubICBChoice
	Tenants []TenantChoice
}

// SubICBChoice is a sub-ICB location.
type SubICBChoice struct{ Code, Name string }

// TenantChoice is a tenant of a hand-picked list.
type TenantChoice struct {
	ID         int64
	Slug, Name string
}

// SharedAudienceChoices lists what e may share with.
func (d *DB) SharedAudienceChoices(ctx context.Context, e SharedEditor) (AudienceChoices, error) {
	all, err := audienceTenants(d.gorm.WithContext(ctx))
	if err != nil {
		return AudienceChoices{}, translate("audience choices", err)
	}
	var out AudienceChoices
	seen := map[string]bool{}
	for _, t := range all {
		if e.Group != nil && !e.Group.audience().in(t) {
			continue
		}
		out.Tenants = append(out.Tenants, TenantChoice{ID: t.ID, Slug: t.Slug, Name: t.Name})
		if t.SubICBCode == "" {
			continue
		}
		if icb := t.icb(); !seen["icb:"+icb] && (e.Group == nil || e.Group.Audience == AudienceICB) {
			seen["icb:"+icb] = true
			out.ICBs = append(out.ICBs, icb)
		}
		if !seen["sub:"+t.SubICBCode] && (e.Group == nil || e.Group.Audience != AudienceList) {
			seen["sub:"+t.SubICBCode] = true
			out.SubICBs = append(out.SubICBs, SubICBChoice{Code: t.SubICBCode, Name: t.SubICBName})
		}
	}
	slices.Sort(out.ICBs)
	slices.SortFunc(out.SubICBs, func(a, b SubICBChoice) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// The tenant's side.

// TenantShared is a shared item that reaches the tenant, with the
// tenant's state and, for a replaced notice, its own text.
type TenantShared struct {
	SharedItem
	State    SharedState
	OwnTitle string
	OwnBody  string
}

// tenantAudience is the tenant's place for audiences.
func (t *TenantDB) tenantAudience() (audienceTenant, error) {
	var at audienceTenant
	err := t.plain().Table("tenants").Select("id, slug, name, sub_icb_code, sub_icb_name").Where("id = ?", t.tenantID).Take(&at).Error
	return at, err
}

// plain is a handle on the same transaction and context without the
// tenant condition, for the platform's tables of shared content.
func (t *TenantDB) plain() *gorm.DB { return t.scoped.Session(&gorm.Session{NewDB: true}) }

// SharedItems lists the shared items that reach the tenant, newest change
// first, with its state of each.
func (t *TenantDB) SharedItems() ([]TenantShared, error) {
	out, err := t.sharedItems("")
	return out, translate("shared items", err)
}

func (t *TenantDB) sharedItems(kind SharedKind) ([]TenantShared, error) {
	at, err := t.tenantAudience()
	if err != nil {
		return nil, err
	}
	q := t.plain().Model(&SharedItem{}).
		Where("audience = ? OR (audience = ? AND audience_value = ?) OR (audience = ? AND audience_value = ? AND ? <> '') OR (audience = ? AND id IN (SELECT item_id FROM shared_item_tenants WHERE tenant_id = ?))",
			AudienceAll, AudienceSubICB, at.SubICBCode, AudienceICB, at.icb(), at.SubICBName, AudienceList, t.tenantID).
		Order("updated_at DESC, id DESC")
	if kind != "" {
		q = q.Where("kind = ?", kind)
	}
	var items []SharedItem
	if err := q.Find(&items).Error; err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, nil
	}
	var states []sharedItemState
	if err := t.scoped.Find(&states).Error; err != nil {
		return nil, err
	}
	out := make([]TenantShared, 0, len(items))
	for _, s := range items {
		if s.Audience == AudienceSubICB && at.SubICBCode == "" {
			continue
		}
		ts := TenantShared{SharedItem: s}
		for _, st := range states {
			if st.ItemID == s.ID {
				ts.State, ts.OwnTitle, ts.OwnBody = st.State, st.Title, st.Body
			}
		}
		out = append(out, ts)
	}
	return out, nil
}

// SharedItem returns one shared item that reaches the tenant.
func (t *TenantDB) SharedItem(id int64) (TenantShared, error) {
	items, err := t.sharedItems("")
	if err != nil {
		return TenantShared{}, translate("shared item", err)
	}
	for _, s := range items {
		if s.ID == id {
			return s, nil
		}
	}
	return TenantShared{}, fmt.Errorf("models: shared item %d: %w", id, ErrNotFound)
}

// SharedNoticeView is a notice as the site shows it: From is the owner of
// an inherited one, "" for the tenant's own replacement.
type SharedNoticeView struct {
	Title, Body, From string
}

// SharedNotices lists the notices the tenant's site shows: inherited ones
// with their owner, replaced ones in the tenant's words, not hidden ones.
func (t *TenantDB) SharedNotices() ([]SharedNoticeView, error) {
	items, err := t.sharedItems(SharedNotice)
	if err != nil {
		return nil, translate("shared notices", err)
	}
	var out []SharedNoticeView
	for _, s := range items {
		switch s.State {
		case SharedInherits:
			out = append(out, SharedNoticeView{Title: s.Title, Body: s.BodyMD, From: s.Owner})
		case SharedReplaced:
			out = append(out, SharedNoticeView{Title: s.OwnTitle, Body: s.OwnBody})
		}
	}
	return out, nil
}

// SharedPageAt returns the shared page the tenant inherits at path, or
// ErrNotFound (none, hidden, or replaced by the tenant's own page).
func (t *TenantDB) SharedPageAt(path string) (SharedItem, error) {
	items, err := t.sharedItems(SharedPage)
	if err != nil {
		return SharedItem{}, translate("shared page "+path, err)
	}
	for _, s := range items {
		if s.Path == path && s.State == SharedInherits {
			return s.SharedItem, nil
		}
	}
	return SharedItem{}, fmt.Errorf("models: shared page %s: %w", path, ErrNotFound)
}

// HideShared stops the tenant showing a shared item.
func (t *TenantDB) HideShared(by Actor, id int64) error {
	return t.setSharedState(by, id, SharedHidden, "", "")
}

// ShowShared makes the tenant inherit a shared item again (after hiding or
// replacing it).
func (t *TenantDB) ShowShared(by Actor, id int64) error {
	return t.setSharedState(by, id, SharedInherits, "", "")
}

// ReplaceSharedNotice shows the tenant's own title and text instead of a
// shared notice.
func (t *TenantDB) ReplaceSharedNotice(by Actor, id int64, title, body string) error {
	title, body = strings.TrimSpace(title), strings.TrimSpace(body)
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		return invalid("title", "Enter a title")
	case n > 120:
		return invalid("title", "Use 120 characters or fewer for the title")
	}
	if utf8.RuneCountInString(body) > 600 {
		return invalid("body", "Use 600 characters or fewer for the text")
	}
	return t.setSharedState(by, id, SharedReplaced, title, body)
}

// ReplaceSharedPage makes the tenant's own page at the shared page's path
// its version: a draft prefilled with the shared text is made when the
// tenant has no page there, for the manager to edit and publish. Until the
// tenant publishes it, the path shows nothing.
func (t *TenantDB) ReplaceSharedPage(by Actor, id int64) (string, error) {
	s, err := t.SharedItem(id)
	if err != nil {
		return "", err
	}
	if s.Kind != SharedPage {
		return "", invalid("kind", "This is a notice: write your own notice instead")
	}
	if _, err := t.PageForEdit(s.Path); errors.Is(err, ErrNotFound) {
		if _, err := t.PutPage(PageInput{Path: s.Path, Title: s.Title, BodyMD: s.BodyMD, Draft: true, By: by}); err != nil {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	return s.Path, t.setSharedState(by, id, SharedReplaced, "", "")
}

// setSharedState records the tenant's state of a shared item through the
// mutation path: its generation bumped, its audit log told.
func (t *TenantDB) setSharedState(by Actor, id int64, state SharedState, title, body string) error {
	s, err := t.SharedItem(id)
	if err != nil {
		return err
	}
	action := map[SharedState]string{SharedHidden: AuditSharedHide, SharedInherits: AuditSharedShow, SharedReplaced: AuditSharedReplace}[state]
	err = t.changeAudited(by, func(tx *TenantDB) error {
		if s.State == state && state != SharedReplaced {
			return errUnchanged
		}
		if err := tx.scoped.Where("item_id = ?", id).Delete(&sharedItemState{}).Error; err != nil {
			return err
		}
		if state != SharedInherits {
			row := sharedItemState{TenantID: t.tenantID, ItemID: id, State: state, Title: title, Body: body, UpdatedAt: time.Now().UTC()}
			if err := tx.scoped.Create(&row).Error; err != nil {
				return err
			}
		}
		return tx.audit(action, sharedSubject(s.SharedItem))
	})
	return translate(fmt.Sprintf("shared item %d: %s", id, action), err)
}

// The group editors.

// GroupEditor is a console account limited to a group of tenants: it may
// write shared content for them and do nothing else in the console.
type GroupEditor struct {
	UserID          int64 `gorm:"primaryKey"`
	Label           string
	Audience        AudienceKind
	AudienceValue   string
	InviteTokenHash string
	InviteExpiresAt *time.Time
	CreatedBy       string
	CreatedAt       time.Time
	TenantIDs       []int64 `gorm:"-"`
	Email           string  `gorm:"->;-:migration"`
}

// TableName keeps the SQL name explicit.
func (GroupEditor) TableName() string { return "group_editors" }

func (g GroupEditor) audience() Audience {
	return Audience{Kind: g.Audience, Value: g.AudienceValue, TenantIDs: g.TenantIDs}
}

type groupEditorTenant struct {
	UserID   int64
	TenantID int64
}

func (groupEditorTenant) TableName() string { return "group_editor_tenants" }

// GroupEditorInput is an operator's invitation of a group editor.
type GroupEditorInput struct {
	Email string
	Label string // the group's name, shown as the owner of its items
	Group Audience
	// PasswordHash is the account's hash until they join: a hash of a
	// random secret nobody keeps, so signing in before joining is an
	// ordinary wrong password.
	PasswordHash string
}

// InviteGroupEditor creates a group editor's account, without a password
// until they accept the invitation whose token hashes to tokenHash. An
// email that already has an account is a ValidationError.
func (d *DB) InviteGroupEditor(ctx context.Context, by User, in GroupEditorInput, tokenHash string, expires time.Time, why string) (GroupEditor, error) {
	in.Email, in.Label = NormalizeEmail(in.Email), strings.TrimSpace(in.Label)
	if err := ValidateEmail(in.Email); err != nil {
		return GroupEditor{}, err
	}
	switch n := utf8.RuneCountInString(in.Label); {
	case n == 0:
		return GroupEditor{}, invalid("label", "Enter the group's name, like NHS South Yorkshire ICB")
	case n > 100:
		return GroupEditor{}, invalid("label", "Use 100 characters or fewer")
	}
	if in.Group.Kind == AudienceAll {
		return GroupEditor{}, invalid("audience", "A group editor's group is one ICB, one sub-ICB or a list of PCNs, never all of them")
	}
	if err := in.Group.validate(); err != nil {
		return GroupEditor{}, err
	}
	if err := ValidateWhy(why); err != nil {
		return GroupEditor{}, err
	}
	exp := expires.UTC()
	g := GroupEditor{Label: in.Label, Audience: in.Group.Kind, AudienceValue: in.Group.Value, TenantIDs: in.Group.TenantIDs,
		InviteTokenHash: tokenHash, InviteExpiresAt: &exp, CreatedBy: by.Email, CreatedAt: time.Now().UTC(), Email: in.Email}
	err := d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&User{}).Where("email = ?", in.Email).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return invalid("email", "This email address already has an account: use another")
		}
		u := User{Email: in.Email, PasswordHash: in.PasswordHash}
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		g.UserID = u.ID
		if err := tx.Omit("Email").Create(&g).Error; err != nil {
			return err
		}
		for _, id := range g.TenantIDs {
			if err := tx.Create(&groupEditorTenant{UserID: u.ID, TenantID: id}).Error; err != nil {
				return err
			}
		}
		return operatorAuditTx(tx, by, "group-editor.invite", in.Email+" for "+in.Label, why)
	})
	if err != nil {
		return GroupEditor{}, translate("invite group editor "+in.Email, err)
	}
	return g, nil
}

// GroupEditorByUserID returns a user's group, or ErrNotFound when the user
// is not a group editor.
func (d *DB) GroupEditorByUserID(ctx context.Context, userID int64) (GroupEditor, error) {
	tx := d.gorm.WithContext(ctx)
	var g GroupEditor
	err := tx.Table("group_editors").Select("group_editors.*, users.email AS email").
		Joins("JOIN users ON users.id = group_editors.user_id").Where("group_editors.user_id = ?", userID).Take(&g).Error
	if err != nil {
		return g, translate(fmt.Sprintf("group editor %d", userID), err)
	}
	if g.Audience == AudienceList {
		err = tx.Table("group_editor_tenants").Where("user_id = ?", userID).Order("tenant_id").Pluck("tenant_id", &g.TenantIDs).Error
	}
	return g, translate("group editor tenants", err)
}

// GroupEditors lists every group editor, by email.
func (d *DB) GroupEditors(ctx context.Context) ([]GroupEditor, error) {
	var out []GroupEditor
	err := d.gorm.WithContext(ctx).Table("group_editors").Select("group_editors.*, users.email AS email").
		Joins("JOIN users ON users.id = group_editors.user_id").Order("users.email").Find(&out).Error
	return out, translate("group editors", err)
}

// GroupEditorInvitation returns the pending invitation whose token hashes
// to tokenHash, or ErrNotFound (none, used or expired).
func (d *DB) GroupEditorInvitation(ctx context.Context, tokenHash string, now time.Time) (GroupEditor, error) {
	var g GroupEditor
	if tokenHash == "" {
		return g, fmt.Errorf("models: group editor invitation: %w", ErrNotFound)
	}
	err := d.gorm.WithContext(ctx).Table("group_editors").Select("group_editors.*, users.email AS email").
		Joins("JOIN users ON users.id = group_editors.user_id").
		Where("invite_token_hash = ? AND invite_expires_at > ?", tokenHash, now.UTC()).Take(&g).Error
	return g, translate("group editor invitation", err)
}

// AcceptGroupEditorInvitation sets the invited group editor's password and
// uses the invitation up. They set up two-factor when they first sign in.
func (d *DB) AcceptGroupEditorInvitation(ctx context.Context, tokenHash, passwordHash string, now time.Time) (User, error) {
	if passwordHash == "" {
		return User{}, invalid("password", "Enter a password")
	}
	var u User
	err := d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var g GroupEditor
		if err := tx.Where("invite_token_hash = ? AND invite_token_hash <> '' AND invite_expires_at > ?", tokenHash, now.UTC()).Take(&g).Error; err != nil {
			return err
		}
		if err := tx.Model(&GroupEditor{}).Where("user_id = ?", g.UserID).Updates(map[string]any{"invite_token_hash": "", "invite_expires_at": nil}).Error; err != nil {
			return err
		}
		if err := tx.Model(&User{}).Where("id = ?", g.UserID).Updates(map[string]any{"password_hash": passwordHash, "updated_at": now.UTC()}).Error; err != nil {
			return err
		}
		return tx.Where("id = ?", g.UserID).Take(&u).Error
	})
	return u, translate("accept group editor invitation", err)
}

// Operator actions on group editors (audited in the operator log).
const (
	AuditGroupEditorRemove = "group-editor.remove"
	AuditGroupEditorReLink = "group-editor.new-link"
)

// RemoveGroupEditor takes a group editor's console access away: their
// group goes, every session of theirs ends, and their account goes too
// unless it is also an operator's or a member of a tenant (so the address
// can be invited again). What they shared stays, as the group's. The
// operator audit log gets one row. ErrNotFound when userID is not a group
// editor.
func (d *DB) RemoveGroupEditor(ctx context.Context, by User, userID int64, why string) error {
	if err := ValidateWhy(why); err != nil {
		return err
	}
	err := d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var g GroupEditor
		if err := tx.Table("group_editors").Select("group_editors.*, users.email AS email").
			Joins("JOIN users ON users.id = group_editors.user_id").Where("group_editors.user_id = ?", userID).Take(&g).Error; err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", userID).Delete(&groupEditorTenant{}).Error; err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", userID).Delete(&GroupEditor{}).Error; err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", userID).Delete(&SignInSession{}).Error; err != nil {
			return err
		}
		var u User
		if err := tx.Where("id = ?", userID).Take(&u).Error; err != nil {
			return err
		}
		var members int64
		if err := tx.Model(&Membership{}).Where("user_id = ?", userID).Count(&members).Error; err != nil {
			return err
		}
		if !u.IsOperator && members == 0 {
			if err := tx.Delete(&User{}, userID).Error; err != nil {
				return err
			}
		}
		return operatorAuditTx(tx, by, AuditGroupEditorRemove, g.Email+" for "+g.Label, why)
	})
	return translate(fmt.Sprintf("remove group editor %d", userID), err)
}

// RenewGroupEditorInvitation replaces the invitation of a group editor who
// has not joined with one whose token hashes to tokenHash, working until
// expires: the old link stops working. An editor who has joined is a
// ValidationError; one that is not a group editor, ErrNotFound.
func (d *DB) RenewGroupEditorInvitation(ctx context.Context, by User, userID int64, tokenHash string, expires time.Time, why string) (GroupEditor, error) {
	if err := ValidateWhy(why); err != nil {
		return GroupEditor{}, err
	}
	if tokenHash == "" {
		return GroupEditor{}, fmt.Errorf("models: renew group editor invitation: %w", ErrInvalid)
	}
	var g GroupEditor
	err := d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Table("group_editors").Select("group_editors.*, users.email AS email").
			Joins("JOIN users ON users.id = group_editors.user_id").Where("group_editors.user_id = ?", userID).Take(&g).Error; err != nil {
			return err
		}
		if g.InviteTokenHash == "" {
			return invalid("why", g.Email+" has joined already: there is no invitation to make again")
		}
		exp := expires.UTC()
		res := tx.Model(&GroupEditor{}).Where("user_id = ? AND invite_token_hash = ?", userID, g.InviteTokenHash).
			Updates(map[string]any{"invite_token_hash": tokenHash, "invite_expires_at": exp})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 { // joined meanwhile
			return invalid("why", g.Email+" has joined already: there is no invitation to make again")
		}
		g.InviteTokenHash, g.InviteExpiresAt = tokenHash, &exp
		return operatorAuditTx(tx, by, AuditGroupEditorReLink, g.Email+" for "+g.Label, why)
	})
	if err != nil {
		return GroupEditor{}, translate(fmt.Sprintf("renew group editor invitation %d", userID), err)
	}
	return g, nil
}
