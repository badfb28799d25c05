package site

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/redishealth"
	"github.com/pcnweb/pcnweb/models"
)

// The feedback forms' defences against forged and automated posts, with no
// cookie (issue 13): a signed, time-limited token in each rendered form
// (formToken), used once; an Origin (or Referer) check; a honeypot field
// (the form's template); and a per-address, per-tenant rate limit shared by
// every replica through Redis. Nothing here stores the client's address:
// the rate limit keys on a keyed hash of it.

// Token and rate limit bounds.
const (
	// tokenMinAge: a form sent sooner after it was rendered was not filled
	// in by a person.
	tokenMinAge = 3 * time.Second
	// tokenMaxAge: an older form is refused (and shown again, with a new
	// token, keeping what was typed).
	tokenMaxAge = 2 * time.Hour
	// feedbackPosts posts per feedbackWindow per address and tenant.
	feedbackPosts  = 5
	feedbackWindow = 10 * time.Minute
	// tokenVersion starts every token; maxTokenLen bounds what is parsed.
	tokenVersion = "v1"
	maxTokenLen  = 200
	nonceBytes   = 16
)

// Why a token is refused.
var (
	errTokenForged  = errors.New("feedback token: not ours")
	errTokenExpired = errors.New("feedback token: too old")
	errTokenTooFast = errors.New("feedback token: sent too soon after the form was shown")
	errTokenReplay  = errors.New("feedback token: already used")
)

// formToken is what a feedback form's token says: which tenant's which
// form it was rendered for, when, and a random nonce that makes it usable
// once.
type formToken struct {
	TenantID int64
	Form     string
	Issued   time.Time // whole seconds
	Nonce    string    // base64url of nonceBytes random bytes
}

// payload is the signed part of the token.
func (t formToken) payload() string {
	return tokenVersion + "." + strconv.FormatInt(t.TenantID, 10) + "." + t.Form + "." +
		strconv.FormatInt(t.Issued.Unix(), 10) + "." + t.Nonce
}

// tokenMAC signs a token payload with key.
func tokenMAC(key []byte, payload string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("pcnweb feedback form\x00"))
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// newNonce returns a fresh random nonce.
func newNonce() string {
	b := make([]byte, nonceBytes)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// parseFormToken reads a token as the form sent it: the payload's fields,
// each in its one canonical spelling, and the MAC. It checks the shape
// only; verify checks the signature and the times.
func parseFormToken(s string) (formToken, string, error) {
	bad := func(what string) (formToken, string, error) {
		return formToken{}, "", fmt.Errorf("%w: %s", errTokenForged, what)
	}
	if len(s) > maxTokenLen {
		return bad("too long")
	}
	parts := strings.Split(s, ".")
	if len(parts) != 6 || parts[0] != tokenVersion {
		return bad("shape")
	}
	tenant, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || tenant <= 0 || strconv.FormatInt(tenant, 10) != parts[1] {
		return bad("tenant")
	}
	switch parts[2] {
	case models.FormFFT, models.FormComments, models.FormContact:
	default:
		return bad("form")
	}
	issued, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil || issued <= 0 || strconv.FormatInt(issued, 10) != parts[3] {
		return bad("time")
	}
	if n, err := base64.RawURLEncoding.Strict().DecodeString(parts[4]); err != nil || len(n) != nonceBytes {
		return bad("nonce")
	}
	if m, err := base64.RawURLEncoding.Strict().DecodeString(parts[5]); err != nil || len(m) != sha256.Size {
		return bad("mac")
	}
	return formToken{TenantID: tenant, Form: parts[2], Issued: time.Unix(issued, 0), Nonce: parts[4]}, parts[5], nil
}

// feedbackGuard holds the defences' state for one app: the signing key
// (the platform secret every replica shares), and the used nonces and post
// counts when Redis is not configured or not answering.
type feedbackGuard struct {
	db     *models.DB
	redis  *redishealth.Monitor
	prefix string

	keyMu sync.Mutex
	key   []byte

	mu     sync.Mutex
	used   map[string]time.Time // nonce → when it may be forgotten
	counts map[string]int       // rate key (with its window) → posts
	window int64                // the window counts are for
}

func newFeedbackGuard(d Deps) *feedbackGuard {
	return &feedbackGuard{db: d.DB, redis: d.Redis, prefix: d.RedisPrefix, key: d.FeedbackKey,
		used: map[string]time.Time{}, counts: map[string]int{}}
}

// signingKey is the key tokens are signed with: Deps.FeedbackKey, else the
// platform secret "feedback-form" (made the first time any replica needs
// it), read once.
func (g *feedbackGuard) signingKey(ctx context.Context) ([]byte, error) {
	g.keyMu.Lock()
	defer g.keyMu.Unlock()
	if len(g.key) > 0 {
		return g.key, nil
	}
	key, err := g.db.PlatformSecret(ctx, "feedback-form", func() []byte {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		return b
	})
	if err != nil {
		return nil, fmt.Errorf("feedback signing key: %w", err)
	}
	g.key = key
	return key, nil
}

// issue makes the token of a form rendered at now. A form shown again
// after a refused post keeps the first render's time (so fixing one field
// quickly is not "too fast"), with a new nonce.
func (g *feedbackGuard) issue(ctx context.Context, tenantID int64, form string, issued time.Time) (string, error) {
	key, err := g.signingKey(ctx)
	if err != nil {
		return "", err
	}
	t := formToken{TenantID: tenantID, Form: form, Issued: time.Unix(issued.Unix(), 0), Nonce: newNonce()}
	p := t.payload()
	return p + "." + tokenMAC(key, p), nil
}

// verify checks a posted token for tenantID's form at now: ours, for this
// tenant and form, at least tokenMinAge and at most tokenMaxAge old. It
// does not use the nonce up (use does).
func (g *feedbackGuard) verify(ctx context.Context, raw string, tenantID int64, form string, now time.Time) (formToken, error) {
	t, mac, err := parseFormToken(raw)
	if err != nil {
		return formToken{}, err
	}
	key, err := g.signingKey(ctx)
	if err != nil {
		return formToken{}, err
	}
	if !hmac.Equal([]byte(mac), []byte(tokenMAC(key, t.payload()))) {
		return formToken{}, fmt.Errorf("%w: signature", errTokenForged)
	}
	if t.TenantID != tenantID || t.Form != form {
		return formToken{}, fmt.Errorf("%w: another form's token", errTokenForged)
	}
	age := now.Sub(t.Issued)
	switch {
	case age < tokenMinAge:
		return t, errTokenTooFast
	case age > tokenMaxAge:
		return t, errTokenExpired
	}
	return t, nil
}

// use records the token's nonce as used, once for every replica (Redis
// SET NX) or, without Redis, in this process; a nonce already used is
// errTokenReplay.
func (g *feedbackGuard) use(ctx context.Context, t formToken, now time.Time) error {
	keep := t.Issued.Add(tokenMaxAge + time.Minute).Sub(now)
	if keep <= 0 {
		keep = time.Minute
	}
	if g.redis.Up() {
		ctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		defer cancel()
		ok, err := g.redis.Client().SetNX(ctx, g.prefix+"feedback:nonce:"+t.Nonce, 1, keep).Result()
		if err == nil {
			if !ok {
				return errTokenReplay
			}
			return nil
		}
		g.redis.Failed(err) // and fall back to this process
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for n, until := range g.used {
		if now.After(until) {
			delete(g.used, n)
		}
	}
	if _, seen := g.used[t.Nonce]; seen {
		return errTokenReplay
	}
	g.used[t.Nonce] = now.Add(keep)
	return nil
}

// allow counts a post from addr to tenantID at now and reports whether it
// is within the limit; when not, it returns when the limit resets. The
// address is never stored: the key is a keyed hash of it.
func (g *feedbackGuard) allow(ctx context.Context, tenantID int64, addr string, now time.Time) (bool, time.Time, error) {
	key, err := g.signingKey(ctx)
	if err != nil {
		return false, time.Time{}, err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("pcnweb feedback rate\x00"))
	m.Write([]byte(addr))
	who := base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
	window := now.Unix() / int64(feedbackWindow/time.Second)
	resets := time.Unix((window+1)*int64(feedbackWindow/time.Second), 0)
	rateKey := g.prefix + "feedback:rate:" + strconv.FormatInt(tenantID, 10) + ":" + who + ":" + strconv.FormatInt(window, 10)
	if g.redis.Up() {
		ctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		defer cancel()
		pipe := g.redis.Client().TxPipeline()
		incr := pipe.Incr(ctx, rateKey)
		pipe.Expire(ctx, rateKey, feedbackWindow+time.Minute)
		if _, err := pipe.Exec(ctx); err == nil {
			return incr.Val() <= feedbackPosts, resets, nil
		} else {
			g.redis.Failed(err) // and count in this process
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if window != g.window {
		clear(g.counts)
		g.window = window
	}
	g.counts[rateKey]++
	return g.counts[rateKey] <= feedbackPosts, resets, nil
}

// sameOrigin reports whether the post came from a page of the host it was
// sent to: its Origin header or, without one, its Referer names the
// request's host. A post with neither is refused: browsers send Origin
// with every form post.
func sameOrigin(c *fiber.Ctx) bool {
	from := c.Get(fiber.HeaderOrigin)
	if from == "" || from == "null" {
		from = c.Get(fiber.HeaderReferer)
	}
	if from == "" {
		return false
	}
	u, err := url.Parse(from)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	return strings.EqualFold(u.Host, c.Hostname())
}
