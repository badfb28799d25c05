package analytics

import (
	"bytes"
	"sync/atomic"
)

// Which requests are a person's. A browser's User-Agent begins with
// "Mozilla/" (every current browser and app web view sends it, for
// compatibility); scripts and tools send their own name ("curl/8.5",
// "python-requests/2.31", "Go-http-client/1.1") or nothing at all. The
// crawlers that pose as browsers name themselves in the rest of the string,
// nearly always with one of botWords: "Googlebot", "bingbot", "Applebot",
// "GPTBot", "AhrefsBot", "Baiduspider", "Yahoo! Slurp", "HeadlessChrome",
// "Chrome-Lighthouse", "facebookexternalhit". So a request is a bot's when
// its User-Agent is empty, does not begin with "Mozilla/", or contains one
// of botWords (without regard to case). The list is short on purpose: it is
// checked on every page view. (A maintained list such as the
// crawler-user-agents project's is several hundred regular expressions,
// and no Go module of it was available.)
var botWords = [...]string{
	"bot", "crawl", "spider", "slurp", "headless", "lighthouse", "facebookexternalhit",
	"preview", "archiver", "monitor", "pingdom", "uptime", "validator", "scanner",
	"python", "curl", "wget", "java/", "httpclient", "okhttp", "fetch",
}

// isBotUA decides without the verdict cache.
func isBotUA(ua []byte) bool {
	if !bytes.HasPrefix(ua, []byte("Mozilla/")) {
		return true
	}
	var buf [512]byte
	if len(ua) > len(buf) {
		return true // no browser sends that much
	}
	lower := buf[:len(ua)]
	for i, b := range ua {
		if b >= 'A' && b <= 'Z' {
			b += 'a' - 'A'
		}
		lower[i] = b
	}
	for _, w := range botWords {
		if bytes.Contains(lower, []byte(w)) {
			return true
		}
	}
	return false
}

// botCache remembers the verdict on recent User-Agent strings: the same few
// browser strings make nearly all requests, so most checks are a hash and
// one comparison. It is a fixed table indexed by hash (a newer string
// replaces an older one in its slot), so it stays small whatever is sent.
type botCache struct {
	slots [1024]atomic.Pointer[verdict]
}

type verdict struct {
	ua  string
	bot bool
}

func newBotCache() *botCache { return &botCache{} }

// slot picks a string's slot from its length and a few of its bytes: far
// cheaper than hashing it all, and a clash only costs a fresh check (the
// slot holds the whole string, compared before its verdict is used).
func slot(ua []byte) uint {
	n := uint(len(ua))
	h := n*0x9e3779b1 ^ uint(ua[n-1])<<3 ^ uint(ua[n/2])<<7 ^ uint(ua[n/3])<<11 ^ uint(ua[2*n/3])<<15 ^ uint(ua[n-8+n%8])<<19
	return (h ^ h>>10) % 1024
}

// IsBot reports whether ua, a request's User-Agent, is a bot's (see botWords).
func (c *botCache) IsBot(ua []byte) bool {
	if len(ua) == 0 {
		return true
	}
	if len(ua) < 8 {
		return true // not even "Mozilla/"
	}
	s := &c.slots[slot(ua)]
	if v := s.Load(); v != nil && v.ua == string(ua) {
		return v.bot
	}
	bot := isBotUA(ua)
	s.Store(&verdict{ua: string(ua), bot: bot})
	return bot
}
