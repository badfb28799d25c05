package tenants

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/pcnweb/pcnweb/internal/metrics"
	"github.com/pcnweb/pcnweb/internal/redishealth"
)

// Bus carries "tenant T is now at generation G" between replicas. It is the
// models.Notifier of the platform: every committed change of tenant data
// reaches TenantChanged, which applies it to this process and publishes it
// on Redis; every replica's Run applies it to its resolver and acknowledges.
// TenantChanged waits (briefly) for those acknowledgements, so when a publish
// returns, every replica that was listening has stopped serving older pages.
type Bus struct {
	redis    *redishealth.Monitor // nil: single process, no Redis
	resolver *Resolver            // nil in processes that serve nothing (the CLI)
	channel  string
	prefix   string
	wait     time.Duration
	log      *slog.Logger
	metrics  *metrics.Metrics
}

// BusOptions configure NewBus.
type BusOptions struct {
	Redis    *redishealth.Monitor
	Resolver *Resolver
	Prefix   string // Redis key prefix
	// AckWait bounds how long a publish waits for replicas; 0 means 100ms.
	AckWait time.Duration
	Logger  *slog.Logger
	Metrics *metrics.Metrics
}

// NewBus builds the invalidation bus.
func NewBus(opts BusOptions) *Bus {
	if opts.AckWait == 0 {
		opts.AckWait = 100 * time.Millisecond
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Redis != nil && opts.Resolver != nil {
		resolver, log := opts.Resolver, opts.Logger
		opts.Redis.OnRecover(func(ctx context.Context) {
			if err := resolver.Sync(ctx); err != nil {
				log.WarnContext(ctx, "resync after redis outage failed; the poll will retry", "error", err)
			}
		})
	}
	return &Bus{
		redis: opts.Redis, resolver: opts.Resolver, channel: opts.Prefix + "invalidate", prefix: opts.Prefix,
		wait: opts.AckWait, log: opts.Logger, metrics: opts.Metrics,
	}
}

// TenantChanged applies a change locally and tells every replica.
func (b *Bus) TenantChanged(ctx context.Context, tenantID, gen int64) {
	if b.resolver != nil {
		b.resolver.Advance(tenantID, gen)
	}
	if !b.redis.Up() {
		// Replicas catch up through their generation poll.
		return
	}
	nonce := fmt.Sprintf("%d-%d-%d", tenantID, gen, time.Now().UnixNano())
	msg := strconv.FormatInt(tenantID, 10) + " " + strconv.FormatInt(gen, 10) + " " + nonce
	ctx = context.WithoutCancel(ctx)
	pctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	rdb := b.redis.Client()
	n, err := rdb.Publish(pctx, b.channel, msg).Result()
	if err != nil {
		b.redis.Failed(err)
		b.log.WarnContext(ctx, "publish invalidation failed; replicas will catch up by polling", "tenant_id", tenantID, "error", err)
		return
	}
	// Wait for each receiving replica to confirm it applied the change.
	ackKey := b.prefix + "ack:" + nonce
	deadline := time.Now().Add(b.wait)
	for i := int64(0); i < n; i++ {
		left := time.Until(deadline)
		if left <= 0 {
			b.log.WarnContext(ctx, "not every replica confirmed an invalidation in time", "tenant_id", tenantID, "confirmed", i, "listening", n)
			break
		}
		// BLPOP takes fractional seconds since Redis 6; go-redis's helper
		// rounds up to whole seconds, so the command is sent as is.
		secs := strconv.FormatFloat(max(left, time.Millisecond).Seconds(), 'f', 3, 64)
		if err := rdb.Do(pctx, "BLPOP", ackKey, secs).Err(); err != nil {
			if err != redis.Nil {
				b.redis.Failed(err)
			}
			b.log.WarnContext(ctx, "not every replica confirmed an invalidation in time", "tenant_id", tenantID, "confirmed", i, "listening", n)
			break
		}
	}
	rdb.Del(pctx, ackKey)
}

// Run listens for invalidations until ctx ends. After Redis comes back from
// an outage it resynchronises from the database, since messages published
// meanwhile were lost. ready is closed once the subscription is active.
func (b *Bus) Run(ctx context.Context, ready chan<- struct{}) {
	if b.redis == nil || b.resolver == nil {
		close(ready)
		return
	}
	rdb := b.redis.Client()
	sub := rdb.Subscribe(ctx, b.channel)
	defer sub.Close()
	// Wait for the subscription to be confirmed, so that a publish made
	// after Run signals ready reaches this replica. Reconnections after
	// that are go-redis's job: it resubscribes and hands us the
	// confirmation, and every confirmation after the first runs a resync,
	// because messages published while the subscription was down are lost
	// (and the health monitor's recovery hook may have run its resync
	// before go-redis had resubscribed).
	if _, err := sub.Receive(ctx); err != nil {
		b.log.WarnContext(ctx, "subscribe to invalidations failed; go-redis keeps retrying", "error", err)
	}
	ch := sub.ChannelWithSubscriptions(redis.WithChannelSize(1024), redis.WithChannelSendTimeout(time.Second))
	close(ready)
	for {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-ch:
			if !ok {
				return
			}
			switch m := m.(type) {
			case *redis.Message:
				b.apply(ctx, m.Payload)
			case *redis.Subscription:
				if m.Kind == "subscribe" {
					b.resubscribed(ctx)
				}
			}
		}
	}
}

// resubscribed catches up with what was published while the subscription
// was down.
func (b *Bus) resubscribed(ctx context.Context) {
	if err := b.resolver.Sync(ctx); err != nil && ctx.Err() == nil {
		b.log.WarnContext(ctx, "resync after resubscribing failed; the poll will retry", "error", err)
	}
}

func (b *Bus) apply(ctx context.Context, payload string) {
	fields := strings.Fields(payload)
	if len(fields) != 3 {
		b.log.WarnContext(ctx, "ignoring malformed invalidation", "payload", payload)
		return
	}
	id, err1 := strconv.ParseInt(fields[0], 10, 64)
	gen, err2 := strconv.ParseInt(fields[1], 10, 64)
	if err1 != nil || err2 != nil {
		b.log.WarnContext(ctx, "ignoring malformed invalidation", "payload", payload)
		return
	}
	b.resolver.Advance(id, gen)
	if b.metrics != nil {
		b.metrics.Invalidations.Inc()
	}
	actx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	ackKey := b.prefix + "ack:" + fields[2]
	rdb := b.redis.Client()
	if err := rdb.RPush(actx, ackKey, "1").Err(); err != nil {
		b.redis.Failed(err)
		return
	}
	rdb.Expire(actx, ackKey, 10*time.Second)
}

// PollWithoutRedis is how often Poll compares generations while there is no
// Redis to carry invalidations, or while the configured one is down: the
// README's promise that a change reaches every server within two seconds
// without Redis holds through an outage too.
const PollWithoutRedis = 2 * time.Second

// Poll runs Sync until ctx ends: the safety net for missed messages, and the
// only channel between processes when Redis is absent or down. While Redis
// answers it syncs every interval; while it does not (or there is none), every
// PollWithoutRedis (or interval, if that is shorter). The rate follows the
// health monitor at every tick, so an outage shortens the wait at once and a
// recovery lengthens it again.
func (b *Bus) Poll(ctx context.Context, interval time.Duration) {
	if b.resolver == nil {
		return
	}
	tick := min(interval, PollWithoutRedis)
	t := time.NewTicker(tick)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			// A tick arrives up to a little early relative to last; half a
			// tick of slack keeps "every interval" from slipping to
			// interval+tick.
			if b.redis.Up() && now.Sub(last) < interval-tick/2 {
				continue
			}
			last = now
			if err := b.resolver.Sync(ctx); err != nil && ctx.Err() == nil {
				b.log.WarnContext(ctx, "generation poll failed", "error", err)
			}
		}
	}
}
