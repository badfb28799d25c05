package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
)

// Removing a group editor ends their sessions, takes away their group and
// their account (so the address can be invited again), keeps what they
// shared, and writes one row of the operator audit log.
func TestRemoveGroupEditor(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		w := newSharedWorld(t, db)
		ctx := context.Background()
		group := models.Audience{Kind: models.AudienceList, TenantIDs: []int64{w.a.ID}}
		g, err := db.InviteGroupEditor(ctx, w.operator.User, models.GroupEditorInput{Email: "ed@example.nhs.uk", Label: "The group", Group: group},
			"hash-1", time.Now().Add(time.Hour), "asked by the ICB")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AcceptGroupEditorInvitation(ctx, "hash-1", "pw-hash", time.Now()); err != nil {
			t.Fatal(err)
		}
		u, err := db.UserByID(ctx, g.UserID)
		if err != nil {
			t.Fatal(err)
		}
		e, err := db.SharedEditorFor(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		w.notice(t, e, "Flu jabs", group)
		now := time.Now().UTC()
		if err := db.CreateConsoleSignInSession(ctx, models.SignInSession{TokenHash: "sess-1", UserID: g.UserID, CreatedAt: now, LastSeenAt: now}); err != nil {
			t.Fatal(err)
		}

		var ve *models.ValidationError
		if err := db.RemoveGroupEditor(ctx, w.operator.User, g.UserID, " "); !errors.As(err, &ve) || ve.Field != "why" {
			t.Fatalf("no reason: %v, want a ValidationError on why", err)
		}
		if _, err := db.GroupEditorByUserID(ctx, g.UserID); err != nil {
			t.Fatalf("a refused removal removed: %v", err)
		}
		if err := db.RemoveGroupEditor(ctx, w.operator.User, g.UserID, "left the ICB"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.GroupEditorByUserID(ctx, g.UserID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("still a group editor: %v", err)
		}
		if _, err := db.SignInSessionByTokenHash(ctx, "sess-1"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("their session lives on: %v", err)
		}
		if _, err := db.UserByID(ctx, g.UserID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("their account lives on: %v", err)
		}
		if got := noticeTitles(t, db, w.a); len(got) != 1 || got[0] != "Flu jabs" {
			t.Errorf("what they shared: %q, want it kept", got)
		}
		rows, err := db.OperatorAuditLogForTenantID(ctx, 0, 1)
		if err != nil || len(rows) != 1 || rows[0].Action != models.AuditGroupEditorRemove || rows[0].Why != "left the ICB" ||
			!strings.Contains(rows[0].Subject, "ed@example.nhs.uk") || rows[0].UserEmail != w.operator.User.Email {
			t.Errorf("operator audit: %+v, %v", rows, err)
		}
		if err := db.RemoveGroupEditor(ctx, w.operator.User, g.UserID, "again"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("removing twice: %v, want ErrNotFound", err)
		}
		if _, err := db.InviteGroupEditor(ctx, w.operator.User, models.GroupEditorInput{Email: "ed@example.nhs.uk", Label: "The group", Group: group},
			"hash-2", time.Now().Add(time.Hour), "back again"); err != nil {
			t.Errorf("inviting the address again: %v", err)
		}
	})
}

// A group editor who is also a member of a tenant keeps their account
// (and tenant role) when removed: only the group goes.
func TestRemoveGroupEditorKeepsOtherRoles(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		w := newSharedWorld(t, db)
		ctx := context.Background()
		g, err := db.InviteGroupEditor(ctx, w.operator.User, models.GroupEditorInput{Email: "both@example.nhs.uk", Label: "The group",
			Group: models.Audience{Kind: models.AudienceSubICB, Value: "02P"}}, "hash-b", time.Now().Add(time.Hour), "asked")
		if err != nil {
			t.Fatal(err)
		}
		if err := models.AddMembershipForTest(ctx, db, w.a.ID, g.UserID, models.RoleEditor); err != nil {
			t.Fatal(err)
		}
		if err := db.RemoveGroupEditor(ctx, w.operator.User, g.UserID, "no longer needed"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UserByID(ctx, g.UserID); err != nil {
			t.Errorf("a tenant member's account went: %v", err)
		}
		if _, err := db.GroupEditorByUserID(ctx, g.UserID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("still a group editor: %v", err)
		}
	})
}

// A new link replaces a pending (or expired) invitation: the old link
// stops working, the new one works; once they have joined there is no
// invitation to make again.
func TestRenewGroupEditorInvitation(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		w := newSharedWorld(t, db)
		ctx := context.Background()
		now := time.Now()
		g, err := db.InviteGroupEditor(ctx, w.operator.User, models.GroupEditorInput{Email: "late@example.nhs.uk", Label: "The group",
			Group: models.Audience{Kind: models.AudienceICB, Value: southYorkshire}}, "old", now.Add(-time.Minute), "asked")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.GroupEditorInvitation(ctx, "old", now); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("the expired link works: %v", err)
		}
		var ve *models.ValidationError
		if _, err := db.RenewGroupEditorInvitation(ctx, w.operator.User, g.UserID, "new", now.Add(time.Hour), ""); !errors.As(err, &ve) || ve.Field != "why" {
			t.Fatalf("no reason: %v", err)
		}
		got, err := db.RenewGroupEditorInvitation(ctx, w.operator.User, g.UserID, "new", now.Add(time.Hour), "link expired")
		if err != nil || got.Email != "late@example.nhs.uk" || got.InviteTokenHash != "new" {
			t.Fatalf("renew: %+v, %v", got, err)
		}
		rows, err := db.OperatorAuditLogForTenantID(ctx, 0, 1)
		if err != nil || len(rows) != 1 || rows[0].Action != models.AuditGroupEditorReLink || rows[0].Why != "link expired" {
			t.Errorf("operator audit: %+v, %v", rows, err)
		}
		// A second new link: the first new one stops working.
		if _, err := db.RenewGroupEditorInvitation(ctx, w.operator.User, g.UserID, "newer", now.Add(time.Hour), "lost it"); err != nil {
			t.Fatal(err)
		}
		for _, old := range []string{"old", "new"} {
			if _, err := db.GroupEditorInvitation(ctx, old, now); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("link %q still works: %v", old, err)
			}
			if _, err := db.AcceptGroupEditorInvitation(ctx, old, "pw", now); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("link %q still accepted: %v", old, err)
			}
		}
		if _, err := db.AcceptGroupEditorInvitation(ctx, "newer", "pw", now); err != nil {
			t.Fatalf("the new link: %v", err)
		}
		if _, err := db.RenewGroupEditorInvitation(ctx, w.operator.User, g.UserID, "again", now.Add(time.Hour), "why"); !errors.As(err, &ve) {
			t.Errorf("renewing after joining: %v, want a ValidationError", err)
		}
		if _, err := db.RenewGroupEditorInvitation(ctx, w.operator.User, 999999, "x", now.Add(time.Hour), "why"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("no such editor: %v, want ErrNotFound", err)
		}
	})
}

// A shared page or notice may not link to or show a site's own /media/
// files: the address would break on every other site. Nothing is saved.
func TestSharedItemRefusesSiteMedia(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		w := newSharedWorld(t, db)
		ctx := context.Background()
		all := models.Audience{Kind: models.AudienceAll}
		page := func(body string) models.SharedItemInput {
			return models.SharedItemInput{Kind: models.SharedPage, Path: "/flu", Title: "Flu", Body: body, Owner: "ICB", Audience: all}
		}
		notice := func(body string) models.SharedItemInput {
			return models.SharedItemInput{Kind: models.SharedNotice, Title: "Flu", Body: body, Owner: "ICB", Audience: all}
		}
		tests := []struct {
			name string
			in   models.SharedItemInput
			ok   bool
		}{
			{"page with a library image", page("![A nurse](/media/3/640.jpg)"), false},
			{"page with a link to a leaflet", page("Read [the leaflet](/media/7/leaflet.pdf)."), false},
			{"page with a reference link", page("See [the map][m].\n\n[m]: media/4/1024.png"), false},
			{"notice with a link", notice("See [the poster](/media/2/640.jpg)"), false},
			{"notice naming the address", notice("Poster: /media/2/640.jpg"), false},
			{"page with an image hosted elsewhere", page("![A nurse](https://images.example.nhs.uk/nurse.jpg)"), true},
			{"notice with a full address", notice("Poster: https://www.example.nhs.uk/media/2/640.jpg"), true},
			{"page with another page", page("See [our team](/about/team)."), true},
		}
		for _, tt := range tests {
			tt.in.Path = strings.ReplaceAll(strings.ToLower("/"+tt.name), " ", "-")
			if tt.in.Kind == models.SharedNotice {
				tt.in.Path = ""
			}
			_, err := db.SaveSharedItem(ctx, w.operator, 0, tt.in, "campaign")
			var ve *models.ValidationError
			switch {
			case tt.ok && err != nil:
				t.Errorf("%s: %v, want it saved", tt.name, err)
			case !tt.ok && (!errors.As(err, &ve) || ve.Field != "body" || !strings.Contains(ve.Message, "https://")):
				t.Errorf("%s: %v, want a ValidationError on body that says to use a full https address", tt.name, err)
			}
		}
		items, err := db.SharedItems(ctx, w.operator)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 3 {
			t.Errorf("saved %d items, want only the 3 allowed", len(items))
		}
	})
}
