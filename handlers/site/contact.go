package site

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/pcnweb/pcnweb/internal/redishealth"
	"github.com/pcnweb/pcnweb/themes"
)

// contactCard is what the outage page (503 while the database is
// unreachable) tells patients about a tenant: the phone numbers of the
// network and its practices, as the last home page or site frame rendered
// showed them. The tenant's name comes from the resolver, which keeps it
// through the outage too.
type contactCard struct {
	Phone     string         `json:"phone,omitempty"` // the network's own number
	Practices []contactPhone `json:"practices,omitempty"`
}

type contactPhone struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// ContactCards keeps each tenant's contact card in this process and in
// Redis (so a replica that never rendered a tenant's home page still has
// it). Writes happen only when a card changes, on a render; reads only on
// an outage page.
type ContactCards struct {
	redis  *redishealth.Monitor // nil: this process only
	prefix string
	log    *slog.Logger

	mu    sync.Mutex
	cards map[int64]contactCard // one small card per tenant
}

// NewContactCards returns the store of contact cards; r may be nil (no Redis).
func NewContactCards(r *redishealth.Monitor, prefix string, log *slog.Logger) *ContactCards {
	if log == nil {
		log = slog.Default()
	}
	return &ContactCards{redis: r, prefix: prefix, log: log, cards: map[int64]contactCard{}}
}

// keepCards is how long Redis keeps a card no render has refreshed: as long
// as the page cache keeps a stale copy.
const keepCards = 7 * 24 * time.Hour

func (cc *ContactCards) key(tenantID int64) string {
	return cc.prefix + "tenant:" + strconv.FormatInt(tenantID, 10) + ":contact"
}

// rememberPhone records the network's phone number from a site frame,
// keeping the practices a home page recorded.
func (cc *ContactCards) rememberPhone(ctx context.Context, tenantID int64, phone string) {
	cc.update(ctx, tenantID, func(c *contactCard) { c.Phone = phone })
}

// rememberHome records the network's and the practices' phone numbers from a
// home page.
func (cc *ContactCards) rememberHome(ctx context.Context, tenantID int64, phone string, practices []themes.Practice) {
	list := make([]contactPhone, 0, len(practices))
	for _, p := range practices {
		if p.Phone != "" {
			list = append(list, contactPhone{Name: p.Name, Phone: p.Phone})
		}
	}
	cc.update(ctx, tenantID, func(c *contactCard) { c.Phone, c.Practices = phone, list })
}

func (cc *ContactCards) update(ctx context.Context, tenantID int64, change func(*contactCard)) {
	if cc == nil {
		return
	}
	// Start from the card Redis has (another replica's home page) the first
	// time this process sees the tenant, so a frame's phone number does not
	// overwrite the practices' numbers.
	cc.lookup(ctx, tenantID)
	cc.mu.Lock()
	old, known := cc.cards[tenantID]
	card := contactCard{Phone: old.Phone, Practices: slices.Clone(old.Practices)}
	change(&card)
	same := known && card.Phone == old.Phone && slices.Equal(card.Practices, old.Practices)
	if !same {
		cc.cards[tenantID] = card
	}
	cc.mu.Unlock()
	if same || !cc.redis.Up() {
		return
	}
	b, err := json.Marshal(card)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 250*time.Millisecond)
	defer cancel()
	if err := cc.redis.Client().Set(ctx, cc.key(tenantID), b, keepCards).Err(); err != nil {
		cc.redis.Failed(err) // the card in memory still serves this replica
	}
}

// lookup returns the tenant's card: this process's copy, else Redis's.
func (cc *ContactCards) lookup(ctx context.Context, tenantID int64) (contactCard, bool) {
	if cc == nil {
		return contactCard{}, false
	}
	cc.mu.Lock()
	card, ok := cc.cards[tenantID]
	cc.mu.Unlock()
	if ok || !cc.redis.Up() {
		return card, ok
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 250*time.Millisecond)
	defer cancel()
	b, err := cc.redis.Client().Get(ctx, cc.key(tenantID)).Bytes()
	if err != nil {
		if !errors.Is(err, redis.Nil) {
			cc.redis.Failed(err)
		}
		return contactCard{}, false
	}
	if err := json.Unmarshal(b, &card); err != nil {
		cc.log.WarnContext(ctx, "dropping unreadable contact card", "tenant_id", tenantID, "error", err)
		return contactCard{}, false
	}
	cc.mu.Lock()
	if _, raced := cc.cards[tenantID]; !raced {
		cc.cards[tenantID] = card
	}
	cc.mu.Unlock()
	return card, true
}

// phones lists the card's numbers for the outage page: the network's first
// (under the site's name), then each practice's.
func (c contactCard) phones(siteName string) []themes.Practice {
	var out []themes.Practice
	if c.Phone != "" {
		out = append(out, themes.Practice{Name: siteName, Phone: c.Phone, PhoneHref: telHref(c.Phone)})
	}
	for _, p := range c.Practices {
		out = append(out, themes.Practice{Name: p.Name, Phone: p.Phone, PhoneHref: telHref(p.Phone)})
	}
	return out
}
