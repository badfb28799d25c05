package auth

import (
	"context"
	"errors"
	"time"
)

// layeredStore keeps sessions durably in the database, with Redis as a
// cache in front: read-through (a miss is loaded from the database and put
// back in Redis), write-through (created and touched in both), deleted from
// both. The database is the truth: a failure there is the caller's error;
// a failure of Redis only costs a database read, so a Redis flush or
// restart signs no one out, and with Redis down people still sign in.
//
// A session deleted while Redis was unreachable may linger in Redis once it
// is back: the next touch (at most touchEvery later) finds it gone from the
// database and drops it, so it outlives its sign-out by a minute at most.
type layeredStore struct {
	db    *dbStore
	cache *redisStore
	up    func() bool // nil: always try Redis
	now   func() time.Time
}

func (l *layeredStore) cacheUp() bool { return l.up == nil || l.up() }

// cacheTimeout bounds every Redis call of the layered store: a slow or
// vanished Redis costs a request this much at most, then the database
// answers.
const cacheTimeout = 250 * time.Millisecond

func cacheCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), cacheTimeout)
}

func (l *layeredStore) create(ctx context.Context, s Session, ttl time.Duration) error {
	if err := l.db.create(ctx, s, ttl); err != nil {
		return err
	}
	if l.cacheUp() {
		cctx, cancel := cacheCtx(ctx)
		defer cancel()
		_ = l.cache.create(cctx, s, ttl) // a lost cache write costs one database read later
	}
	return nil
}

func (l *layeredStore) get(ctx context.Context, hash string) (Session, error) {
	if l.cacheUp() {
		cctx, cancel := cacheCtx(ctx)
		s, err := l.cache.get(cctx, hash)
		cancel()
		// A copy that looks expired may be older than the database's
		// (touched while Redis was away): the database decides.
		if err == nil && !expired(s, l.now().UTC()) {
			return s, nil
		}
	}
	s, err := l.db.get(ctx, hash)
	if err != nil {
		return Session{}, err
	}
	if now := l.now().UTC(); !expired(s, now) && l.cacheUp() {
		cctx, cancel := cacheCtx(ctx)
		defer cancel()
		_ = l.cache.create(cctx, s, sessionTTL(s, now)) // read-through
	}
	return s, nil
}

func (l *layeredStore) touch(ctx context.Context, s Session, ttl time.Duration) error {
	err := l.db.touch(ctx, s, ttl)
	if errors.Is(err, ErrNoSession) {
		// Signed out while the cache kept a copy: drop it.
		cctx, cancel := cacheCtx(ctx)
		defer cancel()
		_ = l.cache.delete(cctx, s.TokenHash)
		return err
	}
	if err != nil {
		return err
	}
	if l.cacheUp() {
		cctx, cancel := cacheCtx(ctx)
		defer cancel()
		_ = l.cache.touch(cctx, s, ttl)
	}
	return nil
}

func (l *layeredStore) delete(ctx context.Context, hash string) error {
	// The cache first, and whatever the database says: a sign-out should
	// reach Redis if it can, even while PostgreSQL is down.
	cctx, cancel := cacheCtx(ctx)
	defer cancel()
	_ = l.cache.delete(cctx, hash)
	return l.db.delete(ctx, hash)
}

func (l *layeredStore) deleteUser(ctx context.Context, userID int64) error {
	if err := l.db.deleteUser(ctx, userID); err != nil {
		return err
	}
	cctx, cancel := cacheCtx(ctx)
	defer cancel()
	_ = l.cache.deleteUser(cctx, userID)
	return nil
}

func (l *layeredStore) deleteUserOnTenant(ctx context.Context, userID, tenantID int64) error {
	if err := l.db.db.ForTenant(ctx, tenantID).DeleteMemberSessions(userID); err != nil {
		return err
	}
	cctx, cancel := cacheCtx(ctx)
	defer cancel()
	_ = l.cache.deleteUserOnTenant(cctx, userID, tenantID)
	return nil
}
