package models

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Kinds of media.
const (
	MediaImage = "image"
	MediaPDF   = "pdf"
)

// Media is a file of a tenant's media library: an image stored at a few
// widths (Widths, smallest first) or a PDF. Its files are in the media
// Storage under MediaKey; its public address is /media/<id>/<file>.
type Media struct {
	ID          int64 `gorm:"primaryKey"`
	TenantID    int64
	Kind        string // MediaImage or MediaPDF
	Filename    string // the uploaded file's name, sanitised
	ContentType string // of the stored files
	Alt         string // an image's text alternative
	Title       string // a PDF's link text
	Widths      string // an image's stored widths: "320,640,1024"
	Width       int    // the upright original image's size
	Height      int
	Bytes       int64
	SHA256      string `gorm:"column:sha256"`
	CreatedBy   *int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Version counts saves; a save must name the version it was opened at.
	Version int `gorm:"->"` // read-only for GORM: only claimVersion writes it
}

// TableName keeps the SQL name explicit.
func (Media) TableName() string { return "media" }

// WidthList is the stored widths, smallest first.
func (m Media) WidthList() []int {
	var ws []int
	for _, s := range strings.Split(m.Widths, ",") {
		if w, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && w > 0 {
			ws = append(ws, w)
		}
	}
	return ws
}

// Ext is the extension of the stored files: jpg, png or pdf.
func (m Media) Ext() string {
	switch m.ContentType {
	case "image/jpeg":
		return "jpg"
	case "image/png":
		return "png"
	}
	return "pdf"
}

// Files are the names of the stored files: "320.jpg", "640.jpg"… for an
// image, "file.pdf" for a PDF.
func (m Media) Files() []string {
	if m.Kind == MediaPDF {
		return []string{"file.pdf"}
	}
	var fs []string
	for _, w := range m.WidthList() {
		fs = append(fs, strconv.Itoa(w)+"."+m.Ext())
	}
	return fs
}

// URL is the public address of one of its files.
func (m Media) URL(file string) string {
	return "/media/" + strconv.FormatInt(m.ID, 10) + "/" + file
}

// Src is the address to link or embed: the widest stored image, or the PDF.
func (m Media) Src() string {
	fs := m.Files()
	if len(fs) == 0 {
		return ""
	}
	return m.URL(fs[len(fs)-1])
}

// MediaKey is where a file of a tenant's media item is kept in the Storage.
func MediaKey(tenantID, mediaID int64, file string) string {
	return fmt.Sprintf("%d/%d/%s", tenantID, mediaID, file)
}

// SanitizeFilename keeps the last element of an uploaded file's name with
// letters, digits, dots, hyphens, underscores and spaces only (at most 100
// characters); "file" when nothing is left.
func SanitizeFilename(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == '.' || r == '-' || r == '_':
			b.WriteRune(r)
		case r == ' ' || unicode.IsSpace(r) || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(' ')
		default:
			b.WriteRune('-')
		}
	}
	s := strings.Trim(strings.Join(strings.Fields(b.String()), " "), ".- ")
	if utf8.RuneCountInString(s) > 100 {
		s = strings.TrimSpace(s[:100])
	}
	if s == "" {
		return "file"
	}
	return s
}

// maxMediaText bounds alt text and titles.
const maxMediaText = 250

// checkMediaText validates an item's alt text (images) or title (PDFs).
func checkMediaText(m *Media) error {
	m.Alt, m.Title = strings.Join(strings.Fields(m.Alt), " "), strings.Join(strings.Fields(m.Title), " ")
	if m.Kind == MediaImage && m.Alt == "" {
		return invalid("alt", "enter alt text: describe the image for people who cannot see it")
	}
	if utf8.RuneCountInString(m.Alt) > maxMediaText {
		return invalid("alt", fmt.Sprintf("use %d characters or fewer for the alt text", maxMediaText))
	}
	if m.Kind == MediaPDF && m.Title == "" {
		m.Title = strings.TrimSuffix(strings.TrimSuffix(m.Filename, ".pdf"), ".PDF")
	}
	if utf8.RuneCountInString(m.Title) > maxMediaText {
		return invalid("title", fmt.Sprintf("use %d characters or fewer for the title", maxMediaText))
	}
	return nil
}

// Audit actions of the media library.
const (
	AuditMediaUpload = "media.upload"
	AuditMediaEdit   = "media.edit"
	AuditMediaDelete = "media.delete"
)

// AddMedia records an uploaded file, audited by by. store, when not nil,
// stores its files once the id is known, inside the same transaction: when
// it fails nothing is recorded (the caller removes what it stored) and its
// error is returned with the item it was given. An image needs alt text; a
// PDF without a title is named after its file.
func (t *TenantDB) AddMedia(by Actor, m Media, store func(Media) error) (Media, error) {
	switch m.Kind {
	case MediaImage:
		if len(m.WidthList()) == 0 {
			return Media{}, fmt.Errorf("models: add media: an image without stored widths")
		}
	case MediaPDF:
	default:
		return Media{}, fmt.Errorf("models: add media: unknown kind %q", m.Kind)
	}
	m.Filename = SanitizeFilename(m.Filename)
	if err := checkMediaText(&m); err != nil {
		return Media{}, err
	}
	now := time.Now().UTC()
	m.ID, m.TenantID, m.CreatedAt, m.UpdatedAt, m.Version = 0, t.tenantID, now, now, 1
	err := t.changeAudited(by, func(tx *TenantDB) error {
		if err := tx.scoped.Create(&m).Error; err != nil {
			return err
		}
		if store != nil {
			if err := store(m); err != nil {
				return err
			}
		}
		return tx.audit(AuditMediaUpload, m.Src())
	})
	return m, translate("add media", err)
}

// MediaByID returns an item of the tenant; another tenant's id is
// ErrNotFound.
func (t *TenantDB) MediaByID(id int64) (Media, error) {
	var m Media
	err := t.scoped.Where("id = ?", id).Take(&m).Error
	return m, translate(fmt.Sprintf("media %d", id), err)
}

// MediaSize is the size of the upright original of a library image.
type MediaSize struct{ Width, Height int }

// MediaSizes gives the size of each of the tenant's items among ids, in one
// query (a body with many images costs one round trip, not one per image);
// an id the tenant's library does not have is left out.
func (t *TenantDB) MediaSizes(ids []int64) (map[int64]MediaSize, error) {
	sizes := make(map[int64]MediaSize, len(ids))
	if len(ids) == 0 {
		return sizes, nil
	}
	var rows []struct {
		ID            int64
		Width, Height int
	}
	err := t.scoped.Model(&Media{}).Select("id", "width", "height").Where("id IN ?", ids).Find(&rows).Error
	if err != nil {
		return nil, translate("media sizes", err)
	}
	for _, r := range rows {
		sizes[r.ID] = MediaSize{Width: r.Width, Height: r.Height}
	}
	return sizes, nil
}

// AllMedia lists the library, newest first.
func (t *TenantDB) AllMedia() ([]Media, error) {
	var ms []Media
	err := t.scoped.Order("created_at DESC, id DESC").Find(&ms).Error
	return ms, translate("list media", err)
}

// SetMediaAlt changes an item's alt text and title, if it is still at the
// version the form was opened at (else an *EditConflictError), audited by
// by.
func (t *TenantDB) SetMediaAlt(by Actor, id int64, version int, alt, title string) (Media, error) {
	var m Media
	err := t.changeAudited(by, func(tx *TenantDB) error {
		if err := tx.scoped.Where("id = ?", id).Take(&m).Error; err != nil {
			return err
		}
		m.Alt, m.Title = alt, title
		if err := checkMediaText(&m); err != nil {
			return err
		}
		if err := tx.claimVersion("media", "id", id, version, fmt.Sprintf("media %d", id)); err != nil {
			return err
		}
		m.UpdatedAt = time.Now().UTC()
		m.Version = version + 1
		if err := tx.scoped.Model(&Media{}).Where("id = ?", id).
			Updates(map[string]any{"alt": m.Alt, "title": m.Title, "updated_at": m.UpdatedAt}).Error; err != nil {
			return err
		}
		return tx.audit(AuditMediaEdit, m.Src())
	})
	return m, translate(fmt.Sprintf("set alt text of media %d", id), err)
}

// DeleteMedia removes an item's record (the caller deletes its files),
// audited by by.
func (t *TenantDB) DeleteMedia(by Actor, id int64) error {
	return deleteByID(t, by, "media", id, AuditMediaDelete, Media.Src, nil)
}
