package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
)

// KnownDevices is a sign-in surface's cookie of known-device tokens
// (auth.RememberDevice): a browser that signed in to an account before is
// throttled on its own, so someone guessing the password elsewhere cannot
// lock its owner out. The admin panel and the console each have one, under
// their own name and path.
type KnownDevices struct {
	Cookie string // cookie name
	Path   string // cookie path
	Key    []byte // signs the tokens
	Secure bool
}

// Attempt is a sign-in attempt for email from this browser: its address
// and, when it holds one for email, its known-device token.
func (k KnownDevices) Attempt(c *fiber.Ctx, email string, now time.Time) auth.Attempt {
	return auth.Attempt{Email: email, IP: c.IP(), Device: auth.KnownDevice(k.Key, c.Cookies(k.Cookie), email, now)}
}

// Remember gives the browser a known-device token for email, after a
// successful sign-in.
func (k KnownDevices) Remember(c *fiber.Ctx, email string, now time.Time) {
	c.Cookie(&fiber.Cookie{
		Name: k.Cookie, Value: auth.RememberDevice(k.Key, c.Cookies(k.Cookie), email, now),
		Path: k.Path, MaxAge: int(auth.KnownDeviceTTL.Seconds()), HTTPOnly: true, Secure: k.Secure, SameSite: fiber.CookieSameSiteLaxMode,
	})
}
