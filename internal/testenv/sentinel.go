package testenv

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// SentinelMaster is the name the throwaway sentinels know their master by.
const SentinelMaster = "pcnweb"

// Sentinels is a throwaway Redis Sentinel deployment: a master, one replica
// and three redis-sentinel processes (quorum 2) that notice a dead master
// within a second and promote the replica.
type Sentinels struct {
	Master, Replica *RedisServer
	Addrs           []string // the sentinels' host:port
	// URL is REDIS_URL for pcnweb: redis+sentinel://s1,s2,s3/pcnweb/0.
	URL  string
	cmds []*exec.Cmd
}

// StartSentinels starts the deployment and waits until every sentinel knows
// the replica and the other two sentinels, so a failover can happen. It
// needs redis-server and redis-sentinel (Debian's redis-sentinel package;
// deploy/dev/services.sh installs it) and fails without them in CI.
func StartSentinels(t testing.TB) *Sentinels {
	t.Helper()
	if _, err := exec.LookPath("redis-sentinel"); err != nil {
		skipOrFail(t, "testenv: redis-sentinel is not installed (apt-get install redis-sentinel)")
	}
	s := &Sentinels{Master: StartRedis(t)}
	_, mport, _ := net.SplitHostPort(s.Master.Addr)
	host, _, _ := net.SplitHostPort(s.Master.Addr)
	s.Replica = &RedisServer{Addr: FreeAddr(t), dir: t.TempDir(), args: []string{"--replicaof", host, mport}}
	s.Replica.URL = "redis://" + s.Replica.Addr + "/0"
	s.Replica.Start(t)
	t.Cleanup(func() { s.Replica.Stop(t) })

	for i := range 3 {
		addr, dir := FreeAddr(t), t.TempDir()
		_, port, _ := net.SplitHostPort(addr)
		conf := filepath.Join(dir, "sentinel.conf")
		// The sentinel rewrites its file as it learns; it must be writable.
		body := strings.Join([]string{
			"port " + port,
			"bind 127.0.0.1",
			"daemonize no",
			"dir " + dir,
			"logfile " + filepath.Join(dir, "sentinel.log"),
			fmt.Sprintf("sentinel monitor %s %s %s 2", SentinelMaster, host, mport),
			"sentinel down-after-milliseconds " + SentinelMaster + " 1000",
			"sentinel failover-timeout " + SentinelMaster + " 5000",
			"sentinel parallel-syncs " + SentinelMaster + " 1",
		}, "\n") + "\n"
		if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
			t.Fatalf("testenv: %v", err)
		}
		cmd := exec.Command("redis-sentinel", conf)
		if err := cmd.Start(); err != nil {
			t.Fatalf("testenv: start redis-sentinel %d: %v", i, err)
		}
		s.cmds = append(s.cmds, cmd)
		s.Addrs = append(s.Addrs, addr)
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	}
	s.URL = "redis+sentinel://" + strings.Join(s.Addrs, ",") + "/" + SentinelMaster + "/0"

	// Ready: each sentinel sees the replica and its two peers.
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	for _, addr := range s.Addrs {
		sc := redis.NewSentinelClient(&redis.Options{Addr: addr, DialTimeout: 200 * time.Millisecond})
		for {
			replicas, err1 := sc.Replicas(ctx, SentinelMaster).Result()
			peers, err2 := sc.Sentinels(ctx, SentinelMaster).Result()
			if err1 == nil && err2 == nil && len(replicas) == 1 && len(peers) == 2 {
				break
			}
			if time.Now().After(deadline) {
				_ = sc.Close()
				t.Fatalf("testenv: sentinel %s not ready after 30s (replicas %d %v, peers %d %v)", addr, len(replicas), err1, len(peers), err2)
			}
			time.Sleep(100 * time.Millisecond)
		}
		_ = sc.Close()
	}
	return s
}

// MasterAddr is the master's address as the sentinels report it now.
func (s *Sentinels) MasterAddr(t testing.TB) string {
	t.Helper()
	for _, addr := range s.Addrs {
		sc := redis.NewSentinelClient(&redis.Options{Addr: addr, DialTimeout: 200 * time.Millisecond})
		hp, err := sc.GetMasterAddrByName(context.Background(), SentinelMaster).Result()
		_ = sc.Close()
		if err == nil && len(hp) == 2 {
			return net.JoinHostPort(hp[0], hp[1])
		}
	}
	t.Fatalf("testenv: no sentinel names a master")
	return ""
}

// WaitFailover waits until the sentinels name another master than old and
// that master answers as one; it returns the new master's address.
func (s *Sentinels) WaitFailover(t testing.TB, old string, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if addr := s.MasterAddr(t); addr != old {
			c := redis.NewClient(&redis.Options{Addr: addr, DialTimeout: 200 * time.Millisecond})
			role, err := c.Do(context.Background(), "ROLE").Slice()
			_ = c.Close()
			if err == nil && len(role) > 0 && role[0] == "master" {
				return addr
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("testenv: no failover from %s within %s", old, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
