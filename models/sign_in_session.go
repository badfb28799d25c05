package models

import (
	"context"
	"fmt"
	"time"
)

// SignInSession is a signed-in session kept in the database (always: Redis,
// when configured, is a cache in front of this table). TokenHash is the hex SHA-256 of the cookie's token; the token
// itself is never stored. A session belongs to the tenant whose host it was
// made on.
type SignInSession struct {
	TokenHash  string `gorm:"primaryKey"`
	UserID     int64
	TenantID   int64
	CSRFToken  string `gorm:"column:csrf_token"`
	CreatedAt  time.Time
	LastSeenAt time.Time
}

// TableName keeps the SQL name explicit.
func (SignInSession) TableName() string { return "sessions" }

// Sessions are looked up by their token's hash, before the caller knows the
// tenant, so these are DB methods; the caller compares the tenant.

// CreateSignInSession stores a session.
func (d *DB) CreateSignInSession(ctx context.Context, s SignInSession) error {
	return translate("create session", d.gorm.WithContext(ctx).Create(&s).Error)
}

// SignInSessionByTokenHash loads a session; ErrNotFound when there is none.
func (d *DB) SignInSessionByTokenHash(ctx context.Context, hash string) (SignInSession, error) {
	var s SignInSession
	err := d.gorm.WithContext(ctx).Where("token_hash = ?", hash).Take(&s).Error
	return s, translate("session", err)
}

// TouchSignInSession records activity on a session; ErrNotFound when it has been
// deleted.
func (d *DB) TouchSignInSession(ctx context.Context, hash string, at time.Time) error {
	res := d.gorm.WithContext(ctx).Model(&SignInSession{}).Where("token_hash = ?", hash).Update("last_seen_at", at.UTC())
	if res.Error == nil && res.RowsAffected == 0 {
		return fmt.Errorf("models: touch session: %w", ErrNotFound)
	}
	return translate("touch session", res.Error)
}

// DeleteSignInSession removes one session.
func (d *DB) DeleteSignInSession(ctx context.Context, hash string) error {
	return translate("delete session", d.gorm.WithContext(ctx).Where("token_hash = ?", hash).Delete(&SignInSession{}).Error)
}

// DeleteUserSignInSessions removes every session of a user, on every tenant.
func (d *DB) DeleteUserSignInSessions(ctx context.Context, userID int64) error {
	return translate("delete sessions of user", d.gorm.WithContext(ctx).Where("user_id = ?", userID).Delete(&SignInSession{}).Error)
}

// DeleteSignInSessionsBefore removes sessions created before created or idle since
// before seen: expired ones, for a periodic sweep.
func (d *DB) DeleteSignInSessionsBefore(ctx context.Context, created, seen time.Time) (int64, error) {
	res := d.gorm.WithContext(ctx).Where("created_at < ? OR last_seen_at < ?", created.UTC(), seen.UTC()).Delete(&SignInSession{})
	return res.RowsAffected, translate("delete expired sessions", res.Error)
}
