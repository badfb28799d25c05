// Package textdiff compares two texts line by line: the longest common
// subsequence of their lines is kept, the rest is marked as removed from the
// first text or added in the second. It is for showing people what changed
// between two revisions of a page, not for patches.
package textdiff

import "strings"

// Kind says what happened to a line.
type Kind int

// The kinds of line in a diff.
const (
	Same    Kind = iota // in both texts
	Removed             // only in the first text
	Added               // only in the second text
)

// Line is one line of a diff.
type Line struct {
	Kind Kind
	Text string // without its newline
}

// MaxCells bounds the work of the LCS table (lines of a × lines of b, after
// the common start and end are set aside). Beyond it the differing middle
// is shown as all removed then all added: still a correct diff, not a
// minimal one.
const MaxCells = 4 << 20

// Lines returns the line diff of a and b: the lines of a are the Same and
// Removed ones, in order; the lines of b the Same and Added ones. A final
// newline does not make an empty last line, and "\r\n" counts as "\n".
func Lines(a, b string) []Line {
	return diff(split(a), split(b))
}

func split(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func diff(a, b []string) []Line {
	// The common start and end need no table.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	out := make([]Line, 0, len(a)+len(b)-pre-suf)
	for _, s := range a[:pre] {
		out = append(out, Line{Same, s})
	}
	out = append(out, middle(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for _, s := range a[len(a)-suf:] {
		out = append(out, Line{Same, s})
	}
	return out
}

// middle diffs two sequences by their longest common subsequence.
func middle(a, b []string) []Line {
	n, m := len(a), len(b)
	var out []Line
	if n == 0 || m == 0 || n*m > MaxCells {
		for _, s := range a {
			out = append(out, Line{Removed, s})
		}
		for _, s := range b {
			out = append(out, Line{Added, s})
		}
		return out
	}
	// lcs[i][j] is the LCS length of a[i:] and b[j:], in one flat table.
	w := m + 1
	lcs := make([]int32, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			switch {
			case a[i] == b[j]:
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
				lcs[i*w+j] = lcs[(i+1)*w+j]
			default:
				lcs[i*w+j] = lcs[i*w+j+1]
			}
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out = append(out, Line{Same, a[i]})
			i++
			j++
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			out = append(out, Line{Removed, a[i]})
			i++
		default:
			out = append(out, Line{Added, b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, Line{Removed, a[i]})
	}
	for ; j < m; j++ {
		out = append(out, Line{Added, b[j]})
	}
	return out
}

// Count returns how many lines were added and removed.
func Count(lines []Line) (added, removed int) {
	for _, l := range lines {
		switch l.Kind {
		case Added:
			added++
		case Removed:
			removed++
		}
	}
	return added, removed
}
