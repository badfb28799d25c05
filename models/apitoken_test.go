package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
)

func TestAPITokens(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		bad := []struct {
			tok   models.APIToken
			field string
		}{
			{models.APIToken{TokenHash: "h", Scopes: "tenants:read"}, "name"},
			{models.APIToken{Name: "x", TokenHash: "h"}, "scopes"},
			{models.APIToken{Name: "x", TokenHash: "h", Scopes: "tenants:read root"}, "scopes"},
		}
		for _, tt := range bad {
			var ve *models.ValidationError
			if _, err := db.CreateAPIToken(ctx, tt.tok); !errors.As(err, &ve) || ve.Field != tt.field {
				t.Errorf("%+v: %v, want an error on %s", tt.tok, err, tt.field)
			}
		}
		expires := now.Add(time.Hour)
		tok, err := db.CreateAPIToken(ctx, models.APIToken{Name: "Onboarding script", TokenHash: "hash-1", Prefix: "pcn_ab",
			Scopes: " tenants:read  pages:write ", CreatedBy: "ops@example.org", ExpiresAt: &expires})
		if err != nil {
			t.Fatal(err)
		}
		if !tok.Allows("pages:write") || tok.Allows("users:write") {
			t.Errorf("scopes %q", tok.Scopes)
		}
		got, err := db.APITokenByHash(ctx, "hash-1", now)
		if err != nil || got.ID != tok.ID || got.LastUsedAt == nil {
			t.Fatalf("by hash: %+v, %v", got, err)
		}
		if _, err := db.APITokenByHash(ctx, "hash-1", expires); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("expired token: %v", err)
		}
		if _, err := db.APITokenByHash(ctx, "nope", now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown token: %v", err)
		}
		if err := db.RevokeAPIToken(ctx, tok.ID, now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.APITokenByHash(ctx, "hash-1", now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("revoked token still works: %v", err)
		}
		if err := db.RevokeAPIToken(ctx, 999, now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("revoking an unknown token: %v", err)
		}
		if list, _ := db.APITokens(ctx); len(list) != 1 || list[0].RevokedAt == nil {
			t.Errorf("list: %+v", list)
		}
	})
}
