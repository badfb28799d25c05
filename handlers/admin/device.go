package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/auth"
	"github.com/pcnweb/pcnweb/handlers/web"
)

// devices is the panel's known-device cookie (see web.KnownDevices).
func devices(d Deps) web.KnownDevices {
	return web.KnownDevices{Cookie: "pcnweb_device", Path: cookiePath, Key: d.CSRFKey, Secure: d.Web.Secure}
}

// attempt is a sign-in attempt for email from this browser.
func attempt(c *fiber.Ctx, d Deps, email string) auth.Attempt {
	return devices(d).Attempt(c, email, d.now())
}

// rememberDevice marks this browser as known for email.
func rememberDevice(c *fiber.Ctx, d Deps, email string) { devices(d).Remember(c, email, d.now()) }

// secondStep is a two-factor code attempt for email from this browser.
func secondStep(c *fiber.Ctx, d Deps, email string) auth.Attempt {
	a := attempt(c, d, email)
	a.SecondStep = true
	return a
}
