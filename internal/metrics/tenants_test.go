package metrics_test

import (
	"sync"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/metrics"
)

func TestTenantCountersAddUpPerTenant(t *testing.T) {
	m := metrics.New()
	responses := []struct {
		tenant int64
		status int
		cache  string
		took   time.Duration
	}{
		{1, 200, "pcnweb; hit", time.Millisecond},
		{1, 200, "pcnweb; hit; detail=stale", time.Millisecond},
		{1, 200, "pcnweb; fwd=miss", 10 * time.Millisecond},
		{1, 200, "pcnweb; fwd=miss; collapsed", 9 * time.Millisecond},
		{1, 503, "", time.Millisecond},
		{2, 200, "pcnweb; fwd=miss", 30 * time.Millisecond},
		{2, 404, "pcnweb; fwd=bypass", time.Millisecond},
		{0, 500, "pcnweb; fwd=miss", time.Second}, // no tenant: not counted
	}
	for _, r := range responses {
		m.CountTenant(r.tenant, r.status, []byte(r.cache), r.took)
	}
	want := []metrics.TenantStats{
		{TenantID: 1, Requests: 5, Hits: 2, Misses: 2, Errors: 1, Renders: 1, RenderTime: 10 * time.Millisecond},
		{TenantID: 2, Requests: 2, Misses: 1, Renders: 1, RenderTime: 30 * time.Millisecond},
	}
	got := m.Tenants()
	if len(got) != len(want) {
		t.Fatalf("Tenants() = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("tenant %d: got %+v, want %+v", want[i].TenantID, got[i], want[i])
		}
	}
	if r := got[0].HitRatio(); r != 0.5 {
		t.Errorf("hit ratio of tenant 1 = %v, want 0.5", r)
	}
	if d := got[1].MeanRender(); d != 30*time.Millisecond {
		t.Errorf("mean render of tenant 2 = %v, want 30ms", d)
	}
}

func TestTenantCountersAreSafeForConcurrentUse(t *testing.T) {
	m := metrics.New()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				m.CountTenant(int64(i%50+1), 200, []byte("pcnweb; hit"), 0)
				if i%100 == 0 && g == 0 {
					_ = m.Tenants()
				}
			}
		}()
	}
	wg.Wait()
	var total uint64
	for _, s := range m.Tenants() {
		total += s.Requests
		if s.Requests != s.Hits {
			t.Errorf("tenant %d: %d requests but %d hits", s.TenantID, s.Requests, s.Hits)
		}
	}
	if total != 8000 {
		t.Errorf("counted %d requests, want 8000", total)
	}
}

func TestNilMetricsCountNothing(t *testing.T) {
	var m *metrics.Metrics
	m.CountTenant(1, 200, nil, 0)
	if got := m.Tenants(); got != nil {
		t.Errorf("Tenants() of nil metrics = %v", got)
	}
}

func BenchmarkCountTenant(b *testing.B) {
	m := metrics.New()
	hit := []byte("pcnweb; hit")
	for id := int64(1); id <= 1250; id++ {
		m.CountTenant(id, 200, hit, 0)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.CountTenant(int64(i%1250+1), 200, hit, time.Microsecond)
	}
}

func BenchmarkCountTenantParallel(b *testing.B) {
	m := metrics.New()
	hit := []byte("pcnweb; hit")
	for id := int64(1); id <= 1250; id++ {
		m.CountTenant(id, 200, hit, 0)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			m.CountTenant(int64(i%1250+1), 200, hit, time.Microsecond)
			i++
		}
	})
}

func BenchmarkTenantsSnapshot(b *testing.B) {
	m := metrics.New()
	for id := int64(1); id <= 1250; id++ {
		m.CountTenant(id, 200, []byte("pcnweb; hit"), 0)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = m.Tenants()
	}
}
