package models_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// sharedWorld is five tenants: two in sub-ICB 02P and one in 03L, both of
// NHS South Yorkshire ICB, one in London, one not placed by ODS.
type sharedWorld struct {
	db                 *models.DB
	a, b, c, london, e models.Tenant
	operator           models.SharedEditor
}

const southYorkshire = "NHS South Yorkshire ICB"

func newSharedWorld(t *testing.T, db *models.DB) sharedWorld {
	t.Helper()
	ctx := context.Background()
	w := sharedWorld{db: db,
		a: modelstest.Tenant(t, db, "alpha"), b: modelstest.Tenant(t, db, "bravo"), c: modelstest.Tenant(t, db, "charlie"),
		london: modelstest.Tenant(t, db, "london"), e: modelstest.Tenant(t, db, "echo")}
	for _, p := range []struct {
		id         int64
		code, name string
	}{
		{w.a.ID, "02P", "NHS SOUTH YORKSHIRE ICB - 02P"},
		{w.b.ID, "02P", "NHS SOUTH YORKSHIRE ICB - 02P"},
		{w.c.ID, "03L", "NHS SOUTH YORKSHIRE ICB - 03L"},
		{w.london.ID, "36L", "NHS SOUTH WEST LONDON ICB - 36L"},
	} {
		if err := models.SetSubICBForTest(ctx, db, p.id, p.code, p.name); err != nil {
			t.Fatal(err)
		}
	}
	op, err := db.CreateOperator(ctx, "op@example.nhs.uk", "hash")
	if err != nil {
		t.Fatal(err)
	}
	w.operator = models.SharedEditor{User: op}
	return w
}

func (w sharedWorld) gen(t *testing.T, tn models.Tenant) int64 {
	t.Helper()
	got, err := w.db.TenantByID(context.Background(), tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got.Generation
}

func (w sharedWorld) notice(t *testing.T, e models.SharedEditor, title string, aud models.Audience) models.SharedItem {
	t.Helper()
	s, err := w.db.SaveSharedItem(context.Background(), e, 0, models.SharedItemInput{Kind: models.SharedNotice, Title: title,
		Body: "Book your flu jab.", Owner: southYorkshire, Audience: aud}, "campaign")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func noticeTitles(t *testing.T, db *models.DB, tn models.Tenant) []string {
	t.Helper()
	ns, err := db.ForTenant(context.Background(), tn.ID).SharedNotices()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range ns {
		out = append(out, n.Title)
	}
	slices.Sort(out)
	return out
}

func TestSharedAudienceResolution(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		w := newSharedWorld(t, db)
		ctx := context.Background()
		w.notice(t, w.operator, "All", models.Audience{Kind: models.AudienceAll})
		w.notice(t, w.operator, "ICB", models.Audience{Kind: models.AudienceICB, Value: southYorkshire})
		w.notice(t, w.operator, "Sub", models.Audience{Kind: models.AudienceSubICB, Value: "02P"})
		list := w.notice(t, w.operator, "List", models.Audience{Kind: models.AudienceList, TenantIDs: []int64{w.e.ID, w.c.ID}})
		tests := []struct {
			tenant models.Tenant
			want   []string
		}{
			{w.a, []string{"All", "ICB", "Sub"}},
			{w.b, []string{"All", "ICB", "Sub"}},
			{w.c, []string{"All", "ICB", "List"}},
			{w.london, []string{"All"}},
			{w.e, []string{"All", "List"}},
		}
		for _, tt := range tests {
			if got := noticeTitles(t, db, tt.tenant); !slices.Equal(got, tt.want) {
				t.Errorf("%s sees %q, want %q", tt.tenant.Slug, got, tt.want)
			}
		}
		reach, err := db.SharedItemReach(ctx, list)
		if err != nil {
			t.Fatal(err)
		}
		var slugs []string
		for _, r := range reach {
			slugs = append(slugs, r.Slug)
		}
		slices.Sort(slugs)
		if want := []string{"charlie", "echo"}; !slices.Equal(slugs, want) {
			t.Errorf("list reaches %q, want %q", slugs, want)
		}
		// The notice carries its owner to the site.
		ns, _ := db.ForTenant(ctx, w.e.ID).SharedNotices()
		for _, n := range ns {
			if n.From != southYorkshire {
				t.Errorf("notice %q from %q, want %q", n.Title, n.From, southYorkshire)
			}
		}
	})
}

func TestSharedEditBumpsEachInheritingTenantOnce(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		w := newSharedWorld(t, db)
		ctx := context.Background()
		n := w.notice(t, w.operator, "Flu jabs", models.Audience{Kind: models.AudienceICB, Value: southYorkshire})
		by := models.Actor{Name: "manager@example.nhs.uk"}
		if err := db.ForTenant(ctx, w.b.ID).HideShared(by, n.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.ForTenant(ctx, w.c.ID).ReplaceSharedNotice(by, n.ID, "Our flu clinic", "Saturday 9am to 1pm."); err != nil {
			t.Fatal(err)
		}
		before := map[string]int64{}
		all := []models.Tenant{w.a, w.b, w.c, w.london, w.e}
		for _, tn := range all {
			before[tn.Slug] = w.gen(t, tn)
		}
		_, err := db.SaveSharedItem(ctx, w.operator, n.ID, models.SharedItemInput{Kind: models.SharedNotice, Title: "Flu and COVID jabs",
			Body: "Book now.", Owner: southYorkshire, Audience: models.Audience{Kind: models.AudienceICB, Value: southYorkshire}, Version: n.Version}, "new wording")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int64{"alpha": 1} // only alpha still inherits
		for _, tn := range all {
			if got := w.gen(t, tn) - before[tn.Slug]; got != want[tn.Slug] {
				t.Errorf("%s generation moved by %d, want %d", tn.Slug, got, want[tn.Slug])
			}
		}
		if got := noticeTitles(t, db, w.a); !slices.Equal(got, []string{"Flu and COVID jabs"}) {
			t.Errorf("alpha shows %q after the edit", got)
		}
		if got := noticeTitles(t, db, w.b); len(got) != 0 {
			t.Errorf("bravo hid it but shows %q", got)
		}
		if got := noticeTitles(t, db, w.c); !slices.Equal(got, []string{"Our flu clinic"}) {
			t.Errorf("charlie replaced it but shows %q", got)
		}
		// Audited on both sides: the operator's log, alpha's log (the
		// edit), bravo's and charlie's logs (their own choices, not the edit).
		ops, err := db.OperatorAuditLogForTenantID(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ops) < 2 || ops[0].Action != models.AuditSharedUpdate || ops[0].UserEmail != "op@example.nhs.uk" || ops[0].Why != "new wording" {
			t.Errorf("operator audit %+v, want the update first", ops)
		}
		actions := func(tn models.Tenant) []string {
			log, err := db.ForTenant(ctx, tn.ID).AuditLog(20)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range log {
				out = append(out, e.Action)
			}
			return out
		}
		for _, tt := range []struct {
			tenant models.Tenant
			want   []string
		}{
			{w.a, []string{models.AuditSharedUpdate, models.AuditSharedCreate}},
			{w.b, []string{models.AuditSharedHide, models.AuditSharedCreate}},
			{w.c, []string{models.AuditSharedReplace, models.AuditSharedCreate}},
			{w.london, nil},
		} {
			if got := actions(tt.tenant); !slices.Equal(got, tt.want) {
				t.Errorf("%s audit log %q, want %q", tt.tenant.Slug, got, tt.want)
			}
		}
		// A stale version is refused; nothing moves.
		g := w.gen(t, w.a)
		_, err = db.SaveSharedItem(ctx, w.operator, n.ID, models.SharedItemInput{Kind: models.SharedNotice, Title: "Old",
			Owner: southYorkshire, Audience: models.Audience{Kind: models.AudienceAll}, Version: n.Version}, "stale")
		if !errors.Is(err, models.ErrInvalid) || w.gen(t, w.a) != g {
			t.Errorf("stale save: %v, generation %d → %d", err, g, w.gen(t, w.a))
		}
		// Deleting re-renders the inheriting tenants, and charlie, whose own
		// version of the notice goes with it; not bravo, which hid it.
		for _, tn := range all {
			before[tn.Slug] = w.gen(t, tn)
		}
		if err := db.DeleteSharedItem(ctx, w.operator, n.ID, "campaign over"); err != nil {
			t.Fatal(err)
		}
		want = map[string]int64{"alpha": 1, "charlie": 1}
		if got := noticeTitles(t, db, w.c); len(got) != 0 {
			t.Errorf("charlie still shows %q after the delete", got)
		}
		for _, tn := range all {
			if got := w.gen(t, tn) - before[tn.Slug]; got != want[tn.Slug] {
				t.Errorf("delete: %s generation moved by %d, want %d", tn.Slug, got, want[tn.Slug])
			}
		}
	})
}

func TestSharedAudienceChangeReachesOldAndNewTenants(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		w := newSharedWorld(t, db)
		ctx := context.Background()
		n := w.notice(t, w.operator, "Clinic", models.Audience{Kind: models.AudienceSubICB, Value: "02P"})
		before := map[string]int64{}
		all := []models.Tenant{w.a, w.b, w.c, w.london, w.e}
		for _, tn := range all {
			before[tn.Slug] = w.gen(t, tn)
		}
		if _, err := db.SaveSharedItem(ctx, w.operator, n.ID, models.SharedItemInput{Kind: models.SharedNotice, Title: "Clinic",
			Owner: southYorkshire, Audience: models.Audience{Kind: models.AudienceSubICB, Value: "03L"}}, "moved"); err != nil {
			t.Fatal(err)
		}
		want := map[string]int64{"alpha": 1, "bravo": 1, "charlie": 1}
		for _, tn := range all {
			if got := w.gen(t, tn) - before[tn.Slug]; got != want[tn.Slug] {
				t.Errorf("%s generation moved by %d, want %d", tn.Slug, got, want[tn.Slug])
			}
		}
		if got := noticeTitles(t, db, w.a); len(got) != 0 {
			t.Errorf("alpha left the audience but shows %q", got)
		}
	})
}

func TestGroupEditorLimits(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		w := newSharedWorld(t, db)
		ctx := context.Background()
		invite := func(email string, group models.Audience) models.SharedEditor {
			t.Helper()
			g, err := db.InviteGroupEditor(ctx, w.operator.User, models.GroupEditorInput{Email: email, Label: "The group", Group: group},
				"hash-"+email, time.Now().Add(time.Hour), "asked by the ICB")
			if err != nil {
				t.Fatal(err)
			}
			u, err := db.UserByID(ctx, g.UserID)
			if err != nil {
				t.Fatal(err)
			}
			e, err := db.SharedEditorFor(ctx, u)
			if err != nil || e.Group == nil {
				t.Fatalf("editor for %s: %+v, %v", email, e, err)
			}
			return e
		}
		icb := invite("icb@example.nhs.uk", models.Audience{Kind: models.AudienceICB, Value: southYorkshire})
		sub := invite("sub@example.nhs.uk", models.Audience{Kind: models.AudienceSubICB, Value: "02P"})
		list := invite("list@example.nhs.uk", models.Audience{Kind: models.AudienceList, TenantIDs: []int64{w.a.ID, w.e.ID}})
		tests := []struct {
			name   string
			editor models.SharedEditor
			aud    models.Audience
			ok     bool
		}{
			{"ICB editor, all tenants", icb, models.Audience{Kind: models.AudienceAll}, false},
			{"ICB editor, own ICB", icb, models.Audience{Kind: models.AudienceICB, Value: southYorkshire}, true},
			{"ICB editor, another ICB", icb, models.Audience{Kind: models.AudienceICB, Value: "NHS South West London ICB"}, false},
			{"ICB editor, a sub-ICB of its ICB", icb, models.Audience{Kind: models.AudienceSubICB, Value: "03L"}, true},
			{"ICB editor, a sub-ICB elsewhere", icb, models.Audience{Kind: models.AudienceSubICB, Value: "36L"}, false},
			{"ICB editor, a list inside", icb, models.Audience{Kind: models.AudienceList, TenantIDs: []int64{w.a.ID, w.c.ID}}, true},
			{"ICB editor, a list reaching London", icb, models.Audience{Kind: models.AudienceList, TenantIDs: []int64{w.a.ID, w.london.ID}}, false},
			{"sub-ICB editor, its ICB", sub, models.Audience{Kind: models.AudienceICB, Value: southYorkshire}, false},
			{"sub-ICB editor, its sub-ICB", sub, models.Audience{Kind: models.AudienceSubICB, Value: "02P"}, true},
			{"sub-ICB editor, a list with 03L", sub, models.Audience{Kind: models.AudienceList, TenantIDs: []int64{w.c.ID}}, false},
			{"list editor, its list", list, models.Audience{Kind: models.AudienceList, TenantIDs: []int64{w.e.ID}}, true},
			{"list editor, a sub-ICB", list, models.Audience{Kind: models.AudienceSubICB, Value: "02P"}, false},
			{"list editor, another tenant", list, models.Audience{Kind: models.AudienceList, TenantIDs: []int64{w.b.ID}}, false},
		}
		for _, tt := range tests {
			g := w.gen(t, w.a)
			_, err := db.SaveSharedItem(ctx, tt.editor, 0, models.SharedItemInput{Kind: models.SharedNotice, Title: tt.name,
				Owner: "The group", Audience: tt.aud}, "test")
			var ve *models.ValidationError
			switch {
			case tt.ok && err != nil:
				t.Errorf("%s: %v, want it saved", tt.name, err)
			case !tt.ok && (!errors.Is(err, models.ErrOutsideGroup) || !errors.As(err, &ve) || ve.Field != "audience"):
				t.Errorf("%s: %v, want refused as outside the group, on the audience field", tt.name, err)
			case !tt.ok && w.gen(t, w.a) != g:
				t.Errorf("%s: refused but alpha's generation moved", tt.name)
			}
		}
		// An operator's item for everyone is out of a group editor's
		// reach: not listed, not found, not editable.
		all := w.notice(t, w.operator, "Everyone", models.Audience{Kind: models.AudienceAll})
		if _, err := db.SharedItemByID(ctx, icb, all.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("ICB editor reads the operator's item: %v", err)
		}
		if err := db.DeleteSharedItem(ctx, icb, all.ID, "x"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("ICB editor deletes the operator's item: %v", err)
		}
		items, err := db.SharedItems(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range items {
			if s.Audience != models.AudienceSubICB || s.AudienceValue != "02P" {
				t.Errorf("sub-ICB editor lists %q (%s %s)", s.Title, s.Audience, s.AudienceValue)
			}
		}
		// A group editor's group is never everyone; an email with an
		// account already is refused.
		if _, err := db.InviteGroupEditor(ctx, w.operator.User, models.GroupEditorInput{Email: "x@example.nhs.uk", Label: "X",
			Group: models.Audience{Kind: models.AudienceAll}}, "h", time.Now().Add(time.Hour), "why"); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("group of everyone: %v", err)
		}
		if _, err := db.InviteGroupEditor(ctx, w.operator.User, models.GroupEditorInput{Email: "op@example.nhs.uk", Label: "X",
			Group: models.Audience{Kind: models.AudienceSubICB, Value: "02P"}}, "h2", time.Now().Add(time.Hour), "why"); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("existing account: %v", err)
		}
		// The invitation sets a password once.
		if _, err := db.AcceptGroupEditorInvitation(ctx, "hash-sub@example.nhs.uk", "newhash", time.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AcceptGroupEditorInvitation(ctx, "hash-sub@example.nhs.uk", "again", time.Now()); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("invitation used twice: %v", err)
		}
		// Someone who is neither an operator nor a group editor edits nothing.
		u, _ := db.UserByEmail(ctx, "op@example.nhs.uk")
		u.IsOperator = false
		if _, err := db.SharedEditorFor(ctx, u); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("plain user as an editor: %v", err)
		}
	})
}

func TestSharedPageInheritHideReplace(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		w := newSharedWorld(t, db)
		ctx := context.Background()
		p, err := db.SaveSharedItem(ctx, w.operator, 0, models.SharedItemInput{Kind: models.SharedPage, Path: "/nhs-111", Title: "NHS 111",
			Body: "Call **111** when you need help fast.", Owner: southYorkshire, Audience: models.Audience{Kind: models.AudienceAll}}, "111 change")
		if err != nil {
			t.Fatal(err)
		}
		store := db.ForTenant(ctx, w.a.ID)
		got, err := store.SharedPageAt("/nhs-111")
		if err != nil || got.BodyHTML == "" || got.Owner != southYorkshire {
			t.Fatalf("inherited page: %+v, %v", got, err)
		}
		by := models.Actor{Name: "manager@example.nhs.uk"}
		if err := store.HideShared(by, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := store.SharedPageAt("/nhs-111"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("hidden page still shown: %v", err)
		}
		if err := store.ShowShared(by, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := store.SharedPageAt("/nhs-111"); err != nil {
			t.Errorf("shown again: %v", err)
		}
		path, err := store.ReplaceSharedPage(by, p.ID)
		if err != nil || path != "/nhs-111" {
			t.Fatalf("replace: %q, %v", path, err)
		}
		draft, err := store.PageForEdit("/nhs-111")
		if err != nil || draft.Revision.BodyMD != p.BodyMD || draft.Page.PublishedRevisionID != nil {
			t.Errorf("draft of own version: %+v, %v", draft, err)
		}
		if _, err := store.SharedPageAt("/nhs-111"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("replaced page still shown: %v", err)
		}
		// Another tenant's state is its own; an unknown item is not found.
		if _, err := db.ForTenant(ctx, w.b.ID).SharedPageAt("/nhs-111"); err != nil {
			t.Errorf("bravo lost the page: %v", err)
		}
		if err := db.ForTenant(ctx, w.b.ID).HideShared(by, p.ID+100); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("hide unknown item: %v", err)
		}
		// Two shared pages never share a path.
		_, err = db.SaveSharedItem(ctx, w.operator, 0, models.SharedItemInput{Kind: models.SharedPage, Path: "/nhs-111", Title: "Again",
			Body: "x", Owner: "x", Audience: models.Audience{Kind: models.AudienceAll}}, "dup")
		if !errors.Is(err, models.ErrConflict) {
			t.Errorf("duplicate path: %v", err)
		}
	})
}

func TestSharedItemValidates(t *testing.T) {
	db := modelstest.NewDB(t)
	w := newSharedWorld(t, db)
	tests := []struct {
		in    models.SharedItemInput
		field string
	}{
		{models.SharedItemInput{Kind: "x"}, "kind"},
		{models.SharedItemInput{Kind: models.SharedNotice, Owner: "X", Audience: models.Audience{Kind: models.AudienceAll}}, "title"},
		{models.SharedItemInput{Kind: models.SharedNotice, Title: "T", Audience: models.Audience{Kind: models.AudienceAll}}, "owner"},
		{models.SharedItemInput{Kind: models.SharedNotice, Title: "T", Owner: "X"}, "audience"},
		{models.SharedItemInput{Kind: models.SharedNotice, Title: "T", Owner: "X", Audience: models.Audience{Kind: models.AudienceICB}}, "icb"},
		{models.SharedItemInput{Kind: models.SharedNotice, Title: "T", Owner: "X", Audience: models.Audience{Kind: models.AudienceSubICB}}, "sub_icb"},
		{models.SharedItemInput{Kind: models.SharedNotice, Title: "T", Owner: "X", Audience: models.Audience{Kind: models.AudienceList}}, "tenants"},
		{models.SharedItemInput{Kind: models.SharedPage, Path: "about", Title: "T", Body: "b", Owner: "X", Audience: models.Audience{Kind: models.AudienceAll}}, "path"},
		{models.SharedItemInput{Kind: models.SharedPage, Path: "/", Title: "T", Body: "b", Owner: "X", Audience: models.Audience{Kind: models.AudienceAll}}, "path"},
		{models.SharedItemInput{Kind: models.SharedPage, Path: "/a", Title: "T", Owner: "X", Audience: models.Audience{Kind: models.AudienceAll}}, "body"},
	}
	for _, tt := range tests {
		var ve *models.ValidationError
		if _, err := db.SaveSharedItem(context.Background(), w.operator, 0, tt.in, "why"); !errors.As(err, &ve) || ve.Field != tt.field {
			t.Errorf("%+v: %v, want an error on %s", tt.in, err, tt.field)
		}
	}
}
