package admin

import (
	"strconv"

	"github.com/pcnweb/pcnweb/internal/richtext"
	"github.com/pcnweb/pcnweb/themes"
)

// actionPublishAnyway is the value of the "Publish anyway" button that the
// alt-text warning offers: the user has seen the warning and publishes the
// images without alt text knowingly.
const actionPublishAnyway = "publish-anyway"

// altWarning checks a body that is about to be published: an image with
// no alt text (and not marked decorative) stops the publish once, with a
// message next to the body field, unless the user chose "Publish anyway".
// Drafts are never checked. missing are the images' addresses.
func altWarning(body string, publish bool, action string) (missing []string, fe *themes.FieldError) {
	if !publish || action == actionPublishAnyway {
		return nil, nil
	}
	missing = richtext.ImagesWithoutAlt(body)
	if len(missing) == 0 {
		return nil, nil
	}
	msg := "An image has no alt text, so people who use a screen reader will not know what it shows"
	if len(missing) > 1 {
		msg = strconv.Itoa(len(missing)) + " images have no alt text, so people who use a screen reader will not know what they show"
	}
	msg += `. Describe each image between its square brackets, or add "decorative" after the address of an image that is only decoration. Or choose "Publish anyway"`
	return missing, &themes.FieldError{Field: "body", Message: msg}
}
