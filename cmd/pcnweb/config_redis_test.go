package main

import (
	"slices"
	"strings"
	"testing"
)

// TestRedisURL: REDIS_URL names one node (redis://, rediss://) or a master
// watched by Redis Sentinel (redis+sentinel://); Cluster and anything
// malformed stop the process with a message naming the variable and never
// echoing the password.
func TestRedisURL(t *testing.T) {
	type sentinel struct {
		addrs                        []string
		master                       string
		db                           int
		user, pass, sentUser, sentPw string
		tls                          bool
	}
	tests := []struct {
		url      string
		node     string // Addr of a one-node target
		sentinel *sentinel
		err      string
	}{
		{url: "redis://cache.internal:6379/0", node: "cache.internal:6379"},
		{url: "rediss://:s3cret@cache.internal:6380/2", node: "cache.internal:6380"},
		{url: "redis+sentinel://s1:26379,s2:26380,s3/mymaster/0", sentinel: &sentinel{addrs: []string{"s1:26379", "s2:26380", "s3:26379"}, master: "mymaster"}},
		{url: "redis+sentinel://:p%40ss@10.0.0.1,10.0.0.2/pcnweb/3", sentinel: &sentinel{addrs: []string{"10.0.0.1:26379", "10.0.0.2:26379"}, master: "pcnweb", db: 3, pass: "p@ss"}},
		{url: "redis+sentinel://app:pw@[::1]:26379,[fd00::2]/m?sentinel_password=sp&sentinel_username=su", sentinel: &sentinel{addrs: []string{"[::1]:26379", "[fd00::2]:26379"}, master: "m", user: "app", pass: "pw", sentUser: "su", sentPw: "sp"}},
		{url: "rediss+sentinel://s1:26379/mymaster/", sentinel: &sentinel{addrs: []string{"s1:26379"}, master: "mymaster", tls: true}},
		{url: "redis+cluster://n1:6379,n2:6379", err: "Redis Cluster is not supported"},
		{url: "memcache://x:11211", err: "must be a redis://"},
		{url: "cache.internal:6379", err: "must be a redis://"},
		{url: "redis+sentinel:///mymaster", err: "at least one sentinel address"},
		{url: "redis+sentinel://s1:26379", err: "needs the master's name"},
		{url: "redis+sentinel://s1:26379/", err: "needs the master's name"},
		{url: "redis+sentinel://s1:26379/m/zero", err: `database "zero" is not a number`},
		{url: "redis+sentinel://s1:26379/m/0/extra", err: "needs the master's name"},
		{url: "redis+sentinel://s1:26379,,s2/m", err: "empty sentinel address"},
		{url: "redis+sentinel://s1:http/m", err: "no valid port"},
		{url: "redis+sentinel://s1:99999/m", err: "no valid port"},
		{url: "redis+sentinel://::1/m", err: "is not host:port"},
		{url: "redis+sentinel://:hunter2@s1/m?max_retries=9", err: `unknown parameter "max_retries"`},
		{url: "redis+sentinel://:hunter2@s1/m%zz", err: "is not a master name"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			c, err := loadConfig(mapEnv(map[string]string{"REDIS_URL": tt.url}))
			if tt.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), "REDIS_URL: ") || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want REDIS_URL: …%s…", err, tt.err)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Errorf("the error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.node != "":
				if c.Redis.node == nil || c.Redis.sentinel != nil || c.Redis.node.Addr != tt.node {
					t.Fatalf("got %+v, want one node at %s", c.Redis, tt.node)
				}
			default:
				s, w := c.Redis.sentinel, tt.sentinel
				if s == nil || c.Redis.node != nil {
					t.Fatalf("got %+v, want Sentinel", c.Redis)
				}
				if !slices.Equal(s.SentinelAddrs, w.addrs) || s.MasterName != w.master || s.DB != w.db ||
					s.Username != w.user || s.Password != w.pass || s.SentinelUsername != w.sentUser ||
					s.SentinelPassword != w.sentPw || (s.TLSConfig != nil) != w.tls {
					t.Errorf("got addrs %q master %q db %d user %q pass %q sentinel %q/%q tls %v, want %+v",
						s.SentinelAddrs, s.MasterName, s.DB, s.Username, s.Password, s.SentinelUsername, s.SentinelPassword, s.TLSConfig != nil, *w)
				}
			}
		})
	}
}

func TestRedactRedis(t *testing.T) {
	for in, want := range map[string]string{
		"redis://cache:6379/0":                                "redis://cache:6379/0",
		"rediss://:pw@cache:6379/0":                           "rediss://…@cache:6379/0",
		"redis+sentinel://:pw@s1,s2/m/0?sentinel_password=sp": "redis+sentinel://…@s1,s2/m/0",
		"redis+sentinel://s1?sentinel_password=sp":            "redis+sentinel://s1",
		"not a url":                          "redis://…",
		"redis+sentinel://u:p@ss@s1:26379/m": "redis+sentinel://…@s1:26379/m",
		"rediss+sentinel://s1:26379,s2:26379/m?sentinel_username=x": "rediss+sentinel://s1:26379,s2:26379/m",
	} {
		if got := redactRedis(in); got != want {
			t.Errorf("redactRedis(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzRedisURL: whatever REDIS_URL holds, parsing never panics, a Sentinel
// target always has sentinels with valid host:port addresses and a master,
// and redacting it never panics either.
func FuzzRedisURL(f *testing.F) {
	for _, s := range []string{
		"redis://cache:6379/0", "redis+sentinel://:pw@s1,s2:26380/m/1?sentinel_password=x",
		"rediss+sentinel://[::1]/m", "redis+cluster://a", "redis+sentinel://a,,b/m", "redis+sentinel://@/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		_ = redactRedis(raw)
		r, err := parseRedisURL(raw)
		if err != nil {
			return
		}
		if s := r.sentinel; s != nil {
			if len(s.SentinelAddrs) == 0 || s.MasterName == "" {
				t.Fatalf("%q: sentinel target without addresses or master: %+v", raw, s)
			}
			for _, a := range s.SentinelAddrs {
				if _, err := sentinelAddr(a); err != nil {
					t.Fatalf("%q: sentinel address %q does not parse again: %v", raw, a, err)
				}
			}
		} else if r.node == nil {
			t.Fatalf("%q: parsed to nothing", raw)
		}
	})
}
