package site

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// guardWithoutRedis is a guard with its key set, counting in this process.
func guardWithoutRedis() *feedbackGuard {
	return newFeedbackGuard(Deps{FeedbackKey: []byte("0123456789abcdef0123456789abcdef")})
}

func TestFormTokenRoundTrip(t *testing.T) {
	g := guardWithoutRedis()
	ctx := context.Background()
	issued := time.Date(2026, 5, 12, 9, 0, 0, 0, time.UTC)
	tok, err := g.issue(ctx, 42, "fft", issued)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		tenant int64
		form   string
		at     time.Time
		want   error
	}{
		{"in time", 42, "fft", issued.Add(time.Minute), nil},
		{"at the minimum age", 42, "fft", issued.Add(tokenMinAge), nil},
		{"too fast", 42, "fft", issued.Add(tokenMinAge - time.Millisecond), errTokenTooFast},
		{"at the maximum age", 42, "fft", issued.Add(tokenMaxAge), nil},
		{"too old", 42, "fft", issued.Add(tokenMaxAge + time.Second), errTokenExpired},
		{"another tenant", 43, "fft", issued.Add(time.Minute), errTokenForged},
		{"another form", 42, "contact", issued.Add(time.Minute), errTokenForged},
	} {
		if _, err := g.verify(ctx, tok, tt.tenant, tt.form, tt.at); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	other := newFeedbackGuard(Deps{FeedbackKey: []byte("another key")})
	if _, err := other.verify(ctx, tok, 42, "fft", issued.Add(time.Minute)); !errors.Is(err, errTokenForged) {
		t.Errorf("another key: %v", err)
	}
	parts := strings.Split(tok, ".")
	parts[3] = "1778580000" // an hour later, with the same signature
	if _, err := g.verify(ctx, strings.Join(parts, "."), 42, "fft", issued.Add(24*time.Hour)); !errors.Is(err, errTokenForged) {
		t.Errorf("a changed time kept its signature: %v", err)
	}
}

func TestParseFormTokenRefusesOtherSpellings(t *testing.T) {
	g := guardWithoutRedis()
	good, _ := g.issue(context.Background(), 7, "comments", time.Unix(1778576400, 0))
	if _, _, err := parseFormToken(good); err != nil {
		t.Fatalf("a good token: %v", err)
	}
	p := strings.Split(good, ".")
	with := func(i int, v string) string {
		q := append([]string(nil), p...)
		q[i] = v
		return strings.Join(q, ".")
	}
	for name, tok := range map[string]string{
		"empty":         "",
		"version":       with(0, "v2"),
		"tenant +7":     with(1, "+7"),
		"tenant 07":     with(1, "07"),
		"tenant 0":      with(1, "0"),
		"tenant -7":     with(1, "-7"),
		"form":          with(2, "survey"),
		"time":          with(3, "0x10"),
		"short nonce":   with(4, "AAAA"),
		"padded nonce":  with(4, p[4]+"=="),
		"short mac":     with(5, "AAAA"),
		"extra field":   good + ".x",
		"missing field": strings.Join(p[:5], "."),
		"too long":      good + strings.Repeat("A", maxTokenLen),
	} {
		if _, _, err := parseFormToken(tok); !errors.Is(err, errTokenForged) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// FuzzParseFormToken: the parser never panics, and whatever it accepts it
// reads back to the same text (one spelling per token).
func FuzzParseFormToken(f *testing.F) {
	g := guardWithoutRedis()
	good, _ := g.issue(context.Background(), 7, "fft", time.Unix(1778576400, 0))
	for _, s := range []string{good, "", ".....", "v1.1.fft.1.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"v1.-1.fft.1.x.y", "v1.1.contact.99999999999999999999.a.b", strings.Repeat(".", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok, mac, err := parseFormToken(s)
		if err != nil {
			if !errors.Is(err, errTokenForged) {
				t.Fatalf("error %v is not errTokenForged", err)
			}
			return
		}
		if back := tok.payload() + "." + mac; back != s {
			t.Fatalf("parsed %q, reads back as %q", s, back)
		}
		if _, err := g.verify(context.Background(), s, tok.TenantID, tok.Form, tok.Issued.Add(time.Minute)); err != nil && !errors.Is(err, errTokenForged) {
			t.Fatalf("verify: %v", err)
		}
	})
}

// Without Redis a nonce is used once and posts are counted in the process.
func TestGuardWithoutRedis(t *testing.T) {
	g := guardWithoutRedis()
	ctx := context.Background()
	now := time.Date(2026, 5, 12, 9, 1, 0, 0, time.UTC)
	tok := formToken{TenantID: 1, Form: "fft", Issued: now.Add(-time.Minute), Nonce: newNonce()}
	if err := g.use(ctx, tok, now); err != nil {
		t.Fatal(err)
	}
	if err := g.use(ctx, tok, now.Add(time.Minute)); !errors.Is(err, errTokenReplay) {
		t.Errorf("second use: %v", err)
	}
	for i := range feedbackPosts {
		if ok, _, err := g.allow(ctx, 1, "192.0.2.1", now); !ok || err != nil {
			t.Fatalf("post %d refused: %v", i+1, err)
		}
	}
	ok, resets, _ := g.allow(ctx, 1, "192.0.2.1", now)
	if ok || !resets.Equal(time.Date(2026, 5, 12, 9, 10, 0, 0, time.UTC)) {
		t.Errorf("over the limit: ok %v, resets %v", ok, resets)
	}
	if ok, _, _ := g.allow(ctx, 1, "192.0.2.2", now); !ok {
		t.Error("another address was refused")
	}
	if ok, _, _ := g.allow(ctx, 2, "192.0.2.1", now); !ok {
		t.Error("another tenant was refused")
	}
	if ok, _, _ := g.allow(ctx, 1, "192.0.2.1", resets); !ok {
		t.Error("refused in the next window")
	}
	for k := range g.counts {
		if strings.Contains(k, "192.0.2") {
			t.Errorf("the address is kept: %q", k)
		}
	}
}

func TestSameOrigin(t *testing.T) {
	app := fiber.New()
	for _, tt := range []struct {
		origin, referer string
		want            bool
	}{
		{"http://alpha.localhost", "", true},
		{"https://ALPHA.localhost", "", true},
		{"https://alpha.localhost:8443", "", false},
		{"https://evil.example", "http://alpha.localhost/feedback", false},
		{"null", "http://alpha.localhost/feedback", true},
		{"", "http://alpha.localhost/feedback", true},
		{"", "http://alpha.localhost.evil.example/feedback", false},
		{"", "", false},
		{"javascript://alpha.localhost", "", false},
	} {
		fc := &fasthttp.RequestCtx{}
		fc.Request.Header.SetHost("alpha.localhost")
		if tt.origin != "" {
			fc.Request.Header.Set("Origin", tt.origin)
		}
		if tt.referer != "" {
			fc.Request.Header.Set("Referer", tt.referer)
		}
		c := app.AcquireCtx(fc)
		if got := sameOrigin(c); got != tt.want {
			t.Errorf("Origin %q Referer %q: %v, want %v", tt.origin, tt.referer, got, tt.want)
		}
		app.ReleaseCtx(c)
	}
}
