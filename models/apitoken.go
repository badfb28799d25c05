package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// APIScopes are what an API token may be allowed to do.
var APIScopes = []string{"tenants:read", "tenants:write", "domains:write", "users:write", "pages:write"}

// APIToken is a bearer token of the operators' API. The token itself is
// shown once, when it is made; only its SHA-256 (TokenHash) is stored.
type APIToken struct {
	ID         int64 `gorm:"primaryKey"`
	Name       string
	TokenHash  string
	Prefix     string // the token's first characters, to tell tokens apart
	Scopes     string // space-separated, from APIScopes
	CreatedBy  string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	ExpiresAt  *time.Time
	RevokedAt  *time.Time
}

// Allows reports whether the token has scope.
func (t APIToken) Allows(scope string) bool { return slices.Contains(strings.Fields(t.Scopes), scope) }

// Active reports whether the token may be used at now.
func (t APIToken) Active(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}

// CreateAPIToken stores a token made by the caller (package auth makes and
// hashes tokens). Scopes must come from APIScopes.
func (d *DB) CreateAPIToken(ctx context.Context, t APIToken) (APIToken, error) {
	t.Name = strings.TrimSpace(t.Name)
	switch {
	case t.Name == "":
		return APIToken{}, invalid("name", "enter a name that says what the token is for")
	case utf8.RuneCountInString(t.Name) > 100:
		return APIToken{}, invalid("name", "use 100 characters or fewer")
	case t.TokenHash == "":
		return APIToken{}, invalid("token", "no token to store")
	}
	scopes := strings.Fields(t.Scopes)
	if len(scopes) == 0 {
		return APIToken{}, invalid("scopes", "choose at least one thing the token may do")
	}
	for _, s := range scopes {
		if !slices.Contains(APIScopes, s) {
			return APIToken{}, invalid("scopes", fmt.Sprintf("%q is not a scope (use %s)", s, strings.Join(APIScopes, ", ")))
		}
	}
	t.Scopes, t.ID, t.RevokedAt, t.LastUsedAt = strings.Join(scopes, " "), 0, nil, nil
	err := d.gorm.WithContext(ctx).Create(&t).Error
	return t, translate("create API token", err)
}

// APITokens lists every token, newest first.
func (d *DB) APITokens(ctx context.Context) ([]APIToken, error) {
	var ts []APIToken
	err := d.gorm.WithContext(ctx).Order("id DESC").Find(&ts).Error
	return ts, translate("list API tokens", err)
}

// RevokeAPIToken stops a token working, at once.
func (d *DB) RevokeAPIToken(ctx context.Context, id int64, now time.Time) error {
	res := d.gorm.WithContext(ctx).Model(&APIToken{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", now.UTC())
	if res.Error == nil && res.RowsAffected == 0 {
		var n int64
		if err := d.gorm.WithContext(ctx).Model(&APIToken{}).Where("id = ?", id).Count(&n).Error; err != nil {
			return translate("revoke API token", err)
		}
		if n == 0 {
			return fmt.Errorf("models: API token %d: %w", id, ErrNotFound)
		}
		return nil // already revoked
	}
	return translate(fmt.Sprintf("revoke API token %d", id), res.Error)
}

// APITokenByHash finds the active token with this hash (ErrNotFound for an
// unknown, revoked or expired one) and records its use (at most once a
// minute, so busy scripts do not write on every call).
func (d *DB) APITokenByHash(ctx context.Context, hash string, now time.Time) (APIToken, error) {
	var t APIToken
	if err := d.gorm.WithContext(ctx).Where("token_hash = ?", hash).Take(&t).Error; err != nil {
		return APIToken{}, translate("API token", err)
	}
	if !t.Active(now) {
		return APIToken{}, fmt.Errorf("models: API token %d is revoked or expired: %w", t.ID, ErrNotFound)
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		at := now.UTC()
		if err := d.gorm.WithContext(ctx).Model(&APIToken{}).Where("id = ?", t.ID).Update("last_used_at", at).Error; err != nil {
			return APIToken{}, translate("API token use", err)
		}
		t.LastUsedAt = &at
	}
	return t, nil
}
