package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// sentinelPort is Redis Sentinel's default port, used for a sentinel address
// given without one.
const sentinelPort = "26379"

// redisTarget is where REDIS_URL points: one Redis node, or a master that
// Redis Sentinel watches (and replaces by a replica when it fails).
type redisTarget struct {
	node     *redis.Options         // redis:// or rediss://
	sentinel *redis.FailoverOptions // redis+sentinel:// or rediss+sentinel://
}

// parseRedisURL reads REDIS_URL. Besides go-redis's own redis:// and
// rediss:// (one node) it takes
//
//	redis+sentinel://[[user]:password@]host[:port][,host[:port]...]/master[/db][?sentinel_username=U&sentinel_password=P]
//
// (rediss+sentinel:// for TLS to the sentinels and the nodes): the sentinels'
// addresses (port 26379 unless given), the name they know the master by, and
// the database number. The user and password are the master's and replicas'
// (as in redis://, so moving from one node to Sentinel keeps them where they
// were); the sentinels' own, if they have one, are the query parameters.
// Redis Cluster (redis+cluster://) is refused: see clusterRefusal.
func parseRedisURL(raw string) (redisTarget, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return redisTarget{}, errors.New("must be a redis://, rediss:// or redis+sentinel:// URL")
	}
	switch strings.ToLower(scheme) {
	case "redis", "rediss":
		opts, err := redis.ParseURL(raw)
		if err != nil {
			return redisTarget{}, err
		}
		return redisTarget{node: opts}, nil
	case "redis+sentinel", "rediss+sentinel":
		opts, err := parseSentinelURL(rest, strings.EqualFold(scheme, "rediss+sentinel"))
		if err != nil {
			return redisTarget{}, err
		}
		return redisTarget{sentinel: opts}, nil
	case "redis+cluster", "rediss+cluster":
		return redisTarget{}, errors.New(clusterRefusal)
	default:
		return redisTarget{}, errors.New("must be a redis://, rediss:// or redis+sentinel:// URL")
	}
}

// clusterRefusal says why Redis Cluster is not offered. The invalidation bus
// would work there (PUBLISH reaches subscribers on every node; each
// acknowledgement list is one key), and so would the page cache (one key per
// page), but sign-in would not: a session is written together with its
// user's session set, and a failed sign-in's counter together with its lock,
// each in one MULTI over keys in different hash slots, which Cluster rejects
// (CROSSSLOT), and signing a user out everywhere deletes keys across slots.
// Nor does the platform need Cluster's sharding: every rendered page fits in
// one node (DESIGN §3); what one node lacks is failover, which Sentinel gives.
const clusterRefusal = "Redis Cluster is not supported (sign-in writes keys in different hash slots in one transaction, which Cluster refuses); " +
	"for high availability use Redis Sentinel: redis+sentinel://[:password@]host1:26379,host2:26379,host3:26379/mastername/0"

func parseSentinelURL(rest string, useTLS bool) (*redis.FailoverOptions, error) {
	rest, query, _ := strings.Cut(rest, "?")
	authority, path, _ := strings.Cut(rest, "/")
	o := &redis.FailoverOptions{}
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		user, pass, _ := strings.Cut(authority[:at], ":")
		var err1, err2 error
		o.Username, err1 = url.PathUnescape(user)
		o.Password, err2 = url.PathUnescape(pass)
		if err1 != nil || err2 != nil {
			return nil, errors.New("the user or password is not percent-encoded correctly")
		}
		authority = authority[at+1:]
	}
	if authority == "" {
		return nil, errors.New("redis+sentinel:// needs at least one sentinel address (host:port, comma-separated)")
	}
	for _, a := range strings.Split(authority, ",") {
		addr, err := sentinelAddr(a)
		if err != nil {
			return nil, err
		}
		o.SentinelAddrs = append(o.SentinelAddrs, addr)
	}
	parts := strings.Split(strings.TrimSuffix(path, "/"), "/")
	if len(parts) == 0 || parts[0] == "" || len(parts) > 2 {
		return nil, errors.New("redis+sentinel:// needs the master's name as the path, then optionally the database number (…/mymaster/0)")
	}
	master, err := url.PathUnescape(parts[0])
	if err != nil || strings.ContainsFunc(master, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return nil, fmt.Errorf("%q is not a master name", parts[0])
	}
	o.MasterName = master
	if len(parts) == 2 {
		db, err := strconv.Atoi(parts[1])
		if err != nil || db < 0 || strconv.Itoa(db) != parts[1] {
			return nil, fmt.Errorf("database %q is not a number", parts[1])
		}
		o.DB = db
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return nil, errors.New("the query is not URL-encoded correctly")
	}
	for k, v := range q {
		switch k {
		case "sentinel_username":
			o.SentinelUsername = v[len(v)-1]
		case "sentinel_password":
			o.SentinelPassword = v[len(v)-1]
		default:
			return nil, fmt.Errorf("unknown parameter %q (only sentinel_username and sentinel_password)", k)
		}
	}
	if useTLS {
		o.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	return o, nil
}

// sentinelAddr is one sentinel's host:port, with the default port added.
func sentinelAddr(a string) (string, error) {
	if a == "" {
		return "", errors.New("empty sentinel address (two commas in a row?)")
	}
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		// No port: bracketed IPv6 or a plain host name.
		host, port = strings.TrimSuffix(strings.TrimPrefix(a, "["), "]"), sentinelPort
		if strings.ContainsAny(host, "[]") || (strings.Contains(host, ":") && !strings.HasPrefix(a, "[")) {
			return "", fmt.Errorf("sentinel address %q is not host:port", a)
		}
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("sentinel address %q has no valid port", a)
	}
	if host == "" || strings.ContainsFunc(host, func(r rune) bool { return r <= ' ' || strings.ContainsRune("/?#@%", r) }) {
		return "", fmt.Errorf("sentinel address %q has no valid host", a)
	}
	return net.JoinHostPort(host, port), nil
}

// client connects to the target with the timeouts a web server wants: a
// missing Redis costs a request milliseconds, not seconds. Sentinel mode is
// go-redis's failover client: it asks the sentinels for the master, follows
// their switch-master announcements, and reconnects to the new master after
// a failover (the health monitor and the bus resync make good what was missed).
func (r redisTarget) client() redis.UniversalClient {
	const dial, rw = time.Second, 500 * time.Millisecond
	if r.sentinel != nil {
		o := *r.sentinel
		o.DialTimeout, o.ReadTimeout, o.WriteTimeout = dial, rw, rw
		o.MaxRetries = 1
		return redis.NewFailoverClient(&o)
	}
	o := *r.node
	o.DialTimeout, o.ReadTimeout, o.WriteTimeout = dial, rw, rw
	o.MaxRetries = 1
	return redis.NewClient(&o)
}

// redactRedis is REDIS_URL without its credentials, for logs and errors.
func redactRedis(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return "redis://…"
	}
	authority, tail, hasTail := strings.Cut(rest, "/")
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		authority = "…@" + authority[at+1:]
	}
	if hasTail {
		tail = "/" + tail
	}
	// Query parameters may carry the sentinels' password.
	if q := strings.Index(tail, "?"); q >= 0 {
		tail = tail[:q]
	}
	if q := strings.Index(authority, "?"); q >= 0 {
		authority = authority[:q]
	}
	return scheme + "://" + authority + tail
}
