// Package media checks, cleans and stores the files a PCN uploads to its
// media library: images (JPEG, PNG, WebP, GIF) and PDFs. Types are detected
// from the bytes, never from the name; images are decoded, turned upright,
// re-encoded (which drops EXIF and every other kind of metadata) and resized
// to a few standard widths; PDFs are kept as they are. Files are stored
// through Storage, whose default is a directory on disk.
package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
)

// ErrNotFound is returned by Storage.Open for a key that holds nothing.
var ErrNotFound = errors.New("media: no such file")

// Storage keeps files by key ("12/345/640.jpg"). Implementations must be
// safe for concurrent use; a Put replaces the key's file atomically.
type Storage interface {
	// Put stores everything read from r under key.
	Put(ctx context.Context, key string, r io.Reader) error
	// Open returns the file under key and its size in bytes; the caller
	// closes it. A missing key is ErrNotFound.
	Open(ctx context.Context, key string) (io.ReadCloser, int64, error)
	// Delete removes the file under key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// keyRE is what a key may look like: slash-separated segments of letters,
// digits, dots, hyphens and underscores, none of them "." or "..".
var keyRE = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$`)

func checkKey(key string) error {
	if len(key) > 255 || !keyRE.MatchString(key) {
		return fmt.Errorf("media: bad key %q", key)
	}
	return nil
}

// Dir is the filesystem Storage: each key is a file under a directory.
type Dir struct {
	root string
}

// NewDir returns a Storage that keeps files under root, creating it.
func NewDir(root string) (*Dir, error) {
	if err := os.MkdirAll(root, 0o750); err != nil {
		return nil, fmt.Errorf("media: create directory %s: %w", root, err)
	}
	return &Dir{root: root}, nil
}

func (d *Dir) path(key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	return filepath.Join(d.root, filepath.FromSlash(key)), nil
}

// Put writes to a temporary file beside the target and renames it into
// place, so a reader never sees half a file.
func (d *Dir) Put(ctx context.Context, key string, r io.Reader) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return fmt.Errorf("media: put %s: %w", key, err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return fmt.Errorf("media: put %s: %w", key, err)
	}
	tmp := f.Name()
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, p)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("media: put %s: %w", key, err)
	}
	return nil
}

// Open opens the file under key.
func (d *Dir) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, fmt.Errorf("media: open %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("media: open %s: %w", key, err)
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		_ = f.Close()
		return nil, 0, fmt.Errorf("media: open %s: %w", key, ErrNotFound)
	}
	return f, st.Size(), nil
}

// Delete removes the file under key, and its directory once empty.
func (d *Dir) Delete(ctx context.Context, key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("media: delete %s: %w", key, err)
	}
	_ = os.Remove(filepath.Dir(p)) // only succeeds when empty
	return nil
}
