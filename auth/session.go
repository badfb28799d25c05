package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/pcnweb/pcnweb/models"
)

// Session timeouts.
const (
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 12 * time.Hour
	// touchEvery limits how often activity is written back to the store.
	touchEvery = time.Minute
)

// ErrNoSession is returned for a token that names no live session: unknown,
// signed out, or past its idle or absolute timeout.
var ErrNoSession = errors.New("auth: no session")

// Session is a signed-in session as the store keeps it. The token the
// browser holds is not in it, only its SHA-256.
type Session struct {
	TokenHash  string    `json:"-"`
	UserID     int64     `json:"user_id"`
	TenantID   int64     `json:"tenant_id"`
	CSRF       string    `json:"csrf"` // the synchronizer token of this session's forms
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
}

// store keeps sessions by token hash.
type store interface {
	create(ctx context.Context, s Session, ttl time.Duration) error
	get(ctx context.Context, hash string) (Session, error) // ErrNoSession when absent
	touch(ctx context.Context, s Session, ttl time.Duration) error
	delete(ctx context.Context, hash string) error
	deleteUser(ctx context.Context, userID int64) error
}

// SessionOptions configure NewSessions.
type SessionOptions struct {
	// DB keeps every session durably (the sessions table).
	DB *models.DB
	// Redis, when set, caches sessions under Prefix+"session:" in front of
	// DB: read-through, write-through, deleted from both. A Redis flush or
	// restart signs no one out, and while Redis is down sessions are made
	// and found in DB alone. With Redis and no DB, sessions live in Redis
	// only (tests of the Redis store).
	Redis  redis.UniversalClient
	Prefix string
	// RedisUp, when set, says whether Redis is answering (redishealth):
	// while it is not, the cache is skipped instead of waited for.
	RedisUp func() bool
	// Now is the clock; nil means time.Now. Tests inject one.
	Now func() time.Time
}

// Sessions creates, finds and ends sessions.
type Sessions struct {
	store store
	now   func() time.Time
}

// NewSessions returns the session manager.
func NewSessions(o SessionOptions) *Sessions {
	s := &Sessions{now: o.Now}
	if s.now == nil {
		s.now = time.Now
	}
	switch {
	case o.Redis != nil && o.DB != nil:
		s.store = &layeredStore{db: &dbStore{db: o.DB}, cache: &redisStore{c: o.Redis, prefix: o.Prefix + "session:"}, up: o.RedisUp, now: s.now}
	case o.Redis != nil:
		s.store = &redisStore{c: o.Redis, prefix: o.Prefix + "session:"}
	default:
		s.store = &dbStore{db: o.DB}
	}
	return s
}

// NewToken returns 32 random bytes, base64url-encoded.
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("auth: crypto/rand failed: " + err.Error()) // never happens on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is the key a token is stored under.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ErrUnavailable wraps every failure of the session or throttle store
// (Redis unreachable, say): the caller answers "try again shortly" (a 503),
// not a 500, and never treats it as "no session".
var ErrUnavailable = errors.New("auth: the sign-in store is unavailable")

// unavailable marks a store failure; ErrNoSession passes through.
func unavailable(err error) error {
	if err == nil || errors.Is(err, ErrNoSession) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// Create starts a session for a user on a tenant's host and returns the token
// for the cookie. Signing in always makes a new session (rotation): the caller
// ends the one the browser had before, if any.
func (m *Sessions) Create(ctx context.Context, userID, tenantID int64) (string, Session, error) {
	token := NewToken()
	now := m.now().UTC()
	s := Session{TokenHash: HashToken(token), UserID: userID, TenantID: tenantID, CSRF: NewToken(), CreatedAt: now, LastSeenAt: now}
	if err := m.store.create(ctx, s, m.ttl(s, now)); err != nil {
		return "", Session{}, unavailable(err)
	}
	return token, s, nil
}

// ttl is how long the store should keep s at most: until its idle timeout
// or its absolute one, whichever comes first.
func (m *Sessions) ttl(s Session, now time.Time) time.Duration { return sessionTTL(s, now) }

func sessionTTL(s Session, now time.Time) time.Duration {
	end := s.LastSeenAt.Add(IdleTimeout)
	if abs := s.CreatedAt.Add(AbsoluteTimeout); abs.Before(end) {
		end = abs
	}
	return end.Sub(now)
}

// expired reports whether s is past its idle or absolute timeout at now.
func expired(s Session, now time.Time) bool {
	return !now.Before(s.LastSeenAt.Add(IdleTimeout)) || !now.Before(s.CreatedAt.Add(AbsoluteTimeout))
}

// Lookup returns the live session of a token and records the activity.
// An expired session is deleted and reported as ErrNoSession.
func (m *Sessions) Lookup(ctx context.Context, token string) (Session, error) {
	if token == "" || len(token) > 128 {
		return Session{}, ErrNoSession
	}
	hash := HashToken(token)
	s, err := m.store.get(ctx, hash)
	if err != nil {
		return Session{}, unavailable(err)
	}
	s.TokenHash = hash
	now := m.now().UTC()
	if expired(s, now) {
		_ = m.store.delete(ctx, hash)
		return Session{}, ErrNoSession
	}
	// Activity is written back at most once a minute per session (to the
	// database too, with Redis in front): not on every request.
	if now.Sub(s.LastSeenAt) >= touchEvery {
		s.LastSeenAt = now
		if err := m.store.touch(ctx, s, m.ttl(s, now)); err != nil {
			return Session{}, unavailable(err)
		}
	}
	return s, nil
}

// Delete ends the session of a token (sign out).
func (m *Sessions) Delete(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return m.store.delete(ctx, HashToken(token))
}

// DeleteUser ends every session of a user, on every tenant and device
// ("sign out everywhere").
func (m *Sessions) DeleteUser(ctx context.Context, userID int64) error {
	return m.store.deleteUser(ctx, userID)
}

// DeleteExpired removes sessions past either timeout from the database;
// Redis expires its keys itself. Run it now and then.
func (m *Sessions) DeleteExpired(ctx context.Context) (int64, error) {
	var d *dbStore
	switch s := m.store.(type) {
	case *dbStore:
		d = s
	case *layeredStore:
		d = s.db
	default:
		return 0, nil
	}
	now := m.now().UTC()
	return d.db.DeleteSignInSessionsBefore(ctx, now.Add(-AbsoluteTimeout), now.Add(-IdleTimeout))
}

// dbStore keeps sessions in the database's sessions table.
type dbStore struct{ db *models.DB }

func (d *dbStore) create(ctx context.Context, s Session, _ time.Duration) error {
	if s.TenantID == 0 { // an operator's console session
		return d.db.CreateConsoleSignInSession(ctx, models.SignInSession{TokenHash: s.TokenHash, UserID: s.UserID, CSRFToken: s.CSRF, CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt})
	}
	return d.db.CreateSignInSession(ctx, models.SignInSession{TokenHash: s.TokenHash, UserID: s.UserID, TenantID: s.TenantID,
		CSRFToken: s.CSRF, CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt})
}

func (d *dbStore) get(ctx context.Context, hash string) (Session, error) {
	r, err := d.db.SignInSessionByTokenHash(ctx, hash)
	if errors.Is(err, models.ErrNotFound) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, err
	}
	return Session{TokenHash: r.TokenHash, UserID: r.UserID, TenantID: r.TenantID, CSRF: r.CSRFToken,
		CreatedAt: r.CreatedAt.UTC(), LastSeenAt: r.LastSeenAt.UTC()}, nil
}

func (d *dbStore) touch(ctx context.Context, s Session, _ time.Duration) error {
	err := d.db.TouchSignInSession(ctx, s.TokenHash, s.LastSeenAt)
	if errors.Is(err, models.ErrNotFound) {
		return ErrNoSession // deleted meanwhile (signed out elsewhere)
	}
	return err
}

func (d *dbStore) delete(ctx context.Context, hash string) error {
	return d.db.DeleteSignInSession(ctx, hash)
}

func (d *dbStore) deleteUser(ctx context.Context, userID int64) error {
	return d.db.DeleteUserSignInSessions(ctx, userID)
}

// redisStore keeps each session as JSON under <prefix><token hash>, expiring
// with the session, and each user's session hashes in the set
// <prefix>user:<id> for sign-out everywhere.
type redisStore struct {
	c      redis.UniversalClient
	prefix string
}

func (r *redisStore) key(hash string) string { return r.prefix + hash }
func (r *redisStore) userKey(id int64) string {
	return r.prefix + "user:" + strconv.FormatInt(id, 10)
}

func (r *redisStore) create(ctx context.Context, s Session, ttl time.Duration) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = r.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, r.key(s.TokenHash), b, ttl)
		p.SAdd(ctx, r.userKey(s.UserID), s.TokenHash)
		p.Expire(ctx, r.userKey(s.UserID), AbsoluteTimeout)
		return nil
	})
	if err != nil {
		return fmt.Errorf("auth: store session: %w", err)
	}
	return nil
}

func (r *redisStore) get(ctx context.Context, hash string) (Session, error) {
	b, err := r.c.Get(ctx, r.key(hash)).Bytes()
	if errors.Is(err, redis.Nil) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, fmt.Errorf("auth: load session: %w", err)
	}
	var s Session
	if err := json.Unmarshal(b, &s); err != nil {
		return Session{}, ErrNoSession
	}
	return s, nil
}

func (r *redisStore) touch(ctx context.Context, s Session, ttl time.Duration) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	// XX: never resurrect a session deleted meanwhile.
	if err := r.c.SetXX(ctx, r.key(s.TokenHash), b, ttl).Err(); err != nil {
		return fmt.Errorf("auth: touch session: %w", err)
	}
	return nil
}

func (r *redisStore) delete(ctx context.Context, hash string) error {
	if err := r.c.Del(ctx, r.key(hash)).Err(); err != nil {
		return fmt.Errorf("auth: delete session: %w", err)
	}
	return nil
}

func (r *redisStore) deleteUser(ctx context.Context, userID int64) error {
	hashes, err := r.c.SMembers(ctx, r.userKey(userID)).Result()
	if err != nil {
		return fmt.Errorf("auth: list sessions of user: %w", err)
	}
	keys := []string{r.userKey(userID)}
	for _, h := range hashes {
		keys = append(keys, r.key(h))
	}
	if err := r.c.Del(ctx, keys...).Err(); err != nil {
		return fmt.Errorf("auth: delete sessions of user: %w", err)
	}
	return nil
}
