// Package safefetch makes the HTTP requests the site importer sends on a
// manager's say-so. It refuses loopback, private, link-local, multicast,
// unspecified and cloud-metadata addresses after DNS resolution (in the
// dialer, so a name that resolves to 127.0.0.1 is refused too) and again
// on every redirect, caps each response's size and time, and names itself
// with an honest User-Agent.
package safefetch

import (
	"context"
	"errors"
	"net/url"
	"time"
)

// UserAgent is what the importer calls itself.
const UserAgent = "pcnweb-importer/1.0 (+moving a PCN website to pcnweb; one request at a time)"

// ErrBlocked: the address is not one the importer may reach. The error that
// wraps it names the host and the address.
var ErrBlocked = errors.New("safefetch: address not allowed")

// ErrTooLarge: the response was longer than Options.MaxBytes.
var ErrTooLarge = errors.New("safefetch: response too large")

// Options configure a Client. Zero values take the defaults.
type Options struct {
	// AllowPrivate lets the client reach loopback and private addresses
	// (PCNWEB_IMPORT_ALLOW_PRIVATE: tests only, never in production).
	AllowPrivate bool
	// AllowOrigins are "host:port" pairs the client may reach even when
	// their address is private: the demo's sample sites.
	AllowOrigins []string
	UserAgent    string        // default UserAgent
	MaxBytes     int64         // per response; default 5 MiB
	Timeout      time.Duration // per request, redirects included; default 20s
	MaxRedirects int           // default 5
}

// Response is a fetched resource.
type Response struct {
	URL         *url.URL   // after redirects
	Redirected  []*url.URL // the URLs that redirected to URL, in order
	Status      int
	ContentType string // media type only, lower case
	Body        []byte
}

// Client fetches within the rules. Safe for concurrent use.
type Client struct {
	o Options
}

// New makes a Client.
func New(o Options) *Client {
	return &Client{o: o}
}

// Get fetches rawURL (http or https only). A status other than 2xx is
// returned as a Response, not an error; a refused address, a response over
// the size cap, too many redirects or a timeout is an error that says so.
func (c *Client) Get(ctx context.Context, rawURL string) (*Response, error) {
	return nil, errors.New("safefetch: not implemented")
}
