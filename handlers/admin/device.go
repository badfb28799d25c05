package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
)

// deviceCookie holds the browser's known-device tokens (auth.RememberDevice):
// a browser that signed in to an account before is throttled on its own,
// so someone guessing the password elsewhere cannot lock its owner out.
const deviceCookie = "pcnweb_device"

// attempt is a sign-in attempt for email from this browser: its address
// and, when it holds one for email, its known-device token.
func attempt(c *fiber.Ctx, d Deps, email string) auth.Attempt {
	return auth.Attempt{Email: email, IP: c.IP(), Device: auth.KnownDevice(d.CSRFKey, c.Cookies(deviceCookie), email, d.now())}
}

// rememberDevice gives the browser a known-device token for email, after a
// successful sign-in.
func rememberDevice(c *fiber.Ctx, d Deps, email string) {
	c.Cookie(&fiber.Cookie{
		Name: deviceCookie, Value: auth.RememberDevice(d.CSRFKey, c.Cookies(deviceCookie), email, d.now()),
		Path: cookiePath, MaxAge: int(auth.KnownDeviceTTL.Seconds()), HTTPOnly: true, Secure: d.Web.Secure, SameSite: fiber.CookieSameSiteLaxMode,
	})
}
