package admin

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/media"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// mediaListPage is the view of "media".
type mediaListPage struct {
	themes.Admin
	MediaList []mediaRow
}

// mediaPage is the view of "media-upload", "media-edit" and "media-delete".
type mediaPage struct {
	themes.Admin
	Media *mediaEdit
}

// mediaRow is a row of the media library ("media").
type mediaRow struct {
	ID       int64
	Kind     string // "image" or "pdf"
	Thumb    string // an image's smallest file; "" for a PDF
	Name     string // an image's alt text, a PDF's title
	Filename string // the uploaded file's name
	Size     string // "1600 × 1200 pixels, 230 KB"; "230 KB"
	Markdown string // what to paste into a page: ![alt](/media/12/1600.jpg)
	EditURL  string
}

// mediaEdit is the upload form (ID 0: "media-upload"), the form that
// changes an item's alt text or title ("media-edit") and the delete
// confirmation ("media-delete"), as stored or as typed.
type mediaEdit struct {
	ID       int64
	Kind     string // "image" or "pdf"; "" on the upload form
	Alt      string
	Title    string
	Version  int // the version the form was opened at
	Thumb    string
	Src      string // the public address of the file
	Filename string
	Size     string
	Markdown string
	// Reselect: the upload form is shown again after a problem, and the
	// browser does not keep the chosen file.
	Reselect bool
}

// errMediaStorage: the panel was built without a media Storage.
var errMediaStorage = errors.New("admin: no media storage configured")

// mediaSize is a file size as people read it: "230 KB", "2.4 MB".
func mediaSize(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10) + " bytes"
	case n < 1000*1000:
		return strconv.FormatInt((n+999)/1000, 10) + " KB"
	}
	return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + " MB"
}

var mediaMarkdownEscaper = strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`)

// mediaMarkdown is what to paste into a page to use the item.
func mediaMarkdown(m models.Media) string {
	if m.Kind == models.MediaImage {
		return "![" + mediaMarkdownEscaper.Replace(m.Alt) + "](" + m.Src() + ")"
	}
	return "[" + mediaMarkdownEscaper.Replace(m.Title) + " (PDF, " + mediaSize(m.Bytes) + ")](" + m.Src() + ")"
}

func mediaDescription(m models.Media) string {
	if m.Kind == models.MediaImage {
		return fmt.Sprintf("%d × %d pixels, %s", m.Width, m.Height, mediaSize(m.Bytes))
	}
	return mediaSize(m.Bytes)
}

// mediaThumb is an image's smallest file.
func mediaThumb(m models.Media) string {
	if fs := m.Files(); m.Kind == models.MediaImage && len(fs) > 0 {
		return m.URL(fs[0])
	}
	return ""
}

func mediaEditOf(m models.Media) *mediaEdit {
	return &mediaEdit{ID: m.ID, Kind: m.Kind, Alt: m.Alt, Title: m.Title, Version: m.Version, Thumb: mediaThumb(m),
		Src: m.Src(), Filename: m.Filename, Size: mediaDescription(m), Markdown: mediaMarkdown(m)}
}

func listMedia(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		items, err := tenantStore(c).AllMedia()
		if err != nil {
			return err
		}
		view := mediaListPage{Admin: baseView(c, d, "Images and files")}
		for _, m := range items {
			name := m.Title
			if m.Kind == models.MediaImage {
				name = m.Alt
			}
			view.MediaList = append(view.MediaList, mediaRow{ID: m.ID, Kind: m.Kind, Thumb: mediaThumb(m), Name: name,
				Filename: m.Filename, Size: mediaDescription(m), Markdown: mediaMarkdown(m),
				EditURL: tenants.AdminPath + "/media/" + strconv.FormatInt(m.ID, 10) + "/edit"})
		}
		switch c.Query("done") {
		case "uploaded":
			view.Notice = "Your file has been uploaded. Copy its Markdown into a page to use it."
		case "saved":
			view.Notice = "Your changes have been saved."
		case "deleted":
			view.Notice = "The file has been deleted."
		}
		return render(c, d, fiber.StatusOK, "media", view)
	}
}

func mediaUploadView(c *fiber.Ctx, d Deps, e mediaEdit, errs []themes.FieldError) mediaPage {
	view := mediaPage{Admin: baseView(c, d, "Upload an image or PDF")}
	view.Errors = errs
	e.Reselect = len(errs) > 0
	view.Media = &e
	return view
}

func newMedia(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return render(c, d, fiber.StatusOK, "media-upload", mediaUploadView(c, d, mediaEdit{}, nil))
	}
}

// readMediaUpload reads the form's file, at most media.MaxUpload+1 bytes:
// enough for the media processor to tell a file that is too big.
func readMediaUpload(c *fiber.Ctx) ([]byte, string, *themes.FieldError) {
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 && fh.Filename == "" {
		return nil, "", &themes.FieldError{Field: "file", Message: "Select an image or PDF to upload"}
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", &themes.FieldError{Field: "file", Message: "The selected file could not be read: try again"}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, media.MaxUpload+1))
	if err != nil {
		return nil, "", &themes.FieldError{Field: "file", Message: "The selected file could not be read: try again"}
	}
	return data, fh.Filename, nil
}

// mediaBusyMessage answers an upload that found every decoding slot busy
// (503, Retry-After mediaBusyRetry seconds).
const (
	mediaBusyMessage = "The website is busy processing other images, so this file has not been uploaded. Wait a few seconds and try again"
	mediaBusyRetry   = 10
)

// uploadMedia checks the file by its content, records it and stores its
// files under the new id. When storing fails, the record goes again.
func uploadMedia(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		typed := mediaEdit{Alt: c.FormValue("alt"), Title: c.FormValue("title")}
		refuse := func(fe themes.FieldError) error {
			return render(c, d, fiber.StatusUnprocessableEntity, "media-upload", mediaUploadView(c, d, typed, []themes.FieldError{fe}))
		}
		data, filename, fe := readMediaUpload(c)
		if fe != nil {
			return refuse(*fe)
		}
		res, err := d.Images.Process(c.UserContext(), data)
		var re *media.RefusedError
		switch {
		case errors.As(err, &re):
			return refuse(themes.FieldError{Field: "file", Message: re.Message})
		case errors.Is(err, media.ErrBusy):
			// Not the file's fault: the same upload will do in a moment.
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(mediaBusyRetry))
			return render(c, d, fiber.StatusServiceUnavailable, "media-upload",
				mediaUploadView(c, d, typed, []themes.FieldError{{Field: "file", Message: mediaBusyMessage}}))
		case err != nil:
			return err
		}
		if d.Media == nil {
			return errMediaStorage
		}
		var widths []string
		for _, w := range res.StoredWidths() {
			widths = append(widths, strconv.Itoa(w))
		}
		a := AccountFromCtx(c)
		store := tenantStore(c)
		ctx := c.UserContext()
		// The files are stored inside the record's transaction: when that
		// fails, nothing is recorded or audited, and what was stored goes.
		var putErr error
		m, err := store.AddMedia(a.Actor(), models.Media{Kind: res.Kind, Filename: filename, ContentType: res.ContentType,
			Alt: typed.Alt, Title: typed.Title, Widths: strings.Join(widths, ","), Width: res.Width, Height: res.Height,
			Bytes: res.Bytes, SHA256: res.SHA256, CreatedBy: &a.User.ID}, func(m models.Media) error {
			for _, f := range res.Files {
				if putErr = d.Media.Put(ctx, models.MediaKey(store.TenantID(), m.ID, f.Name), bytes.NewReader(f.Data)); putErr != nil {
					return putErr
				}
			}
			return nil
		})
		var ve *models.ValidationError
		switch {
		case putErr != nil:
			removeMediaFiles(c, d, store.TenantID(), m)
			return fmt.Errorf("admin: store media %d: %w", m.ID, putErr)
		case errors.As(err, &ve):
			return refuse(themes.FieldError{Field: ve.Field, Message: sentence(ve.Message)})
		case err != nil:
			return err
		}
		return redirect.To(c, tenants.AdminPath+"/media?done=uploaded", fiber.StatusSeeOther)
	}
}

// removeMediaFiles deletes an item's files; what fails is logged, not
// returned: the record is gone, so nothing links to them any more.
func removeMediaFiles(c *fiber.Ctx, d Deps, tenantID int64, m models.Media) {
	if d.Media == nil {
		return
	}
	for _, f := range m.Files() {
		if err := d.Media.Delete(c.UserContext(), models.MediaKey(tenantID, m.ID, f)); err != nil {
			d.Logger.ErrorContext(c.UserContext(), "delete media file", "tenant_id", tenantID, "media_id", m.ID, "file", f, "error", err)
		}
	}
}

// mediaItem loads the item named by the URL: another tenant's id is a 404.
func mediaItem(c *fiber.Ctx, d Deps) (*models.TenantDB, models.Media, error) {
	id, err := routeID(c, "id")
	if err != nil {
		return nil, models.Media{}, err
	}
	store := tenantStore(c)
	m, err := store.MediaByID(id)
	return store, m, err
}

func mediaEditTitle(m models.Media) string {
	if m.Kind == models.MediaImage {
		return "Change the image's alt text"
	}
	return "Change the PDF's title"
}

func editMedia(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, m, err := mediaItem(c, d)
		if err != nil {
			return err
		}
		view := mediaPage{Admin: baseView(c, d, mediaEditTitle(m))}
		view.Media = mediaEditOf(m)
		return render(c, d, fiber.StatusOK, "media-edit", view)
	}
}

// saveMedia changes the alt text (image) or title (PDF), refusing a save
// from a version someone else has saved over.
func saveMedia(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store, m, err := mediaItem(c, d)
		if err != nil {
			return err
		}
		alt, title := m.Alt, m.Title
		if m.Kind == models.MediaImage {
			alt = c.FormValue("alt")
		} else {
			title = c.FormValue("title")
		}
		again := func(status int, errs []themes.FieldError) error {
			view := mediaPage{Admin: baseView(c, d, mediaEditTitle(m))}
			view.Errors = errs
			e := mediaEditOf(m)
			e.Alt, e.Title = alt, title
			e.Version, _ = strconv.Atoi(c.FormValue("version"))
			view.Media = e
			return render(c, d, status, "media-edit", view)
		}
		version, err := strconv.Atoi(c.FormValue("version"))
		if err != nil {
			return again(fiber.StatusConflict, []themes.FieldError{{Message: mediaConflictMessage}})
		}
		_, err = store.SetMediaAlt(actor(c), m.ID, version, alt, title)
		var ve *models.ValidationError
		switch {
		case errors.As(err, &ve):
			return again(fiber.StatusUnprocessableEntity, []themes.FieldError{{Field: ve.Field, Message: sentence(ve.Message)}})
		case errors.Is(err, models.ErrStale):
			return again(fiber.StatusConflict, []themes.FieldError{{Message: mediaConflictMessage}})
		case err != nil:
			return err
		}
		return redirect.To(c, tenants.AdminPath+"/media?done=saved", fiber.StatusSeeOther)
	}
}

const mediaConflictMessage = "Someone else changed this file's details while you were editing them. Your changes have not been saved: copy anything you need, then reload the page."

func confirmDeleteMedia(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, m, err := mediaItem(c, d)
		if err != nil {
			return err
		}
		what := "PDF"
		if m.Kind == models.MediaImage {
			what = "image"
		}
		view := mediaPage{Admin: baseView(c, d, "Are you sure you want to delete this "+what+"?")}
		view.Media = mediaEditOf(m)
		return render(c, d, fiber.StatusOK, "media-delete", view)
	}
}

// deleteMedia removes the record, then the files.
func deleteMedia(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store, m, err := mediaItem(c, d)
		if err != nil {
			return err
		}
		if err := store.DeleteMedia(actor(c), m.ID); err != nil {
			return err
		}
		removeMediaFiles(c, d, store.TenantID(), m)
		return redirect.To(c, tenants.AdminPath+"/media?done=deleted", fiber.StatusSeeOther)
	}
}
