package siteimport

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/pcnweb/pcnweb/internal/media"
	"github.com/pcnweb/pcnweb/internal/safefetch"
	"github.com/pcnweb/pcnweb/models"
)

// NoAltPlaceholder is the media library's alt text of an image that came
// without one (the library requires one); the page shows it with an empty
// alt, and the report lists it under NoAlt for the manager to describe.
const NoAltPlaceholder = "Imported without a description: describe this image"

// file brings the file at u (an image or a PDF) into the media library
// once per import and once per content, and returns its /media/… address;
// "" when it could not come across (the report says why, against page).
func (r *run) file(page string, u *url.URL, alt, title string) string {
	key := u.String()
	if src, ok := r.mediaByURL[key]; ok {
		return src
	}
	src := r.fileOnce(page, u, alt, title)
	r.mediaByURL[key] = src
	return src
}

func (r *run) fileOnce(page string, u *url.URL, alt, title string) string {
	key := u.String()
	if m, ok, err := r.store.ImportedMedia(key); err != nil {
		note(&r.rep.Skipped, page, "file", fmt.Sprintf("%s: %v", key, err))
		return ""
	} else if ok {
		r.rep.Media = append(r.rep.Media, models.ImportedItem{Source: key, Target: m.Src(), Title: m.Filename, Result: models.ImportUnchanged})
		return m.Src()
	}
	if r.fetched >= r.o.MaxMedia {
		note(&r.rep.Skipped, page, "file", fmt.Sprintf("%s: over the limit of %d files for one import", key, r.o.MaxMedia))
		return ""
	}
	r.fetched++
	resp, err := r.client.Get(r.ctx, key)
	switch {
	case err != nil:
		note(&r.rep.Skipped, page, "file", fmt.Sprintf("%s: %s", key, fetchReason(err)))
		return ""
	case resp.Status < 200 || resp.Status > 299:
		note(&r.rep.Skipped, page, "file", fmt.Sprintf("%s: the old site answered %d", key, resp.Status))
		return ""
	}
	res, err := r.o.Images.Process(r.ctx, resp.Body)
	var refused *media.RefusedError
	switch {
	case errors.As(err, &refused):
		note(&r.rep.Skipped, page, "file", fmt.Sprintf("%s: %s", key, refused.Message))
		return ""
	case err != nil:
		note(&r.rep.Skipped, page, "file", fmt.Sprintf("%s: %v", key, err))
		return ""
	}
	name := path.Base(resp.URL.Path)
	if name == "" || name == "/" || name == "." {
		name = "file." + res.Ext
	}
	m := models.Media{Kind: res.Kind, Filename: name, ContentType: res.ContentType, Width: res.Width, Height: res.Height,
		Bytes: res.Bytes, SHA256: res.SHA256, CreatedBy: nil}
	if res.Kind == models.MediaImage {
		m.Alt = alt
		if strings.TrimSpace(alt) == "" {
			m.Alt = NoAltPlaceholder
		}
		var ws []string
		for _, w := range res.StoredWidths() {
			ws = append(ws, strconv.Itoa(w))
		}
		m.Widths = strings.Join(ws, ",")
	} else {
		m.Title = title
	}
	var stored []string
	var putErr error
	got, item, err := r.store.ImportMedia(r.by, r.job.ID, key, m, func(m models.Media) error {
		for _, f := range res.Files {
			k := models.MediaKey(r.store.TenantID(), m.ID, f.Name)
			if putErr = r.o.Media.Put(r.ctx, k, bytes.NewReader(f.Data)); putErr != nil {
				return putErr
			}
			stored = append(stored, k)
		}
		return nil
	})
	if err != nil {
		for _, k := range stored {
			if derr := r.o.Media.Delete(r.ctx, k); derr != nil {
				r.o.Logger.ErrorContext(r.ctx, "siteimport: remove stored file", "key", k, "error", derr)
			}
		}
		note(&r.rep.Skipped, page, "file", fmt.Sprintf("%s: could not be stored: %v", key, err))
		return ""
	}
	item.Title = got.Filename
	r.rep.Media = append(r.rep.Media, item)
	return got.Src()
}

// fetchReason says why a request failed, for a person.
func fetchReason(err error) string {
	switch {
	case errors.Is(err, safefetch.ErrBlocked):
		return "its address is on a private or local network, which the importer may not reach"
	case errors.Is(err, safefetch.ErrTooLarge):
		return "the file is too large"
	default:
		return err.Error()
	}
}
