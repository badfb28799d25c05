package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/models"
)

// mediaPick is one image the editor's picker offers (JSON for editor.js).
type mediaPick struct {
	ID       int64  `json:"id"`
	Src      string `json:"src"`   // the address to put in the Markdown: the widest stored file
	Thumb    string `json:"thumb"` // the smallest file, for the list
	Alt      string `json:"alt"`   // the library's alt text; "" asks the user for one
	Filename string `json:"filename"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
}

// pickMedia lists the tenant's images, newest first, for the editor's
// image picker. Without the script, the editor links to the media library,
// which shows each image's Markdown to copy.
func pickMedia(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		items, err := tenantStore(c).AllMedia()
		if err != nil {
			return err
		}
		picks := []mediaPick{}
		for _, m := range items {
			if m.Kind != models.MediaImage {
				continue
			}
			picks = append(picks, mediaPick{ID: m.ID, Src: m.Src(), Thumb: mediaThumb(m), Alt: m.Alt,
				Filename: m.Filename, Width: m.Width, Height: m.Height})
		}
		return c.JSON(fiber.Map{"images": picks, "upload": "/admin/media/new", "library": "/admin/media"})
	}
}
