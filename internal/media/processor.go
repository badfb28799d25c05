package media

import (
	"context"
	"errors"
	"runtime/debug"
	"time"
)

// ErrBusy is an upload that waited for a decoding slot and got none: as
// many images as the replica decodes at once are being decoded. It is not
// the file's fault; the same upload a little later will do.
var ErrBusy = errors.New("media: every image decoding slot is busy")

// Default processor settings.
const (
	DefaultDecodes = 2
	DefaultWait    = 5 * time.Second
)

// freeAbove: after an image whose processing was predicted to take more
// than this, the memory goes back to the operating system at once
// (debug.FreeOSMemory) rather than whenever the runtime gets round to it.
const freeAbove = 16 << 20

// ProcessorOptions configure a Processor.
type ProcessorOptions struct {
	// Decodes is how many images are decoded at once; 0 is DefaultDecodes.
	// Each takes at most MaxImageMemory.
	Decodes int
	// Wait is how long an upload waits for a slot before ErrBusy; 0 is
	// DefaultWait.
	Wait time.Duration
}

// Processor checks and prepares uploads, decoding at most Decodes images
// at once: everything that can be told from the bytes and the header
// (type, size, dimensions, what decoding will cost) is checked first,
// without a slot; PDFs never take one.
type Processor struct {
	slots chan struct{}
	wait  time.Duration
}

// NewProcessor returns a Processor with o's limits.
func NewProcessor(o ProcessorOptions) *Processor {
	if o.Decodes <= 0 {
		o.Decodes = DefaultDecodes
	}
	if o.Wait <= 0 {
		o.Wait = DefaultWait
	}
	return &Processor{slots: make(chan struct{}, o.Decodes), wait: o.Wait}
}

// Process checks an upload by its content and prepares the files to
// store. Anything refused is a *RefusedError; an image that found no slot
// within the wait (or before ctx ended) is ErrBusy.
func (p *Processor) Process(ctx context.Context, data []byte) (Result, error) {
	res, pl, err := inspect(data)
	if err != nil || pl == nil {
		return res, err
	}
	release, err := p.Acquire(ctx)
	if err != nil {
		return Result{}, err
	}
	defer release()
	res, err = process(res, pl, data)
	if pl.cost() > freeAbove {
		debug.FreeOSMemory()
	}
	return res, err
}

// Acquire takes one of the decoding slots, waiting at most the
// processor's wait (or until ctx ends): ErrBusy when none came free. The
// caller must call release once done. Process takes one for each image.
func (p *Processor) Acquire(ctx context.Context) (release func(), err error) {
	t := time.NewTimer(p.wait)
	defer t.Stop()
	select {
	case p.slots <- struct{}{}:
		return func() { <-p.slots }, nil
	case <-t.C:
		return nil, ErrBusy
	case <-ctx.Done():
		return nil, ErrBusy
	}
}
