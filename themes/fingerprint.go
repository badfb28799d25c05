package themes

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io/fs"
)

// RenderVersion names the version of the Go code that shapes rendered
// output beyond the templates and assets (view.go's data, the template
// funcs, the handlers' page data). It is part of the render fingerprint:
// bump it when such code changes what a page looks like, so that no page
// rendered by the older code is served as fresh. (A build that carries its
// VCS revision, see WithBuild, changes the fingerprint on every commit
// anyway; this is for builds without one.)
const RenderVersion = "2026-11-24.1"

// Option configures Load.
type Option func(*loadOptions)

type loadOptions struct {
	fsys        fs.FS
	build       string
	fingerprint string
}

// FromFS loads the themes from fsys (a checkout's themes/ directory, say)
// instead of the copy embedded in the binary: for developing a theme, and
// for tests that need a build whose templates or assets differ.
func FromFS(fsys fs.FS) Option { return func(o *loadOptions) { o.fsys = fsys } }

// WithBuild mixes a build identity (version, VCS revision) into the render
// fingerprint, so that every build whose Go code may render differently has
// its own fingerprint.
func WithBuild(id string) Option { return func(o *loadOptions) { o.build = id } }

// WithFingerprint sets the render fingerprint outright (tests: two servers
// of one binary that must look like two releases).
func WithFingerprint(fp string) Option { return func(o *loadOptions) { o.fingerprint = fp } }

// Fingerprint identifies everything that shapes rendered output in this
// build: every file of every theme (templates, static assets, theme.json,
// the admin and platform pages), RenderVersion and the build identity. A
// cached page rendered under another fingerprint is not served as fresh.
// It is 32 hex digits.
func (r *Registry) Fingerprint() string { return r.fingerprint }

// fingerprint hashes every file under fsys, in lexical order, with its path
// and length (so no two trees hash alike by shifting bytes between files),
// then RenderVersion and build.
func fingerprint(fsys fs.FS, build string) (string, error) {
	h := sha256.New()
	field := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	field([]byte("pcnweb render fingerprint\x00" + RenderVersion))
	field([]byte(build))
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		field([]byte(p))
		field(b)
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)[:16]), nil
}
