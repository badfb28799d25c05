package textdiff_test

import (
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/internal/textdiff"
)

// show writes a diff compactly: " same", "-removed", "+added", one a line.
func show(lines []textdiff.Line) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteByte(" -+"[l.Kind])
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

func TestLines(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want string
	}{
		{"both empty", "", "", ""},
		{"all added", "", "one\ntwo\n", "+one\n+two\n"},
		{"all removed", "one\ntwo", "", "-one\n-two\n"},
		{"unchanged", "a\nb\n", "a\nb", " a\n b\n"},
		{"one line changed", "a\nb\nc", "a\nB\nc", " a\n-b\n+B\n c\n"},
		{"line inserted", "a\nc", "a\nb\nc", " a\n+b\n c\n"},
		{"line removed", "a\nb\nc", "a\nc", " a\n-b\n c\n"},
		{"windows line ends", "a\r\nb\r\n", "a\nb\n", " a\n b\n"},
		{"blank lines count", "a\n\nb", "a\nb", " a\n-\n b\n"},
		{"moved line", "x\na\nb\nc", "a\nb\nc\nx", "-x\n a\n b\n c\n+x\n"},
		{"interleaved", "a\nb\nc\nd", "b\nx\nd\ny", "-a\n b\n-c\n+x\n d\n+y\n"},
		{"markdown heading", "## Opening times\nMonday 8am", "## Opening hours\nMonday 8am", "-## Opening times\n+## Opening hours\n Monday 8am\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := show(textdiff.Lines(tt.a, tt.b))
			if got != tt.want {
				t.Errorf("Lines(%q, %q) =\n%s\nwant\n%s", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestCount(t *testing.T) {
	added, removed := textdiff.Count(textdiff.Lines("a\nb\nc", "a\nB\nc\nd"))
	if added != 2 || removed != 1 {
		t.Errorf("Count = %d added, %d removed; want 2, 1", added, removed)
	}
}

func TestLinesBeyondTheTableBoundIsStillCorrect(t *testing.T) {
	var a, b strings.Builder
	for i := 0; i < 2100; i++ {
		a.WriteString("a line\n")
		b.WriteString("b line\n")
	}
	lines := textdiff.Lines("same\n"+a.String()+"end", "same\n"+b.String()+"end")
	check(t, "same\n"+a.String()+"end", "same\n"+b.String()+"end", lines)
	if lines[0].Kind != textdiff.Same || lines[len(lines)-1].Kind != textdiff.Same {
		t.Error("the common start and end were not kept")
	}
}

// check fails unless the diff rebuilds both texts.
func check(t *testing.T, a, b string, lines []textdiff.Line) {
	t.Helper()
	var gotA, gotB []string
	for _, l := range lines {
		if l.Kind != textdiff.Added {
			gotA = append(gotA, l.Text)
		}
		if l.Kind != textdiff.Removed {
			gotB = append(gotB, l.Text)
		}
	}
	if want := lines0(a); strings.Join(gotA, "\n") != want {
		t.Fatalf("the diff does not rebuild the first text:\n%q\nwant\n%q", strings.Join(gotA, "\n"), want)
	}
	if want := lines0(b); strings.Join(gotB, "\n") != want {
		t.Fatalf("the diff does not rebuild the second text:\n%q\nwant\n%q", strings.Join(gotB, "\n"), want)
	}
}

func lines0(s string) string {
	return strings.TrimSuffix(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
}

// lcsLen is the textbook recursive LCS length, for small inputs.
func lcsLen(a, b []string) int {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if a[0] == b[0] {
		return 1 + lcsLen(a[1:], b[1:])
	}
	return max(lcsLen(a[1:], b), lcsLen(a, b[1:]))
}

func FuzzLines(f *testing.F) {
	f.Add("a\nb\nc", "a\nc\nd")
	f.Add("", "x")
	f.Add("x\r\ny\n", "y\r\n\r\n")
	f.Add("## Title\n\n- one\n- two\n", "## Title\n\n- two\n- three\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		lines := textdiff.Lines(a, b)
		check(t, a, b, lines)
		// On small inputs the kept lines are a longest common subsequence.
		la, lb := strings.Split(lines0(a), "\n"), strings.Split(lines0(b), "\n")
		if len(la) <= 8 && len(lb) <= 8 && lines0(a) != "" && lines0(b) != "" {
			same := 0
			for _, l := range lines {
				if l.Kind == textdiff.Same {
					same++
				}
			}
			if want := lcsLen(la, lb); same != want {
				t.Errorf("kept %d lines, the longest common subsequence has %d", same, want)
			}
		}
	})
}
