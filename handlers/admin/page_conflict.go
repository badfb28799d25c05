package admin

import (
	"errors"
	"strconv"
	"strings"

	"github.com/pcnweb/pcnweb/internal/textdiff"
	"github.com/pcnweb/pcnweb/models"
)

// pageConflict is what the page form shows when a save was refused because
// someone else saved the page after the user opened it: who saved it and
// when (from the revisions, which record their author), and what they
// changed (the line diff from the version the user opened to the latest).
// The user's own text stays in the form; saving it again replaces theirs,
// and a link opens their version instead.
type pageConflict struct {
	// Changes are the versions saved since the user opened the page,
	// newest first.
	Changes []revisionRow
	// Lines is the line diff of title and Markdown from the version the
	// user opened (nothing, for a page that did not exist) to the latest.
	Lines          []diffLine
	Added, Removed int
	// Deleted: the page is no longer there at all.
	Deleted bool
	Path    string // the page's path, for the link to their version
}

// message is the conflict in one sentence for the error summary.
func (pc *pageConflict) message() string {
	if pc.Deleted || len(pc.Changes) == 0 {
		return "After you opened this page, someone else changed it. Your text has not been saved: it is in the form below"
	}
	latest := pc.Changes[0]
	who := latest.Author
	if who == "" {
		who = "someone using the command line"
	}
	var b strings.Builder
	b.WriteString("After you opened this page, ")
	b.WriteString(who)
	b.WriteString(" saved version ")
	b.WriteString(strconv.Itoa(latest.Number))
	if latest.Live {
		b.WriteString(" (published)")
	} else {
		b.WriteString(" (a draft)")
	}
	b.WriteString(" on ")
	b.WriteString(latest.When)
	if n := len(pc.Changes); n > 1 {
		b.WriteString(", with " + strconv.Itoa(n-1) + " more ")
		if n == 2 {
			b.WriteString("change")
		} else {
			b.WriteString("changes")
		}
		b.WriteString(" before it")
	}
	b.WriteString(". Your text has not been saved: it is in the form below. Publish or save it to replace their version, or take their version instead")
	return b.String()
}

// pageConflictOf describes what happened to the page at path since the
// user opened revision base.
func pageConflictOf(store *models.TenantDB, path string, base int64) (*pageConflict, error) {
	h, err := store.History(path)
	if errors.Is(err, models.ErrNotFound) {
		return &pageConflict{Deleted: true, Path: path}, nil
	}
	if err != nil {
		return nil, err
	}
	pc := &pageConflict{Path: path}
	rows := pageRevisionRows(h)
	var from, to string
	for i, r := range h.Revisions { // newest first
		if r.ID == base {
			from = r.Title + "\n\n" + r.BodyMD
			break
		}
		if r.ID > base {
			pc.Changes = append(pc.Changes, rows[i])
		}
	}
	if len(h.Revisions) > 0 {
		to = h.Revisions[0].Title + "\n\n" + h.Revisions[0].BodyMD
	}
	diff := textdiff.Lines(from, to)
	kinds := map[textdiff.Kind]string{textdiff.Same: "same", textdiff.Added: "added", textdiff.Removed: "removed"}
	for _, l := range diff {
		pc.Lines = append(pc.Lines, diffLine{Kind: kinds[l.Kind], Text: l.Text})
	}
	pc.Added, pc.Removed = textdiff.Count(diff)
	return pc, nil
}
