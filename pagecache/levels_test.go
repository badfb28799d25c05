package pagecache

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"github.com/andybalholm/brotli"
)

func BenchmarkLevels(b *testing.B) {
	files, _ := filepath.Glob("testdata/*.html")
	for _, f := range files {
		page, _ := os.ReadFile(f)
		name := filepath.Base(f)
		for _, lvl := range []int{1, 2, 4, 5, 6, 7, 9} {
			b.Run(fmt.Sprintf("%s/gzip-%d", name, lvl), func(b *testing.B) {
				var buf bytes.Buffer
				w, _ := gzip.NewWriterLevel(&buf, lvl)
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				start := threadCPU()
				for b.Loop() {
					buf.Reset()
					w.Reset(&buf)
					w.Write(page)
					w.Close()
				}
				b.ReportMetric(float64(threadCPU()-start)/float64(b.N), "cpu-ns/op")
				b.ReportMetric(float64(buf.Len()), "bytes")
			})
		}
		for q := 0; q <= 11; q++ {
			b.Run(fmt.Sprintf("%s/br-%d", name, q), func(b *testing.B) {
				var buf bytes.Buffer
				w := brotli.NewWriterOptions(&buf, brotli.WriterOptions{Quality: q, LGWin: 18})
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				start := threadCPU()
				for b.Loop() {
					buf.Reset()
					w.Reset(&buf)
					w.Write(page)
					w.Close()
				}
				b.ReportMetric(float64(threadCPU()-start)/float64(b.N), "cpu-ns/op")
				b.ReportMetric(float64(buf.Len()), "bytes")
			})
		}
		for q := 0; q <= 9; q++ {
			b.Run(fmt.Sprintf("%s/brv2-%d", name, q), func(b *testing.B) {
				var buf bytes.Buffer
				w := brotli.NewWriterV2(&buf, q)
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				start := threadCPU()
				for b.Loop() {
					buf.Reset()
					w.Reset(&buf)
					w.Write(page)
					w.Close()
				}
				b.ReportMetric(float64(threadCPU()-start)/float64(b.N), "cpu-ns/op")
				b.ReportMetric(float64(buf.Len()), "bytes")
			})
		}
	}
}

// threadCPU is the CPU time the calling OS thread has used, in ns: what a
// benchmark on a busy shared machine should compare (wall time counts the
// time other processes held the CPU).
func threadCPU() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// cpuClock measures a benchmark's CPU time on its (locked) OS thread.
type cpuClock struct{ start int64 }

func startCPU() cpuClock {
	runtime.LockOSThread()
	return cpuClock{threadCPU()}
}

// report adds cpu-ns/op: CPU time per op, which a busy machine does not
// inflate as it does ns/op.
func (c cpuClock) report(b *testing.B) {
	b.ReportMetric(float64(threadCPU()-c.start)/float64(b.N), "cpu-ns/op")
	runtime.UnlockOSThread()
}
