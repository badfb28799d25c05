package admin

import (
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
)

// Two saves in one minute must read apart: seconds, a version number and a
// draft label.
func TestPageRevisionRowsDistinguishable(t *testing.T) {
	at := time.Date(2026, time.December, 4, 20, 11, 5, 0, time.UTC) // GMT in December
	live := int64(2)
	h := models.PageHistory{
		Page: models.Page{PublishedRevisionID: &live},
		Revisions: []models.PageRevision{ // newest first
			{ID: 3, CreatedAt: at.Add(40 * time.Second)},
			{ID: 2, CreatedAt: at},
			{ID: 1, CreatedAt: at.Add(-10 * time.Second)},
		},
	}
	rows := pageRevisionRows(h)
	want := []revisionRow{
		{ID: 3, Number: 3, When: "4 December 2026 at 8:11:45pm", Draft: true, Latest: true},
		{ID: 2, Number: 2, When: "4 December 2026 at 8:11:05pm", Live: true},
		{ID: 1, Number: 1, When: "4 December 2026 at 8:10:55pm"},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows: %+v", rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], want[i])
		}
	}
	// Nothing published: every version is a draft.
	h.Page.PublishedRevisionID = nil
	for _, r := range pageRevisionRows(h) {
		if !r.Draft || r.Live {
			t.Errorf("unpublished page's row %+v is not a draft", r)
		}
	}
}
