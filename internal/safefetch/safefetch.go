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
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// UserAgent is what the importer calls itself.
const UserAgent = "pcnweb-importer/1.0 (+moving a PCN website to pcnweb; one request at a time)"

// ErrBlocked: the address is not one the importer may reach. The error that
// wraps it names the host and the address.
var ErrBlocked = errors.New("safefetch: address not allowed")

// ErrTooLarge: the response was longer than Options.MaxBytes.
var ErrTooLarge = errors.New("safefetch: response too large")

// ErrRedirect: a redirect was refused (too many, a loop, or to something
// other than an http or https address).
var ErrRedirect = errors.New("safefetch: redirect refused")

// ErrTimeout: the site did not answer within Options.Timeout.
var ErrTimeout = errors.New("safefetch: timed out")

// Defaults for the zero Options.
const (
	DefaultMaxBytes     = 5 << 20
	DefaultTimeout      = 20 * time.Second
	DefaultMaxRedirects = 5
)

// Options configure a Client. Zero values take the defaults.
type Options struct {
	// AllowPrivate lets the client reach loopback and private addresses
	// (PCNWEB_IMPORT_ALLOW_PRIVATE: tests only, never in production).
	AllowPrivate bool
	// AllowOrigins are "host:port" pairs the client may reach even when
	// their address is private: the demo's sample sites. The host is the
	// one in the URL (a name or an address), the port is always written
	// ("localhost:8081", "127.0.0.1:80").
	AllowOrigins []string
	UserAgent    string        // default UserAgent
	MaxBytes     int64         // per response; default 5 MiB
	Timeout      time.Duration // per request, redirects included; default 20s
	// MaxRedirects is how many redirects one request follows; default 5.
	// A negative value follows none: the 3xx response is returned as is.
	MaxRedirects int
}

// Response is a fetched resource.
type Response struct {
	URL         *url.URL   // after redirects
	Redirected  []*url.URL // the URLs that redirected to URL, in order
	Status      int
	ContentType string // media type only, lower case
	Header      http.Header
	Body        []byte
}

// Client fetches within the rules. Safe for concurrent use.
type Client struct {
	o         Options
	allow     map[string]bool // normalised AllowOrigins
	transport *http.Transport
	// lookup resolves a host name; tests replace it.
	lookup func(ctx context.Context, host string) ([]netip.Addr, error)
}

// New makes a Client.
func New(o Options) *Client {
	if o.UserAgent == "" {
		o.UserAgent = UserAgent
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxRedirects == 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	c := &Client{o: o, allow: map[string]bool{}}
	for _, hp := range o.AllowOrigins {
		if k, ok := originKey(hp); ok {
			c.allow[k] = true
		}
	}
	c.lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
		return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	}
	c.transport = &http.Transport{
		Proxy:                  nil, // never a proxy from the environment
		DialContext:            c.dial,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           10,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        30 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return c
}

// Options returns the options in force, defaults filled in.
func (c *Client) Options() Options { return c.o }

// CloseIdleConnections closes kept-alive connections (at the end of a crawl).
func (c *Client) CloseIdleConnections() { c.transport.CloseIdleConnections() }

// Get fetches rawURL (http or https only). A status other than 2xx is
// returned as a Response, not an error; a refused address, a response over
// the size cap, too many redirects or a timeout is an error that says so.
func (c *Client) Get(ctx context.Context, rawURL string) (*Response, error) {
	resp, body, err := c.Open(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	b, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	resp.Body = b
	return resp, nil
}

// Open is Get without reading the body: the Response's Body is nil and the
// body is read from the returned ReadCloser, which fails with ErrTooLarge
// past MaxBytes and must be closed. The Timeout runs until it is closed.
// Use it to read the start of something that may be enormous (a sitemap).
func (c *Client) Open(ctx context.Context, rawURL string) (*Response, io.ReadCloser, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, nil, fail(nil, err, "%q is not a web address", rawURL)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, nil, fail(nil, nil, "%q is not an http or https address", rawURL)
	}
	if u.Host == "" {
		return nil, nil, fail(nil, nil, "%q has no host name", rawURL)
	}
	ctx, cancel := context.WithTimeout(ctx, c.o.Timeout)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		cancel()
		return nil, nil, fail(nil, err, "%q cannot be requested", rawURL)
	}
	req.Header.Set("User-Agent", c.o.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")

	var via []*url.URL
	hc := &http.Client{
		Transport: c.transport,
		CheckRedirect: func(next *http.Request, prev []*http.Request) error {
			if c.o.MaxRedirects < 0 {
				return http.ErrUseLastResponse
			}
			from := prev[len(prev)-1].URL
			if next.URL.Scheme != "http" && next.URL.Scheme != "https" {
				return fail(ErrRedirect, nil, "%s redirects to %q, which is not a web address", from, next.URL.Redacted())
			}
			for _, p := range prev {
				if p.URL.String() == next.URL.String() {
					return fail(ErrRedirect, nil, "%s redirects in a loop (back to %s)", prev[0].URL, next.URL)
				}
			}
			if len(prev) > c.o.MaxRedirects {
				return fail(ErrRedirect, nil, "%s redirects more than %d times", prev[0].URL, c.o.MaxRedirects)
			}
			via = append(via, from)
			return nil
		},
	}
	hr, err := hc.Do(req)
	if err != nil {
		cancel()
		return nil, nil, c.explain(u, ctx, err)
	}
	if hr.ContentLength > c.o.MaxBytes {
		hr.Body.Close()
		cancel()
		return nil, nil, fail(ErrTooLarge, nil, "%s is %s, larger than the limit of %s", hr.Request.URL, size(hr.ContentLength), size(c.o.MaxBytes))
	}
	resp := &Response{
		URL:         hr.Request.URL,
		Redirected:  via,
		Status:      hr.StatusCode,
		ContentType: mediaType(hr.Header.Get("Content-Type")),
		Header:      hr.Header,
	}
	return resp, &cappedBody{
		r:      hr.Body,
		left:   c.o.MaxBytes,
		cancel: cancel,
		url:    hr.Request.URL,
		max:    c.o.MaxBytes,
		ctx:    ctx,
		c:      c,
	}, nil
}

// cappedBody reads a response body up to a limit and releases the
// request's timeout when closed.
type cappedBody struct {
	r      io.ReadCloser
	left   int64
	max    int64
	url    *url.URL
	cancel context.CancelFunc
	ctx    context.Context
	c      *Client
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, b.tooLarge()
	}
	// Read one byte past the limit so an exact fit is not an error.
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n - int(-b.left), b.tooLarge()
	}
	if err != nil && err != io.EOF {
		err = b.c.explain(b.url, b.ctx, err)
	}
	return n, err
}

func (b *cappedBody) tooLarge() error {
	return fail(ErrTooLarge, nil, "%s is larger than the limit of %s", b.url, size(b.max))
}

func (b *cappedBody) Close() error {
	err := b.r.Close()
	b.cancel()
	return err
}

// explain turns a transport error into one a manager can read.
func (c *Client) explain(u *url.URL, ctx context.Context, err error) error {
	var be *BlockedError
	if errors.As(err, &be) {
		return be
	}
	var fe *Error
	if errors.As(err, &fe) {
		return fe // a refused redirect, already explained
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fail(ErrTimeout, err, "%s did not answer within %s", u.Host, c.o.Timeout)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return fail(nil, err, "the name %s does not exist (no DNS record)", u.Hostname())
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return fail(nil, err, "%s refused the connection (is the site down?)", u.Host)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return fail(nil, ue.Err, "%s could not be fetched: %v", u.Redacted(), ue.Err)
	}
	return fail(nil, err, "%s could not be fetched: %v", u.Redacted(), err)
}

// Error is a failed fetch, its message written for a manager ("… did not
// answer within 20s"). It matches its kind (ErrTooLarge, ErrTimeout,
// ErrRedirect) with errors.Is and unwraps to the underlying error.
type Error struct {
	Kind  error // one of this package's Err values, or nil
	Msg   string
	Cause error
}

func (e *Error) Error() string { return e.Msg }

// Is matches the error's kind.
func (e *Error) Is(target error) bool { return e.Kind != nil && target == e.Kind }

// Unwrap is the underlying error, if any.
func (e *Error) Unwrap() error { return e.Cause }

func fail(kind, cause error, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...), Cause: cause}
}

// BlockedError is a refused address. It matches ErrBlocked with errors.Is.
type BlockedError struct {
	Host   string     // as in the URL
	Addr   netip.Addr // the address it resolved to; invalid when refused by name
	Reason string     // "a private network address"
}

func (e *BlockedError) Error() string {
	switch {
	case !e.Addr.IsValid():
		return fmt.Sprintf("the address %s is %s, which the importer may not reach", e.Host, e.Reason)
	case e.Host == e.Addr.String() || e.Host == "["+e.Addr.String()+"]":
		return fmt.Sprintf("the address %s is %s, which the importer may not reach", e.Addr, e.Reason)
	default:
		return fmt.Sprintf("the address %s resolves to %s, %s, which the importer may not reach", e.Host, e.Addr, e.Reason)
	}
}

// Is makes errors.Is(err, ErrBlocked) true.
func (e *BlockedError) Is(target error) bool { return target == ErrBlocked }

// dial resolves addr's host itself, refuses it if any of its addresses is
// blocked, and connects to the address directly so a second resolution
// cannot swap in another one (DNS rebinding). The Control hook checks the
// socket's address once more.
func (c *Client) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	addrs, open, err := c.resolve(ctx, host, port)
	if err != nil {
		return nil, err
	}
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !open {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return &BlockedError{Host: host, Reason: "not an address the importer can check"}
			}
			if reason := BlockedReason(ap.Addr()); reason != "" {
				return &BlockedError{Host: host, Addr: ap.Addr().Unmap(), Reason: reason}
			}
			return nil
		}
	}
	var firstErr error
	for _, a := range addrs {
		conn, err := d.DialContext(ctx, network, net.JoinHostPort(a.String(), port))
		if err == nil {
			return conn, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, firstErr
}

// resolve decides where host:port may be dialled: the addresses to try,
// and whether the origin is open (AllowPrivate or AllowOrigins). A blocked
// name, or a name with any blocked address, is a *BlockedError.
func (c *Client) resolve(ctx context.Context, host, port string) (addrs []netip.Addr, open bool, err error) {
	key, _ := originKey(net.JoinHostPort(host, port))
	open = c.o.AllowPrivate || c.allow[key]
	if !open {
		if reason := blockedName(host); reason != "" {
			return nil, false, &BlockedError{Host: host, Reason: reason}
		}
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else {
		addrs, err = c.lookup(ctx, host)
		if err != nil {
			return nil, open, err
		}
		if len(addrs) == 0 {
			return nil, open, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
		}
	}
	for i, a := range addrs {
		addrs[i] = a.Unmap()
		if !open {
			if reason := BlockedReason(a); reason != "" {
				return nil, false, &BlockedError{Host: host, Addr: a.Unmap().WithZone(""), Reason: reason}
			}
		}
	}
	return addrs, open, nil
}

// originKey normalises "host:port" for AllowOrigins.
func originKey(hostport string) (string, bool) {
	host, port, err := net.SplitHostPort(strings.TrimSpace(hostport))
	if err != nil || port == "" {
		return "", false
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if ip, err := netip.ParseAddr(host); err == nil {
		host = ip.String()
	}
	return net.JoinHostPort(host, port), true
}

// metadataNames are host names of cloud metadata services.
var metadataNames = map[string]bool{
	"metadata":                   true,
	"metadata.google.internal":   true,
	"metadata.goog":              true,
	"instance-data":              true,
	"instance-data.ec2.internal": true,
	"metadata.azure.internal":    true,
}

// blockedName refuses a host by its name alone: the cloud metadata names.
func blockedName(host string) string {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if metadataNames[h] {
		return "a cloud metadata service"
	}
	return ""
}

// Special IPv4 ranges that netip's predicates do not cover.
var (
	thisNetwork = netip.MustParsePrefix("0.0.0.0/8")
	cgnat       = netip.MustParsePrefix("100.64.0.0/10")
	ietf        = netip.MustParsePrefix("192.0.0.0/24")
	testNets    = []netip.Prefix{
		netip.MustParsePrefix("192.0.2.0/24"),
		netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("198.18.0.0/15"),
	}
	reserved4 = netip.MustParsePrefix("240.0.0.0/4") // includes 255.255.255.255

	ipv4Compat = netip.MustParsePrefix("::/96")        // deprecated ::a.b.c.d
	nat64      = netip.MustParsePrefix("64:ff9b::/96") // embeds an IPv4 address
	nat64Local = netip.MustParsePrefix("64:ff9b:1::/48")
	sixToFour  = netip.MustParsePrefix("2002::/16") // embeds an IPv4 address
	teredo     = netip.MustParsePrefix("2001::/32")
	siteLocal  = netip.MustParsePrefix("fec0::/10")
	discard6   = netip.MustParsePrefix("100::/64")
	doc6       = netip.MustParsePrefix("2001:db8::/32")
)

// metadataAddrs are cloud metadata endpoints outside the link-local range.
var metadataAddrs = map[netip.Addr]bool{
	netip.MustParseAddr("fd00:ec2::254"):   true, // AWS IMDS over IPv6 (also private)
	netip.MustParseAddr("100.100.100.200"): true, // Alibaba Cloud (also CGNAT)
}

// BlockedReason says why the importer may not reach ip ("a loopback
// address", "a private network address" …), or "" when it may.
// IPv4-mapped and IPv4-embedding IPv6 forms are judged by their IPv4
// address.
func BlockedReason(ip netip.Addr) string {
	if !ip.IsValid() {
		return "not a valid address"
	}
	ip = ip.WithZone("")
	if ip.Is4In6() {
		ip = ip.Unmap()
	}
	if ip.Is6() {
		switch {
		case nat64.Contains(ip):
			b := ip.As16()
			if r := BlockedReason(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})); r != "" {
				return r
			}
		case sixToFour.Contains(ip):
			b := ip.As16()
			if r := BlockedReason(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})); r != "" {
				return r
			}
		}
	}
	switch {
	case metadataAddrs[ip] || ip == netip.AddrFrom4([4]byte{169, 254, 169, 254}):
		return "a cloud metadata address"
	case ip.IsUnspecified():
		return "an unspecified address"
	case ip.IsLoopback():
		return "a loopback address (this server itself)"
	case ip.IsPrivate():
		return "a private network address"
	case ip.IsLinkLocalUnicast():
		return "a link-local address"
	case ip.IsMulticast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast():
		return "a multicast address"
	}
	if ip.Is4() {
		switch {
		case thisNetwork.Contains(ip):
			return "an unspecified address"
		case cgnat.Contains(ip):
			return "a shared (carrier-grade NAT) address"
		case reserved4.Contains(ip):
			return "a reserved address"
		case ietf.Contains(ip):
			return "a reserved address"
		}
		for _, p := range testNets {
			if p.Contains(ip) {
				return "a reserved address"
			}
		}
		return ""
	}
	switch {
	case ipv4Compat.Contains(ip), siteLocal.Contains(ip), discard6.Contains(ip),
		doc6.Contains(ip), teredo.Contains(ip), nat64Local.Contains(ip):
		return "a reserved address"
	}
	return ""
}

func mediaType(v string) string {
	if v == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(v)
	if err != nil {
		mt, _, _ = strings.Cut(v, ";")
	}
	return strings.ToLower(strings.TrimSpace(mt))
}

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
