package models

import (
	"context"
	"fmt"
	"time"
)

// UserSession is a signed-in session kept in the database (always: Redis,
// when configured, is a cache in front of this table). TokenHash is the hex SHA-256 of the cookie's token; the token
// itself is never stored. A session belongs to the tenant whose host it was
// made on.
type UserSession struct {
	TokenHash  string `gorm:"primaryKey"`
	UserID     int64
	TenantID   int64
	CSRFToken  string `gorm:"column:csrf_token"`
	CreatedAt  time.Time
	LastSeenAt time.Time
}

// TableName keeps the SQL name explicit.
func (UserSession) TableName() string { return "sessions" }

// Sessions are looked up by their token's hash, before the caller knows the
// tenant, so these are DB methods; the caller compares the tenant.

// CreateSession stores a session.
func (d *DB) CreateSession(ctx context.Context, s UserSession) error {
	return translate("create session", d.gorm.WithContext(ctx).Create(&s).Error)
}

// SessionByTokenHash loads a session; ErrNotFound when there is none.
func (d *DB) SessionByTokenHash(ctx context.Context, hash string) (UserSession, error) {
	var s UserSession
	err := d.gorm.WithContext(ctx).Where("token_hash = ?", hash).Take(&s).Error
	return s, translate("session", err)
}

// TouchSession records activity on a session; ErrNotFound when it has been
// deleted.
func (d *DB) TouchSession(ctx context.Context, hash string, at time.Time) error {
	res := d.gorm.WithContext(ctx).Model(&UserSession{}).Where("token_hash = ?", hash).Update("last_seen_at", at.UTC())
	if res.Error == nil && res.RowsAffected == 0 {
		return fmt.Errorf("models: touch session: %w", ErrNotFound)
	}
	return translate("touch session", res.Error)
}

// DeleteSession removes one session.
func (d *DB) DeleteSession(ctx context.Context, hash string) error {
	return translate("delete session", d.gorm.WithContext(ctx).Where("token_hash = ?", hash).Delete(&UserSession{}).Error)
}

// DeleteUserSessions removes every session of a user, on every tenant.
func (d *DB) DeleteUserSessions(ctx context.Context, userID int64) error {
	return translate("delete sessions of user", d.gorm.WithContext(ctx).Where("user_id = ?", userID).Delete(&UserSession{}).Error)
}

// DeleteSessionsBefore removes sessions created before created or idle since
// before seen: expired ones, for a periodic sweep.
func (d *DB) DeleteSessionsBefore(ctx context.Context, created, seen time.Time) (int64, error) {
	res := d.gorm.WithContext(ctx).Where("created_at < ? OR last_seen_at < ?", created.UTC(), seen.UTC()).Delete(&UserSession{})
	return res.RowsAffected, translate("delete expired sessions", res.Error)
}
