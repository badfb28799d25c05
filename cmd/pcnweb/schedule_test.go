package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
	"github.com/pcnweb/pcnweb/schedule"
)

// TestServeRunsScheduledChanges: a change that fell due while no server
// ran is applied when the servers start, by one of them, and both serve
// the result; on shutdown the lease is released.
func TestServeRunsScheduledChanges(t *testing.T) {
	redisURL, prefix := testenv.Redis(t)
	url := modelstest.NewURL(t)
	env := map[string]string{"DATABASE_URL": url, "REDIS_URL": redisURL, "PCNWEB_REDIS_PREFIX": prefix, "LOG_LEVEL": "warn"}
	mustCLI(t, env, "", "tenant", "create", "--slug", "highfives", "--name", "High Fives PCN")
	mustCLI(t, env, "", "tenant", "launch", "highfives")
	mustCLI(t, env, "Live text.", "page", "put", "--tenant", "highfives", "--path", "/about", "--title", "About us")
	mustCLI(t, env, "Scheduled text.", "page", "put", "--tenant", "highfives", "--path", "/about", "--title", "About us", "--draft")

	db := modelstest.Open(t, url)
	ctx := context.Background()
	tn, err := db.TenantBySlug(ctx, "highfives")
	if err != nil {
		t.Fatal(err)
	}
	store := db.ForTenant(ctx, tn.ID)
	draft, err := store.PageForEdit("/about")
	if err != nil {
		t.Fatal(err)
	}
	// Scheduled two minutes ago for a minute ago: due before any server ran.
	then := time.Now().Add(-2 * time.Minute)
	if _, err := store.ScheduleChange(models.ScheduleInput{By: testActor, Kind: models.ScheduleKindPage, Target: "/about", Action: models.SchedulePublish,
		RunAt: then.Add(time.Minute), Now: then, BaseRevisionID: draft.Revision.ID}); err != nil {
		t.Fatal(err)
	}

	a, b := startServer(t, env), startServer(t, env)
	deadline := time.Now().Add(10 * time.Second)
	for _, s := range []*instance{a, b} {
		for {
			p := s.get(t, "highfives.localhost", "/about")
			if strings.Contains(p.body, "Scheduled text.") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s still serves %d %q after the due change", s.addr, p.status, p.body)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if pending, _ := store.PendingChanges("", ""); len(pending) != 0 {
		t.Errorf("still pending: %+v", pending)
	}
	if ok, err := db.AcquireLease(ctx, schedule.LeaseName, "probe", time.Now(), time.Second); err != nil || ok {
		t.Errorf("the lease was free while the servers ran: %v %v", ok, err)
	}
	if err := a.stop(); err != nil {
		t.Fatal(err)
	}
	if err := b.stop(); err != nil {
		t.Fatal(err)
	}
	if ok, err := db.AcquireLease(ctx, schedule.LeaseName, "probe", time.Now(), time.Second); err != nil || !ok {
		t.Errorf("the lease was not released on shutdown: %v %v", ok, err)
	}
}

// testActor makes the tests' own changes: every content write says who makes it.
var testActor = models.Actor{Name: "test@example.nhs.uk"}
