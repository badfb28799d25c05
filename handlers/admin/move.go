package admin

import "github.com/gofiber/fiber/v2"

// moveDirection reads a "Move up" / "Move down" button's direction (the
// partial "moveButtons" sends direction=up|down): true for up. Anything
// else is a 400.
func moveDirection(c *fiber.Ctx) (bool, error) {
	switch c.FormValue("direction") {
	case "up":
		return true, nil
	case "down":
		return false, nil
	}
	return false, fiber.ErrBadRequest
}
