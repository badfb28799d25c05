package auth

import (
	"context"
	"errors"
	"fmt"
)

// DeleteUserOnTenant ends every session of a user on one tenant (a member
// removed from it); their sessions on other tenants go on.
func (m *Sessions) DeleteUserOnTenant(ctx context.Context, userID, tenantID int64) error {
	switch s := m.store.(type) {
	case *dbStore:
		return s.db.ForTenant(ctx, tenantID).DeleteMemberSessions(userID)
	case *redisStore:
		return s.deleteUserOnTenant(ctx, userID, tenantID)
	case *layeredStore:
		return s.deleteUserOnTenant(ctx, userID, tenantID)
	}
	return nil
}

func (r *redisStore) deleteUserOnTenant(ctx context.Context, userID, tenantID int64) error {
	hashes, err := r.c.SMembers(ctx, r.userKey(userID)).Result()
	if err != nil {
		return fmt.Errorf("auth: list sessions of user: %w", err)
	}
	for _, h := range hashes {
		s, err := r.get(ctx, h)
		if errors.Is(err, ErrNoSession) {
			_ = r.c.SRem(ctx, r.userKey(userID), h).Err()
			continue
		}
		if err != nil {
			return err
		}
		if s.TenantID != tenantID {
			continue
		}
		if err := r.delete(ctx, h); err != nil {
			return err
		}
		if err := r.c.SRem(ctx, r.userKey(userID), h).Err(); err != nil {
			return fmt.Errorf("auth: forget session of user: %w", err)
		}
	}
	return nil
}
